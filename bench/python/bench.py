"""The Python side of make bench: this SDK (sync, or async once it exists)
or a well-known client making the same exchange, many times over one
keep-alive connection; prints one JSON line
{client, op, calls, p50_us, p99_us, calls_per_s}.

    python bench.py <ea|ea-async|http.client|requests|httpx> <oauth_url|create_instance> <base_url> <calls> <warmup>

With BENCH_TURN_IN and BENCH_TURN_OUT (two FIFOs) it takes turns with another
bench process, BENCH_BLOCK calls (default 200) per turn.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Callable
from urllib.parse import urlsplit

CALLBACK = "https://app.example.com/cb"
QUERY = ("apiKey=bench-client&apiSecret=bench-secret&callbackUrl=https%3A%2F%2Fapp.example.com%2Fcb"
         "&siteAddress=https%3A%2F%2Fwww.concursolutions.com&state=fixed-state")
BODY = ('{"element":{"key":"concur"},"providerData":{"code":"code-123"},"configuration":{"oauth.api.key":'
        '"bench-client","oauth.api.secret":"bench-secret","oauth.callback.url":"https://app.example.com/cb",'
        '"filter.response.nulls":"true","event.notification.enabled":"false"},"tags":["bench"],"name":"bench"}')
AUTH = "User bench-user-secret, Organization bench-org-secret"


def make(client: str, op: str, base: str) -> Callable[[], object]:
    create = op == "create_instance"
    if client in ("ea", "ea-async"):
        import elements_auth

        if client == "ea-async":
            import asyncio

            loop = asyncio.new_event_loop()
            aclient = elements_auth.AsyncClient(  # type: ignore[attr-defined]
                base_url=base, user_secret="bench-user-secret", organization_secret="bench-org-secret")
            if create:
                return lambda: loop.run_until_complete(aclient.create_instance(
                    "concur", "code-123", "bench", "bench-client", "bench-secret", CALLBACK, tags=["bench"]))
            return lambda: loop.run_until_complete(aclient.oauth_url(
                "concur", "bench-client", "bench-secret", CALLBACK, site_address="https://www.concursolutions.com"))
        c = elements_auth.Client(base_url=base, user_secret="bench-user-secret", organization_secret="bench-org-secret")
        if create:
            return lambda: c.create_instance("concur", "code-123", "bench", "bench-client", "bench-secret", CALLBACK,
                                             tags=["bench"])
        return lambda: c.oauth_url("concur", "bench-client", "bench-secret", CALLBACK,
                                   site_address="https://www.concursolutions.com")
    path = urlsplit(base).path
    url = f"{base}/instances" if create else f"{base}/elements/concur/oauth/url?{QUERY}"
    headers = {"Accept": "application/json"}
    if create:
        headers |= {"Authorization": AUTH, "Content-Type": "application/json"}
    if client == "http.client":
        import http.client

        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port)
        target = f"{path}/instances" if create else f"{path}/elements/concur/oauth/url?{QUERY}"

        def call() -> object:
            conn.request("POST" if create else "GET", target, BODY if create else None, headers)
            r = conn.getresponse()
            return json.loads(r.read())
        return call
    if client == "requests":
        import requests

        s = requests.Session()
        if create:
            return lambda: s.post(url, data=BODY, headers=headers).json()
        return lambda: s.get(url, headers=headers).json()
    import httpx

    h = httpx.Client()
    if create:
        return lambda: h.post(url, content=BODY, headers=headers).json()
    return lambda: h.get(url, headers=headers).json()


class Turns:
    """The turn-taking with another bench process, when the FIFOs are given."""

    def __init__(self, calls: int) -> None:
        paths = os.environ.get("BENCH_TURN_IN"), os.environ.get("BENCH_TURN_OUT")
        self.fds = [os.open(p, os.O_RDWR) for p in paths] if all(paths) else []
        self.block = max(1, int(os.environ.get("BENCH_BLOCK", "200"))) if self.fds else calls

    def wait(self) -> None:
        if self.fds:
            os.read(self.fds[0], 1)

    def pass_on(self) -> None:
        if self.fds:
            os.write(self.fds[1], b"t")


def main() -> None:
    client, op, base, calls_s, warmup_s = sys.argv[1:6]
    calls, warmup = int(calls_s), int(warmup_s)
    call = make(client, op, base)
    turns = Turns(calls)
    turns.wait()
    for _ in range(warmup):
        call()
    turns.pass_on()
    times: list[float] = []
    clock = time.perf_counter
    while len(times) < calls:
        turns.wait()
        for _ in range(min(turns.block, calls - len(times))):
            t = clock()
            call()
            times.append(clock() - t)
        turns.pass_on()
    total = sum(times)
    times.sort()
    print(json.dumps({"client": client, "op": op, "calls": calls, "p50_us": times[len(times) // 2] * 1e6,
                      "p99_us": times[len(times) * 99 // 100] * 1e6, "calls_per_s": calls / total}))


if __name__ == "__main__":
    main()
