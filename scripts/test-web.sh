#!/usr/bin/env bash
# Browser tests of the example web apps (issue 12): examples/web/python (FastAPI
# with AsyncClient) and examples/web/node (Express), each as two replicas on two
# ports sharing the signing key and the database, against the sandbox in
# manual-consent mode, driven by a real headless Chromium (Debian's, through
# playwright-core; no browser is ever downloaded). Screenshots of every page
# under artifacts/screenshots/web-*.png (8-event: a signed event notification
# delivered by the sandbox to the apps' /events route). Also mypy --strict on the Python app.
# Works on a fresh Debian machine as root; installs what it needs (pip packages
# into a venv, npm packages); idempotent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg-query -W -f='${Status}' fonts-liberation 2>/dev/null | grep -q 'install ok installed' || need_apt+=(fonts-liberation)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
command -v c++ >/dev/null 2>&1 || need_apt+=(g++ make)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "test-web: installing ${need_apt[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${need_apt[@]}"
fi

echo "== Python app: elements-auth, FastAPI and uvicorn in a fresh virtual environment"
venv="$root/target/web-venv"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet ./python -r examples/web/python/requirements.txt "mypy>=1.10"
echo "== mypy --strict examples/web/python/app.py"
"$venv/bin/python" -m mypy --strict --no-incremental examples/web/python/app.py

echo "== Node app: the elements-auth package built, then npm ci (express, better-sqlite3@12)"
if ! node -e "require('./node').StateSigner" 2>/dev/null; then
  (cd node && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
fi
(cd examples/web/node && npm ci --no-audit --no-fund --loglevel=error)

echo "== playwright-core (tests/browser)"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

export SCREENSHOT_DIR="$root/artifacts/screenshots"
mkdir -p "$SCREENSHOT_DIR"
rm -f "$SCREENSHOT_DIR"/web-*.png
export WEB_PYTHON="$venv/bin/python"
export ELEMENTS_AUTH_NODE="$root/node"
echo "== the apps in headless Chromium"
(cd tests/browser && node --test web-apps.test.mjs)

for app in python node; do
  for shot in 1-sign-in 2-no-connections 3-consent 4-connected-on-B 5-replayed-by-another-user 6-expired 7-denied 8-event; do
    [ -s "$SCREENSHOT_DIR/web-$app-$shot.png" ] || { echo "test-web: missing screenshot web-$app-$shot.png" >&2; exit 1; }
  done
done
echo "test-web: passed; screenshots in $SCREENSHOT_DIR/web-*.png"
