//! Node.js binding of elements-auth (napi-rs): conversion code only.
//!
//! Every network call has a Promise-returning form that runs on the libuv
//! thread pool ([`task::Job`]) and a blocking `...Sync` twin for scripts.
//! Errors cross the boundary as a tagged JSON payload that the package's
//! `index.js` turns into an `ElementsAuthError` with a `code`.

#![deny(clippy::all)]

mod client;
mod error;
mod sandbox;
mod task;
mod types;

use napi::bindgen_prelude::{Buffer, Either};
use napi_derive::napi;

pub use client::Client;
pub use sandbox::Sandbox;
pub use types::{Grant, Instance};

/// Reads the vendor's redirect back to your callback URL (step 2).
///
/// `callback` is the full URL the browser landed on, or its query string.
/// The state is checked first: throws `STATE_MISMATCH` when it is missing or
/// differs from `expectedState`, even if the callback reports an error (a
/// forged denial). Then throws `AUTHORIZATION_DENIED` (with
/// `error`/`description`/`uri`, control characters removed) when the user
/// refused, and `INVALID_CALLBACK` when there is neither code nor error.
#[napi(catch_unwind)]
pub fn parse_callback(callback: String, expected_state: String) -> napi::Result<Grant> {
    elements_auth::parse_callback(&callback, &expected_state)
        .map(Grant::from)
        .map_err(error::to_napi)
}

/// Checks an event's `Elements-Webhook-Signature` header against its raw body
/// (`sha256=<base64>` or bare base64), in constant time.
///
/// Returns nothing when the signature matches; throws `INVALID_SIGNATURE`
/// otherwise. Pass the body exactly as received (a Buffer or a string).
#[napi(catch_unwind)]
pub fn verify_webhook_signature(
    signature_key: String,
    body: Either<String, Buffer>,
    signature_header: String,
) -> napi::Result<()> {
    elements_auth::verify_webhook_signature(&signature_key, body_bytes(&body), &signature_header)
        .map_err(error::to_napi)
}

/// The `Elements-Webhook-Signature` value the platform would send for `body`
/// (`sha256=<base64 HMAC-SHA256>`), to sign test events for your own endpoint.
#[napi(catch_unwind)]
pub fn sign_webhook(signature_key: String, body: Either<String, Buffer>) -> String {
    elements_auth::sign_webhook(&signature_key, body_bytes(&body))
}

/// The header that carries an event's signature: `Elements-Webhook-Signature`.
#[napi]
pub const SIGNATURE_HEADER: &str = elements_auth::SIGNATURE_HEADER;

/// The version of the Rust core this package wraps.
#[napi]
pub const CORE_VERSION: &str = elements_auth::VERSION;

fn body_bytes(body: &Either<String, Buffer>) -> &[u8] {
    match body {
        Either::A(text) => text.as_bytes(),
        Either::B(bytes) => bytes.as_ref(),
    }
}
