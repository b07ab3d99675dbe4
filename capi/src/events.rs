//! Events: verifying with several keys, parsing a notification, and the
//! sandbox's event delivery (trigger, deliveries as JSON, the retry delay).

use crate::ea_result;
use crate::error::ea_error;
use crate::ffi::{arg_bytes, arg_mut, arg_ref, arg_str, borrow_cstr, cstring, free, get, guard};
use crate::ffi::{invalid, FfiResult, Out};
use crate::sandbox::{ea_sandbox, ea_sandbox_options, json_text};
use std::ffi::{c_char, CString};
use std::ptr;
use std::time::Duration;

/// A parsed event notification (`ea_parse_event_notification`). Immutable:
/// may be read from any thread. Holds no secret.
pub struct ea_event_notification {
    event_id: CString,
    instance_id: i64,
    notification_id: CString,
    events: Vec<ea_notification_event>,
    raw_json: CString,
}

/// One event of a notification, borrowed from its `ea_event_notification`
/// (valid until that is freed; never freed on its own). Immutable.
pub struct ea_notification_event {
    element_key: CString,
    object_type: CString,
    object_id: CString,
    event_type: CString,
    date: Option<CString>,
    raw_json: CString,
}

impl From<ea_core::EventNotification> for ea_event_notification {
    fn from(n: ea_core::EventNotification) -> ea_event_notification {
        ea_event_notification {
            event_id: cstring(&n.event_id),
            instance_id: n.instance_id,
            notification_id: cstring(&n.notification_id),
            events: n
                .events
                .iter()
                .map(|e| ea_notification_event {
                    element_key: cstring(&e.element_key),
                    object_type: cstring(&e.object_type),
                    object_id: cstring(&e.object_id),
                    event_type: cstring(&e.event_type),
                    date: e.date.as_deref().map(cstring),
                    raw_json: cstring(&e.raw.to_string()),
                })
                .collect(),
            raw_json: cstring(&n.raw.to_string()),
        }
    }
}

/// Checks an event's `Elements-Webhook-Signature` header against the raw
/// body with any of `keys_len` keys (a key rotation: the new key and the
/// old one); each is compared in constant time. `EA_OK` when one matches,
/// `EA_ERR_INVALID_SIGNATURE` when none does. `signature_keys` and `body`
/// must not be NULL; a NULL or empty key is `EA_ERR_INVALID_INPUT` naming
/// `signature_keys[i]`. Thread-safe.
#[no_mangle]
pub extern "C" fn ea_verify_webhook_signature_keys(
    signature_keys: *const *const c_char,
    keys_len: usize,
    body: *const u8,
    body_len: usize,
    signature_header: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        if signature_keys.is_null() {
            return Err(invalid("signature_keys", "must not be NULL"));
        }
        // SAFETY: the caller promises `keys_len` readable pointers at `signature_keys`.
        let pointers = unsafe { std::slice::from_raw_parts(signature_keys, keys_len) };
        let keys = pointers
            .iter()
            .enumerate()
            .map(|(i, p)| arg_str(*p, &format!("signature_keys[{i}]")))
            .collect::<FfiResult<Vec<&str>>>()?;
        let body = arg_bytes(body, body_len, "body")?;
        let header = arg_str(signature_header, "signature_header")?;
        ea_core::verify_webhook_signature(&keys, body, header)?;
        Ok(())
    })
}

/// Parses the raw body of an event notification (`body_len` bytes; `body`
/// must not be NULL). Unknown fields are ignored; a body that is not the
/// platform's envelope is `EA_ERR_DECODE`. Free `*out` with
/// `ea_event_notification_free`. Thread-safe.
#[no_mangle]
pub extern "C" fn ea_parse_event_notification(
    body: *const u8,
    body_len: usize,
    out: *mut *mut ea_event_notification,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let body = arg_bytes(body, body_len, "body")?;
        let out = Out::new(out, "out")?;
        out.set(ea_core::parse_event_notification(body)?.into());
        Ok(())
    })
}

fn read<T: Copy>(
    n: *const ea_event_notification,
    default: T,
    pick: impl FnOnce(&ea_event_notification) -> T,
) -> T {
    get(default, || {
        // SAFETY: NULL or a live `ea_event_notification`.
        unsafe { n.as_ref() }.map_or(default, pick)
    })
}

/// The platform's id of the event, as text: remember it, and ignore a
/// notification whose event id you have already handled (a replay verifies
/// too). Borrowed: valid until the notification is freed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_event_notification_event_id(
    notification: *const ea_event_notification,
) -> *const c_char {
    borrow_cstr(notification, |n| &n.event_id)
}

/// The id of the instance the events are about; 0 for NULL.
#[no_mangle]
pub extern "C" fn ea_event_notification_instance_id(
    notification: *const ea_event_notification,
) -> i64 {
    read(notification, 0, |n| n.instance_id)
}

/// The id of this notification, as text. Borrowed: valid until the
/// notification is freed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_event_notification_notification_id(
    notification: *const ea_event_notification,
) -> *const c_char {
    borrow_cstr(notification, |n| &n.notification_id)
}

/// The number of events; 0 for NULL.
#[no_mangle]
pub extern "C" fn ea_event_notification_events_len(
    notification: *const ea_event_notification,
) -> usize {
    read(notification, 0, |n| n.events.len())
}

