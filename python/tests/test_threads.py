"""The GIL is released during network calls, and one Client serves many threads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from elements_auth import Client, Instance, Sandbox, parse_callback
from conftest import API_KEY, API_SECRET, CALLBACK, SITE


def test_other_threads_run_while_a_call_waits(sandbox: Sandbox, client: Client) -> None:
    sandbox.inject_fault("slow:500", 1)
    window: dict[str, float] = {}

    def slow_call() -> None:
        window["start"] = time.monotonic()
        client.list_instances()
        window["end"] = time.monotonic()

    worker = threading.Thread(target=slow_call)
    ticks: list[float] = []
    worker.start()
    # Pure-Python work on this thread: it can only progress while the worker
    # does not hold the GIL.
    while worker.is_alive():
        ticks.append(time.monotonic())
        sum(range(200))
    worker.join()

    duration = window["end"] - window["start"]
    assert duration >= 0.45, duration
    during = [t for t in ticks if window["start"] <= t <= window["end"]]
    assert len(during) > 1000, len(during)
    gaps = [b - a for a, b in zip(during, during[1:])]
    # Never stalled for anything like the call's 500 ms (bounds leave room
    # for a loaded CI machine's scheduler).
    assert max(gaps) < 0.3, max(gaps)
    # And progress covered the whole call, not just its edges.
    assert during[0] - window["start"] < 0.25
    assert window["end"] - during[-1] < 0.25


def test_eight_threads_share_one_client(sandbox: Sandbox, client: Client) -> None:
    barrier = threading.Barrier(8)

    def flow(n: int) -> tuple[int, Instance]:
        barrier.wait()
        url = client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK, site_address=SITE)
        grant = parse_callback(sandbox.approve(url), url.state)
        instance = client.create_instance(
            "concur", grant, f"thread-{n}", API_KEY, API_SECRET, CALLBACK, tags=[f"t{n}"]
        )
        return n, instance

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(flow, range(8)))

    assert len({inst.id for _, inst in results}) == 8
    assert len({inst.token for _, inst in results}) == 8
    for n, inst in results:
        assert inst.name == f"thread-{n}"
        assert inst.tags == [f"t{n}"]
        assert client.get_instance(inst.id).name == f"thread-{n}"
    assert sorted(i.id for i in client.list_instances()) == sorted(inst.id for _, inst in results)
