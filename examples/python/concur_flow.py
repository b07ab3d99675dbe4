"""The whole Concur flow against the built-in sandbox, step by step.

Run after ``pip install ./python``::

    python examples/python/concur_flow.py

Against the real platform, replace the sandbox with
``Client(user_secret=..., organization_secret=...)`` and open
``url.oauth_url`` in the user's browser instead of ``sandbox.approve``.
"""

from __future__ import annotations

import elements_auth
from elements_auth import Events, Sandbox, parse_callback

API_KEY = "my-concur-client-id"
API_SECRET = "my-concur-client-secret"
CALLBACK_URL = "https://app.example.com/oauth/callback"
SITE_ADDRESS = "https://www.concursolutions.com"


def main() -> None:
    """Gets an OAuth URL, consents, reads the callback, creates the instance."""
    with Sandbox() as sandbox:
        client = sandbox.client(timeout=10.0)
        print(f"sandbox:      {sandbox.base_url}")

        # Step 1: where to send the user.
        url = client.oauth_url(
            "concur", API_KEY, API_SECRET, CALLBACK_URL, site_address=SITE_ADDRESS
        )
        print(f"consent page: {url.oauth_url}")

        # The user clicks Allow; the browser lands on the callback URL.
        landed_on = sandbox.approve(url)

        # Step 2: read the callback, checking the state.
        grant = parse_callback(landed_on, url.state)
        print(f"grant:        {grant!r}")

        # Step 3: create the instance; Concur supports polling events only.
        instance = client.create_instance(
            "concur",
            grant,
            "My Concur",
            API_KEY,
            API_SECRET,
            CALLBACK_URL,
            tags=["example"],
            events=Events.polling(
                "https://app.example.com/events",
                refresh_interval=15,
                poller_configuration={"expense-reports": {"url": "/hubs/expense/reports"}},
            ),
        )
        print(f"instance:     {instance!r}")
        print(f"token:        {instance.token}")

        # A denied consent is an exception of its own.
        try:
            parse_callback(sandbox.deny(url), url.state)
        except elements_auth.AuthorizationDeniedError as denied:
            print(f"deny:         {denied.error} ({denied.description})")


if __name__ == "__main__":
    main()
