"""The Python side of the cross-language state token test (see state_token.rs in core/examples)."""
import json
import sys

from elements_auth import ElementsAuthError, InvalidInputError, StateSigner


def main(args: list[str]) -> str:
    cmd, key_id, secret, *rest = args
    if cmd == "sign":
        element, subject = rest
        return StateSigner(key_id, secret).sign(element, subject)
    state, subject, *previous = rest
    signer = StateSigner(key_id, secret, previous=dict([previous]) if previous else None)
    try:
        c = signer.verify(state, subject)
    except InvalidInputError:
        raise
    except ElementsAuthError as e:
        return json.dumps({"error": {"kind": e.kind, "mismatch": e.mismatch}})
    return json.dumps({"element": c.element, "key_id": c.key_id, "issued_at": c.issued_at, "expires_at": c.expires_at})


if __name__ == "__main__":
    print(main(sys.argv[1:]))
