#!/usr/bin/env python3
"""The C column of tests/surface.json against the real C surface, both ways.

    tests/c/manifest.py LIB.so HEADER.h tests/surface.json

- Functions: the `ea_` symbols the built library exports (`nm -D
  --defined-only`) are exactly the functions the c column names, and exactly
  the functions the header declares (a function cbindgen cannot see, or one
  declared but not exported, fails).
- Types and codes are not symbols: the handle types (`ea_client`...), the
  `ea_result` enum and its `EA_*` codes, and the `EA_*` macros of the header
  are each in the c column, and every such name the column gives is in the
  header. The core kinds' codes are their index in the error_kinds group + 1.

Exits 1 and says what differs, in which direction, when they disagree.
"""
import json
import re
import subprocess
import sys

# Header names with no row of their own in the manifest, and why. Kept short
# on purpose: anything else the header declares must be in the c column.
C_ONLY = {
    "EA_OK": "success is not an error kind",
    "EA_ERR_INTERNAL": "a Rust panic caught at the C boundary: no other language has one",
    "EA_VERSION_MAJOR": "compile-time twin of ea_version (constants.version)",
    "EA_VERSION_MINOR": "compile-time twin of ea_version (constants.version)",
    "EA_VERSION_PATCH": "compile-time twin of ea_version (constants.version)",
}


def exported(lib):
    """The ea_ symbols the library defines and exports."""
    out = subprocess.run(
        ["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True
    ).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[-1].startswith("ea_"):
            names.add(parts[-1])
    return names


def header_surface(path):
    """(functions, types, codes {name: value}, macros) declared by the header."""
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    macros = set(re.findall(r"^\s*#\s*define\s+(EA_\w+)", text, flags=re.M))
    code = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
    types = set(re.findall(r"\btypedef\s+(?:struct|enum)\s+(ea_\w+)\b", code))
    codes = {}
    for body in re.findall(r"typedef\s+enum\s+ea_\w+\s*\{(.*?)\}", code, flags=re.S):
        for name, value in re.findall(r"\b(EA_\w+)\s*=\s*(-?\d+)", body):
            codes[name] = int(value)
    functions = set(re.findall(r"\b(ea_\w+)\s*\(", code))
    return functions, types, codes, macros


def c_column(manifest):
    """Every name of the c column, and the error_kinds group's c names in order."""
    groups = manifest["groups"]
    names = set()
    for group in groups.values():
        for item in group["items"]:
            if isinstance(item.get("c"), str):
                names.add(item["c"])
    kinds = [item["c"] for item in groups["error_kinds"]["items"]]
    return names, kinds


def main(lib, header, manifest_path):
    with open(manifest_path, encoding="utf-8") as f:
        column, kinds = c_column(json.load(f))
    symbols = exported(lib)
    functions, types, codes, macros = header_surface(header)
    declared = types | set(codes) | macros
    problems = []

    def differ(what, names):
        if names:
            problems.append(f"{what}: {', '.join(sorted(names))}")

    if not symbols:
        problems.append(f"{lib} exports no ea_ symbol")
    # the column's names exist: a function is exported, anything else is in the header
    differ(
        "in the c column of surface.json but neither exported by the library nor declared as a type, code or macro of the header",
        {n for n in column if n not in symbols and n not in declared},
    )
    differ("in the c column as a type or code, but exported as a function", column & symbols & declared)
    # everything real is in the column
    differ("exported by the library but missing from the c column of surface.json", symbols - column)
    differ(
        "declared as a type, code or macro of the header but missing from the c column of surface.json",
        declared - column - set(C_ONLY),
    )
    # the header and the library agree
    differ("declared as functions in the header but not exported by the library", functions - symbols)
    differ("exported by the library but not declared in the header (cbindgen cannot see them)", symbols - functions)
    # C_ONLY stays true
    differ("listed in C_ONLY but not in the header any more", set(C_ONLY) - declared)
    differ("listed in C_ONLY but also in the c column: drop them from C_ONLY", set(C_ONLY) & column)
    # the core kinds are index + 1
    for index, name in enumerate(kinds):
        if codes.get(name) != index + 1:
            problems.append(f"error_kinds[{index}] is {name} = {codes.get(name)} in the header, want {index + 1}")

    if problems:
        for p in problems:
            print(f"manifest: {p}", file=sys.stderr)
        return 1
    print(
        f"manifest: {len(symbols)} exported functions, {len(types)} types, {len(codes)} codes "
        f"and {len(macros)} macros match the c column of {manifest_path}"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
