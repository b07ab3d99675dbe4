"""StateSigner: the shared state vectors, a sign-in with a rotated key against
the sandbox, and what errors and repr show."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import elements_auth
from elements_auth import Client, Sandbox, StateClaims, StateMismatchError, StateSigner
from conftest import API_KEY, API_SECRET, CALLBACK, VECTORS, load_vectors

DOC: dict[str, Any] = json.loads((VECTORS / "state_tokens.json").read_text(encoding="utf-8"))
CASES = load_vectors("state_tokens")
SECRET = b"python-test-state-secret-0123456789abcdef"
OLD_SECRET = "python-test-old-state-secret-0123456789ab"


def signer_of(case: dict[str, Any]) -> StateSigner:
    spec = case["signer"]
    keys: dict[str, str] = DOC["keys"]
    previous = {k: keys[k] for k in spec.get("previous", [])}
    return StateSigner(spec["key"], keys[spec["key"]], ttl=float(spec.get("ttl", 600)), previous=previous or None)


def check_error(err: elements_auth.ElementsAuthError, want: dict[str, Any]) -> None:
    assert err.kind == want["kind"], err
    if "mismatch" in want:
        assert isinstance(err, StateMismatchError)
        assert err.mismatch == want["mismatch"], err
    if "field" in want:
        assert err.field == want["field"], err


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_state_token_vectors(case: dict[str, Any]) -> None:
    expect = case["expect"]
    if "sign" not in case and "verify" not in case:
        with pytest.raises(elements_auth.ElementsAuthError) as info:
            signer_of(case)
        check_error(info.value, expect["error"])
        return
    signer = signer_of(case)
    if "sign" in case:
        s = case["sign"]
        token = signer.sign_for_test(s["element"], s["subject"], s["issued_at"], bytes.fromhex(s["nonce"]))
        assert token == case["token"]
    v = case["verify"]
    if "ok" in expect:
        claims = signer.verify_for_test(v["state"], v["subject"], v["now"])
        ok = expect["ok"]
        assert claims == StateClaims(ok["element"], ok["key_id"], ok["issued_at"], ok["expires_at"])
        assert (claims.element, claims.key_id, claims.issued_at, claims.expires_at) == (
            ok["element"], ok["key_id"], ok["issued_at"], ok["expires_at"],
        )
        return
    with pytest.raises(elements_auth.ElementsAuthError) as info:
        signer.verify_for_test(v["state"], v["subject"], v["now"])
    check_error(info.value, expect["error"])


def test_the_vectors_follow_the_documented_format() -> None:
    # An implementation of the format written from the documentation alone.
    script = Path(VECTORS) / "state_tokens.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "4 of 4 tokens follow the documented format" in done.stdout


def test_secret_as_bytes_or_str_is_the_same_key() -> None:
    text = "the-same-secret-as-text-0123456789abcdef"
    a = StateSigner("k1", text)
    b = StateSigner("k1", text.encode("utf-8"))
    assert a.verify(b.sign("concur", "u1"), "u1").element == "concur"
    with pytest.raises(TypeError):
        StateSigner("k1", 12345)  # type: ignore[arg-type]


def test_attributes_and_repr_show_no_secret() -> None:
    signer = StateSigner("k2", SECRET, ttl=300, previous={"k1": OLD_SECRET})
    assert (signer.key_id, signer.previous_key_ids, signer.ttl) == ("k2", ["k1"], 300.0)
    shown = repr(signer)
    assert shown == "StateSigner(key_id='k2', previous_key_ids=['k1'], ttl=300)"
    state = signer.sign("concur", "alice@example.com")
    assert "alice" not in state and len(state) < 200
    with pytest.raises(StateMismatchError) as info:
        signer.verify(state, "bob@example.com")
    err = info.value
    assert err.mismatch == "other_subject"
    for text in (str(err), repr(err), shown):
        assert SECRET.decode() not in text and OLD_SECRET not in text
        assert "alice" not in text and "bob" not in text
    assert repr(err).startswith("StateMismatchError(mismatch='other_subject'")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"key_id": "k1", "secret": b"x" * 31}, "secret"),
        ({"key_id": "k 1", "secret": SECRET}, "key_id"),
        ({"key_id": "k1", "secret": SECRET, "ttl": 0.0}, "ttl"),
        ({"key_id": "k1", "secret": SECRET, "ttl": 1.5}, "ttl"),
        ({"key_id": "k1", "secret": SECRET, "ttl": float("nan")}, "ttl"),
        ({"key_id": "k1", "secret": SECRET, "previous": {"k0": "short"}}, "previous.secret"),
        ({"key_id": "k1", "secret": SECRET, "previous": {"k1": OLD_SECRET}}, "previous.key_id"),
    ],
)
def test_bad_arguments_name_their_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(elements_auth.InvalidInputError) as info:
        StateSigner(**kwargs)
    assert info.value.field == field
    assert SECRET.decode() not in str(info.value)


def test_parse_callback_with_a_rotated_key(sandbox: Sandbox, client: Client) -> None:
    before = StateSigner("k1", OLD_SECRET)
    after = StateSigner("k2", SECRET, previous={"k1": OLD_SECRET})
    removed = StateSigner("k2", SECRET)

    def landed(signer: StateSigner, user: str) -> str:
        url = client.oauth_url("dropbox", API_KEY, API_SECRET, CALLBACK, state=signer.sign("dropbox", user))
        return sandbox.approve(url)

    # Started before the rotation, completed on a replica that rotated.
    callback = landed(before, "user-7")
    grant = after.parse_callback(callback, "user-7")
    assert after.verify(grant.state, "user-7").key_id == "k1"
    instance = client.create_instance("dropbox", grant, "rotated", API_KEY, API_SECRET, CALLBACK)
    assert instance.element_key == "dropbox"
    # On a replica that removed the old key, it fails.
    with pytest.raises(StateMismatchError) as info:
        removed.parse_callback(landed(before, "user-7"), "user-7")
    assert info.value.mismatch == "unknown_key"
    # Another user's callback is refused before anything else is read.
    mine = landed(after, "user-7")
    with pytest.raises(StateMismatchError) as other:
        after.parse_callback(mine, "user-8")
    assert other.value.mismatch == "other_subject"
    # A denial is believed only with this user's state.
    url = client.oauth_url("dropbox", API_KEY, API_SECRET, CALLBACK, state=after.sign("dropbox", "user-7"))
    denied = sandbox.deny(url)
    with pytest.raises(elements_auth.AuthorizationDeniedError):
        after.parse_callback(denied, "user-7")
    with pytest.raises(StateMismatchError):
        after.parse_callback(denied, "user-8")
    assert len(sandbox.instances()) == 1


def test_the_test_hooks_refuse_live_tokens() -> None:
    signer = StateSigner("k1", SECRET)
    with pytest.raises(elements_auth.InvalidInputError) as info:
        signer.verify_for_test(signer.sign("concur", "u"), "u", 0)
    assert info.value.field == "state"
    with pytest.raises(elements_auth.InvalidInputError) as hooked:
        signer.sign_for_test("concur", "u", int(time.time()), bytes(16))
    assert hooked.value.field == "issued_at"
    old = signer.sign_for_test("concur", "u", int(time.time()) - 3600, bytes(16))
    with pytest.raises(StateMismatchError) as expired:
        signer.verify(old, "u")
    assert expired.value.mismatch == "expired"
