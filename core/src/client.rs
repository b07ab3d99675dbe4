//! The platform client: the three steps' calls and the instance calls.

use crate::instance::{CreateInstanceRequest, Instance};
use crate::oauth::{OAuthUrl, OAuthUrlRequest};
use crate::options::{ClientBuilder, Settings};
use crate::secret::{constant_time_eq, random_token, Secret};
use crate::text::QueryValue;
use crate::transport::{Request, Transport};
use crate::wire::OAuthUrlAnswer;
use crate::{Error, Operation, Result};
use serde_json::Value;
use std::fmt;
use std::sync::Arc;

/// The platform client. Build it once and share it: it is `Send + Sync`,
/// cheap to clone, and reuses connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    user_secret: Option<Secret>,
    organization_secret: Option<Secret>,
    /// `User <u>, Organization <o>`, when both secrets are set.
    authorization: Option<Secret>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.transport.base())
            .field("user_secret", &self.inner.user_secret)
            .field("organization_secret", &self.inner.organization_secret)
            .field("timeout", &self.inner.transport.timeout())
            .finish_non_exhaustive()
    }
}

/// Instance ids are positive: anything else cannot name an instance.
fn instance_id(id: i64) -> Result<()> {
    if id <= 0 {
        return Err(Error::invalid("id", "must be a positive instance id"));
    }
    Ok(())
}

/// Refuses a vendor URL no browser should be sent to: anything but https
/// (plain http only to a loopback host, such as the sandbox's), or a URL
/// holding spaces or control characters.
fn check_vendor_url(url: &str) -> std::result::Result<(), &'static str> {
    const NOT_HTTPS: &str =
        "the oauthUrl is not an https URL (plain http only on loopback); refusing to send a browser there";
    let unsafe_char = if url.is_ascii() {
        url.bytes().any(|b| b <= b' ' || b == 0x7f)
    } else {
        url.chars().any(|c| c.is_control() || c.is_whitespace())
    };
    if unsafe_char {
        return Err(NOT_HTTPS);
    }
    let scheme = url.split_once("://").map(|(s, _)| s);
    match scheme {
        Some(s) if s.eq_ignore_ascii_case("https") => {
            let rest = &url["https://".len()..];
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            if authority.is_empty() {
                return Err(NOT_HTTPS);
            }
            Ok(())
        }
        Some(s) if s.eq_ignore_ascii_case("http") => {
            let loopback = url::Url::parse(url)
                .ok()
                .and_then(|u| u.host().map(|h| crate::validate::is_loopback_host(&h)));
            if loopback == Some(true) {
                Ok(())
            } else {
                Err(NOT_HTTPS)
            }
        }
        _ => Err(NOT_HTTPS),
    }
}

/// The answer as text, or a Decode error naming the call.
fn text(operation: Operation, body: Vec<u8>) -> Result<String> {
    String::from_utf8(body)
        .map_err(|_| Error::decode(operation, "the answer is not valid JSON (not UTF-8)"))
}

/// The answer as JSON, or a Decode error naming the call.
fn json(operation: Operation, body: &[u8]) -> Result<Value> {
    serde_json::from_slice(body)
        .map_err(|e| Error::decode(operation, format!("the answer is not valid JSON ({e})")))
}

