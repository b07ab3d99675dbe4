#!/usr/bin/env bash
# Builds the C library in release mode and installs it under PREFIX:
#   PREFIX/include/elements_auth.h
#   PREFIX/lib/libelements_auth.so, PREFIX/lib/libelements_auth.a
#   PREFIX/lib/pkgconfig/elements_auth.pc
# so that `cc app.c $(pkg-config --cflags --libs elements_auth)` works.
# Usage: scripts/install-capi.sh PREFIX   (or: make install PREFIX=...)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${1:?usage: scripts/install-capi.sh PREFIX}"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
cargo="${CARGO:-cargo}"

"$cargo" build --release -p elements-auth-capi --manifest-path "$root/Cargo.toml"
target="${CARGO_TARGET_DIR:-$root/target}/release"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n 1)"

install -d "$prefix/include" "$prefix/lib/pkgconfig"
install -m 644 "$root/include/elements_auth.h" "$prefix/include/elements_auth.h"
install -m 755 "$target/libelements_auth.so" "$prefix/lib/libelements_auth.so"
install -m 644 "$target/libelements_auth.a" "$prefix/lib/libelements_auth.a"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" \
  "$root/capi/elements_auth.pc.in" > "$prefix/lib/pkgconfig/elements_auth.pc"
echo "installed elements_auth $version under $prefix"
