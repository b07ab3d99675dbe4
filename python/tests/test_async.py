"""AsyncClient: the same calls as Client, awaited on a running event loop
that keeps running during each call, with cancellation that returns at once."""

from __future__ import annotations

import ast
import asyncio
import inspect
import subprocess
import sys
import time
from pathlib import Path

import pytest

import elements_auth
from elements_auth import AsyncClient, Client, Instance, Sandbox, StateSigner
from conftest import API_KEY, API_SECRET, CALLBACK, ORG_SECRET, SITE, USER_SECRET


def async_client(sandbox: Sandbox) -> AsyncClient:
    return AsyncClient(base_url=sandbox.base_url, user_secret=USER_SECRET, organization_secret=ORG_SECRET, timeout=5.0)


def test_import_loads_neither_asyncio_nor_typing_nor_async_client() -> None:
    code = (
        "import sys, elements_auth\n"
        "print(*(m in sys.modules for m in ('asyncio', 'typing', 'elements_auth._async')))\n"
        "elements_auth.AsyncClient\n"
        "print('asyncio' in sys.modules, 'elements_auth._async' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False", "False", "True", "True"]


def test_the_same_calls_as_client() -> None:
    public = {n for n in dir(Client) if not n.startswith("_")}
    assert {n for n in dir(AsyncClient) if not n.startswith("_")} == public
    for name in public - {"base_url", "from_env"}:
        assert inspect.iscoroutinefunction(getattr(AsyncClient, name)), name


def stub_functions(stub: str, cls: str) -> dict[str, list[tuple[str, bool]]]:
    """The methods of class ``cls`` in a stub of the package, each as (argument, keyword-only) pairs."""
    path = Path(inspect.getfile(elements_auth)).parent / stub
    tree = ast.parse(path.read_text(encoding="utf-8"))
    body = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls).body
    out: dict[str, list[tuple[str, bool]]] = {}
    for f in body:
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = [(a.arg, False) for a in f.args.args[1:]] + [(a.arg, True) for a in f.args.kwonlyargs]
            out[f.name] = args
    return out


def test_the_stub_has_the_arguments_of_client() -> None:
    sync = stub_functions("_native.pyi", "Client")
    aio = stub_functions("_async.pyi", "AsyncClient")
    assert aio.pop("__init__") == sync.pop("__new__")
    for dunder in ("__aenter__", "__aexit__"):
        assert aio.pop(dunder) is not None
    assert aio == sync


def test_the_whole_flow_with_a_signed_state(sandbox: Sandbox) -> None:
    signer = StateSigner("k1", "async-test-state-secret-0123456789abcdef")

    async def flow() -> Instance:
        async with async_client(sandbox) as client:
            assert client.base_url == sandbox.base_url
            url = await client.oauth_url(
                "concur", API_KEY, API_SECRET, CALLBACK, site_address=SITE, state=signer.sign("concur", "u1")
            )
            grant = signer.parse_callback(sandbox.approve(url), "u1")
            instance = await client.create_instance("concur", grant, "async", API_KEY, API_SECRET, CALLBACK, tags=["a"])
            assert [i.id for i in await client.list_instances()] == [instance.id]
            assert (await client.get_instance(instance.id)).name == "async"
            await client.delete_instance(instance.id)
            assert await client.list_instances() == []
            return instance

    instance = asyncio.run(flow())
    assert instance.element_key == "concur" and instance.tags == ["a"]


def test_errors_are_the_same_exceptions(sandbox: Sandbox) -> None:
    async def missing() -> None:
        await async_client(sandbox).get_instance(999_999)

    with pytest.raises(elements_auth.ApiError) as info:
        asyncio.run(missing())
    assert info.value.status == 404
    with pytest.raises(elements_auth.InvalidInputError) as bad:
        AsyncClient(timeout=-1.0)
    assert bad.value.field == "timeout"
    with pytest.raises(TypeError):
        AsyncClient.from_env(from_env=False)  # type: ignore[call-arg]


def test_the_loop_keeps_running_during_a_slow_create(sandbox: Sandbox) -> None:
    client = Client(base_url=sandbox.base_url, user_secret=USER_SECRET, organization_secret=ORG_SECRET)
    url = client.oauth_url("dropbox", API_KEY, API_SECRET, CALLBACK)
    code = elements_auth.parse_callback(sandbox.approve(url), url.state).code
    sandbox.inject_fault("slow:500", 1)
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    async def main() -> tuple[Instance, float, float]:
        tick = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        start = time.monotonic()
        instance = await async_client(sandbox).create_instance("dropbox", code, "slow", API_KEY, API_SECRET, CALLBACK)
        end = time.monotonic()
        tick.cancel()
        return instance, start, end

    instance, start, end = asyncio.run(main())
    during = [t for t in ticks if start < t < end]
    print(f"create took {end - start:.3f} s; the ticker ticked {len(during)} times meanwhile")
    assert end - start >= 0.5  # the fault held the answer back...
    # ...and the loop ran the ticker meanwhile (a blocked loop gives 0 ticks).
    assert len(during) >= 2
    assert instance.name == "slow"


def test_cancelling_a_pending_create_returns_at_once(sandbox: Sandbox) -> None:
    client = Client(base_url=sandbox.base_url, user_secret=USER_SECRET, organization_secret=ORG_SECRET)
    url = client.oauth_url("dropbox", API_KEY, API_SECRET, CALLBACK)
    code = elements_auth.parse_callback(sandbox.approve(url), url.state).code
    sandbox.inject_fault("slow:1500", 1)

    async def main() -> float:
        task = asyncio.create_task(
            async_client(sandbox).create_instance("dropbox", code, "cancelled", API_KEY, API_SECRET, CALLBACK)
        )
        # Wait until the request is at the sandbox, held by the fault.
        while not any(r["method"] == "POST" for r in sandbox.requests()):
            await asyncio.sleep(0.005)
        start = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - start

    took = asyncio.run(main())
    print(f"cancelling the pending create returned in {took * 1000:.2f} ms")
    # Far less than the 1.5 s the answer is held back (the issue asks for 50 ms).
    assert took < 0.05
    # The request could not be taken back: the create happened, as documented.
    deadline = time.monotonic() + 10
    while not client.list_instances() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [i.name for i in client.list_instances()] == ["cancelled"]