impl Client {
    /// Starts a [`ClientBuilder`] with the defaults (production, 30 s timeout).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_options(settings: Settings) -> Result<Client> {
        let transport = Transport::new(&settings)?;
        let authorization = match (&settings.user_secret, &settings.organization_secret) {
            (Some(u), Some(o)) => Some(Secret::new(format!(
                "User {}, Organization {}",
                u.expose(),
                o.expose()
            ))),
            _ => None,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                user_secret: settings.user_secret,
                organization_secret: settings.organization_secret,
                authorization,
            }),
        })
    }

    /// The API base URL this client talks to.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base()
    }

    /// Step 1: asks the platform for the vendor's consent page URL.
    ///
    /// Without a state in the request, a fresh random one is generated; the
    /// returned [`OAuthUrl::state`] is the one to pass to
    /// [`crate::parse_callback`]. A URL that does not carry exactly the
    /// state sent is refused ([`Error::Decode`]): a platform that dropped or
    /// replaced it would otherwise switch off the forgery check.
    pub fn oauth_url(&self, request: &OAuthUrlRequest) -> Result<OAuthUrl> {
        request.validate()?;
        let operation = Operation::OAuthUrl;
        let state = match &request.state {
            Some(s) => s.clone(),
            None => random_token()?,
        };
        let path = ["/elements/", &request.element, "/oauth/url"].concat();
        let query = request.query(&state);
        let secrets = self.secrets(&[request.api_secret.expose()]);
        let body = self.inner.transport.send(
            operation,
            &Request {
                path: &path,
                query: Some(&query),
                body: None,
                authorization: None,
            },
            &secrets,
        )?;
        let answer: OAuthUrlAnswer = serde_json::from_slice(&body).map_err(|e| {
            let what = if e.is_data() {
                "the oauth/url answer is not a JSON object"
            } else {
                "the answer is not valid JSON"
            };
            Error::decode(operation, format!("{what} ({e})"))
        })?;
        let oauth_url = answer
            .oauth_url
            .ok_or_else(|| Error::decode(operation, "the oauth/url answer has no oauthUrl"))?;
        check_vendor_url(&oauth_url).map_err(|why| Error::decode(operation, why))?;
        match crate::text::query_value(&oauth_url, "state") {
            QueryValue::One(Some(s)) if constant_time_eq(s.as_bytes(), state.as_bytes()) => {}
            QueryValue::Missing => {
                return Err(Error::decode(
                    operation,
                    "the oauthUrl carries no state; refusing it, since the callback's state could not be checked",
                ))
            }
            _ => {
                return Err(Error::decode(
                    operation,
                    "the oauthUrl carries another state than the one sent; refusing it, since the callback's state could no longer be checked",
                ))
            }
        }
        Ok(OAuthUrl {
            element: answer.element.unwrap_or_else(|| request.element.clone()),
            oauth_url,
            state,
        })
    }

    /// Step 3: creates the instance with the code from the callback.
    ///
    /// Never retried once the request may have reached the platform (the code
    /// is single-use). An error with [`Error::may_have_reached_server`] means
    /// the instance may exist: look for it with [`Client::list_instances`]
    /// before starting over with a fresh code.
    pub fn create_instance(&self, request: &CreateInstanceRequest) -> Result<Instance> {
        request.validate()?;
        let operation = Operation::CreateInstance;
        let auth = self.platform_authorization()?;
        let mut secrets = request.secrets();
        secrets.extend(self.secrets(&[]));
        let body = request.body_bytes();
        let answer = self.inner.transport.send(
            operation,
            &Request {
                path: "/instances",
                query: None,
                body: Some(&body),
                authorization: Some(auth),
            },
            &secrets,
        )?;
        Instance::decode(text(operation, answer)?, Some(operation)).map_err(|e| e.scrub(&secrets))
    }

    /// Fetches one instance by id.
    pub fn get_instance(&self, id: i64) -> Result<Instance> {
        instance_id(id)?;
        let operation = Operation::GetInstance;
        let path = format!("/instances/{id}");
        let body = self.platform_call(operation, &path)?;
        Instance::decode(text(operation, body)?, Some(operation))
    }

    /// Lists the instances visible to the user and organization.
    pub fn list_instances(&self) -> Result<Vec<Instance>> {
        let operation = Operation::ListInstances;
        let body = self.platform_call(operation, "/instances")?;
        if !body.trim_ascii_start().starts_with(b"[") {
            json(operation, &body)?;
            return Err(Error::decode(
                operation,
                "the instance list is not a JSON array",
            ));
        }
        let items: Vec<&serde_json::value::RawValue> = serde_json::from_slice(&body)
            .map_err(|e| Error::decode(operation, format!("the answer is not valid JSON ({e})")))?;
        items
            .into_iter()
            .map(|raw| Instance::decode(raw.get().to_owned(), Some(operation)))
            .collect()
    }

    /// Deletes one instance by id.
    pub fn delete_instance(&self, id: i64) -> Result<()> {
        instance_id(id)?;
        let path = format!("/instances/{id}");
        self.platform_call(Operation::DeleteInstance, &path)?;
        Ok(())
    }

    /// A platform call without a body, with the platform Authorization header.
    fn platform_call(&self, operation: Operation, path: &str) -> Result<Vec<u8>> {
        let auth = self.platform_authorization()?;
        self.inner.transport.send(
            operation,
            &Request {
                path,
                query: None,
                body: None,
                authorization: Some(auth),
            },
            &self.secrets(&[]),
        )
    }

    /// `User <u>, Organization <o>`, or an error naming the missing secret.
    fn platform_authorization(&self) -> Result<&str> {
        if let Some(auth) = &self.inner.authorization {
            return Ok(auth.expose());
        }
        let missing = if self.inner.user_secret.is_none() {
            "user_secret"
        } else {
            "organization_secret"
        };
        Err(Error::invalid(
            missing,
            "is required for platform calls; set it on the client",
        ))
    }

    fn secrets<'a>(&'a self, extra: &[&'a str]) -> Vec<&'a str> {
        let mut out: Vec<&str> = extra.to_vec();
        out.extend(self.inner.user_secret.as_ref().map(Secret::expose));
        out.extend(self.inner.organization_secret.as_ref().map(Secret::expose));
        out
    }
}
