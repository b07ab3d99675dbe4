//! Every option of a [`Client`], written once: the schema every binding maps
//! onto field for field, the environment merge, and the User-Agent.

use crate::client::Client;
use crate::secret::Secret;
use crate::{Error, Result};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
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
    /// Every environment, in a fixed order.
    pub const ALL: [Environment; 3] = [
        Environment::Production,
        Environment::Staging,
        Environment::SapUs2,
    ];

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
        Environment::ALL
            .into_iter()
            .find(|e| e.as_str() == value)
            .ok_or_else(|| {
                Error::invalid(
                    "environment",
                    format!("must be production, staging or sap-us2, not {value:?}"),
                )
            })
    }
}

impl From<Environment> for String {
    fn from(e: Environment) -> String {
        e.as_str().to_owned()
    }
}

/// Default time limit of one request, answer included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default number of retries of a `GET` after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default cap on a wait between retries, `Retry-After` included.
pub const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(10);
/// Default first wait between retries.
pub const DEFAULT_RETRY_BASE_DELAY: Duration = Duration::from_millis(200);
/// Default cap on the size of a response body.
pub const DEFAULT_RESPONSE_LIMIT: u64 = 10 * 1024 * 1024;

/// Longest accepted request timeout: anything longer is a mistake of units.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 3600);
/// Longest accepted wait between retries.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(3600);
/// Most retries accepted after the first attempt.
pub const MAX_RETRIES: u32 = 100;

/// What kind of value an option holds, which decides how a language spells
/// and converts it (a duration is `timeout` in seconds in Python,
/// `timeoutMs` in Node, `timeout_ms` in C).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OptionKind {
    /// Plain text.
    Text,
    /// A secret, never shown.
    Secret,
    /// A length of time.
    Duration,
    /// A whole number of times.
    Count,
    /// A number of bytes.
    Bytes,
    /// A file path.
    Path,
    /// Read the `ELEMENTS_*` environment variables first.
    Flag,
}

/// One client option: its shared snake_case name, its kind, and the
/// environment variable it is read from, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// The name in Rust, Python and C (Node camelCases it).
    pub name: &'static str,
    /// What it holds.
    pub kind: OptionKind,
    /// The environment variable [`ClientOptions::from_env`] reads.
    pub env: Option<&'static str>,
}

const fn spec(name: &'static str, kind: OptionKind, env: Option<&'static str>) -> OptionSpec {
    OptionSpec { name, kind, env }
}

/// Every client option, in the order of [`ClientOptions`]' fields.
pub const CLIENT_OPTIONS: [OptionSpec; 13] = [
    spec("base_url", OptionKind::Text, Some("ELEMENTS_BASE_URL")),
    spec("environment", OptionKind::Text, None),
    spec(
        "user_secret",
        OptionKind::Secret,
        Some("ELEMENTS_USER_SECRET"),
    ),
    spec(
        "organization_secret",
        OptionKind::Secret,
        Some("ELEMENTS_ORGANIZATION_SECRET"),
    ),
    spec("timeout", OptionKind::Duration, None),
    spec("user_agent", OptionKind::Text, None),
    spec("ca_file", OptionKind::Path, None),
    spec("proxy", OptionKind::Text, None),
    spec("max_retries", OptionKind::Count, None),
    spec("max_retry_delay", OptionKind::Duration, None),
    spec("retry_base_delay", OptionKind::Duration, None),
    spec("response_limit", OptionKind::Bytes, None),
    spec("from_env", OptionKind::Flag, None),
];

/// The spec of the option named `name`, if it is one.
pub fn option_spec(name: &str) -> Option<&'static OptionSpec> {
    CLIENT_OPTIONS.iter().find(|s| s.name == name)
}

/// A length of time given in (fractional) seconds, checked: finite and not
/// negative. For bindings whose language counts time in seconds.
pub fn seconds(field: &str, value: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| Error::invalid(field, "must be a finite, non-negative number of seconds"))
}

/// A length of time given in (fractional) milliseconds, checked: finite and
/// not negative. For bindings whose language counts time in milliseconds.
pub fn millis(field: &str, value: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(value / 1000.0)
        .map_err(|_| Error::invalid(field, "must be a finite number of milliseconds, >= 0"))
}

/// Which language binding a client is used from, for the `User-Agent`:
/// `elements-auth/<version> (<name> <runtime version>) <suffix>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// `rust`, `python`, `node`, `c` or `cli`.
    pub name: String,
    /// The runtime's version (`3.12.1` for CPython), when it has one.
    pub runtime_version: Option<String>,
}

