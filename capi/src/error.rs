//! `ea_error`: what went wrong, with the kind, the message and the details.
//!
//! The details are copied from the core's `Error::details()` by iterating its
//! fields, so a detail the core adds is carried without a change here; the
//! accessors below read them by the core's name. The message is the core's
//! text in C words ([`CVocabulary`]).

use crate::ea_result;
use crate::ffi::{cstring, free, get, Failure};
use ea_core::{option_spec, DetailValue, Error, ErrorDetails, Operation, OptionKind, Vocabulary};
use std::borrow::Cow;
use std::ffi::{c_char, CString};
use std::ptr;

/// How C names things in messages: a duration option carries its unit
/// (`timeout_ms`, since the C setters take milliseconds), and a call is the
/// client function (`ea_client_list_instances()`).
pub(crate) struct CVocabulary;

impl Vocabulary for CVocabulary {
    fn field<'a>(&self, core_name: &'a str) -> Cow<'a, str> {
        match option_spec(core_name) {
            Some(spec) if spec.kind == OptionKind::Duration => {
                Cow::Owned(format!("{core_name}_ms"))
            }
            _ => Cow::Borrowed(core_name),
        }
    }

    fn call(&self, operation: Operation) -> Option<String> {
        Some(format!("ea_client_{}()", operation.name()))
    }
}

/// One detail, in a form whose strings C can borrow.
enum Detail {
    Text(CString),
    Number(u16),
    Bool(bool),
    Null,
}

impl From<DetailValue<'_>> for Detail {
    fn from(value: DetailValue<'_>) -> Detail {
        match value {
            DetailValue::Text(s) => Detail::Text(cstring(s)),
            DetailValue::Number(n) => Detail::Number(n),
            DetailValue::Bool(b) => Detail::Bool(b),
            DetailValue::Null => Detail::Null,
        }
    }
}

/// An error handed back by a failed call. Owned by the caller: free it with
/// `ea_error_free`. Immutable, so it may be read from any thread.
/// Its texts never contain a secret.
pub struct ea_error {
    pub(crate) code: ea_result,
    message: CString,
    /// The core's details by name (for sandbox errors only `field`, when one is at fault; none for panics).
    details: Vec<(&'static str, Detail)>,
}

impl ea_error {
    fn bare(code: ea_result, message: &str) -> ea_error {
        ea_error {
            code,
            message: cstring(message),
            details: Vec::new(),
        }
    }

    pub(crate) fn from_failure(failure: Failure) -> ea_error {
        match failure {
            Failure::Core(e) => ea_error::from_core(&e),
            Failure::Sandbox(message) => {
                ea_error::bare(ea_result::EA_ERR_SANDBOX, &format!("sandbox: {message}"))
            }
            Failure::SandboxField { field, message } => {
                let mut error =
                    ea_error::bare(ea_result::EA_ERR_SANDBOX, &format!("sandbox: {message}"));
                error.details = vec![("field", Detail::Text(cstring(&field)))];
                error
            }
            Failure::Panic => ea_error::bare(
                ea_result::EA_ERR_INTERNAL,
                "internal error: a Rust panic was caught at the C boundary",
            ),
        }
    }

    fn from_core(e: &Error) -> ea_error {
        let details = e.details();
        ea_error {
            code: ea_result::from_kind(details.kind),
            message: cstring(&e.render(&CVocabulary)),
            details: details
                .fields()
                .into_iter()
                .map(|(name, value)| (name, Detail::from(value)))
                .collect(),
        }
    }

