//! The one error type of the SDK, with a stable kind per variant.

use std::fmt;

/// Stable, machine-readable category of an [`Error`].
///
/// Every binding maps these one to one (Python exception classes, Node `code`,
/// C `EA_ERR_*`), so the order and the names are part of the public contract.
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
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
        /// What failed.
        message: String,
        /// True when the request may have reached the platform (a create may then have happened).
        may_have_reached_server: bool,
    },
    /// The request did not complete within the configured timeout.
    Timeout {
        /// What timed out, and what it means for the caller.
        message: String,
        /// True when the request may have reached the platform (a create may then have happened).
        may_have_reached_server: bool,
    },
    /// The platform's answer could not be decoded.
    Decode {
        /// What was wrong with it.
        message: String,
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
    /// The callback's `state` was missing or differed from the expected one.
    StateMismatch {
        /// Which of the two it was.
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

impl Error {
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

    /// True when a failed request may still have taken effect on the platform
    /// (a `create_instance` that timed out may have created the instance).
    pub fn may_have_reached_server(&self) -> bool {
        match self {
            Error::Transport {
                may_have_reached_server,
                ..
            }
            | Error::Timeout {
                may_have_reached_server,
                ..
            } => *may_have_reached_server,
            _ => false,
        }
    }

    /// True when retrying the same call later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            _ => false,
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Replaces every occurrence of the given secrets in the error's texts.
    pub(crate) fn scrub(self, secrets: &[&str]) -> Error {
        let s = |text: String| crate::secret::scrub(&text, secrets);
        let o = |text: Option<String>| text.map(|t| crate::secret::scrub(&t, secrets));
        match self {
            Error::InvalidInput { field, reason } => Error::InvalidInput {
                field,
                reason: s(reason),
            },
            Error::Api {
                status,
                message,
                request_id,
                provider_message,
            } => Error::Api {
                status,
                message: s(message),
                request_id: o(request_id),
                provider_message: o(provider_message),
            },
            Error::Transport {
                message,
                may_have_reached_server,
            } => Error::Transport {
                message: s(message),
                may_have_reached_server,
            },
            Error::Timeout {
                message,
                may_have_reached_server,
            } => Error::Timeout {
                message: s(message),
                may_have_reached_server,
            },
            Error::Decode { message } => Error::Decode {
                message: s(message),
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
        match self {
            Error::InvalidInput { field, reason } => write!(f, "invalid {field}: {reason}"),
            Error::Api {
                status,
                message,
                request_id,
                provider_message,
            } => {
                write!(f, "platform answered HTTP {status}: {message}")?;
                if let Some(p) = provider_message {
                    write!(f, " (provider: {p})")?;
                }
                if let Some(id) = request_id {
                    write!(f, " [request id {id}]")?;
                }
                Ok(())
            }
            Error::Transport { message, .. } => write!(f, "transport error: {message}"),
            Error::Timeout { message, .. } => write!(f, "timed out: {message}"),
            Error::Decode { message } => {
                write!(f, "could not decode the platform's answer: {message}")
            }
            Error::AuthorizationDenied {
                error, description, ..
            } => {
                write!(f, "authorization denied at the vendor: {error}")?;
                if let Some(d) = description {
                    write!(f, " ({d})")?;
                }
                Ok(())
            }
            Error::StateMismatch { message } => write!(f, "state mismatch: {message}"),
            Error::InvalidCallback { message } => write!(f, "invalid callback: {message}"),
            Error::InvalidSignature { message } => {
                write!(f, "invalid webhook signature: {message}")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
