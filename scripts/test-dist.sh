#!/usr/bin/env bash
# Tests the release artifacts of dist/ (make dist) the way users install them,
# on a PATH without cargo or rustc (env -i, PATH=/usr/bin:/bin), each against the
# sandbox the artifact itself embeds:
#   - SHA256SUMS covers dist/ and matches; one version (scripts/version.sh) in every name;
#   - the wheel: its listing (no tests, no build leftovers), then into a fresh venv of every
#     CPython from 3.9 to 3.13 found (3.9 and 3.13 required): tests/dist/check_python.py
#     (version, wheel tag, a flow), examples/python/concur_flow.py, mypy --strict on both;
#   - npm: both tarballs' listings, `npm install` of the two into a fresh project with an
#     empty cache, offline and with an unreachable registry (so the platform package can
#     only come from its tarball), then tests/dist/flow.cjs (CommonJS),
#     examples/node/concur-flow.mjs (ES module) and tsc --strict on concur-flow.ts and state-signer.ts;
#   - C: the tarball unpacked into a temporary prefix; pkg-config's version, SONAME and
#     symlinks; examples/c/concur_flow.c built with pkg-config, shared and static, and run;
#     tests/dist/version.c (EA_VERSION_* == ea_version());
#   - the CLI: --version, demo, README and LICENSE beside it;
#   - every shipped binary has no debug info; their sizes are printed.
# Before that, with the developer's PATH (Rust needed): the sdist is built and installed
# by pip into a fresh venv, and the example runs against it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist="$root/dist"

step() { printf '\n== test-dist: %s\n' "$*"; }
fail() { echo "test-dist: $*" >&2; exit 1; }
# The flows print a sandbox token; the log shows that a token came, not its value.
hide_tokens() { sed -E 's/^(token: *|element token +).*/\1<printed, hidden here>/'; }

if [ "${TEST_DIST_CLEAN_ENV:-}" != 1 ]; then
  # --- with the developer's PATH ---
  [ -f "$dist/SHA256SUMS" ] || fail "no dist/SHA256SUMS: run make dist first"
  version="$("$root/scripts/version.sh")"
  command -v cargo >/dev/null 2>&1 || fail "the sdist check needs cargo"

  # The CPythons to install the wheel into: pyenv's, else pythonX.Y on PATH.
  pythons=()
  for minor in 9 10 11 12 13; do
    found="$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3."$minor".*/bin/python3."$minor" 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$found" ] || found="$(command -v "python3.$minor" || true)"
    if [ -z "$found" ]; then
      case "$minor" in 9|13) fail "CPython 3.$minor is required (pyenv install 3.$minor)";; esac
      echo "test-dist: no CPython 3.$minor here; the wheel is tested on the others"
      continue
    fi
    pythons+=("$found")
  done

  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  step "sdist: pip install dist/elements_auth-$version.tar.gz (builds with maturin and cargo)"
  sdist_python="${pythons[${#pythons[@]}-1]}"
  "$sdist_python" -m venv "$work/sdist-venv"
  # The workspace's target directory: the registry crates are reused (same lock file and
  # profile); the sdist's own crates build anew, from their unpacked place.
  CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" \
    "$work/sdist-venv/bin/python" -m pip install --quiet "$dist/elements_auth-$version.tar.gz"
  (cd "$work" && "$work/sdist-venv/bin/python" "$root/examples/python/concur_flow.py") > "$work/sdist.out"
  hide_tokens < "$work/sdist.out"
  grep -q '^token: ' "$work/sdist.out" || fail "the example printed no token with the sdist's build"
  "$work/sdist-venv/bin/python" -c "import elements_auth, sys; sys.exit(elements_auth.__version__ != '$version')" \
    || fail "the sdist's build has another version"
  rm -rf "$work"
  trap - EXIT

  # --- the rest on a clean environment: no cargo, rustc or rustup on PATH ---
  # Only what reaching the package registries (mypy, typescript) needs is passed on.
  keep=()
  for name in $(compgen -e); do
    case "$name" in
      PIP_*|npm_config_*|NPM_CONFIG_*|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|NODE_EXTRA_CA_CERTS|\
      HTTP_PROXY|HTTPS_PROXY|NO_PROXY|http_proxy|https_proxy|no_proxy|CI) keep+=("$name=${!name}") ;;
    esac
  done
  exec env -i HOME="$HOME" PATH=/usr/bin:/bin LANG=C.UTF-8 TMPDIR="${TMPDIR:-/tmp}" "${keep[@]}" \
    TEST_DIST_CLEAN_ENV=1 TEST_DIST_VERSION="$version" TEST_DIST_PYTHONS="${pythons[*]}" \
    bash "${BASH_SOURCE[0]}"
