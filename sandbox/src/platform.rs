//! The emulated platform API under `/elements/api-v2`: `oauth/url`, `/instances`,
//! the platform error shape, and fault injection.

use crate::http::{Request, Response};
use crate::state::{find_element, Element, Fault, Instance};
use crate::util::{is_absolute_http_url, iso_now, random_token, request_id};
use crate::{lock, RecordedRequest, Shared, BASE_PATH};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::time::Instant;

/// What the connection loop should do with a request.
pub(crate) enum Outcome {
    /// Write this response.
    Respond(Response),
    /// Close the socket without answering (the `drop` fault).
    Drop,
}

/// A platform error answer before it gets its request id.
pub(crate) struct ApiError {
    status: u16,
    message: String,
    provider_message: Option<String>,
}

fn err(status: u16, message: impl Into<String>) -> ApiError {
    ApiError {
        status,
        message: message.into(),
        provider_message: None,
    }
}

fn missing(field: &str) -> ApiError {
    err(400, format!("Missing required parameter: {field}"))
}

impl ApiError {
    /// The platform error JSON with `requestId` and the `Elements-Request-Id` header.
    pub(crate) fn into_response(self, rid: &str) -> Response {
        let mut body = Map::new();
        body.insert("message".into(), Value::String(self.message));
        body.insert("requestId".into(), Value::String(rid.to_string()));
        if let Some(p) = self.provider_message {
            body.insert("providerMessage".into(), Value::String(p));
        }
        Response::new(
            self.status,
            "application/json",
            Value::Object(body).to_string(),
        )
        .with_header("Elements-Request-Id", rid)
    }
}

/// Answers a request the HTTP layer could not parse, in the platform error shape.
pub(crate) fn protocol_error(status: u16, message: &str) -> Response {
    err(status, message).into_response(&request_id())
}

/// Answers a path that is neither API nor vendor page.
pub(crate) fn not_found(path: &str) -> Response {
    err(404, format!("No resource found at path '{path}'")).into_response(&request_id())
}

fn json_ok(value: &Value) -> Response {
    Response::new(200, "application/json", value.to_string())
}

