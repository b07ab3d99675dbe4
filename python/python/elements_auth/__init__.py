"""Authenticate Cloud Elements / SAP Open Connectors element instances over OAuth 2.0.

The flow has three steps::

    from elements_auth import Client, parse_callback

    client = Client(user_secret="...", organization_secret="...")
    url = client.oauth_url("concur", "api-key", "api-secret", "https://app.example/cb",
                           site_address="https://www.concursolutions.com")
    # send the user to url.oauth_url, then read where the browser landed:
    grant = parse_callback(landed_on, url.state)
    instance = client.create_instance("concur", grant, "my concur",
                                      "api-key", "api-secret", "https://app.example/cb")
    print(instance.token)

``Sandbox`` emulates the platform and a vendor's consent page on 127.0.0.1,
so all of this runs offline in tests; ``Sandbox.trigger_event`` delivers
signed event notifications to your endpoint, which checks them with
``verify_webhook_signature`` and reads them with ``parse_event_notification``.
Every error is an ``ElementsAuthError``.

Web services sign the state with ``StateSigner`` so that any replica can
check the callback, and asyncio code uses ``AsyncClient`` (loaded, with
asyncio, only when first used).
"""

from elements_auth._errors import (
    ApiError,
    AuthorizationDeniedError,
    DecodeError,
    ElementsAuthError,
    InvalidCallbackError,
    InvalidInputError,
    InvalidSignatureError,
    RequestTimeoutError,
    SandboxError,
    StateMismatchError,
    TransportError,
)
from elements_auth._native import (
    ERROR_KINDS,
    SIGNATURE_HEADER,
    Client,
    Delivery,
    EventNotification,
    Events,
    Grant,
    Instance,
    NotificationEvent,
    OAuthUrl,
    Sandbox,
    StateClaims,
    StateSigner,
    __version__,
    parse_callback,
    parse_event_notification,
    sign_webhook,
    verify_webhook_signature,
)

__all__ = [
    "ERROR_KINDS",
    "SIGNATURE_HEADER",
    "ApiError",
    "AsyncClient",
    "AuthorizationDeniedError",
    "Client",
    "DecodeError",
    "Delivery",
    "ElementsAuthError",
    "EventNotification",
    "Events",
    "Grant",
    "Instance",
    "InvalidCallbackError",
    "InvalidInputError",
    "InvalidSignatureError",
    "NotificationEvent",
    "OAuthUrl",
    "RequestTimeoutError",
    "Sandbox",
    "SandboxError",
    "StateClaims",
    "StateMismatchError",
    "StateSigner",
    "TransportError",
    "__version__",
    "parse_callback",
    "parse_event_notification",
    "sign_webhook",
    "verify_webhook_signature",
]

# AsyncClient (and asyncio with it) is imported on first use, so that
# `import elements_auth` stays fast for code that never uses it (PEP 562).
# Type checkers see a plain import; the lazy hook is for the runtime only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from elements_auth._async import AsyncClient
else:

    def __getattr__(name):
        if name == "AsyncClient":
            from elements_auth._async import AsyncClient

            globals()["AsyncClient"] = AsyncClient
            return AsyncClient
        raise AttributeError(f"module 'elements_auth' has no attribute {name!r}")

    def __dir__():
        # TYPE_CHECKING is only the switch above, not part of the API.
        return sorted((set(globals()) - {"TYPE_CHECKING"}) | {"AsyncClient"})
