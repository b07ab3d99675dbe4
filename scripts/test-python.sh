#!/usr/bin/env bash
# Builds and installs the Python package the way a user does (pip install ./python
# into a fresh virtual environment, maturin as the PEP 517 backend), then runs
# the example, mypy --strict on it, stubtest, and the pytest suite.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ELEMENTS_PYTHON_VENV:-$ROOT/target/python-venv}"
PYTHON="${PYTHON:-python3}"

step() { printf '\n==> %s\n' "$*"; }

# A plain Debian machine may lack python3, venv or pip: install them once.
if ! command -v "$PYTHON" >/dev/null 2>&1 || ! "$PYTHON" -m venv --help >/dev/null 2>&1 \
    || ! "$PYTHON" -m ensurepip --version >/dev/null 2>&1; then
    step "installing python3, venv and pip from Debian"
    apt-get update
    apt-get install -y python3 python3-venv python3-pip
    PYTHON=python3
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo is required to build the extension (install Rust first)" >&2
    exit 1
fi

# A fresh virtual environment every run: the user's path, and no stale install.
step "creating a fresh virtual environment in $VENV"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
VPY="$VENV/bin/python"
"$VPY" -m pip install --quiet --upgrade pip

step "pip install ./python (builds the extension with maturin)"
# The build shares the workspace's target directory, so reruns are incremental.
(cd "$ROOT" && "$VPY" -m pip install ./python)
"$VPY" -m pip install --quiet "pytest>=7" "mypy>=1.10"

# Run everything from outside the source tree so only the installed package is imported.
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

step "import check"
"$VPY" -c "import elements_auth; print('elements_auth', elements_auth.__version__, 'imported from', elements_auth.__file__)"

step "the wheel is abi3 (one wheel for every CPython from 3.9 on)"
grep -E '^Tag: cp39-abi3-' "$VENV"/lib/python3*/site-packages/elements_auth-*.dist-info/WHEEL

step "example: examples/python/concur_flow.py"
"$VPY" "$ROOT/examples/python/concur_flow.py" | tee "$WORK/example.out"
grep -q '^token: ' "$WORK/example.out"

step "example: examples/python/events_receiver.py (an events endpoint, fed by the sandbox)"
"$VPY" "$ROOT/examples/python/events_receiver.py" | tee "$WORK/events.out"
grep -q '^received:  event 1 of instance 1: files id:report.pdf CREATED$' "$WORK/events.out"
grep -q '^replay:    answered 200, queued again: False$' "$WORK/events.out"
grep -q '^forged:    answered 401$' "$WORK/events.out"

step "mypy --strict on the examples"
"$VPY" -m mypy --strict --no-incremental "$ROOT/examples/python/concur_flow.py" \
    "$ROOT/examples/python/events_receiver.py" "$ROOT/python/tests"

step "stubtest: the stubs match the runtime"
"$VPY" -m mypy.stubtest elements_auth

step "pytest"
"$VPY" -m pytest -p no:cacheprovider -q "$ROOT/python/tests"