/// Handles one request under `/elements/api-v2`: records it, applies a queued
/// fault if any, otherwise routes it.
pub(crate) fn handle(shared: &Shared, req: &Request) -> Outcome {
    let rid = request_id();
    let fault = {
        let mut state = lock(&shared.state);
        state.record(RecordedRequest::from_request(req), &shared.limits);
        state.faults.pop_front()
    };
    match fault {
        None => {}
        Some(Fault::Slow(d)) => std::thread::sleep(d),
        Some(Fault::Status(code)) => {
            let mut resp = err(code, format!("Injected fault: HTTP {code}")).into_response(&rid);
            if code == 429 || code == 503 {
                resp = resp.with_header("Retry-After", "1");
            }
            return Outcome::Respond(resp);
        }
        Some(Fault::Drop) => return Outcome::Drop,
        Some(Fault::BadJson) => {
            return Outcome::Respond(
                Response::new(200, "application/json", r#"{"id": 1, "name": "truncat"#)
                    .with_header("Elements-Request-Id", rid),
            );
        }
        Some(Fault::NoState | Fault::Truncated) => {}
        Some(Fault::Huge) => {
            const SIZE: usize = 12 * 1024 * 1024;
            let mut body = Vec::with_capacity(SIZE);
            body.extend_from_slice(br#"{"padding":""#);
            body.resize(SIZE - 2, b'x');
            body.extend_from_slice(b"\"}");
            return Outcome::Respond(
                Response::new(200, "application/json", body)
                    .with_header("Elements-Request-Id", rid),
            );
        }
    }
    let no_state = fault == Some(Fault::NoState);
    let mut resp = match route(shared, req, no_state) {
        Ok(r) => r,
        Err(e) => e.into_response(&rid),
    };
    if fault == Some(Fault::Truncated) {
        let half = resp.body.len() / 2;
        resp.body.truncate(half);
    }
    Outcome::Respond(resp.with_header("Elements-Request-Id", rid))
}

fn route(shared: &Shared, req: &Request, no_state: bool) -> Result<Response, ApiError> {
    let sub = req.path.strip_prefix(BASE_PATH).unwrap_or("");
    let segs: Vec<String> = sub
        .trim_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let method = req.method.as_str();
    let not_allowed = || {
        err(
            405,
            format!("Method {method} is not allowed on {}", req.path),
        )
    };
    match segs.as_slice() {
        ["elements", key, "oauth", "url"] => match method {
            "GET" => oauth_url(shared, req, key, no_state),
            _ => Err(not_allowed()),
        },
        ["elements", key, "instances"] => match method {
            "POST" => create_instance(shared, req, Some(key)),
            _ => Err(not_allowed()),
        },
        ["instances"] => match method {
            "POST" => create_instance(shared, req, None),
            "GET" => {
                check_auth(shared, req)?;
                let state = lock(&shared.state);
                let list: Vec<Value> = state.instances.values().map(|i| i.to_json(false)).collect();
                Ok(json_ok(&Value::Array(list)))
            }
            _ => Err(not_allowed()),
        },
        ["instances", id] => match method {
            "GET" | "DELETE" => {
                check_auth(shared, req)?;
                let mut state = lock(&shared.state);
                let found = id
                    .parse::<u64>()
                    .ok()
                    .filter(|n| state.instances.contains_key(n));
                let Some(n) = found else {
                    return Err(err(404, format!("No instance found with id '{id}'")));
                };
                if method == "GET" {
                    Ok(json_ok(&state.instances[&n].to_json(false)))
                } else {
                    state.instances.remove(&n);
                    Ok(Response {
                        status: 200,
                        headers: Vec::new(),
                        body: Vec::new(),
                    })
                }
            }
            _ => Err(not_allowed()),
        },
        _ => Err(err(
            404,
            format!("No resource found at path '{}'", req.path),
        )),
    }
}

fn element_or_404(key: &str) -> Result<&'static Element, ApiError> {
    find_element(key).ok_or_else(|| err(404, format!("No element found with key or id '{key}'")))
}

fn not_oauth(e: &Element) -> ApiError {
    err(400, format!("Element {} does not support OAuth 2.0", e.key))
}

/// `GET /elements/{keyOrId}/oauth/url`; with `no_state`, the URL carries the
/// element key as its state whatever was sent (the `nostate` fault).
fn oauth_url(
    shared: &Shared,
    req: &Request,
    key: &str,
    no_state: bool,
) -> Result<Response, ApiError> {
    let element = element_or_404(key)?;
    if !element.oauth {
        return Err(not_oauth(element));
    }
    let query = req.query();
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let api_key = get("apiKey").ok_or_else(|| missing("apiKey"))?;
    let api_secret = get("apiSecret").ok_or_else(|| missing("apiSecret"))?;
    let callback = get("callbackUrl").ok_or_else(|| missing("callbackUrl"))?;
    if !is_absolute_http_url(callback) {
        return Err(err(
            400,
            "Invalid parameter: callbackUrl must be an absolute http or https URL",
        ));
    }
    for extra in element.required_params {
        get(extra).ok_or_else(|| missing(extra))?;
    }
    let state = match get("state") {
        Some(s) if !no_state => s,
        _ => element.key,
    };
    let scope = get("scope").unwrap_or(element.default_scope);
    {
        let mut st = lock(&shared.state);
        st.apps.insert(api_key.to_string(), api_secret.to_string());
        st.pending.insert(
            (
                element.key.to_string(),
                api_key.to_string(),
                callback.to_string(),
            ),
            (),
        );
    }
    let mut ser = form_urlencoded::Serializer::new(String::new());
    ser.append_pair("response_type", "code")
        .append_pair("client_id", api_key)
        .append_pair("redirect_uri", callback)
        .append_pair("state", state)
        .append_pair("scope", scope);
    let oauth_url = format!(
        "http://127.0.0.1:{}/vendor/{}/oauth2/authorize?{}",
        shared.port,
        element.key,
        ser.finish()
    );
    Ok(json_ok(
        &serde_json::json!({"element": element.key, "oauthUrl": oauth_url}),
    ))
}

/// Parses `User <u>, Organization <o>[, Element <t>]` tolerantly and checks the secrets.
pub(crate) fn check_auth(shared: &Shared, req: &Request) -> Result<(), ApiError> {
    let denied = || {
        err(
            401,
            "Invalid Organization or User secret, or invalid Element token provided.",
        )
    };
    let header = req.header("authorization").ok_or_else(denied)?;
    let mut user = None;
    let mut org = None;
    for part in header.split(',') {
        let part = part.trim();
        let Some((word, value)) = part.split_once(char::is_whitespace) else {
            continue;
        };
        let value = value.trim();
        if word.eq_ignore_ascii_case("user") {
            user = Some(value);
        } else if word.eq_ignore_ascii_case("organization") {
            org = Some(value);
        }
    }
    if user == Some(shared.user_secret.as_str()) && org == Some(shared.organization_secret.as_str())
    {
        Ok(())
    } else {
        Err(denied())
    }
}

fn str_at<'a>(body: &'a Map<String, Value>, object: &str, field: &str) -> Option<&'a str> {
    body.get(object)?
        .get(field)?
        .as_str()
        .filter(|s| !s.is_empty())
}

