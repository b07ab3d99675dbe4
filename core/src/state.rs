//! Signed, expiring OAuth `state` tokens that any replica of a web service
//! can check without shared storage: [`StateSigner`].
//!
//! A token is `v1.<key id>.<payload>.<mac>`:
//! - `key id`: the name of the key that signed it (1 to 32 of `A-Z a-z 0-9 _ -`);
//! - `payload`: base64url (no padding) of, in order, the element key's length
//!   (one byte) and the element key; a 16-byte keyed hash of the subject, the
//!   first 16 bytes of HMAC-SHA256(secret, `"elements-auth state subject\0"`
//!   followed by the subject), so the end user's id never travels in clear; a
//!   16-byte random nonce; the issue time and the expiry, each a big-endian
//!   u64 of seconds since the Unix epoch;
//! - `mac`: base64url (no padding) of HMAC-SHA256(secret, `"v1.<key id>.<payload>"`).
//!
//! Checking a token goes: its shape ([`Mismatch::Malformed`]), its key id
//! ([`Mismatch::UnknownKey`]), its MAC in constant time
//! ([`Mismatch::BadSignature`]), its subject in constant time
//! ([`Mismatch::OtherSubject`]), then its expiry ([`Mismatch::Expired`]).

use crate::callback::{CallbackQuery, Grant};
use crate::error::Mismatch;
use crate::secret::constant_time_eq;
use crate::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a state token is valid by default: 10 minutes.
pub const DEFAULT_STATE_TTL: Duration = Duration::from_secs(600);
/// The shortest accepted state lifetime.
pub const MIN_STATE_TTL: Duration = Duration::from_secs(1);
/// The longest accepted state lifetime: a sign-in does not take a day.
pub const MAX_STATE_TTL: Duration = Duration::from_secs(24 * 3600);
/// The fewest bytes a signing secret may have (256 bits, the size of the MAC).
pub const MIN_STATE_SECRET_LEN: usize = 32;

/// The token's version prefix.
const VERSION: &str = "v1";
/// Domain separation of the subject hash from the MAC (whose input starts with `v1.`).
const SUBJECT_CONTEXT: &[u8] = b"elements-auth state subject\0";
const SUBJECT_TAG_LEN: usize = 16;
const NONCE_LEN: usize = 16;
const MAC_LEN: usize = 32;
const MAX_KEY_ID_LEN: usize = 32;
const MAX_ELEMENT_LEN: usize = 100;
/// Longer input is refused before any decoding (a real token is ~130 characters).
const MAX_TOKEN_LEN: usize = 512;

/// One signing key: its id and its secret bytes.
#[derive(Clone)]
struct Key {
    id: String,
    secret: Vec<u8>,
}

impl Key {
    fn new(id_field: &str, secret_field: &str, id: &str, secret: &[u8]) -> Result<Key> {
        check_key_id(id_field, id)?;
        if secret.len() < MIN_STATE_SECRET_LEN {
            return Err(Error::invalid(
                secret_field,
                format!(
                    "must be at least {MIN_STATE_SECRET_LEN} bytes (it has {}); use 32 random bytes",
                    secret.len()
                ),
            ));
        }
        Ok(Key {
            id: id.to_owned(),
            secret: secret.to_vec(),
        })
    }

    fn hmac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length, so this cannot fail.
        Hmac::<Sha256>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
    }

    fn subject_tag(&self, subject: &str) -> [u8; SUBJECT_TAG_LEN] {
        let mut mac = self.hmac();
        mac.update(SUBJECT_CONTEXT);
        mac.update(subject.as_bytes());
        let full: [u8; 32] = mac.finalize().into_bytes().into();
        let mut tag = [0u8; SUBJECT_TAG_LEN];
        tag.copy_from_slice(&full[..SUBJECT_TAG_LEN]);
        tag
    }

    fn mac(&self, signed: &str) -> [u8; MAC_LEN] {
        let mut mac = self.hmac();
        mac.update(signed.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// A key id must be safe in a URL and must not contain the token's `.`.
fn check_key_id(field: &str, id: &str) -> Result<()> {
    if id.is_empty() || id.len() > MAX_KEY_ID_LEN {
        return Err(Error::invalid(
            field,
            format!("must be 1 to {MAX_KEY_ID_LEN} characters"),
        ));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Error::invalid(
            field,
            "must contain only letters, digits, '_' and '-'",
        ));
    }
    Ok(())
}

/// What a verified state token says: the element it was issued for, the key
/// that signed it, and when it was issued and expires (seconds since the
/// Unix epoch). The subject is not in it: it is only ever compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateClaims {
    /// The element key the sign-in was started for, such as `concur`.
    pub element: String,
    /// The id of the key that signed the token (a previous key after a rotation).
    pub key_id: String,
    /// When the token was issued, in seconds since the Unix epoch.
    pub issued_at: u64,
    /// When the token stops being valid, in seconds since the Unix epoch.
    pub expires_at: u64,
}

