"""Every case of the shared tests/vectors files, through the Python binding."""

from __future__ import annotations

import json
from typing import Any

import pytest

import elements_auth
from elements_auth import (
    Client,
    Sandbox,
    parse_callback,
    parse_event_notification,
    sign_webhook,
    verify_webhook_signature,
)
from conftest import load_vectors

KIND_CLASS: dict[str, type[elements_auth.ElementsAuthError]] = {
    "invalid_input": elements_auth.InvalidInputError,
    "api": elements_auth.ApiError,
    "transport": elements_auth.TransportError,
    "timeout": elements_auth.RequestTimeoutError,
    "decode": elements_auth.DecodeError,
    "authorization_denied": elements_auth.AuthorizationDeniedError,
    "state_mismatch": elements_auth.StateMismatchError,
    "invalid_callback": elements_auth.InvalidCallbackError,
    "invalid_signature": elements_auth.InvalidSignatureError,
}

CALLBACKS = load_vectors("callbacks")
SIGNATURES = load_vectors("webhook_signatures")
QUERIES = load_vectors("query_encoding")


def test_error_kinds_match_the_shared_order() -> None:
    assert elements_auth.ERROR_KINDS == list(KIND_CLASS)
    for kind, cls in KIND_CLASS.items():
        assert cls.kind == kind


@pytest.mark.parametrize("case", CALLBACKS, ids=[c["name"] for c in CALLBACKS])
def test_callbacks(case: dict[str, Any]) -> None:
    expect = case["expect"]
    if "ok" in expect:
        grant = parse_callback(case["callback"], case["expected_state"])
        assert grant.code == expect["ok"]["code"]
        assert grant.state == expect["ok"]["state"]
        return
    want = expect["error"]
    with pytest.raises(KIND_CLASS[want["kind"]]) as info:
        parse_callback(case["callback"], case["expected_state"])
    err: elements_auth.ElementsAuthError = info.value
    assert err.kind == want["kind"]
    if isinstance(err, elements_auth.AuthorizationDeniedError):
        assert err.error == want["error"]
        assert err.description == want["description"]
        assert err.uri == want["uri"]
    if isinstance(err, elements_auth.InvalidInputError):
        assert err.field == want["field"]


@pytest.mark.parametrize("case", SIGNATURES, ids=[c["name"] for c in SIGNATURES])
def test_webhook_signatures(case: dict[str, Any]) -> None:
    body: str = case["body"]
    if case["valid"]:
        # Returns None (no exception); bytes and str bodies are the same UTF-8 bytes.
        verify_webhook_signature(case["key"], body, case["header"])
        verify_webhook_signature(case["key"], body.encode("utf-8"), case["header"])
        verify_webhook_signature(case["key"], bytearray(body.encode()), case["header"])
        return
    with pytest.raises(KIND_CLASS[case["kind"]]) as info:
        verify_webhook_signature(case["key"], body, case["header"])
    err: elements_auth.ElementsAuthError = info.value
    assert err.kind == case["kind"]


def test_sign_webhook_round_trips() -> None:
    header = sign_webhook("a-signature-key", b'{"event": 1}')
    assert header.startswith("sha256=")
    verify_webhook_signature("a-signature-key", '{"event": 1}', header)
    with pytest.raises(elements_auth.InvalidSignatureError):
        verify_webhook_signature("a-signature-key", '{"event": 2}', header)


@pytest.mark.parametrize("case", QUERIES, ids=[c["name"] for c in QUERIES])
def test_query_encoding(case: dict[str, Any], sandbox: Sandbox, client: Client) -> None:
    req = dict(case["request"])
    params = [tuple(p) for p in req.pop("params", [])]
    url = client.oauth_url(
        req.pop("element"),
        req.pop("api_key"),
        req.pop("api_secret"),
        req.pop("callback_url"),
        params=params,
        **req,
    )
    assert url.state == case["request"]["state"]
    sent = sandbox.requests()[-1]
    assert sent["method"] == "GET"
    assert sent["path"].endswith(f"/elements/{case['request']['element']}/oauth/url")
    assert sent["rawQuery"] == case["expected_query"]


# --- events: key rotation and notification parsing ---

ROTATION = load_vectors("webhook_key_rotation")
NOTIFICATIONS = load_vectors("event_notifications")


@pytest.mark.parametrize("case", ROTATION, ids=[c["name"] for c in ROTATION])
def test_webhook_key_rotation(case: dict[str, Any]) -> None:
    keys: list[str] = case["keys"]
    if case["valid"]:
        verify_webhook_signature(keys, case["body"], case["header"])
        verify_webhook_signature(tuple(keys), case["body"].encode("utf-8"), case["header"])
        return
    with pytest.raises(KIND_CLASS[case["kind"]]) as info:
        verify_webhook_signature(keys, case["body"], case["header"])
    err: elements_auth.ElementsAuthError = info.value
    assert err.kind == case["kind"]
    assert err.field == case.get("field")
    assert not any(k and k in str(err) for k in keys)


@pytest.mark.parametrize("case", NOTIFICATIONS, ids=[c["name"] for c in NOTIFICATIONS])
def test_event_notifications(case: dict[str, Any]) -> None:
    body: str = case["body"]
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(KIND_CLASS[expect["error"]["kind"]]):
            parse_event_notification(body)
        return
    ok = expect["ok"]
    notification = parse_event_notification(body.encode("utf-8"))
    assert notification == parse_event_notification(body)
    assert notification.event_id == ok["event_id"]
    assert notification.instance_id == ok["instance_id"]
    assert notification.notification_id == ok["notification_id"]
    assert notification.raw == json.loads(body)
    got = [
        {
            "element_key": e.element_key,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "event_type": e.event_type,
            "date": e.date,
        }
        for e in notification.events
    ]
    assert got == ok["events"]
    assert [e.raw for e in notification.events] == json.loads(body)["response"]["events"]
