//! Verifying (and, for tests, producing) `Elements-Webhook-Signature` headers.

use crate::secret::constant_time_eq;
use crate::{Error, Result};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header that carries an event's signature.
pub const SIGNATURE_HEADER: &str = "Elements-Webhook-Signature";

fn mac(signature_key: &str, body: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(signature_key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The header value the platform sends for `body`: `sha256=<base64 HMAC-SHA256>`.
///
/// Useful to sign test events for your own webhook endpoint.
pub fn sign_webhook(signature_key: &str, body: &[u8]) -> String {
    let digest = mac(signature_key, body);
    format!(
        "sha256={}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Checks an event's signature header against its raw body, in constant time.
///
/// Accepts `sha256=<base64>` and bare base64. Verify the raw bytes as
/// received: a re-serialised JSON body will not match.
pub fn verify_webhook_signature(
    signature_key: &str,
    body: &[u8],
    signature_header: &str,
) -> Result<()> {
    if signature_key.is_empty() {
        return Err(Error::invalid("signature_key", "must not be empty"));
    }
    let value = signature_header.trim();
    if value.is_empty() {
        return Err(Error::InvalidSignature {
            message: "the signature header is empty".into(),
        });
    }
    let encoded = match value.split_once('=') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("sha256") => rest.trim(),
        _ => value,
    };
    let given = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| Error::InvalidSignature {
            message: "the signature is not base64 (expected sha256=<base64>)".into(),
        })?;
    let expected = mac(signature_key, body);
    if constant_time_eq(&given, &expected) {
        Ok(())
    } else {
        Err(Error::InvalidSignature {
            message: "the signature does not match the body for this key".into(),
        })
    }
}