/// Makes and checks OAuth `state` tokens that carry their own proof, so that
/// any replica of a web service (sharing the secret) can check the callback
/// of a sign-in another replica started, with nothing stored in between.
///
/// The token is bound to the element and to the end user (the subject, such
/// as your user id, kept only as a keyed hash), expires after the TTL (10
/// minutes by default), and is signed with HMAC-SHA256 by the current key;
/// previous keys still verify, so that keys can be rotated without breaking
/// sign-ins in progress. Every failure is [`Error::StateMismatch`] with a
/// [`Mismatch`] saying what was wrong, and no secret in the message.
///
/// ```
/// use elements_auth::StateSigner;
/// # fn main() -> Result<(), elements_auth::Error> {
/// let signer = StateSigner::new("k2", b"a 32-byte or longer random secret!")?
///     .previous_key("k1", b"the secret used before the rotation")?;
/// let state = signer.sign("concur", "user-42")?;
/// let claims = signer.verify(&state, "user-42")?;
/// assert_eq!(claims.element, "concur");
/// assert!(signer.verify(&state, "user-43").is_err());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct StateSigner {
    current: Key,
    previous: Vec<Key>,
    ttl: Duration,
}

impl fmt::Debug for StateSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let previous: Vec<&str> = self.previous.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("StateSigner")
            .field("key_id", &self.current.id)
            .field("previous", &previous)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// Seconds since the Unix epoch, now.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl StateSigner {
    /// A signer whose current key is `key_id` (1 to 32 of `A-Z a-z 0-9 _ -`)
    /// with `secret` (at least 32 bytes: use 32 random bytes, shared by every
    /// replica). The TTL is [`DEFAULT_STATE_TTL`].
    pub fn new(key_id: &str, secret: impl AsRef<[u8]>) -> Result<StateSigner> {
        Ok(StateSigner {
            current: Key::new("key_id", "secret", key_id, secret.as_ref())?,
            previous: Vec::new(),
            ttl: DEFAULT_STATE_TTL,
        })
    }

    /// Adds a key that no longer signs but still verifies: the one in use
    /// before a rotation. Remove it once the TTL has passed since the rotation.
    pub fn previous_key(mut self, key_id: &str, secret: impl AsRef<[u8]>) -> Result<StateSigner> {
        let key = Key::new(
            "previous.key_id",
            "previous.secret",
            key_id,
            secret.as_ref(),
        )?;
        if self.current.id == key.id || self.previous.iter().any(|k| k.id == key.id) {
            return Err(Error::invalid(
                "previous.key_id",
                format!("{key_id:?} is already a key of this signer"),
            ));
        }
        self.previous.push(key);
        Ok(self)
    }

    /// Sets how long a new token stays valid: whole seconds, from
    /// [`MIN_STATE_TTL`] to [`MAX_STATE_TTL`].
    pub fn ttl(mut self, ttl: Duration) -> Result<StateSigner> {
        if ttl.subsec_nanos() != 0 || ttl < MIN_STATE_TTL || ttl > MAX_STATE_TTL {
            return Err(Error::invalid(
                "ttl",
                format!(
                    "must be a whole number of seconds from {} to {}",
                    MIN_STATE_TTL.as_secs(),
                    MAX_STATE_TTL.as_secs()
                ),
            ));
        }
        self.ttl = ttl;
        Ok(self)
    }

    /// The id of the key that signs.
    pub fn key_id(&self) -> &str {
        &self.current.id
    }

    /// The ids of the keys that only verify, in the order they were added.
    pub fn previous_key_ids(&self) -> Vec<String> {
        self.previous.iter().map(|k| k.id.clone()).collect()
    }

    /// How long a new token stays valid, in seconds.
    pub fn ttl_seconds(&self) -> u64 {
        self.ttl.as_secs()
    }

    /// A new state token for a sign-in of `subject` (your end user's id) to
    /// `element`: pass it as the `state` of [`crate::Client::oauth_url`].
    pub fn sign(&self, element: &str, subject: &str) -> Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| Error::Transport {
            operation: None,
            message: format!("the operating system's random source failed: {e}"),
            may_have_reached_server: false,
        })?;
        self.sign_with(element, subject, unix_now(), &nonce)
    }

    /// Checks `state` for `subject` now, and says what it holds. Fails with
    /// [`Error::StateMismatch`] when it is malformed, signed by a key this
    /// signer does not know (or no longer knows), badly signed, issued for
    /// another subject, or expired.
    pub fn verify(&self, state: &str, subject: &str) -> Result<StateClaims> {
        self.verify_with(state, subject, unix_now())
    }

    /// Reads a callback as [`crate::parse_callback`] does, but checks its
    /// state as [`StateSigner::verify`] does for `subject` (before anything
    /// else, so that a forged callback cannot pose as a denial), then reads
    /// the code or the error. The element is in `verify(&grant.state, subject)`.
    pub fn parse_callback(&self, callback: &str, subject: &str) -> Result<Grant> {
        check_subject(subject)?;
        let query = CallbackQuery::parse(callback)?;
        if !query.is_callback() {
            return Err(Error::InvalidCallback {
                message: "the callback carries neither a code nor an error".into(),
            });
        }
        let Some(state) = query.state.clone() else {
            return Err(mismatch(
                Mismatch::Missing,
                "the callback carries no state".into(),
            ));
        };
        self.verify(&state, subject)?;
        query.into_grant(&state)
    }

    /// [`StateSigner::sign`] at a fixed time with a fixed nonce, for test
    /// vectors only. It refuses to make a token that would still be valid
    /// now, so its tokens can never pass [`StateSigner::verify`].
    pub fn sign_for_test(
        &self,
        element: &str,
        subject: &str,
        issued_at: u64,
        nonce: &[u8],
    ) -> Result<String> {
        let nonce: [u8; NONCE_LEN] = nonce
            .try_into()
            .map_err(|_| Error::invalid("nonce", format!("must be exactly {NONCE_LEN} bytes")))?;
        if issued_at.saturating_add(self.ttl.as_secs()) > unix_now() {
            return Err(Error::invalid(
                "issued_at",
                "must make a token that has already expired: sign_for_test is for test vectors only, use sign",
            ));
        }
        self.sign_with(element, subject, issued_at, &nonce)
    }

    /// [`StateSigner::verify`] as if it were `now` (seconds since the Unix
    /// epoch), for test vectors only. It refuses a well-formed token that is
    /// still valid at the real time, so it can never stand in for `verify`.
    pub fn verify_for_test(&self, state: &str, subject: &str, now: u64) -> Result<StateClaims> {
        let claims = self.verify_with(state, subject, now)?;
        if claims.expires_at > unix_now() {
            return Err(Error::invalid(
                "state",
                "is still valid now: verify_for_test only checks test vectors (long expired), use verify",
            ));
        }
        Ok(claims)
    }

    fn sign_with(
        &self,
        element: &str,
        subject: &str,
        issued_at: u64,
        nonce: &[u8; NONCE_LEN],
    ) -> Result<String> {
        crate::validate::element_key("element", element)?;
        if element.len() > MAX_ELEMENT_LEN {
            return Err(Error::invalid(
                "element",
                format!("must be at most {MAX_ELEMENT_LEN} characters"),
            ));
        }
        check_subject(subject)?;
        let expires_at = issued_at.saturating_add(self.ttl.as_secs());
        let mut payload = Vec::with_capacity(1 + element.len() + 48);
        // At most MAX_ELEMENT_LEN, checked above: fits one byte.
        payload.push(element.len() as u8);
        payload.extend_from_slice(element.as_bytes());
        payload.extend_from_slice(&self.current.subject_tag(subject));
        payload.extend_from_slice(nonce);
        payload.extend_from_slice(&issued_at.to_be_bytes());
        payload.extend_from_slice(&expires_at.to_be_bytes());
        let signed = format!(
            "{VERSION}.{}.{}",
            self.current.id,
            URL_SAFE_NO_PAD.encode(&payload)
        );
        let mac = URL_SAFE_NO_PAD.encode(self.current.mac(&signed));
        Ok(format!("{signed}.{mac}"))
    }

    fn verify_with(&self, state: &str, subject: &str, now: u64) -> Result<StateClaims> {
        check_subject(subject)?;
        let malformed = |why: &str| mismatch(Mismatch::Malformed, format!("the state {why}"));
        if state.is_empty() {
            return Err(malformed("is empty"));
        }
        if state.len() > MAX_TOKEN_LEN {
            return Err(malformed(&format!(
                "is longer than {MAX_TOKEN_LEN} characters: not a token of this signer"
            )));
        }
        let parts: Vec<&str> = state.split('.').collect();
        let [version, key_id, payload, mac] = parts.as_slice() else {
            return Err(malformed(
                "is not a signed state token (v1.<key id>.<payload>.<mac>)",
            ));
        };
        if *version != VERSION {
            return Err(malformed("is not a version 1 state token"));
        }
        if check_key_id("state", key_id).is_err() {
            return Err(malformed("has an invalid key id"));
        }
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == *key_id)
            .ok_or_else(|| {
                mismatch(
                    Mismatch::UnknownKey,
                    format!(
                        "the state was signed with the key {key_id:?}, which this signer does not know (removed, or never added)"
                    ),
                )
            })?;
        let given = URL_SAFE_NO_PAD
            .decode(mac)
            .map_err(|_| malformed("has a signature that is not base64url"))?;
        let signed = &state[..state.len() - mac.len() - 1];
        if !constant_time_eq(&given, &key.mac(signed)) {
            return Err(mismatch(
                Mismatch::BadSignature,
                "the state's signature does not match: it was altered or forged".into(),
            ));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| malformed("has a payload that is not base64url"))?;
        let claims = Payload::read(&bytes).ok_or_else(|| malformed("has an unreadable payload"))?;
        if !constant_time_eq(&claims.subject_tag, &key.subject_tag(subject)) {
            return Err(mismatch(
                Mismatch::OtherSubject,
                "the state was issued for another user: the sign-in was started by someone else"
                    .into(),
            ));
        }
        if now >= claims.expires_at {
            return Err(mismatch(
                Mismatch::Expired,
                format!(
                    "the state expired {} s ago (it is valid for {} s): start the sign-in again",
                    now - claims.expires_at,
                    claims.expires_at.saturating_sub(claims.issued_at)
                ),
            ));
        }
        Ok(StateClaims {
            element: claims.element,
            key_id: key.id.clone(),
            issued_at: claims.issued_at,
            expires_at: claims.expires_at,
        })
    }
}

