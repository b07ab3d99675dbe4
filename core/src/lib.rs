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

#![warn(missing_docs)]

mod client;
mod error;
mod http;
mod instance;
mod oauth;
mod secret;
mod validate;
mod webhook;

pub use client::{
    Client, ClientBuilder, Environment, DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_DELAY,
    DEFAULT_RESPONSE_LIMIT, DEFAULT_TIMEOUT,
};
pub use error::{Error, ErrorKind, Result};
pub use instance::{CreateInstanceRequest, EventVendorType, Events, Instance};
pub use oauth::{encode_component, parse_callback, Grant, OAuthUrl, OAuthUrlRequest};
pub use secret::Secret;
pub use validate::is_loopback_host;
pub use webhook::{sign_webhook, verify_webhook_signature, SIGNATURE_HEADER};

/// This library's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
