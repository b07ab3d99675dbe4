"""The whole flow against the sandbox: URL, consent, callback, instance, and back."""

from __future__ import annotations

import json
import urllib.parse

import pytest

import elements_auth
from elements_auth import Client, Events, Grant, Instance, OAuthUrl, Sandbox, parse_callback
from conftest import API_KEY, API_SECRET, CALLBACK, SITE, create, grant_for


def test_full_concur_flow(sandbox: Sandbox, client: Client) -> None:
    url = client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK, site_address=SITE)
    assert isinstance(url, OAuthUrl)
    assert url.element == "concur"
    assert url.oauth_url.startswith(f"http://127.0.0.1:{sandbox.port}/vendor/concur/")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url.oauth_url).query))
    assert query["client_id"] == API_KEY
    assert query["redirect_uri"] == CALLBACK
    assert query["state"] == url.state
    assert len(url.state) >= 43  # 32 random bytes, base64url

    landed = sandbox.approve(url.oauth_url)
    assert landed.startswith(CALLBACK + "?")
    grant = parse_callback(landed, url.state)
    assert isinstance(grant, Grant)
    assert grant.state == url.state and grant.code

    instance = client.create_instance("concur", grant, "My Concur", API_KEY, API_SECRET, CALLBACK)
    assert isinstance(instance, Instance)
    assert instance.id > 0
    assert instance.name == "My Concur"
    assert instance.element_key == "concur"
    assert instance.token
    assert instance.valid is True and instance.disabled is False
    assert instance.raw["token"] == instance.token
    assert instance.raw["element"]["key"] == "concur"
    assert isinstance(instance.raw, dict)

    fetched = client.get_instance(instance.id)
    assert (fetched.id, fetched.name, fetched.token, fetched.element_key) == (
        instance.id,
        instance.name,
        instance.token,
        instance.element_key,
    )
    listed = client.list_instances()
    assert [i.id for i in listed] == [instance.id]
    client.delete_instance(instance.id)
    assert client.list_instances() == []
    with pytest.raises(elements_auth.ApiError) as info:
        client.get_instance(instance.id)
    assert info.value.status == 404


def test_code_as_string_and_url_object(sandbox: Sandbox, client: Client) -> None:
    url = client.oauth_url("dropbox", API_KEY, API_SECRET, CALLBACK)
    grant = parse_callback(sandbox.approve(url), url.state)
    instance = client.create_instance("dropbox", grant.code, "by code", API_KEY, API_SECRET, CALLBACK)
    assert instance.element_key == "dropbox"


def test_state_given_is_kept(sandbox: Sandbox, client: Client) -> None:
    url = client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK, site_address=SITE, state="my-state")
    assert url.state == "my-state"
    assert parse_callback(sandbox.approve(url), "my-state").state == "my-state"


def test_deny(sandbox: Sandbox, client: Client) -> None:
    url = client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK, site_address=SITE)
    landed = sandbox.deny(url)
    with pytest.raises(elements_auth.AuthorizationDeniedError) as info:
        parse_callback(landed, url.state)
    err = info.value
    assert err.error == "access_denied"
    assert err.description
    assert err.kind == "authorization_denied"
    assert isinstance(err, elements_auth.ElementsAuthError)


def test_state_mismatch(sandbox: Sandbox, client: Client) -> None:
    url = client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK, site_address=SITE)
    other = client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK, site_address=SITE)
    with pytest.raises(elements_auth.StateMismatchError) as info:
        parse_callback(sandbox.approve(url), other.state)
    assert info.value.message


def test_code_is_single_use(sandbox: Sandbox, client: Client) -> None:
    grant = grant_for(client, sandbox)
    client.create_instance("concur", grant, "first", API_KEY, API_SECRET, CALLBACK)
    with pytest.raises(elements_auth.ApiError) as info:
        client.create_instance("concur", grant, "second", API_KEY, API_SECRET, CALLBACK)
    assert info.value.status == 400
    assert info.value.provider_message and "invalid_grant" in info.value.provider_message
    assert info.value.request_id


def test_sandbox_helpers(sandbox: Sandbox, client: Client) -> None:
    instance = create(client, sandbox, "helpers")
    stored = sandbox.instances()
    assert [i["id"] for i in stored] == [instance.id]
    assert sandbox.auto_consent is True
    assert sandbox.user_secret and sandbox.organization_secret
    assert repr(sandbox) == f"Sandbox(base_url='{sandbox.base_url}')"
    assert repr(client) == f"Client(base_url='{sandbox.base_url}')"
    own = sandbox.client()
    assert own.base_url == sandbox.base_url
    assert [i.id for i in own.list_instances()] == [instance.id]


def test_sandbox_without_auto_consent_serves_a_consent_page(client: Client) -> None:
    import urllib.request

    with Sandbox(auto_consent=False) as sb:
        c = sb.client()
        url = c.oauth_url("dropbox", API_KEY, API_SECRET, CALLBACK)
        with urllib.request.urlopen(url.oauth_url) as page:
            html = page.read().decode()
        assert "Allow" in html and "Deny" in html
        grant = parse_callback(sb.approve(url), url.state)
        assert c.create_instance("dropbox", grant, "x", API_KEY, API_SECRET, CALLBACK).id > 0


def test_sandbox_start_spelling_matches_node_and_c() -> None:
    with Sandbox.start(auto_consent=False, user_secret="u-given", organization_secret="o-given") as sb:
        assert not sb.auto_consent
        assert sb.user_secret == "u-given" and sb.organization_secret == "o-given"
        assert sb.base_url == f"http://127.0.0.1:{sb.port}/elements/api-v2"
        assert sb.client().list_instances() == []


def test_sandbox_stop_is_idempotent_and_final() -> None:
    sb = Sandbox()
    c = sb.client(timeout=2.0, max_retries=0)
    sb.stop()
    sb.stop()
    with pytest.raises((elements_auth.TransportError, elements_auth.RequestTimeoutError)):
        c.list_instances()


def test_sandbox_errors(sandbox: Sandbox) -> None:
    with pytest.raises(elements_auth.SandboxError):
        sandbox.inject_fault("explode", 1)
    with pytest.raises(elements_auth.SandboxError):
        sandbox.approve("http://127.0.0.1:1/not-an-oauth-url")
    with pytest.raises(elements_auth.SandboxError):
        Sandbox(port=sandbox.port)


def test_events_class() -> None:
    polling = Events.polling("https://app.example.com/ev", refresh_interval=5, poller_configuration={"a": {"b": 1}})
    assert polling.vendor_type == "polling"
    assert polling.callback_url == "https://app.example.com/ev"
    assert polling.refresh_interval == 5
    assert polling.poller_configuration == {"a": {"b": 1}}
    assert polling.has_signature_key is False
    webhook = Events.webhook("https://app.example.com/ev", signature_key="k-1234")
    assert webhook.vendor_type == "webhook" and webhook.has_signature_key
    assert Events("webhook", "https://x.example/e").vendor_type == "webhook"
    with pytest.raises(elements_auth.InvalidInputError) as info:
        Events("push", "https://x.example/e")  # type: ignore[arg-type]
    assert info.value.field == "events.vendor_type"
    with pytest.raises(elements_auth.InvalidInputError) as info:
        Events.polling("https://x.example/e", poller_configuration={"a": object()})
    assert info.value.field == "events.poller_configuration"


def test_raw_is_a_fresh_dict(sandbox: Sandbox, client: Client) -> None:
    instance = create(client, sandbox)
    raw = instance.raw
    raw["name"] = "changed"
    assert instance.raw["name"] == "inst"
    assert json.loads(json.dumps(instance.raw)) == instance.raw
