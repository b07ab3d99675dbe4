#!/usr/bin/env bash
# Installs the system packages the test suites need, on a fresh Debian machine.
# Idempotent: packages already present are not fetched again.
set -euo pipefail

need=()
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v valgrind >/dev/null || need+=(valgrind)
command -v curl >/dev/null || need+=(curl)
command -v cc >/dev/null || need+=(gcc)
[ -x /usr/bin/chromium ] || need+=(chromium fonts-liberation)
command -v node >/dev/null || need+=(nodejs npm)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing ${need[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "install-deps: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

command -v cargo >/dev/null || { echo "install-deps: cargo is missing (install Rust with rustup)" >&2; exit 1; }
# A minimal rustup profile lacks the linters CI runs.
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
echo "install-deps: ok"
