//! Step 1 (the vendor's redirect URL) and step 2 (reading the callback).

use crate::secret::{constant_time_eq, Secret};
use crate::{validate, Error, Result};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::fmt;

/// Everything but RFC 3986 unreserved characters is percent-encoded, so a
/// value means the same to every server (a space is `%20`, never `+`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one query name or value.
pub fn encode_component(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// Query parameter names that have their own argument in [`OAuthUrlRequest`].
const RESERVED_PARAMS: [&str; 6] = [
    "apiKey",
    "apiSecret",
    "callbackUrl",
    "siteAddress",
    "state",
    "scope",
];

/// What step 1 needs: the element and the app registered with the vendor.
#[derive(Clone)]
pub struct OAuthUrlRequest {
    /// Element key or id, such as `concur`.
    pub element: String,
    /// The app's client id at the vendor (`apiKey`).
    pub api_key: String,
    /// The app's client secret at the vendor (`apiSecret`).
    pub api_secret: Secret,
    /// Where the vendor sends the user back (`callbackUrl`).
    pub callback_url: String,
    /// The vendor site, for elements that need one (Concur's `siteAddress`).
    pub site_address: Option<String>,
    /// The anti-forgery state; `None` generates 32 random bytes (base64url).
    pub state: Option<String>,
    /// The OAuth scope to ask for, when the element takes one.
    pub scope: Option<String>,
    /// Element-specific extra query parameters, sent in this order.
    pub params: Vec<(String, String)>,
}

impl OAuthUrlRequest {
    /// A request with the four required values and nothing else.
    pub fn new(
        element: impl Into<String>,
        api_key: impl Into<String>,
        api_secret: impl Into<Secret>,
        callback_url: impl Into<String>,
    ) -> OAuthUrlRequest {
        OAuthUrlRequest {
            element: element.into(),
            api_key: api_key.into(),
            api_secret: api_secret.into(),
            callback_url: callback_url.into(),
            site_address: None,
            state: None,
            scope: None,
            params: Vec::new(),
        }
    }

    /// Sets the vendor site address (`siteAddress`).
    pub fn site_address(mut self, value: impl Into<String>) -> Self {
        self.site_address = Some(value.into());
        self
    }

    /// Sets the state instead of generating one.
    pub fn state(mut self, value: impl Into<String>) -> Self {
        self.state = Some(value.into());
        self
    }

    /// Sets the OAuth scope.
    pub fn scope(mut self, value: impl Into<String>) -> Self {
        self.scope = Some(value.into());
        self
    }

    /// Appends one extra query parameter.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Checks every field, as `oauth_url` does before sending.
    pub fn validate(&self) -> Result<()> {
        validate::element_key("element", &self.element)?;
        validate::non_empty("api_key", &self.api_key)?;
        validate::non_empty("api_secret", self.api_secret.expose())?;
        validate::absolute_http_url("callback_url", &self.callback_url)?;
        if let Some(site) = &self.site_address {
            validate::non_empty("site_address", site)?;
        }
        if let Some(state) = &self.state {
            validate::non_empty("state", state)?;
        }
        if let Some(scope) = &self.scope {
            validate::non_empty("scope", scope)?;
        }
        for (i, (name, _)) in self.params.iter().enumerate() {
            let field = format!("params[{i}]");
            if name.is_empty() {
                return Err(Error::invalid(field, "parameter name must not be empty"));
            }
            if RESERVED_PARAMS.contains(&name.as_str()) {
                return Err(Error::invalid(
                    field,
                    format!("{name} has its own argument; set it there"),
                ));
            }
        }
        Ok(())
    }

    /// The encoded query string, with the given state.
    pub(crate) fn query(&self, state: &str) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("apiKey", &self.api_key),
            ("apiSecret", self.api_secret.expose()),
            ("callbackUrl", &self.callback_url),
        ];
        if let Some(site) = &self.site_address {
            pairs.push(("siteAddress", site));
        }
        pairs.push(("state", state));
        if let Some(scope) = &self.scope {
            pairs.push(("scope", scope));
        }
        for (name, value) in &self.params {
            pairs.push((name, value));
        }
        pairs
            .iter()
            .map(|(n, v)| format!("{}={}", encode_component(n), encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

impl fmt::Debug for OAuthUrlRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthUrlRequest")
            .field("element", &self.element)
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret)
            .field("callback_url", &self.callback_url)
            .field("site_address", &self.site_address)
            .field("state", &self.state)
            .field("scope", &self.scope)
            .field("params", &self.params)
            .finish()
    }
}

