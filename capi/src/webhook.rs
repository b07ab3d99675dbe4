//! Verifying (and, for tests, producing) `Elements-Webhook-Signature` headers.

use crate::ea_result;
use crate::error::ea_error;
use crate::ffi::{arg_bytes, arg_str, guard, set_string, Out};
use std::ffi::c_char;

/// Checks an event's `Elements-Webhook-Signature` header (`sha256=<base64>`
/// or bare base64) against the raw body bytes as received, in constant time.
/// `EA_OK` when it matches, `EA_ERR_INVALID_SIGNATURE` when not. `body` must
/// not be NULL, even when `body_len` is 0. Thread-safe.
#[no_mangle]
pub extern "C" fn ea_verify_webhook_signature(
    signature_key: *const c_char,
    body: *const u8,
    body_len: usize,
    signature_header: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let key = arg_str(signature_key, "signature_key")?;
        let body = arg_bytes(body, body_len, "body")?;
        let header = arg_str(signature_header, "signature_header")?;
        ea_core::verify_webhook_signature(key, body, header)?;
        Ok(())
    })
}

/// The header value the platform would send for `body`
/// (`sha256=<base64 HMAC-SHA256>`), to sign test events for your own endpoint.
/// Free `*out` with `ea_string_free`. Thread-safe.
#[no_mangle]
pub extern "C" fn ea_sign_webhook(
    signature_key: *const c_char,
    body: *const u8,
    body_len: usize,
    out: *mut *mut c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let key = arg_str(signature_key, "signature_key")?;
        let body = arg_bytes(body, body_len, "body")?;
        let out = Out::new(out, "out")?;
        set_string(out, &ea_core::sign_webhook(key, body));
        Ok(())
    })
}
