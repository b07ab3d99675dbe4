//! Reading the event notifications the platform POSTs to an instance's
//! `event.notification.callback.url`:
//! `{"eventId", "instanceId", "notificationId", "response": {"events": [...]}}`,
//! each event normalised to element key, object type, object id, event type
//! and date. Unknown fields are ignored; anything else is a `Decode` error.

use crate::{Error, Result};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// One event notification, as the platform POSTs it to your events endpoint.
///
/// Verify its signature on the raw body first
/// ([`crate::verify_webhook_signature`]), then parse it. The signature has
/// no timestamp, so a replayed notification verifies too: remember the
/// `event_id`s you have handled and ignore one you have already seen.
#[derive(Debug, Clone, PartialEq)]
pub struct EventNotification {
    /// The platform's id of this event, as text (numbers arrive as their
    /// decimal form): what makes a notification safe to receive twice.
    pub event_id: String,
    /// The id of the instance the events are about.
    pub instance_id: i64,
    /// The id of this notification (one delivery of the event), as text.
    pub notification_id: String,
    /// The events of `response.events`, in order.
    pub events: Vec<NotificationEvent>,
    /// The whole notification as parsed JSON, unknown fields included.
    pub raw: Value,
}

/// One event of a notification: what changed at the vendor.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationEvent {
    /// The element's key, such as `concur`.
    pub element_key: String,
    /// The kind of object: a poller configuration's resource (`reports`) or
    /// the vendor's object name.
    pub object_type: String,
    /// The vendor's id of the object, as text.
    pub object_id: String,
    /// `CREATED`, `UPDATED` or `DELETED` (kept as sent).
    pub event_type: String,
    /// When the platform saw the change (`date`, or the platform's older
    /// `eventDate` / `pollDate`), as sent; `None` when absent.
    pub date: Option<String>,
    /// The event's own JSON, unknown fields included.
    pub raw: Value,
}

/// An id the platform may send as a number or as a string: kept as text.
fn text_id<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) if !s.is_empty() => Ok(s),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        _ => Err(serde::de::Error::custom(
            "expected a non-empty string or a whole number",
        )),
    }
}

/// An instance id: a whole number, or one in a string.
fn number_id<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<i64, D::Error> {
    let value = Value::deserialize(d)?;
    let number = match &value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    number.ok_or_else(|| serde::de::Error::custom("expected a whole number"))
}

/// The envelope, with the events left as JSON to be read one by one.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NotificationWire {
    #[serde(deserialize_with = "text_id")]
    event_id: String,
    #[serde(deserialize_with = "number_id")]
    instance_id: i64,
    #[serde(deserialize_with = "text_id")]
    notification_id: String,
    response: ResponseWire,
}

#[derive(Deserialize)]
struct ResponseWire {
    events: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventWire {
    element_key: String,
    object_type: String,
    #[serde(deserialize_with = "text_id")]
    object_id: String,
    event_type: String,
    #[serde(default, alias = "eventDate", alias = "pollDate")]
    date: Option<String>,
}

fn not_envelope(message: String) -> Error {
    Error::Decode {
        operation: None,
        message: format!("the body is not an event notification: {message}"),
        may_have_reached_server: false,
    }
}

/// Parses the raw body of an event notification into an [`EventNotification`].
///
/// Tolerant of fields it does not know; a body that is not JSON, or not the
/// envelope (`eventId`, `instanceId`, `notificationId`, `response.events`
/// with `elementKey`, `objectType`, `objectId` and `eventType` per event),
/// is a [`Error::Decode`] saying what is missing.
pub fn parse_event_notification(raw_body: &[u8]) -> Result<EventNotification> {
    let raw: Value = serde_json::from_slice(raw_body)
        .map_err(|e| not_envelope(format!("it is not JSON ({e})")))?;
    // serde also reads a struct from an array, by position: the envelope,
    // its response and each event must be objects.
    if !raw.is_object() {
        return Err(not_envelope("it is not a JSON object".to_owned()));
    }
    if raw.get("response").is_some_and(|r| !r.is_object()) {
        return Err(not_envelope("response is not an object".to_owned()));
    }
    let wire = NotificationWire::deserialize(&raw).map_err(|e| not_envelope(e.to_string()))?;
    let events = wire
        .response
        .events
        .into_iter()
        .enumerate()
        .map(|(i, event)| {
            if !event.is_object() {
                return Err(not_envelope(format!(
                    "response.events[{i}] is not an object"
                )));
            }
            let e = EventWire::deserialize(&event)
                .map_err(|e| not_envelope(format!("response.events[{i}]: {e}")))?;
            Ok(NotificationEvent {
                element_key: e.element_key,
                object_type: e.object_type,
                object_id: e.object_id,
                event_type: e.event_type,
                date: e.date,
                raw: event,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(EventNotification {
        event_id: wire.event_id,
        instance_id: wire.instance_id,
        notification_id: wire.notification_id,
        events,
        raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_as_numbers_or_strings_and_the_older_date_names() {
        let body = br#"{"eventId": 7, "instanceId": "12", "notificationId": "n-1", "extra": true,
            "response": {"events": [{"elementKey": "concur", "objectType": "reports",
            "objectId": 99, "eventType": "CREATED", "pollDate": "2024-01-31T12:00:00Z", "x": 1}]}}"#;
        let n = parse_event_notification(body).unwrap();
        assert_eq!((n.event_id.as_str(), n.instance_id), ("7", 12));
        assert_eq!(n.events[0].object_id, "99");
        assert_eq!(n.events[0].date.as_deref(), Some("2024-01-31T12:00:00Z"));
        assert_eq!(n.events[0].raw["x"], 1);
        assert_eq!(n.raw["extra"], true);
    }

    /// Found by fuzzing (event_notification): serde reads a struct from an
    /// array by position, so `[3,7,32,[[]]]` parsed as a notification.
    #[test]
    fn arrays_in_place_of_objects_are_refused() {
        let event = r#"{"elementKey": "concur", "objectType": "reports", "objectId": "1", "eventType": "CREATED"}"#;
        let cases = [
            ("[3,7,32,[[]]]".to_owned(), "not a JSON object"),
            (
                r#"{"eventId": 1, "instanceId": 2, "notificationId": "n", "response": [[]]}"#
                    .to_owned(),
                "response is not an object",
            ),
            (
                format!(
                    r#"{{"eventId": 1, "instanceId": 2, "notificationId": "n", "response": {{"events": [{event}, ["concur", "reports", "1", "CREATED"]]}}}}"#
                ),
                "response.events[1] is not an object",
            ),
        ];
        for (body, said) in cases {
            let err = parse_event_notification(body.as_bytes()).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Decode, "{body}");
            assert!(err.message().contains(said), "{body}: {err}");
        }
    }

    #[test]
    fn what_is_missing_is_said() {
        let err = parse_event_notification(br#"{"eventId": 1, "instanceId": 2, "notificationId": "n",
            "response": {"events": [{"elementKey": "concur", "objectId": "1", "eventType": "UPDATED"}]}}"#)
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Decode);
        assert!(err.message().contains("response.events[0]"), "{err}");
        assert!(err.message().contains("objectType"), "{err}");
        assert!(!err.may_have_reached_server());
    }
}
