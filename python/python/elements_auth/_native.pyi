"""Type stubs of the native half of elements_auth (import from ``elements_auth``)."""

from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from types import TracebackType
from typing import Any, Final, Literal, Optional, TypedDict, Union, final

from typing_extensions import Unpack

__all__ = [
    "__version__",
    "SIGNATURE_HEADER",
    "ERROR_KINDS",
    "ERROR_FIELDS",
    "Client",
    "OAuthUrl",
    "Grant",
    "Events",
    "Instance",
    "Sandbox",
    "StateSigner",
    "StateClaims",
    "parse_callback",
    "verify_webhook_signature",
    "sign_webhook",
    "EventNotification",
    "NotificationEvent",
    "Delivery",
    "parse_event_notification",
]

__version__: Final[str]
"""This library's version."""
SIGNATURE_HEADER: Final[str]
"""The header that carries an event's signature: ``Elements-Webhook-Signature``."""
ERROR_KINDS: Final[list[str]]
"""Every error kind, in the order shared by all languages."""
ERROR_FIELDS: Final[tuple[str, ...]]
"""The details every exception carries as attributes (the core's ``ErrorDetails::FIELD_NAMES``)."""

_Pairs = Union[Mapping[str, str], Iterable[tuple[str, str]]]
_Body = Union[bytes, bytearray, memoryview, str]
_Environment = Literal["production", "staging", "sap-us2"]
_VendorType = Literal["polling", "webhook"]
_EventType = Literal["CREATED", "UPDATED", "DELETED"]
_DeliveryState = Literal["pending", "delivered", "failed"]
# ``slow:<ms>`` and ``status:<code>`` carry a number, so any str is accepted.
_FaultMode = Union[Literal["drop", "badjson", "huge", "nostate", "truncated"], str]

class _ClientOptions(TypedDict, total=False):
    """The keyword arguments of ``Client(...)``, for the calls that pass them on."""

    base_url: Optional[str]
    environment: Optional[_Environment]
    user_secret: Optional[str]
    organization_secret: Optional[str]
    timeout: Optional[float]
    user_agent: Optional[str]
    ca_file: Optional[Union[str, PathLike[str]]]
    proxy: Optional[str]
    max_retries: Optional[int]
    max_retry_delay: Optional[float]
    retry_base_delay: Optional[float]
    response_limit: Optional[int]

@final
class OAuthUrl:
    """Where to send the user (step 1), and the state to expect back."""

    @property
    def element(self) -> str:
        """The element key the platform answered for, such as ``"concur"``."""
    @property
    def oauth_url(self) -> str:
        """The vendor's consent page URL; open it in the user's browser."""
    @property
    def state(self) -> str:
        """The state carried in that URL; pass it to ``parse_callback``."""
    def __new__(cls, element: str, oauth_url: str, state: str) -> OAuthUrl:
        """A result as ``Client.oauth_url`` returns it (for tests of your own code)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class Grant:
    """The authorization code from the callback (step 2), with its state."""

    @property
    def code(self) -> str:
        """The single-use authorization code for ``Client.create_instance``."""
    @property
    def state(self) -> str:
        """The state the vendor sent back (equal to the expected one)."""
    def __new__(cls, code: str, state: str) -> Grant:
        """A grant from a code and state you already hold."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class Events:
    """Event configuration of an instance: ``"polling"`` or ``"webhook"``."""

    def __new__(
        cls,
        vendor_type: _VendorType,
        callback_url: str,
        *,
        signature_key: Optional[str] = None,
        refresh_interval: Optional[int] = None,
        poller_configuration: Optional[Mapping[str, Any]] = None,
    ) -> Events:
        """Events of ``vendor_type`` sent to ``callback_url``."""
    @staticmethod
    def polling(
        callback_url: str,
        *,
        signature_key: Optional[str] = None,
        refresh_interval: Optional[int] = None,
        poller_configuration: Optional[Mapping[str, Any]] = None,
    ) -> Events:
        """Polling events: the platform polls the vendor every ``refresh_interval`` minutes."""
    @staticmethod
    def webhook(callback_url: str, *, signature_key: Optional[str] = None) -> Events:
        """Webhook events: the vendor calls the platform back."""
    @property
    def vendor_type(self) -> _VendorType:
        """``"polling"`` or ``"webhook"``."""
    @property
    def callback_url(self) -> str:
        """Your endpoint that receives the platform's event notifications."""
    @property
    def has_signature_key(self) -> bool:
        """Whether a signature key is set (its value is never shown)."""
    @property
    def refresh_interval(self) -> Optional[int]:
        """The polling period in minutes, if set."""
    @property
    def poller_configuration(self) -> Optional[dict[str, Any]]:
        """The poller configuration as a new dict, if set."""

