"""``AsyncClient``: the platform client for asyncio, loaded on first use.

Each call runs the blocking native call (which releases the GIL) on a thread
of a pool of this module, and the coroutine awaits it: the event loop keeps
running meanwhile. Cancelling the awaiting task returns at once; the request
itself cannot be taken back and finishes (or times out) on its thread, its
result dropped. A cancelled ``create_instance`` may therefore have reached
the platform and created the instance: look with ``list_instances`` before
starting over with a fresh code.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from elements_auth._native import Client

__all__ = ["AsyncClient"]

# Requests in flight at once over all AsyncClients; more wait for a thread.
_MAX_THREADS = 32
_pool = None


def _executor():
    """The module's thread pool, made on first use (its threads start on demand)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=_MAX_THREADS, thread_name_prefix="elements-auth")
    return _pool


async def _call(method, args, kwargs):
    """Runs ``method(*args, **kwargs)`` on the pool and awaits its result."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(), partial(method, *args, **kwargs))


class AsyncClient:
    """The platform client for asyncio: ``Client``'s arguments and calls, each awaitable.

    ``async with AsyncClient(...) as client:`` or a plain instance, shared by
    every task of the loop. The event loop never blocks on the network; a
    cancelled call returns at once (a cancelled ``create_instance`` may have
    reached the platform: check ``list_instances``).
    """

    __slots__ = ("_client",)

    def __init__(self, **options):
        # The native client checks every option, naming it, as Client(...) does.
        self._client = Client(**options)

    @classmethod
    def from_env(cls, **options):
        """``AsyncClient(from_env=True, **options)``: ``ELEMENTS_*`` variables first."""
        if "from_env" in options:
            raise TypeError("AsyncClient.from_env() sets from_env itself; use AsyncClient(from_env=...) instead")
        return cls(from_env=True, **options)

    @property
    def base_url(self):
        """The API base URL this client talks to."""
        return self._client.base_url

    async def oauth_url(self, *args, **kwargs):
        """Step 1, as ``Client.oauth_url``."""
        return await _call(self._client.oauth_url, args, kwargs)

    async def create_instance(self, *args, **kwargs):
        """Step 3, as ``Client.create_instance``; never retried once sent."""
        return await _call(self._client.create_instance, args, kwargs)

    async def get_instance(self, id):
        """As ``Client.get_instance``."""
        return await _call(self._client.get_instance, (id,), {})

    async def list_instances(self):
        """As ``Client.list_instances``."""
        return await _call(self._client.list_instances, (), {})

    async def delete_instance(self, id):
        """As ``Client.delete_instance``."""
        return await _call(self._client.delete_instance, (id,), {})

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc_value, traceback):
        return None

    def __repr__(self):
        return f"AsyncClient(base_url={self._client.base_url!r})"
