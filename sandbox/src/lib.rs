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
//! # Secrets
//!
//! Secrets (user and organization secrets, api secrets, codes, tokens,
//! signature keys) never appear in `Debug`/`Display` output of the public types
//! and the sandbox logs nothing.

#![warn(missing_docs)]

pub mod http;
mod platform;
mod state;
mod util;
mod vendor;

use std::collections::HashMap;
use std::fmt;
use std::io::BufReader;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

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
}

impl Default for SandboxOptions {
    /// Free port, auto-consent on, 10-minute codes, random secrets.
    fn default() -> Self {
        SandboxOptions {
            port: 0,
            auto_consent: true,
            code_ttl: Duration::from_secs(600),
            user_secret: None,
            organization_secret: None,
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
            .finish()
    }
}

/// An error from the sandbox's own API (start, approve/deny, inject_fault).
/// Its message never contains a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct SandboxError {
    message: String,
}

impl SandboxError {
    fn new(message: impl Into<String>) -> SandboxError {
        SandboxError {
            message: message.into(),
        }
    }

    /// The human-readable message (same as `Display`), for bindings.
    pub fn message(&self) -> &str {
        &self.message
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

/// State shared by the handle and the server threads.
pub(crate) struct Shared {
    pub port: u16,
    pub auto_consent: bool,
    pub code_ttl: Duration,
    pub user_secret: String,
    pub organization_secret: String,
    pub state: Mutex<state::State>,
    stopping: AtomicBool,
    next_conn: AtomicU64,
    /// Open connections, so `stop` can close them.
    conns: Mutex<HashMap<u64, TcpStream>>,
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
            state: Mutex::new(state::State::default()),
            stopping: AtomicBool::new(false),
            next_conn: AtomicU64::new(0),
            conns: Mutex::new(HashMap::new()),
        });
        let accept_shared = Arc::clone(&shared);
        let handle = std::thread::Builder::new()
            .name(format!("sandbox-accept-{}", addr.port()))
            .spawn(move || accept_loop(accept_shared, listener))
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

    /// Queues fault `mode` (`slow:<ms>`, `status:<code>` with 400..=599,
    /// `drop`, `badjson`, `huge`) for the next `count` API requests, after
    /// any faults already queued.
    pub fn inject_fault(&self, mode: &str, count: u32) -> Result<(), SandboxError> {
        let fault = state::Fault::parse(mode).ok_or_else(|| {
            SandboxError::new(format!(
                "invalid fault mode '{mode}': expected slow:<ms>, status:<400-599>, drop, badjson or huge"
            ))
        })?;
        if count == 0 {
            return Err(SandboxError::new(format!(
                "fault count for mode '{mode}' must be at least 1"
            )));
        }
        let mut st = lock(&self.shared.state);
        st.faults.extend(std::iter::repeat_n(fault, count as usize));
        Ok(())
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.state).faults.clear();
    }

    /// Every API request received so far, in order (faulted ones included).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.state).requests.clone()
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

    /// Stops listening, closes open connections and joins the accept thread.
    /// Idempotent; also done on drop.
    pub fn stop(&self) {
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

impl Drop for Sandbox {
    /// Stops the server.
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    for conn in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else {
            // Usually fd exhaustion: back off instead of spinning.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        let id = shared.next_conn.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.conns).insert(id, clone);
        }
        let conn_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("sandbox-conn".into())
            .spawn(move || serve_connection(&conn_shared, stream, id));
        if spawned.is_err() {
            if let Some(c) = lock(&shared.conns).remove(&id) {
                let _ = c.shutdown(Shutdown::Both);
            }
        }
    }
}

fn serve_connection(shared: &Shared, stream: TcpStream, id: u64) {
    let _ = stream.set_nodelay(true);
    if let Ok(mut writer) = stream.try_clone() {
        let mut reader = BufReader::new(stream);
        while !shared.stopping.load(Ordering::SeqCst) {
            let req = match http::read_request(&mut reader, &mut writer) {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(e) => {
                    let resp = platform::protocol_error(e.status, e.message);
                    let _ = http::write_response(&mut writer, &resp, true);
                    break;
                }
            };
            let outcome = if req.path == BASE_PATH || req.path.starts_with("/elements/api-v2/") {
                platform::handle(shared, &req)
            } else {
                platform::Outcome::Respond(
                    vendor::handle(shared, &req).unwrap_or_else(|| platform::not_found(&req.path)),
                )
            };
            match outcome {
                platform::Outcome::Drop => break,
                platform::Outcome::Respond(resp) => {
                    if http::write_response(&mut writer, &resp, req.close).is_err() || req.close {
                        break;
                    }
                }
            }
        }
        let _ = writer.shutdown(Shutdown::Both);
    }
    lock(&shared.conns).remove(&id);
}
