#!/usr/bin/env bash
# Builds the Node.js package (node/) the way users get it and tests it:
#   npm ci + napi build, the generated binding.d.ts/binding.js checked against
#   the committed ones, the crate's Rust unit tests, the node:test suite
#   (shared vectors and the tests/surface.json manifest included), then npm
#   pack, the tarball installed into a fresh project, require('elements-auth')
#   and every export as an ESM named import, the example run there, and
#   tsc --strict on its TypeScript version.
# Works on a fresh Debian machine as root; idempotent; fails on any error.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/node"

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${need_apt[@]}"
fi
command -v cargo >/dev/null 2>&1 || { echo "test-node: cargo (Rust) is required" >&2; exit 1; }

echo "== npm ci (node/)"
npm ci --no-audit --no-fund --loglevel=error

echo "== napi build (release)"
npm run --silent build
if ! git -C "$root" diff --quiet -- node/binding.d.ts node/binding.js 2>/dev/null; then
  echo "test-node: binding.d.ts/binding.js drifted from the Rust sources; commit the regenerated files" >&2
  git -C "$root" --no-pager diff --stat -- node/binding.d.ts node/binding.js >&2
  exit 1
fi

echo "== cargo test -p elements-auth-node (error properties, jobs)"
cargo test --quiet -p elements-auth-node --manifest-path "$root/Cargo.toml"

echo "== node --test"
node --test __test__/

echo "== npm pack + install into a fresh project"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
typescript="$(node -p "require('$root/node/package.json').devDependencies.typescript")"
types_node="$(node -p "require('$root/node/package.json').devDependencies['@types/node']")"
npm install --no-audit --no-fund --loglevel=error --prefer-offline \
  "$work/$tarball" "typescript@$typescript" "@types/node@$types_node"
node -e "const ea = require('elements-auth'); if (typeof ea.Client !== 'function' || typeof ea.Sandbox.start !== 'function') process.exit(1); console.log('require(elements-auth) ok, version', ea.version)"
# index.js assigns each export once, so that ESM sees every one as a named import.
node --input-type=module -e "
import { createRequire } from 'node:module'
import * as esm from 'elements-auth'
const cjs = createRequire(process.cwd() + '/')('elements-auth')
const missing = Object.keys(cjs).filter((k) => esm[k] !== cjs[k])
if (missing.length) { console.error('not ESM named imports:', missing); process.exit(1) }
console.log('ESM named imports ok:', Object.keys(cjs).length, 'exports')
"

echo "== example (examples/node/concur-flow.mjs)"
cp "$root/examples/node/concur-flow.mjs" "$root/examples/node/concur-flow.ts" "$root/examples/node/state-signer.ts" \
  "$root/examples/node/tsconfig.json" .
out="$(node concur-flow.mjs)"
echo "$out" | sed -E 's/^(token: ).*/\1<printed, hidden here>/'
echo "$out" | grep -Eq '^token: [A-Za-z0-9+/=_-]{20,}$' || { echo "test-node: the example printed no token" >&2; exit 1; }

echo "== example (examples/node/events-receiver.mjs: an events endpoint, fed by the sandbox)"
cp "$root/examples/node/events-receiver.mjs" .
events_out="$(node events-receiver.mjs)"
echo "$events_out"
echo "$events_out" | grep -qx 'received:  event 1 of instance 1: files id:report.pdf CREATED'
echo "$events_out" | grep -qx 'replay:    answered 200, handled again: false'
echo "$events_out" | grep -qx 'forged:    answered 401'

echo "== tsc --strict --noEmit (examples/node/concur-flow.ts, examples/node/state-signer.ts)"
npx --no-install tsc --strict --noEmit -p tsconfig.json
node -e "require('typescript')" # the checker that ran is the pinned one
echo "test-node: all passed"