impl Binding {
    /// A binding with its runtime's version.
    pub fn new(name: impl Into<String>, runtime_version: Option<String>) -> Binding {
        Binding {
            name: name.into(),
            runtime_version,
        }
    }

    /// The Rust core used directly, with the compiler's version.
    pub fn rust() -> Binding {
        Binding::new("rust", Some(env!("ELEMENTS_AUTH_RUSTC_VERSION").to_owned()))
    }
}

/// Every option of a [`Client`], each `None` until set (a default then
/// applies). Bindings fill it field by field; [`ClientOptions::from_env`]
/// and [`ClientOptions::merge`] combine it with the environment.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ClientOptions {
    /// A custom API base URL, such as the sandbox's (exclusive with `environment`).
    pub base_url: Option<String>,
    /// A known deployment by name: `production` (the default), `staging`, `sap-us2`.
    pub environment: Option<String>,
    /// The user secret, for platform calls such as `POST /instances`.
    pub user_secret: Option<Secret>,
    /// The organization secret, for platform calls such as `POST /instances`.
    pub organization_secret: Option<Secret>,
    /// Time limit of one request attempt, answer included (default 30 s).
    pub timeout: Option<Duration>,
    /// Appended to the `User-Agent` header: name your application here.
    pub user_agent: Option<String>,
    /// A PEM file of extra CA certificates, trusted with the operating system's roots.
    pub ca_file: Option<PathBuf>,
    /// An explicit proxy URL; by default `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` apply.
    pub proxy: Option<String>,
    /// How many times a failed idempotent call is retried (default 2).
    pub max_retries: Option<u32>,
    /// Cap on one wait between retries, `Retry-After` included (default 10 s).
    pub max_retry_delay: Option<Duration>,
    /// First wait between retries, doubled each time, with jitter (default 200 ms).
    pub retry_base_delay: Option<Duration>,
    /// Cap on a response body's size in bytes (default 10 MiB).
    pub response_limit: Option<u64>,
    /// Start from [`ClientOptions::from_env`]; the other fields override it.
    pub from_env: Option<bool>,
    /// The language binding, named in the `User-Agent` (default: Rust).
    pub binding: Option<Binding>,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("base_url", &self.base_url)
            .field("environment", &self.environment)
            .field("user_secret", &self.user_secret)
            .field("organization_secret", &self.organization_secret)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("ca_file", &self.ca_file)
            .field("proxy", &self.proxy.as_ref().map(|_| "<given>"))
            .field("max_retries", &self.max_retries)
            .field("max_retry_delay", &self.max_retry_delay)
            .field("retry_base_delay", &self.retry_base_delay)
            .field("response_limit", &self.response_limit)
            .field("from_env", &self.from_env)
            .field("binding", &self.binding)
            .finish()
    }
}

impl ClientOptions {
    /// The options the `ELEMENTS_*` variables of [`CLIENT_OPTIONS`] give
    /// (`ELEMENTS_BASE_URL`, `ELEMENTS_USER_SECRET`,
    /// `ELEMENTS_ORGANIZATION_SECRET`), each only when set and non-empty.
    pub fn from_env() -> ClientOptions {
        let get = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let mut options = ClientOptions::default();
        for spec in &CLIENT_OPTIONS {
            let Some(value) = spec.env.and_then(get) else {
                continue;
            };
            match spec.name {
                "base_url" => options.base_url = Some(value),
                "user_secret" => options.user_secret = Some(Secret::new(value)),
                "organization_secret" => options.organization_secret = Some(Secret::new(value)),
                _ => {}
            }
        }
        options
    }

    /// `self` with every option that `over` sets replaced by `over`'s.
    /// The base URL and the environment are one choice: when `over` names
    /// either, `self`'s pair is dropped (an explicit `environment` wins over
    /// `ELEMENTS_BASE_URL`).
    pub fn merge(self, over: ClientOptions) -> ClientOptions {
        let (base_url, environment) = if over.base_url.is_some() || over.environment.is_some() {
            (over.base_url, over.environment)
        } else {
            (self.base_url, self.environment)
        };
        ClientOptions {
            base_url,
            environment,
            user_secret: over.user_secret.or(self.user_secret),
            organization_secret: over.organization_secret.or(self.organization_secret),
            timeout: over.timeout.or(self.timeout),
            user_agent: over.user_agent.or(self.user_agent),
            ca_file: over.ca_file.or(self.ca_file),
            proxy: over.proxy.or(self.proxy),
            max_retries: over.max_retries.or(self.max_retries),
            max_retry_delay: over.max_retry_delay.or(self.max_retry_delay),
            retry_base_delay: over.retry_base_delay.or(self.retry_base_delay),
            response_limit: over.response_limit.or(self.response_limit),
            from_env: over.from_env.or(self.from_env),
            binding: over.binding.or(self.binding),
        }
    }

