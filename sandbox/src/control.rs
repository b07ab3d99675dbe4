//! The sandbox's own control API over HTTP, for `elements-auth trigger` and
//! scripts in other processes: trigger an event, read the deliveries.
//! Authorised with the platform Authorization header (the sandbox's own
//! secrets); neither recorded in [`crate::Sandbox::requests`] nor faulted.

use crate::http::{Request, Response};
use crate::util::request_id;
use crate::{events, platform, SandboxError, Shared, BASE_PATH};
use serde_json::{json, Value};
use std::sync::Arc;

/// Whether `path` is under the control API (`{base}/sandbox/...`).
pub(crate) fn is_control(path: &str) -> bool {
    path.strip_prefix(BASE_PATH)
        .is_some_and(|rest| rest == "/sandbox" || rest.starts_with("/sandbox/"))
}

/// Answers one control request.
pub(crate) fn handle(shared: &Arc<Shared>, req: &Request) -> Response {
    let rid = request_id();
    let resp = match platform::check_auth(shared, req) {
        Err(e) => e.into_response(&rid),
        Ok(()) => route(shared, req, &rid),
    };
    resp.with_header("Elements-Request-Id", rid)
}

fn json_response(status: u16, value: &Value) -> Response {
    Response::new(status, "application/json", value.to_string())
}

/// The platform's error shape, with the argument at fault when there is one.
fn error(status: u16, message: &str, field: Option<&str>, rid: &str) -> Response {
    let mut body = json!({"message": message, "requestId": rid});
    if let Some(field) = field {
        body["field"] = json!(field);
    }
    json_response(status, &body)
}

fn refused(e: &SandboxError, rid: &str) -> Response {
    error(400, e.message(), e.field(), rid)
}

fn route(shared: &Arc<Shared>, req: &Request, rid: &str) -> Response {
    let rest = req.path[BASE_PATH.len()..].trim_end_matches('/');
    let method = req.method.as_str();
    let not_allowed = || {
        error(
            405,
            &format!("Method {method} is not allowed on {}", req.path),
            None,
            rid,
        )
    };
    match rest {
        "/sandbox/events" if method == "POST" => trigger(shared, req, rid),
        "/sandbox/events" => not_allowed(),
        "/sandbox/deliveries" if method == "GET" => {
            let all: Vec<Value> = shared
                .events
                .deliveries()
                .iter()
                .map(crate::Delivery::to_json)
                .collect();
            json_response(200, &Value::Array(all))
        }
        "/sandbox/deliveries" => not_allowed(),
        _ => match rest.strip_prefix("/sandbox/deliveries/") {
            Some(id) if method == "GET" => {
                match id.parse().ok().and_then(|id| shared.events.delivery(id)) {
                    Some(d) => json_response(200, &d.to_json()),
                    None => error(404, &format!("No delivery of event '{id}'"), None, rid),
                }
            }
            Some(_) => not_allowed(),
            None => error(
                404,
                &format!("No resource found at path '{}'", req.path),
                None,
                rid,
            ),
        },
    }
}

/// `POST {base}/sandbox/events` with `{instanceId, objectType[, eventType][, objectId]}`.
fn trigger(shared: &Arc<Shared>, req: &Request, rid: &str) -> Response {
    let body = match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => m,
        _ => return error(400, "Request body must be a JSON object", None, rid),
    };
    let instance_id = match body.get("instanceId") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let Some(instance_id) = instance_id else {
        let e = SandboxError::for_field("instance_id", "must be a whole number");
        return refused(&e, rid);
    };
    let text = |key: &str| body.get(key).and_then(Value::as_str);
    let Some(object_type) = text("objectType") else {
        let e = SandboxError::for_field("object_type", "must be a string");
        return refused(&e, rid);
    };
    let event_type = match body.get("eventType") {
        None | Some(Value::Null) => "UPDATED",
        Some(Value::String(s)) => s,
        Some(_) => {
            let e = SandboxError::for_field("event_type", "must be a string");
            return refused(&e, rid);
        }
    };
    let object_id = match body.get("objectId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            let e = SandboxError::for_field("object_id", "must be a string");
            return refused(&e, rid);
        }
    };
    match events::trigger(shared, instance_id, object_type, event_type, object_id) {
        Ok(event_id) => json_response(200, &json!({ "eventId": event_id })),
        Err(e) => refused(&e, rid),
    }
}
