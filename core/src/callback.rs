//! Step 2: reading the vendor's redirect back to the callback URL.

use crate::secret::{constant_time_eq, Secret};
use crate::text::printable;
use crate::{Error, Mismatch, Result};
use std::fmt;

/// The answer of step 2: the authorization code, with the state it came with.
#[derive(Clone, PartialEq, Eq)]
pub struct Grant {
    /// The single-use authorization code for [`crate::Client::create_instance`].
    pub code: Secret,
    /// The state the vendor sent back (equal to the expected one).
    pub state: String,
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grant")
            .field("code", &self.code)
            .field("state", &self.state)
            .finish()
    }
}

/// The OAuth parameters of a callback, read once and not yet trusted: the
/// state has not been checked. [`CallbackQuery::into_grant`] checks it.
///
/// Used by [`parse_callback`], and by anything that must look at a callback
/// before deciding what to do with it (the CLI's loopback listener).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallbackQuery {
    /// `code`, the authorization code.
    pub code: Option<Secret>,
    /// `state`, as the vendor sent it back.
    pub state: Option<String>,
    /// `error`, when the vendor reports a refusal.
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
    /// `error_uri`.
    pub error_uri: Option<String>,
}

impl fmt::Debug for CallbackQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackQuery")
            .field("code", &self.code)
            .field("state", &self.state)
            .field("error", &self.error)
            .field("error_description", &self.error_description)
            .field("error_uri", &self.error_uri)
            .finish()
    }
}

impl CallbackQuery {
    /// Reads `callback`: the full URL the browser landed on, a path with its
    /// query (`/callback?code=...`), or the query string alone (with or
    /// without its `?`). Only input that starts with a scheme and `://` is
    /// read as a URL; a bare query is a query whatever it contains. A
    /// `#fragment` is ignored. A parameter given twice, or a value that is
    /// not UTF-8 once decoded, is [`Error::InvalidCallback`].
    pub fn parse(callback: &str) -> Result<CallbackQuery> {
        let callback = callback.trim();
        if callback.is_empty() {
            return Err(Error::invalid("callback", "must not be empty"));
        }
        let query = query_of(callback)?;
        let mut out = CallbackQuery::default();
        let mut code = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(name)?;
            let slot = match name.as_str() {
                "code" => &mut code,
                "state" => &mut out.state,
                "error" => &mut out.error,
                "error_description" => &mut out.error_description,
                "error_uri" => &mut out.error_uri,
                _ => continue,
            };
            if slot.is_some() {
                return Err(Error::InvalidCallback {
                    message: format!("the parameter {name} appears more than once"),
                });
            }
            *slot = Some(decode(value)?);
        }
        out.code = code.map(Secret::new);
        Ok(out)
    }

    /// True when it carries `code`, `error` or `state`: what a vendor's
    /// redirect carries. Anything else at the callback path is a stray visit.
    pub fn is_callback(&self) -> bool {
        self.code.is_some() || self.error.is_some() || self.state.is_some()
    }

    /// True when it reports an `error` (which is only trusted once the state matches).
    pub fn claims_error(&self) -> bool {
        self.error.is_some()
    }

    /// Checks the state against `expected_state` (in constant time) before
    /// anything else, so that a forged callback cannot pose as a denial;
    /// then reads the error or the code.
    pub fn into_grant(self, expected_state: &str) -> Result<Grant> {
        if expected_state.is_empty() {
            return Err(Error::invalid("expected_state", "must not be empty"));
        }
        if !self.is_callback() {
            return Err(Error::InvalidCallback {
                message: "the callback carries neither a code nor an error".into(),
            });
        }
        // The state comes first, for errors too (RFC 6749 4.1.2.1): a forged
        // callback must not pass for the vendor's answer, whatever it claims.
        let state = self.state.ok_or_else(|| Error::StateMismatch {
            mismatch: Mismatch::Missing,
            message: "the callback carries no state".into(),
        })?;
        if !constant_time_eq(state.as_bytes(), expected_state.as_bytes()) {
            return Err(Error::StateMismatch {
                mismatch: Mismatch::Different,
                message:
                    "the callback's state differs from the one sent; the request may be forged"
                        .into(),
            });
        }
        if let Some(error) = self.error {
            return Err(Error::AuthorizationDenied {
                error: printable(&error),
                description: self.error_description.as_deref().map(printable),
                uri: self.error_uri.as_deref().map(printable),
            });
        }
        match self.code {
            Some(code) if !code.is_empty() => Ok(Grant { code, state }),
            _ => Err(Error::InvalidCallback {
                message: "the callback carries neither a code nor an error".into(),
            }),
        }
    }
}

/// Reads the vendor's redirect back to the callback URL.
///
/// `callback` is the full URL the browser landed on, or just its query string
/// (see [`CallbackQuery::parse`]). A missing or different `state` is
/// [`Error::StateMismatch`] (compared in constant time), checked before
/// anything else so that a forged callback cannot pose as a denial; then
/// `error` / `error_description` / `error_uri` become
/// [`Error::AuthorizationDenied`]; neither `code` nor `error` is
/// [`Error::InvalidCallback`].
pub fn parse_callback(callback: &str, expected_state: &str) -> Result<Grant> {
    if expected_state.is_empty() {
        return Err(Error::invalid("expected_state", "must not be empty"));
    }
    CallbackQuery::parse(callback)?.into_grant(expected_state)
}

/// The query string of a callback (without `?` and `#fragment`).
fn query_of(callback: &str) -> Result<&str> {
    let without_fragment = callback.split('#').next().unwrap_or("");
    if has_scheme(callback) {
        url::Url::parse(callback).map_err(|e| Error::InvalidCallback {
            message: format!("not a valid URL: {e}"),
        })?;
        return Ok(without_fragment
            .split_once('?')
            .map_or("", |(_, query)| query));
    }
    if without_fragment.starts_with('/') {
        // A path with its query, as an HTTP request line carries it.
        return Ok(without_fragment
            .split_once('?')
            .map_or("", |(_, query)| query));
    }
    Ok(without_fragment
        .strip_prefix('?')
        .unwrap_or(without_fragment))
}

/// True when `s` starts with `scheme://` (RFC 3986: a letter, then letters,
/// digits, `+`, `-` or `.`).
fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// One form-encoded name or value, decoded; not UTF-8 is an invalid callback.
fn decode(raw: &str) -> Result<String> {
    crate::text::form_decode(raw).ok_or_else(|| Error::InvalidCallback {
        message: "a callback parameter is not valid UTF-8 once decoded".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_scheme_at_the_start_makes_a_url() {
        assert!(has_scheme("https://a.example/cb?x=1"));
        assert!(has_scheme("com.example.app+x://cb"));
        assert!(!has_scheme("error=x&error_uri=https://v.example"));
        assert!(!has_scheme("1x://a"));
        assert!(!has_scheme("/cb?x=https://a"));
    }

    #[test]
    fn a_bare_query_keeps_what_comes_before_a_question_mark() {
        let q = CallbackQuery::parse("error=access_denied&error_description=x?code=EVIL&state=s")
            .unwrap();
        assert_eq!(q.error.as_deref(), Some("access_denied"));
        assert_eq!(q.error_description.as_deref(), Some("x?code=EVIL"));
        assert_eq!(q.code, None);
    }
}
