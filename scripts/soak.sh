#!/usr/bin/env bash
# Soak tests (not part of make test): make soak.
#   - Rust, Python, Node and C each make CALLS calls (default 100000) against
#     an embedded sandbox, a mix of oauth_url, create, get, delete and errors,
#     after a warm-up, and report their RSS at the start and at the end;
#   - the sandbox (release build, its own process) serves REQUESTS requests
#     (default 1000000) from wrk with 4 connections and reports its RSS.
# Results: bench/results/soak.json and a table on stdout. Installs what it
# needs (wrk from Debian; the Python package into target/soak-venv; the Node
# addon; the C library into target/soak-prefix).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
calls="${CALLS:-100000}"
warmup="${WARMUP:-20000}"
requests="${REQUESTS:-1000000}"
target="${CARGO_TARGET_DIR:-$root/target}"
out="$root/bench/results"
mkdir -p "$out"
results="$(mktemp)"
trap 'rm -f "$results"; [ -n "${sandbox_pid:-}" ] && kill "$sandbox_pid" 2>/dev/null || true' EXIT

command -v wrk >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
command -v cc >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null; }

echo "== build (release)"
cargo build --release --quiet -p elements-auth-bench -p elements-auth-cli

echo "== rust soak"
"$target/release/elements-auth-soak" "$calls" "$warmup" | tee -a "$results"

echo "== python soak"
venv="$target/soak-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet --force-reinstall ./python
(cd /tmp && "$venv/bin/python" "$root/bench/soak/soak.py" "$calls" "$warmup") | tee -a "$results"

echo "== node soak"
(cd node && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build >/dev/null)
ELEMENTS_AUTH_NODE="$root/node" node --expose-gc bench/soak/soak.js "$calls" "$warmup" | tee -a "$results"

echo "== c soak"
prefix="$target/soak-prefix"
scripts/install-capi.sh "$prefix" >/dev/null
cc -O2 -std=c11 -Wall -Wextra -Werror bench/soak/soak.c -I"$prefix/include" -L"$prefix/lib" \
  -lelements_auth -Wl,-rpath,"$prefix/lib" -o "$target/soak-c"
"$target/soak-c" "$calls" "$warmup" | tee -a "$results"

echo "== sandbox: $requests requests from wrk, 4 connections"
fifo="$(mktemp -u)"
mkfifo "$fifo"
"$target/release/elements-auth" sandbox --json --request-log-limit 10000 >"$fifo" &
sandbox_pid=$!
read -r settings <"$fifo"
rm -f "$fifo"
port="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["port"])' "$settings")"
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$sandbox_pid/status"; }
rss_start="$(rss)"
served=0
samples=""
while [ "$served" -lt "$requests" ]; do
  n="$(wrk -t2 -c4 -d10s -s bench/wrk-oauth-url.lua "http://127.0.0.1:$port/" | awk '/requests in/ {print $1}')"
  served=$((served + n))
  samples="$samples${samples:+,}[$served,$(rss)]"
  echo "   $served requests, RSS $(rss) KiB"
done
rss_end="$(rss)"
kill "$sandbox_pid"; wait "$sandbox_pid" 2>/dev/null || true
sandbox_pid=
printf '{"language":"sandbox","calls":%d,"rss_start_kib":%d,"rss_end_kib":%d,"rss_growth_kib":%d,"rss_by_requests_kib":[%s]}\n' \
  "$served" "$rss_start" "$rss_end" "$((rss_end - rss_start))" "$samples" | tee -a "$results"

python3 - "$results" "$out/soak.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
json.dump(rows, open(sys.argv[2], "w"), indent=2)
print()
print(f"{'who':<8} {'calls':>9} {'RSS start':>11} {'RSS end':>10} {'growth':>10}")
for r in rows:
    print(f"{r['language']:<8} {r['calls']:>9} {r['rss_start_kib']/1024:>9.1f}MB {r['rss_end_kib']/1024:>8.1f}MB {r['rss_growth_kib']/1024:>8.2f}MB")
bad = [r for r in rows if r["language"] != "sandbox" and r["rss_growth_kib"] >= 2048]
# The sandbox's request log fills within its first 10 s run: from then on
# its RSS must stay flat (under 1 MB more by the end).
bad += [r for r in rows if r["language"] == "sandbox"
        and (r["rss_end_kib"] >= 64 * 1024 or r["rss_end_kib"] - r["rss_by_requests_kib"][0][1] >= 1024)]
if bad:
    sys.exit(f"soak: over budget: {bad}")
print("soak: every language grew by under 2 MB; the sandbox stayed under 64 MB, flat after its first run")
PY
