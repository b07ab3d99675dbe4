"""The exception hierarchy of elements_auth.

Every error the library raises is an :class:`ElementsAuthError`; each kind of
failure has its own subclass. Every error carries every detail of the core's
error record as an attribute (``None`` where a detail does not apply), so
``retryable``, ``may_have_reached_server`` and ``operation`` can be read on
any of them. Messages never contain secrets (user and organization secrets,
api secrets, codes, element tokens, signature keys).
"""

from __future__ import annotations

from elements_auth._native import ERROR_FIELDS

# The annotations are strings (postponed evaluation): typing is for type
# checkers only, and importing it would double `import elements_auth`'s time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, Optional

__all__ = [
    "ElementsAuthError",
    "InvalidInputError",
    "ApiError",
    "TransportError",
    "RequestTimeoutError",
    "DecodeError",
    "AuthorizationDeniedError",
    "StateMismatchError",
    "InvalidCallbackError",
    "InvalidSignatureError",
    "SandboxError",
]


class ElementsAuthError(Exception):
    """Root of every error raised by elements_auth.

    ``str(error)`` is the full human-readable text; ``message`` is the
    error's own message; ``kind`` is the stable kind shared by every language
    (``"invalid_input"``, ``"api"``, ``"transport"``, ``"timeout"``,
    ``"decode"``, ``"authorization_denied"``, ``"state_mismatch"``,
    ``"invalid_callback"``, ``"invalid_signature"``).

    Built from the text and the details as keyword arguments (the names of
    ``elements_auth._native.ERROR_FIELDS``); a detail not given is ``None``
    (``False`` for the two flags, the text for ``message``).
    """

    kind: str = "error"
    """The stable, machine-readable kind of this error."""
    message: str
    """The error's own message, without the kind's prefix or any advice."""
    status: Optional[int]
    """The HTTP status of an ``api`` error."""
    request_id: Optional[str]
    """The platform's request id of an ``api`` error, for support tickets."""
    provider_message: Optional[str]
    """The vendor's own message, when the platform passes one on."""
    field: Optional[str]
    """The rejected argument of an ``invalid_input`` error (``api_key``, ``events.refresh_interval``)."""
    error: Optional[str]
    """The OAuth ``error`` of an ``authorization_denied`` error, such as ``access_denied``."""
    description: Optional[str]
    """The OAuth ``error_description`` of an ``authorization_denied`` error, if any."""
    uri: Optional[str]
    """The OAuth ``error_uri`` of an ``authorization_denied`` error, if any."""
    operation: Optional[str]
    """The platform call that failed (``"create_instance"``, ``"list_instances"``...)."""
    may_have_reached_server: bool
    """True when the failed request may still have taken effect on the platform:
    after a ``create_instance``, look for the instance with ``list_instances``."""
    retryable: bool
    """True when repeating the same call is safe and may succeed; never for a
    ``create_instance`` that may have reached the platform (its code is single-use)."""
    mismatch: Optional[str]
    """What was wrong with the state of a ``state_mismatch`` error: ``"missing"``,
    ``"different"``, ``"malformed"``, ``"unknown_key"``, ``"bad_signature"``,
    ``"other_subject"`` or ``"expired"``."""

    _shown: ClassVar[tuple[str, ...]] = ("message",)
    """The attributes ``repr`` shows, in order."""

    def __init__(self, text: str, **fields: Any) -> None:
        unknown = sorted(set(fields) - set(ERROR_FIELDS))
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected detail(s): {', '.join(unknown)}")
        super().__init__(text)
        defaults: dict[str, object] = {
            "kind": type(self).kind,
            "message": text,
            "may_have_reached_server": False,
            "retryable": False,
        }
        for name in ERROR_FIELDS:
            setattr(self, name, fields.get(name, defaults.get(name)))

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only details defeat the default pickling of exceptions:
        # rebuild from the text and restore the attributes instead.
        return (_restore, (type(self), str(self), dict(self.__dict__)))

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{type(self).__name__}({inner})"


class InvalidInputError(ElementsAuthError, ValueError):
    """An argument was rejected before anything was sent; ``field`` names it."""

    kind = "invalid_input"
    field: str
    _shown = ("field", "reason")

    @property
    def reason(self) -> str:
        """Why it was rejected (the same as ``message``)."""
        return self.message


class ApiError(ElementsAuthError):
    """The platform answered with an HTTP error status (``status``)."""

    kind = "api"
    status: int
    _shown = ("status", "message", "request_id", "provider_message")


class TransportError(ElementsAuthError):
    """The request could not be sent, or its answer could not be read.

    When ``may_have_reached_server`` is true, a ``create_instance`` may have
    created the instance: look for it with ``list_instances`` before retrying.
    """

    kind = "transport"
    _shown = ("message", "may_have_reached_server")


class RequestTimeoutError(ElementsAuthError, TimeoutError):
    """The request did not complete within the client's ``timeout``.

    Also a builtin :class:`TimeoutError`. When ``may_have_reached_server`` is
    true, a ``create_instance`` may have created the instance.
    """

    kind = "timeout"
    _shown = ("message", "may_have_reached_server")


class DecodeError(ElementsAuthError):
    """The platform's answer was not the JSON that was expected."""

    kind = "decode"


class AuthorizationDeniedError(ElementsAuthError):
    """Consent was refused at the vendor: the callback carried ``error``."""

    kind = "authorization_denied"
    error: str
    _shown = ("error", "description", "uri")


class StateMismatchError(ElementsAuthError):
    """The callback's ``state`` is missing or differs from the one sent (possibly
    forged), or a signed state did not verify; ``mismatch`` says which."""

    kind = "state_mismatch"
    mismatch: str
    _shown = ("mismatch", "message")


class InvalidCallbackError(ElementsAuthError):
    """The callback carries neither a code nor an error, or is malformed."""

    kind = "invalid_callback"


class InvalidSignatureError(ElementsAuthError):
    """A webhook signature does not match its body for the key."""

    kind = "invalid_signature"


class SandboxError(ElementsAuthError):
    """The sandbox refused a request of its own API (bad fault mode, unknown OAuth URL, busy port)."""

    kind = "sandbox"


def _restore(cls: type[ElementsAuthError], text: str, state: dict[str, Any]) -> ElementsAuthError:
    """Rebuilds a pickled error (see ``ElementsAuthError.__reduce__``)."""
    error = cls.__new__(cls, text)
    Exception.__init__(error, text)
    error.__dict__.update(state)
    return error
