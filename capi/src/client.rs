//! Client options, the client, step 1 (the redirect URL) and step 2 (the callback).

use crate::ea_result;
use crate::error::ea_error;
use crate::ffi::{arg_mut, arg_ref, arg_str, borrow_cstr, cstring, free, guard, push_pair, Out};
use ea_core::{Binding, Client, ClientOptions, Grant, OAuthUrl, OAuthUrlRequest};
use std::ffi::{c_char, CString};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

/// Options of a client, filled with `ea_client_options_set_*` and read by
/// `ea_client_new`: each setter assigns one field of the core's
/// `ClientOptions`, which checks them all when the client is built.
/// Not thread-safe: use one from one thread at a time.
pub struct ea_client_options {
    inner: ClientOptions,
}

impl ea_client_options {
    /// Wraps core options (the sandbox hands out pre-filled ones).
    pub(crate) fn new(inner: ClientOptions) -> ea_client_options {
        ea_client_options { inner }
    }
}

/// A platform client. Thread-safe: build it once and share it between
/// threads; every call on it may run concurrently. Connections are reused.
pub struct ea_client {
    inner: Client,
    base_url: CString,
}

impl ea_client {
    /// The core client.
    pub(crate) fn inner(&self) -> &Client {
        &self.inner
    }
}

/// Step 1's request: the element and the app registered with the vendor.
/// Not thread-safe: use one from one thread at a time.
pub struct ea_oauth_url_request {
    inner: OAuthUrlRequest,
}

/// Step 1's answer: the vendor's consent page URL and the state in it.
/// Immutable: may be read from any thread.
pub struct ea_oauth_url {
    inner: OAuthUrl,
    /// The C strings handed out, each made on first read and then kept.
    element: OnceLock<CString>,
    url: OnceLock<CString>,
    state: OnceLock<CString>,
}

/// Step 2's answer: the authorization code and the state of the callback.
/// Immutable: may be read from any thread. The code is a secret.
pub struct ea_grant {
    code: CString,
    state: CString,
}

impl From<ea_core::Grant> for ea_grant {
    fn from(g: Grant) -> ea_grant {
        ea_grant {
            code: cstring(g.code.expose()),
            state: cstring(&g.state),
        }
    }
}

/// Creates options with nothing set: the defaults apply (production, 30 s
/// timeout, 2 retries). Free them with `ea_client_options_free`.
#[no_mangle]
pub extern "C" fn ea_client_options_new(
    out: *mut *mut ea_client_options,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        Out::new(out, "out")?.set(ea_client_options::new(ClientOptions::default()));
        Ok(())
    })
}

/// Creates options that start from `ELEMENTS_BASE_URL`,
/// `ELEMENTS_USER_SECRET` and `ELEMENTS_ORGANIZATION_SECRET`, read by
/// `ea_client_new`; what the setters set overrides them.
/// Free them with `ea_client_options_free`.
#[no_mangle]
pub extern "C" fn ea_client_options_from_env(
    out: *mut *mut ea_client_options,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let mut inner = ClientOptions::default();
        inner.from_env = Some(true);
        Out::new(out, "out")?.set(ea_client_options::new(inner));
        Ok(())
    })
}

/// Assigns a string option: `opts` and `value` are checked (NULL, UTF-8,
/// the latter named `field`), then `assign` stores it.
fn set_text(
    opts: *mut ea_client_options,
    value: *const c_char,
    field: &str,
    err: *mut *mut ea_error,
    assign: impl FnOnce(&mut ClientOptions, String),
) -> ea_result {
    guard(err, || {
        let opts = arg_mut(opts, "opts")?;
        let value = arg_str(value, field)?.to_owned();
        assign(&mut opts.inner, value);
        Ok(())
    })
}

/// Assigns a numeric option; only `opts` can be wrong here (the core checks
/// the value's bounds in `ea_client_new`).
fn set_value(
    opts: *mut ea_client_options,
    err: *mut *mut ea_error,
    assign: impl FnOnce(&mut ClientOptions),
) -> ea_result {
    guard(err, || {
        assign(&mut arg_mut(opts, "opts")?.inner);
        Ok(())
    })
}

/// Sets a custom API base URL, such as the sandbox's (`.../elements/api-v2`).
#[no_mangle]
pub extern "C" fn ea_client_options_set_base_url(
    opts: *mut ea_client_options,
    base_url: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_text(opts, base_url, "base_url", err, |o, v| o.base_url = Some(v))
}

/// Sets a known deployment: `production`, `staging` or `sap-us2`.
#[no_mangle]
pub extern "C" fn ea_client_options_set_environment(
    opts: *mut ea_client_options,
    environment: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_text(opts, environment, "environment", err, |o, v| {
        o.environment = Some(v)
    })
}

/// Sets the user secret (copied; never shown in errors).
#[no_mangle]
pub extern "C" fn ea_client_options_set_user_secret(
    opts: *mut ea_client_options,
    user_secret: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_text(opts, user_secret, "user_secret", err, |o, v| {
        o.user_secret = Some(v.into())
    })
}

