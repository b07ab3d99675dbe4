//! The platform client: one connection pool, secrets, timeouts and retries.

use crate::instance::{CreateInstanceRequest, Instance};
use crate::oauth::{OAuthUrl, OAuthUrlRequest};
use crate::secret::{random_token, Secret};
use crate::{validate, Error, Result};
use serde_json::Value;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// The platform's known deployments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Environment {
    /// Cloud Elements production (the default).
    Production,
    /// Cloud Elements staging.
    Staging,
    /// SAP Open Connectors, US2 region.
    SapUs2,
}

impl Environment {
    /// The environment's API base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Production => "https://api.cloud-elements.com/elements/api-v2",
            Environment::Staging => "https://staging.cloud-elements.com/elements/api-v2",
            Environment::SapUs2 => {
                "https://api.openconnectors.us2.ext.hana.ondemand.com/elements/api-v2"
            }
        }
    }

    /// The name used in every language: `production`, `staging`, `sap-us2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Staging => "staging",
            Environment::SapUs2 => "sap-us2",
        }
    }
}

impl FromStr for Environment {
    type Err = Error;
    fn from_str(value: &str) -> Result<Self> {
        match value {
            "production" => Ok(Environment::Production),
            "staging" => Ok(Environment::Staging),
            "sap-us2" => Ok(Environment::SapUs2),
            other => Err(Error::invalid(
                "environment",
                format!("must be production, staging or sap-us2, not {other:?}"),
            )),
        }
    }
}

/// Default time limit of one request, answer included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default number of retries of a `GET` after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default cap on a wait between retries, `Retry-After` included.
pub const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(10);
/// Default cap on the size of a response body.
pub const DEFAULT_RESPONSE_LIMIT: u64 = 10 * 1024 * 1024;

/// Options of a [`Client`]; start from [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: Option<String>,
    environment: Option<String>,
    user_secret: Option<Secret>,
    organization_secret: Option<Secret>,
    timeout: Duration,
    user_agent: Option<String>,
    ca_file: Option<PathBuf>,
    proxy: Option<String>,
    max_retries: u32,
    max_retry_delay: Duration,
    retry_base_delay: Duration,
    response_limit: u64,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: None,
            environment: None,
            user_secret: None,
            organization_secret: None,
            timeout: DEFAULT_TIMEOUT,
            user_agent: None,
            ca_file: None,
            proxy: None,
            max_retries: DEFAULT_MAX_RETRIES,
            max_retry_delay: DEFAULT_MAX_RETRY_DELAY,
            retry_base_delay: Duration::from_millis(200),
            response_limit: DEFAULT_RESPONSE_LIMIT,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("environment", &self.environment)
            .field("user_secret", &self.user_secret)
            .field("organization_secret", &self.organization_secret)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("ca_file", &self.ca_file)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Options read from `ELEMENTS_BASE_URL`, `ELEMENTS_USER_SECRET` and
    /// `ELEMENTS_ORGANIZATION_SECRET` (each only when set and non-empty).
    pub fn from_env() -> ClientBuilder {
        let get = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        ClientBuilder {
            base_url: get("ELEMENTS_BASE_URL"),
            user_secret: get("ELEMENTS_USER_SECRET").map(Secret::new),
            organization_secret: get("ELEMENTS_ORGANIZATION_SECRET").map(Secret::new),
            ..ClientBuilder::default()
        }
    }

    /// A custom API base URL, such as the sandbox's (`.../elements/api-v2`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// A known deployment by name: `production`, `staging` or `sap-us2`.
    pub fn environment(mut self, name: impl Into<String>) -> Self {
        self.environment = Some(name.into());
        self
    }

    /// The user secret, for platform calls such as `POST /instances`.
    pub fn user_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.user_secret = Some(secret.into());
        self
    }

    /// The organization secret, for platform calls such as `POST /instances`.
    pub fn organization_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.organization_secret = Some(secret.into());
        self
    }

    /// Time limit of one request attempt, answer included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Appended to the `User-Agent` header (each binding names itself here).
    pub fn user_agent(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent = Some(suffix.into());
        self
    }

    /// A PEM file of extra CA certificates to trust, with the operating
    /// system's roots (for a private CA or a TLS-inspecting proxy, say).
    /// Without it, Mozilla's root list built into the library is used.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_file = Some(path.into());
        self
    }

    /// An explicit proxy URL; by default `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`
    /// apply, and loopback hosts are always reached directly.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// How many times a `GET` is retried after a connection failure or a
    /// 429/502/503/504 answer (default 2). `POST /instances` never is once
    /// it may have reached the platform.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Cap on one wait between retries, `Retry-After` included (default 10 s).
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.max_retry_delay = delay;
        self
    }

    /// First backoff delay; it doubles with each retry, with jitter (default 200 ms).
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.retry_base_delay = delay;
        self
    }

    /// Cap on a response body's size (default 10 MiB).
    pub fn response_limit(mut self, bytes: u64) -> Self {
        self.response_limit = bytes;
        self
    }

    /// Checks the options and builds the client.
    pub fn build(self) -> Result<Client> {
        let base = match (&self.base_url, &self.environment) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "base_url",
                    "give either base_url or environment, not both",
                ))
            }
            (Some(url), None) => url.trim_end_matches('/').to_owned(),
            (None, Some(env)) => env.parse::<Environment>()?.base_url().to_owned(),
            (None, None) => Environment::Production.base_url().to_owned(),
        };
        let parsed = validate::base_url(&base)?;
        if self.response_limit == 0 {
            return Err(Error::invalid("response_limit", "must be at least 1 byte"));
        }
        if self.timeout.is_zero() {
            return Err(Error::invalid("timeout", "must be greater than zero"));
        }
        if let Some(s) = &self.user_secret {
            validate::non_empty("user_secret", s.expose())?;
        }
        if let Some(s) = &self.organization_secret {
            validate::non_empty("organization_secret", s.expose())?;
        }
        let mut user_agent = format!("elements-auth/{} (rust)", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = &self.user_agent {
            if suffix.chars().any(|c| c.is_control()) {
                return Err(Error::invalid(
                    "user_agent",
                    "must not contain control characters",
                ));
            }
            if !suffix.is_empty() {
                user_agent.push(' ');
                user_agent.push_str(suffix);
            }
        }
        let loopback = parsed
            .host()
            .as_ref()
            .is_some_and(validate::is_loopback_host);
        let proxy =
            match (&self.proxy, loopback) {
                (_, true) => None,
                (Some(url), false) => Some(ureq::Proxy::new(url).map_err(|e| {
                    Error::invalid("proxy", format!("not a usable proxy URL ({e})"))
                })?),
                (None, false) => ureq::Proxy::try_from_env(),
            };
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(path) = &self.ca_file {
            tls = tls.root_certs(load_ca_file(path)?);
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(self.timeout))
            .user_agent(user_agent)
            .proxy(proxy)
            .tls_config(tls.build())
            .build();
        Ok(Client {
            inner: Arc::new(Inner {
                agent: config.new_agent(),
                base,
                user_secret: self.user_secret,
                organization_secret: self.organization_secret,
                timeout: self.timeout,
                max_retries: self.max_retries,
                max_retry_delay: self.max_retry_delay,
                retry_base_delay: self.retry_base_delay,
                response_limit: self.response_limit,
            }),
        })
    }
}