fi

# --- clean environment ---
version="$TEST_DIST_VERSION"
read -r -a pythons <<< "$TEST_DIST_PYTHONS"
step "environment: PATH=$PATH"
for tool in cargo rustc rustup; do
  if command -v "$tool" >/dev/null 2>&1; then fail "$tool is on PATH ($(command -v "$tool")): this test needs a PATH without Rust"; fi
  echo "$tool: not found"
done
for tool in node npm cc pkg-config readelf objdump tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is needed (scripts/install-deps.sh)"
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
versions_seen=()   # "what=version" of every place that states it

# no_debug_info FILE: fails if FILE (an ELF object or an archive of them) has .debug_* sections.
no_debug_info() {
  local sections
  sections="$(objdump -h "$1")"
  if grep -q ' \.debug_' <<< "$sections"; then fail "$1 carries debug info"; fi
}
# listing_clean LABEL: stdin is an artifact's file list; fails on tests or build leftovers.
listing_clean() {
  local bad
  bad="$(grep -E '(^|/)(tests?|__test__|__pycache__|node_modules|target|src)/|(^|/)(test_[^/]*|conftest\.py|[^/]*\.test\.[cm]?js|Cargo\.(toml|lock)|build\.rs|package-lock\.json|\.gitignore)$|\.(pyc|rs|o|d|rlib|orig|rej|swp)$|~$' || true)"
  [ -z "$bad" ] || fail "$1 contains test files or build leftovers: $bad"
}
# unpack TARBALL DIR: lists TARBALL (with sizes), checks the listing, unpacks it into $work/DIR.
unpack() {
  tar tzvf "$1"
  listing_clean "${1##*/}" <<< "$(tar tzf "$1")"
  mkdir "$work/$2"
  tar xzf "$1" -C "$work/$2"
}
filesize() { stat -c %s "$1"; }
sizes=()

step "dist/ and SHA256SUMS"
(cd "$dist" && sha256sum --check --quiet SHA256SUMS) || fail "SHA256SUMS does not match dist/"
listed="$(awk '{print $2}' "$dist/SHA256SUMS" | sed 's/^\*//' | sort)"
present="$(cd "$dist" && ls | grep -vx SHA256SUMS | sort)"
[ "$listed" = "$present" ] || fail "SHA256SUMS lists $(echo $listed) but dist/ holds $(echo $present)"
one() {
  local matches=("$dist"/$1)
  [ "${#matches[@]}" -eq 1 ] && [ -e "${matches[0]}" ] || fail "dist/ needs exactly one $1"
  echo "${matches[0]}"
}
wheel="$(one "elements_auth-$version-cp39-abi3-manylinux_*_x86_64.whl")"
sdist="$(one "elements_auth-$version.tar.gz")"
npm_main="$(one "elements-auth-$version.tgz")"
npm_platform="$(one "elements-auth-linux-x64-gnu-$version.tgz")"
c_tarball="$(one "libelements_auth-$version-x86_64-linux-gnu.tar.gz")"
cli_tarball="$(one "elements-auth-$version-x86_64-linux-gnu.tar.gz")"
[ "$(ls "$dist" | wc -l)" -eq 7 ] || fail "dist/ holds more than the artifacts and SHA256SUMS: $(ls "$dist")"
for f in "$dist"/*; do printf '%10s  %s\n' "$(filesize "$f")" "${f##*/}"; done