/// The answer of step 1: where to send the user, and the state to expect back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthUrl {
    /// The element key the platform answered for.
    pub element: String,
    /// The vendor's consent page URL; open it in the user's browser.
    pub oauth_url: String,
    /// The state carried in that URL; pass it to [`parse_callback`].
    pub state: String,
}

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

/// Reads the vendor's redirect back to the callback URL.
///
/// `callback` is the full URL the browser landed on, or just its query string
/// (with or without the leading `?`). `error` / `error_description` /
/// `error_uri` become [`Error::AuthorizationDenied`]; neither `code` nor
/// `error` is [`Error::InvalidCallback`]; a missing or different `state` is
/// [`Error::StateMismatch`] (compared in constant time), checked before
/// anything else so that a forged callback cannot pose as a denial.
pub fn parse_callback(callback: &str, expected_state: &str) -> Result<Grant> {
    if expected_state.is_empty() {
        return Err(Error::invalid("expected_state", "must not be empty"));
    }
    let callback = callback.trim();
    if callback.is_empty() {
        return Err(Error::invalid("callback", "must not be empty"));
    }
    let query = callback_query(callback)?;
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    let mut uri = None;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "code" => &mut code,
            "state" => &mut state,
            "error" => &mut error,
            "error_description" => &mut description,
            "error_uri" => &mut uri,
            _ => continue,
        };
        if slot.is_some() {
            return Err(Error::InvalidCallback {
                message: format!("the parameter {name} appears more than once"),
            });
        }
        *slot = Some(value.into_owned());
    }
    if code.is_none() && error.is_none() && state.is_none() {
        return Err(Error::InvalidCallback {
            message: "the callback carries neither a code nor an error".into(),
        });
    }
    // The state comes first, for errors too (RFC 6749 4.1.2.1): a forged
    // callback must not pass for the vendor's answer, whatever it claims.
    let state = state.ok_or_else(|| Error::StateMismatch {
        message: "the callback carries no state".into(),
    })?;
    if !constant_time_eq(state.as_bytes(), expected_state.as_bytes()) {
        return Err(Error::StateMismatch {
            message: "the callback's state differs from the one sent; the request may be forged"
                .into(),
        });
    }
    if let Some(error) = error {
        return Err(Error::AuthorizationDenied {
            error: printable(&error),
            description: description.as_deref().map(printable),
            uri: uri.as_deref().map(printable),
        });
    }
    let code = match code {
        Some(c) if !c.is_empty() => c,
        _ => {
            return Err(Error::InvalidCallback {
                message: "the callback carries neither a code nor an error".into(),
            })
        }
    };
    Ok(Grant {
        code: Secret::new(code),
        state,
    })
}

/// Text from outside without control characters, so that printing it cannot
/// drive a terminal (escape sequences) or forge log lines.
pub(crate) fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// The query string of a callback URL, or the callback itself when it is one.
fn callback_query(callback: &str) -> Result<String> {
    if callback.contains("://") {
        let url = url::Url::parse(callback).map_err(|e| Error::InvalidCallback {
            message: format!("not a valid URL: {e}"),
        })?;
        return Ok(url.query().unwrap_or("").to_owned());
    }
    let without_fragment = callback.split('#').next().unwrap_or("");
    let query = match without_fragment.split_once('?') {
        Some((_, q)) => q,
        None => without_fragment,
    };
    Ok(query.to_owned())
}
