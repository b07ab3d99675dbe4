#!/usr/bin/env bash
# make bench (not part of make test): this SDK in every language beside the
# well-known HTTP clients, in one run, against one local server (nginx
# answering the two platform calls with fixed JSON), with wrk as the limit.
#   - server pinned to CPU 0, each client to CPU 1 (taskset), one keep-alive
#     connection, a warm-up, ROUNDS rounds (default 3) of CALLS calls;
#   - the two clients of each check side by side, taking turns in blocks of
#     BLOCK calls (bench/pair.py), PAIR_ROUNDS times (default 3): the checks
#     take these ratios, which this machine's drift moves far less;
#   - cold starts (process start, load, one call) over COLD runs;
#   - RSS over 100k calls per language and the sandbox after 1M requests
#     (scripts/soak.sh), and the sandbox's own throughput under wrk.
# Writes bench/results/{results.md,results.json,latency.svg}. Installs what
# it needs: nginx, wrk, libcurl (Debian); requests and httpx (PyPI, into
# target/bench-venv); the Node addon; the C library (target/bench-prefix).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${ROUNDS:-3}"
pair_rounds="${PAIR_ROUNDS:-3}"
block="${BLOCK:-200}"
calls="${CALLS:-10000}"
slow_calls="${SLOW_CALLS:-2000}"
warmup="${WARMUP:-1000}"
cold_runs="${COLD:-15}"
target="${CARGO_TARGET_DIR:-$root/target}"
out="$root/bench/results"
work="$(mktemp -d)"
runs="$work/runs.jsonl"
nginx_pid=
sandbox_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] || need+=(libcurl4-openssl-dev)
command -v taskset >/dev/null || need+=(util-linux)
if [ "${#need[@]}" -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
ncpu="$(nproc)"
pin_server=(taskset -c 0)
pin_client=(taskset -c "$((ncpu > 1 ? 1 : 0))")

echo "== build (release)"
cargo build --release --quiet -p elements-auth-bench -p elements-auth-cli
prefix="$target/bench-prefix"
scripts/install-capi.sh "$prefix" >/dev/null
cc -O2 -std=c11 bench/c/bench.c -I"$prefix/include" -L"$prefix/lib" -lelements_auth \
  -Wl,-rpath,"$prefix/lib" -o "$work/bench-c-ea"
cc -O2 -std=c11 -DBENCH_CURL bench/c/bench.c -lcurl -o "$work/bench-c-curl"
venv="$target/bench-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet --force-reinstall ./python
"$venv/bin/python" -m pip install --quiet requests httpx
(cd node && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build >/dev/null)
export ELEMENTS_AUTH_NODE="$root/node"

echo "== nginx, pinned to CPU 0"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir -p "$work/nginx"
sed -e "s|@DIR@|$work/nginx|g" -e "s|@PORT@|$port|g" bench/nginx.conf.in >"$work/nginx/nginx.conf"
"${pin_server[@]}" "$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
base="http://127.0.0.1:$port/elements/api-v2"
for _ in $(seq 50); do curl -sf "$base/elements/concur/oauth/url?state=x" >/dev/null 2>&1 && break; sleep 0.1; done
printf '{"kind":"meta","when":"%s","commit":"%s","machine":"%s CPUs","how":"nginx on CPU 0, clients on CPU %s, one keep-alive connection, %s warm-up calls, %s rounds of %s calls (%s for requests, httpx and fetch); the checks from %s rounds of each pair side by side, taking turns in blocks of %s calls."}\n' \
  "$(date -u +%Y-%m-%dT%H:%MZ)" "$(git rev-parse --short HEAD)" "$ncpu" "${pin_client[2]}" \
  "$warmup" "$rounds" "$calls" "$slow_calls" "$pair_rounds" "$block" >>"$runs"

# wrk with one connection: the limit of this machine for the same exchange.
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "User bench-user-secret, Organization bench-org-secret"
wrk.body = '{"element":{"key":"concur"},"providerData":{"code":"code-123"},"configuration":{"oauth.api.key":"bench-client","oauth.api.secret":"bench-secret","oauth.callback.url":"https://app.example.com/cb","filter.response.nulls":"true","event.notification.enabled":"false"},"tags":["bench"],"name":"bench"}'
LUA
# "50%    42.00us" -> microseconds.
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /ms$/) n *= 1000; else if (v ~ /[0-9]s$/ && v !~ /us$/) n *= 1000000; print n }'; }
wrk_run() { # op, round, url, extra args
  local op="$1" round="$2" url="$3"
  shift 3
  local text p50 p99 rps
  text="$("${pin_client[@]}" wrk -t1 -c1 -d5s --latency "$@" "$url")"
  p50="$(to_us "$(echo "$text" | awk '$1 == "50%" {print $2}')")"
  p99="$(to_us "$(echo "$text" | awk '$1 == "99%" {print $2}')")"
  rps="$(echo "$text" | awk '/Requests\/sec/ {print $2}')"
  printf '{"client":"wrk","op":"%s","round":%s,"p50_us":%s,"p99_us":%s,"calls_per_s":%s}\n' "$op" "$round" "$p50" "$p99" "$rps" >>"$runs"
}
query='apiKey=bench-client&apiSecret=bench-secret&callbackUrl=https%3A%2F%2Fapp.example.com%2Fcb&siteAddress=https%3A%2F%2Fwww.concursolutions.com&state=fixed-state'

