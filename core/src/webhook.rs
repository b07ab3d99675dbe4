//! Verifying (and, for tests, producing) `Elements-Webhook-Signature` headers.

use crate::secret::{constant_time_choice, Secret};
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

/// The key, or keys, a notification may be signed with: one key (`&str`,
/// `String`, [`Secret`]), or several while a key is being rotated
/// (`&[&str]`, `Vec<String>`, `[&str; N]`...), the new one first.
pub trait SignatureKeys {
    /// The keys in the order given; `several` is false for a single key
    /// (errors then name `signature_key`, otherwise `signature_keys[i]`).
    fn signature_keys(&self) -> (Vec<&str>, bool);
}

impl SignatureKeys for str {
    fn signature_keys(&self) -> (Vec<&str>, bool) {
        (vec![self], false)
    }
}

impl SignatureKeys for String {
    fn signature_keys(&self) -> (Vec<&str>, bool) {
        (vec![self.as_str()], false)
    }
}

impl SignatureKeys for Secret {
    fn signature_keys(&self) -> (Vec<&str>, bool) {
        (vec![self.expose()], false)
    }
}

impl<T: AsRef<str>> SignatureKeys for [T] {
    fn signature_keys(&self) -> (Vec<&str>, bool) {
        (self.iter().map(AsRef::as_ref).collect(), true)
    }
}

impl<T: AsRef<str>, const N: usize> SignatureKeys for [T; N] {
    fn signature_keys(&self) -> (Vec<&str>, bool) {
        self.as_slice().signature_keys()
    }
}

impl<T: AsRef<str>> SignatureKeys for Vec<T> {
    fn signature_keys(&self) -> (Vec<&str>, bool) {
        self.as_slice().signature_keys()
    }
}

impl<K: SignatureKeys + ?Sized> SignatureKeys for &K {
    fn signature_keys(&self) -> (Vec<&str>, bool) {
        (**self).signature_keys()
    }
}

/// Checks an event's signature header against its raw body, in constant time.
///
/// `signature_keys` is one key or several (key rotation: the header may
/// match any one of them; every key is computed and compared, each in
/// constant time, so the timing does not tell which one matched). Accepts
/// `sha256=<base64>` and bare base64. Verify the raw bytes as received: a
/// re-serialised JSON body will not match. The signature carries no
/// timestamp, so a replayed notification verifies: ignore event ids you
/// have already seen ([`crate::parse_event_notification`]).
pub fn verify_webhook_signature<K: SignatureKeys + ?Sized>(
    signature_keys: &K,
    body: &[u8],
    signature_header: &str,
) -> Result<()> {
    let (keys, several) = signature_keys.signature_keys();
    if keys.is_empty() {
        return Err(Error::invalid(
            "signature_keys",
            "must hold at least one key",
        ));
    }
    for (i, key) in keys.iter().enumerate() {
        if key.is_empty() {
            let field = if several {
                format!("signature_keys[{i}]")
            } else {
                "signature_key".to_owned()
            };
            return Err(Error::invalid(field, "must not be empty"));
        }
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
    // No early exit: every key is tried, whichever matches, and the
    // results are combined as `subtle::Choice`s, which do not branch.
    let mut matched = subtle::Choice::from(0);
    for key in &keys {
        matched |= constant_time_choice(&given, &mac(key, body));
    }
    if bool::from(matched) {
        Ok(())
    } else if several {
        Err(Error::InvalidSignature {
            message: format!(
                "the signature does not match the body for any of the {} keys",
                keys.len()
            ),
        })
    } else {
        Err(Error::InvalidSignature {
            message: "the signature does not match the body for this key".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_or_several_in_any_form() {
        let body = b"{\"eventId\":1}";
        let old = sign_webhook("old-key", body);
        let new = sign_webhook("new-key", body);
        let owned = vec!["new-key".to_owned(), "old-key".to_owned()];
        for header in [&old, &new] {
            verify_webhook_signature(&["new-key", "old-key"], body, header).unwrap();
            verify_webhook_signature(&owned, body, header).unwrap();
            verify_webhook_signature(owned.as_slice(), body, header).unwrap();
        }
        verify_webhook_signature("old-key", body, &old).unwrap();
        verify_webhook_signature(&"new-key".to_owned(), body, &new).unwrap();
        verify_webhook_signature(&Secret::new("new-key"), body, &new).unwrap();
        let third = sign_webhook("third-key", body);
        let err = verify_webhook_signature(&["new-key", "old-key"], body, &third).unwrap_err();
        assert!(err.to_string().contains("any of the 2 keys"), "{err}");
    }

    #[test]
    fn empty_keys_are_named() {
        let none: [&str; 0] = [];
        let err = verify_webhook_signature(&none, b"", "sha256=AAAA").unwrap_err();
        assert_eq!(err.field(), Some("signature_keys"));
        let err = verify_webhook_signature(&["k", ""], b"", "sha256=AAAA").unwrap_err();
        assert_eq!(err.field(), Some("signature_keys[1]"));
        let err = verify_webhook_signature("", b"", "sha256=AAAA").unwrap_err();
        assert_eq!(err.field(), Some("signature_key"));
    }
}
