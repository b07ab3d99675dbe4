//! The one error type of the SDK, with a stable kind per variant, and the
//! flat view of its details ([`ErrorDetails`]) that every binding maps.

use crate::Operation;
use std::borrow::Cow;
use std::fmt;

/// Stable, machine-readable category of an [`Error`].
///
/// Every binding maps these one to one (Python exception classes, Node `code`,
/// C `EA_ERR_*`, CLI exit codes), so the order and the names are part of the
/// public contract. New kinds are only ever appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An argument was rejected before anything was sent.
    InvalidInput,
    /// The platform answered with an error status.
    Api,
    /// The request could not be sent or the answer could not be read.
    Transport,
    /// The request did not complete within the client's timeout.
    Timeout,
    /// The platform's answer was not the JSON we expected.
    Decode,
    /// The user (or the vendor) refused consent at the vendor's page.
    AuthorizationDenied,
    /// The callback's `state` is missing or differs from the one we sent.
    StateMismatch,
    /// The callback carries neither a code nor an error, or is malformed.
    InvalidCallback,
    /// A webhook signature does not match its body.
    InvalidSignature,
}

impl ErrorKind {
    /// Every kind, in the order shared by all languages.
    pub const ALL: [ErrorKind; 9] = [
        ErrorKind::InvalidInput,
        ErrorKind::Api,
        ErrorKind::Transport,
        ErrorKind::Timeout,
        ErrorKind::Decode,
        ErrorKind::AuthorizationDenied,
        ErrorKind::StateMismatch,
        ErrorKind::InvalidCallback,
        ErrorKind::InvalidSignature,
    ];

    /// The snake_case name used by every binding (`"invalid_input"`, `"api"`...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Api => "api",
            ErrorKind::Transport => "transport",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Decode => "decode",
            ErrorKind::AuthorizationDenied => "authorization_denied",
            ErrorKind::StateMismatch => "state_mismatch",
            ErrorKind::InvalidCallback => "invalid_callback",
            ErrorKind::InvalidSignature => "invalid_signature",
        }
    }

    /// The kind's position in [`ErrorKind::ALL`], from 0. Numeric codes
    /// derive from it: C's `EA_ERR_*` is index + 1, the CLI's exit code
    /// index + 10.
    pub fn index(self) -> usize {
        ErrorKind::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or(ErrorKind::ALL.len())
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What was wrong with a callback's `state` ([`Error::StateMismatch`]):
/// a stable value every language reads as the error's `mismatch` detail,
/// so that a web service can tell an expired sign-in from a forged one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mismatch {
    /// The callback carries no state.
    Missing,
    /// The state differs from the expected one ([`crate::parse_callback`]).
    Different,
    /// The state is not a signed state token at all.
    Malformed,
    /// The token names a key the signer does not know (removed after a rotation, or never added).
    UnknownKey,
    /// The token's MAC does not match: it was altered or forged.
    BadSignature,
    /// The token was issued for another subject (end user).
    OtherSubject,
    /// The token's lifetime is over.
    Expired,
}

impl Mismatch {
    /// Every value, in a fixed order.
    pub const ALL: [Mismatch; 7] = [
        Mismatch::Missing,
        Mismatch::Different,
        Mismatch::Malformed,
        Mismatch::UnknownKey,
        Mismatch::BadSignature,
        Mismatch::OtherSubject,
        Mismatch::Expired,
    ];

    /// The snake_case name used by every language (`"expired"`, `"other_subject"`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Mismatch::Missing => "missing",
            Mismatch::Different => "different",
            Mismatch::Malformed => "malformed",
            Mismatch::UnknownKey => "unknown_key",
            Mismatch::BadSignature => "bad_signature",
            Mismatch::OtherSubject => "other_subject",
            Mismatch::Expired => "expired",
        }
    }
}

/// HTTP statuses after which the same idempotent request may succeed: the
/// ones the client retries, and the ones [`Error::is_retryable`] reports.
pub const RETRYABLE_STATUSES: [u16; 4] = [429, 502, 503, 504];

