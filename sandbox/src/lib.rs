//! An in-process emulator of the Cloud Elements / SAP Open Connectors platform
//! API and of a vendor's OAuth 2.0 consent page, served over real HTTP/1.1 on
//! `127.0.0.1`, so that code using the platform can be tested offline (the way
//! moto serves AWS users).
//!
//! It is deliberately independent of the `elements-auth` client crate: it is
//! the thing that client is tested against.
//!
//! # Routes
//!
//! Platform API, under [`Sandbox::base_url`] (`http://127.0.0.1:{port}/elements/api-v2`):
//!
//! | method | path | what |
//! | --- | --- | --- |
//! | `GET` | `/elements/{keyOrId}/oauth/url?apiKey&apiSecret&callbackUrl[&siteAddress][&state][&scope]` | redirect URL on the sandbox vendor page |
//! | `POST` | `/instances`, `/elements/{keyOrId}/instances` | create an instance from an authorization code |
//! | `GET` | `/instances`, `/instances/{id}` | list / read instances |
//! | `DELETE` | `/instances/{id}` | delete an instance |
//!
//! Known elements: `concur` (id 1, needs `siteAddress`, polling events only),
//! `dropbox` (id 2, webhook and polling), `zendesk` (id 3, needs `subdomain`,
//! webhook only) and `freshdesk` (id 4, basic auth: not OAuth).
//!
//! Vendor consent pages (plain HTML forms, drivable by a browser or `curl`):
//!
//! * `GET /vendor/{element}/oauth2/authorize?response_type=code&client_id&redirect_uri&state&scope`
//!   shows "Sign in to {Element} (sandbox)" with Allow and Deny buttons; in
//!   auto-consent mode it answers `302` straight to the callback with a code.
//! * `POST /vendor/{element}/oauth2/consent` (form fields `client_id`,
//!   `redirect_uri`, `state`, `scope`, `decision=allow|deny`) answers `302` to
//!   `redirect_uri?code=..&state=..` or
//!   `redirect_uri?error=access_denied&error_description=..&state=..`.
//!
//! ```text
//! curl -s "$BASE/elements/concur/oauth/url?apiKey=k&apiSecret=s&callbackUrl=https%3A%2F%2Fapp.example%2Fcb&siteAddress=https%3A%2F%2Fwww.concursolutions.com"
//! curl -si -X POST "http://127.0.0.1:$PORT/vendor/concur/oauth2/consent" \
//!      --data-urlencode client_id=k --data-urlencode redirect_uri=https://app.example/cb \
//!      -d state=concur -d decision=allow
//! ```
//!
//! # Faults
//!
//! [`Sandbox::inject_fault`] queues `slow:<ms>`, `status:<code>`, `drop`,
//! `badjson` or `huge` for the next API requests (vendor pages are never faulted).
//!
//! # Events
//!
//! [`Sandbox::trigger_event`] delivers what the platform delivers: one
//! notification `{"eventId", "instanceId", "notificationId", "response":
//! {"events": [...]}}` POSTed to the instance's
//! `event.notification.callback.url` (loopback `http://` only), signed with
//! `Elements-Webhook-Signature` when the instance has a signature key, and
//! retried on a non-2xx answer or a connection failure up to
//! [`MAX_RETRIES`] times, the first after [`SandboxOptions::event_retry_delay`],
//! each next one [`RETRY_FACTOR`] times longer. [`Sandbox::deliveries`] tells
//! how each went. The same is reachable over HTTP with the platform
//! Authorization header (what `elements-auth trigger` uses):
//!
//! | method | path | what |
//! | --- | --- | --- |
//! | `POST` | `/elements/api-v2/sandbox/events` `{instanceId, objectType[, eventType][, objectId]}` | trigger; answers `{"eventId"}` |
//! | `GET` | `/elements/api-v2/sandbox/deliveries[/{eventId}]` | the deliveries, as [`Delivery::to_json`] |
//!
//! These control calls are neither recorded nor faulted.
//!
//! # Secrets
//!
//! Secrets (user and organization secrets, api secrets, codes, tokens,
//! signature keys) never appear in `Debug`/`Display` output of the public types
//! and the sandbox logs nothing.

#![warn(missing_docs)]

mod control;
mod events;
pub mod http;
mod platform;
mod server;
mod state;
mod util;
mod vendor;

use std::collections::HashMap;
use std::fmt;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

