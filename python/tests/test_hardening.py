"""Regression tests of the security review's findings that Python users meet
(../shared/research/security-audit.md); each fails on the reviewed commit
5339e2f. F11 runs through the shared callback vectors (test_vectors.py)."""

from __future__ import annotations

import pytest

from elements_auth import (
    ApiError,
    Client,
    DecodeError,
    InvalidInputError,
    RequestTimeoutError,
    Sandbox,
)
from conftest import API_KEY, API_SECRET, CALLBACK, SITE, grant_for


def test_f03_an_oauth_url_without_the_state_sent_is_refused(sandbox: Sandbox, client: Client) -> None:
    sandbox.inject_fault("nostate", 1)
    with pytest.raises(DecodeError) as info:
        client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK, site_address=SITE)
    assert "state" in str(info.value)


def test_f04_a_create_that_may_have_happened_is_not_retryable(sandbox: Sandbox, client: Client) -> None:
    slow = sandbox.client(timeout=0.3, max_retries=0)
    for fault, cls in (("slow:1500", RequestTimeoutError), ("status:503", ApiError)):
        grant = grant_for(client, sandbox)
        sandbox.inject_fault(fault, 1)
        with pytest.raises(cls) as info:
            slow.create_instance("concur", grant, "n", API_KEY, API_SECRET, CALLBACK)
        sandbox.clear_faults()
        assert info.value.retryable is False
        assert info.value.may_have_reached_server is True


def test_f07_a_huge_duration_is_an_input_error_not_a_panic() -> None:
    with pytest.raises(InvalidInputError) as info:
        Client(timeout=1e19)
    assert info.value.field == "timeout"
    with Sandbox(code_ttl=1e19) as sb:  # a code that never expires, no panic
        url = sb.client().oauth_url("dropbox", API_KEY, API_SECRET, CALLBACK)
        assert "code=" in sb.approve(url)


@pytest.mark.parametrize("secret", ["ends-with-newline\n", "sécret", "two words"])
def test_f08_a_secret_that_cannot_go_in_a_header_is_refused_at_once(secret: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        Client(user_secret=secret)
    assert info.value.field == "user_secret"
    assert secret.strip() not in str(info.value)


def test_f13_a_base_url_with_credentials_is_refused_and_never_shown() -> None:
    with pytest.raises(InvalidInputError) as info:
        Client(base_url="http://alice:hunter2-pw@127.0.0.1:1/elements/api-v2")
    assert info.value.field == "base_url"
    assert "hunter2" not in str(info.value) and "hunter2" not in repr(info.value)


def test_f14_an_unreadable_answer_to_a_create_says_the_instance_exists(sandbox: Sandbox, client: Client) -> None:
    grant = grant_for(client, sandbox)
    sandbox.inject_fault("truncated", 1)
    with pytest.raises(DecodeError) as info:
        client.create_instance("concur", grant, "n", API_KEY, API_SECRET, CALLBACK)
    assert info.value.may_have_reached_server is True
    assert info.value.retryable is False
    assert "the instance was created" in str(info.value)
    assert len(sandbox.instances()) == 1
