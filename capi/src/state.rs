//! Signed, stateless OAuth state for web services: `ea_state_signer` and the
//! `ea_state_claims` a verified token holds. Conversion only: the format and
//! every check live in the core.

use crate::client::ea_grant;
use crate::ea_result;
use crate::error::ea_error;
use crate::ffi::{
    arg_bytes, arg_mut, arg_ref, arg_str, borrow_cstr, cstring, free, get, guard, set_string, Out,
};
use ea_core::StateSigner;
use std::ffi::{c_char, CString};
use std::time::Duration;

/// Signs and checks OAuth `state` tokens that carry their own proof, so that
/// any replica of a web service (sharing the secret) can check the callback
/// of a sign-in another replica started. Setting it up
/// (`ea_state_signer_add_previous`) is not thread-safe; once set up, every
/// other call may be made from any number of threads at once.
pub struct ea_state_signer {
    inner: StateSigner,
    key_id: CString,
}

/// What a verified state token says. Immutable: may be read from any thread.
pub struct ea_state_claims {
    element: CString,
    key_id: CString,
    issued_at: u64,
    expires_at: u64,
}

impl From<ea_core::StateClaims> for ea_state_claims {
    fn from(c: ea_core::StateClaims) -> ea_state_claims {
        ea_state_claims {
            element: cstring(&c.element),
            key_id: cstring(&c.key_id),
            issued_at: c.issued_at,
            expires_at: c.expires_at,
        }
    }
}

/// Creates a signer whose key `key_id` (1 to 32 of `A-Z a-z 0-9 _ -`) signs
/// with the `secret_len` bytes at `secret` (at least 32: use 32 random
/// bytes, shared by every replica; copied). `ttl_s` is the lifetime of a new
/// token in seconds, 0 for the default (600). A short secret is
/// `EA_ERR_INVALID_INPUT` with the field `secret`. Free it with
/// `ea_state_signer_free`.
#[no_mangle]
pub extern "C" fn ea_state_signer_new(
    key_id: *const c_char,
    secret: *const u8,
    secret_len: usize,
    ttl_s: u32,
    out: *mut *mut ea_state_signer,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let key_id = arg_str(key_id, "key_id")?;
        let secret = arg_bytes(secret, secret_len, "secret")?;
        let out = Out::new(out, "out")?;
        let mut inner = StateSigner::new(key_id, secret)?;
        if ttl_s != 0 {
            inner = inner.ttl(Duration::from_secs(u64::from(ttl_s)))?;
        }
        out.set(ea_state_signer {
            key_id: cstring(inner.key_id()),
            inner,
        });
        Ok(())
    })
}

/// Adds a key used before a rotation: it no longer signs but still verifies
/// (secret copied, at least 32 bytes). Not thread-safe: add keys before
/// sharing the signer.
#[no_mangle]
pub extern "C" fn ea_state_signer_add_previous(
    signer: *mut ea_state_signer,
    key_id: *const c_char,
    secret: *const u8,
    secret_len: usize,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let signer = arg_mut(signer, "signer")?;
        let key_id = arg_str(key_id, "previous.key_id")?;
        let secret = arg_bytes(secret, secret_len, "previous.secret")?;
        signer.inner = signer.inner.clone().previous_key(key_id, secret)?;
        Ok(())
    })
}

/// The id of the key that signs. Borrowed: valid until the signer is freed;
/// NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_state_signer_key_id(signer: *const ea_state_signer) -> *const c_char {
    borrow_cstr(signer, |s| &s.key_id)
}

/// The shape of every call on a signer: the signer, a text argument named
/// `field`, the subject and the out-pointer, each checked before `f` runs.
fn call<T>(
    (signer, text, field, subject): (*const ea_state_signer, *const c_char, &str, *const c_char),
    out: *mut *mut T,
    err: *mut *mut ea_error,
    f: impl FnOnce(&StateSigner, &str, &str, Out<T>) -> ea_core::Result<()>,
) -> ea_result {
    guard(err, || {
        let signer = arg_ref(signer, "signer")?;
        let text = arg_str(text, field)?;
        let subject = arg_str(subject, "subject")?;
        let out = Out::new(out, "out")?;
        Ok(f(&signer.inner, text, subject, out)?)
    })
}

/// A new state token for a sign-in of `subject` (your user's id) to
/// `element`: pass it to `ea_oauth_url_request_set_state`. Free `*out` with
/// `ea_string_free`. Thread-safe.
#[no_mangle]
pub extern "C" fn ea_state_signer_sign(
    signer: *const ea_state_signer,
    element: *const c_char,
    subject: *const c_char,
    out: *mut *mut c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    call(
        (signer, element, "element", subject),
        out,
        err,
        |s, element, subject, out| {
            set_string(out, &s.sign(element, subject)?);
            Ok(())
        },
    )
}