fn bad_request(message: impl Into<String>) -> ApiError {
    err(400, message)
}

fn missing_field(field: &str) -> ApiError {
    bad_request(format!("Missing required field: {field}"))
}

/// Converts configuration values to the strings the platform stores.
fn configuration(body: &Map<String, Value>) -> Result<BTreeMap<String, String>, ApiError> {
    let mut out = BTreeMap::new();
    let Some(cfg) = body.get("configuration") else {
        return Ok(out);
    };
    let Some(cfg) = cfg.as_object() else {
        return Err(bad_request(
            "Invalid field: configuration must be a JSON object",
        ));
    };
    for (k, v) in cfg {
        let s = match v {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Object(_) if k == "event.poller.configuration" => v.to_string(),
            _ => {
                return Err(bad_request(format!(
                    "Invalid configuration value for '{k}': expected a string, number or boolean"
                )))
            }
        };
        out.insert(k.clone(), s);
    }
    Ok(out)
}

fn tags(body: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    let invalid = || bad_request("Invalid field: tags must be an array of strings");
    match body.get("tags") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| match t {
                Value::String(s) => Ok(s.clone()),
                Value::Object(o) => o
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(invalid),
                _ => Err(invalid()),
            })
            .collect(),
        Some(_) => Err(invalid()),
    }
}

fn check_events(element: &Element, cfg: &BTreeMap<String, String>) -> Result<bool, ApiError> {
    let enabled = cfg
        .get("event.notification.enabled")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if !enabled {
        return Ok(false);
    }
    let kind = cfg
        .get("event.vendor.type")
        .or_else(|| cfg.get("event.notification.type"))
        .map(|s| s.trim().to_ascii_lowercase())
        .ok_or_else(|| missing_field("configuration.event.vendor.type"))?;
    let supported =
        match kind.as_str() {
            "polling" => element.polling,
            "webhook" => element.webhook,
            _ => return Err(bad_request(
                "Invalid configuration value for 'event.vendor.type': expected polling or webhook",
            )),
        };
    if !supported {
        return Err(bad_request(format!(
            "Element {} does not support {kind} events",
            element.key
        )));
    }
    let callback = cfg
        .get("event.notification.callback.url")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| missing_field("configuration.event.notification.callback.url"))?;
    if !is_absolute_http_url(callback) {
        return Err(bad_request(
            "Invalid configuration value for 'event.notification.callback.url': expected an absolute http or https URL",
        ));
    }
    if let Some(interval) = cfg.get("event.poller.refresh_interval") {
        if !matches!(interval.trim().parse::<u64>(), Ok(n) if n > 0) {
            return Err(bad_request(
                "Invalid configuration value for 'event.poller.refresh_interval': expected a positive integer",
            ));
        }
    }
    if let Some(poller) = cfg.get("event.poller.configuration") {
        if !matches!(serde_json::from_str::<Value>(poller), Ok(Value::Object(_))) {
            return Err(bad_request(
                "Invalid configuration value for 'event.poller.configuration': expected a JSON object",
            ));
        }
    }
    Ok(true)
}