step "the wheel: ${wheel##*/}"
wheel_list="$("${pythons[0]}" -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$wheel")"
echo "$wheel_list"
listing_clean "the wheel" <<< "$wheel_list"
for need in elements_auth/__init__.py elements_auth/_native.abi3.so elements_auth/_native.pyi elements_auth/py.typed \
    "elements_auth-$version.dist-info/licenses/LICENSE"; do
  grep -qx "$need" <<< "$wheel_list" || fail "the wheel lacks $need"
done
for py in "${pythons[@]}"; do
  minor="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  step "CPython $minor: a fresh venv, pip install the wheel (no index), check, example, mypy --strict"
  venv="$work/venv-$minor"
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --no-index "$wheel"
  "$venv/bin/python" "$root/tests/dist/check_python.py" "$version"
  "$venv/bin/python" "$root/examples/python/concur_flow.py" > "$work/py.out"
  hide_tokens < "$work/py.out"
  grep -q '^token: ' "$work/py.out" || fail "the Python example printed no token on CPython $minor"
  versions_seen+=("python $minor __version__=$("$venv/bin/python" -c 'import elements_auth; print(elements_auth.__version__)')")
  "$venv/bin/python" -m pip install --quiet --only-binary=:all: "mypy>=1.10"
  "$venv/bin/python" -m mypy --strict --no-incremental --cache-dir=/dev/null \
    "$root/tests/dist/check_python.py" "$root/examples/python/concur_flow.py"
  native="$(ls "$venv"/lib/python3*/site-packages/elements_auth/_native.abi3.so)"
  no_debug_info "$native"
done
sizes+=("$(filesize "$native") elements_auth/_native.abi3.so (in the wheel)")

step "npm: ${npm_main##*/} and ${npm_platform##*/}"
main_list="$(tar tzf "$npm_main")"
platform_list="$(tar tzf "$npm_platform")"
echo "-- tar tzf ${npm_main##*/}"; echo "$main_list"
echo "-- tar tzf ${npm_platform##*/}"; echo "$platform_list"
listing_clean "${npm_main##*/}" <<< "$main_list"
listing_clean "${npm_platform##*/}" <<< "$platform_list"
for need in package/package.json package/index.js package/index.d.ts package/binding.js package/binding.d.ts \
    package/README.md package/LICENSE; do
  grep -qx "$need" <<< "$main_list" || fail "${npm_main##*/} lacks $need"
done
if grep -q '\.node$' <<< "$main_list"; then fail "${npm_main##*/} ships a binary: it belongs in the platform package"; fi
grep -qx 'package/elements-auth.linux-x64-gnu.node' <<< "$platform_list" || fail "${npm_platform##*/} lacks the addon"
grep -qx 'package/LICENSE' <<< "$platform_list" || fail "${npm_platform##*/} lacks LICENSE"

# The tools the typed check needs come from the registry, one directory up: the project
# itself installs only the two tarballs.
mkdir -p "$work/node/app"
typescript="$(node -p "require('$root/node/package.json').devDependencies.typescript")"
types_node="$(node -p "require('$root/node/package.json').devDependencies['@types/node']")"
(cd "$work/node" && npm init -y >/dev/null \
  && npm install --no-audit --no-fund --loglevel=error "typescript@$typescript" "@types/node@$types_node")
cd "$work/node/app"
npm init -y >/dev/null
# Offline, with an empty cache and a registry that cannot answer: nothing can come from
# the public registry, so the optional dependency on elements-auth-linux-x64-gnu is met by
# the local tarball or not at all.
npm install --offline --cache "$work/empty-npm-cache" --registry http://127.0.0.1:9/ \
  --no-audit --no-fund --loglevel=error "$npm_main" "$npm_platform"
