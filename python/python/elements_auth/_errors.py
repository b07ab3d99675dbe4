"""The exception hierarchy of elements_auth.

Every error the library raises is an :class:`ElementsAuthError`; each kind of
failure has its own subclass, carrying the details as attributes. Messages
never contain secrets (user and organization secrets, api secrets, codes,
element tokens, signature keys).
"""

from __future__ import annotations

from typing import Any, Optional

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
    """

    kind: str = "error"
    """The stable, machine-readable kind of this error."""

    def __init__(self, text: str, *, message: Optional[str] = None) -> None:
        super().__init__(text)
        self.text = text
        """The full human-readable description (also ``str(error)``)."""
        self.message = text if message is None else message
        """The error's own message, without the kind's prefix."""

    def __str__(self) -> str:
        return self.text

    def _fields(self) -> dict[str, object]:
        return {"message": self.message}

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors defeat the default pickling of exceptions:
        # rebuild from the text and restore the attributes instead.
        return (_restore, (type(self), self.text, dict(self.__dict__)))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._fields().items())
        return f"{type(self).__name__}({inner})"


class InvalidInputError(ElementsAuthError, ValueError):
    """An argument was rejected before anything was sent; ``field`` names it."""

    kind = "invalid_input"

    def __init__(self, text: str, *, field: str, reason: str) -> None:
        super().__init__(text, message=reason)
        self.field = field
        """The argument's name as the caller spelled it (``api_key``, ``events.refresh_interval``)."""
        self.reason = reason
        """Why it was rejected."""

    def _fields(self) -> dict[str, object]:
        return {"field": self.field, "reason": self.reason}


class ApiError(ElementsAuthError):
    """The platform answered with an HTTP error status."""

    kind = "api"

    def __init__(
        self,
        text: str,
        *,
        status: int,
        message: str,
        request_id: Optional[str] = None,
        provider_message: Optional[str] = None,
    ) -> None:
        super().__init__(text, message=message)
        self.status = status
        """The HTTP status code."""
        self.request_id = request_id
        """The platform's request id, for support tickets."""
        self.provider_message = provider_message
        """The vendor's own message, when the platform passes one on."""

    def _fields(self) -> dict[str, object]:
        return {
            "status": self.status,
            "message": self.message,
            "request_id": self.request_id,
            "provider_message": self.provider_message,
        }


class TransportError(ElementsAuthError):
    """The request could not be sent, or its answer could not be read.

    When ``may_have_reached_server`` is true, a ``create_instance`` may have
    created the instance: look for it with ``list_instances`` before retrying.
    """

    kind = "transport"

    def __init__(self, text: str, *, message: str, may_have_reached_server: bool = False) -> None:
        super().__init__(text, message=message)
        self.may_have_reached_server = may_have_reached_server
        """True when the request may have taken effect on the platform."""

    def _fields(self) -> dict[str, object]:
        return {"message": self.message, "may_have_reached_server": self.may_have_reached_server}


class RequestTimeoutError(ElementsAuthError, TimeoutError):
    """The request did not complete within the client's ``timeout``.

    Also a builtin :class:`TimeoutError`. When ``may_have_reached_server`` is
    true, a ``create_instance`` may have created the instance.
    """

    kind = "timeout"

    def __init__(self, text: str, *, message: str, may_have_reached_server: bool = False) -> None:
        super().__init__(text, message=message)
        self.may_have_reached_server = may_have_reached_server
        """True when the request may have taken effect on the platform."""

    def __str__(self) -> str:
        return self.text

    def _fields(self) -> dict[str, object]:
        return {"message": self.message, "may_have_reached_server": self.may_have_reached_server}


class DecodeError(ElementsAuthError):
    """The platform's answer was not the JSON that was expected."""

    kind = "decode"

    def __init__(self, text: str, *, message: str) -> None:
        super().__init__(text, message=message)


class AuthorizationDeniedError(ElementsAuthError):
    """Consent was refused at the vendor: the callback carried ``error``."""

    kind = "authorization_denied"

    def __init__(
        self,
        text: str,
        *,
        error: str,
        description: Optional[str] = None,
        uri: Optional[str] = None,
    ) -> None:
        super().__init__(text)
        self.error = error
        """The OAuth ``error`` value, such as ``access_denied``."""
        self.description = description
        """The OAuth ``error_description``, if any."""
        self.uri = uri
        """The OAuth ``error_uri``, if any."""

    def _fields(self) -> dict[str, object]:
        return {"error": self.error, "description": self.description, "uri": self.uri}


class StateMismatchError(ElementsAuthError):
    """The callback's ``state`` is missing or differs from the one sent: possibly forged."""

    kind = "state_mismatch"

    def __init__(self, text: str, *, message: str) -> None:
        super().__init__(text, message=message)


class InvalidCallbackError(ElementsAuthError):
    """The callback carries neither a code nor an error, or is malformed."""

    kind = "invalid_callback"

    def __init__(self, text: str, *, message: str) -> None:
        super().__init__(text, message=message)


class InvalidSignatureError(ElementsAuthError):
    """A webhook signature does not match its body for the key."""

    kind = "invalid_signature"

    def __init__(self, text: str, *, message: str) -> None:
        super().__init__(text, message=message)


class SandboxError(ElementsAuthError):
    """The sandbox refused a request of its own API (bad fault mode, unknown OAuth URL, busy port)."""

    kind = "sandbox"

    def __init__(self, text: str) -> None:
        super().__init__(text)


def _restore(cls: type[ElementsAuthError], text: str, state: dict[str, Any]) -> ElementsAuthError:
    """Rebuilds a pickled error (see ``ElementsAuthError.__reduce__``)."""
    error = cls.__new__(cls, text)
    Exception.__init__(error, text)
    error.__dict__.update(state)
    return error
