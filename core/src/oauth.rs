//! Step 1: the request for the vendor's redirect URL, and its answer.

use crate::secret::Secret;
use crate::text::push_encoded_bytes;
use crate::{validate, Error, Result};

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
/// `Debug` masks the api secret.
#[derive(Clone, Debug)]
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
        validate::http_url("callback_url", &self.callback_url)?;
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
            let field = || format!("params[{i}]");
            if name.is_empty() {
                return Err(Error::invalid(field(), "parameter name must not be empty"));
            }
            if RESERVED_PARAMS.contains(&name.as_str()) {
                return Err(Error::invalid(
                    field(),
                    format!("{name} has its own argument; set it there"),
                ));
            }
        }
        Ok(())
    }

    /// The encoded query string, with the given state.
    pub(crate) fn query(&self, state: &str) -> String {
        let mut query = Vec::with_capacity(384);
        // `name` is the platform's own parameter name, unreserved as it is.
        let push = |query: &mut Vec<u8>, name: &str, value: &str| {
            if !query.is_empty() {
                query.push(b'&');
            }
            query.extend_from_slice(name.as_bytes());
            query.push(b'=');
            push_encoded_bytes(query, value);
        };
        push(&mut query, "apiKey", &self.api_key);
        push(&mut query, "apiSecret", self.api_secret.expose());
        push(&mut query, "callbackUrl", &self.callback_url);
        if let Some(site) = &self.site_address {
            push(&mut query, "siteAddress", site);
        }
        push(&mut query, "state", state);
        if let Some(scope) = &self.scope {
            push(&mut query, "scope", scope);
        }
        for (name, value) in &self.params {
            query.push(b'&');
            push_encoded_bytes(&mut query, name);
            query.push(b'=');
            push_encoded_bytes(&mut query, value);
        }
        // Percent-encoding leaves only ASCII.
        String::from_utf8(query).unwrap_or_default()
    }
}

/// The answer of step 1: where to send the user, and the state to expect back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthUrl {
    /// The element key the platform answered for.
    pub element: String,
    /// The vendor's consent page URL; open it in the user's browser.
    pub oauth_url: String,
    /// The state carried in that URL (always the one sent); pass it to
    /// [`crate::parse_callback`].
    pub state: String,
}
