//! Client options, the client, step 1 (the redirect URL) and step 2 (the callback).

use crate::ea_result;
use crate::error::ea_error;
use crate::ffi::{arg_mut, arg_ref, arg_str, borrow_cstr, cstring, free, guard, push_pair, Out};
use ea_core::{Client, ClientBuilder, Grant, OAuthUrl, OAuthUrlRequest};
use std::ffi::{c_char, CString};
use std::time::Duration;

/// Options of a client, filled with `ea_client_options_set_*` and read by
/// `ea_client_new`. Not thread-safe: use one from one thread at a time.
pub struct ea_client_options {
    builder: ClientBuilder,
    user_agent: Option<String>,
}

/// A platform client. Thread-safe: build it once and share it between
/// threads; every call on it may run concurrently. Connections are reused.
pub struct ea_client {
    inner: Client,
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
    element: CString,
    url: CString,
    state: CString,
}

/// Step 2's answer: the authorization code and the state of the callback.
/// Immutable: may be read from any thread. The code is a secret.
pub struct ea_grant {
    code: CString,
    state: CString,
}

/// Creates options with the defaults (production, 30 s timeout, 2 retries).
/// Free them with `ea_client_options_free`.
#[no_mangle]
pub extern "C" fn ea_client_options_new(
    out: *mut *mut ea_client_options,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        Out::new(out, "out")?.set(ea_client_options {
            builder: Client::builder(),
            user_agent: None,
        });
        Ok(())
    })
}

/// Creates options from `ELEMENTS_BASE_URL`, `ELEMENTS_USER_SECRET` and
/// `ELEMENTS_ORGANIZATION_SECRET`. Free them with `ea_client_options_free`.
#[no_mangle]
pub extern "C" fn ea_client_options_from_env(
    out: *mut *mut ea_client_options,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        Out::new(out, "out")?.set(ea_client_options {
            builder: ClientBuilder::from_env(),
            user_agent: None,
        });
        Ok(())
    })
}

fn set_str(
    opts: *mut ea_client_options,
    value: *const c_char,
    field: &str,
    err: *mut *mut ea_error,
    apply: impl FnOnce(ClientBuilder, &str) -> ClientBuilder,
) -> ea_result {
    guard(err, || {
        let opts = arg_mut(opts, "opts")?;
        let value = arg_str(value, field)?;
        opts.builder = apply(std::mem::take(&mut opts.builder), value);
        Ok(())
    })
}

