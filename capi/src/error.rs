//! `ea_error`: what went wrong, with the kind, the message and the details.

use crate::ea_result;
use crate::ffi::{cstring, free, get, opt_ptr, Failure};
use ea_core::{Error, ErrorKind};
use std::ffi::{c_char, CString};
use std::ptr;

/// An error handed back by a failed call. Owned by the caller: free it with
/// `ea_error_free`. Immutable, so it may be read from any thread.
/// Its texts never contain a secret.
pub struct ea_error {
    pub(crate) code: ea_result,
    message: CString,
    status: u16,
    request_id: Option<CString>,
    provider_message: Option<CString>,
    field: Option<CString>,
    oauth_error: Option<CString>,
    oauth_error_description: Option<CString>,
    oauth_error_uri: Option<CString>,
    may_have_reached_server: bool,
}

fn code_of(kind: ErrorKind) -> ea_result {
    match kind {
        ErrorKind::InvalidInput => ea_result::EA_ERR_INVALID_INPUT,
        ErrorKind::Api => ea_result::EA_ERR_API,
        ErrorKind::Transport => ea_result::EA_ERR_TRANSPORT,
        ErrorKind::Timeout => ea_result::EA_ERR_TIMEOUT,
        ErrorKind::Decode => ea_result::EA_ERR_DECODE,
        ErrorKind::AuthorizationDenied => ea_result::EA_ERR_AUTHORIZATION_DENIED,
        ErrorKind::StateMismatch => ea_result::EA_ERR_STATE_MISMATCH,
        ErrorKind::InvalidCallback => ea_result::EA_ERR_INVALID_CALLBACK,
        ErrorKind::InvalidSignature => ea_result::EA_ERR_INVALID_SIGNATURE,
        _ => ea_result::EA_ERR_INTERNAL,
    }
}

impl ea_error {
    fn bare(code: ea_result, message: &str) -> ea_error {
        ea_error {
            code,
            message: cstring(message),
            status: 0,
            request_id: None,
            provider_message: None,
            field: None,
            oauth_error: None,
            oauth_error_description: None,
            oauth_error_uri: None,
            may_have_reached_server: false,
        }
    }

    pub(crate) fn from_failure(failure: Failure) -> ea_error {
        match failure {
            Failure::Core(e) => ea_error::from_core(&e),
            Failure::Sandbox(message) => {
                ea_error::bare(ea_result::EA_ERR_SANDBOX, &format!("sandbox: {message}"))
            }
            Failure::Panic => ea_error::bare(
                ea_result::EA_ERR_INTERNAL,
                "internal error: a Rust panic was caught at the C boundary",
            ),
        }
    }

    fn from_core(e: &Error) -> ea_error {
        let opt = |s: Option<&str>| s.map(cstring);
        let mut out = ea_error::bare(code_of(e.kind()), &e.to_string());
        out.status = e.status().unwrap_or(0);
        out.request_id = opt(e.request_id());
        out.provider_message = opt(e.provider_message());
        out.field = opt(e.field());
        out.may_have_reached_server = e.may_have_reached_server();
        if let Error::AuthorizationDenied {
            error,
            description,
            uri,
        } = e
        {
            out.oauth_error = Some(cstring(error));
            out.oauth_error_description = opt(description.as_deref());
            out.oauth_error_uri = opt(uri.as_deref());
        }
        out
    }
}

/// The error's code, one of `EA_ERR_*`. `EA_ERR_INTERNAL` when `err` is NULL.
#[no_mangle]
pub extern "C" fn ea_error_kind(err: *const ea_error) -> ea_result {
    get(ea_result::EA_ERR_INTERNAL, || {
        // SAFETY: NULL or a live `ea_error`.
        unsafe { err.as_ref() }.map_or(ea_result::EA_ERR_INTERNAL, |e| e.code)
    })
}

fn text(err: *const ea_error, pick: impl FnOnce(&ea_error) -> *const c_char) -> *const c_char {
    get(ptr::null(), || {
        // SAFETY: NULL or a live `ea_error`.
        unsafe { err.as_ref() }.map_or(ptr::null(), pick)
    })
}

/// The human-readable message, such as `invalid callback_url: must be an absolute http(s) URL`.
/// Borrowed: valid until `ea_error_free(err)`. NULL when `err` is NULL.
#[no_mangle]
pub extern "C" fn ea_error_message(err: *const ea_error) -> *const c_char {
    text(err, |e| e.message.as_ptr())
}

/// The HTTP status of an `EA_ERR_API` error; 0 for other kinds or a NULL `err`.
#[no_mangle]
pub extern "C" fn ea_error_status(err: *const ea_error) -> u16 {
    get(0, || unsafe { err.as_ref() }.map_or(0, |e| e.status))
}

/// The platform's request id of an `EA_ERR_API` error, for support tickets;
/// NULL when there is none. Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_request_id(err: *const ea_error) -> *const c_char {
    text(err, |e| opt_ptr(&e.request_id))
}

/// The vendor's own message of an `EA_ERR_API` error; NULL when there is none.
/// Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_provider_message(err: *const ea_error) -> *const c_char {
    text(err, |e| opt_ptr(&e.provider_message))
}

/// The rejected argument of an `EA_ERR_INVALID_INPUT` error (`callback_url`,
/// `events.refresh_interval`, or the C parameter's name such as `out` for a
/// NULL pointer); NULL for other kinds. Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_field(err: *const ea_error) -> *const c_char {
    text(err, |e| opt_ptr(&e.field))
}

/// The OAuth `error` value (`access_denied`...) of an `EA_ERR_AUTHORIZATION_DENIED`
/// error; NULL for other kinds. Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_oauth_error(err: *const ea_error) -> *const c_char {
    text(err, |e| opt_ptr(&e.oauth_error))
}

/// The OAuth `error_description` of an `EA_ERR_AUTHORIZATION_DENIED` error,
/// or NULL. Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_oauth_error_description(err: *const ea_error) -> *const c_char {
    text(err, |e| opt_ptr(&e.oauth_error_description))
}

/// The OAuth `error_uri` of an `EA_ERR_AUTHORIZATION_DENIED` error, or NULL.
/// Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_oauth_error_uri(err: *const ea_error) -> *const c_char {
    text(err, |e| opt_ptr(&e.oauth_error_uri))
}

/// True when a failed request (`EA_ERR_TIMEOUT`, `EA_ERR_TRANSPORT`) may still
/// have reached the platform: after a failed create, list the instances before
/// starting over. False for a NULL `err`.
#[no_mangle]
pub extern "C" fn ea_error_may_have_reached_server(err: *const ea_error) -> bool {
    get(false, || {
        unsafe { err.as_ref() }.is_some_and(|e| e.may_have_reached_server)
    })
}

/// Frees an error. NULL is a no-op; call it once per error.
#[no_mangle]
pub extern "C" fn ea_error_free(err: *mut ea_error) {
    free(err)
}