/// Sets the organization secret (copied; never shown in errors).
#[no_mangle]
pub extern "C" fn ea_client_options_set_organization_secret(
    opts: *mut ea_client_options,
    organization_secret: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_text(
        opts,
        organization_secret,
        "organization_secret",
        err,
        |o, v| o.organization_secret = Some(v.into()),
    )
}

/// Sets the time limit of one request in milliseconds (default 30000; 0 or
/// more than 24 hours is rejected by `ea_client_new`).
#[no_mangle]
pub extern "C" fn ea_client_options_set_timeout_ms(
    opts: *mut ea_client_options,
    timeout_ms: u64,
    err: *mut *mut ea_error,
) -> ea_result {
    set_value(opts, err, |o| {
        o.timeout = Some(Duration::from_millis(timeout_ms))
    })
}

/// Appends a suffix to the `User-Agent` header (name your application here;
/// it follows `elements-auth/<version> (c)`).
#[no_mangle]
pub extern "C" fn ea_client_options_set_user_agent(
    opts: *mut ea_client_options,
    user_agent: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_text(opts, user_agent, "user_agent", err, |o, v| {
        o.user_agent = Some(v)
    })
}

/// Trusts the CA certificates of this PEM file as well, with the operating
/// system's roots (instead of the library's built-in Mozilla roots).
#[no_mangle]
pub extern "C" fn ea_client_options_set_ca_file(
    opts: *mut ea_client_options,
    ca_file: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_text(opts, ca_file, "ca_file", err, |o, v| {
        o.ca_file = Some(PathBuf::from(v))
    })
}

/// Sets an explicit proxy URL (by default `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` apply).
#[no_mangle]
pub extern "C" fn ea_client_options_set_proxy(
    opts: *mut ea_client_options,
    proxy: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_text(opts, proxy, "proxy", err, |o, v| o.proxy = Some(v))
}

/// Sets how many times an idempotent call (get, list, oauth url) is retried
/// on connection failures and 429/502/503/504 (default 2, at most 100).
/// A create is never retried once sent.
#[no_mangle]
pub extern "C" fn ea_client_options_set_max_retries(
    opts: *mut ea_client_options,
    max_retries: u32,
    err: *mut *mut ea_error,
) -> ea_result {
    set_value(opts, err, |o| o.max_retries = Some(max_retries))
}

/// Sets the first backoff delay between retries in milliseconds (default 200).
#[no_mangle]
pub extern "C" fn ea_client_options_set_retry_base_delay_ms(
    opts: *mut ea_client_options,
    delay_ms: u64,
    err: *mut *mut ea_error,
) -> ea_result {
    set_value(opts, err, |o| {
        o.retry_base_delay = Some(Duration::from_millis(delay_ms))
    })
}

/// Caps one wait between retries in milliseconds, `Retry-After` included (default 10000).
#[no_mangle]
pub extern "C" fn ea_client_options_set_max_retry_delay_ms(
    opts: *mut ea_client_options,
    delay_ms: u64,
    err: *mut *mut ea_error,
) -> ea_result {
    set_value(opts, err, |o| {
        o.max_retry_delay = Some(Duration::from_millis(delay_ms))
    })
}

/// Caps the size of a response body in bytes (default 10 MiB; 0 is rejected
/// by `ea_client_new`).
#[no_mangle]
pub extern "C" fn ea_client_options_set_response_limit(
    opts: *mut ea_client_options,
    bytes: u64,
    err: *mut *mut ea_error,
) -> ea_result {
    set_value(opts, err, |o| o.response_limit = Some(bytes))
}

/// Frees options. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_client_options_free(opts: *mut ea_client_options) {
    free(opts)
}

/// Checks the options and builds a client; `opts` stays owned by the caller
/// and may be freed right after. Free the client with `ea_client_free`.
#[no_mangle]
pub extern "C" fn ea_client_new(
    opts: *const ea_client_options,
    out: *mut *mut ea_client,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let opts = arg_ref(opts, "opts")?;
        let out = Out::new(out, "out")?;
        let mut options = opts.inner.clone();
        options.binding = Some(Binding::new("c", None));
        let client = options.build()?;
        out.set(ea_client {
            base_url: cstring(client.base_url()),
            inner: client,
        });
        Ok(())
    })
}

/// The API base URL the client talks to (after the environment or
/// `ELEMENTS_BASE_URL` was applied). Borrowed: valid until `ea_client_free`;
/// NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_client_base_url(client: *const ea_client) -> *const c_char {
    borrow_cstr(client, |c| &c.base_url)
}

/// Frees a client. NULL is a no-op. No call on it may be running.
#[no_mangle]
pub extern "C" fn ea_client_free(client: *mut ea_client) {
    free(client)
}

/// Starts step 1's request with the four required values (copied).
/// Free it with `ea_oauth_url_request_free`.
#[no_mangle]
pub extern "C" fn ea_oauth_url_request_new(
    element: *const c_char,
    api_key: *const c_char,
    api_secret: *const c_char,
    callback_url: *const c_char,
    out: *mut *mut ea_oauth_url_request,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let request = OAuthUrlRequest::new(
            arg_str(element, "element")?,
            arg_str(api_key, "api_key")?,
            arg_str(api_secret, "api_secret")?,
            arg_str(callback_url, "callback_url")?,
        );
        Out::new(out, "out")?.set(ea_oauth_url_request { inner: request });
        Ok(())
    })
}