@final
class Instance:
    """An element instance as the platform describes it (step 3's result)."""

    @property
    def id(self) -> int:
        """The platform's id of the instance."""
    @property
    def name(self) -> str:
        """The instance's name."""
    @property
    def token(self) -> str:
        """The element token: the credential for every later call on this instance."""
    @property
    def element_key(self) -> str:
        """The element's key, such as ``"concur"``."""
    @property
    def tags(self) -> list[str]:
        """Tags, as plain strings whatever form the platform used."""
    @property
    def valid(self) -> bool:
        """Whether the platform considers the instance's credentials valid."""
    @property
    def disabled(self) -> bool:
        """Whether the instance is disabled."""
    @property
    def raw(self) -> dict[str, Any]:
        """The platform's whole JSON answer, as a new dict."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Client:
    """The platform client: holds the secrets, the timeout and a connection pool."""

    def __new__(
        cls,
        *,
        base_url: Optional[str] = None,
        environment: Optional[_Environment] = None,
        user_secret: Optional[str] = None,
        organization_secret: Optional[str] = None,
        timeout: Optional[float] = None,
        user_agent: Optional[str] = None,
        ca_file: Optional[Union[str, PathLike[str]]] = None,
        proxy: Optional[str] = None,
        max_retries: Optional[int] = None,
        max_retry_delay: Optional[float] = None,
        retry_base_delay: Optional[float] = None,
        response_limit: Optional[int] = None,
        from_env: bool = False,
    ) -> Client:
        """A client for ``base_url`` or ``environment`` (production by default); ``None`` means the default."""
    @classmethod
    def from_env(cls, **options: Unpack[_ClientOptions]) -> Client:
        """``Client(from_env=True, **options)``: ``ELEMENTS_*`` variables first, keyword arguments override them."""
    @property
    def base_url(self) -> str:
        """The API base URL this client talks to."""
    def oauth_url(
        self,
        element: str,
        api_key: str,
        api_secret: str,
        callback_url: str,
        *,
        site_address: Optional[str] = None,
        state: Optional[str] = None,
        scope: Optional[str] = None,
        params: Optional[_Pairs] = None,
    ) -> OAuthUrl:
        """Step 1: asks the platform for the vendor's consent page URL."""
    def create_instance(
        self,
        element: str,
        code: Union[str, Grant],
        name: str,
        api_key: str,
        api_secret: str,
        callback_url: str,
        *,
        tags: Optional[Sequence[str]] = None,
        filter_response_nulls: Optional[bool] = None,
        events: Optional[Events] = None,
        configuration: Optional[_Pairs] = None,
    ) -> Instance:
        """Step 3: creates the instance with the code from the callback."""
    def get_instance(self, id: int) -> Instance:
        """Fetches one instance by id."""
    def list_instances(self) -> list[Instance]:
        """Lists the instances visible to the user and organization."""
    def delete_instance(self, id: int) -> None:
        """Deletes one instance by id."""

