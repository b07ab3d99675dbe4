#!/usr/bin/env bash
# Regenerates include/elements_auth.h from capi/ with a pinned cbindgen
# (installed from crates.io into a cache directory when missing).
#   capi/gen-header.sh            write include/elements_auth.h
#   capi/gen-header.sh --check    fail if the committed header differs
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version=0.29.2
cache="${ELEMENTS_AUTH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/elements-auth}"
cbindgen="$cache/cbindgen-$version/bin/cbindgen"
if [ ! -x "$cbindgen" ]; then
  echo "installing cbindgen $version into $cache/cbindgen-$version" >&2
  cargo install cbindgen --version "$version" --locked --quiet --root "$cache/cbindgen-$version"
fi
tmp="$(mktemp)"
config="$(mktemp)"
trap 'rm -f "$tmp" "$config"' EXIT
# The header's EA_VERSION_* macros are the workspace version, the one place it is set.
IFS=. read -r major minor patch <<< "$("$root/scripts/version.sh")"
sed -e "s/@VERSION_MAJOR@/$major/" -e "s/@VERSION_MINOR@/$minor/" -e "s/@VERSION_PATCH@/$patch/" \
  "$root/capi/cbindgen.toml" > "$config"
"$cbindgen" --quiet --config "$config" --crate elements-auth-capi \
  --output "$tmp" "$root/capi"
if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$root/include/elements_auth.h" "$tmp"; then
    echo "include/elements_auth.h is out of date: run capi/gen-header.sh and commit it" >&2
    exit 1
  fi
  echo "include/elements_auth.h is up to date"
else
  mkdir -p "$root/include"
  cp "$tmp" "$root/include/elements_auth.h"
fi
