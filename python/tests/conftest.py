"""Shared fixtures: a real sandbox on 127.0.0.1 and clients talking to it over real sockets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import elements_auth
from elements_auth import Client, Grant, Instance, Sandbox, parse_callback

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"

API_KEY = "py-client-id"
API_SECRET = "py-api-secret-7f3a9c"
CALLBACK = "https://app.example.com/oauth/callback"
SITE = "https://www.concursolutions.com"
USER_SECRET = "py-user-secret-51d2e8"
ORG_SECRET = "py-org-secret-c4b6a0"


def load_vectors(name: str) -> list[dict[str, Any]]:
    """The cases of tests/vectors/<name>.json."""
    data: dict[str, Any] = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = data["cases"]
    assert cases, f"{name}.json has no cases"
    return cases


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A sandbox with known secrets, stopped after the test."""
    with Sandbox(user_secret=USER_SECRET, organization_secret=ORG_SECRET) as sb:
        yield sb


@pytest.fixture
def client(sandbox: Sandbox) -> Client:
    """A client for the sandbox with a short timeout and fast retries."""
    return Client(
        base_url=sandbox.base_url,
        user_secret=USER_SECRET,
        organization_secret=ORG_SECRET,
        timeout=5.0,
        retry_base_delay=0.01,
        max_retry_delay=0.05,
    )


def grant_for(client: Client, sandbox: Sandbox, element: str = "concur") -> Grant:
    """Steps 1 and 2: an OAuth URL, consent, and the parsed callback."""
    extra: dict[str, Any] = {"site_address": SITE} if element == "concur" else {}
    url = client.oauth_url(element, API_KEY, API_SECRET, CALLBACK, **extra)
    return parse_callback(sandbox.approve(url), url.state)


def create(client: Client, sandbox: Sandbox, name: str = "inst", **options: Any) -> Instance:
    """The whole flow for Concur, with extra create_instance keywords."""
    grant = grant_for(client, sandbox)
    return client.create_instance("concur", grant, name, API_KEY, API_SECRET, CALLBACK, **options)


def last_request(sandbox: Sandbox, method: str, path_suffix: str) -> dict[str, Any]:
    """The most recent recorded API request with this method and path ending."""
    for req in reversed(sandbox.requests()):
        if req["method"] == method and req["path"].endswith(path_suffix):
            found: dict[str, Any] = req
            return found
    raise AssertionError(f"no {method} {path_suffix} was recorded")


__all__ = ["elements_auth"]
