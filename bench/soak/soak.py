"""The Python soak: CALLS calls against an embedded sandbox (a mix of
oauth_url, create, get, delete and errors) after a warm-up, reporting the
process's RSS before and after as one JSON line.

    python soak.py [calls] [warmup]      (defaults 100000 and 20000)
"""

from __future__ import annotations

import json
import sys
import time

from elements_auth import ApiError, Client, InvalidInputError, Sandbox, parse_callback

CALLBACK = "https://app.example.com/cb"


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def one_round(client: Client, sandbox: Sandbox) -> int:
    url = client.oauth_url("dropbox", "soak-app", "soak-secret", CALLBACK)
    grant = parse_callback(sandbox.approve(url), url.state)
    instance = client.create_instance("dropbox", grant, "soak", "soak-app", "soak-secret", CALLBACK, tags=["soak"])
    client.get_instance(instance.id)
    client.delete_instance(instance.id)
    try:
        client.get_instance(instance.id)
        raise AssertionError("a deleted instance was found")
    except ApiError:
        pass
    try:
        client.oauth_url("dropbox", "", "soak-secret", CALLBACK)
        raise AssertionError("an empty api key was sent")
    except InvalidInputError:
        pass
    return 6


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    with Sandbox(code_ttl=0.1, request_log_limit=100) as sandbox:
        client = sandbox.client(max_retries=0)
        done = 0
        while done < warmup:
            done += one_round(client, sandbox)
        before = rss_kib()
        started = time.monotonic()
        done = 0
        while done < calls:
            done += one_round(client, sandbox)
        after = rss_kib()
    print(json.dumps({"language": "python", "calls": done, "seconds": round(time.monotonic() - started, 1),
                      "rss_start_kib": before, "rss_end_kib": after, "rss_growth_kib": after - before}))


if __name__ == "__main__":
    main()