pub use events::{
    Delivery, DeliveryState, DEFAULT_EVENT_RETRY_DELAY, MAX_DELIVERIES, MAX_EVENT_RETRY_DELAY,
    MAX_RETRIES, RETRY_FACTOR,
};

/// The platform API base path every API route lives under.
pub(crate) const BASE_PATH: &str = "/elements/api-v2";

/// Locks a mutex, recovering the data if a thread panicked while holding it
/// (a test server should keep serving rather than cascade panics).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// How to start a [`Sandbox`].
#[derive(Clone)]
pub struct SandboxOptions {
    /// TCP port on 127.0.0.1; 0 picks a free port.
    pub port: u16,
    /// When true (the default) the vendor page skips the consent form and
    /// redirects straight back with a code, as if the user clicked Allow.
    pub auto_consent: bool,
    /// How long an authorization code stays valid (default 10 minutes).
    pub code_ttl: Duration,
    /// The user secret the platform Authorization header must carry; `None` = random.
    pub user_secret: Option<String>,
    /// The organization secret the platform Authorization header must carry; `None` = random.
    pub organization_secret: Option<String>,
    /// Connections served at once (default 512); beyond it a connection gets 503.
    pub max_connections: usize,
    /// How long one request may take to arrive, keep-alive wait included
    /// (default 30 s): a stalled or trickling client is then cut off.
    pub read_timeout: Duration,
    /// How many requests [`Sandbox::requests`] keeps (default 10,000); the
    /// oldest are dropped first.
    pub request_log_limit: usize,
    /// How long after a failed event delivery the first retry comes (default
    /// 100 ms; the platform's is 4 s, at most [`MAX_EVENT_RETRY_DELAY`]);
    /// each next retry waits [`RETRY_FACTOR`] times longer.
    pub event_retry_delay: Duration,
}

impl Default for SandboxOptions {
    /// Free port, auto-consent on, 10-minute codes, random secrets, and the
    /// limits of a long-running server.
    fn default() -> Self {
        let limits = Limits::default();
        SandboxOptions {
            port: 0,
            auto_consent: true,
            code_ttl: Duration::from_secs(600),
            user_secret: None,
            organization_secret: None,
            max_connections: limits.max_connections,
            read_timeout: limits.request_timeout,
            request_log_limit: limits.request_log_entries,
            event_retry_delay: DEFAULT_EVENT_RETRY_DELAY,
        }
    }
}

impl fmt::Debug for SandboxOptions {
    /// Shows whether secrets were given, never their values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let given = |s: &Option<String>| if s.is_some() { "<given>" } else { "<random>" };
        f.debug_struct("SandboxOptions")
            .field("port", &self.port)
            .field("auto_consent", &self.auto_consent)
            .field("code_ttl", &self.code_ttl)
            .field("user_secret", &given(&self.user_secret))
            .field("organization_secret", &given(&self.organization_secret))
            .field("max_connections", &self.max_connections)
            .field("read_timeout", &self.read_timeout)
            .field("request_log_limit", &self.request_log_limit)
            .field("event_retry_delay", &self.event_retry_delay)
            .finish()
    }
}

/// An error from the sandbox's own API (start, approve/deny, inject_fault).
/// Its message never contains a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct SandboxError {
    message: String,
    /// The argument at fault and why, when one is (`instance_id`, ...).
    field: Option<(String, String)>,
}

impl SandboxError {
    fn new(message: impl Into<String>) -> SandboxError {
        SandboxError {
            message: message.into(),
            field: None,
        }
    }

    /// An error about the argument `field`: `invalid {field}: {reason}`.
    fn for_field(field: &str, reason: impl Into<String>) -> SandboxError {
        let reason = reason.into();
        SandboxError {
            message: format!("invalid {field}: {reason}"),
            field: Some((field.to_owned(), reason)),
        }
    }

    /// The human-readable message (same as `Display`), for bindings.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The argument at fault, in snake_case (`instance_id`, `object_type`,
    /// `event_type`, `object_id`), when the error is about one: bindings
    /// name it as their language spells it.
    pub fn field(&self) -> Option<&str> {
        self.field.as_ref().map(|(f, _)| f.as_str())
    }

    /// Why the argument was refused (the message without `invalid {field}: `),
    /// or the whole message.
    pub fn reason(&self) -> &str {
        self.field
            .as_ref()
            .map_or(&self.message, |(_, r)| r.as_str())
    }
}