    /// Checks every option and builds the client (reading the environment
    /// first when `from_env` is set).
    pub fn build(self) -> Result<Client> {
        let options = if self.from_env == Some(true) {
            ClientOptions::from_env().merge(self)
        } else {
            self
        };
        Client::from_options(options.validated()?)
    }

    /// The checked options with every default applied.
    pub(crate) fn validated(self) -> Result<Settings> {
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
        let base_url = crate::validate::base_url(&base)?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(Error::invalid("timeout", "must be greater than zero"));
        }
        if timeout > MAX_TIMEOUT {
            return Err(Error::invalid("timeout", "must be at most 24 hours"));
        }
        let max_retries = self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES);
        if max_retries > MAX_RETRIES {
            return Err(Error::invalid(
                "max_retries",
                format!("must be at most {MAX_RETRIES}"),
            ));
        }
        let max_retry_delay = self.max_retry_delay.unwrap_or(DEFAULT_MAX_RETRY_DELAY);
        let retry_base_delay = self.retry_base_delay.unwrap_or(DEFAULT_RETRY_BASE_DELAY);
        for (field, delay) in [
            ("max_retry_delay", max_retry_delay),
            ("retry_base_delay", retry_base_delay),
        ] {
            if delay > MAX_RETRY_DELAY {
                return Err(Error::invalid(field, "must be at most 1 hour"));
            }
        }
        let response_limit = self.response_limit.unwrap_or(DEFAULT_RESPONSE_LIMIT);
        if response_limit == 0 {
            return Err(Error::invalid("response_limit", "must be at least 1 byte"));
        }
        for (field, secret) in [
            ("user_secret", &self.user_secret),
            ("organization_secret", &self.organization_secret),
        ] {
            if let Some(s) = secret {
                crate::validate::header_secret(field, s.expose())?;
            }
        }
        let user_agent = user_agent(self.binding.as_ref(), self.user_agent.as_deref())?;
        Ok(Settings {
            base: base_url,
            user_secret: self.user_secret,
            organization_secret: self.organization_secret,
            timeout,
            user_agent,
            ca_file: self.ca_file,
            proxy: self.proxy,
            max_retries,
            max_retry_delay,
            retry_base_delay,
            response_limit,
        })
    }
}

/// Checked options with defaults applied: what a [`Client`] is made of.
pub(crate) struct Settings {
    pub base: url::Url,
    pub user_secret: Option<Secret>,
    pub organization_secret: Option<Secret>,
    pub timeout: Duration,
    pub user_agent: String,
    pub ca_file: Option<PathBuf>,
    pub proxy: Option<String>,
    pub max_retries: u32,
    pub max_retry_delay: Duration,
    pub retry_base_delay: Duration,
    pub response_limit: u64,
}

/// `elements-auth/<version> (<binding> <runtime version>) <suffix>`.
fn user_agent(binding: Option<&Binding>, suffix: Option<&str>) -> Result<String> {
    let rust = Binding::rust();
    let binding = binding.unwrap_or(&rust);
    let mut agent = format!("elements-auth/{} ({}", crate::VERSION, binding.name);
    if let Some(v) = binding.runtime_version.as_deref().filter(|v| !v.is_empty()) {
        agent.push(' ');
        agent.push_str(v);
    }
    agent.push(')');
    if let Some(suffix) = suffix.filter(|s| !s.is_empty()) {
        agent.push(' ');
        agent.push_str(suffix);
    }
    if let Some(c) = agent.chars().find(|c| !(' '..='~').contains(c)) {
        let field = if suffix.is_some_and(|s| s.contains(c)) {
            "user_agent"
        } else {
            "binding"
        };
        return Err(Error::invalid(
            field,
            format!("must be printable ASCII (found {c:?})"),
        ));
    }
    Ok(agent)
}

/// Options of a [`Client`]; start from [`Client::builder`]. A fluent way to
/// fill [`ClientOptions`].
#[derive(Clone, Debug, Default)]
pub struct ClientBuilder {
    options: ClientOptions,
}

