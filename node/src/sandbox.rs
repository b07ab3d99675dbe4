//! `Sandbox`: the in-process platform and vendor emulator, for offline tests.

use crate::error::{sandbox as sandbox_error, sandbox_message};
use napi_derive::napi;
use serde_json::Value;

/// How to start a `Sandbox`; all optional.
#[napi(object)]
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
    pub fn start(options: Option<SandboxOptions>) -> napi::Result<Sandbox> {
        let mut o = elements_auth_sandbox::SandboxOptions::default();
        if let Some(opts) = options {
            if let Some(port) = opts.port {
                o.port = u16::try_from(port)
                    .map_err(|_| crate::error::invalid("port", "must be between 0 and 65535"))?;
            }
            if let Some(auto) = opts.auto_consent {
                o.auto_consent = auto;
            }
            if let Some(ttl) = opts.code_ttl_ms {
                o.code_ttl = crate::types::millis("codeTtlMs", ttl)?;
            }
            o.user_secret = opts.user_secret;
            o.organization_secret = opts.organization_secret;
        }
        elements_auth_sandbox::Sandbox::start(o)
            .map(|inner| Sandbox { inner })
            .map_err(sandbox_error)
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
    pub fn approve(&self, oauth_url: String) -> napi::Result<String> {
        self.inner.approve(&oauth_url).map_err(sandbox_error)
    }

    /// Plays the user clicking Deny on `oauthUrl`: returns the callback URL
    /// with `error=access_denied`.
    #[napi(catch_unwind)]
    pub fn deny(&self, oauth_url: String) -> napi::Result<String> {
        self.inner.deny(&oauth_url).map_err(sandbox_error)
    }

    /// Queues a fault for the next `count` API requests (default 1): `slow:<ms>`,
    /// `status:<400-599>`, `drop` (close the connection), `badjson` or `huge`.
    #[napi(catch_unwind)]
    pub fn inject_fault(&self, mode: String, count: Option<u32>) -> napi::Result<()> {
        self.inner
            .inject_fault(&mode, count.unwrap_or(1))
            .map_err(sandbox_error)
    }

    /// Removes every queued fault.
    #[napi]
    pub fn clear_faults(&self) {
        self.inner.clear_faults();
    }

    /// Every API request received so far, as sent (`method`, `path`,
    /// `rawQuery`, `query` pairs, `headers`, `body`). These hold the secrets
    /// that were sent: keep them out of logs. Throws `SANDBOX` if the record
    /// cannot be read.
    #[napi(
        ts_return_type = "Array<{ method: string; path: string; rawQuery: string; query: Array<[string, string]>; headers: Record<string, string>; body: string }>"
    )]
    pub fn requests(&self) -> napi::Result<Value> {
        serde_json::from_str(&self.inner.requests_json())
            .map_err(|e| sandbox_message(&format!("recorded requests are not valid JSON: {e}")))
    }

    /// The instances the sandbox currently stores, as `GET /instances/{id}` returns them.
    #[napi(ts_return_type = "Array<Record<string, unknown>>")]
    pub fn instances(&self) -> Value {
        Value::Array(self.inner.instances())
    }

    /// Stops listening and closes open connections. Idempotent.
    #[napi]
    pub fn stop(&self) {
        self.inner.stop();
    }
}
