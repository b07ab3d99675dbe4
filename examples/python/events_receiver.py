"""An events endpoint for the platform's notifications, tested offline.

Run after ``pip install ./python``::

    python examples/python/events_receiver.py

``EventsEndpoint.receive`` is the part to reuse in a web app (FastAPI,
Flask, Django): give it the raw request body and the
``Elements-Webhook-Signature`` header, answer with the status it returns.
It verifies the signature on the raw bytes before parsing anything (with
every current key, so that a key can be rotated), answers at once and
leaves the work to a background thread, and ignores an event id it has
already handled: the signature carries no timestamp, so a replayed
notification verifies, and the event id is what makes receiving it twice
safe. The platform retries a non-2xx answer, so a duplicate is answered 200.

``main`` runs it against the sandbox: an instance whose events go to this
endpoint, an event triggered, then the same notification replayed.
"""

from __future__ import annotations

import queue
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

import elements_auth
from elements_auth import SIGNATURE_HEADER, EventNotification, Events, Sandbox, parse_callback

API_KEY = "my-dropbox-client-id"
API_SECRET = "my-dropbox-client-secret"
CALLBACK_URL = "https://app.example.com/oauth/callback"
SIGNATURE_KEYS = ["events-key-2025", "events-key-2024"]  # the current key first, then the previous one


class EventsEndpoint:
    """Verifies, de-duplicates and queues event notifications."""

    def __init__(self, signature_keys: Sequence[str], remember: int = 10_000) -> None:
        self._keys = list(signature_keys)
        self._seen: OrderedDict[str, None] = OrderedDict()  # bounded: the newest event ids
        self._remember = remember
        self._lock = threading.Lock()
        self.work: queue.Queue[EventNotification] = queue.Queue()

    def receive(self, raw_body: bytes, signature: Optional[str]) -> int:
        """The HTTP status to answer a POST of ``raw_body`` with."""
        try:
            elements_auth.verify_webhook_signature(self._keys, raw_body, signature or "")
        except elements_auth.InvalidSignatureError:
            return 401  # not from the platform (or signed with a key we no longer hold)
        try:
            notification = elements_auth.parse_event_notification(raw_body)
        except elements_auth.DecodeError:
            return 400
        with self._lock:
            if notification.event_id in self._seen:
                return 200  # a replay or a platform retry: already handled
            self._seen[notification.event_id] = None
            while len(self._seen) > self._remember:
                self._seen.popitem(last=False)
        self.work.put(notification)  # answer now, work later
        return 202


def serve(endpoint: EventsEndpoint) -> ThreadingHTTPServer:
    """``POST /events`` on 127.0.0.1 with a free port, served from a thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            if self.path != "/events":
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(endpoint.receive(body, self.headers.get(SIGNATURE_HEADER)))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    """A sandbox instance whose events reach this endpoint; one event, then its replay."""
    endpoint = EventsEndpoint(SIGNATURE_KEYS)
    server = serve(endpoint)
    events_url = f"http://127.0.0.1:{server.server_address[1]}/events"
    try:
        with Sandbox() as sandbox:
            client = sandbox.client(timeout=10.0)
            url = client.oauth_url("dropbox", API_KEY, API_SECRET, CALLBACK_URL)
            grant = parse_callback(sandbox.approve(url), url.state)
            instance = client.create_instance(
                "dropbox", grant, "My Dropbox", API_KEY, API_SECRET, CALLBACK_URL,
                # The platform signs with the key the instance holds: the previous one, here.
                events=Events.webhook(events_url, signature_key=SIGNATURE_KEYS[1]),
            )
            event_id = sandbox.trigger_event(instance.id, "files", "CREATED", object_id="id:report.pdf")
            notification = endpoint.work.get(timeout=30)
            [event] = notification.events
            print(f"received:  event {notification.event_id} of instance {notification.instance_id}: "
                  f"{event.object_type} {event.object_id} {event.event_type}")
            delivery = next(d for d in sandbox.deliveries() if d.event_id == event_id)
            while delivery.state == "pending":
                time.sleep(0.01)
                delivery = next(d for d in sandbox.deliveries() if d.event_id == event_id)
            print(f"delivery:  {delivery.state}, attempts {delivery.attempts}")

            # Someone replays the captured notification: it verifies, and is ignored.
            replay = urllib.request.Request(events_url, data=delivery.body.encode(), method="POST",
                                            headers={SIGNATURE_HEADER: delivery.signature or ""})
            with urllib.request.urlopen(replay, timeout=10) as answer:
                print(f"replay:    answered {answer.status}, queued again: {not endpoint.work.empty()}")
            forged = urllib.request.Request(events_url, data=delivery.body.encode(), method="POST",
                                            headers={SIGNATURE_HEADER: "sha256=" + "A" * 43 + "="})
            try:
                urllib.request.urlopen(forged, timeout=10)
            except urllib.error.HTTPError as refused:
                print(f"forged:    answered {refused.code}")
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
