//! The sandbox: the platform API and a vendor consent page on 127.0.0.1, in-process.

use crate::client::ea_client_options;
use crate::ea_result;
use crate::error::ea_error;
use crate::ffi::{
    arg_mut, arg_ref, arg_str, borrow_cstr, cstring, free, get, guard, set_string, FfiResult, Out,
};
use ea_core::ClientOptions;
use elements_auth_sandbox::{Sandbox, SandboxOptions};
use std::ffi::{c_char, CString};
use std::time::Duration;

/// How to start a sandbox, filled with `ea_sandbox_options_set_*` and read by
/// `ea_sandbox_start_with`. Defaults: a free port, auto-consent on,
/// 10-minute codes, random secrets. Not thread-safe: use one from one thread
/// at a time.
pub struct ea_sandbox_options {
    pub(crate) inner: SandboxOptions,
}

/// A running sandbox. Thread-safe: every function on it may be called from
/// any thread, concurrently. Stopped by `ea_sandbox_stop` or `ea_sandbox_free`.
pub struct ea_sandbox {
    pub(crate) inner: Sandbox,
    base_url: CString,
    user_secret: CString,
    organization_secret: CString,
}

impl ea_sandbox {
    fn start(options: SandboxOptions) -> FfiResult<ea_sandbox> {
        let inner = Sandbox::start(options)?;
        Ok(ea_sandbox {
            base_url: cstring(&inner.base_url()),
            user_secret: cstring(inner.user_secret()),
            organization_secret: cstring(inner.organization_secret()),
            inner,
        })
    }
}

/// Creates sandbox options with the defaults. Free them with
/// `ea_sandbox_options_free`.
#[no_mangle]
pub extern "C" fn ea_sandbox_options_new(
    out: *mut *mut ea_sandbox_options,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        Out::new(out, "out")?.set(ea_sandbox_options {
            inner: SandboxOptions::default(),
        });
        Ok(())
    })
}

/// Assigns one sandbox option after checking `opts`.
fn set_option(
    opts: *mut ea_sandbox_options,
    err: *mut *mut ea_error,
    assign: impl FnOnce(&mut SandboxOptions) -> FfiResult<()>,
) -> ea_result {
    guard(err, || assign(&mut arg_mut(opts, "opts")?.inner))
}

/// Sets the TCP port on 127.0.0.1; 0 (the default) picks a free one.
#[no_mangle]
pub extern "C" fn ea_sandbox_options_set_port(
    opts: *mut ea_sandbox_options,
    port: u16,
    err: *mut *mut ea_error,
) -> ea_result {
    set_option(opts, err, |o| {
        o.port = port;
        Ok(())
    })
}

/// With `auto_consent` (the default) the vendor page redirects straight back
/// with a code, as if the user clicked Allow; without it, it shows the form.
#[no_mangle]
pub extern "C" fn ea_sandbox_options_set_auto_consent(
    opts: *mut ea_sandbox_options,
    auto_consent: bool,
    err: *mut *mut ea_error,
) -> ea_result {
    set_option(opts, err, |o| {
        o.auto_consent = auto_consent;
        Ok(())
    })
}

/// Sets how long an authorization code stays valid, in milliseconds
/// (default 600000; 0 makes every code expired, to test that path).
#[no_mangle]
pub extern "C" fn ea_sandbox_options_set_code_ttl_ms(
    opts: *mut ea_sandbox_options,
    code_ttl_ms: u64,
    err: *mut *mut ea_error,
) -> ea_result {
    set_option(opts, err, |o| {
        o.code_ttl = Duration::from_millis(code_ttl_ms);
        Ok(())
    })
}

/// Sets the user secret the sandbox expects (copied) instead of a random
/// one; `ea_sandbox_start_with` refuses one that is empty or holds
/// whitespace, control characters or commas.
#[no_mangle]
pub extern "C" fn ea_sandbox_options_set_user_secret(
    opts: *mut ea_sandbox_options,
    user_secret: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_option(opts, err, |o| {
        o.user_secret = Some(arg_str(user_secret, "user_secret")?.to_owned());
        Ok(())
    })
}

/// Sets the organization secret the sandbox expects (copied) instead of a
/// random one; checked like the user secret.
#[no_mangle]
pub extern "C" fn ea_sandbox_options_set_organization_secret(
    opts: *mut ea_sandbox_options,
    organization_secret: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_option(opts, err, |o| {
        o.organization_secret =
            Some(arg_str(organization_secret, "organization_secret")?.to_owned());
        Ok(())
    })
}

/// Sets how many connections are served at once (default 512); beyond it a
/// connection gets 503. 0 is refused by `ea_sandbox_start_with`.
#[no_mangle]
pub extern "C" fn ea_sandbox_options_set_max_connections(
    opts: *mut ea_sandbox_options,
    max_connections: u32,
    err: *mut *mut ea_error,
) -> ea_result {
    set_option(opts, err, |o| {
        o.max_connections = max_connections as usize;
        Ok(())
    })
}

