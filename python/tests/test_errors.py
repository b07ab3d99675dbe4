"""Every error kind is raised as its own exception class, with its attributes,
including the ones fault injection provokes (timeout, 5xx, dropped connection, bad JSON)."""

from __future__ import annotations

import pytest

import elements_auth
from elements_auth import (
    ApiError,
    AuthorizationDeniedError,
    Client,
    DecodeError,
    ElementsAuthError,
    InvalidCallbackError,
    InvalidInputError,
    InvalidSignatureError,
    RequestTimeoutError,
    Sandbox,
    StateMismatchError,
    TransportError,
    parse_callback,
    verify_webhook_signature,
)
from conftest import API_KEY, API_SECRET, CALLBACK, ORG_SECRET, SITE, USER_SECRET, grant_for


def no_retry_client(sandbox: Sandbox, timeout: float = 5.0) -> Client:
    return Client(
        base_url=sandbox.base_url,
        user_secret=USER_SECRET,
        organization_secret=ORG_SECRET,
        timeout=timeout,
        max_retries=0,
    )


def test_hierarchy() -> None:
    classes = [
        InvalidInputError,
        ApiError,
        TransportError,
        RequestTimeoutError,
        DecodeError,
        AuthorizationDeniedError,
        StateMismatchError,
        InvalidCallbackError,
        InvalidSignatureError,
        elements_auth.SandboxError,
    ]
    for cls in classes:
        assert issubclass(cls, ElementsAuthError)
        assert issubclass(cls, Exception)
    assert issubclass(InvalidInputError, ValueError)
    assert issubclass(RequestTimeoutError, TimeoutError)
    assert not issubclass(ApiError, ValueError)


def test_invalid_input(client: Client) -> None:
    with pytest.raises(ValueError) as info:
        client.oauth_url("concur", "", API_SECRET, CALLBACK)
    err = info.value
    assert isinstance(err, InvalidInputError)
    assert err.kind == "invalid_input"
    assert err.field == "api_key"
    assert err.reason == "must not be empty"
    assert err.message == err.reason
    assert str(err) == "invalid api_key: must not be empty"
    assert repr(err) == "InvalidInputError(field='api_key', reason='must not be empty')"


def test_api_error_from_the_platform(sandbox: Sandbox, client: Client) -> None:
    with pytest.raises(ApiError) as info:
        client.oauth_url("nosuchelement", API_KEY, API_SECRET, CALLBACK)
    err = info.value
    assert err.kind == "api"
    assert err.status == 404
    assert err.message
    assert err.request_id
    assert err.request_id in str(err)
    assert "HTTP 404" in str(err)


def test_api_error_from_an_injected_5xx(sandbox: Sandbox) -> None:
    client = no_retry_client(sandbox)
    sandbox.inject_fault("status:500", 1)
    with pytest.raises(ApiError) as info:
        client.list_instances()
    assert info.value.status == 500
    assert info.value.request_id
    assert info.value.provider_message is None


def test_5xx_on_create_is_not_retried(sandbox: Sandbox, client: Client) -> None:
    grant = grant_for(client, sandbox)
    before = len(sandbox.requests())
    sandbox.inject_fault("status:503", 1)
    with pytest.raises(ApiError) as info:
        client.create_instance("concur", grant, "n", API_KEY, API_SECRET, CALLBACK)
    assert info.value.status == 503
    assert len(sandbox.requests()) == before + 1


def test_transport_error_from_a_dropped_connection(sandbox: Sandbox, client: Client) -> None:
    grant = grant_for(client, sandbox)
    sandbox.inject_fault("drop", 1)
    with pytest.raises(TransportError) as info:
        client.create_instance("concur", grant, "n", API_KEY, API_SECRET, CALLBACK)
    err = info.value
    assert err.kind == "transport"
    assert err.may_have_reached_server is True
    assert err.message