fn mismatch(mismatch: Mismatch, message: String) -> Error {
    Error::StateMismatch { mismatch, message }
}

/// The subject is the caller's own user id: empty is a bug, not an attack.
fn check_subject(subject: &str) -> Result<()> {
    if subject.is_empty() {
        return Err(Error::invalid("subject", "must not be empty"));
    }
    Ok(())
}

/// The decoded payload of a token whose MAC matched.
struct Payload {
    element: String,
    subject_tag: [u8; SUBJECT_TAG_LEN],
    issued_at: u64,
    expires_at: u64,
}

impl Payload {
    fn read(bytes: &[u8]) -> Option<Payload> {
        let (&len, rest) = bytes.split_first()?;
        let len = usize::from(len);
        if rest.len() != len + SUBJECT_TAG_LEN + NONCE_LEN + 16 {
            return None;
        }
        let (element, rest) = rest.split_at(len);
        let (tag, rest) = rest.split_at(SUBJECT_TAG_LEN);
        let (_nonce, rest) = rest.split_at(NONCE_LEN);
        let (issued, expires) = rest.split_at(8);
        let issued_at = u64::from_be_bytes(issued.try_into().ok()?);
        let expires_at = u64::from_be_bytes(expires.try_into().ok()?);
        if expires_at <= issued_at {
            return None;
        }
        Some(Payload {
            element: String::from_utf8(element.to_vec()).ok()?,
            subject_tag: tag.try_into().ok()?,
            issued_at,
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_token_is_compact_and_url_safe() {
        let signer = StateSigner::new("k2026", SECRET).unwrap();
        let token = signer.sign("concur", "alice@example.com").unwrap();
        assert!(token.len() < 140, "{} characters: {token}", token.len());
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
        assert!(!token.contains("alice"));
    }

    #[test]
    fn two_tokens_for_the_same_sign_in_differ() {
        let signer = StateSigner::new("k", SECRET).unwrap();
        assert_ne!(
            signer.sign("concur", "u").unwrap(),
            signer.sign("concur", "u").unwrap()
        );
    }

    #[test]
    fn debug_shows_key_ids_but_no_secret() {
        let signer = StateSigner::new("k2", SECRET)
            .unwrap()
            .previous_key("k1", b"an older secret of 32 bytes or more!")
            .unwrap();
        let shown = format!("{signer:?}");
        assert!(shown.contains("k2") && shown.contains("k1"), "{shown}");
        assert!(!shown.contains("0123456789abcdef") && !shown.contains("older"));
    }
}
