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
    "StateMismatchError",
    "TransportError",
    "__version__",
    "parse_callback",
    "parse_event_notification",
    "sign_webhook",
    "verify_webhook_signature",
]
