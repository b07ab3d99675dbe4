"""The python column of tests/surface.json against the installed package, in
both directions: every name the manifest gives exists, and every public name
the package has is in the manifest. A name added to or removed from either
side without the other fails here."""

from __future__ import annotations

import ast
import inspect
import json
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

import elements_auth
from elements_auth import (
    Client,
    Delivery,
    ElementsAuthError,
    EventNotification,
    Events,
    Grant,
    Instance,
    NotificationEvent,
    OAuthUrl,
    Sandbox,
    StateClaims,
    StateSigner,
    parse_callback,
    verify_webhook_signature,
)
from elements_auth._native import ERROR_FIELDS
from conftest import API_KEY, API_SECRET, CALLBACK

MANIFEST: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "tests" / "surface.json").read_text(encoding="utf-8")
)


def items(group: str) -> list[dict[str, Any]]:
    """The items of a manifest group."""
    found: list[dict[str, Any]] = MANIFEST["groups"][group]["items"]
    assert found, f"group {group} has no items"
    return found


def listed(group: str) -> list[str]:
    """The Python names of a group, in the manifest's order (``{"none": ...}`` left out)."""
    return [i["python"] for i in items(group) if isinstance(i["python"], str)]


def names(group: str) -> set[str]:
    return set(listed(group))


def same(group: str, manifest: Iterable[str], real: Iterable[str]) -> None:
    """Fails, naming both differences, unless the two sets are equal."""
    want, have = set(manifest), set(real)
    missing, unlisted = sorted(want - have), sorted(have - want)
    assert not missing and not unlisted, (
        f"group {group}: in the manifest but not in Python: {missing}; "
        f"in Python but not in the manifest: {unlisted}"
    )


def public(cls: type) -> set[str]:
    """The public attributes of a class (methods, properties, class and static methods)."""
    return {n for n in dir(cls) if not n.startswith("_")}


def parameters(func: Callable[..., Any]) -> list[str]:
    """The parameter names of a callable (a class: its constructor), without ``self``."""
    return [p for p in inspect.signature(func).parameters if p != "self"]


def is_classmethod(cls: type, name: str) -> bool:
    return isinstance(inspect.getattr_static(cls, name), (classmethod, types.ClassMethodDescriptorType))


def is_staticmethod(cls: type, name: str) -> bool:
    return isinstance(inspect.getattr_static(cls, name), staticmethod)


def module_names(pred: Callable[[object], bool]) -> set[str]:
    """The names of ``elements_auth.__all__`` whose value satisfies ``pred``."""
    return {n for n in elements_auth.__all__ if pred(getattr(elements_auth, n))}


def is_error_class(obj: object) -> bool:
    return inspect.isclass(obj) and issubclass(obj, ElementsAuthError)


# The groups this file checks; every other group must have no Python name.
CHECKED = {
    "client_options",
    "client",
    "functions",
    "oauth_url_request",
    "create_instance_request",
    "events",
    "oauth_url",
    "grant",
    "instance",
    "error_kinds",
    "error_fields",
    "sandbox_options",
    "sandbox",
    "constants",
    "types",
    # events
    "trigger_event",
    "event_notification",
    "notification_event",
    "delivery",
    "state_signer",
    "state_claims",
}


def test_every_python_entry_is_a_name_or_a_reason() -> None:
    for group, spec in MANIFEST["groups"].items():
        for item in spec["items"]:
            value = item.get("python")
            ok = isinstance(value, str) and value or (
                isinstance(value, dict) and list(value) == ["none"] and value["none"]
            )
            assert ok, f"group {group}, concept {item.get('concept')}: python is {value!r}"


def test_groups_without_a_check_name_nothing_in_python() -> None:
    for group in MANIFEST["groups"]:
        if group not in CHECKED:
            assert listed(group) == [], f"group {group} names Python items but test_surface.py does not check it"
    assert CHECKED <= set(MANIFEST["groups"]), sorted(CHECKED - set(MANIFEST["groups"]))


def test_module_names() -> None:
    # Every name of __all__ is a type, a function, a constant or an exception
    # class of the manifest, and the other way round.
    listed_names = names("types") | names("functions") | names("constants") | names("error_kinds")
    same("module (__all__)", listed_names, elements_auth.__all__)
    for name in elements_auth.__all__:
        assert hasattr(elements_auth, name), name
    # And nothing public hides outside __all__.
    same("module (dir)", elements_auth.__all__, {n for n in dir(elements_auth) if not n.startswith("_")} | {"__version__"})
    same("types", names("types"), module_names(inspect.isclass) - names("error_kinds"))
    same("functions", names("functions"), module_names(inspect.isroutine))
    same("constants", names("constants"), module_names(lambda o: not inspect.isclass(o) and not inspect.isroutine(o)))


def test_client_options_are_the_constructor() -> None:
    signature = inspect.signature(Client)
    assert listed("client_options") == list(signature.parameters)
    for p in signature.parameters.values():
        assert p.kind is inspect.Parameter.KEYWORD_ONLY, p
        # None is the core's default; from_env is the one flag.
        assert p.default is (False if p.name == "from_env" else None), p