@final
class Sandbox:
    """An in-process emulator of the platform API and a vendor's consent page."""

    def __new__(
        cls,
        *,
        auto_consent: bool = True,
        port: int = 0,
        code_ttl: float = 600.0,
        user_secret: Optional[str] = None,
        organization_secret: Optional[str] = None,
        max_connections: Optional[int] = None,
        read_timeout: Optional[float] = None,
        request_log_limit: Optional[int] = None,
        event_retry_delay: Optional[float] = None,
    ) -> Sandbox:
        """Starts the sandbox and returns once it accepts connections."""
    @staticmethod
    def start(
        *,
        auto_consent: bool = True,
        port: int = 0,
        code_ttl: float = 600.0,
        user_secret: Optional[str] = None,
        organization_secret: Optional[str] = None,
        max_connections: Optional[int] = None,
        read_timeout: Optional[float] = None,
        request_log_limit: Optional[int] = None,
        event_retry_delay: Optional[float] = None,
    ) -> Sandbox:
        """``Sandbox(**options)``, spelled as in Node and C."""
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:{port}/elements/api-v2``: the ``base_url`` to give a ``Client``."""
    @property
    def port(self) -> int:
        """The TCP port the sandbox listens on."""
    @property
    def user_secret(self) -> str:
        """The user secret the sandbox expects from clients."""
    @property
    def organization_secret(self) -> str:
        """The organization secret the sandbox expects from clients."""
    @property
    def auto_consent(self) -> bool:
        """Whether the vendor page redirects without showing the consent form."""
    def client(self, **options: Unpack[_ClientOptions]) -> Client:
        """A ``Client`` for this sandbox; keyword arguments are passed on."""
    def approve(self, oauth_url: Union[str, OAuthUrl]) -> str:
        """Plays the user clicking Allow: returns the callback URL with a code."""
    def deny(self, oauth_url: Union[str, OAuthUrl]) -> str:
        """Plays the user clicking Deny: returns the callback URL with ``error=access_denied``."""
    def inject_fault(self, mode: _FaultMode, count: int = 1) -> None:
        """Queues ``slow:<ms>``, ``status:<code>``, ``drop``, ``badjson``, ``huge``, ``nostate`` or ``truncated``."""
    def clear_faults(self) -> None:
        """Removes every queued fault."""
    def requests(self) -> list[dict[str, Any]]:
        """Every API request received so far, oldest first (they carry secrets)."""
    @property
    def requests_dropped(self) -> int:
        """How many recorded requests were dropped to keep the log within ``request_log_limit``."""
    def instances(self) -> list[dict[str, Any]]:
        """The instances the sandbox holds, as the platform's JSON dicts."""
    def trigger_event(
        self,
        instance_id: int,
        object_type: str,
        event_type: Union[_EventType, str] = "UPDATED",
        object_id: Optional[str] = None,
    ) -> int:
        """Delivers one event about ``instance_id`` to its callback URL; returns the event id."""
    def deliveries(self) -> list[Delivery]:
        """Every event delivery, oldest first."""
    def stop(self) -> None:
        """Stops listening, closes open connections and ends event deliveries; idempotent."""
    def __enter__(self) -> Sandbox: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...

