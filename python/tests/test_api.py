"""The public surface: names, docstrings, typing marker, installed layout."""

from __future__ import annotations

import inspect
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
