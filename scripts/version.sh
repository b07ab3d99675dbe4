#!/usr/bin/env bash
# The one version of every artifact is `version` in [workspace.package] of the
# root Cargo.toml; every crate inherits it, and so do the Python wheel (maturin
# reads it from Cargo.toml), `elements-auth --version`, `ea_version()` and the
# addon's `version`. A few files must spell it out themselves; this script
# keeps them equal to it:
#   scripts/version.sh           print the version
#   scripts/version.sh --check   fail, naming the file, if a copy differs (make lint)
#   scripts/version.sh --sync    rewrite the copies from Cargo.toml (after a bump)
# The copies: node/package.json and node/package-lock.json (npm's version),
# node/binding.js (napi's loader checks the platform package against it) and
# include/elements_auth.h (EA_VERSION_*, written by capi/gen-header.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(awk '
  /^\[/ { section = $0; next }
  section == "[workspace.package]" && $1 == "version" { gsub(/"/, "", $3); print $3; exit }
' "$root/Cargo.toml")"
if ! [[ "$version" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
  echo "version.sh: no MAJOR.MINOR.PATCH version in [workspace.package] of Cargo.toml (got '$version')" >&2
  exit 1
fi

# Each copy as one line per place: "file<TAB>version found".
copies() {
  node -e '
    const fs = require("fs"), path = require("path"), root = process.argv[1]
    const read = (f) => fs.readFileSync(path.join(root, f), "utf8")
    const pkg = JSON.parse(read("node/package.json"))
    const lock = JSON.parse(read("node/package-lock.json"))
    const out = [["node/package.json", pkg.version], ["node/package-lock.json", lock.version],
      ["node/package-lock.json (packages[\"\"])", lock.packages[""].version]]
    for (const m of read("node/binding.js").matchAll(/bindingPackageVersion !== \x27([^\x27]*)\x27/g)) out.push(["node/binding.js", m[1]])
    const h = read("include/elements_auth.h")
    const part = (n) => (new RegExp("#define EA_VERSION_" + n + " (\\d+)").exec(h) || [])[1]
    out.push(["include/elements_auth.h (EA_VERSION_*)", [part("MAJOR"), part("MINOR"), part("PATCH")].join(".")])
    for (const [f, v] of out) console.log(f + "\t" + v)
  ' "$root"
}

case "${1:-}" in
  "") echo "$version" ;;
  --check)
    bad="$(copies | awk -F '\t' -v want="$version" '$2 != want' | sort -u)"
    if [ -n "$bad" ]; then
      echo "version.sh: these copies differ from Cargo.toml's version $version (run scripts/version.sh --sync):" >&2
      echo "$bad" | sed 's/^/  /' >&2
      exit 1
    fi
    echo "version $version: Cargo.toml, node/package.json, node/package-lock.json, node/binding.js and include/elements_auth.h agree"
    ;;
  --sync)
    node -e '
      const fs = require("fs"), path = require("path"), [root, version] = process.argv.slice(1)
      const edit = (f, change) => { const p = path.join(root, f); fs.writeFileSync(p, change(fs.readFileSync(p, "utf8"))) }
      const json = (f, change) => edit(f, (t) => { const j = JSON.parse(t); change(j); return JSON.stringify(j, null, 2) + "\n" })
      json("node/package.json", (p) => { p.version = version })
      json("node/package-lock.json", (l) => { l.version = version; l.packages[""].version = version })
      // What `napi build` would write from package.json; scripts/test-node.sh checks that it does.
      edit("node/binding.js", (t) => t
        .replace(/(bindingPackageVersion !== \x27)[^\x27]*(\x27)/g, `$1${version}$2`)
        .replace(/(expected )\S+( but got)/g, `$1${version}$2`))
    ' "$root" "$version"
    "$root/capi/gen-header.sh"
    "$0" --check
    ;;
  *) echo "usage: scripts/version.sh [--check|--sync]" >&2; exit 2 ;;
esac
