#!/usr/bin/env bash
# The C library's tests, as a C user gets the library:
#   1. include/elements_auth.h is regenerated (pinned cbindgen) and must match the committed one;
#   2. the library is installed into a temporary PREFIX (scripts/install-capi.sh), and its
#      exported ea_ symbols and the header's types and codes must be the c column of
#      tests/surface.json, both ways (tests/c/manifest.py);
#   3. tests/c is built against it with pkg-config and -std=c11 -Wall -Wextra -Werror -pedantic,
#      then run plainly, under valgrind (definite/indirect leaks are errors), and rebuilt
#      and run with -fsanitize=address,undefined;
#   4. examples/c/concur_flow.c is built with pkg-config (shared, and static) and must print a token;
#      examples/c/events_receiver.c is built and must receive, and refuse a replay and a forgery.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# --- tools (a fresh Debian machine has none of them) ---
need=()
command -v cc >/dev/null || need+=(gcc libc6-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v valgrind >/dev/null || need+=(valgrind)
command -v make >/dev/null || need+=(make)
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
if [ "${#need[@]}" -gt 0 ]; then apt_install "${need[@]}"; fi
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
echo 'int main(void) { return 0; }' > "$probe/p.c"
if ! cc -fsanitize=address,undefined "$probe/p.c" -o "$probe/p" 2>/dev/null; then
  apt_install libasan8 libubsan1 || apt_install libasan6 libubsan1
fi

# --- 1. the committed header is what cbindgen generates ---
capi/gen-header.sh --check

# --- 2. install ---
prefix="$probe/prefix"
scripts/install-capi.sh "$prefix"
echo "== C surface against tests/surface.json"
python3 tests/c/manifest.py "$prefix/lib/libelements_auth.so" "$prefix/include/elements_auth.h" tests/surface.json
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
read -r -a cflags <<< "$(pkg-config --cflags elements_auth)"
read -r -a libs <<< "$(pkg-config --libs elements_auth)"
strict=(-std=c11 -Wall -Wextra -Werror -pedantic)
rpath=(-Wl,-rpath,"$prefix/lib")

# --- 3. the C tests: plain, valgrind, sanitizers ---
cc "${strict[@]}" -g -pthread "${cflags[@]}" tests/c/*.c "${libs[@]}" "${rpath[@]}" -o "$probe/test_c"
echo "== C tests"
"$probe/test_c" tests/vectors
echo "== C tests under valgrind"
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
  "$probe/test_c" tests/vectors
echo "== C tests with -fsanitize=address,undefined"
cc "${strict[@]}" -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
  -pthread "${cflags[@]}" tests/c/*.c "${libs[@]}" "${rpath[@]}" -o "$probe/test_c_asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$probe/test_c_asan" tests/vectors

# --- 4. the example, built as the README says ---
echo "== examples/c/concur_flow.c (shared library, pkg-config)"
# shellcheck disable=SC2046
cc "${strict[@]}" examples/c/concur_flow.c $(pkg-config --cflags --libs elements_auth) -o "$probe/concur_flow"
LD_LIBRARY_PATH="$prefix/lib" "$probe/concur_flow" | tee "$probe/flow.out"
grep -q '^token: ' "$probe/flow.out"
echo "== examples/c/concur_flow.c (static library)"
# shellcheck disable=SC2046
cc "${strict[@]}" examples/c/concur_flow.c $(pkg-config --cflags elements_auth) "$prefix/lib/libelements_auth.a" \
  $(pkg-config --static --libs-only-l elements_auth | sed 's/-lelements_auth//') -o "$probe/concur_flow_static"
"$probe/concur_flow_static" > "$probe/flow_static.out"
grep -q '^token: ' "$probe/flow_static.out"
if ldd "$probe/concur_flow_static" | grep -q elements_auth; then
  echo "the static example links the shared library" >&2
  exit 1
fi
echo "== examples/c/events_receiver.c (an events endpoint, fed by the sandbox)"
# shellcheck disable=SC2046
cc "${strict[@]}" examples/c/events_receiver.c $(pkg-config --cflags --libs elements_auth) -o "$probe/events_receiver"
LD_LIBRARY_PATH="$prefix/lib" "$probe/events_receiver" | tee "$probe/events.out"
grep -qx 'received:  event 1 of instance 1: files id:report.pdf CREATED' "$probe/events.out"
grep -qx 'answered:  202' "$probe/events.out"
grep -qx 'replay:    answered 200' "$probe/events.out"
grep -qx 'forged:    answered 401' "$probe/events.out"
echo "C: all passed"