impl fmt::Display for SandboxError {
    /// The message, which never contains a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for SandboxError {
    /// `SandboxError("message")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SandboxError").field(&self.message).finish()
    }
}

impl std::error::Error for SandboxError {}

/// One API request the sandbox received, as the client sent it (for assertions
/// in tests). Its `Debug` shows method, path and header names only, since
/// headers and body carry secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path without the query, e.g. `/elements/api-v2/instances`.
    pub path: String,
    /// The query string as sent (without `?`), still percent-encoded.
    pub raw_query: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers in order; names are lower-case.
    pub headers: Vec<(String, String)>,
    /// The request body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    pub(crate) fn from_request(req: &http::Request) -> RecordedRequest {
        RecordedRequest {
            method: req.method.clone(),
            path: req.path.clone(),
            raw_query: req.raw_query.clone(),
            query: req.query(),
            headers: req.headers.clone(),
            body: req.body.clone(),
        }
    }

    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first decoded query parameter with this name.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// `{method, path, rawQuery, query: [[k, v], ...], headers: {name: value}, body: string}`
    /// (body decoded as UTF-8, lossily), for the language bindings.
    pub fn to_json(&self) -> serde_json::Value {
        let mut headers = serde_json::Map::new();
        for (k, v) in &self.headers {
            headers
                .entry(k.clone())
                .or_insert_with(|| serde_json::Value::String(v.clone()));
        }
        serde_json::json!({
            "method": self.method,
            "path": self.path,
            "rawQuery": self.raw_query,
            "query": self.query.iter().map(|(k, v)| serde_json::json!([k, v])).collect::<Vec<_>>(),
            "headers": headers,
            "body": String::from_utf8_lossy(&self.body),
        })
    }
}

impl fmt::Debug for RecordedRequest {
    /// Method, path, header names and body length: values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// How much a sandbox holds at once: what keeps a long-running one alive
/// and its memory flat under abuse.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Connections served at once; the next ones get 503.
    pub max_connections: usize,
    /// How long one request may take to arrive, keep-alive wait included.
    pub request_timeout: Duration,
    /// Requests the log keeps; older ones are dropped first.
    pub request_log_entries: usize,
    /// Bytes of request bodies the log keeps at once.
    pub request_log_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 512,
            request_timeout: Duration::from_secs(30),
            request_log_entries: 10_000,
            request_log_bytes: 32 * 1024 * 1024,
        }
    }
}

/// Most faults one `inject_fault` call may queue.
pub const MAX_FAULT_COUNT: u32 = 100_000;

/// State shared by the handle and the server threads.
pub(crate) struct Shared {
    pub port: u16,
    pub auto_consent: bool,
    pub code_ttl: Duration,
    pub user_secret: String,
    pub organization_secret: String,
    pub limits: Limits,
    pub state: Mutex<state::State>,
    pub(crate) stopping: AtomicBool,
    pub(crate) next_conn: AtomicU64,
    /// Connections being served now.
    pub(crate) active: AtomicUsize,
    /// Open connections, so `stop` can close them.
    pub(crate) conns: Mutex<HashMap<u64, TcpStream>>,
    /// The first retry delay of event deliveries.
    pub(crate) event_retry_delay: Duration,
    /// Triggered events and their delivery worker.
    pub(crate) events: events::Events,
}

/// A running sandbox: the platform API and vendor pages on 127.0.0.1.
///
/// `Send + Sync`; stopped by [`Sandbox::stop`] or on drop. Its `Debug` shows
/// the base URL only.
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept: Mutex<Option<JoinHandle<()>>>,
}

impl fmt::Debug for Sandbox {
    /// `Sandbox { base_url: ".." }`, never secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

fn check_secret(name: &str, value: Option<String>) -> Result<String, SandboxError> {
    match value {
        None => Ok(util::random_url_safe()),
        Some(s) => {
            if s.is_empty()
                || s.chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == ',')
            {
                Err(SandboxError::new(format!(
                    "{name} must be non-empty and contain no whitespace, control characters or commas"
                )))
            } else {
                Ok(s)
            }
        }
    }
}

