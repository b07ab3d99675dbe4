"""The sandbox's limits for long runs: a bounded request log and checked limits."""

from __future__ import annotations

import pytest

import elements_auth
from elements_auth import Sandbox


def test_the_request_log_keeps_the_newest_and_counts_the_dropped() -> None:
    with Sandbox(request_log_limit=3, max_connections=16, read_timeout=5.0) as sb:
        client = sb.client(max_retries=0)
        for _ in range(5):
            client.list_instances()
        assert len(sb.requests()) == 3
        assert sb.requests_dropped == 2


@pytest.mark.parametrize(
    "kwargs",
    [{"request_log_limit": 0}, {"max_connections": 0}, {"read_timeout": 0.0}],
)
def test_unusable_limits_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(elements_auth.SandboxError):
        Sandbox(**kwargs)  # type: ignore[arg-type]


def test_a_negative_read_timeout_names_the_field() -> None:
    with pytest.raises(elements_auth.InvalidInputError) as info:
        Sandbox(read_timeout=-1.0)
    assert info.value.field == "read_timeout"