fn invalid_grant(reason: &str) -> ApiError {
    ApiError {
        status: 400,
        message: "Failed to retrieve access token from the provider".into(),
        provider_message: Some(format!("invalid_grant: {reason}")),
    }
}

/// `POST /instances` and `POST /elements/{keyOrId}/instances`.
fn create_instance(
    shared: &Shared,
    req: &Request,
    path_key: Option<&str>,
) -> Result<Response, ApiError> {
    check_auth(shared, req)?;
    let ct = req
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.split(';').next().map(str::trim) != Some("application/json") {
        return Err(err(
            415,
            "Unsupported Media Type: Content-Type must be application/json",
        ));
    }
    let body = match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err(bad_request("Request body must be a JSON object")),
        Err(_) => return Err(bad_request("Request body is not valid JSON")),
    };
    let body_key = str_at(&body, "element", "key")
        .map(str::to_string)
        .or_else(|| {
            body.get("element")
                .and_then(|e| e.get("id"))
                .and_then(Value::as_u64)
                .map(|n| n.to_string())
        });
    let element = match (path_key, body_key.as_deref()) {
        (Some(p), b) => {
            let e = element_or_404(p)?;
            if let Some(b) = b {
                if find_element(b).map(|x| x.key) != Some(e.key) {
                    return Err(bad_request(format!(
                        "element.key '{b}' does not match the element in the path '{p}'"
                    )));
                }
            }
            e
        }
        (None, Some(b)) => element_or_404(b)?,
        (None, None) => return Err(missing_field("element.key")),
    };
    if !element.oauth {
        return Err(bad_request(format!(
            "Element {} uses basic authentication, which this sandbox does not emulate; only OAuth 2.0 elements can be instantiated",
            element.key
        )));
    }
    let code =
        str_at(&body, "providerData", "code").ok_or_else(|| missing_field("providerData.code"))?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| missing_field("name"))?
        .to_string();
    let mut cfg = configuration(&body)?;
    for field in ["oauth.api.key", "oauth.api.secret", "oauth.callback.url"] {
        if cfg.get(field).is_none_or(|v| v.is_empty()) {
            return Err(missing_field(&format!("configuration.{field}")));
        }
    }
    let tag_names = tags(&body)?;
    let events_enabled = check_events(element, &cfg)?;
    cfg.entry("filter.response.nulls".into())
        .or_insert_with(|| "true".into());
    cfg.entry("event.notification.enabled".into())
        .or_insert_with(|| "false".into());

    let mut state = lock(&shared.state);
    let grant = state
        .grants
        .get_mut(code)
        .ok_or_else(|| invalid_grant("unknown authorization code"))?;
    if grant.used {
        return Err(invalid_grant("authorization code was already used"));
    }
    if grant.expired(Instant::now()) {
        return Err(invalid_grant("authorization code expired"));
    }
    if grant.element != element.key {
        return Err(invalid_grant(
            "authorization code was issued for another element",
        ));
    }
    if grant.client_id != cfg["oauth.api.key"] {
        return Err(invalid_grant(
            "authorization code was issued to another client_id",
        ));
    }
    if grant.client_secret != cfg["oauth.api.secret"] {
        return Err(invalid_grant(
            "client authentication failed (client secret does not match)",
        ));
    }
    if grant.redirect_uri != cfg["oauth.callback.url"] {
        return Err(invalid_grant(
            "redirect_uri does not match the one the code was issued for",
        ));
    }
    grant.used = true;
    state.next_instance_id += 1;
    let id = state.next_instance_id;
    let mut tag_pairs = Vec::new();
    for t in tag_names {
        state.next_tag_id += 1;
        tag_pairs.push((state.next_tag_id, t));
    }
    let instance = Instance {
        id,
        name,
        token: random_token(),
        element,
        tags: tag_pairs,
        configuration: cfg,
        events_enabled,
        created: iso_now(),
    };
    let json = instance.to_json(true);
    state.instances.insert(id, instance);
    Ok(json_ok(&json))
}