impl Sandbox {
    /// Binds 127.0.0.1 and starts serving on a background thread.
    pub fn start(options: SandboxOptions) -> Result<Sandbox, SandboxError> {
        if options.max_connections == 0 || options.request_log_limit == 0 {
            return Err(SandboxError::new(
                "max_connections and request_log_limit must be at least 1",
            ));
        }
        if options.read_timeout.is_zero() {
            return Err(SandboxError::new("read_timeout must be greater than zero"));
        }
        if options.event_retry_delay > MAX_EVENT_RETRY_DELAY {
            return Err(SandboxError::new(format!(
                "event_retry_delay must be at most {} s",
                MAX_EVENT_RETRY_DELAY.as_secs()
            )));
        }
        let user_secret = check_secret("user_secret", options.user_secret)?;
        let organization_secret = check_secret("organization_secret", options.organization_secret)?;
        let listener = TcpListener::bind(("127.0.0.1", options.port)).map_err(|e| {
            SandboxError::new(format!(
                "could not listen on 127.0.0.1:{}: {e}",
                options.port
            ))
        })?;
        let addr = listener
            .local_addr()
            .map_err(|e| SandboxError::new(format!("could not read the listening address: {e}")))?;
        let shared = Arc::new(Shared {
            port: addr.port(),
            auto_consent: options.auto_consent,
            code_ttl: options.code_ttl,
            user_secret,
            organization_secret,
            limits: Limits {
                max_connections: options.max_connections,
                request_timeout: options.read_timeout,
                request_log_entries: options.request_log_limit,
                ..Limits::default()
            },
            state: Mutex::new(state::State::default()),
            stopping: AtomicBool::new(false),
            next_conn: AtomicU64::new(0),
            active: AtomicUsize::new(0),
            conns: Mutex::new(HashMap::new()),
            event_retry_delay: options.event_retry_delay,
            events: events::Events::new(),
        });
        let accept_shared = Arc::clone(&shared);
        let handle = std::thread::Builder::new()
            .name(format!("sandbox-accept-{}", addr.port()))
            .spawn(move || server::accept_loop(accept_shared, listener))
            .map_err(|e| SandboxError::new(format!("could not start the server thread: {e}")))?;
        Ok(Sandbox {
            shared,
            addr,
            accept: Mutex::new(Some(handle)),
        })
    }