    /// The detail the core calls `name`, if this error has it.
    fn detail(&self, name: &str) -> Option<&Detail> {
        debug_assert!(
            ErrorDetails::FIELD_NAMES.contains(&name),
            "{name} is not a detail of the core"
        );
        self.details
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// Reads `err` (NULL or a live `ea_error`) behind the panic guard.
fn read<T: Copy>(err: *const ea_error, default: T, pick: impl FnOnce(&ea_error) -> T) -> T {
    get(default, || {
        // SAFETY: NULL or a live `ea_error`.
        unsafe { err.as_ref() }.map_or(default, pick)
    })
}

/// The text detail `name`, borrowed from `err`, or NULL.
fn text(err: *const ea_error, name: &str) -> *const c_char {
    read(err, ptr::null(), |e| match e.detail(name) {
        Some(Detail::Text(s)) => s.as_ptr(),
        _ => ptr::null(),
    })
}

/// The flag detail `name`, false when absent.
fn flag(err: *const ea_error, name: &str) -> bool {
    read(err, false, |e| {
        matches!(e.detail(name), Some(Detail::Bool(true)))
    })
}

/// The error's code, one of `EA_ERR_*`. `EA_ERR_INTERNAL` when `err` is NULL.
#[no_mangle]
pub extern "C" fn ea_error_kind(err: *const ea_error) -> ea_result {
    read(err, ea_result::EA_ERR_INTERNAL, |e| e.code)
}

/// The human-readable message, such as `invalid callback_url: must be an
/// absolute http(s) URL`; arguments and calls are named as in C
/// (`timeout_ms`, `ea_client_list_instances()`).
/// Borrowed: valid until `ea_error_free(err)`. NULL when `err` is NULL.
#[no_mangle]
pub extern "C" fn ea_error_message(err: *const ea_error) -> *const c_char {
    read(err, ptr::null(), |e| e.message.as_ptr())
}

/// The HTTP status of an `EA_ERR_API` error; 0 for other kinds or a NULL `err`.
#[no_mangle]
pub extern "C" fn ea_error_status(err: *const ea_error) -> u16 {
    read(err, 0, |e| match e.detail("status") {
        Some(Detail::Number(n)) => *n,
        _ => 0,
    })
}

/// The platform's request id of an `EA_ERR_API` error, for support tickets;
/// NULL when there is none. Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_request_id(err: *const ea_error) -> *const c_char {
    text(err, "request_id")
}

/// The vendor's own message of an `EA_ERR_API` error; NULL when there is none.
/// Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_provider_message(err: *const ea_error) -> *const c_char {
    text(err, "provider_message")
}

/// The rejected argument of an `EA_ERR_INVALID_INPUT` error in the core's
/// spelling (`callback_url`, `timeout`, `events.refresh_interval`), or the C
/// parameter's name such as `out` for a NULL pointer; NULL for other kinds.
/// Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_field(err: *const ea_error) -> *const c_char {
    text(err, "field")
}

/// The OAuth `error` value (`access_denied`...) of an `EA_ERR_AUTHORIZATION_DENIED`
/// error; NULL for other kinds. Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_oauth_error(err: *const ea_error) -> *const c_char {
    text(err, "error")
}

/// The OAuth `error_description` of an `EA_ERR_AUTHORIZATION_DENIED` error,
/// or NULL. Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_oauth_error_description(err: *const ea_error) -> *const c_char {
    text(err, "description")
}

/// The OAuth `error_uri` of an `EA_ERR_AUTHORIZATION_DENIED` error, or NULL.
/// Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_oauth_error_uri(err: *const ea_error) -> *const c_char {
    text(err, "uri")
}

/// The platform call that failed, by its core name (`"create_instance"`,
/// `"list_instances"`...: the C function is `ea_client_` + that name); NULL
/// for errors outside a call. Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_operation(err: *const ea_error) -> *const c_char {
    text(err, "operation")
}

/// True when a failed request (`EA_ERR_TIMEOUT`, `EA_ERR_TRANSPORT`, a 5xx
/// `EA_ERR_API`...) may still have taken effect on the platform: after a
/// failed create, list the instances before starting over. False for a NULL `err`.
#[no_mangle]
pub extern "C" fn ea_error_may_have_reached_server(err: *const ea_error) -> bool {
    flag(err, "may_have_reached_server")
}

/// True when making the same call again is safe and may succeed: an
/// idempotent call (get, list, oauth url) that failed in transport, timed out
/// or got 429/502/503/504. Never for a create that may have reached the
/// platform: its code is single-use and the instance may exist.
/// False for a NULL `err`.
#[no_mangle]
pub extern "C" fn ea_error_retryable(err: *const ea_error) -> bool {
    flag(err, "retryable")
}

/// What was wrong with the state of an `EA_ERR_STATE_MISMATCH` error:
/// `"missing"` or `"different"` (`ea_parse_callback`), or for a state
/// signer `"malformed"`, `"unknown_key"` (removed after a rotation),
/// `"bad_signature"`, `"other_subject"` (another user's sign-in) or
/// `"expired"`; NULL for other kinds. Borrowed: valid until `ea_error_free(err)`.
#[no_mangle]
pub extern "C" fn ea_error_mismatch(err: *const ea_error) -> *const c_char {
    text(err, "mismatch")
}