fn set_request(
    request: *mut ea_oauth_url_request,
    value: *const c_char,
    field: &str,
    err: *mut *mut ea_error,
    apply: impl FnOnce(&mut OAuthUrlRequest, String),
) -> ea_result {
    guard(err, || {
        let request = arg_mut(request, "request")?;
        let value = arg_str(value, field)?.to_owned();
        apply(&mut request.inner, value);
        Ok(())
    })
}

/// Sets the vendor site (Concur's `siteAddress`).
#[no_mangle]
pub extern "C" fn ea_oauth_url_request_set_site_address(
    request: *mut ea_oauth_url_request,
    site_address: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_request(request, site_address, "site_address", err, |r, v| {
        r.site_address = Some(v)
    })
}

/// Sets the state instead of a generated one (32 random bytes, base64url).
#[no_mangle]
pub extern "C" fn ea_oauth_url_request_set_state(
    request: *mut ea_oauth_url_request,
    state: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_request(request, state, "state", err, |r, v| r.state = Some(v))
}

/// Sets the OAuth scope.
#[no_mangle]
pub extern "C" fn ea_oauth_url_request_set_scope(
    request: *mut ea_oauth_url_request,
    scope: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_request(request, scope, "scope", err, |r, v| r.scope = Some(v))
}

/// Appends an element-specific query parameter; parameters keep their order.
#[no_mangle]
pub extern "C" fn ea_oauth_url_request_add_param(
    request: *mut ea_oauth_url_request,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    push_pair(request, ("name", "value"), name, value, err, |r| {
        &mut r.inner.params
    })
}

/// Frees a request. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_oauth_url_request_free(request: *mut ea_oauth_url_request) {
    free(request)
}

/// Step 1: asks the platform for the vendor's consent page URL. Send the user
/// there and keep `ea_oauth_url_state` for `ea_parse_callback`.
/// Free the result with `ea_oauth_url_free`.
#[no_mangle]
pub extern "C" fn ea_client_oauth_url(
    client: *const ea_client,
    request: *const ea_oauth_url_request,
    out: *mut *mut ea_oauth_url,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let client = arg_ref(client, "client")?;
        let request = arg_ref(request, "request")?;
        let out = Out::new(out, "out")?;
        out.set(ea_oauth_url {
            inner: client.inner.oauth_url(&request.inner)?,
            element: OnceLock::new(),
            url: OnceLock::new(),
            state: OnceLock::new(),
        });
        Ok(())
    })
}

/// The element key. Borrowed: valid until `ea_oauth_url_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_oauth_url_element(url: *const ea_oauth_url) -> *const c_char {
    borrow_cstr(url, |u| u.element.get_or_init(|| cstring(&u.inner.element)))
}

/// The vendor's consent page URL. Borrowed: valid until `ea_oauth_url_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_oauth_url_url(url: *const ea_oauth_url) -> *const c_char {
    borrow_cstr(url, |u| u.url.get_or_init(|| cstring(&u.inner.oauth_url)))
}

/// The state carried by the URL, to pass to `ea_parse_callback`.
/// Borrowed: valid until `ea_oauth_url_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_oauth_url_state(url: *const ea_oauth_url) -> *const c_char {
    borrow_cstr(url, |u| u.state.get_or_init(|| cstring(&u.inner.state)))
}

/// Frees an OAuth URL. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_oauth_url_free(url: *mut ea_oauth_url) {
    free(url)
}

/// Step 2: reads the callback (a full URL or its query string) and checks its
/// state against `expected_state` in constant time. `error=` in the callback is
/// `EA_ERR_AUTHORIZATION_DENIED`; a missing or different state is
/// `EA_ERR_STATE_MISMATCH`; neither code nor error is `EA_ERR_INVALID_CALLBACK`.
/// Free the grant with `ea_grant_free`. Thread-safe.
#[no_mangle]
pub extern "C" fn ea_parse_callback(
    callback: *const c_char,
    expected_state: *const c_char,
    out: *mut *mut ea_grant,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let callback = arg_str(callback, "callback")?;
        let expected_state = arg_str(expected_state, "expected_state")?;
        let out = Out::new(out, "out")?;
        let Grant { code, state } = ea_core::parse_callback(callback, expected_state)?;
        out.set(ea_grant {
            code: cstring(code.expose()),
            state: cstring(&state),
        });
        Ok(())
    })
}

/// The authorization code (a secret: never log it). Borrowed: valid until
/// `ea_grant_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_grant_code(grant: *const ea_grant) -> *const c_char {
    borrow_cstr(grant, |g| &g.code)
}

/// The callback's state. Borrowed: valid until `ea_grant_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_grant_state(grant: *const ea_grant) -> *const c_char {
    borrow_cstr(grant, |g| &g.state)
}

/// Frees a grant. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_grant_free(grant: *mut ea_grant) {
    free(grant)
}