/// Everything that can go wrong in elements-auth.
///
/// Messages never contain secrets (user or organization secret, api secret,
/// authorization code, element token, signature key): values known to be
/// secret are scrubbed from anything the platform sends back, too.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An argument was rejected before any request was sent.
    InvalidInput {
        /// The argument's name as the caller spelled it (`callback_url`, `events.refresh_interval`).
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The platform answered with an HTTP error status.
    Api {
        /// The call that failed.
        operation: Option<Operation>,
        /// The HTTP status code.
        status: u16,
        /// The platform's `message`, or a summary when the body had none.
        message: String,
        /// The platform's `requestId` (or `Elements-Request-Id` header), for support tickets.
        request_id: Option<String>,
        /// The vendor's own message, when the platform passes one on.
        provider_message: Option<String>,
    },
    /// The request could not be sent or its answer could not be read.
    Transport {
        /// The call that failed (none for failures outside a call).
        operation: Option<Operation>,
        /// What failed.
        message: String,
        /// True when the request may have reached the platform (a create may then have happened).
        may_have_reached_server: bool,
    },
    /// The request did not complete within the configured timeout.
    Timeout {
        /// The call that timed out.
        operation: Option<Operation>,
        /// What timed out.
        message: String,
        /// True when the request may have reached the platform (a create may then have happened).
        may_have_reached_server: bool,
    },
    /// The platform's answer (or a notification's body) could not be decoded.
    Decode {
        /// The call whose answer it was (none for bodies given by the caller).
        operation: Option<Operation>,
        /// What was wrong with it.
        message: String,
        /// True when the platform accepted the request (a 2xx status) before
        /// its answer turned out unreadable: a create then did happen.
        may_have_reached_server: bool,
    },
    /// Consent was refused: the callback carried `error` instead of `code`.
    AuthorizationDenied {
        /// The OAuth `error` value (`access_denied`, ...).
        error: String,
        /// The OAuth `error_description`, if any.
        description: Option<String>,
        /// The OAuth `error_uri`, if any.
        uri: Option<String>,
    },
    /// The callback's `state` was missing or differed from the expected one,
    /// or a signed state did not verify ([`crate::StateSigner`]).
    StateMismatch {
        /// What was wrong, as a stable value.
        mismatch: Mismatch,
        /// What was wrong, in words (never with a secret).
        message: String,
    },
    /// The callback carried neither a code nor an error, or could not be parsed.
    InvalidCallback {
        /// What was wrong with it.
        message: String,
    },
    /// A webhook signature did not verify.
    InvalidSignature {
        /// Why it did not.
        message: String,
    },
}

/// How a language names things in the messages it shows: an argument
/// (`timeout` is `timeoutMs` in Node) and a call (`list_instances()` is
/// `listInstances()` in Node, `ea_client_list_instances()` in C). The text
/// around the names is written once, in [`Error::render`].
pub trait Vocabulary {
    /// The caller's name of the core argument `core_name`.
    fn field<'a>(&self, core_name: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(core_name)
    }

    /// How to write a call of `operation`, or `None` when the language has
    /// none (the message then describes it in words).
    fn call(&self, operation: Operation) -> Option<String> {
        Some(format!("{}()", operation.name()))
    }
}

/// The names of Rust (and Python, which spells them alike).
#[derive(Debug, Clone, Copy, Default)]
pub struct RustVocabulary;

impl Vocabulary for RustVocabulary {}

impl Error {
    /// An [`Error::InvalidInput`] naming `field`, for bindings that check
    /// their own argument conversions.
    pub fn invalid_input(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::invalid_input(field, reason)
    }

