#!/usr/bin/env bash
# End-to-end browser test of `elements-auth login` (issue 6):
#   `elements-auth sandbox --manual-consent` + `elements-auth login --no-browser`,
#   a real headless Chromium (Debian's `chromium`, driven by playwright-core) clicks
#   Allow, then Deny, on the consent page.
# Screenshots (PNG) of the consent, success and failure pages are saved under
# artifacts/screenshots/ at the repository root (git-ignored).
# Works on a fresh Debian machine as root; idempotent; never downloads a browser.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# Debian images ship no fonts: without them the screenshots show boxes for text.
dpkg-query -W -f='${Status}' fonts-liberation 2>/dev/null | grep -q 'install ok installed' \
  || need_apt+=(fonts-liberation)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "test-browser: installing ${need_apt[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${need_apt[@]}"
fi
command -v cargo >/dev/null 2>&1 || { echo "test-browser: cargo is required (run scripts/install-deps.sh)" >&2; exit 1; }

# playwright-core only: it never downloads a browser; the system Chromium is used.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

cargo build --quiet -p elements-auth-cli
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
export ELEMENTS_AUTH_BIN="$target_dir/debug/elements-auth"
export SCREENSHOT_DIR="$repo/artifacts/screenshots"
rm -rf "$SCREENSHOT_DIR"
mkdir -p "$SCREENSHOT_DIR"

(cd tests/browser && node --test login.test.mjs)

for shot in allow-consent allow-success deny-consent deny-failure; do
  [ -s "$SCREENSHOT_DIR/$shot.png" ] || { echo "test-browser: missing screenshot $shot.png" >&2; exit 1; }
done
echo "test-browser: passed; screenshots in $SCREENSHOT_DIR"