    /// `http://127.0.0.1:{port}/elements/api-v2`, the platform base URL to give clients.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}{BASE_PATH}", self.shared.port)
    }

    /// The TCP port the sandbox listens on.
    pub fn port(&self) -> u16 {
        self.shared.port
    }

    /// The user secret the `Authorization` header must carry.
    pub fn user_secret(&self) -> &str {
        &self.shared.user_secret
    }

    /// The organization secret the `Authorization` header must carry.
    pub fn organization_secret(&self) -> &str {
        &self.shared.organization_secret
    }

    /// Whether the vendor page redirects without showing the consent form.
    pub fn auto_consent(&self) -> bool {
        self.shared.auto_consent
    }

    /// Plays the user clicking Allow on `oauth_url` (an `oauthUrl` from
    /// `oauth/url`): returns the callback URL the browser would land on, with
    /// a fresh `code` and the `state`.
    pub fn approve(&self, oauth_url: &str) -> Result<String, SandboxError> {
        let authz = vendor::authorization_from_url(&self.shared, oauth_url)
            .map_err(|m| SandboxError::new(format!("cannot approve: {m}")))?;
        Ok(vendor::allow_url(&self.shared, &authz))
    }

    /// Plays the user clicking Deny on `oauth_url`: returns the callback URL
    /// with `error=access_denied`, `error_description` and the `state`.
    pub fn deny(&self, oauth_url: &str) -> Result<String, SandboxError> {
        let authz = vendor::authorization_from_url(&self.shared, oauth_url)
            .map_err(|m| SandboxError::new(format!("cannot deny: {m}")))?;
        Ok(vendor::deny_url(&authz))
    }

    /// Queues fault `mode` for the next `count` API requests: `slow:<ms>`,
    /// `status:<code>` (400..=599), `drop`, `badjson`, `huge`, `nostate`
    /// (the oauthUrl carries the element key as its state, the platform's
    /// documented fallback) or `truncated` (the request is handled, a create
    /// creates its instance, and only half of the answer is sent); at most
    /// [`MAX_FAULT_COUNT`] are queued in all, after any faults already queued.
    pub fn inject_fault(&self, mode: &str, count: u32) -> Result<(), SandboxError> {
        let fault = state::Fault::parse(mode).ok_or_else(|| {
            SandboxError::new(format!(
                "invalid fault mode '{mode}': expected slow:<ms>, status:<400-599>, drop, badjson, huge, nostate or truncated"
            ))
        })?;
        if count == 0 {
            return Err(SandboxError::new(format!(
                "fault count for mode '{mode}' must be at least 1"
            )));
        }
        let mut st = lock(&self.shared.state);
        if st.faults.len() as u64 + u64::from(count) > u64::from(MAX_FAULT_COUNT) {
            return Err(SandboxError::new(format!(
                "fault count for mode '{mode}' is too large: at most {MAX_FAULT_COUNT} faults may be queued"
            )));
        }
        st.faults.extend(std::iter::repeat_n(fault, count as usize));
        Ok(())
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.state).faults.clear();
    }

    /// The API requests received so far, oldest first (faulted ones
    /// included). The log is bounded: when it is full, the oldest entries
    /// are dropped first; [`Sandbox::requests_dropped`] counts them.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.state).requests.iter().cloned().collect()
    }

    /// How many recorded requests were dropped from the front of the log to
    /// keep it bounded (0 unless the sandbox served very many).
    pub fn requests_dropped(&self) -> u64 {
        lock(&self.shared.state).requests_dropped
    }

    /// [`Sandbox::requests`] as a JSON array of [`RecordedRequest::to_json`], for bindings.
    pub fn requests_value(&self) -> serde_json::Value {
        let st = lock(&self.shared.state);
        serde_json::Value::Array(st.requests.iter().map(RecordedRequest::to_json).collect())
    }

    /// [`Sandbox::requests_value`] as JSON text, for the C binding.
    pub fn requests_json(&self) -> String {
        self.requests_value().to_string()
    }

    /// The instances currently stored, as `GET /instances/{id}` returns them.
    pub fn instances(&self) -> Vec<serde_json::Value> {
        lock(&self.shared.state)
            .instances
            .values()
            .map(|i| i.to_json(false))
            .collect()
    }

    /// Stops listening, closes open connections, ends event deliveries and
    /// joins the threads. Idempotent; also done on drop.
    pub fn stop(&self) {
        self.shared.events.stop();
        let handle = lock(&self.accept).take();
        if let Some(handle) = handle {
            self.shared.stopping.store(true, Ordering::SeqCst);
            // Wake the blocking accept() so the loop sees the flag.
            let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
            let _ = handle.join();
        }
        for (_, conn) in lock(&self.shared.conns).drain() {
            let _ = conn.shutdown(Shutdown::Both);
        }
    }
}

// --- Events: triggering notifications and reading how their delivery went ---
impl Sandbox {
    /// Delivers one event about `instance_id` as the platform would: a
    /// notification whose one event has the instance's element key,
    /// `object_type` (for a polling instance whose poller configuration names
    /// resources, one of them), `object_id` (random when `None`), `event_type`
    /// (`CREATED`, `UPDATED` or `DELETED`) and the date, POSTed to its
    /// `event.notification.callback.url` by a background worker, signed when
    /// it has a signature key, retried on failure. Returns the event id at
    /// once; [`Sandbox::deliveries`] tells how the delivery goes.
    ///
    /// Refused, naming the argument ([`SandboxError::field`]): an
    /// unknown instance, one without events, an unknown event type or
    /// resource. Refused too: a callback URL that is not `http://` on a
    /// loopback address, and [`MAX_DELIVERIES`] deliveries still pending.
    pub fn trigger_event(
        &self,
        instance_id: i64,
        object_type: &str,
        event_type: &str,
        object_id: Option<&str>,
    ) -> Result<u64, SandboxError> {
        events::trigger(
            &self.shared,
            instance_id,
            object_type,
            event_type,
            object_id,
        )
    }

    /// Every delivery, oldest first: the newest [`MAX_DELIVERIES`] are kept
    /// (finished ones are dropped first).
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.events.deliveries()
    }

    /// [`Sandbox::deliveries`] as a JSON array of [`Delivery::to_json`], for bindings.
    pub fn deliveries_value(&self) -> serde_json::Value {
        serde_json::Value::Array(self.deliveries().iter().map(Delivery::to_json).collect())
    }

    /// [`Sandbox::deliveries_value`] as JSON text, for the C binding.
    pub fn deliveries_json(&self) -> String {
        self.deliveries_value().to_string()
    }
}

impl Drop for Sandbox {
    /// Stops the server.
    fn drop(&mut self) {
        self.stop();
    }
}
