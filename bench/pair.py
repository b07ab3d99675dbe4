"""Runs two bench commands side by side, taking turns: each waits for a
token on its FIFO, makes a block of calls, and passes the token to the other
(BENCH_TURN_IN / BENCH_TURN_OUT / BENCH_BLOCK, read by every bench client).
Both then meet the same moments of this machine's drift, which moves the
p50 of one process by 15-25% from one second to the next: a pair's ratio is
measured under the same conditions. Prints the two JSON lines, A's first.

    python3 pair.py <block> <command A...> :: <command B...>
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time


def main() -> None:
    block, rest = sys.argv[1], sys.argv[2:]
    split = rest.index("::")
    commands = rest[:split], rest[split + 1:]
    with tempfile.TemporaryDirectory() as work:
        fifos = [os.path.join(work, name) for name in ("a", "b")]
        for path in fifos:
            os.mkfifo(path)
        # Held open here, so that a last pass never meets a closed FIFO.
        held = [os.open(path, os.O_RDWR) for path in fifos]
        procs = []
        for i, command in enumerate(commands):
            env = dict(os.environ, BENCH_TURN_IN=fifos[i], BENCH_TURN_OUT=fifos[1 - i], BENCH_BLOCK=block)
            procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True))
        os.write(held[0], b"t")
        # A client that fails would leave the other waiting for its turn
        # forever: stop both as soon as one of them exits with an error.
        while None in [proc.poll() for proc in procs]:
            failed = [proc for proc in procs if proc.returncode not in (None, 0)]
            if failed:
                for other in procs:
                    other.kill()
                sys.exit(f"pair: {commands[procs.index(failed[0])]} failed ({failed[0].returncode})")
            time.sleep(0.05)
        outputs = []
        for proc, command in zip(procs, commands):
            out, _ = proc.communicate()
            if proc.returncode != 0:
                sys.exit(f"pair: {command} failed ({proc.returncode})")
            outputs.append(out.strip())
        for fd in held:
            os.close(fd)
    print("\n".join(outputs))


if __name__ == "__main__":
    main()
