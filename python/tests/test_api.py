"""The public surface: names, docstrings, typing marker, installed layout."""

from __future__ import annotations

import importlib.metadata
import inspect
import re
from pathlib import Path

import elements_auth


def test_every_public_name_has_a_docstring() -> None:
    assert elements_auth.__doc__
    missing = []
    for name in elements_auth.__all__:
        obj = getattr(elements_auth, name)
        if isinstance(obj, (str, list)):
            continue
        if not inspect.getdoc(obj):
            missing.append(name)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or attr in ("kind",):
                    continue
                if not inspect.getdoc(member):
                    missing.append(f"{name}.{attr}")
    assert missing == []


def test_package_ships_stubs_and_marker() -> None:
    root = Path(elements_auth.__file__).parent
    assert (root / "py.typed").is_file()
    assert (root / "_native.pyi").is_file()
    assert "site-packages" in str(root), "tests must run against the installed package"


def test_classes_present_as_elements_auth() -> None:
    for name in ("Client", "Sandbox", "Instance", "OAuthUrl", "Grant", "Events"):
        assert getattr(elements_auth, name).__module__ == "elements_auth"


def test_version() -> None:
    assert elements_auth.__version__.count(".") == 2
    assert elements_auth.SIGNATURE_HEADER == "Elements-Webhook-Signature"


def test_version_is_the_workspace_version_and_the_distributions() -> None:
    # One version for every artifact: the workspace's, in the root Cargo.toml.
    cargo = (Path(__file__).parents[2] / "Cargo.toml").read_text(encoding="utf-8")
    workspace = re.search(r"^\[workspace\.package\]$(.*?)^\[", cargo, re.M | re.S)
    assert workspace is not None
    want = re.search(r'^version = "([^"]+)"$', workspace.group(1), re.M)
    assert want is not None
    assert elements_auth.__version__ == want.group(1)
    assert importlib.metadata.version("elements-auth") == want.group(1)


def test_reprs_quote_like_python(sandbox: elements_auth.Sandbox) -> None:
    tricky = "it's \"quoted\"\n\\ é"
    url = elements_auth.OAuthUrl(tricky, "https://v.example/a?b=c", "st'ate")
    assert repr(url) == f"OAuthUrl(element={tricky!r}, oauth_url='https://v.example/a?b=c', state=\"st'ate\")"
    assert repr(elements_auth.Grant("secret-code", tricky)) == f"Grant(code='***', state={tricky!r})"
    events = elements_auth.Events.polling("https://e.example/x", signature_key="k-1234", refresh_interval=3)
    assert repr(events) == (
        "Events(vendor_type='polling', callback_url='https://e.example/x', signature_key='***', refresh_interval=3)"
    )
    client = sandbox.client()
    url = client.oauth_url("dropbox", "key", "secret", "https://app.example/cb")
    grant = elements_auth.parse_callback(sandbox.approve(url), url.state)
    instance = client.create_instance("dropbox", grant, tricky, "key", "secret", "https://app.example/cb", tags=["a'b", "c"])
    assert repr(instance) == (
        f"Instance(id={instance.id}, name={tricky!r}, element_key='dropbox', tags=[\"a'b\", 'c'], "
        "valid=True, disabled=False, token='***')"
    )