    /// A Decode error about the 2xx answer of `operation`.
    pub(crate) fn decode(operation: Operation, message: impl Into<String>) -> Error {
        Error::Decode {
            operation: Some(operation),
            message: message.into(),
            may_have_reached_server: true,
        }
    }

    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Api { .. } => ErrorKind::Api,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::AuthorizationDenied { .. } => ErrorKind::AuthorizationDenied,
            Error::StateMismatch { .. } => ErrorKind::StateMismatch,
            Error::InvalidCallback { .. } => ErrorKind::InvalidCallback,
            Error::InvalidSignature { .. } => ErrorKind::InvalidSignature,
        }
    }

    /// The error's own message, without the kind's prefix or any advice.
    pub fn message(&self) -> &str {
        match self {
            Error::InvalidInput { reason, .. } => reason,
            Error::AuthorizationDenied { error, .. } => error,
            Error::Api { message, .. }
            | Error::Transport { message, .. }
            | Error::Timeout { message, .. }
            | Error::Decode { message, .. }
            | Error::StateMismatch { message, .. }
            | Error::InvalidCallback { message }
            | Error::InvalidSignature { message } => message,
        }
    }

    /// The platform call that failed, for errors of a call.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Error::Api { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Decode { operation, .. } => *operation,
            _ => None,
        }
    }

    /// The HTTP status, for [`Error::Api`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The platform's request id, for [`Error::Api`].
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// What was wrong with the state, for [`Error::StateMismatch`].
    pub fn mismatch(&self) -> Option<Mismatch> {
        match self {
            Error::StateMismatch { mismatch, .. } => Some(*mismatch),
            _ => None,
        }
    }

    /// The vendor's message, for [`Error::Api`].
    pub fn provider_message(&self) -> Option<&str> {
        match self {
            Error::Api {
                provider_message, ..
            } => provider_message.as_deref(),
            _ => None,
        }
    }

    /// The rejected argument, for [`Error::InvalidInput`].
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// True when a failed request may still have taken effect on the
    /// platform: it timed out or broke off after being sent, the platform
    /// answered 5xx, or it answered 2xx with an unreadable body. After a
    /// `create_instance`, the instance may then exist.
    pub fn may_have_reached_server(&self) -> bool {
        match self {
            Error::Api { status, .. } => *status >= 500,
            Error::Transport {
                may_have_reached_server,
                ..
            }
            | Error::Timeout {
                may_have_reached_server,
                ..
            }
            | Error::Decode {
                may_have_reached_server,
                ..
            } => *may_have_reached_server,
            _ => false,
        }
    }

    /// True when repeating the same call may succeed and is safe: an
    /// idempotent call that failed in transport, timed out or got one of
    /// [`RETRYABLE_STATUSES`], or any call that provably never reached the
    /// platform. Never for a create that may have reached it: its code is
    /// single-use and the instance may exist. The client's own retries
    /// follow exactly this rule.
    pub fn is_retryable(&self) -> bool {
        let idempotent = self.operation().is_some_and(Operation::is_idempotent);
        match self {
            Error::Api { status, .. } => idempotent && RETRYABLE_STATUSES.contains(status),
            Error::Transport { operation, .. } | Error::Timeout { operation, .. } => {
                operation.is_some() && (idempotent || !self.may_have_reached_server())
            }
            _ => false,
        }
    }

    /// The flat view every binding maps, field by field.
    pub fn details(&self) -> ErrorDetails<'_> {
        let (error, description, uri) = match self {
            Error::AuthorizationDenied {
                error,
                description,
                uri,
            } => (Some(error.as_str()), description.as_deref(), uri.as_deref()),
            _ => (None, None, None),
        };
        ErrorDetails {
            kind: self.kind(),
            message: self.message(),
            status: self.status(),
            request_id: self.request_id(),
            provider_message: self.provider_message(),
            field: self.field(),
            error,
            description,
            uri,
            operation: self.operation(),
            may_have_reached_server: self.may_have_reached_server(),
            retryable: self.is_retryable(),
            mismatch: self.mismatch(),
        }
    }

    /// The whole human-readable text, with arguments and calls named in
    /// `words` (`Display` uses [`RustVocabulary`]). Says, after a create that
    /// may have happened, to look for the instance before starting over.
    pub fn render(&self, words: &dyn Vocabulary) -> String {
        let mut out = match self {
            Error::InvalidInput { field, reason } => {
                format!("invalid {}: {reason}", words.field(field))
            }
            Error::Api {
                status,
                message,
                request_id,
                provider_message,
                ..
            } => {
                let mut s = format!("platform answered HTTP {status}: {message}");
                if let Some(p) = provider_message {
                    s.push_str(&format!(" (provider: {p})"));
                }
                if let Some(id) = request_id {
                    s.push_str(&format!(" [request id {id}]"));
                }
                s
            }
            Error::Transport { message, .. } => format!("transport error: {message}"),
            Error::Timeout { message, .. } => format!("timed out: {message}"),
            Error::Decode {
                message,
                operation: Some(_),
                ..
            } => format!("could not decode the platform's answer: {message}"),
            // A body the caller handed over (an event notification).
            Error::Decode { message, .. } => format!("could not decode: {message}"),
            Error::AuthorizationDenied {
                error, description, ..
            } => match description {
                Some(d) => format!("authorization denied at the vendor: {error} ({d})"),
                None => format!("authorization denied at the vendor: {error}"),
            },
            Error::StateMismatch { message, .. } => format!("state mismatch: {message}"),
            Error::InvalidCallback { message } => format!("invalid callback: {message}"),
            Error::InvalidSignature { message } => format!("invalid webhook signature: {message}"),
        };
        if let Some(advice) = self.advice(words) {
            out.push_str("; ");
            out.push_str(&advice);
        }
        out
    }

    /// What a failed call that may have taken effect means for the caller.
    fn advice(&self, words: &dyn Vocabulary) -> Option<String> {
        let operation = self.operation()?;
        if !self.may_have_reached_server() || operation.is_idempotent() {
            return None;
        }
        let look = match words.call(Operation::ListInstances) {
            Some(call) => format!("check {call}"),
            None => "list the instances".to_owned(),
        };
        let done = matches!(self, Error::Decode { .. });
        Some(match (operation, done) {
            (Operation::CreateInstance, true) => {
                format!(
                    "the instance was created, but its answer could not be read: {look} to find it"
                )
            }
            (Operation::CreateInstance, false) => format!(
                "the instance may have been created: {look} before starting over with a fresh code"
            ),
            (Operation::DeleteInstance, _) => {
                format!("the instance may have been deleted: {look} before deleting it again")
            }
            _ => "the request may have taken effect".to_owned(),
        })
    }

    /// Replaces every occurrence of the given secrets in the error's texts.
    pub(crate) fn scrub(self, secrets: &[&str]) -> Error {
        let s = |text: String| crate::text::scrub(&text, secrets);
        let o = |text: Option<String>| text.map(|t| crate::text::scrub(&t, secrets));
        match self {
            Error::InvalidInput { field, reason } => Error::InvalidInput {
                field,
                reason: s(reason),
            },
            Error::Api {
                operation,
                status,
                message,
                request_id,
                provider_message,
            } => Error::Api {
                operation,
                status,
                message: s(message),
                request_id: o(request_id),
                provider_message: o(provider_message),
            },
            Error::Transport {
                operation,
                message,
                may_have_reached_server,
            } => Error::Transport {
                operation,
                message: s(message),
                may_have_reached_server,
            },
            Error::Timeout {
                operation,
                message,
                may_have_reached_server,
            } => Error::Timeout {
                operation,
                message: s(message),
                may_have_reached_server,
            },
            Error::Decode {
                operation,
                message,
                may_have_reached_server,
            } => Error::Decode {
                operation,
                message: s(message),
                may_have_reached_server,
            },
            Error::AuthorizationDenied {
                error,
                description,
                uri,
            } => Error::AuthorizationDenied {
                error: s(error),
                description: o(description),
                uri: o(uri),
            },
            other => other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(&RustVocabulary))
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every detail of an [`Error`] as one flat record, `None` where a detail
/// does not apply. Bindings fill their error objects by iterating
/// [`ErrorDetails::fields`], so a detail added here reaches every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorDetails<'a> {
    /// The stable kind.
    pub kind: ErrorKind,
    /// The error's own message, without the kind's prefix or any advice.
    pub message: &'a str,
    /// The HTTP status of an `api` error.
    pub status: Option<u16>,
    /// The platform's request id of an `api` error, for support tickets.
    pub request_id: Option<&'a str>,
    /// The vendor's message passed on by the platform.
    pub provider_message: Option<&'a str>,
    /// The rejected argument of an `invalid_input` error (core spelling).
    pub field: Option<&'a str>,
    /// The OAuth `error` of an `authorization_denied` error.
    pub error: Option<&'a str>,
    /// The OAuth `error_description` of an `authorization_denied` error.
    pub description: Option<&'a str>,
    /// The OAuth `error_uri` of an `authorization_denied` error.
    pub uri: Option<&'a str>,
    /// The platform call that failed.
    pub operation: Option<Operation>,
    /// The request may have taken effect (see [`Error::may_have_reached_server`]).
    pub may_have_reached_server: bool,
    /// Repeating the call is safe and may succeed (see [`Error::is_retryable`]).
    pub retryable: bool,
    /// What was wrong with the state of a `state_mismatch` error.
    pub mismatch: Option<Mismatch>,
}