fn set_num(
    opts: *mut ea_client_options,
    err: *mut *mut ea_error,
    apply: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> ea_result {
    guard(err, || {
        let opts = arg_mut(opts, "opts")?;
        opts.builder = apply(std::mem::take(&mut opts.builder));
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
    set_str(opts, base_url, "base_url", err, |b, v| b.base_url(v))
}

/// Sets a known deployment: `production`, `staging` or `sap-us2`.
#[no_mangle]
pub extern "C" fn ea_client_options_set_environment(
    opts: *mut ea_client_options,
    environment: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_str(opts, environment, "environment", err, |b, v| {
        b.environment(v)
    })
}

/// Sets the user secret (copied; never shown in errors).
#[no_mangle]
pub extern "C" fn ea_client_options_set_user_secret(
    opts: *mut ea_client_options,
    user_secret: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_str(opts, user_secret, "user_secret", err, |b, v| {
        b.user_secret(v)
    })
}

/// Sets the organization secret (copied; never shown in errors).
#[no_mangle]
pub extern "C" fn ea_client_options_set_organization_secret(
    opts: *mut ea_client_options,
    organization_secret: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_str(
        opts,
        organization_secret,
        "organization_secret",
        err,
        |b, v| b.organization_secret(v),
    )
}

/// Sets the time limit of one request in milliseconds (default 30000; 0 is
/// rejected by `ea_client_new`).
#[no_mangle]
pub extern "C" fn ea_client_options_set_timeout_ms(
    opts: *mut ea_client_options,
    timeout_ms: u64,
    err: *mut *mut ea_error,
) -> ea_result {
    set_num(opts, err, |b| b.timeout(Duration::from_millis(timeout_ms)))
}

/// Appends a suffix to the `User-Agent` header (name your application here;
/// it follows `elements-auth/<version> (rust) c`).
#[no_mangle]
pub extern "C" fn ea_client_options_set_user_agent(
    opts: *mut ea_client_options,
    user_agent: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let opts = arg_mut(opts, "opts")?;
        opts.user_agent = Some(arg_str(user_agent, "user_agent")?.to_owned());
        Ok(())
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
    set_str(opts, ca_file, "ca_file", err, |b, v| b.ca_file(v))
}

/// Sets an explicit proxy URL (by default `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` apply).
#[no_mangle]
pub extern "C" fn ea_client_options_set_proxy(
    opts: *mut ea_client_options,
    proxy: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    set_str(opts, proxy, "proxy", err, |b, v| b.proxy(v))
}

/// Sets how many times a GET is retried on connection failures and
/// 429/502/503/504 (default 2). A create is never retried once sent.
#[no_mangle]
pub extern "C" fn ea_client_options_set_max_retries(
    opts: *mut ea_client_options,
    max_retries: u32,
    err: *mut *mut ea_error,
) -> ea_result {
    set_num(opts, err, |b| b.max_retries(max_retries))
}

/// Sets the first backoff delay between retries in milliseconds (default 200).
#[no_mangle]
pub extern "C" fn ea_client_options_set_retry_base_delay_ms(
    opts: *mut ea_client_options,
    delay_ms: u64,
    err: *mut *mut ea_error,
) -> ea_result {
    set_num(opts, err, |b| {
        b.retry_base_delay(Duration::from_millis(delay_ms))
    })
}

/// Caps one wait between retries in milliseconds, `Retry-After` included (default 10000).
#[no_mangle]
pub extern "C" fn ea_client_options_set_max_retry_delay_ms(
    opts: *mut ea_client_options,
    delay_ms: u64,
    err: *mut *mut ea_error,
) -> ea_result {
    set_num(opts, err, |b| {
        b.max_retry_delay(Duration::from_millis(delay_ms))
    })
}

/// Caps the size of a response body in bytes (default 10 MiB).
#[no_mangle]
pub extern "C" fn ea_client_options_set_response_limit(
    opts: *mut ea_client_options,
    bytes: u64,
    err: *mut *mut ea_error,
) -> ea_result {
    set_num(opts, err, |b| b.response_limit(bytes))
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
        // The binding names itself in the User-Agent, before the caller's suffix.
        let suffix = match &opts.user_agent {
            Some(s) if !s.is_empty() => format!("c {s}"),
            _ => "c".to_owned(),
        };
        let client = opts.builder.clone().user_agent(suffix).build()?;
        out.set(ea_client { inner: client });
        Ok(())
    })
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
        let OAuthUrl {
            element,
            oauth_url,
            state,
        } = client.inner.oauth_url(&request.inner)?;
        out.set(ea_oauth_url {
            element: cstring(&element),
            url: cstring(&oauth_url),
            state: cstring(&state),
        });
        Ok(())
    })
}

/// The element key. Borrowed: valid until `ea_oauth_url_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_oauth_url_element(url: *const ea_oauth_url) -> *const c_char {
    borrow_cstr(url, |u| &u.element)
}

/// The vendor's consent page URL. Borrowed: valid until `ea_oauth_url_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_oauth_url_url(url: *const ea_oauth_url) -> *const c_char {
    borrow_cstr(url, |u| &u.url)
}

/// The state carried by the URL, to pass to `ea_parse_callback`.
/// Borrowed: valid until `ea_oauth_url_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_oauth_url_state(url: *const ea_oauth_url) -> *const c_char {
    borrow_cstr(url, |u| &u.state)
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
