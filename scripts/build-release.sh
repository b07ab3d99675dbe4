#!/usr/bin/env bash
# The release build of the C library and the CLI, in one cargo invocation: one
# feature resolution for both, so that the crates they share (core, sandbox,
# ureq, rustls, ring) are built once. scripts/install-capi.sh (so test-c.sh and
# make install) and scripts/dist.sh call this, and cargo reuses what the first
# call built. (maturin and napi run their own cargo builds of the bindings.)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"${CARGO:-cargo}" build --release -p elements-auth-capi -p elements-auth-cli --manifest-path "$root/Cargo.toml" "$@"