impl ClientBuilder {
    /// Options read from the `ELEMENTS_*` variables (see [`ClientOptions::from_env`]).
    pub fn from_env() -> ClientBuilder {
        ClientBuilder {
            options: ClientOptions::from_env(),
        }
    }

    /// Starts from `options`.
    pub fn from_options(options: ClientOptions) -> ClientBuilder {
        ClientBuilder { options }
    }

    /// The options set so far.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// A custom API base URL, such as the sandbox's (`.../elements/api-v2`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.options.base_url = Some(url.into());
        self
    }

    /// A known deployment: an [`Environment`], or its name (`production`,
    /// `staging`, `sap-us2`), checked by `build`.
    pub fn environment(mut self, environment: impl Into<String>) -> Self {
        self.options.environment = Some(environment.into());
        self
    }

    /// The user secret, for platform calls such as `POST /instances`.
    pub fn user_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.options.user_secret = Some(secret.into());
        self
    }

    /// The organization secret, for platform calls such as `POST /instances`.
    pub fn organization_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.options.organization_secret = Some(secret.into());
        self
    }

    /// Time limit of one request attempt, answer included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Appended to the `User-Agent` header: name your application here.
    pub fn user_agent(mut self, suffix: impl Into<String>) -> Self {
        self.options.user_agent = Some(suffix.into());
        self
    }

    /// A PEM file of extra CA certificates to trust, with the operating
    /// system's roots (for a private CA or a TLS-inspecting proxy, say).
    /// Without it, Mozilla's root list built into the library is used.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.ca_file = Some(path.into());
        self
    }

    /// An explicit proxy URL; by default `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`
    /// apply, and loopback hosts are always reached directly.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.options.proxy = Some(url.into());
        self
    }

    /// How many times a failed idempotent call is retried after a connection
    /// failure or a 429/502/503/504 answer (default 2). `POST /instances`
    /// never is once it may have reached the platform.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.options.max_retries = Some(retries);
        self
    }

    /// Cap on one wait between retries, `Retry-After` included (default 10 s).
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.options.max_retry_delay = Some(delay);
        self
    }

    /// First backoff delay; it doubles with each retry, with jitter (default 200 ms).
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.options.retry_base_delay = Some(delay);
        self
    }

    /// Cap on a response body's size (default 10 MiB).
    pub fn response_limit(mut self, bytes: u64) -> Self {
        self.options.response_limit = Some(bytes);
        self
    }

    /// The language binding named in the `User-Agent`.
    pub fn binding(mut self, binding: Binding) -> Self {
        self.options.binding = Some(binding);
        self
    }

    /// Checks the options and builds the client.
    pub fn build(self) -> Result<Client> {
        self.options.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_lists_every_field_of_the_options() {
        // The Debug output walks every field; the spec must name each one
        // (but `binding`, which is not a user option).
        let debug = format!("{:?}", ClientOptions::default());
        for spec in &CLIENT_OPTIONS {
            assert!(debug.contains(&format!("{}:", spec.name)), "{}", spec.name);
        }
        assert_eq!(debug.matches(": ").count(), CLIENT_OPTIONS.len() + 1);
    }

    #[test]
    fn an_explicit_environment_replaces_a_base_url_from_the_environment() {
        let env = ClientOptions {
            base_url: Some("https://example.com/elements/api-v2".into()),
            user_secret: Some(Secret::new("u")),
            ..ClientOptions::default()
        };
        let over = ClientOptions {
            environment: Some("staging".into()),
            ..ClientOptions::default()
        };
        let merged = env.merge(over);
        assert_eq!(merged.base_url, None);
        assert_eq!(merged.environment.as_deref(), Some("staging"));
        assert_eq!(merged.user_secret, Some(Secret::new("u")));
    }

    #[test]
    fn the_user_agent_names_the_binding_and_runtime() {
        let b = Binding::new("python", Some("3.12.1".into()));
        assert_eq!(
            user_agent(Some(&b), Some("app/1")).unwrap(),
            format!("elements-auth/{} (python 3.12.1) app/1", crate::VERSION)
        );
        assert_eq!(
            user_agent(Some(&Binding::new("c", None)), None).unwrap(),
            format!("elements-auth/{} (c)", crate::VERSION)
        );
        assert_eq!(
            user_agent(None, Some("bad\nagent")).unwrap_err().field(),
            Some("user_agent")
        );
    }
}