node -e '
  const lock = require("./package-lock.json").packages
  const resolved = Object.fromEntries(Object.entries(lock).filter(([k]) => k).map(([k, v]) => [k, v.resolved]))
  console.log("installed:", JSON.stringify(resolved))
  const names = Object.keys(resolved).sort().join(",")
  if (names !== "node_modules/elements-auth,node_modules/elements-auth-linux-x64-gnu") throw new Error("unexpected packages: " + names)
  for (const [k, r] of Object.entries(resolved)) if (!String(r).startsWith("file:")) throw new Error(k + " did not come from its tarball: " + r)
  const main = lock["node_modules/elements-auth"]
  if (!main.optionalDependencies || !main.optionalDependencies["elements-auth-linux-x64-gnu"]) throw new Error("elements-auth has no optional dependency on its platform package")
  // What makes npm install the platform package on this machine only.
  const platform = require("elements-auth-linux-x64-gnu/package.json")
  const wants = JSON.stringify([platform.os, platform.cpu, platform.libc])
  if (wants !== JSON.stringify([["linux"], ["x64"], ["glibc"]])) throw new Error("platform package os/cpu/libc: " + wants)
  console.log("elements-auth-linux-x64-gnu is for os/cpu/libc", wants)
'
# Copied into the project, as a user's code sits there (require() resolves from the file's place).
cp "$root/tests/dist/flow.cjs" "$root/examples/node/concur-flow.mjs" "$root/examples/node/concur-flow.ts" "$root/examples/node/state-signer.ts" \
  "$root/examples/node/tsconfig.json" .
node flow.cjs "$version"
node concur-flow.mjs > "$work/node.out"
hide_tokens < "$work/node.out"
grep -Eq '^token: [A-Za-z0-9+/=_-]{20,}$' "$work/node.out" || fail "the ES module example printed no token"
echo "== tsc --strict (examples/node/concur-flow.ts and state-signer.ts against the installed typings)"
"$work/node/node_modules/.bin/tsc" --strict --noEmit -p tsconfig.json
echo "tsc --strict: no errors"
versions_seen+=("node require('elements-auth').version=$(node -p "require('elements-auth').version")")
versions_seen+=("npm elements-auth=$(node -p "require('elements-auth/package.json').version")")
versions_seen+=("npm elements-auth-linux-x64-gnu=$(node -p "require('elements-auth-linux-x64-gnu/package.json').version")")
addon="$(node -p "require.resolve('elements-auth-linux-x64-gnu')")"
no_debug_info "$addon"
sizes+=("$(filesize "$addon") elements-auth.linux-x64-gnu.node (in the platform package)")
cd "$work"

