//! Event delivery over real sockets: a receiver of the test's own
//! ([`common::receiver`], a raw TCP listener) gets the notifications.

mod common;

use common::receiver::{closed_url, Receiver};
use common::*;
use elements_auth_sandbox::{
    Delivery, DeliveryState, Sandbox, SandboxOptions, MAX_DELIVERIES, MAX_RETRIES,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const KEY: &str = "api-key-ev";
const SECRET: &str = "api-secret-ev";
const SIGNATURE_KEY: &str = "whk-signature-key-8d1f";

fn start(retry_delay: Duration) -> Sandbox {
    Sandbox::start(SandboxOptions {
        auto_consent: false,
        event_retry_delay: retry_delay,
        ..SandboxOptions::default()
    })
    .unwrap()
}

/// Creates an instance of `element` with `events` configuration entries
/// (none: events off) and returns its id.
fn instance(sb: &Sandbox, element: &str, events: &[(&str, Value)]) -> i64 {
    let code = code(sb, element, KEY, SECRET, CALLBACK);
    let mut body = instance_body(element, &code, KEY, SECRET, CALLBACK);
    for (k, v) in events {
        body["configuration"][*k] = v.clone();
    }
    let r = api(sb, "POST", "/instances", Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

fn webhook(sb: &Sandbox, url: &str, key: Option<&str>) -> i64 {
    let mut events = vec![
        ("event.notification.enabled", json!("true")),
        ("event.vendor.type", json!("webhook")),
        ("event.notification.callback.url", json!(url)),
    ];
    if let Some(key) = key {
        events.push(("event.notification.signature.key", json!(key)));
    }
    instance(sb, "dropbox", &events)
}

/// Waits until the delivery of `event_id` is no longer pending.
fn finished(sb: &Sandbox, event_id: u64) -> Delivery {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let d = sb
            .deliveries()
            .into_iter()
            .find(|d| d.event_id == event_id)
            .expect("the delivery is listed");
        if d.state != DeliveryState::Pending {
            return d;
        }
        assert!(Instant::now() < deadline, "still pending: {d:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_webhook_instance_gets_one_signed_post_per_event() {
    let sb = start(Duration::from_millis(1));
    let receiver = Receiver::start(&[]);
    let id = webhook(&sb, &receiver.url, Some(SIGNATURE_KEY));
    let first = sb
        .trigger_event(id, "files", "CREATED", Some("id:abc"))
        .unwrap();
    let second = sb.trigger_event(id, "files", "deleted", None).unwrap();
    assert_eq!(second, first + 1);
    let deliveries = [finished(&sb, first), finished(&sb, second)];
    let got = receiver.received();
    assert_eq!(got.len(), 2, "exactly one POST per event");
    for (d, r) in deliveries.iter().zip(&got) {
        assert_eq!(d.state, DeliveryState::Delivered);
        assert_eq!(d.attempts, [200]);
        assert_eq!(d.url, receiver.url);
        assert_eq!(d.instance_id, id);
        assert_eq!(r.request_line, "POST /hooks/events?tenant=a HTTP/1.1");
        assert_eq!(r.header("content-type"), Some("application/json"));
        // The exact bytes sent, and the signature sent with them.
        assert_eq!(r.body, d.body.as_bytes());
        let sig = d.signature.as_deref().expect("signed");
        assert_eq!(r.header("elements-webhook-signature"), Some(sig));
        assert!(sig.starts_with("sha256=") && sig.len() == 7 + 44, "{sig}");
        assert!(!format!("{d:?}").contains(SIGNATURE_KEY));
    }
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["eventId"], first);
    assert_eq!(body["instanceId"], id);
    assert_eq!(body["notificationId"].as_str().unwrap().len(), 36);
    let event = &body["response"]["events"][0];
    assert_eq!(event["elementKey"], "dropbox");
    assert_eq!(event["objectType"], "files");
    assert_eq!(event["objectId"], "id:abc");
    assert_eq!(event["eventType"], "CREATED");
    assert_eq!(event["date"].as_str().unwrap().len(), 24);
    let event: Value = serde_json::from_slice(&got[1].body).unwrap();
    let event = &event["response"]["events"][0];
    assert_eq!(event["eventType"], "DELETED", "the type is normalised");
    assert_eq!(event["objectId"].as_str().unwrap().len(), 16, "a random id");
    // Each notification is its own: different notification ids.
    let ids: Vec<Value> = got
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["notificationId"].clone())
        .collect();
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn no_signature_key_no_signature_header() {
    let sb = start(Duration::from_millis(1));
    let receiver = Receiver::start(&[]);
    let id = webhook(&sb, &receiver.url, None);
    let event = sb.trigger_event(id, "files", "UPDATED", None).unwrap();
    let d = finished(&sb, event);
    assert_eq!(d.signature, None);
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("elements-webhook-signature"), None);
}

#[test]
fn a_polling_instance_gets_events_for_its_configured_resources_only() {
    let sb = start(Duration::from_millis(1));
    let receiver = Receiver::start(&[]);
    let poller = json!({"reports": {"url": "/hubs/expense/reports", "idField": "ID"}});
    let id = instance(
        &sb,
        "concur",
        &[
            ("event.notification.enabled", json!(true)),
            ("event.vendor.type", json!("polling")),
            ("event.notification.callback.url", json!(receiver.url)),
            ("event.poller.refresh_interval", json!(15)),
            ("event.poller.configuration", poller),
        ],
    );
    let event = sb
        .trigger_event(id, "reports", "UPDATED", Some("R-1"))
        .unwrap();
    assert_eq!(finished(&sb, event).state, DeliveryState::Delivered);
    let body: Value = serde_json::from_slice(&receiver.received()[0].body).unwrap();
    assert_eq!(body["response"]["events"][0]["elementKey"], "concur");
    assert_eq!(body["response"]["events"][0]["objectType"], "reports");
    let err = sb
        .trigger_event(id, "invoices", "UPDATED", None)
        .unwrap_err();
    assert_eq!(err.field(), Some("object_type"));
    assert!(err.message().contains("reports"), "{err}");
    assert_eq!(
        receiver.received().len(),
        1,
        "nothing sent for a refused trigger"
    );
}

#[test]
fn two_failures_then_success_is_three_attempts_spaced_on_the_schedule() {
    let base = Duration::from_millis(5);
    let sb = start(base);
    let receiver = Receiver::start(&[500, 503, 200]);
    let id = webhook(&sb, &receiver.url, Some(SIGNATURE_KEY));
    let event = sb.trigger_event(id, "files", "UPDATED", None).unwrap();
    let d = finished(&sb, event);
    assert_eq!(d.attempts, [500, 503, 200]);
    assert_eq!(d.state, DeliveryState::Delivered);
    let got = receiver.received();
    assert_eq!(got.len(), 3);
    // Every attempt sends the same bytes and signature.
    assert!(got.iter().all(|r| r.body == got[0].body));
    assert!(got
        .iter()
        .all(|r| r.header("elements-webhook-signature") == d.signature.as_deref()));
    // The retries wait at least base, then 4 * base (a busy machine only adds to it).
    assert!(got[1].at - got[0].at >= base);
    assert!(got[2].at - got[1].at >= base * 4);
}

#[test]
fn a_receiver_that_is_down_gets_ten_attempts_then_the_delivery_fails() {
    let sb = start(Duration::from_micros(20));
    let url = closed_url();
    let id = webhook(&sb, &url, None);
    let event = sb.trigger_event(id, "files", "UPDATED", None).unwrap();
    let d = finished(&sb, event);
    assert_eq!(d.state, DeliveryState::Failed);
    assert_eq!(d.attempts, vec![0; 1 + MAX_RETRIES as usize]);
    assert_eq!(d.attempts.len(), 10);
}

#[test]
fn refusals_name_the_argument_and_send_nothing() {
    let sb = start(Duration::from_millis(1));
    let receiver = Receiver::start(&[]);
    let with_events = webhook(&sb, &receiver.url, None);
    let without = instance(&sb, "dropbox", &[]);
    let elsewhere = webhook(&sb, "https://app.example.com/events", None);
    let cases = [
        (
            999,
            "files",
            "UPDATED",
            None,
            Some("instance_id"),
            "no instance 999",
        ),
        (
            -1,
            "files",
            "UPDATED",
            None,
            Some("instance_id"),
            "no instance -1",
        ),
        (
            without,
            "files",
            "UPDATED",
            None,
            Some("instance_id"),
            "no events enabled",
        ),
        (
            with_events,
            "files",
            "TOUCHED",
            None,
            Some("event_type"),
            "CREATED, UPDATED or DELETED",
        ),
        (
            with_events,
            " ",
            "UPDATED",
            None,
            Some("object_type"),
            "non-empty",
        ),
        (
            with_events,
            "files",
            "UPDATED",
            Some(""),
            Some("object_id"),
            "non-empty",
        ),
        (elsewhere, "files", "UPDATED", None, None, "loopback"),
    ];
    for (instance, object_type, event_type, object_id, field, words) in cases {
        let err = sb
            .trigger_event(instance, object_type, event_type, object_id)
            .unwrap_err();
        assert_eq!(err.field(), field, "{err}");
        assert!(err.message().contains(words), "{err}");
        if let Some(field) = field {
            assert_eq!(err.message(), format!("invalid {field}: {}", err.reason()));
        }
    }
    assert!(sb.deliveries().is_empty());
    assert!(receiver.received().is_empty());
}

#[test]
fn the_control_api_triggers_and_lists_and_is_neither_recorded_nor_faulted() {
    let sb = start(Duration::from_millis(1));
    let receiver = Receiver::start(&[]);
    let id = webhook(&sb, &receiver.url, Some(SIGNATURE_KEY));
    let before = sb.requests().len();
    sb.inject_fault("status:500", 1).unwrap();
    let body = json!({"instanceId": id, "objectType": "files", "objectId": "x-1"});
    let r = api(&sb, "POST", "/sandbox/events", Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    let event = r.json()["eventId"].as_u64().unwrap();
    let d = finished(&sb, event);
    assert!(d.body.contains("\"UPDATED\""), "UPDATED is the default");
    let r = api(&sb, "GET", &format!("/sandbox/deliveries/{event}"), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), d.to_json());
    let r = api(&sb, "GET", "/sandbox/deliveries", None);
    assert_eq!(r.json(), sb.deliveries_value());
    assert_eq!(api(&sb, "GET", "/sandbox/deliveries/77", None).status, 404);
    // Refusals carry the field; the secrets are required.
    let r = api(
        &sb,
        "POST",
        "/sandbox/events",
        Some(&json!({"instanceId": 4242, "objectType": "files"})),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["field"], "instance_id");
    let r = api(
        &sb,
        "POST",
        "/sandbox/events",
        Some(&json!({"objectType": "files"})),
    );
    assert_eq!(r.json()["field"], "instance_id");
    let r = request(
        sb.port(),
        "POST",
        "/elements/api-v2/sandbox/events",
        &[],
        body.to_string().as_bytes(),
    );
    assert_eq!(r.status, 401);
    assert_eq!(api(&sb, "DELETE", "/sandbox/events", None).status, 405);
    assert_eq!(
        sb.requests().len(),
        before,
        "control calls are not recorded"
    );
    // The queued fault is still there for the next API call.
    assert_eq!(api(&sb, "GET", "/instances", None).status, 500);
}

#[test]
fn stop_ends_retries_and_a_stopped_sandbox_triggers_nothing() {
    let sb = start(Duration::from_secs(3600));
    let id = webhook(&sb, &closed_url(), None);
    let event = sb.trigger_event(id, "files", "UPDATED", None).unwrap();
    // The first attempt fails; the retry is an hour away.
    let deadline = Instant::now() + Duration::from_secs(30);
    while sb.deliveries()[0].attempts.is_empty() {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(5));
    }
    sb.stop();
    let d = &sb.deliveries()[0];
    assert_eq!((d.event_id, d.attempts.as_slice()), (event, &[0][..]));
    assert_eq!(d.state, DeliveryState::Pending);
    let err = sb.trigger_event(id, "files", "UPDATED", None).unwrap_err();
    assert!(err.message().contains("stopped"), "{err}");
}

#[test]
fn the_delivery_log_is_bounded() {
    // Finished deliveries make room for new ones...
    let sb = start(Duration::from_millis(1));
    let receiver = Receiver::start(&[]);
    let id = webhook(&sb, &receiver.url, None);
    let mut last = 0;
    for _ in 0..MAX_DELIVERIES + 5 {
        last = sb.trigger_event(id, "files", "UPDATED", None).unwrap();
        // Let the worker keep up, so the oldest ones are finished.
        if last % 100 == 0 {
            finished(&sb, last);
        }
    }
    finished(&sb, last);
    let all = sb.deliveries();
    assert_eq!(all.len(), MAX_DELIVERIES);
    assert_eq!(all.last().unwrap().event_id, last);
    assert!(all.iter().all(|d| d.state == DeliveryState::Delivered));
    // ...but deliveries still being retried are never dropped.
    let sb = start(Duration::from_secs(3600));
    let id = webhook(&sb, &closed_url(), None);
    for _ in 0..MAX_DELIVERIES {
        sb.trigger_event(id, "files", "UPDATED", None).unwrap();
    }
    let err = sb.trigger_event(id, "files", "UPDATED", None).unwrap_err();
    assert!(err.message().contains("still being retried"), "{err}");
    assert_eq!(sb.deliveries().len(), MAX_DELIVERIES);
}

#[test]
fn the_retry_delay_option_is_bounded() {
    let err = Sandbox::start(SandboxOptions {
        event_retry_delay: Duration::from_secs(3601),
        ..SandboxOptions::default()
    })
    .unwrap_err();
    assert!(err.message().contains("event_retry_delay"), "{err}");
}
