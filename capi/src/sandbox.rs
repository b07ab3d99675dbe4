//! The sandbox: the platform API and a vendor consent page on 127.0.0.1, in-process.

use crate::ea_result;
use crate::error::ea_error;
use crate::ffi::borrow_cstr;
use crate::ffi::{arg_ref, arg_str, cstring, free, get, guard, set_string, Out};
use elements_auth_sandbox::{Sandbox, SandboxOptions};
use std::ffi::{c_char, CString};

/// A running sandbox. Thread-safe: every function on it may be called from
/// any thread, concurrently. Stopped by `ea_sandbox_stop` or `ea_sandbox_free`.
pub struct ea_sandbox {
    inner: Sandbox,
    base_url: CString,
    user_secret: CString,
    organization_secret: CString,
}

/// Starts a sandbox on 127.0.0.1: `port` 0 picks a free one; with
/// `auto_consent` the vendor page redirects straight back with a code, as if
/// the user clicked Allow. Its secrets are random. Free it with `ea_sandbox_free`.
#[no_mangle]
pub extern "C" fn ea_sandbox_start(
    auto_consent: bool,
    port: u16,
    out: *mut *mut ea_sandbox,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let out = Out::new(out, "out")?;
        let inner = Sandbox::start(SandboxOptions {
            port,
            auto_consent,
            ..SandboxOptions::default()
        })?;
        out.set(ea_sandbox {
            base_url: cstring(&inner.base_url()),
            user_secret: cstring(inner.user_secret()),
            organization_secret: cstring(inner.organization_secret()),
            inner,
        });
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
/// `status:<code>` (400..=599), `drop`, `badjson` or `huge`. An unknown mode is
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

/// Every API request received so far, as a JSON array of
/// `{method, path, rawQuery, query, headers, body}` (headers and bodies carry
/// secrets: for tests only). Free `*out` with `ea_string_free`.
#[no_mangle]
pub extern "C" fn ea_sandbox_requests_json(
    sandbox: *const ea_sandbox,
    out: *mut *mut c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let sandbox = arg_ref(sandbox, "sandbox")?;
        let out = Out::new(out, "out")?;
        set_string(out, &sandbox.inner.requests_json());
        Ok(())
    })
}

/// Stops listening and closes open connections; idempotent. The handle stays
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
