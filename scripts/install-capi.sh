#!/usr/bin/env bash
# Builds the C library in release mode and installs it under PREFIX:
#   PREFIX/include/elements_auth.h
#   PREFIX/lib/libelements_auth.so.<version>       the shared library, SONAME libelements_auth.so.<abi>
#   PREFIX/lib/libelements_auth.so.<abi> -> .so.<version>   what programs load (capi/build.rs sets it)
#   PREFIX/lib/libelements_auth.so -> .so.<abi>     what `-lelements_auth` links against
#   PREFIX/lib/libelements_auth.a                   the static library, debug info stripped
#   PREFIX/lib/pkgconfig/elements_auth.pc           relocatable: its prefix is ${pcfiledir}/../..
#   PREFIX/share/doc/elements_auth/{README.md,LICENSE}
# so that `cc app.c $(pkg-config --cflags --libs elements_auth)` works, and keeps
# working after PREFIX is moved (the release tarball is this tree; scripts/dist.sh).
# Usage: scripts/install-capi.sh PREFIX   (or: make install PREFIX=...)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${1:?usage: scripts/install-capi.sh PREFIX}"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"

# The one release build of the library (with the CLI's: scripts/build-release.sh), so
# that scripts/test-c.sh, make install and scripts/dist.sh share it.
"$root/scripts/build-release.sh"
target="${CARGO_TARGET_DIR:-$root/target}/release"
version="$("$root/scripts/version.sh")"
soname="$(readelf -d "$target/libelements_auth.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"
case "$soname" in
  libelements_auth.so.?*) ;;
  *) echo "install-capi: libelements_auth.so has no versioned SONAME (got '$soname'; see capi/build.rs)" >&2; exit 1 ;;
esac
real="libelements_auth.so.$version"

install -d "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/share/doc/elements_auth"
install -m 644 "$root/include/elements_auth.h" "$prefix/include/elements_auth.h"
rm -f "$prefix"/lib/libelements_auth.so*
install -m 755 "$target/libelements_auth.so" "$prefix/lib/$real"
[ "$soname" = "$real" ] || ln -s "$real" "$prefix/lib/$soname"
ln -s "$soname" "$prefix/lib/libelements_auth.so"
install -m 644 "$target/libelements_auth.a" "$prefix/lib/libelements_auth.a"
# The archive carries the debug info of the Rust standard library's objects
# (cargo's strip setting applies to linked binaries only): about 4/5 of its size.
strip --strip-debug "$prefix/lib/libelements_auth.a"
sed -e "s|@VERSION@|$version|g" "$root/capi/elements_auth.pc.in" > "$prefix/lib/pkgconfig/elements_auth.pc"
install -m 644 "$root/capi/README.md" "$root/LICENSE" "$prefix/share/doc/elements_auth/"
echo "installed elements_auth $version ($soname) under $prefix"
