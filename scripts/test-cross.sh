#!/usr/bin/env bash
# Cross-language state tokens (issue 12): a token signed by StateSigner in each
# of Rust, Python, Node and C verifies in every other one, and each refuses
# another user's token and a removed key (tests/cross/run.py). Each language
# is used as its users get it: the Python package installed into a virtual
# environment, the Node package built with napi, the C library installed
# under a prefix and compiled against with pkg-config, the Rust crate as a
# cargo example.
# Works on a fresh Debian machine as root; installs what it needs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== Rust: cargo build --example state_token"
cargo build --quiet -p elements-auth --example state_token
target="${CARGO_TARGET_DIR:-$root/target}"

echo "== Python: the package in a virtual environment"
venv="${ELEMENTS_PYTHON_VENV:-$root/target/python-venv}"
if ! "$venv/bin/python" -c "import elements_auth; elements_auth.StateSigner" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet ./python
fi

echo "== Node: the package built with napi"
if ! node -e "require('./node').StateSigner" 2>/dev/null; then
  (cd node && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
fi

echo "== C: the library installed, the program built with pkg-config"
scripts/install-capi.sh "$work/prefix" >/dev/null
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -pedantic tests/cross/state_token.c $(pkg-config --cflags --libs elements_auth) \
  -Wl,-rpath,"$work/prefix/lib" -o "$work/state_token"

echo "== signed in each language, verified in every language"
python3 tests/cross/run.py \
  "rust=$target/debug/examples/state_token" \
  "python=$venv/bin/python $root/tests/cross/state_token.py" \
  "node=node $root/tests/cross/state_token.js" \
  "c=$work/state_token"