clients=(
  "ureq|$target/release/elements-auth-bench ureq"
  "core|$target/release/elements-auth-bench core"
  "c-ea|$work/bench-c-ea ea"
  "c-curl|$work/bench-c-curl curl"
  "py-ea|$venv/bin/python bench/python/bench.py ea"
  "py-http.client|$venv/bin/python bench/python/bench.py http.client"
  "py-requests|$venv/bin/python bench/python/bench.py requests"
  "py-httpx|$venv/bin/python bench/python/bench.py httpx"
  "node-ea-sync|node bench/node/bench.js ea-sync"
  "node-ea-promise|node bench/node/bench.js ea-promise"
  "node-node:http|node bench/node/bench.js node:http"
  "node-fetch|node bench/node/bench.js fetch"
)
if "$venv/bin/python" -c "import elements_auth; elements_auth.AsyncClient" 2>/dev/null; then
  clients+=("py-ea-async|$venv/bin/python bench/python/bench.py ea-async")
fi

echo "== latency: $rounds rounds"
for round in $(seq "$rounds"); do
  wrk_run oauth_url "$round" "$base/elements/concur/oauth/url?$query"
  wrk_run create_instance "$round" "$base/instances" -s "$work/post.lua"
  for entry in "${clients[@]}"; do
    name="${entry%%|*}"
    read -r -a cmd <<<"${entry#*|}"
    n="$calls"
    case "$name" in py-requests | py-httpx | node-fetch) n="$slow_calls" ;; esac
    for op in oauth_url create_instance; do
      line="$("${pin_client[@]}" "${cmd[@]}" "$op" "$base" "$n" "$warmup")"
      echo "$line" | python3 -c "import json,sys; r=json.loads(sys.stdin.read()); r['client']=sys.argv[1]; r['round']=int(sys.argv[2]); print(json.dumps(r))" "$name" "$round" >>"$runs"
    done
  done
  echo "   round $round done"
done

# The two sides of each check, side by side (bench/pair.py): "A B" gives A / B.
pairs=("core ureq" "c-ea core" "node-ea-sync core" "node-node:http node-ea-promise" "py-http.client py-ea" "py-requests py-ea")
command_of() { # client name -> its command line
  local entry
  for entry in "${clients[@]}"; do
    [ "${entry%%|*}" = "$1" ] && echo "${entry#*|}" && return
  done
}
echo "== the checks' pairs side by side: $pair_rounds rounds, turns of $block calls"
for round in $(seq "$pair_rounds"); do
  for pair in "${pairs[@]}"; do
    read -r a b <<<"$pair"
    read -r -a cmd_a <<<"$(command_of "$a")"
    read -r -a cmd_b <<<"$(command_of "$b")"
    n="$calls"
    case "$a" in py-requests) n="$slow_calls" ;; esac
    for op in oauth_url create_instance; do
      python3 bench/pair.py "$block" "${pin_client[@]}" "${cmd_a[@]}" "$op" "$base" "$n" "$warmup" \
        :: "${pin_client[@]}" "${cmd_b[@]}" "$op" "$base" "$n" "$warmup" |
        python3 -c "
import json, sys
a, b, rnd = sys.argv[1:4]
for line, name in zip(sys.stdin, (a, b)):
    r = json.loads(line)
    r.update(kind='pair', pair=a + ' ' + b, client=name, round=int(rnd))
    print(json.dumps(r))" "$a" "$b" "$round" >>"$runs"
    done
  done
  echo "   round $round done"
done

