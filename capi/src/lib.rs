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
mod events;
mod ffi;
mod instance;
mod sandbox;
mod state;
mod webhook;

pub use client::*;
pub use error::*;
pub use events::*;
pub use instance::*;
pub use sandbox::*;
pub use state::*;
pub use webhook::*;

use ea_core::ErrorKind;
use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

/// What a call did: `EA_OK`, the kind of a core error (`EA_ERR_INVALID_INPUT`
/// .. `EA_ERR_INVALID_SIGNATURE` = the core's kind index + 1, in the order
/// shared by every language; new kinds are appended there), or one of this
/// layer's own codes, from 100 up, so that new core kinds never move them.
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
    EA_ERR_SANDBOX = 100,
    /// A bug: a Rust panic was caught at the boundary, or an error kind this
    /// version does not know.
    EA_ERR_INTERNAL = 101,
}

impl ea_result {
    /// Every code, in numeric order: what `TryFrom<i32>` and the names go by.
    const ALL: [ea_result; 12] = [
        ea_result::EA_OK,
        ea_result::EA_ERR_INVALID_INPUT,
        ea_result::EA_ERR_API,
        ea_result::EA_ERR_TRANSPORT,
        ea_result::EA_ERR_TIMEOUT,
        ea_result::EA_ERR_DECODE,
        ea_result::EA_ERR_AUTHORIZATION_DENIED,
        ea_result::EA_ERR_STATE_MISMATCH,
        ea_result::EA_ERR_INVALID_CALLBACK,
        ea_result::EA_ERR_INVALID_SIGNATURE,
        ea_result::EA_ERR_SANDBOX,
        ea_result::EA_ERR_INTERNAL,
    ];

    /// The code of a core error kind: its index + 1 (`EA_ERR_INTERNAL` for
    /// a kind newer than this enum).
    pub(crate) fn from_kind(kind: ErrorKind) -> ea_result {
        i32::try_from(kind.index() + 1)
            .ok()
            .and_then(|code| ea_result::try_from(code).ok())
            .unwrap_or(ea_result::EA_ERR_INTERNAL)
    }

    /// The core kind this code stands for (codes 1..=9), if any.
    fn kind(self) -> Option<ErrorKind> {
        let index = usize::try_from(self as i32 - 1).ok()?;
        ErrorKind::ALL.get(index).copied()
    }

    /// The snake_case name: the core kind's for codes 1..=9.
    fn name(self) -> &'static CStr {
        static KINDS: OnceLock<Vec<CString>> = OnceLock::new();
        if let Some(kind) = self.kind() {
            let names = KINDS.get_or_init(|| {
                ErrorKind::ALL
                    .iter()
                    .map(|k| ffi::cstring(k.as_str()))
                    .collect()
            });
            return &names[kind.index()];
        }
        match self {
            ea_result::EA_OK => c"ok",
            ea_result::EA_ERR_SANDBOX => c"sandbox",
            _ => c"internal",
        }
    }
}

impl TryFrom<i32> for ea_result {
    type Error = i32;

    /// The code numbered `value`, or `value` back when there is none.
    fn try_from(value: i32) -> Result<ea_result, i32> {
        ea_result::ALL
            .into_iter()
            .find(|code| *code as i32 == value)
            .ok_or(value)
    }
}

/// The stable snake_case name of a result code (`"ok"`, `"invalid_input"`,
/// `"api"`... `"sandbox"`, `"internal"`), `"unknown"` for other values.
/// Static: never freed.
#[no_mangle]
pub extern "C" fn ea_result_name(code: i32) -> *const c_char {
    ffi::get(c"unknown".as_ptr(), || {
        ea_result::try_from(code)
            .map_or(c"unknown", ea_result::name)
            .as_ptr()
    })
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

    fn name_of(code: i32) -> &'static str {
        unsafe { CStr::from_ptr(ea_result_name(code)) }
            .to_str()
            .unwrap()
    }

    fn header() -> String {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../include/elements_auth.h");
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The `NAME = value` constants of `typedef enum ea_result { ... }` in the header.
    fn header_codes() -> Vec<(String, i32)> {
        let text = header();
        let body = text
            .split("typedef enum ea_result {")
            .nth(1)
            .and_then(|rest| rest.split('}').next())
            .expect("the header declares typedef enum ea_result");
        body.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("EA_"))
            .map(|l| {
                let (name, value) = l.trim_end_matches(',').split_once(" = ").unwrap();
                (name.to_owned(), value.parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn result_names_follow_the_core_kinds() {
        for (i, kind) in ea_core::ErrorKind::ALL.iter().enumerate() {
            assert_eq!(name_of(i as i32 + 1), kind.as_str());
        }
        assert_eq!(name_of(0), "ok");
        assert_eq!(name_of(100), "sandbox");
        assert_eq!(name_of(101), "internal");
        for unknown in [-1, 10, 11, 99, 102, i32::MAX, i32::MIN] {
            assert_eq!(name_of(unknown), "unknown", "{unknown}");
        }
    }

    #[test]
    fn each_core_kind_is_its_index_plus_one_under_its_own_name() {
        for kind in ea_core::ErrorKind::ALL {
            let code = ea_result::from_kind(kind);
            assert_eq!(code as usize, kind.index() + 1);
            assert_eq!(code.kind(), Some(kind));
            let upper = kind.as_str().to_uppercase();
            assert_eq!(format!("{code:?}"), format!("EA_ERR_{upper}"));
        }
        // This layer's own codes stay clear of the core's, which grow from 1.
        for own in [
            ea_result::EA_OK,
            ea_result::EA_ERR_SANDBOX,
            ea_result::EA_ERR_INTERNAL,
        ] {
            assert_eq!(own.kind(), None);
        }
        assert!(ea_result::EA_ERR_SANDBOX as usize >= 100);
    }

    #[test]
    fn the_code_list_is_the_enum_the_header_declares() {
        let listed: Vec<(String, i32)> = ea_result::ALL
            .iter()
            .map(|c| (format!("{c:?}"), *c as i32))
            .collect();
        assert_eq!(listed, header_codes());
        for code in ea_result::ALL {
            assert_eq!(ea_result::try_from(code as i32), Ok(code));
        }
    }

    /// The model is rustls-ffi's `rustls_header_version.rs`: the version
    /// macros of the committed header are the crate's version.
    #[test]
    fn the_header_version_macros_are_the_crate_version() {
        let text = header();
        let part = |name: &str| -> String {
            let prefix = format!("#define {name} ");
            let mut found = text.lines().filter_map(|l| l.strip_prefix(&prefix));
            let value = found
                .next()
                .unwrap_or_else(|| panic!("the header does not define {name}"));
            assert!(found.next().is_none(), "{name} is defined twice");
            value.trim().to_owned()
        };
        let in_header = format!(
            "{}.{}.{}",
            part("EA_VERSION_MAJOR"),
            part("EA_VERSION_MINOR"),
            part("EA_VERSION_PATCH")
        );
        assert_eq!(
            in_header,
            env!("CARGO_PKG_VERSION"),
            "the version in include/elements_auth.h differs from Cargo.toml's: \
             update after_includes in capi/cbindgen.toml and run capi/gen-header.sh"
        );
        let library = unsafe { CStr::from_ptr(ea_version()) };
        assert_eq!(library.to_str().unwrap(), in_header);
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
