#!/usr/bin/env python3
"""The state token format of docs/state-format.md, written a second time with
nothing but the standard library, independently of the Rust core.

    python3 tests/vectors/state_tokens.py          # checks state_tokens.json
    python3 tests/vectors/state_tokens.py --write  # (re)computes its tokens

It computes every expected token of tests/vectors/state_tokens.json from the
documented layout, so that the vectors every language runs are known to be
the format the documentation describes, not just what the core happens to do.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
import sys
from pathlib import Path

VECTORS = Path(__file__).with_name("state_tokens.json")
SUBJECT_CONTEXT = b"elements-auth state subject\0"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def token(key_id: str, secret: bytes, element: str, subject: str, issued_at: int, ttl: int, nonce: bytes) -> str:
    """`v1.<key id>.<payload>.<mac>` as docs/state-format.md describes it."""
    tag = hmac.new(secret, SUBJECT_CONTEXT + subject.encode("utf-8"), hashlib.sha256).digest()[:16]
    payload = (
        bytes([len(element)]) + element.encode("ascii") + tag + nonce
        + struct.pack(">QQ", issued_at, issued_at + ttl)
    )
    signed = f"v1.{key_id}.{b64(payload)}"
    mac = hmac.new(secret, signed.encode("ascii"), hashlib.sha256).digest()
    return f"{signed}.{b64(mac)}"


def expected(doc: dict, case: dict) -> str:
    sign = case["sign"]
    key_id = case["signer"]["key"]
    return token(
        key_id,
        doc["keys"][key_id].encode("utf-8"),
        sign["element"],
        sign["subject"],
        sign["issued_at"],
        case["signer"].get("ttl", 600),
        bytes.fromhex(sign["nonce"]),
    )


def main() -> int:
    doc = json.loads(VECTORS.read_text(encoding="utf-8"))
    signed = {c["name"]: expected(doc, c) for c in doc["cases"] if "sign" in c}
    if "--write" in sys.argv:
        for case in doc["cases"]:
            if "sign" in case:
                case["token"] = signed[case["name"]]
            source = case.get("verify", {}).get("state_of")
            if source:
                state = signed[source["case"]]
                for edit in source.get("edits", []):
                    state = apply(state, edit)
                case["verify"]["state"] = state
        VECTORS.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {len(signed)} tokens into {VECTORS}")
        return 0
    wrong = [name for name, tok in signed.items() if next(c for c in doc["cases"] if c["name"] == name)["token"] != tok]
    for name in wrong:
        print(f"state_tokens.json: {name}: the token differs from the documented format", file=sys.stderr)
    print(f"{len(signed) - len(wrong)} of {len(signed)} tokens follow the documented format")
    return 1 if wrong or not signed else 0


def apply(state: str, edit: dict) -> str:
    """One edit of a signed token, to make a tampered case."""
    parts = state.split(".")
    if "part" in edit:
        i = edit["part"]
        text = parts[i]
        pos = edit.get("at", len(text) // 2)
        ch = text[pos]
        parts[i] = text[:pos] + ("B" if ch == "A" else "A") + text[pos + 1:]
    if "replace_part" in edit:
        parts[edit["replace_part"]] = edit["with"]
    return ".".join(parts)


if __name__ == "__main__":
    sys.exit(main())