/// Checks `state` for `subject` now. `EA_ERR_STATE_MISMATCH` when it does not
/// verify, with `ea_error_mismatch` saying why (`"expired"`,
/// `"other_subject"`, `"bad_signature"`, `"unknown_key"`, `"malformed"`).
/// Free `*out` with `ea_state_claims_free`. Thread-safe.
#[no_mangle]
pub extern "C" fn ea_state_signer_verify(
    signer: *const ea_state_signer,
    state: *const c_char,
    subject: *const c_char,
    out: *mut *mut ea_state_claims,
    err: *mut *mut ea_error,
) -> ea_result {
    call(
        (signer, state, "state", subject),
        out,
        err,
        |s, state, subject, out| {
            out.set(s.verify(state, subject)?.into());
            Ok(())
        },
    )
}

/// `ea_parse_callback` with the state checked as `ea_state_signer_verify`
/// checks it for `subject` (first, so that a forged callback cannot pose as
/// a denial). Free the grant with `ea_grant_free`. Thread-safe.
#[no_mangle]
pub extern "C" fn ea_state_signer_parse_callback(
    signer: *const ea_state_signer,
    callback: *const c_char,
    subject: *const c_char,
    out: *mut *mut ea_grant,
    err: *mut *mut ea_error,
) -> ea_result {
    call(
        (signer, callback, "callback", subject),
        out,
        err,
        |s, callback, subject, out| {
            out.set(s.parse_callback(callback, subject)?.into());
            Ok(())
        },
    )
}

/// `ea_state_signer_sign` at a fixed time (`issued_at`, seconds since the
/// Unix epoch) with the fixed 16-byte `nonce`, for test vectors only: it
/// refuses to make a token that would still be valid now. Free `*out` with
/// `ea_string_free`.
#[no_mangle]
pub extern "C" fn ea_state_signer_sign_for_test(
    signer: *const ea_state_signer,
    element: *const c_char,
    subject: *const c_char,
    issued_at: u64,
    nonce: *const u8,
    nonce_len: usize,
    out: *mut *mut c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let signer = arg_ref(signer, "signer")?;
        let element = arg_str(element, "element")?;
        let subject = arg_str(subject, "subject")?;
        let nonce = arg_bytes(nonce, nonce_len, "nonce")?;
        let out = Out::new(out, "out")?;
        set_string(
            out,
            &signer
                .inner
                .sign_for_test(element, subject, issued_at, nonce)?,
        );
        Ok(())
    })
}

/// `ea_state_signer_verify` as if it were `now` (seconds since the Unix
/// epoch), for test vectors only: it refuses a token still valid now.
/// Free `*out` with `ea_state_claims_free`.
#[no_mangle]
pub extern "C" fn ea_state_signer_verify_for_test(
    signer: *const ea_state_signer,
    state: *const c_char,
    subject: *const c_char,
    now: u64,
    out: *mut *mut ea_state_claims,
    err: *mut *mut ea_error,
) -> ea_result {
    call(
        (signer, state, "state", subject),
        out,
        err,
        |s, state, subject, out| {
            out.set(s.verify_for_test(state, subject, now)?.into());
            Ok(())
        },
    )
}

/// Frees a signer. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_state_signer_free(signer: *mut ea_state_signer) {
    free(signer)
}

fn number(claims: *const ea_state_claims, pick: impl FnOnce(&ea_state_claims) -> u64) -> u64 {
    get(0, || {
        // SAFETY: NULL or a live `ea_state_claims`.
        unsafe { claims.as_ref() }.map_or(0, pick)
    })
}

/// The element key the sign-in was started for. Borrowed: valid until
/// `ea_state_claims_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_state_claims_element(claims: *const ea_state_claims) -> *const c_char {
    borrow_cstr(claims, |c| &c.element)
}

/// The id of the key that signed the token. Borrowed: valid until
/// `ea_state_claims_free`; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_state_claims_key_id(claims: *const ea_state_claims) -> *const c_char {
    borrow_cstr(claims, |c| &c.key_id)
}

/// When the token was issued, in seconds since the Unix epoch; 0 for NULL.
#[no_mangle]
pub extern "C" fn ea_state_claims_issued_at(claims: *const ea_state_claims) -> u64 {
    number(claims, |c| c.issued_at)
}

/// When the token stops being valid, in seconds since the Unix epoch; 0 for NULL.
#[no_mangle]
pub extern "C" fn ea_state_claims_expires_at(claims: *const ea_state_claims) -> u64 {
    number(claims, |c| c.expires_at)
}

/// Frees claims. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_state_claims_free(claims: *mut ea_state_claims) {
    free(claims)
}