/// Sets how long one request may take to arrive, keep-alive wait included,
/// in milliseconds (default 30000): a stalled client is then cut off.
/// 0 is refused by `ea_sandbox_start_with`.
#[no_mangle]
pub extern "C" fn ea_sandbox_options_set_read_timeout_ms(
    opts: *mut ea_sandbox_options,
    read_timeout_ms: u64,
    err: *mut *mut ea_error,
) -> ea_result {
    set_option(opts, err, |o| {
        o.read_timeout = Duration::from_millis(read_timeout_ms);
        Ok(())
    })
}

/// Sets how many requests `ea_sandbox_requests_json` keeps (default 10000);
/// the oldest are dropped first (`ea_sandbox_requests_dropped` counts them).
/// 0 is refused by `ea_sandbox_start_with`.
#[no_mangle]
pub extern "C" fn ea_sandbox_options_set_request_log_limit(
    opts: *mut ea_sandbox_options,
    request_log_limit: u32,
    err: *mut *mut ea_error,
) -> ea_result {
    set_option(opts, err, |o| {
        o.request_log_limit = request_log_limit as usize;
        Ok(())
    })
}

/// Frees sandbox options. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_sandbox_options_free(opts: *mut ea_sandbox_options) {
    free(opts)
}

/// Starts a sandbox on 127.0.0.1 with `opts` (which stay owned by the
/// caller). A port in use or a refused secret is `EA_ERR_SANDBOX`.
/// Free the sandbox with `ea_sandbox_free`.
#[no_mangle]
pub extern "C" fn ea_sandbox_start_with(
    opts: *const ea_sandbox_options,
    out: *mut *mut ea_sandbox,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let opts = arg_ref(opts, "opts")?;
        let out = Out::new(out, "out")?;
        out.set(ea_sandbox::start(opts.inner.clone())?);
        Ok(())
    })
}

/// The short form of `ea_sandbox_start_with`: starts a sandbox on 127.0.0.1
/// with `port` (0 picks a free one) and `auto_consent`, 10-minute codes and
/// random secrets. Free it with `ea_sandbox_free`.
#[no_mangle]
pub extern "C" fn ea_sandbox_start(
    auto_consent: bool,
    port: u16,
    out: *mut *mut ea_sandbox,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let out = Out::new(out, "out")?;
        out.set(ea_sandbox::start(SandboxOptions {
            port,
            auto_consent,
            ..SandboxOptions::default()
        })?);
        Ok(())
    })
}

/// Client options for this sandbox: its base URL and both secrets already
/// set, ready for `ea_client_new` (set a timeout or retries first if you
/// like). Free them with `ea_client_options_free`.
#[no_mangle]
pub extern "C" fn ea_sandbox_client_options(
    sandbox: *const ea_sandbox,
    out: *mut *mut ea_client_options,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let sandbox = arg_ref(sandbox, "sandbox")?;
        let out = Out::new(out, "out")?;
        let mut options = ClientOptions::default();
        options.base_url = Some(sandbox.inner.base_url());
        options.user_secret = Some(sandbox.inner.user_secret().into());
        options.organization_secret = Some(sandbox.inner.organization_secret().into());
        out.set(ea_client_options::new(options));
        Ok(())
    })
}

/// The platform base URL to give `ea_client_options_set_base_url`
/// (`http://127.0.0.1:<port>/elements/api-v2`). Borrowed: valid until
/// `ea_sandbox_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_sandbox_base_url(sandbox: *const ea_sandbox) -> *const c_char {
    borrow_cstr(sandbox, |s| &s.base_url)
}

/// The TCP port the sandbox listens on; 0 for NULL.
#[no_mangle]
pub extern "C" fn ea_sandbox_port(sandbox: *const ea_sandbox) -> u16 {
    get(0, || {
        unsafe { sandbox.as_ref() }.map_or(0, |s| s.inner.port())
    })
}

/// The user secret the sandbox expects. Borrowed: valid until
/// `ea_sandbox_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_sandbox_user_secret(sandbox: *const ea_sandbox) -> *const c_char {
    borrow_cstr(sandbox, |s| &s.user_secret)
}

/// The organization secret the sandbox expects. Borrowed: valid until
/// `ea_sandbox_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_sandbox_organization_secret(sandbox: *const ea_sandbox) -> *const c_char {
    borrow_cstr(sandbox, |s| &s.organization_secret)
}

/// Whether the vendor page redirects without showing the consent form;
/// false for NULL.
#[no_mangle]
pub extern "C" fn ea_sandbox_auto_consent(sandbox: *const ea_sandbox) -> bool {
    get(false, || {
        unsafe { sandbox.as_ref() }.is_some_and(|s| s.inner.auto_consent())
    })
}

