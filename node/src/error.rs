//! Core errors to JS: a marked JSON payload that `index.js` turns into an
//! `ElementsAuthError` carrying `code`, `kind` and the error's fields.

use serde_json::{json, Value};

/// Prefix of a native error message that carries an error payload.
pub(crate) const MARKER: &str = "\u{1}elements-auth-error\u{1}";

/// `callback_url` -> `callbackUrl`, `events.refresh_interval` -> `events.refreshInterval`.
pub(crate) fn camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A core field name as Node callers spell it: camelCase, and durations with
/// the `Ms` suffix of their Node option (`timeout` -> `timeoutMs`).
pub(crate) fn node_field(field: &str) -> String {
    match field {
        "timeout" => "timeoutMs".to_owned(),
        "max_retry_delay" => "maxRetryDelayMs".to_owned(),
        "retry_base_delay" => "retryBaseDelayMs".to_owned(),
        _ => camel(field),
    }
}

/// The payload of one core error; its message names fields as Node spells them.
fn payload(err: &elements_auth::Error) -> Value {
    use elements_auth::Error as E;
    let kind = err.kind().as_str();
    let mut p = json!({
        "kind": kind,
        "code": kind.to_uppercase(),
        "message": err.to_string(),
        "status": err.status(),
        "requestId": err.request_id(),
        "providerMessage": err.provider_message(),
        "field": err.field().map(node_field),
        "mayHaveReachedServer": err.may_have_reached_server(),
        "retryable": err.is_retryable(),
    });
    match err {
        E::InvalidInput { field, reason } => {
            p["message"] = json!(format!("invalid {}: {reason}", node_field(field)));
        }
        E::AuthorizationDenied {
            error,
            description,
            uri,
        } => {
            p["error"] = json!(error);
            p["description"] = json!(description);
            p["uri"] = json!(uri);
        }
        _ => {}
    }
    p
}

/// A core error as a native error for `index.js` to convert.
pub(crate) fn to_napi(err: elements_auth::Error) -> napi::Error {
    napi::Error::from_reason(format!("{MARKER}{}", payload(&err)))
}

/// An invalid argument detected while converting JS values.
pub(crate) fn invalid(field: &str, reason: &str) -> napi::Error {
    let p = json!({
        "kind": "invalid_input",
        "code": "INVALID_INPUT",
        "message": format!("invalid {field}: {reason}"),
        "field": field,
        "mayHaveReachedServer": false,
        "retryable": false,
    });
    napi::Error::from_reason(format!("{MARKER}{p}"))
}

/// A sandbox error (bad fault mode, unknown consent URL, port in use...).
pub(crate) fn sandbox(err: elements_auth_sandbox::SandboxError) -> napi::Error {
    sandbox_message(err.message())
}

/// A sandbox failure described by `message`, as an `ElementsAuthError` with code `SANDBOX`.
pub(crate) fn sandbox_message(message: &str) -> napi::Error {
    let p = json!({
        "kind": "sandbox",
        "code": "SANDBOX",
        "message": message,
        "mayHaveReachedServer": false,
        "retryable": false,
    });
    napi::Error::from_reason(format!("{MARKER}{p}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn camel_case_fields() {
        assert_eq!(
            super::camel("events.refresh_interval"),
            "events.refreshInterval"
        );
        assert_eq!(super::camel("tags[0]"), "tags[0]");
    }

    #[test]
    fn node_field_names() {
        assert_eq!(super::node_field("timeout"), "timeoutMs");
        assert_eq!(super::node_field("response_limit"), "responseLimit");
        assert_eq!(super::node_field("id"), "id");
        assert_eq!(super::node_field("configuration[2]"), "configuration[2]");
    }

    fn payload_of(err: napi::Error) -> serde_json::Value {
        let text = err
            .reason
            .strip_prefix(super::MARKER)
            .expect("marked payload");
        serde_json::from_str(text).expect("JSON payload")
    }

    #[test]
    fn core_fields_reach_js_as_node_names() {
        let timeout = elements_auth::Client::builder()
            .timeout(std::time::Duration::ZERO)
            .build()
            .expect_err("a zero timeout is refused");
        let p = payload_of(super::to_napi(timeout));
        assert_eq!(p["code"], "INVALID_INPUT");
        assert_eq!(p["field"], "timeoutMs");
        assert!(p["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid timeoutMs: "));
    }

    #[test]
    fn sandbox_failures_are_sandbox_errors() {
        let p = payload_of(super::sandbox_message("recorded requests: bad JSON"));
        assert_eq!(p["code"], "SANDBOX");
        assert_eq!(p["kind"], "sandbox");
        assert_eq!(p["message"], "recorded requests: bad JSON");
        assert_eq!(p["retryable"], false);
    }
}