/// Frees an error. NULL is a no-op; call it once per error.
#[no_mangle]
pub extern "C" fn ea_error_free(err: *mut ea_error) {
    free(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn owned(e: Error) -> ea_error {
        ea_error::from_failure(Failure::Core(e))
    }

    fn s(p: *const c_char) -> Option<String> {
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
    }

    fn api(operation: Operation, status: u16) -> Error {
        Error::Api {
            operation: Some(operation),
            status,
            message: "unavailable".into(),
            request_id: Some("req-1".into()),
            provider_message: Some("vendor down".into()),
        }
    }

    #[test]
    fn c_names_durations_with_their_unit_and_calls_as_client_functions() {
        for (field, spelled) in [
            ("timeout", "timeout_ms"),
            ("max_retry_delay", "max_retry_delay_ms"),
            ("retry_base_delay", "retry_base_delay_ms"),
            ("max_retries", "max_retries"),
            ("base_url", "base_url"),
            ("events.refresh_interval", "events.refresh_interval"),
        ] {
            assert_eq!(CVocabulary.field(field), spelled);
            let e = owned(Error::invalid_input(field, "is wrong"));
            assert_eq!(
                s(ea_error_message(&e)).unwrap(),
                format!("invalid {spelled}: is wrong")
            );
            // The field detail keeps the core's spelling.
            assert_eq!(s(ea_error_field(&e)).as_deref(), Some(field));
        }
        for op in Operation::ALL {
            assert_eq!(
                CVocabulary.call(op).unwrap(),
                format!("ea_client_{}()", op.name())
            );
        }
    }

    #[test]
    fn every_detail_of_the_core_is_carried() {
        let e = owned(api(Operation::ListInstances, 503));
        let names: Vec<&str> = e.details.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ErrorDetails::FIELD_NAMES);
        assert_eq!(e.code, ea_result::EA_ERR_API);
        assert_eq!(ea_error_status(&e), 503);
        assert_eq!(s(ea_error_request_id(&e)).as_deref(), Some("req-1"));
        assert_eq!(
            s(ea_error_provider_message(&e)).as_deref(),
            Some("vendor down")
        );
        assert_eq!(s(ea_error_operation(&e)).as_deref(), Some("list_instances"));
        assert!(ea_error_retryable(&e));
        assert!(ea_error_may_have_reached_server(&e));
        assert_eq!(ea_error_field(&e), ptr::null());
        assert_eq!(ea_error_oauth_error(&e), ptr::null());

        let denied = owned(Error::AuthorizationDenied {
            error: "access_denied".into(),
            description: Some("the user said no".into()),
            uri: Some("https://vendor.example/help".into()),
        });
        assert_eq!(denied.code, ea_result::EA_ERR_AUTHORIZATION_DENIED);
        assert_eq!(
            s(ea_error_oauth_error(&denied)).as_deref(),
            Some("access_denied")
        );
        assert_eq!(
            s(ea_error_oauth_error_description(&denied)).as_deref(),
            Some("the user said no")
        );
        assert_eq!(
            s(ea_error_oauth_error_uri(&denied)).as_deref(),
            Some("https://vendor.example/help")
        );
        assert_eq!(ea_error_operation(&denied), ptr::null());
        assert_eq!(ea_error_status(&denied), 0);
        assert!(!ea_error_retryable(&denied));
    }

    #[test]
    fn a_create_that_may_have_happened_is_not_retryable_and_says_what_to_call() {
        let e = owned(Error::Timeout {
            operation: Some(Operation::CreateInstance),
            message: "POST /instances got no complete answer within 300ms".into(),
            may_have_reached_server: true,
        });
        assert_eq!(e.code, ea_result::EA_ERR_TIMEOUT);
        assert!(!ea_error_retryable(&e));
        assert!(ea_error_may_have_reached_server(&e));
        assert_eq!(
            s(ea_error_operation(&e)).as_deref(),
            Some("create_instance")
        );
        let message = s(ea_error_message(&e)).unwrap();
        assert!(
            message.contains("check ea_client_list_instances()"),
            "{message}"
        );
        assert_eq!(
            message.matches("list_instances()").count(),
            message.matches("ea_client_list_instances()").count()
        );
        assert!(!ea_error_retryable(&owned(api(
            Operation::CreateInstance,
            503
        ))));
    }

    #[test]
    fn sandbox_errors_and_panics_have_a_code_and_a_message_only() {
        let e = ea_error::from_failure(Failure::Sandbox("port in use".into()));
        assert_eq!(ea_error_kind(&e), ea_result::EA_ERR_SANDBOX);
        assert_eq!(
            s(ea_error_message(&e)).as_deref(),
            Some("sandbox: port in use")
        );
        assert_eq!(ea_error_operation(&e), ptr::null());
        assert_eq!(ea_error_field(&e), ptr::null());
        assert!(!ea_error_retryable(&e));
        assert!(!ea_error_may_have_reached_server(&e));
        let p = ea_error::from_failure(Failure::Panic);
        assert_eq!(ea_error_kind(&p), ea_result::EA_ERR_INTERNAL);
        assert_eq!(ea_error_status(&p), 0);
        // NULL reads as the defaults.
        assert_eq!(ea_error_kind(ptr::null()), ea_result::EA_ERR_INTERNAL);
        assert_eq!(ea_error_operation(ptr::null()), ptr::null());
        assert!(!ea_error_retryable(ptr::null()));
    }
}
