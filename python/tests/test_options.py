"""Every keyword option reaches the wire (checked in the sandbox's record of requests)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import elements_auth
from elements_auth import Client, Events, Sandbox
from conftest import (
    API_KEY,
    API_SECRET,
    CALLBACK,
    ORG_SECRET,
    SITE,
    USER_SECRET,
    create,
    grant_for,
    last_request,
)


def body_of(sandbox: Sandbox) -> dict[str, Any]:
    req = last_request(sandbox, "POST", "/instances")
    body: dict[str, Any] = json.loads(req["body"])
    return body


def test_oauth_url_keywords_reach_the_query(sandbox: Sandbox, client: Client) -> None:
    client.oauth_url(
        "concur",
        API_KEY,
        API_SECRET,
        CALLBACK,
        site_address=SITE,
        state="st-1",
        scope="LIST",
        params={"extra": "x y", "second": "2"},
    )
    req = last_request(sandbox, "GET", "/elements/concur/oauth/url")
    assert req["query"] == [
        ["apiKey", API_KEY],
        ["apiSecret", API_SECRET],
        ["callbackUrl", CALLBACK],
        ["siteAddress", SITE],
        ["state", "st-1"],
        ["scope", "LIST"],
        ["extra", "x y"],
        ["second", "2"],
    ]


def test_oauth_url_params_as_pairs_keep_order_and_repeats(sandbox: Sandbox, client: Client) -> None:
    client.oauth_url("dropbox", API_KEY, API_SECRET, CALLBACK, state="s", params=[("b", "1"), ("a", "2"), ("b", "3")])
    req = last_request(sandbox, "GET", "/oauth/url")
    assert req["rawQuery"].endswith("&state=s&b=1&a=2&b=3")


def test_create_instance_keywords_reach_the_body(sandbox: Sandbox, client: Client) -> None:
    instance = create(
        client,
        sandbox,
        "all options",
        tags=["alpha", "beta"],
        filter_response_nulls=False,
        events=Events.polling(
            "https://app.example.com/events",
            signature_key="sig-key-9d8c7b",
            refresh_interval=7,
            poller_configuration={"reports": {"url": "/hubs/expense/reports", "idField": "ID"}},
        ),
        configuration={"custom.setting": "on"},
    )
    body = body_of(sandbox)
    assert body["element"] == {"key": "concur"}
    assert body["name"] == "all options"
    assert body["tags"] == ["alpha", "beta"]
    assert body["providerData"]["code"]
    cfg = body["configuration"]
    assert cfg["oauth.api.key"] == API_KEY
    assert cfg["oauth.api.secret"] == API_SECRET
    assert cfg["oauth.callback.url"] == CALLBACK
    assert cfg["filter.response.nulls"] == "false"
    assert cfg["event.notification.enabled"] == "true"
    assert cfg["event.vendor.type"] == "polling"
    assert cfg["event.notification.callback.url"] == "https://app.example.com/events"
    assert cfg["event.notification.signature.key"] == "sig-key-9d8c7b"
    assert cfg["event.poller.refresh_interval"] == "7"
    assert json.loads(cfg["event.poller.configuration"]) == {
        "reports": {"url": "/hubs/expense/reports", "idField": "ID"}
    }
    assert cfg["custom.setting"] == "on"
    assert instance.tags == ["alpha", "beta"]
    assert instance.raw["configuration"]["custom.setting"] == "on"


def test_defaults_on_the_wire(sandbox: Sandbox, client: Client) -> None:
    create(client, sandbox)
    cfg = body_of(sandbox)["configuration"]
    assert cfg["filter.response.nulls"] == "true"
    assert cfg["event.notification.enabled"] == "false"
    assert body_of(sandbox)["tags"] == []


def test_webhook_events_and_configuration_pairs(sandbox: Sandbox, client: Client) -> None:
    url = client.oauth_url("zendesk", API_KEY, API_SECRET, CALLBACK, params={"subdomain": "acme"})
    grant = elements_auth.parse_callback(sandbox.approve(url), url.state)
    instance = client.create_instance(
        "zendesk",
        grant,
        "zd",
        API_KEY,
        API_SECRET,
        CALLBACK,
        events=Events.webhook("https://app.example.com/hook", signature_key="hook-key-1234"),
        configuration=[("subdomain", "acme")],
    )
    cfg = body_of(sandbox)["configuration"]
    assert cfg["event.vendor.type"] == "webhook"
    assert cfg["event.notification.signature.key"] == "hook-key-1234"
    assert cfg["subdomain"] == "acme"
    assert instance.element_key == "zendesk"


def test_secrets_and_user_agent_reach_the_headers(sandbox: Sandbox) -> None:
    client = Client(
        base_url=sandbox.base_url,
        user_secret=USER_SECRET,
        organization_secret=ORG_SECRET,
        user_agent="my-app/1.2",
    )
    client.list_instances()
    headers = last_request(sandbox, "GET", "/instances")["headers"]
    assert headers["authorization"] == f"User {USER_SECRET}, Organization {ORG_SECRET}"
    agent = headers["user-agent"]
    assert agent.startswith("elements-auth/")
    python = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    assert agent == f"elements-auth/{elements_auth.__version__} (python {python}) my-app/1.2"
    assert agent.endswith(" my-app/1.2")


def test_missing_secret_is_named(sandbox: Sandbox) -> None:
    client = Client(base_url=sandbox.base_url, user_secret=USER_SECRET)
    with pytest.raises(elements_auth.InvalidInputError) as info:
        client.list_instances()
    assert info.value.field == "organization_secret"
    assert sandbox.requests() == []


def test_wrong_secrets_are_an_api_error(sandbox: Sandbox) -> None:
    client = Client(base_url=sandbox.base_url, user_secret="wrong-user", organization_secret="wrong-org")
    with pytest.raises(elements_auth.ApiError) as info:
        client.list_instances()
    assert info.value.status == 401


def test_environment_presets() -> None:
    assert Client().base_url == "https://api.cloud-elements.com/elements/api-v2"
    assert Client(environment="production").base_url == "https://api.cloud-elements.com/elements/api-v2"
    assert Client(environment="staging").base_url == "https://staging.cloud-elements.com/elements/api-v2"
    assert "openconnectors.us2" in Client(environment="sap-us2").base_url
    with pytest.raises(elements_auth.InvalidInputError) as info:
        Client(environment="moon")  # type: ignore[arg-type]
    assert info.value.field == "environment"
    with pytest.raises(elements_auth.InvalidInputError) as info:
        Client(environment="staging", base_url="https://api.example.com/elements/api-v2")
    assert info.value.field == "base_url"
    with pytest.raises(elements_auth.InvalidInputError) as info:
        Client(base_url="http://plain.example.com/elements/api-v2")
    assert info.value.field == "base_url"


def test_from_env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELEMENTS_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("ELEMENTS_USER_SECRET", USER_SECRET)
    monkeypatch.setenv("ELEMENTS_ORGANIZATION_SECRET", ORG_SECRET)
    client = Client.from_env(timeout=3.0)
    assert client.base_url == sandbox.base_url
    assert client.list_instances() == []
    assert last_request(sandbox, "GET", "/instances")["headers"]["authorization"].startswith("User ")


def test_from_env_with_an_explicit_environment(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    # An explicit environment replaces ELEMENTS_BASE_URL instead of clashing with it.
    monkeypatch.setenv("ELEMENTS_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("ELEMENTS_USER_SECRET", USER_SECRET)
    staging = Client.from_env(environment="staging")
    assert staging.base_url == "https://staging.cloud-elements.com/elements/api-v2"
    # Without it, the variable applies; an explicit base_url wins over it too.
    assert Client.from_env().base_url == sandbox.base_url
    assert Client(from_env=True).base_url == sandbox.base_url
    other = "https://api.example.com/elements/api-v2"
    assert Client.from_env(base_url=other).base_url == other
    # The plain constructor does not read the environment.
    assert Client().base_url == "https://api.cloud-elements.com/elements/api-v2"
    with pytest.raises(TypeError):
        Client.from_env(from_env=False)  # type: ignore[call-arg]


def test_none_means_the_default(sandbox: Sandbox) -> None:
    client = Client(
        base_url=sandbox.base_url,
        user_secret=USER_SECRET,
        organization_secret=ORG_SECRET,
        timeout=None,
        max_retries=None,
        max_retry_delay=None,
        retry_base_delay=None,
        response_limit=None,
        user_agent=None,
        ca_file=None,
        proxy=None,
    )
    assert client.list_instances() == []
    agent = last_request(sandbox, "GET", "/instances")["headers"]["user-agent"]
    assert agent.endswith(")"), agent


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"timeout": 0.0}, "timeout"),
        ({"timeout": -1.0}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"max_retry_delay": -1.0}, "max_retry_delay"),
        ({"retry_base_delay": float("inf")}, "retry_base_delay"),
        ({"user_secret": ""}, "user_secret"),
        ({"organization_secret": ""}, "organization_secret"),
        ({"user_agent": "bad\nagent"}, "user_agent"),
        ({"ca_file": "/nonexistent/ca.pem"}, "ca_file"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 2**40}, "max_retries"),
        ({"response_limit": -1}, "response_limit"),
        ({"response_limit": 0}, "response_limit"),
    ],
)
def test_client_options_are_checked(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(elements_auth.InvalidInputError) as info:
        Client(**kwargs)
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


def test_ca_file_is_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_text("no certificates here\n")
    with pytest.raises(elements_auth.InvalidInputError) as info:
        Client(ca_file=empty)
    assert info.value.field == "ca_file"


def test_timeout_applies(sandbox: Sandbox) -> None:
    client = Client(
        base_url=sandbox.base_url,
        user_secret=USER_SECRET,
        organization_secret=ORG_SECRET,
        timeout=0.2,
        max_retries=0,
    )
    sandbox.inject_fault("slow:1500", 1)
    started = time.monotonic()
    with pytest.raises(elements_auth.RequestTimeoutError):
        client.list_instances()
    assert time.monotonic() - started < 1.2


def test_max_retries_applies(sandbox: Sandbox) -> None:
    def client(retries: int) -> Client:
        return Client(
            base_url=sandbox.base_url,
            user_secret=USER_SECRET,
            organization_secret=ORG_SECRET,
            max_retries=retries,
            retry_base_delay=0.01,
            max_retry_delay=0.02,
        )

    sandbox.inject_fault("status:503", 2)
    assert client(2).list_instances() == []
    assert len(sandbox.requests()) == 3
    sandbox.inject_fault("status:503", 1)
    with pytest.raises(elements_auth.ApiError) as info:
        client(0).list_instances()
    assert info.value.status == 503
    assert len(sandbox.requests()) == 4


def test_response_limit_applies(sandbox: Sandbox, client: Client) -> None:
    small = Client(
        base_url=sandbox.base_url,
        user_secret=USER_SECRET,
        organization_secret=ORG_SECRET,
        response_limit=64,
    )
    create(client, sandbox, "a rather long instance name to exceed the tiny limit")
    with pytest.raises(elements_auth.DecodeError) as info:
        small.list_instances()
    assert "64" in str(info.value)


def test_proxy_option_is_checked() -> None:
    with pytest.raises(elements_auth.InvalidInputError) as info:
        Client(proxy="::not a proxy::")
    assert info.value.field == "proxy"


def test_bad_create_input_is_named_before_sending(sandbox: Sandbox, client: Client) -> None:
    grant = grant_for(client, sandbox)
    before = len(sandbox.requests())
    cases: list[tuple[dict[str, Any], str]] = [
        ({"tags": ["ok", ""]}, "tags[1]"),
        ({"configuration": {"oauth.api.key": "x"}}, "configuration[0]"),
        ({"events": Events.polling("not a url")}, "events.callback_url"),
        ({"events": Events.polling("https://e.example/x", refresh_interval=0)}, "events.refresh_interval"),
        ({"events": Events.polling("https://e.example/x", poller_configuration=[1])}, "events.poller_configuration"),  # type: ignore[arg-type]
    ]
    for kwargs, field in cases:
        with pytest.raises(elements_auth.InvalidInputError) as info:
            client.create_instance("concur", grant, "n", API_KEY, API_SECRET, CALLBACK, **kwargs)
        assert info.value.field == field, kwargs
    bad: dict[str, tuple[Any, ...]] = {
        "element": ("", grant, "n", API_KEY, API_SECRET, CALLBACK),
        "name": ("concur", grant, "", API_KEY, API_SECRET, CALLBACK),
        "api_key": ("concur", grant, "n", "", API_SECRET, CALLBACK),
        "api_secret": ("concur", grant, "n", API_KEY, "", CALLBACK),
        "callback_url": ("concur", grant, "n", API_KEY, API_SECRET, "nope"),
        "code": ("concur", "", "n", API_KEY, API_SECRET, CALLBACK),
    }
    for name, args in bad.items():
        with pytest.raises(elements_auth.InvalidInputError) as info:
            client.create_instance(*args)
        assert info.value.field == name
    with pytest.raises(elements_auth.InvalidInputError) as info:
        client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK, params=[("state", "x")])
    assert info.value.field == "params[0]"
    assert len(sandbox.requests()) == before
    with pytest.raises(TypeError):
        client.create_instance("concur", 42, "n", API_KEY, API_SECRET, CALLBACK)  # type: ignore[arg-type]


def test_out_of_range_refresh_interval_is_invalid_input_naming_the_field() -> None:
    for minutes in (-1, 2**32):
        with pytest.raises(elements_auth.InvalidInputError) as info:
            Events.polling("https://e.example/x", refresh_interval=minutes)
        assert info.value.field == "events.refresh_interval"
        assert isinstance(info.value, ValueError)
