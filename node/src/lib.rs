//! Node.js binding of elements-auth (napi-rs): conversion code only.
//!
//! Every network call has a Promise-returning form that runs on the libuv
//! thread pool ([`task::Job`]) and a blocking `...Sync` twin for scripts.
//! Arguments are read field by field ([`js`]), so a wrong type is an
//! `INVALID_INPUT` error naming the field. Failures become real JS errors
//! built here ([`error`]): instances of the `ElementsAuthError` class that
//! `index.js` registers, carrying `code` and every detail of the core error.

#![deny(clippy::all)]

mod client;
mod error;
mod events;
mod js;
mod sandbox;
mod state;
mod task;
mod types;

use error::{sync, Failure};
use js::Body;
use napi::bindgen_prelude::{Function, Unknown};
use napi::Env;
use napi_derive::napi;

pub use client::Client;
pub use events::{
    parse_event_notification, Delivery, EventNotification, NotificationEvent, TriggerEvent,
};
pub use sandbox::Sandbox;
pub use state::StateSigner;
pub use types::{Grant, Instance};

/// Makes `errorClass` the class of every error this addon throws or rejects
/// with (`index.js` registers `ElementsAuthError` once). The addon calls
/// `new errorClass(message)` and sets the fields as own properties; until a
/// class is registered, errors are plain `Error`s with the same properties.
#[napi(ts_args_type = "errorClass: new (message: string) => Error")]
pub fn register_error_class(env: Env, error_class: Function<'_, String, ()>) -> napi::Result<()> {
    error::register(&env, error_class)
}

/// The order in which index.js passes each request's fields, by method:
/// the one list both sides read.
#[napi]
pub fn request_fields() -> std::collections::HashMap<String, Vec<&'static str>> {
    std::collections::HashMap::from([
        (
            "oauthUrl".to_owned(),
            types::OAUTH_URL_REQUEST_FIELDS.to_vec(),
        ),
        (
            "createInstance".to_owned(),
            types::CREATE_INSTANCE_REQUEST_FIELDS.to_vec(),
        ),
    ])
}

/// Every `code` an error can have, in the order shared by every language:
/// the core error kinds in upper case, then `SANDBOX`.
#[napi]
pub fn error_codes() -> Vec<String> {
    error::codes()
}

/// Reads the vendor's redirect back to your callback URL (step 2).
///
/// `callback` is the full URL the browser landed on, or its query string.
/// The state is checked first: throws `STATE_MISMATCH` when it is missing or
/// differs from `expectedState`, even if the callback reports an error (a
/// forged denial). Then throws `AUTHORIZATION_DENIED` (with
/// `error`/`description`/`uri`, control characters removed) when the user
/// refused, and `INVALID_CALLBACK` when there is neither code nor error.
#[napi(catch_unwind, ts_args_type = "callback: string, expectedState: string")]
pub fn parse_callback(
    env: Env,
    callback: Unknown<'_>,
    expected_state: Unknown<'_>,
) -> napi::Result<Grant> {
    let result = (|| -> Result<Grant, Failure> {
        let callback: String = js::required(Some(callback), "callback")?;
        let expected: String = js::required(Some(expected_state), "expectedState")?;
        Ok(elements_auth::parse_callback(&callback, &expected)?.into())
    })();
    sync(&env, result)
}

/// Checks an event's `Elements-Webhook-Signature` header against its raw body
/// (`sha256=<base64>` or bare base64), in constant time.
///
/// `keyOrKeys` is one key, or an array of keys during a key rotation (any
/// one matching is enough; each is compared in constant time). Returns
/// nothing when the signature matches; throws `INVALID_SIGNATURE` otherwise.
/// Pass the body exactly as received (a Buffer or a string).
#[napi(
    catch_unwind,
    ts_args_type = "keyOrKeys: string | string[], body: string | Buffer, signatureHeader: string"
)]
pub fn verify_webhook_signature(
    env: Env,
    signature_key: Unknown<'_>,
    body: Unknown<'_>,
    signature_header: Unknown<'_>,
) -> napi::Result<()> {
    let result = (|| -> Result<(), Failure> {
        let keys: js::SignatureKeys = js::required(Some(signature_key), "signatureKey")?;
        let body: Body = js::required(Some(body), "body")?;
        let header: String = js::required(Some(signature_header), "signatureHeader")?;
        Ok(match keys {
            js::SignatureKeys::One(key) => {
                elements_auth::verify_webhook_signature(&key, &body.0, &header)
            }
            js::SignatureKeys::Several(keys) => {
                elements_auth::verify_webhook_signature(&keys, &body.0, &header)
            }
        }?)
    })();
    sync(&env, result)
}

/// The `Elements-Webhook-Signature` value the platform would send for `body`
/// (`sha256=<base64 HMAC-SHA256>`), to sign test events for your own endpoint.
#[napi(
    catch_unwind,
    ts_args_type = "signatureKey: string, body: string | Buffer"
)]
pub fn sign_webhook(
    env: Env,
    signature_key: Unknown<'_>,
    body: Unknown<'_>,
) -> napi::Result<String> {
    let result = (|| -> Result<String, Failure> {
        let key: String = js::required(Some(signature_key), "signatureKey")?;
        let body: Body = js::required(Some(body), "body")?;
        Ok(elements_auth::sign_webhook(&key, &body.0))
    })();
    sync(&env, result)
}

/// The header that carries an event's signature: `Elements-Webhook-Signature`.
#[napi]
pub const SIGNATURE_HEADER: &str = elements_auth::SIGNATURE_HEADER;

/// The version of this package: the workspace's, which every artifact shares
/// (the core's, the npm packages', the wheel's, the C library's, the CLI's).
#[napi]
pub const VERSION: &str = elements_auth::VERSION;
