//! Secret values: kept out of Debug output and scrubbed from error texts.

use base64::Engine as _;
use std::fmt;

/// A string that must never be shown: an api secret, a code, a token, a key.
///
/// `Debug` prints `Secret(***)`; read the value with [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret value itself, for putting on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_owned())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Secret {
        Secret(value.clone())
    }
}

/// 32 random bytes from the operating system, base64url without padding.
pub(crate) fn random_token() -> Result<String, crate::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| crate::Error::Transport {
        operation: None,
        message: format!("the operating system's random source failed: {e}"),
        may_have_reached_server: false,
    })?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Compares two byte strings in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    constant_time_choice(a, b).into()
}

/// [`constant_time_eq`] as a `subtle::Choice`, to combine several
/// comparisons without branching on any of them.
pub(crate) fn constant_time_choice(a: &[u8], b: &[u8]) -> subtle::Choice {
    use subtle::ConstantTimeEq as _;
    a.ct_eq(b)
}
