//! Events: `parseEventNotification` and the plain objects it returns, the
//! `triggerEvent` argument, and the sandbox's `Delivery` records.
//! Conversion only: parsing lives in the core, delivery in the sandbox crate.

use crate::error::{sync, Failure};
use crate::js::{self, Body, Fields, Id};
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

/// One event notification as the platform POSTs it to your events endpoint
/// (what `parseEventNotification` returns). Verify the signature on the raw
/// body first; then ignore an `eventId` you have already handled (a
/// replayed notification verifies too).
#[napi(object, object_from_js = false)]
pub struct EventNotification {
    /// The platform's id of the event, as text: what makes receiving it twice safe.
    pub event_id: String,
    /// The id of the instance the events are about.
    pub instance_id: i64,
    /// The id of this notification, as text.
    pub notification_id: String,
    /// The events, in order.
    pub events: Vec<NotificationEvent>,
    /// The whole notification as parsed JSON, unknown fields included.
    #[napi(ts_type = "Record<string, unknown>")]
    pub raw: Value,
}

/// One event of a notification: what changed at the vendor.
#[napi(object, object_from_js = false)]
pub struct NotificationEvent {
    /// The element's key, such as `concur`.
    pub element_key: String,
    /// The kind of object, such as a poller resource (`reports`).
    pub object_type: String,
    /// The vendor's id of the object, as text.
    pub object_id: String,
    /// `CREATED`, `UPDATED` or `DELETED` (as sent).
    pub event_type: String,
    /// When the platform saw the change, as sent; undefined when absent.
    pub date: Option<String>,
    /// The event's own JSON.
    #[napi(ts_type = "Record<string, unknown>")]
    pub raw: Value,
}

impl From<elements_auth::EventNotification> for EventNotification {
    fn from(n: elements_auth::EventNotification) -> EventNotification {
        EventNotification {
            event_id: n.event_id,
            instance_id: n.instance_id,
            notification_id: n.notification_id,
            events: n
                .events
                .into_iter()
                .map(|e| NotificationEvent {
                    element_key: e.element_key,
                    object_type: e.object_type,
                    object_id: e.object_id,
                    event_type: e.event_type,
                    date: e.date,
                    raw: e.raw,
                })
                .collect(),
            raw: n.raw,
        }
    }
}

/// Parses the raw body of an event notification (a Buffer or a string).
///
/// Tolerant of unknown fields; throws `DECODE` when the body is not JSON or
/// not the platform's envelope.
#[napi(catch_unwind, ts_args_type = "body: string | Buffer")]
pub fn parse_event_notification(env: Env, body: Unknown<'_>) -> napi::Result<EventNotification> {
    let result = (|| -> Result<EventNotification, Failure> {
        let body: Body = js::required(Some(body), "body")?;
        Ok(elements_auth::parse_event_notification(&body.0)?.into())
    })();
    sync(&env, result)
}

/// What `sandbox.triggerEvent` takes.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct TriggerEvent {
    /// The instance the event is about (it must have events enabled).
    pub instance_id: i64,
    /// The kind of object; for a polling instance whose poller configuration
    /// names resources, one of them (`reports`).
    pub object_type: String,
    /// `CREATED`, `UPDATED` (the default) or `DELETED`.
    #[napi(ts_type = "'CREATED' | 'UPDATED' | 'DELETED'")]
    pub event_type: Option<String>,
    /// The vendor's id of the object; omitted = a random one.
    pub object_id: Option<String>,
}

impl TriggerEvent {
    /// Reads the `event` argument.
    pub(crate) fn read(value: Option<Unknown<'_>>) -> js::Check<TriggerEvent> {
        let f = Fields::argument(js::present(value, "event")?, "event")?;
        Ok(TriggerEvent {
            instance_id: f.required::<Id>("instanceId")?.0,
            object_type: f.required("objectType")?,
            event_type: f.optional("eventType")?,
            object_id: f.optional("objectId")?,
        })
    }
}

/// How the sandbox delivered one triggered event (`sandbox.deliveries()`).
#[napi(object, object_from_js = false)]
pub struct Delivery {
    /// The event id `triggerEvent` returned (the body's `eventId`).
    pub event_id: i64,
    /// The instance the event is about.
    pub instance_id: i64,
    /// The instance's events callback URL, POSTed to.
    pub url: String,
    /// Each attempt's HTTP status, in order; 0 for a connection failure.
    pub attempts: Vec<u32>,
    /// `pending`, `delivered` or `failed`.
    #[napi(ts_type = "'pending' | 'delivered' | 'failed'")]
    pub state: String,
    /// The exact body sent (JSON text), the same on every attempt.
    pub body: String,
    /// The `Elements-Webhook-Signature` value sent; undefined without a signature key.
    pub signature: Option<String>,
}

impl From<elements_auth_sandbox::Delivery> for Delivery {
    fn from(d: elements_auth_sandbox::Delivery) -> Delivery {
        Delivery {
            // Exact: event ids count triggers of one sandbox.
            event_id: d.event_id as i64,
            instance_id: d.instance_id,
            url: d.url,
            attempts: d.attempts.into_iter().map(u32::from).collect(),
            state: d.state.as_str().to_owned(),
            body: d.body,
            signature: d.signature,
        }
    }
}