echo "== cold starts: $cold_runs runs each"
cold() { # name, command...
  local name="$1"
  shift
  python3 - "$name" "$cold_runs" "$@" >>"$runs" <<'PY'
import json, statistics, subprocess, sys, time
name, runs, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for _ in range(2):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"kind": "cold", "name": name, "median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times)}))
PY
}
py="$venv/bin/python"
ea_py="import elements_auth as ea; ea.Client(base_url='$base', user_secret='u-1', organization_secret='o-1').oauth_url('concur', 'k', 's', 'https://app.example.com/cb', site_address='https://www.concursolutions.com')"
hc_py="import http.client, json; c = http.client.HTTPConnection('127.0.0.1', $port); c.request('GET', '/elements/api-v2/elements/concur/oauth/url?$query'); json.loads(c.getresponse().read())"
ea_js="const ea = require(process.env.ELEMENTS_AUTH_NODE); new ea.Client({ baseUrl: '$base', userSecret: 'u-1', organizationSecret: 'o-1' }).oauthUrl({ element: 'concur', apiKey: 'k', apiSecret: 's', callbackUrl: 'https://app.example.com/cb', siteAddress: 'https://www.concursolutions.com' }).then(() => {})"
http_js="require('http').get('$base/elements/concur/oauth/url?$query', (r) => { const b = []; r.on('data', (c) => b.push(c)); r.on('end', () => JSON.parse(Buffer.concat(b))) })"
cold "python pass" "${pin_client[@]}" "$py" -c pass
cold "python import elements_auth" "${pin_client[@]}" "$py" -c "import elements_auth"
cold "python elements-auth + call" "${pin_client[@]}" "$py" -c "$ea_py"
cold "python http.client + call" "${pin_client[@]}" "$py" -c "$hc_py"
cold "node elements-auth + call" "${pin_client[@]}" node -e "$ea_js"
cold "node node:http + call" "${pin_client[@]}" node -e "$http_js"
cold "rust core + call" "${pin_client[@]}" "$target/release/elements-auth-bench" core oauth_url "$base" 1 0
cold "rust raw ureq + call" "${pin_client[@]}" "$target/release/elements-auth-bench" ureq oauth_url "$base" 1 0
cold "c elements-auth + call" "${pin_client[@]}" "$work/bench-c-ea" ea oauth_url "$base" 1 0
cold "c libcurl + call" "${pin_client[@]}" "$work/bench-c-curl" curl oauth_url "$base" 1 0
kill "$nginx_pid"
nginx_pid=

echo "== the sandbox under wrk (4 connections, 10 s per call)"
fifo="$work/sandbox.out"
mkfifo "$fifo"
"${pin_server[@]}" "$target/release/elements-auth" sandbox --json --request-log-limit 10000 >"$fifo" &
sandbox_pid=$!
read -r settings <"$fifo"
sport="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["port"])' "$settings")"
secrets="$(python3 -c 'import json,sys; s=json.loads(sys.argv[1]); print("User %s, Organization %s" % (s["user_secret"], s["organization_secret"]))' "$settings")"
sed -e "s|bench-user-secret, Organization bench-org-secret|${secrets#User }|" -e 's|"code-123"|"not-a-code"|' \
  "$work/post.lua" | sed -e "s|User User |User |" >"$work/sandbox-post.lua"
sandbox_wrk() { # op, script args
  local op="$1"
  shift
  local text
  text="$("${pin_client[@]}" wrk -t2 -c4 -d10s --latency "$@")"
  python3 - "$op" <<PY >>"$runs"
import json, sys
text = """$text"""
def ms(v):
    return float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1000 if v.endswith("us") else float(v[:-1]) * 1000
lat = {l.split()[0]: ms(l.split()[1]) for l in text.splitlines() if l.strip().startswith(("50%", "99%"))}
rps = next(float(l.split()[1]) for l in text.splitlines() if "Requests/sec" in l)
print(json.dumps({"kind": "sandbox", "op": sys.argv[1], "calls_per_s": rps, "p50_ms": lat["50%"], "p99_ms": lat["99%"]}))
PY
}
sandbox_wrk oauth_url -s bench/wrk-oauth-url.lua "http://127.0.0.1:$sport/"
sandbox_wrk "create_instance (answered 400: unknown code)" -s "$work/sandbox-post.lua" "http://127.0.0.1:$sport/elements/api-v2/instances"
kill "$sandbox_pid"
sandbox_pid=

echo "== RSS (scripts/soak.sh)"
# soak.sh reads CALLS too: give it its own counts, not this script's.
CALLS="${SOAK_CALLS:-100000}" REQUESTS="${SOAK_REQUESTS:-1000000}" scripts/soak.sh
python3 -c "
import json
for r in json.load(open('$out/soak.json')):
    r['kind'] = 'soak'
    print(json.dumps(r))" >>"$runs"

python3 bench/report.py "$runs" "$out"
echo "bench: results in bench/results/ (results.md, results.json, latency.svg)"