def test_dropped_get_is_retried(sandbox: Sandbox, client: Client) -> None:
    sandbox.inject_fault("drop", 1)
    assert client.list_instances() == []
    assert len(sandbox.requests()) == 2


def test_transport_error_when_nothing_listens() -> None:
    sb = Sandbox()
    client = sb.client(max_retries=0)
    sb.stop()
    with pytest.raises(TransportError) as info:
        client.list_instances()
    assert info.value.may_have_reached_server is False


def test_timeout(sandbox: Sandbox, client: Client) -> None:
    grant = grant_for(client, sandbox)
    slow = no_retry_client(sandbox, timeout=0.3)
    sandbox.inject_fault("slow:1500", 1)
    with pytest.raises(TimeoutError) as info:
        slow.create_instance("concur", grant, "n", API_KEY, API_SECRET, CALLBACK)
    err = info.value
    assert isinstance(err, RequestTimeoutError)
    assert err.kind == "timeout"
    assert err.may_have_reached_server is True
    assert err.message


def test_decode_error_from_bad_json(sandbox: Sandbox) -> None:
    client = no_retry_client(sandbox)
    sandbox.inject_fault("badjson", 1)
    with pytest.raises(DecodeError) as info:
        client.get_instance(1)
    assert info.value.kind == "decode"
    assert info.value.message


def test_decode_error_from_a_huge_body(sandbox: Sandbox) -> None:
    client = no_retry_client(sandbox)
    sandbox.inject_fault("huge", 1)
    with pytest.raises(DecodeError) as info:
        client.list_instances()
    assert "limit" in info.value.message


def test_authorization_denied() -> None:
    with pytest.raises(AuthorizationDeniedError) as info:
        parse_callback("error=access_denied&error_description=No+thanks&error_uri=https%3A%2F%2Fv.example&state=s", "s")
    err = info.value
    assert (err.kind, err.error, err.description, err.uri) == (
        "authorization_denied",
        "access_denied",
        "No thanks",
        "https://v.example",
    )
    assert "access_denied" in str(err)


def test_state_mismatch_and_invalid_callback() -> None:
    with pytest.raises(StateMismatchError) as mismatch:
        parse_callback("code=c&state=other", "expected")
    assert mismatch.value.kind == "state_mismatch"
    with pytest.raises(InvalidCallbackError) as invalid:
        parse_callback("state=expected", "expected")
    assert invalid.value.kind == "invalid_callback"


def test_invalid_signature() -> None:
    with pytest.raises(InvalidSignatureError) as info:
        verify_webhook_signature("key-1234", b"{}", "sha256=AAAA")
    assert info.value.kind == "invalid_signature"
    assert info.value.message


def test_sandbox_concur_rules_surface_as_api_errors(sandbox: Sandbox, client: Client) -> None:
    with pytest.raises(ApiError) as info:
        client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK)  # no siteAddress
    assert info.value.status == 400
    url = client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK, site_address=SITE)
    grant = parse_callback(sandbox.approve(url), url.state)
    with pytest.raises(ApiError):
        client.create_instance(
            "concur",
            grant,
            "n",
            API_KEY,
            API_SECRET,
            CALLBACK,
            events=elements_auth.Events.webhook("https://app.example.com/hook"),
        )


def test_exceptions_can_be_caught_at_the_root(client: Client) -> None:
    caught: list[str] = []
    for call in (
        lambda: client.oauth_url("concur", "", "s", CALLBACK),
        lambda: parse_callback("code=c", "s"),
        lambda: verify_webhook_signature("k", b"", "x"),
    ):
        try:
            call()
        except ElementsAuthError as err:
            caught.append(err.kind)
    assert caught == ["invalid_input", "state_mismatch", "invalid_signature"]


