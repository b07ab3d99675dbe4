"""str() and repr() of every exception and result object show none of the secrets used."""

from __future__ import annotations

from typing import Any

import pytest

import elements_auth
from elements_auth import Client, Events, Grant, Sandbox, parse_callback
from conftest import API_KEY, CALLBACK, ORG_SECRET, SITE, USER_SECRET

API_SECRET = "api-secret-never-shown-3b1f"
SIGNATURE_KEY = "signature-key-never-shown-77a0"


def assert_clean(obj: object, secrets: list[str]) -> None:
    for text in (str(obj), repr(obj)):
        for secret in secrets:
            assert secret not in text, f"{type(obj).__name__} shows a secret: {text}"


def test_no_secret_in_any_repr_or_str(sandbox: Sandbox) -> None:
    client = Client(
        base_url=sandbox.base_url,
        user_secret=USER_SECRET,
        organization_secret=ORG_SECRET,
        max_retries=0,
    )
    # Only the faulted call runs with a short timeout (a loaded CI machine is slow).
    impatient = Client(
        base_url=sandbox.base_url,
        user_secret=USER_SECRET,
        organization_secret=ORG_SECRET,
        timeout=0.3,
        max_retries=0,
    )
    url = client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK, site_address=SITE)
    grant = parse_callback(sandbox.approve(url), url.state)
    events = Events.polling("https://app.example.com/ev", signature_key=SIGNATURE_KEY, refresh_interval=5)
    instance = client.create_instance(
        "concur", grant, "secret-test", API_KEY, API_SECRET, CALLBACK, events=events
    )
    secrets = [USER_SECRET, ORG_SECRET, API_SECRET, SIGNATURE_KEY, grant.code, instance.token]
    assert all(len(s) >= 8 for s in secrets)

    objects: list[object] = [client, sandbox, url, grant, events, instance, Grant(grant.code, "s")]
    objects += client.list_instances()

    # Every kind of exception, provoked with the secrets in play.
    errors: list[Any] = []

    def capture(call: Any) -> None:
        with pytest.raises(elements_auth.ElementsAuthError) as info:
            call()
        errors.append(info.value)

    capture(lambda: client.oauth_url("concur", "", API_SECRET, CALLBACK))  # invalid_input
    capture(lambda: client.create_instance("concur", grant, "again", API_KEY, API_SECRET, CALLBACK))  # api
    sandbox.inject_fault("drop", 1)
    capture(lambda: client.list_instances())  # transport
    sandbox.inject_fault("slow:1500", 1)
    capture(lambda: impatient.list_instances())  # timeout
    sandbox.inject_fault("badjson", 1)
    capture(lambda: client.get_instance(instance.id))  # decode
    capture(lambda: parse_callback(sandbox.deny(url), url.state))  # authorization_denied
    capture(lambda: parse_callback(sandbox.approve(url), "another-state"))  # state_mismatch
    capture(lambda: parse_callback(f"state={url.state}", url.state))  # invalid_callback
    capture(
        lambda: elements_auth.verify_webhook_signature(SIGNATURE_KEY, b"{}", "sha256=AAAA")
    )  # invalid_signature
    capture(lambda: Client(base_url=sandbox.base_url, user_secret=USER_SECRET, ca_file="/nope.pem"))
    wrong = Client(base_url=sandbox.base_url, user_secret=USER_SECRET, organization_secret="wrong-org-secret")
    capture(lambda: wrong.list_instances())  # api, 401

    kinds = {e.kind for e in errors}
    assert kinds == set(elements_auth.ERROR_KINDS), kinds
    for obj in objects + errors:
        assert_clean(obj, secrets)
        for value in getattr(obj, "__dict__", {}).values():
            assert_clean(value, secrets)
