//! Authenticate element instances on Cloud Elements / SAP Open Connectors.
//!
//! The OAuth 2.0 flow has three steps:
//! 1. [`Client::oauth_url`] asks the platform for the vendor's consent page URL;
//! 2. the user consents there and the vendor redirects to your callback URL,
//!    which [`parse_callback`] reads (checking the state);
//! 3. [`Client::create_instance`] creates the instance and returns its element token.
//!
//! ```no_run
//! use elements_auth::{parse_callback, Client, CreateInstanceRequest, OAuthUrlRequest};
//! # fn main() -> Result<(), elements_auth::Error> {
//! let client = Client::builder()
//!     .user_secret("...")
//!     .organization_secret("...")
//!     .build()?;
//! let url = client.oauth_url(
//!     &OAuthUrlRequest::new("concur", "key", "secret", "https://app.example/cb")
//!         .site_address("https://www.concursolutions.com"),
//! )?;
//! // send the user to url.oauth_url, then read where the browser landed:
//! let grant = parse_callback("https://app.example/cb?code=abc&state=...", &url.state)?;
//! let instance = client.create_instance(&CreateInstanceRequest::new(
//!     "concur", grant.code, "my concur", "key", "secret", "https://app.example/cb",
//! ))?;
//! println!("token: {}", instance.token.expose());
//! # Ok(()) }
//! ```
//!
//! The facts every language binding shares live here once: the options
//! ([`ClientOptions`], [`CLIENT_OPTIONS`]), the error details
//! ([`ErrorDetails`]), the operations ([`Operation`]) and callback parsing
//! ([`CallbackQuery`]).

#![warn(missing_docs)]

mod callback;
mod client;
mod error;
mod event;
mod instance;
mod oauth;
mod operation;
mod options;
mod secret;
mod state;
mod text;
mod transport;
mod validate;
mod webhook;
mod wire;

pub use callback::{parse_callback, CallbackQuery, Grant};
pub use client::Client;
pub use error::{
    DetailValue, Error, ErrorDetails, ErrorKind, Mismatch, Result, RustVocabulary, Vocabulary,
    RETRYABLE_STATUSES,
};
pub use instance::{CreateInstanceRequest, EventVendorType, Events, Instance};
pub use oauth::{OAuthUrl, OAuthUrlRequest};
pub use operation::Operation;
pub use options::{
    millis, option_spec, seconds, Binding, ClientBuilder, ClientOptions, Environment, OptionKind,
    OptionSpec, CLIENT_OPTIONS, DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_DELAY,
    DEFAULT_RESPONSE_LIMIT, DEFAULT_RETRY_BASE_DELAY, DEFAULT_TIMEOUT, MAX_RETRIES,
    MAX_RETRY_DELAY, MAX_TIMEOUT,
};
pub use secret::Secret;
pub use state::{
    StateClaims, StateSigner, DEFAULT_STATE_TTL, MAX_STATE_TTL, MIN_STATE_SECRET_LEN, MIN_STATE_TTL,
};
pub use text::{encode_component, printable, scrub, scrub_json, scrub_printable, scrub_with, MASK};
pub use validate::is_loopback_host;
pub use webhook::{sign_webhook, verify_webhook_signature, SignatureKeys, SIGNATURE_HEADER};
// Events: reading the notifications the platform POSTs to an events endpoint.
pub use event::{parse_event_notification, EventNotification, NotificationEvent};

/// This library's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Internal parsers, exposed only to the fuzz targets of `fuzz/`.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    /// The verdicts of the fast URL check and of the full URL parser.
    pub fn url_verdicts(value: &str) -> (bool, bool) {
        (
            crate::validate::http_url("f", value).is_ok(),
            crate::validate::absolute_http_url("f", value).is_ok(),
        )
    }

    /// The error the client makes of a platform answer with `status` and `body`.
    pub fn platform_error(status: u16, body: &[u8], secrets: &[&str]) -> crate::Error {
        crate::transport::api_error(
            crate::Operation::CreateInstance,
            status,
            body,
            None,
            secrets,
        )
    }
}

/// Locks a mutex, recovering the data if a thread panicked while holding it.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