step "C: ${c_tarball##*/}"
unpack "$c_tarball" c
prefix="$work/c/libelements_auth-$version-x86_64-linux-gnu"
lib="$prefix/lib"
export PKG_CONFIG_PATH="$lib/pkgconfig"
[ "$(pkg-config --modversion elements_auth)" = "$version" ] || fail "pkg-config says version $(pkg-config --modversion elements_auth)"
for flag in $(pkg-config --cflags-only-I --libs-only-L elements_auth); do
  case "$(realpath -m "${flag:2}")" in "$prefix"/*) ;; *) fail "pkg-config points outside the unpacked tree: $flag";; esac
done
echo "pkg-config: $(pkg-config --cflags --libs elements_auth)"
real="libelements_auth.so.$version"
[ -f "$lib/$real" ] && [ ! -L "$lib/$real" ] || fail "lib/$real is not the shared library"
soname="$(readelf -d "$lib/$real" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"
case "$soname" in libelements_auth.so.[0-9]*) ;; *) fail "SONAME '$soname' is not versioned";; esac
[ "$(readlink "$lib/libelements_auth.so")" = "$soname" ] || fail "lib/libelements_auth.so does not point to the SONAME $soname"
[ "$soname" = "$real" ] || [ "$(readlink "$lib/$soname")" = "$real" ] || fail "lib/$soname does not point to $real"
echo "SONAME $soname; libelements_auth.so -> $soname -> $real"
strict=(-std=c11 -Wall -Wextra -Werror -pedantic)
echo "== examples/c/concur_flow.c, shared (pkg-config --cflags --libs)"
# shellcheck disable=SC2046
cc "${strict[@]}" "$root/examples/c/concur_flow.c" $(pkg-config --cflags --libs elements_auth) -o "$work/flow_shared"
grep -q "NEEDED.*\[$soname\]" <<< "$(readelf -d "$work/flow_shared")" || fail "the program does not record $soname"
LD_LIBRARY_PATH="$lib" "$work/flow_shared" > "$work/c.out"
hide_tokens < "$work/c.out"
grep -q '^token: ' "$work/c.out" || fail "the shared C example printed no token"
echo "== examples/c/concur_flow.c, static (lib/libelements_auth.a + pkg-config --static's private libraries)"
# shellcheck disable=SC2046
cc "${strict[@]}" "$root/examples/c/concur_flow.c" $(pkg-config --cflags elements_auth) \
  "$(pkg-config --variable=libdir elements_auth)/libelements_auth.a" \
  $(pkg-config --static --libs-only-l elements_auth | sed 's/-lelements_auth//') -o "$work/flow_static"
if grep -q 'NEEDED.*elements_auth' <<< "$(readelf -d "$work/flow_static")"; then fail "the static example links the shared library"; fi
"$work/flow_static" > "$work/c_static.out"
grep -q '^token: ' "$work/c_static.out" || fail "the static C example printed no token"
echo "static example: token printed (hidden here)"
# shellcheck disable=SC2046
cc "${strict[@]}" "$root/tests/dist/version.c" $(pkg-config --cflags --libs elements_auth) -o "$work/version"
versions_seen+=("C EA_VERSION_*=ea_version()=$(LD_LIBRARY_PATH="$lib" "$work/version")")
versions_seen+=("C pkg-config=$(pkg-config --modversion elements_auth)")
no_debug_info "$lib/$real"
no_debug_info "$lib/libelements_auth.a"
sizes+=("$(filesize "$lib/$real") lib/$real" "$(filesize "$lib/libelements_auth.a") lib/libelements_auth.a")
[ -f "$prefix/share/doc/elements_auth/LICENSE" ] || fail "the C tarball has no LICENSE"

step "CLI: ${cli_tarball##*/}"
unpack "$cli_tarball" cli
cli_dir="$work/cli/elements-auth-$version-x86_64-linux-gnu"
for need in elements-auth README.md LICENSE; do [ -f "$cli_dir/$need" ] || fail "the CLI tarball lacks $need"; done
[ "$(ls "$cli_dir" | wc -l)" -eq 3 ] || fail "the CLI tarball holds more than the binary, README.md and LICENSE"
versions_seen+=("cli --version=$("$cli_dir/elements-auth" --version | sed 's/^elements-auth //')")
"$cli_dir/elements-auth" demo > "$work/cli.out"
hide_tokens < "$work/cli.out"
grep -Eq '^element token +[^ ]{20,}$' "$work/cli.out" || fail "demo printed no element token"
no_debug_info "$cli_dir/elements-auth"
sizes+=("$(filesize "$cli_dir/elements-auth") elements-auth (the CLI)")

step "one version"
printf '  %s\n' "${versions_seen[@]}"
for seen in "${versions_seen[@]}"; do
  [ "${seen##*=}" = "$version" ] || fail "$seen, but the workspace version is $version"
done
echo "all ${#versions_seen[@]} agree with Cargo.toml: $version (and every artifact's name)"

step "shipped binaries (no debug info in any)"
for s in "${sizes[@]}"; do printf '  %10s bytes  %s\n' "${s%% *}" "${s#* }"; done
echo "test-dist: all passed"