/// One detail's value, as [`ErrorDetails::fields`] hands it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailValue<'a> {
    /// Text.
    Text(&'a str),
    /// A whole number (an HTTP status).
    Number(u16),
    /// A flag.
    Bool(bool),
    /// The detail does not apply to this error.
    Null,
}

impl<'a> ErrorDetails<'a> {
    /// The details' names in snake_case, in the order of [`ErrorDetails::fields`].
    pub const FIELD_NAMES: [&'static str; 13] = [
        "kind",
        "message",
        "status",
        "request_id",
        "provider_message",
        "field",
        "error",
        "description",
        "uri",
        "operation",
        "may_have_reached_server",
        "retryable",
        "mismatch",
    ];

    /// Every detail with its name, in the order of [`ErrorDetails::FIELD_NAMES`].
    pub fn fields(&self) -> [(&'static str, DetailValue<'a>); 13] {
        let text = |v: Option<&'a str>| v.map_or(DetailValue::Null, DetailValue::Text);
        let values = [
            DetailValue::Text(self.kind.as_str()),
            DetailValue::Text(self.message),
            self.status.map_or(DetailValue::Null, DetailValue::Number),
            text(self.request_id),
            text(self.provider_message),
            text(self.field),
            text(self.error),
            text(self.description),
            text(self.uri),
            text(self.operation.map(Operation::name)),
            DetailValue::Bool(self.may_have_reached_server),
            DetailValue::Bool(self.retryable),
            text(self.mismatch.map(Mismatch::as_str)),
        ];
        let mut i = 0;
        values.map(|v| {
            let named = (Self::FIELD_NAMES[i], v);
            i += 1;
            named
        })
    }
}