/// Event `index` (0-based), borrowed from the notification: valid until
/// `ea_event_notification_free`, never freed on its own. NULL when out of
/// range or for NULL.
#[no_mangle]
pub extern "C" fn ea_event_notification_event(
    notification: *const ea_event_notification,
    index: usize,
) -> *const ea_notification_event {
    read(notification, ptr::null(), |n| {
        n.events
            .get(index)
            .map_or(ptr::null(), |e| e as *const ea_notification_event)
    })
}

/// The whole notification as JSON text, unknown fields included. Borrowed:
/// valid until the notification is freed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_event_notification_raw_json(
    notification: *const ea_event_notification,
) -> *const c_char {
    borrow_cstr(notification, |n| &n.raw_json)
}

/// Frees a notification and its events. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_event_notification_free(notification: *mut ea_event_notification) {
    free(notification)
}

/// The element's key, such as `concur`. Borrowed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_notification_event_element_key(
    event: *const ea_notification_event,
) -> *const c_char {
    borrow_cstr(event, |e| &e.element_key)
}

/// The kind of object, such as a poller resource (`reports`). Borrowed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_notification_event_object_type(
    event: *const ea_notification_event,
) -> *const c_char {
    borrow_cstr(event, |e| &e.object_type)
}

/// The vendor's id of the object, as text. Borrowed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_notification_event_object_id(
    event: *const ea_notification_event,
) -> *const c_char {
    borrow_cstr(event, |e| &e.object_id)
}

/// `CREATED`, `UPDATED` or `DELETED` (as sent). Borrowed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_notification_event_event_type(
    event: *const ea_notification_event,
) -> *const c_char {
    borrow_cstr(event, |e| &e.event_type)
}

/// When the platform saw the change, as sent; NULL when the event has no
/// date, or for NULL. Borrowed.
#[no_mangle]
pub extern "C" fn ea_notification_event_date(event: *const ea_notification_event) -> *const c_char {
    get(ptr::null(), || {
        // SAFETY: NULL or a live event borrowed from a notification.
        unsafe { event.as_ref() }
            .and_then(|e| e.date.as_ref())
            .map_or(ptr::null(), |d| d.as_ptr())
    })
}

/// The event's own JSON text. Borrowed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_notification_event_raw_json(
    event: *const ea_notification_event,
) -> *const c_char {
    borrow_cstr(event, |e| &e.raw_json)
}

/// Sets how long after a failed event delivery the first retry comes, in
/// microseconds (default 100000, the platform's 4000000; at most an hour,
/// checked by `ea_sandbox_start_with`); each next retry waits 4 times longer.
#[no_mangle]
pub extern "C" fn ea_sandbox_options_set_event_retry_delay_us(
    opts: *mut ea_sandbox_options,
    event_retry_delay_us: u64,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        arg_mut(opts, "opts")?.inner.event_retry_delay =
            Duration::from_micros(event_retry_delay_us);
        Ok(())
    })
}

/// Delivers one event as the platform would: a notification about
/// `instance_id` POSTed to its events callback URL (loopback only) by a
/// background thread, signed when it has a signature key, retried on
/// failure. `event_type` is `CREATED`, `UPDATED` or `DELETED` (NULL:
/// `UPDATED`); `object_id` NULL: a random one. Writes the event id to
/// `*event_id` at once; `ea_sandbox_deliveries_json` tells how it went.
/// `EA_ERR_SANDBOX` with `ea_error_field` naming the argument for an
/// unknown instance, one without events, or a resource its poller
/// configuration does not name. Thread-safe.
#[no_mangle]
pub extern "C" fn ea_sandbox_trigger_event(
    sandbox: *const ea_sandbox,
    instance_id: i64,
    object_type: *const c_char,
    event_type: *const c_char,
    object_id: *const c_char,
    event_id: *mut u64,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let sandbox = arg_ref(sandbox, "sandbox")?;
        let object_type = arg_str(object_type, "object_type")?;
        let event_type = if event_type.is_null() {
            "UPDATED"
        } else {
            arg_str(event_type, "event_type")?
        };
        let object_id = if object_id.is_null() {
            None
        } else {
            Some(arg_str(object_id, "object_id")?)
        };
        if event_id.is_null() {
            return Err(invalid("event_id", "must not be NULL"));
        }
        let id = sandbox
            .inner
            .trigger_event(instance_id, object_type, event_type, object_id)?;
        // SAFETY: checked non-NULL above; the caller passes a writable `uint64_t`.
        unsafe { *event_id = id };
        Ok(())
    })
}

/// Every event delivery, oldest first (the newest 1000 are kept), as a JSON
/// array of `{eventId, instanceId, url, attempts, state, body, signature}`:
/// `attempts` holds each attempt's HTTP status (0: no connection), `state`
/// is `pending`, `delivered` or `failed`, `signature` null without a
/// signature key. Free `*out` with `ea_string_free`. Thread-safe.
#[no_mangle]
pub extern "C" fn ea_sandbox_deliveries_json(
    sandbox: *const ea_sandbox,
    out: *mut *mut c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    json_text(
        sandbox,
        out,
        err,
        elements_auth_sandbox::Sandbox::deliveries_json,
    )
}