def test_stub_options_follow_the_constructor() -> None:
    # The stub's _ClientOptions (the **options of Client.from_env and
    # Sandbox.client) is the constructor's arguments but from_env; stubtest
    # checks the constructor itself against the runtime.
    stub = ast.parse((Path(elements_auth.__file__).parent / "_native.pyi").read_text(encoding="utf-8"))
    typed = next(n for n in stub.body if isinstance(n, ast.ClassDef) and n.name == "_ClientOptions")
    fields = [n.target.id for n in typed.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]
    assert fields == [p for p in inspect.signature(Client).parameters if p != "from_env"]


def test_client_methods() -> None:
    manifest = names("client")
    # The constructor concept is the class itself.
    assert Client.__name__ in manifest
    manifest.discard(Client.__name__)
    real = public(Client)
    # A class method may only be the shortcut of an option (Client.from_env).
    shortcuts = {n for n in real if is_classmethod(Client, n)}
    assert shortcuts <= names("client_options"), shortcuts
    same("client", manifest, real - shortcuts)
    for shortcut in shortcuts:
        assert parameters(getattr(Client, shortcut)) == ["options"], shortcut


def test_call_arguments() -> None:
    same("oauth_url_request", names("oauth_url_request"), parameters(Client.oauth_url))
    same("create_instance_request", names("create_instance_request"), parameters(Client.create_instance))
    same("functions (parse_callback)", {"callback", "expected_state"}, parameters(parse_callback))


def test_events() -> None:
    manifest = names("events")
    same("events (Events(...))", manifest, parameters(Events))
    real = public(Events)
    factories = {n for n in real if is_staticmethod(Events, n)}
    assert factories == {"polling", "webhook"}
    for factory in factories:
        # Each factory fixes vendor_type and takes some of the other arguments.
        assert set(parameters(getattr(Events, factory))) <= manifest - {"vendor_type"}, factory
    # Attributes: one per argument; a secret is only told as has_<name>.
    attributes = {n.removeprefix("has_") for n in real - factories}
    same("events (attributes)", manifest, attributes)
    assert "has_signature_key" in real and "signature_key" not in real


@pytest.mark.parametrize(
    ("group", "cls", "constructible"),
    [
        ("oauth_url", OAuthUrl, True),
        ("grant", Grant, True),
        ("instance", Instance, False),
        ("state_claims", StateClaims, True),
    ],
)
def test_result_classes(group: str, cls: type, constructible: bool) -> None:
    same(group, names(group), public(cls))
    if constructible:
        assert parameters(cls) == listed(group)


def test_error_kinds() -> None:
    same("error_kinds", names("error_kinds"), module_names(is_error_class) - names("types"))
    kinds = [i["concept"] for i in items("error_kinds")]
    assert kinds == elements_auth.ERROR_KINDS
    for item in items("error_kinds"):
        assert getattr(elements_auth, item["python"]).kind == item["concept"]


def raised(call: Callable[[], object]) -> ElementsAuthError:
    with pytest.raises(ElementsAuthError) as info:
        call()
    return info.value


def test_error_fields(sandbox: Sandbox, client: Client) -> None:
    manifest = names("error_fields")
    same("error_fields (_native.ERROR_FIELDS)", manifest, ERROR_FIELDS)
    hints = {n for n in ElementsAuthError.__annotations__ if not n.startswith("_")}
    same("error_fields (ElementsAuthError annotations)", manifest, hints)
    errors = [
        raised(lambda: Client(timeout=-1.0)),
        raised(lambda: client.get_instance(999_999)),
        raised(lambda: client.oauth_url("concur", API_KEY, API_SECRET, CALLBACK)),
        raised(lambda: parse_callback("error=access_denied&state=s", "s")),
        raised(lambda: parse_callback("code=c&state=x", "s")),
        raised(lambda: verify_webhook_signature("key-1", b"{}", "sha256=AAAA")),
        raised(lambda: sandbox.inject_fault("explode")),
    ]
    errors += [cls("text") for cls in (getattr(elements_auth, n) for n in module_names(is_error_class))]
    for err in errors:
        # Every detail is an attribute of every error, and there is nothing else
        # but what the builtin bases bring and InvalidInputError's alias reason.
        same(f"error_fields ({type(err).__name__} attributes)", manifest, vars(err))
        builtin = set().union(*(public(b) for b in type(err).__mro__ if not issubclass(b, ElementsAuthError)))
        extra = public(type(err)) - builtin - manifest
        assert extra == ({"reason"} if isinstance(err, elements_auth.InvalidInputError) else set()), extra
    invalid = errors[0]
    assert isinstance(invalid, elements_auth.InvalidInputError) and invalid.reason == invalid.message


def test_sandbox() -> None:
    same("sandbox_options", names("sandbox_options"), parameters(Sandbox))
    same("sandbox", names("sandbox"), public(Sandbox))


# --- events ---


@pytest.mark.parametrize(
    ("group", "cls"),
    [("event_notification", EventNotification), ("notification_event", NotificationEvent), ("delivery", Delivery)],
)
def test_event_classes(group: str, cls: type) -> None:
    same(group, names(group), public(cls))


def test_trigger_event_arguments() -> None:
    same("trigger_event", names("trigger_event"), parameters(Sandbox.trigger_event))


def test_state_signer() -> None:
    # The class, its constructor's arguments, its attributes and its methods.
    real = {StateSigner.__name__} | set(parameters(StateSigner)) | public(StateSigner)
    same("state_signer", names("state_signer"), real)