def test_errors_pickle_with_their_attributes(sandbox: Sandbox) -> None:
    import pickle

    client = no_retry_client(sandbox, timeout=0.2)
    sandbox.inject_fault("slow:800", 1)
    errors: list[ElementsAuthError] = []
    for call in (
        lambda: client.oauth_url("concur", "", "s", CALLBACK),
        lambda: client.list_instances(),
        lambda: parse_callback("error=access_denied&error_description=no&state=s", "s"),
        lambda: client.get_instance(999),
    ):
        with pytest.raises(ElementsAuthError) as info:
            call()
        errors.append(info.value)
    for err in errors:
        copy = pickle.loads(pickle.dumps(err))
        assert type(copy) is type(err)
        assert str(copy) == str(err)
        assert repr(copy) == repr(err)
        assert copy.__dict__ == err.__dict__
    assert isinstance(pickle.loads(pickle.dumps(errors[1])), TimeoutError)


def test_a_create_that_timed_out_is_not_retryable(sandbox: Sandbox, client: Client) -> None:
    grant = grant_for(client, sandbox)
    slow = no_retry_client(sandbox, timeout=0.3)
    before = len(sandbox.requests())
    sandbox.inject_fault("slow:1500", 1)
    with pytest.raises(RequestTimeoutError) as info:
        slow.create_instance("concur", grant, "n", API_KEY, API_SECRET, CALLBACK)
    err = info.value
    assert err.retryable is False
    assert err.may_have_reached_server is True
    assert err.operation == "create_instance"
    # The advice names Python's own call, never another language's.
    assert "list_instances()" in str(err)
    assert "listInstances" not in str(err) and "listInstances" not in err.message
    assert "ea_client_" not in str(err)
    assert len(sandbox.requests()) == before + 1


def test_a_5xx_on_create_is_not_retryable(sandbox: Sandbox, client: Client) -> None:
    grant = grant_for(client, sandbox)
    sandbox.inject_fault("status:503", 1)
    with pytest.raises(ApiError) as info:
        client.create_instance("concur", grant, "n", API_KEY, API_SECRET, CALLBACK)
    err = info.value
    assert err.status == 503
    assert err.retryable is False
    assert err.may_have_reached_server is True
    assert err.operation == "create_instance"


def test_a_503_on_list_instances_is_retryable(sandbox: Sandbox) -> None:
    client = no_retry_client(sandbox)
    sandbox.inject_fault("status:503", 1)
    with pytest.raises(ApiError) as info:
        client.list_instances()
    err = info.value
    assert err.status == 503
    assert err.retryable is True
    assert err.operation == "list_instances"
    assert len(sandbox.requests()) == 1
    # Retrying it, as retryable says, succeeds.
    assert client.list_instances() == []


def test_a_401_is_not_retryable(sandbox: Sandbox) -> None:
    client = Client(base_url=sandbox.base_url, user_secret="wrong-user", organization_secret="wrong-org")
    with pytest.raises(ApiError) as info:
        client.list_instances()
    err = info.value
    assert err.status == 401
    assert err.retryable is False
    assert err.may_have_reached_server is False
    assert err.operation == "list_instances"
    # Not retried by the client either: one request only.
    assert len(sandbox.requests()) == 1


def test_details_that_do_not_apply_are_none(client: Client) -> None:
    with pytest.raises(InvalidInputError) as info:
        client.oauth_url("concur", "", API_SECRET, CALLBACK)
    err = info.value
    assert (err.status, err.request_id, err.provider_message, err.operation) == (None, None, None, None)
    assert (err.error, err.description, err.uri) == (None, None, None)
    assert err.retryable is False and err.may_have_reached_server is False
    denied = AuthorizationDeniedError("text", error="access_denied")
    assert (denied.message, denied.field, denied.status, denied.retryable) == ("text", None, None, False)
    with pytest.raises(TypeError):
        ApiError("text", colour="blue")


def test_a_refused_connection_is_retryable() -> None:
    sb = Sandbox()
    client = sb.client(max_retries=0)
    sb.stop()
    with pytest.raises(TransportError) as info:
        client.list_instances()
    assert info.value.retryable is True
    assert info.value.operation == "list_instances"