/// Instance ids are positive: anything else cannot name an instance.
fn instance_id(id: i64) -> Result<()> {
    if id <= 0 {
        return Err(Error::invalid("id", "must be a positive instance id"));
    }
    Ok(())
}

/// The operating system's trusted roots plus the certificates of `path`, so
/// that a private CA (a TLS-inspecting proxy, say) is trusted as well.
fn load_ca_file(path: &std::path::Path) -> Result<ureq::tls::RootCerts> {
    let pem = std::fs::read(path)
        .map_err(|e| Error::invalid("ca_file", format!("cannot read {}: {e}", path.display())))?;
    let mut extra = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => extra.push(cert),
            Ok(_) => {}
            Err(e) => return Err(Error::invalid("ca_file", format!("not a PEM file: {e}"))),
        }
    }
    if extra.is_empty() {
        return Err(Error::invalid("ca_file", "holds no PEM certificate"));
    }
    // A machine without a CA bundle simply contributes no roots.
    let system = rustls_native_certs::load_native_certs().certs;
    let mut certs: Vec<ureq::tls::Certificate<'static>> = system
        .iter()
        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    certs.extend(extra);
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

/// The platform client. Build it once and share it: it is `Send + Sync`,
/// cheap to clone, and reuses connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) agent: ureq::Agent,
    pub(crate) base: String,
    user_secret: Option<Secret>,
    organization_secret: Option<Secret>,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) max_retry_delay: Duration,
    pub(crate) retry_base_delay: Duration,
    pub(crate) response_limit: u64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base)
            .field("user_secret", &self.inner.user_secret)
            .field("organization_secret", &self.inner.organization_secret)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a [`ClientBuilder`] with the defaults (production, 30 s timeout).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The API base URL this client talks to.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// Step 1: asks the platform for the vendor's consent page URL.
    ///
    /// Without a state in the request, a fresh random one is generated; the
    /// returned [`OAuthUrl::state`] is the one to pass to [`crate::parse_callback`].
    pub fn oauth_url(&self, request: &OAuthUrlRequest) -> Result<OAuthUrl> {
        request.validate()?;
        let state = match &request.state {
            Some(s) => s.clone(),
            None => random_token()?,
        };
        let path = format!("/elements/{}/oauth/url", request.element);
        let secrets = self.secrets(&[request.api_secret.expose()]);
        let answer = self.inner.call(crate::http::Call {
            method: "GET",
            path: &path,
            query: Some(&request.query(&state)),
            body: None,
            authorization: None,
            what: "oauth_url",
            secrets: &secrets,
        })?;
        let value = answer.json()?;
        let obj = value.as_object().ok_or_else(|| Error::Decode {
            message: "the oauth/url answer is not a JSON object".into(),
        })?;
        let oauth_url =
            obj.get("oauthUrl")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::Decode {
                    message: "the oauth/url answer has no oauthUrl".into(),
                })?;
        let parsed = url::Url::parse(oauth_url).map_err(|_| Error::Decode {
            message: "the oauth/url answer's oauthUrl is not a URL".into(),
        })?;
        let url_state = parsed
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned());
        let element = obj
            .get("element")
            .and_then(Value::as_str)
            .unwrap_or(&request.element)
            .to_owned();
        Ok(OAuthUrl {
            element,
            oauth_url: oauth_url.to_owned(),
            state: url_state.unwrap_or(state),
        })
    }

    /// Step 3: creates the instance with the code from the callback.
    ///
    /// Never retried once the request may have reached the platform (the code
    /// is single-use). A [`Error::Timeout`] or [`Error::Transport`] with
    /// `may_have_reached_server` means the instance may exist: look for it with
    /// [`Client::list_instances`] before starting over with a fresh code.
    pub fn create_instance(&self, request: &CreateInstanceRequest) -> Result<Instance> {
        request.validate()?;
        let auth = self.platform_authorization()?;
        let mut secrets = request.secrets();
        secrets.extend(self.secrets(&[]));
        let body = request.to_body();
        let answer = self.inner.call(crate::http::Call {
            method: "POST",
            path: "/instances",
            query: None,
            body: Some(&body),
            authorization: Some(auth.expose()),
            what: "create_instance",
            secrets: &secrets,
        })?;
        let value = answer.json()?;
        Instance::from_json(value)
    }

    /// Fetches one instance by id.
    pub fn get_instance(&self, id: i64) -> Result<Instance> {
        instance_id(id)?;
        let auth = self.platform_authorization()?;
        let path = format!("/instances/{id}");
        let answer = self.platform_call("GET", &path, &auth, "get_instance")?;
        Instance::from_json(answer.json()?)
    }

    /// Lists the instances visible to the user and organization.
    pub fn list_instances(&self) -> Result<Vec<Instance>> {
        let auth = self.platform_authorization()?;
        let answer = self.platform_call("GET", "/instances", &auth, "list_instances")?;
        match answer.json()? {
            Value::Array(items) => items.into_iter().map(Instance::from_json).collect(),
            _ => Err(Error::Decode {
                message: "the instance list is not a JSON array".into(),
            }),
        }
    }

    /// Deletes one instance by id.
    pub fn delete_instance(&self, id: i64) -> Result<()> {
        instance_id(id)?;
        let auth = self.platform_authorization()?;
        let path = format!("/instances/{id}");
        self.platform_call("DELETE", &path, &auth, "delete_instance")?;
        Ok(())
    }

    fn platform_call(
        &self,
        method: &'static str,
        path: &str,
        auth: &Secret,
        what: &'static str,
    ) -> Result<crate::http::Answer> {
        self.inner.call(crate::http::Call {
            method,
            path,
            query: None,
            body: None,
            authorization: Some(auth.expose()),
            what,
            secrets: &self.secrets(&[]),
        })
    }

    /// `User <u>, Organization <o>`, or an error naming the missing secret.
    fn platform_authorization(&self) -> Result<Secret> {
        let user = self.inner.user_secret.as_ref().ok_or_else(|| {
            Error::invalid(
                "user_secret",
                "is required for platform calls; set it on the client",
            )
        })?;
        let org = self.inner.organization_secret.as_ref().ok_or_else(|| {
            Error::invalid(
                "organization_secret",
                "is required for platform calls; set it on the client",
            )
        })?;
        Ok(Secret::new(format!(
            "User {}, Organization {}",
            user.expose(),
            org.expose()
        )))
    }

    fn secrets<'a>(&'a self, extra: &[&'a str]) -> Vec<&'a str> {
        let mut out: Vec<&str> = extra.to_vec();
        out.extend(self.inner.user_secret.as_ref().map(Secret::expose));
        out.extend(self.inner.organization_secret.as_ref().map(Secret::expose));
        out
    }
}
