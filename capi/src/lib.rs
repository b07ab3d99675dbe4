//! C API of elements-auth: `libelements_auth.so` / `libelements_auth.a` and
//! `include/elements_auth.h` (generated from this crate by cbindgen).
//!
//! Conventions, the same for every function:
//! - handles are opaque; whatever the library allocates has one `*_free`, which
//!   accepts NULL and must be called once;
//! - a fallible call returns an `ea_result` and writes its result through an
//!   out-pointer, only on success; its last parameter `ea_error **err` may be
//!   NULL, otherwise `*err` is set to NULL on success and to an `ea_error` the
//!   caller frees on failure;
//! - a NULL pointer or a string that is not UTF-8 is `EA_ERR_INVALID_INPUT`
//!   with `ea_error_field` naming the parameter, never a crash;
//! - no Rust panic crosses the boundary (it becomes `EA_ERR_INTERNAL`);
//! - strings going in are borrowed for the call only; strings coming out are
//!   either borrowed from a handle (valid until that handle is freed) or owned
//!   (`char **out`, freed with `ea_string_free`).
//!
//! This layer only converts: every behaviour lives in the `elements-auth` core.

#![allow(non_camel_case_types)]
// Exported functions take raw pointers from C; each one checks them through
// the helpers in `ffi` (NULL, UTF-8) instead of being declared `unsafe`.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod client;
mod error;
mod ffi;
mod instance;
mod sandbox;
mod webhook;

pub use client::*;
pub use error::*;
pub use instance::*;
pub use sandbox::*;
pub use webhook::*;

use std::ffi::{c_char, CStr};

/// What a call did: `EA_OK`, or the kind of error (the core's kinds, in the
/// order shared by every language, then this layer's own).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ea_result {
    /// Success.
    EA_OK = 0,
    /// An argument was rejected before anything was sent (NULL pointers and
    /// invalid UTF-8 included); `ea_error_field` names it.
    EA_ERR_INVALID_INPUT = 1,
    /// The platform answered with an HTTP error status (`ea_error_status`).
    EA_ERR_API = 2,
    /// The request could not be sent or its answer could not be read.
    EA_ERR_TRANSPORT = 3,
    /// The request did not complete within the client's timeout.
    EA_ERR_TIMEOUT = 4,
    /// The platform's answer was not the JSON expected.
    EA_ERR_DECODE = 5,
    /// The user or the vendor refused consent (`ea_error_oauth_error`).
    EA_ERR_AUTHORIZATION_DENIED = 6,
    /// The callback's state is missing or differs from the expected one.
    EA_ERR_STATE_MISMATCH = 7,
    /// The callback carries neither a code nor an error, or is malformed.
    EA_ERR_INVALID_CALLBACK = 8,
    /// A webhook signature does not match its body.
    EA_ERR_INVALID_SIGNATURE = 9,
    /// The sandbox's own API failed (could not start, unknown fault mode...).
    EA_ERR_SANDBOX = 10,
    /// A bug: a Rust panic was caught at the boundary, or an error kind this
    /// version does not know.
    EA_ERR_INTERNAL = 11,
}

/// The stable snake_case name of a result code (`"ok"`, `"invalid_input"`,
/// `"api"`...), `"unknown"` for other values. Static: never freed.
#[no_mangle]
pub extern "C" fn ea_result_name(code: i32) -> *const c_char {
    let name: &'static CStr = match code {
        0 => c"ok",
        1 => c"invalid_input",
        2 => c"api",
        3 => c"transport",
        4 => c"timeout",
        5 => c"decode",
        6 => c"authorization_denied",
        7 => c"state_mismatch",
        8 => c"invalid_callback",
        9 => c"invalid_signature",
        10 => c"sandbox",
        11 => c"internal",
        _ => c"unknown",
    };
    name.as_ptr()
}

/// The library's version, such as `"0.1.0"`. Static: never freed.
#[no_mangle]
pub extern "C" fn ea_version() -> *const c_char {
    const VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    VERSION.as_ptr()
}

/// Frees a string the library handed out through a `char **out` parameter.
/// NULL is a no-op. Never pass it to C's `free()`, nor a borrowed string.
#[no_mangle]
pub extern "C" fn ea_string_free(s: *mut c_char) {
    if !s.is_null() {
        let _ = std::panic::catch_unwind(|| {
            // SAFETY: `s` came from `CString::into_raw` in this library and is freed once.
            drop(unsafe { std::ffi::CString::from_raw(s) })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_names_follow_the_core_kinds() {
        for (i, kind) in ea_core::ErrorKind::ALL.iter().enumerate() {
            let name = unsafe { CStr::from_ptr(ea_result_name(i as i32 + 1)) };
            assert_eq!(name.to_str().unwrap(), kind.as_str());
        }
    }

    #[test]
    fn a_panic_becomes_ea_err_internal_and_never_unwinds_into_c() {
        let mut err: *mut ea_error = std::ptr::null_mut();
        let rc = ffi::guard(&mut err, || panic!("boom"));
        assert_eq!(rc, ea_result::EA_ERR_INTERNAL);
        assert_eq!(ea_error_kind(err), ea_result::EA_ERR_INTERNAL);
        let message = unsafe { CStr::from_ptr(ea_error_message(err)) };
        assert!(message.to_str().unwrap().contains("panic"));
        ea_error_free(err);
        // With err = NULL the code alone comes back.
        assert_eq!(
            ffi::guard(std::ptr::null_mut(), || panic!("boom")),
            ea_result::EA_ERR_INTERNAL
        );
        // Accessors fall back to their default.
        assert_eq!(ffi::get(7, || -> i32 { panic!("boom") }), 7);
    }
}
