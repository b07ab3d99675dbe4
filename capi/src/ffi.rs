//! The boundary helpers every exported function goes through: panic guard,
//! NULL and UTF-8 checks, out-pointers, and C strings.

use crate::ea_result;
use crate::error::ea_error;
use ea_core::Error;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

/// Why an exported call failed, before it becomes an [`ea_error`].
pub(crate) enum Failure {
    /// An error of the core (or an argument check of this layer).
    Core(Error),
    /// An error of the sandbox's own API.
    Sandbox(String),
    /// An error of the sandbox's own API about one argument (`field`).
    SandboxField {
        /// The argument, as the C parameter is named.
        field: String,
        /// The whole message.
        message: String,
    },
    /// A Rust panic, caught before it reached C.
    Panic,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

impl From<elements_auth_sandbox::SandboxError> for Failure {
    fn from(e: elements_auth_sandbox::SandboxError) -> Failure {
        match e.field() {
            Some(field) => Failure::SandboxField {
                field: field.to_owned(),
                message: e.message().to_owned(),
            },
            None => Failure::Sandbox(e.message().to_owned()),
        }
    }
}

pub(crate) type FfiResult<T> = Result<T, Failure>;

/// An `InvalidInput` error naming the C parameter.
pub(crate) fn invalid(field: &str, reason: &str) -> Failure {
    Failure::Core(Error::invalid_input(field, reason))
}

/// Runs `f` behind a panic boundary; on failure hands an `ea_error` to `*err`
/// (when `err` is not NULL) and returns its code. `*err` is NULL on success.
pub(crate) fn guard(err: *mut *mut ea_error, f: impl FnOnce() -> FfiResult<()>) -> ea_result {
    if !err.is_null() {
        // SAFETY: the caller passes either NULL or a writable `ea_error *`.
        unsafe { *err = ptr::null_mut() };
    }
    let outcome = catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(Failure::Panic));
    match outcome {
        Ok(()) => ea_result::EA_OK,
        Err(failure) => {
            let error = ea_error::from_failure(failure);
            let code = error.code;
            if !err.is_null() {
                // SAFETY: checked non-NULL above.
                unsafe { *err = Box::into_raw(Box::new(error)) };
            }
            code
        }
    }
}

/// Runs an infallible accessor behind a panic boundary, `default` on panic.
pub(crate) fn get<T>(default: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(default)
}

/// A borrowed NUL-terminated UTF-8 argument; NULL or bad UTF-8 is `InvalidInput` naming `field`.
pub(crate) fn arg_str<'a>(p: *const c_char, field: &str) -> FfiResult<&'a str> {
    if p.is_null() {
        return Err(invalid(field, "must not be NULL"));
    }
    // SAFETY: the caller promises a NUL-terminated string that outlives the call.
    let bytes = unsafe { CStr::from_ptr(p) };
    bytes
        .to_str()
        .map_err(|_| invalid(field, "is not valid UTF-8"))
}

/// A borrowed handle argument; NULL is `InvalidInput` naming `field`.
pub(crate) fn arg_ref<'a, T>(p: *const T, field: &str) -> FfiResult<&'a T> {
    // SAFETY: a non-NULL handle was created by this library and not yet freed.
    unsafe { p.as_ref() }.ok_or_else(|| invalid(field, "must not be NULL"))
}

/// A mutably borrowed handle argument; NULL is `InvalidInput` naming `field`.
pub(crate) fn arg_mut<'a, T>(p: *mut T, field: &str) -> FfiResult<&'a mut T> {
    // SAFETY: a non-NULL handle was created by this library and not yet freed.
    unsafe { p.as_mut() }.ok_or_else(|| invalid(field, "must not be NULL"))
}

/// Appends a `(name, value)` string pair to a list inside a handle: the shape
/// of every `*_add_*` call (extra query parameters, configuration entries).
pub(crate) fn push_pair<T>(
    handle: *mut T,
    (name_field, value_field): (&str, &str),
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut crate::error::ea_error,
    list: impl FnOnce(&mut T) -> &mut Vec<(String, String)>,
) -> crate::ea_result {
    guard(err, || {
        let handle = arg_mut(handle, "request")?;
        let name = arg_str(name, name_field)?.to_owned();
        let value = arg_str(value, value_field)?.to_owned();
        list(handle).push((name, value));
        Ok(())
    })
}

/// Raw bytes `(p, len)`; NULL is `InvalidInput` naming `field`.
pub(crate) fn arg_bytes<'a>(p: *const u8, len: usize, field: &str) -> FfiResult<&'a [u8]> {
    if p.is_null() {
        return Err(invalid(field, "must not be NULL"));
    }
    // SAFETY: the caller promises `len` readable bytes at `p`.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// An out-pointer checked before any work is done; written with [`Out::set`] on success.
pub(crate) struct Out<T>(*mut *mut T);

impl<T> Out<T> {
    /// Checks that `p` is not NULL.
    pub(crate) fn new(p: *mut *mut T, field: &str) -> FfiResult<Out<T>> {
        if p.is_null() {
            return Err(invalid(field, "must not be NULL"));
        }
        Ok(Out(p))
    }

    /// Hands `value` to the caller, who now owns it.
    pub(crate) fn set(self, value: T) {
        // SAFETY: checked non-NULL in `new`.
        unsafe { *self.0 = Box::into_raw(Box::new(value)) };
    }
}

/// Hands a string to the caller through `out` (freed with `ea_string_free`).
pub(crate) fn set_string(out: Out<c_char>, s: &str) {
    // SAFETY: `out` was checked non-NULL.
    unsafe { *out.0 = cstring(s).into_raw() };
}

/// A C string of `s`; an interior NUL (never expected) becomes U+FFFD.
pub(crate) fn cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

/// Frees a handle made by `Box::into_raw`; NULL is a no-op.
pub(crate) fn free<T>(p: *mut T) {
    if !p.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: `p` came from `Box::into_raw` in this library and is freed once.
            drop(unsafe { Box::from_raw(p) })
        }));
    }
}

/// A string borrowed from a handle, or NULL for a NULL handle.
pub(crate) fn borrow_cstr<T>(p: *const T, pick: impl FnOnce(&T) -> &CString) -> *const c_char {
    get(ptr::null(), || {
        // SAFETY: NULL or a live handle of this library.
        unsafe { p.as_ref() }.map_or(ptr::null(), |v| pick(v).as_ptr())
    })
}
