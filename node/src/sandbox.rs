//! `Sandbox`: the in-process platform and vendor emulator, for offline tests.

use crate::client::Client;
use crate::error::{sync, Failure};
use crate::events::{Delivery, TriggerEvent};
use crate::js::{self, Fields};
use crate::types::ClientOptions;
use elements_auth::Error;
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

/// How to start a `Sandbox`; all optional.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SandboxOptions {
    /// TCP port on 127.0.0.1; 0 or omitted picks a free port.
    pub port: Option<u32>,
    /// When true (default) the vendor page redirects straight back with a code.
    pub auto_consent: Option<bool>,
    /// How long an authorization code stays valid, in milliseconds (default 10 minutes).
    pub code_ttl_ms: Option<f64>,
    /// The user secret the platform expects; omitted = random.
    pub user_secret: Option<String>,
    /// The organization secret the platform expects; omitted = random.
    pub organization_secret: Option<String>,
    /// Connections served at once (default 512); beyond it a connection gets 503.
    pub max_connections: Option<u32>,
    /// How long one request may take to arrive, keep-alive wait included, in
    /// milliseconds (default 30000): a stalled client is then cut off.
    pub read_timeout_ms: Option<f64>,
    /// How many requests `requests()` keeps (default 10000); the oldest go first.
    pub request_log_limit: Option<u32>,
    /// How long after a failed event delivery the first retry comes, in
    /// milliseconds (fractions allowed; default 100, the platform's 4000);
    /// each next retry waits 4 times longer.
    pub event_retry_delay_ms: Option<f64>,
}

impl SandboxOptions {
    /// Reads the `options` argument into the sandbox crate's options.
    fn read(value: Option<Unknown<'_>>) -> js::Check<elements_auth_sandbox::SandboxOptions> {
        let mut o = elements_auth_sandbox::SandboxOptions::default();
        let Some(value) = js::given(value, "options")? else {
            return Ok(o);
        };
        let f = Fields::argument(value, "options")?;
        let s = SandboxOptions {
            port: f.optional("port")?,
            auto_consent: f.optional("autoConsent")?,
            code_ttl_ms: f.optional("codeTtlMs")?,
            user_secret: f.optional("userSecret")?,
            organization_secret: f.optional("organizationSecret")?,
            max_connections: f.optional("maxConnections")?,
            read_timeout_ms: f.optional("readTimeoutMs")?,
            request_log_limit: f.optional("requestLogLimit")?,
            event_retry_delay_ms: f.optional("eventRetryDelayMs")?,
        };
        if let Some(port) = s.port {
            o.port = u16::try_from(port)
                .map_err(|_| Error::invalid_input("port", "must be between 0 and 65535"))?;
        }
        if let Some(auto) = s.auto_consent {
            o.auto_consent = auto;
        }
        if let Some(ttl) = s.code_ttl_ms {
            o.code_ttl = elements_auth::millis("codeTtlMs", ttl)?;
        }
        o.user_secret = s.user_secret;
        o.organization_secret = s.organization_secret;
        // The sandbox refuses 0 for these when it starts.
        if let Some(n) = s.max_connections {
            o.max_connections = n as usize;
        }
        if let Some(ms) = s.read_timeout_ms {
            o.read_timeout = elements_auth::millis("readTimeoutMs", ms)?;
        }
        if let Some(n) = s.request_log_limit {
            o.request_log_limit = n as usize;
        }
        if let Some(ms) = s.event_retry_delay_ms {
            o.event_retry_delay = elements_auth::millis("eventRetryDelayMs", ms)?;
        }
        Ok(o)
    }
}

/// A running sandbox: the platform API and a vendor consent page on
/// 127.0.0.1, served from background threads. `util.inspect` shows the base
/// URL only. Call `stop()` when done (it is also stopped when collected).
#[napi]
pub struct Sandbox {
    inner: elements_auth_sandbox::Sandbox,
}

#[napi]
impl Sandbox {
    /// Starts a sandbox (binding the port happens before this returns).
    #[napi(factory, catch_unwind)]
    pub fn start(
        env: Env,
        #[napi(ts_arg_type = "SandboxOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<Sandbox> {
        let started = SandboxOptions::read(options)
            .map_err(Failure::from)
            .and_then(|o| Ok(elements_auth_sandbox::Sandbox::start(o)?));
        sync(&env, started.map(|inner| Sandbox { inner }))
    }

    /// A `Client` for this sandbox: its base URL and secrets, then `options`
    /// (any `ClientOptions`, which override them).
    #[napi(catch_unwind)]
    pub fn client(
        &self,
        env: Env,
        #[napi(ts_arg_type = "ClientOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<Client> {
        let built = ClientOptions::read(options)
            .map_err(Failure::from)
            .and_then(|mut o| {
                o.base_url = o.base_url.or_else(|| Some(self.inner.base_url()));
                o.user_secret = o
                    .user_secret
                    .or_else(|| Some(self.inner.user_secret().to_owned()));
                o.organization_secret = o
                    .organization_secret
                    .or_else(|| Some(self.inner.organization_secret().to_owned()));
                Client::build(&env, o)
            });
        sync(&env, built)
    }

