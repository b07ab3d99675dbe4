#!/usr/bin/env python3
"""Cross-language state tokens: a token signed in each language verifies in
every language, and each refuses another user's token and a removed key.

    tests/cross/run.py NAME=COMMAND ...    (e.g. python="target/venv/bin/python tests/cross/state_token.py")

Each COMMAND is a state_token program (core/examples/state_token.rs and its
twins here): `sign KEY_ID SECRET ELEMENT SUBJECT` prints a token, `verify
KEY_ID SECRET STATE SUBJECT [PREVIOUS_ID PREVIOUS_SECRET]` prints the claims
or the error as JSON. Prints "N passed, N failed".
"""
import json
import shlex
import subprocess
import sys
import time

NEW = ("k2026", "cross-language-current-secret-0123456789")
OLD = ("k2025", "cross-language-previous-secret-012345678")


def run(command, *args):
    done = subprocess.run([*command, *args], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} {args[0]}: exit {done.returncode}: {done.stderr.strip()}")
    return done.stdout.strip()


def main(specs):
    languages = {}
    for spec in specs:
        name, _, command = spec.partition("=")
        languages[name] = shlex.split(command)
    passed = failed = 0

    def check(label, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok   {label}")
        else:
            failed += 1
            print(f"FAIL {label} {detail}")

    for signer, sign in languages.items():
        start = int(time.time())
        token = run(sign, "sign", *NEW, "concur", "alice@example.com")
        old = run(sign, "sign", *OLD, "dropbox", "bob")
        end = int(time.time())
        check(f"{signer} signs a compact token", token.startswith("v1.k2026.") and len(token) < 200, token)
        for verifier, verify in languages.items():
            label = f"signed in {signer}, verified in {verifier}"
            claims = json.loads(run(verify, "verify", *NEW, token, "alice@example.com"))
            check(
                f"{label}: the claims",
                claims.get("element") == "concur" and claims.get("key_id") == "k2026"
                and start <= claims.get("issued_at", -1) <= end
                and claims.get("expires_at") == claims.get("issued_at", 0) + 600,
                claims,
            )
            other = json.loads(run(verify, "verify", *NEW, token, "mallory@example.com"))
            check(f"{label}: another user is refused", other == {"error": {"kind": "state_mismatch", "mismatch": "other_subject"}}, other)
            rotated = json.loads(run(verify, "verify", *NEW, old, "bob", *OLD))
            check(f"{label}: a previous key still verifies", rotated.get("key_id") == "k2025" and rotated.get("element") == "dropbox", rotated)
            removed = json.loads(run(verify, "verify", *NEW, old, "bob"))
            check(f"{label}: a removed key fails", removed == {"error": {"kind": "state_mismatch", "mismatch": "unknown_key"}}, removed)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