fn consent(
    sandbox: *const ea_sandbox,
    oauth_url: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut ea_error,
    allow: bool,
) -> ea_result {
    guard(err, || {
        let sandbox = arg_ref(sandbox, "sandbox")?;
        let oauth_url = arg_str(oauth_url, "oauth_url")?;
        let out = Out::new(out, "out")?;
        let callback = if allow {
            sandbox.inner.approve(oauth_url)?
        } else {
            sandbox.inner.deny(oauth_url)?
        };
        set_string(out, &callback);
        Ok(())
    })
}

/// Plays the user clicking Allow on `oauth_url` (from `ea_oauth_url_url`):
/// `*out` is the callback URL the browser would land on, with a fresh code.
/// Free it with `ea_string_free`.
#[no_mangle]
pub extern "C" fn ea_sandbox_approve(
    sandbox: *const ea_sandbox,
    oauth_url: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    consent(sandbox, oauth_url, out, err, true)
}

/// Plays the user clicking Deny on `oauth_url`: `*out` is the callback URL
/// with `error=access_denied`. Free it with `ea_string_free`.
#[no_mangle]
pub extern "C" fn ea_sandbox_deny(
    sandbox: *const ea_sandbox,
    oauth_url: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    consent(sandbox, oauth_url, out, err, false)
}

/// Queues fault `mode` for the next `count` API requests: `slow:<ms>`,
/// `status:<code>` (400..=599), `drop`, `badjson`, `huge`, `nostate` (the
/// oauthUrl carries the element key as its state) or `truncated` (the request
/// is handled, then half of the answer is sent). An unknown mode is
/// `EA_ERR_SANDBOX`.
#[no_mangle]
pub extern "C" fn ea_sandbox_inject_fault(
    sandbox: *const ea_sandbox,
    mode: *const c_char,
    count: u32,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let sandbox = arg_ref(sandbox, "sandbox")?;
        sandbox.inner.inject_fault(arg_str(mode, "mode")?, count)?;
        Ok(())
    })
}

/// Removes every queued fault. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_sandbox_clear_faults(sandbox: *const ea_sandbox) {
    get((), || {
        if let Some(s) = unsafe { sandbox.as_ref() } {
            s.inner.clear_faults()
        }
    })
}

/// The API requests received so far, oldest first, as a JSON array of
/// `{method, path, rawQuery, query, headers, body}` (headers and bodies carry
/// secrets: for tests only). The log is bounded: the oldest entries go first
/// (`ea_sandbox_requests_dropped` counts them). Free `*out` with `ea_string_free`.
#[no_mangle]
pub extern "C" fn ea_sandbox_requests_json(
    sandbox: *const ea_sandbox,
    out: *mut *mut c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    json_text(sandbox, out, err, Sandbox::requests_json)
}

/// How many recorded requests were dropped from the front of the request
/// log to keep it bounded (0 unless the sandbox served very many); 0 for NULL.
#[no_mangle]
pub extern "C" fn ea_sandbox_requests_dropped(sandbox: *const ea_sandbox) -> u64 {
    get(0, || {
        unsafe { sandbox.as_ref() }.map_or(0, |s| s.inner.requests_dropped())
    })
}

/// The instances the sandbox holds, as a JSON array of what
/// `GET /instances/{id}` returns (they hold element tokens: for tests only).
/// Free `*out` with `ea_string_free`.
#[no_mangle]
pub extern "C" fn ea_sandbox_instances_json(
    sandbox: *const ea_sandbox,
    out: *mut *mut c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    json_text(sandbox, out, err, |s| {
        serde_json::Value::Array(s.instances()).to_string()
    })
}

/// Hands `*out` the JSON text `text` makes of the sandbox (freed with `ea_string_free`).
pub(crate) fn json_text(
    sandbox: *const ea_sandbox,
    out: *mut *mut c_char,
    err: *mut *mut ea_error,
    text: impl FnOnce(&Sandbox) -> String,
) -> ea_result {
    guard(err, || {
        let sandbox = arg_ref(sandbox, "sandbox")?;
        let out = Out::new(out, "out")?;
        set_string(out, &text(&sandbox.inner));
        Ok(())
    })
}

/// Stops listening, closes open connections and ends event deliveries;
/// idempotent. The handle stays
/// valid (its strings too) until `ea_sandbox_free`. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_sandbox_stop(sandbox: *const ea_sandbox) {
    get((), || {
        if let Some(s) = unsafe { sandbox.as_ref() } {
            s.inner.stop()
        }
    })
}

/// Stops the sandbox if running and frees it. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_sandbox_free(sandbox: *mut ea_sandbox) {
    free(sandbox)
}