    /// The platform base URL to give a `Client` (`http://127.0.0.1:<port>/elements/api-v2`).
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url()
    }

    /// The TCP port the sandbox listens on.
    #[napi(getter)]
    pub fn port(&self) -> u32 {
        u32::from(self.inner.port())
    }

    /// The user secret the sandbox expects in the Authorization header.
    #[napi(getter)]
    pub fn user_secret(&self) -> String {
        self.inner.user_secret().to_owned()
    }

    /// The organization secret the sandbox expects in the Authorization header.
    #[napi(getter)]
    pub fn organization_secret(&self) -> String {
        self.inner.organization_secret().to_owned()
    }

    /// Whether the vendor page skips the consent form.
    #[napi(getter)]
    pub fn auto_consent(&self) -> bool {
        self.inner.auto_consent()
    }

    /// Plays the user clicking Allow on `oauthUrl`: returns the callback URL
    /// the browser would land on, with a fresh code and the state.
    #[napi(catch_unwind)]
    pub fn approve(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] oauth_url: Unknown<'_>,
    ) -> napi::Result<String> {
        let result = js::required::<String>(Some(oauth_url), "oauthUrl")
            .map_err(Failure::from)
            .and_then(|url| Ok(self.inner.approve(&url)?));
        sync(&env, result)
    }

    /// Plays the user clicking Deny on `oauthUrl`: returns the callback URL
    /// with `error=access_denied`.
    #[napi(catch_unwind)]
    pub fn deny(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] oauth_url: Unknown<'_>,
    ) -> napi::Result<String> {
        let result = js::required::<String>(Some(oauth_url), "oauthUrl")
            .map_err(Failure::from)
            .and_then(|url| Ok(self.inner.deny(&url)?));
        sync(&env, result)
    }

    /// Queues a fault for the next `count` API requests (default 1): `slow:<ms>`,
    /// `status:<400-599>`, `drop` (close the connection), `badjson`, `huge`,
    /// `nostate` (the oauthUrl carries the element key as its state) or
    /// `truncated` (the request is handled, then half of the answer is sent).
    #[napi(catch_unwind)]
    pub fn inject_fault(
        &self,
        env: Env,
        #[napi(ts_arg_type = "string")] mode: Unknown<'_>,
        #[napi(ts_arg_type = "number | undefined | null")] count: Option<Unknown<'_>>,
    ) -> napi::Result<()> {
        let result = js::required::<String>(Some(mode), "mode")
            .and_then(|mode| Ok((mode, js::optional::<u32>(count, "count")?)))
            .map_err(Failure::from)
            .and_then(|(mode, count)| Ok(self.inner.inject_fault(&mode, count.unwrap_or(1))?));
        sync(&env, result)
    }

    /// Removes every queued fault.
    #[napi]
    pub fn clear_faults(&self) {
        self.inner.clear_faults();
    }

    /// Every API request received so far, as sent (`method`, `path`,
    /// `rawQuery`, `query` pairs, `headers`, `body`). These hold the secrets
    /// that were sent: keep them out of logs.
    #[napi(
        ts_return_type = "Array<{ method: string; path: string; rawQuery: string; query: Array<[string, string]>; headers: Record<string, string>; body: string }>"
    )]
    pub fn requests(&self) -> Value {
        self.inner.requests_value()
    }

    /// How many recorded requests were dropped from the front of the log to
    /// keep it within `requestLogLimit`.
    #[napi(getter)]
    pub fn requests_dropped(&self) -> f64 {
        // Exact: a count this large would take years of requests.
        self.inner.requests_dropped() as f64
    }

    /// The instances the sandbox currently stores, as `GET /instances/{id}` returns them.
    #[napi(ts_return_type = "Array<Record<string, unknown>>")]
    pub fn instances(&self) -> Value {
        Value::Array(self.inner.instances())
    }

    /// Delivers one event as the platform would: a notification about
    /// `instanceId` POSTed to its events callback URL (loopback only) from a
    /// background thread, signed when it has a signature key, retried on
    /// failure. Returns the event id at once; `deliveries()` tells how it
    /// went. Throws `SANDBOX` naming the argument (`field`) for an unknown
    /// instance, one without events, or a resource its poller configuration
    /// does not name.
    #[napi(catch_unwind)]
    pub fn trigger_event(
        &self,
        env: Env,
        #[napi(ts_arg_type = "TriggerEvent")] event: Unknown<'_>,
    ) -> napi::Result<i64> {
        let result = TriggerEvent::read(Some(event))
            .map_err(Failure::from)
            .and_then(|e| {
                let id = self.inner.trigger_event(
                    e.instance_id,
                    &e.object_type,
                    e.event_type.as_deref().unwrap_or("UPDATED"),
                    e.object_id.as_deref(),
                )?;
                // Exact: event ids count triggers of one sandbox.
                Ok(id as i64)
            });
        sync(&env, result)
    }

    /// Every event delivery, oldest first (the newest 1000 are kept).
    #[napi]
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.inner
            .deliveries()
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// Stops listening, closes open connections and ends event deliveries. Idempotent.
    #[napi]
    pub fn stop(&self) {
        self.inner.stop();
    }
}
