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
so all of this runs offline in tests. Every error is an ``ElementsAuthError``.
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
    Events,
    Grant,
    Instance,
    OAuthUrl,
    Sandbox,
    __version__,
    parse_callback,
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
    "ElementsAuthError",
    "Events",
    "Grant",
    "Instance",
    "InvalidCallbackError",
    "InvalidInputError",
    "InvalidSignatureError",
    "OAuthUrl",
    "RequestTimeoutError",
    "Sandbox",
    "SandboxError",
    "StateMismatchError",
    "TransportError",
    "__version__",
    "parse_callback",
    "sign_webhook",
    "verify_webhook_signature",
]
