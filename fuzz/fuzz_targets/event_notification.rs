//! `parse_event_notification` on any bytes. Invariants: it never panics; a
//! refusal is a `Decode` error of no call; a parsed notification holds the
//! whole body as `raw`, one typed event per `response.events` item (each
//! with its own JSON), ids that are the body's, and parses again, unchanged,
//! from its own `raw` re-serialised.
#![no_main]

use elements_auth::{parse_event_notification, ErrorKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let n = match parse_event_notification(data) {
        Ok(n) => n,
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Decode);
            assert!(e.operation().is_none() && !e.may_have_reached_server() && !e.is_retryable());
            return;
        }
    };
    let whole: serde_json::Value = serde_json::from_slice(data).expect("a parsed body is JSON");
    assert_eq!(n.raw, whole);
    let events = whole["response"]["events"].as_array().expect("events are an array");
    assert_eq!(n.events.len(), events.len());
    for (event, json) in n.events.iter().zip(events) {
        assert_eq!(&event.raw, json);
        assert_eq!(json["objectType"].as_str(), Some(event.object_type.as_str()));
        assert!(!event.object_id.is_empty());
    }
    assert!(!n.event_id.is_empty() && !n.notification_id.is_empty());
    if let Some(text) = whole["eventId"].as_str() {
        assert_eq!(text, n.event_id);
    }
    if let Some(number) = whole["instanceId"].as_i64() {
        assert_eq!(number, n.instance_id);
    }
    let again = serde_json::to_vec(&n.raw).expect("JSON serialises");
    assert_eq!(parse_event_notification(&again).as_ref(), Ok(&n));
});
