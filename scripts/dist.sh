#!/usr/bin/env bash
# make dist: every release artifact, built from this checkout into dist/, for
# users without a Rust toolchain (scripts/test-dist.sh installs and tests them):
#   elements_auth-<v>-cp39-abi3-manylinux_<glibc>_x86_64.whl   the wheel, CPython 3.9+
#   elements_auth-<v>.tar.gz                                   the sdist (pip builds it where Rust is)
#   elements-auth-<v>.tgz                                      npm: JavaScript and typings, no binary
#   elements-auth-linux-x64-gnu-<v>.tgz                        npm: the prebuilt addon for that platform
#   libelements_auth-<v>-<triple>.tar.gz                       C: include/, lib/ (.so with SONAME, .a, pkgconfig)
#   elements-auth-<v>-<triple>.tar.gz                          the CLI binary, its README and LICENSE
#   SHA256SUMS
# <v> is the workspace version (scripts/version.sh). Each binary is the same release
# build the test scripts make (cargo reuses it): scripts/build-release.sh for C and the
# CLI (via scripts/install-capi.sh), `npm run build` for Node, maturin for Python.
# Needs cargo, node and npm, and python3 with venv (maturin is installed into
# target/dist-tools).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cargo="${CARGO:-cargo}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
out="$root/dist"
stage="$target_dir/dist-stage"
maturin_version=1.16.0

step() { printf '\n== dist: %s\n' "$*"; }

for tool in "$cargo" node npm python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "dist: $tool is required" >&2; exit 1; }
done
scripts/version.sh --check
version="$(scripts/version.sh)"
host="$("${RUSTC:-rustc}" -vV | sed -n 's/^host: //p')"
triple="${host/-unknown-/-}"            # x86_64-unknown-linux-gnu -> x86_64-linux-gnu
# Reproducible tarballs: file times are the last commit's, owners are root. Not
# exported: build scripts (ring's, through cc) rebuild when SOURCE_DATE_EPOCH changes,
# and the release builds must stay the ones the test scripts made.
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
rm -rf "$out" "$stage"
mkdir -p "$out" "$stage"

# tarball DIR NAME: DIR/NAME as dist/NAME.tar.gz, sorted, owned by root, dated $epoch.
tarball() {
  tar -C "$1" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -cf - "$2" \
    | gzip -9n > "$out/$2.tar.gz"
}

step "C library (scripts/install-capi.sh into the tarball's tree)"
c_name="libelements_auth-$version-$triple"
scripts/install-capi.sh "$stage/$c_name"
tarball "$stage" "$c_name"

step "CLI (scripts/build-release.sh: built with the C library)"
scripts/build-release.sh
cli_name="elements-auth-$version-$triple"
install -d "$stage/$cli_name"
install -m 755 "$target_dir/release/elements-auth" "$stage/$cli_name/elements-auth"
install -m 644 cli/README.md LICENSE "$stage/$cli_name/"
tarball "$stage" "$cli_name"

step "Python wheel and sdist (maturin $maturin_version)"
tools="$target_dir/dist-tools"
if ! "$tools/bin/maturin" --version 2>/dev/null | grep -qx "maturin $maturin_version"; then
  rm -rf "$tools"
  python3 -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet --only-binary=:all: "maturin==$maturin_version"
fi
# No --compatibility: maturin audits the extension's glibc symbols and tags the wheel
# with the oldest manylinux policy it meets; --auditwheel check fails the build
# instead of shipping a wheel that needs libraries it would have to bundle.
# The interpreter pyo3 is configured with: scripts/test-python.sh's venv when there is
# one, since pyo3 rebuilds whenever PYO3_PYTHON changes and the wheel can then reuse
# that build. (The wheel is abi3 whatever the interpreter.)
interpreter="${ELEMENTS_PYTHON_VENV:-$root/target/python-venv}/bin/python"   # what its pip runs as
[ -x "$interpreter" ] || interpreter="$tools/bin/python"
(cd python && "$tools/bin/maturin" build --release --auditwheel check --interpreter "$interpreter" --out "$out")
(cd python && "$tools/bin/maturin" sdist --out "$out")
shopt -s nullglob
wheels=("$out"/elements_auth-"$version"-cp39-abi3-manylinux_*_x86_64.whl)
shopt -u nullglob
if [ "${#wheels[@]}" -ne 1 ]; then
  echo "dist: expected one cp39-abi3-manylinux wheel, got:" >&2
  ls "$out" >&2
  exit 1
fi

step "npm packages (napi build, then the napi-rs layout: main package + platform package)"
cd "$root/node"
[ -x node_modules/.bin/napi ] || npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1 \
    && ! git -C "$root" diff --quiet -- node/binding.d.ts node/binding.js; then
  echo "dist: node/binding.js or binding.d.ts drifted from the Rust sources; commit the regenerated files" >&2
  exit 1
fi
main="$stage/npm/elements-auth"
mkdir -p "$main"
cp index.js index.d.ts binding.js binding.d.ts README.md "$root/LICENSE" "$main/"
# The published package.json: node/package.json without the binary (it lives in the
# platform package), the build scripts or the dev dependencies.
node -e '
  const fs = require("fs"), [src, dst] = process.argv.slice(1)
  const pkg = JSON.parse(fs.readFileSync(src, "utf8"))
  pkg.files = pkg.files.filter((f) => !f.endsWith(".node")).concat("LICENSE")
  delete pkg.scripts
  delete pkg.devDependencies
  fs.writeFileSync(dst, JSON.stringify(pkg, null, 2) + "\n")
' package.json "$main/package.json"
# One package per target of package.json's napi.targets, in $main/npm/<platform>/ (napi
# keeps them inside the project; the main package's "files" leaves them out).
node_modules/.bin/napi create-npm-dirs --cwd "$main"
platforms=()
for dir in "$main"/npm/*/; do
  dir="${dir%/}"
  addon="$(node -p 'require(process.argv[1]).main' "$dir/package.json")"
  [ -f "$root/node/$addon" ] || { echo "dist: $addon was not built (napi build)" >&2; exit 1; }
  cp "$root/node/$addon" "$root/LICENSE" "$dir/"
  platforms+=("$dir")
done
# optionalDependencies on every platform package at this exact version, as napi's
# pre-publish writes them: npm installs the one whose os/cpu/libc match, and
# binding.js loads it.
node -e '
  const fs = require("fs"), [main, ...dirs] = process.argv.slice(1)
  const pkg = JSON.parse(fs.readFileSync(main, "utf8"))
  pkg.optionalDependencies = Object.fromEntries(dirs.map((d) => {
    const p = JSON.parse(fs.readFileSync(d + "/package.json", "utf8"))
    return [p.name, p.version]
  }))
  fs.writeFileSync(main, JSON.stringify(pkg, null, 2) + "\n")
' "$main/package.json" "${platforms[@]}"
for dir in "$main" "${platforms[@]}"; do
  (cd "$dir" && npm pack --silent --pack-destination "$out" >/dev/null)
done
cd "$root"

step "SHA256SUMS"
(cd "$out" && sha256sum -- * > "$stage/SHA256SUMS" && mv "$stage/SHA256SUMS" SHA256SUMS)
cat "$out/SHA256SUMS"

step "dist/ ($version)"
(cd "$out" && for f in *; do printf '%10s  %s\n' "$(stat -c %s "$f")" "$f"; done)
