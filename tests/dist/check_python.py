"""Checks an installed elements-auth wheel the way a user's typed script uses it.

Run by scripts/test-dist.sh in a fresh virtual environment, outside the source
tree, with the expected version as the only argument; `mypy --strict` checks
this file against the wheel's stubs too. Exits non-zero on the first mismatch.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import elements_auth
from elements_auth import ElementsAuthError, InvalidInputError, Sandbox, parse_callback


def check(condition: bool, what: str) -> None:
    """Fails the run, saying what did not hold."""
    if not condition:
        sys.exit(f"check_python: {what}")


def main(version: str) -> None:
    """Version, install location, wheel tag and one sandbox flow."""
    package = Path(elements_auth.__file__).resolve().parent
    check(Path(sys.prefix).resolve() in package.parents, f"imported from {package}, not from {sys.prefix}")
    check(elements_auth.__version__ == version, f"__version__ {elements_auth.__version__} != {version}")
    check(importlib.metadata.version("elements-auth") == version, "the distribution's version differs")
    wheel = importlib.metadata.distribution("elements-auth").read_text("WHEEL") or ""
    tags = [line.split(": ", 1)[1] for line in wheel.splitlines() if line.startswith("Tag: ")]
    check(len(tags) == 1 and tags[0].startswith("cp39-abi3-manylinux_"), f"wheel tags {tags}")
    natives = sorted(p.name for p in package.glob("_native*.so"))
    check(natives == ["_native.abi3.so"], f"extension modules {natives}")

    with Sandbox() as sandbox:
        client = sandbox.client(timeout=10.0)
        callback = "https://app.example.com/cb"
        url = client.oauth_url("dropbox", "key", "secret", callback)
        grant = parse_callback(sandbox.approve(url), url.state)
        instance = client.create_instance("dropbox", grant, "dist check", "key", "secret", callback)
        listed = [i.id for i in client.list_instances()]
        check(listed == [instance.id], f"list_instances gave {listed}")
        try:
            client.oauth_url("dropbox", "key", "secret", "")
        except InvalidInputError as err:
            check(isinstance(err, ElementsAuthError) and err.field == "callback_url", f"field {err.field!r}")
        else:
            check(False, "an empty callback_url was accepted")
    print(f"check_python: elements_auth {version} from {package} (Python {sys.version.split()[0]}, {tags[0]})")


if __name__ == "__main__":
    main(sys.argv[1])
