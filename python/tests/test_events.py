"""Events end to end: the sandbox POSTs signed notifications to a real HTTP
receiver of the test's own (http.server on 127.0.0.1), which verifies the raw
body and parses it; retries, failures and refusals as the platform has them."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

import pytest

import elements_auth
from elements_auth import (
    SIGNATURE_HEADER,
    Client,
    Delivery,
    EventNotification,
    Events,
    NotificationEvent,
    Sandbox,
    parse_event_notification,
    sign_webhook,
    verify_webhook_signature,
)
from conftest import API_KEY, API_SECRET, CALLBACK, ORG_SECRET, USER_SECRET, create, grant_for

SIGNATURE_KEY = "py-signature-key-0b7e21"
NEW_KEY = "py-rotated-signature-key-94c3"


@dataclass
class Receiver:
    """A real HTTP endpoint: answers each POST with the next status of
    ``script`` (then 200) and keeps (headers, raw body) of each."""

    script: list[int] = field(default_factory=list)
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                n = len(receiver.got) - 1
                status = receiver.script[n] if n < len(receiver.script) else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def events_sandbox() -> Iterator[Sandbox]:
    """A sandbox whose first retry comes after 1 ms (the platform's: 4 s)."""
    with Sandbox(user_secret=USER_SECRET, organization_secret=ORG_SECRET, event_retry_delay=0.001) as sb:
        yield sb


@pytest.fixture
def events_client(events_sandbox: Sandbox) -> Client:
    return events_sandbox.client(timeout=5.0)


def receiver(script: Optional[list[int]] = None) -> Receiver:
    return Receiver(script=list(script or []))


def closed_url() -> str:
    """A loopback URL nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/events"


def webhook_instance(client: Client, sandbox: Sandbox, url: str, key: Optional[str]) -> int:
    grant = grant_for(client, sandbox, "dropbox")
    instance = client.create_instance(
        "dropbox", grant, "events", API_KEY, API_SECRET, CALLBACK, events=Events.webhook(url, signature_key=key)
    )
    return instance.id


def finished(sandbox: Sandbox, event_id: int) -> Delivery:
    """The delivery of ``event_id`` once it is no longer pending."""
    deadline = time.monotonic() + 60
    while True:
        delivery = next(d for d in sandbox.deliveries() if d.event_id == event_id)
        if delivery.state != "pending":
            return delivery
        assert time.monotonic() < deadline, delivery
        time.sleep(0.005)


def test_a_webhook_instance_gets_one_signed_post_per_event(events_sandbox: Sandbox, events_client: Client) -> None:
    rx = receiver()
    try:
        instance_id = webhook_instance(events_client, events_sandbox, rx.url, SIGNATURE_KEY)
        first = events_sandbox.trigger_event(instance_id, "files", "CREATED", object_id="id:abc")
        second = events_sandbox.trigger_event(instance_id, "files")
        assert isinstance(first, int) and second == first + 1
        deliveries = [finished(events_sandbox, first), finished(events_sandbox, second)]
        assert len(rx.got) == 2, "exactly one POST per event"
        for (event_id, want_type), delivery, (headers, body) in zip(
            [(first, "CREATED"), (second, "UPDATED")], deliveries, rx.got
        ):
            assert delivery.state == "delivered" and delivery.attempts == [200]
            assert headers["content-type"] == "application/json"
            signature = headers[SIGNATURE_HEADER.lower()]
            assert signature == delivery.signature and body == delivery.body.encode()
            verify_webhook_signature(SIGNATURE_KEY, body, signature)
            notification = parse_event_notification(body)
            assert isinstance(notification, EventNotification)
            assert notification.event_id == str(event_id)
            assert notification.instance_id == instance_id
            [event] = notification.events
            assert isinstance(event, NotificationEvent)
            assert (event.element_key, event.object_type, event.event_type) == ("dropbox", "files", want_type)
            assert event.date and event.raw["objectType"] == "files"
            assert notification.raw["response"]["events"][0] == event.raw
        assert parse_event_notification(rx.got[0][1]).events[0].object_id == "id:abc"
        assert SIGNATURE_KEY not in repr(deliveries) + repr(parse_event_notification(rx.got[0][1]))
    finally:
        rx.stop()


def test_key_rotation_accepts_the_old_and_the_new_key_but_no_third(
    events_sandbox: Sandbox, events_client: Client
) -> None:
    rx = receiver()
    try:
        instance_id = webhook_instance(events_client, events_sandbox, rx.url, SIGNATURE_KEY)
        finished(events_sandbox, events_sandbox.trigger_event(instance_id, "files"))
        [(headers, body)] = rx.got
        old_signed = headers[SIGNATURE_HEADER.lower()]
        new_signed = sign_webhook(NEW_KEY, body)
        for keys in ([NEW_KEY, SIGNATURE_KEY], (NEW_KEY, SIGNATURE_KEY)):
            verify_webhook_signature(keys, body, old_signed)
            verify_webhook_signature(keys, body, new_signed)
        with pytest.raises(elements_auth.InvalidSignatureError):
            verify_webhook_signature([NEW_KEY, SIGNATURE_KEY], body, sign_webhook("a-third-key", body))
        with pytest.raises(TypeError):
            verify_webhook_signature([NEW_KEY, b"bytes"], body, old_signed)  # type: ignore[list-item]
    finally:
        rx.stop()


def test_a_polling_concur_instance_gets_an_event_for_reports(events_sandbox: Sandbox, events_client: Client) -> None:
    rx = receiver()
    try:
        events = Events.polling(
            rx.url,
            refresh_interval=15,
            poller_configuration={"reports": {"url": "/hubs/expense/reports", "idField": "ID"}},
        )
        instance = create(events_client, events_sandbox, events=events)
        event_id = events_sandbox.trigger_event(instance.id, "reports", object_id="R-1001")
        assert finished(events_sandbox, event_id).state == "delivered"
        [(headers, body)] = rx.got
        assert SIGNATURE_HEADER.lower() not in headers
        [event] = parse_event_notification(body).events
        assert (event.element_key, event.object_type, event.object_id) == ("concur", "reports", "R-1001")
        with pytest.raises(elements_auth.SandboxError) as info:
            events_sandbox.trigger_event(instance.id, "invoices")
        assert info.value.field == "object_type" and "reports" in str(info.value)
        assert len(rx.got) == 1
    finally:
        rx.stop()


def test_two_500s_then_200_is_three_attempts_and_delivered(events_sandbox: Sandbox, events_client: Client) -> None:
    rx = receiver([500, 500, 200])
    try:
        instance_id = webhook_instance(events_client, events_sandbox, rx.url, SIGNATURE_KEY)
        delivery = finished(events_sandbox, events_sandbox.trigger_event(instance_id, "files"))
        assert delivery.attempts == [500, 500, 200]
        assert delivery.state == "delivered"
        assert len(rx.got) == 3
        assert len({body for _, body in rx.got}) == 1, "every attempt sends the same bytes"
    finally:
        rx.stop()


def test_a_receiver_that_is_down_gets_ten_attempts_and_the_delivery_fails() -> None:
    with Sandbox(event_retry_delay=0.00002) as sandbox:
        client = sandbox.client(timeout=5.0)
        instance_id = webhook_instance(client, sandbox, closed_url(), None)
        delivery = finished(sandbox, sandbox.trigger_event(instance_id, "files"))
        assert delivery.state == "failed"
        assert delivery.attempts == [0] * 10


def test_an_instance_without_a_signature_key_gets_no_signature_header(
    events_sandbox: Sandbox, events_client: Client
) -> None:
    rx = receiver()
    try:
        instance_id = webhook_instance(events_client, events_sandbox, rx.url, None)
        delivery = finished(events_sandbox, events_sandbox.trigger_event(instance_id, "files"))
        assert delivery.signature is None
        [(headers, body)] = rx.got
        assert SIGNATURE_HEADER.lower() not in headers
        assert parse_event_notification(body).instance_id == instance_id
    finally:
        rx.stop()


def test_an_instance_without_events_gets_a_clear_error(events_sandbox: Sandbox, events_client: Client) -> None:
    instance = create(events_client, events_sandbox)
    with pytest.raises(elements_auth.SandboxError) as info:
        events_sandbox.trigger_event(instance.id, "reports")
    assert info.value.field == "instance_id"
    assert f"instance {instance.id} has no events enabled" in str(info.value)
    with pytest.raises(elements_auth.SandboxError) as info:
        events_sandbox.trigger_event(424242, "reports")
    assert info.value.field == "instance_id" and "no instance 424242" in str(info.value)
    with pytest.raises(elements_auth.SandboxError) as info:
        events_sandbox.trigger_event(instance.id, "reports", "TOUCHED")
    assert info.value.field == "event_type"
    assert events_sandbox.deliveries() == []


def test_parse_refuses_what_is_not_a_notification() -> None:
    for body in (b"", b"not json", b"[]", b'{"message": {"events": []}}'):
        with pytest.raises(elements_auth.DecodeError) as info:
            parse_event_notification(body)
        assert info.value.operation is None and not info.value.retryable
    with pytest.raises(TypeError):
        parse_event_notification(42)  # type: ignore[arg-type]


def test_the_retry_delay_option_is_checked() -> None:
    with pytest.raises(elements_auth.InvalidInputError) as info:
        Sandbox(event_retry_delay=-1.0)
    assert info.value.field == "event_retry_delay"
    with pytest.raises(elements_auth.SandboxError):
        Sandbox(event_retry_delay=3601.0)