@final
class StateClaims:
    """What a verified state token says (``StateSigner.verify``)."""

    @property
    def element(self) -> str:
        """The element key the sign-in was started for, such as ``"concur"``."""
    @property
    def key_id(self) -> str:
        """The id of the key that signed the token (a previous key after a rotation)."""
    @property
    def issued_at(self) -> int:
        """When the token was issued, in seconds since the Unix epoch."""
    @property
    def expires_at(self) -> int:
        """When the token stops being valid, in seconds since the Unix epoch."""
    def __new__(cls, element: str, key_id: str, issued_at: int, expires_at: int) -> StateClaims:
        """Claims as ``StateSigner.verify`` returns them (for tests of your own code)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class StateSigner:
    """Signs and checks OAuth ``state`` tokens that carry their own proof (any replica can check them)."""

    def __new__(
        cls,
        key_id: str,
        secret: Union[bytes, str],
        *,
        ttl: float = 600.0,
        previous: Optional[Mapping[str, Union[bytes, str]]] = None,
    ) -> StateSigner:
        """A signer whose key ``key_id`` signs with ``secret`` (at least 32 bytes); ``previous`` keys still verify."""
    @property
    def key_id(self) -> str:
        """The id of the key that signs."""
    @property
    def previous_key_ids(self) -> list[str]:
        """The ids of the keys that only verify (used before a rotation)."""
    @property
    def ttl(self) -> float:
        """The lifetime of a new token, in seconds."""
    def sign(self, element: str, subject: str) -> str:
        """A new state token for a sign-in of ``subject`` to ``element``."""
    def verify(self, state: str, subject: str) -> StateClaims:
        """Checks ``state`` for ``subject`` now; raises ``StateMismatchError`` (see ``mismatch``)."""
    def parse_callback(self, callback: str, subject: str) -> Grant:
        """``parse_callback`` with the state checked as ``verify`` checks it for ``subject``."""
    def sign_for_test(self, element: str, subject: str, issued_at: int, nonce: bytes) -> str:
        """``sign`` at a fixed time and nonce, for test vectors only (its tokens are already expired)."""
    def verify_for_test(self, state: str, subject: str, now: int) -> StateClaims:
        """``verify`` as if it were ``now``, for test vectors only (it refuses live tokens)."""

def parse_callback(callback: str, expected_state: str) -> Grant:
    """Reads the vendor's redirect back to your callback URL (step 2)."""

def verify_webhook_signature(
    signature_key: Union[str, list[str], tuple[str, ...]], body: _Body, signature_header: str
) -> None:
    """Checks an ``Elements-Webhook-Signature`` header against the raw body, with one key or several."""

def sign_webhook(signature_key: str, body: _Body) -> str:
    """The ``Elements-Webhook-Signature`` value the platform would send for ``body``."""

# --- Events: parsed notifications and the sandbox's deliveries ---

@final
class NotificationEvent:
    """One event of a notification: what changed at the vendor."""

    @property
    def element_key(self) -> str:
        """The element's key, such as ``"concur"``."""
    @property
    def object_type(self) -> str:
        """The kind of object, such as a poller resource (``"reports"``)."""
    @property
    def object_id(self) -> str:
        """The vendor's id of the object, as text."""
    @property
    def event_type(self) -> str:
        """``"CREATED"``, ``"UPDATED"`` or ``"DELETED"`` (as sent)."""
    @property
    def date(self) -> Optional[str]:
        """When the platform saw the change, as sent; None when absent."""
    @property
    def raw(self) -> dict[str, Any]:
        """The event's own JSON as a new dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class EventNotification:
    """One event notification as the platform POSTs it to your events endpoint."""

    @property
    def event_id(self) -> str:
        """The platform's id of the event, as text: what makes receiving it twice safe."""
    @property
    def instance_id(self) -> int:
        """The id of the instance the events are about."""
    @property
    def notification_id(self) -> str:
        """The id of this notification, as text."""
    @property
    def events(self) -> list[NotificationEvent]:
        """The events, in order."""
    @property
    def raw(self) -> dict[str, Any]:
        """The whole notification as a new dict, unknown fields included."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Delivery:
    """How the sandbox delivered one triggered event."""

    @property
    def event_id(self) -> int:
        """The event id ``trigger_event`` returned (the body's ``eventId``)."""
    @property
    def instance_id(self) -> int:
        """The instance the event is about."""
    @property
    def url(self) -> str:
        """The instance's events callback URL, POSTed to."""
    @property
    def attempts(self) -> list[int]:
        """Each attempt's HTTP status, in order; 0 for a connection failure."""
    @property
    def state(self) -> _DeliveryState:
        """``"pending"``, ``"delivered"`` or ``"failed"``."""
    @property
    def body(self) -> str:
        """The exact body sent (JSON text), the same on every attempt."""
    @property
    def signature(self) -> Optional[str]:
        """The ``Elements-Webhook-Signature`` value sent; None without a signature key."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

def parse_event_notification(body: _Body) -> EventNotification:
    """Parses the raw body of an event notification; raises ``DecodeError`` if it is not one."""
