//! The plain JS objects a call takes, read field by field ([`crate::js`]),
//! and the results, whose secrets stay out of `util.inspect` (the package's
//! `index.js` adds the masked inspect/toJSON views).

use crate::js::{self, Bytes, Check, Fields, FromJs, Json, Spread};
use elements_auth::{millis, Binding, Secret};
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use serde_json::Value;

/// Options of `new Client(...)` and `sandbox.client(...)`; all optional.
/// Each maps onto the core's `ClientOptions` field of the same name
/// (durations in milliseconds).
#[napi(object, object_from_js = false, object_to_js = false)]
#[derive(Default)]
pub struct ClientOptions {
    /// API base URL, such as a sandbox's `baseUrl` (exclusive with `environment`).
    pub base_url: Option<String>,
    /// A known deployment: `production` (default), `staging` or `sap-us2`.
    #[napi(ts_type = "'production' | 'staging' | 'sap-us2'")]
    pub environment: Option<String>,
    /// The user secret, required for instance calls.
    pub user_secret: Option<String>,
    /// The organization secret, required for instance calls.
    pub organization_secret: Option<String>,
    /// Time limit of one request in milliseconds (default 30000).
    pub timeout_ms: Option<f64>,
    /// Appended to the `User-Agent` header, after
    /// `elements-auth/<version> (node <Node.js version>)`: name your application here.
    pub user_agent: Option<String>,
    /// A PEM file of extra CA certificates, trusted with the operating system's roots.
    pub ca_file: Option<String>,
    /// An explicit proxy URL (default: `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`).
    pub proxy: Option<String>,
    /// How many times an idempotent call is retried on connection failures,
    /// timeouts and 429/502/503/504 (default 2).
    pub max_retries: Option<u32>,
    /// Cap on one wait between retries in milliseconds (default 10000).
    pub max_retry_delay_ms: Option<f64>,
    /// First backoff delay in milliseconds, doubled on each retry (default 200).
    pub retry_base_delay_ms: Option<f64>,
    /// Cap on a response body's size in bytes (default 10 MiB).
    #[napi(ts_type = "number")]
    pub response_limit: Option<u64>,
    /// Start from `ELEMENTS_BASE_URL`, `ELEMENTS_USER_SECRET` and
    /// `ELEMENTS_ORGANIZATION_SECRET`; explicit options override them.
    pub from_env: Option<bool>,
}

impl ClientOptions {
    /// Reads the `options` argument (absent = no options).
    pub(crate) fn read(value: Option<Unknown<'_>>) -> Check<ClientOptions> {
        match js::given(value, "options")? {
            Some(v) => {
                let f = Fields::argument(v, "options")?;
                Ok(ClientOptions {
                    base_url: f.optional("baseUrl")?,
                    environment: f.optional("environment")?,
                    user_secret: f.optional("userSecret")?,
                    organization_secret: f.optional("organizationSecret")?,
                    timeout_ms: f.optional("timeoutMs")?,
                    user_agent: f.optional("userAgent")?,
                    ca_file: f.optional("caFile")?,
                    proxy: f.optional("proxy")?,
                    max_retries: f.optional("maxRetries")?,
                    max_retry_delay_ms: f.optional("maxRetryDelayMs")?,
                    retry_base_delay_ms: f.optional("retryBaseDelayMs")?,
                    response_limit: f.optional::<Bytes>("responseLimit")?.map(|b| b.0),
                    from_env: f.optional("fromEnv")?,
                })
            }
            None => Ok(ClientOptions::default()),
        }
    }

    /// The core's options, field for field, naming this binding and its
    /// runtime for the `User-Agent`.
    pub(crate) fn into_core(self, binding: Binding) -> Check<elements_auth::ClientOptions> {
        let duration = |field: &str, ms: Option<f64>| ms.map(|v| millis(field, v)).transpose();
        let mut o = elements_auth::ClientOptions::default();
        o.base_url = self.base_url;
        o.environment = self.environment;
        o.user_secret = self.user_secret.map(Secret::new);
        o.organization_secret = self.organization_secret.map(Secret::new);
        o.timeout = duration("timeoutMs", self.timeout_ms)?;
        o.user_agent = self.user_agent;
        o.ca_file = self.ca_file.map(Into::into);
        o.proxy = self.proxy;
        o.max_retries = self.max_retries;
        o.max_retry_delay = duration("maxRetryDelayMs", self.max_retry_delay_ms)?;
        o.retry_base_delay = duration("retryBaseDelayMs", self.retry_base_delay_ms)?;
        o.response_limit = self.response_limit;
        o.from_env = self.from_env;
        o.binding = Some(binding);
        Ok(o)
    }
}

/// What `oauthUrl` needs (step 1).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct OAuthUrlRequest {
    /// Element key or id, such as `concur`.
    pub element: String,
    /// The app's client id at the vendor.
    pub api_key: String,
    /// The app's client secret at the vendor.
    pub api_secret: String,
    /// Where the vendor sends the user back.
    pub callback_url: String,
    /// The vendor site, for elements that need one (Concur's `siteAddress`).
    pub site_address: Option<String>,
    /// The anti-forgery state; omitted = 32 random bytes, base64url.
    pub state: Option<String>,
    /// The OAuth scope to ask for.
    pub scope: Option<String>,
    /// Element-specific extra query parameters as ordered `[name, value]` pairs.
    #[napi(ts_type = "Array<[string, string]>")]
    pub params: Option<Vec<(String, String)>>,
}

/// The fields of an `OAuthUrlRequest`, in the order index.js passes them
/// to `oauthUrl` / `oauthUrlSync` after the request itself.
pub(crate) const OAUTH_URL_REQUEST_FIELDS: [&str; 8] = [
    "element",
    "apiKey",
    "apiSecret",
    "callbackUrl",
    "siteAddress",
    "state",
    "scope",
    "params",
];

/// The fields of a `CreateInstanceRequest`, in the order index.js passes
/// them to `createInstance` / `createInstanceSync` after the request itself.
pub(crate) const CREATE_INSTANCE_REQUEST_FIELDS: [&str; 10] = [
    "element",
    "code",
    "name",
    "apiKey",
    "apiSecret",
    "callbackUrl",
    "tags",
    "filterResponseNulls",
    "events",
    "configuration",
];

impl OAuthUrlRequest {
    /// Reads the `request` argument into the core's request.
    pub(crate) fn read<'env>(
        value: Option<Unknown<'env>>,
        spread: Spread<'env>,
    ) -> Check<elements_auth::OAuthUrlRequest> {
        let [element, api_key, api_secret, callback_url, site_address, state, scope, params] =
            OAUTH_URL_REQUEST_FIELDS;
        let f = Fields::request(js::present(value, "request")?, "request", spread)?;
        let r = OAuthUrlRequest {
            element: f.required(element)?,
            api_key: f.required(api_key)?,
            api_secret: f.required(api_secret)?,
            callback_url: f.required(callback_url)?,
            site_address: f.optional(site_address)?,
            state: f.optional(state)?,
            scope: f.optional(scope)?,
            params: f.optional(params)?,
        };
        let mut req =
            elements_auth::OAuthUrlRequest::new(r.element, r.api_key, r.api_secret, r.callback_url);
        req.site_address = r.site_address;
        req.state = r.state;
        req.scope = r.scope;
        req.params = r.params.unwrap_or_default();
        Ok(req)
    }
}

/// The answer of step 1: where to send the user, and the state to expect back.
#[napi(object)]
pub struct OAuthUrl {
    /// The element key the platform answered for.
    pub element: String,
    /// The vendor's consent page URL; open it in the user's browser.
    pub oauth_url: String,
    /// The state carried in that URL; pass it to `parseCallback`.
    pub state: String,
}

impl From<elements_auth::OAuthUrl> for OAuthUrl {
    fn from(u: elements_auth::OAuthUrl) -> OAuthUrl {
        OAuthUrl {
            element: u.element,
            oauth_url: u.oauth_url,
            state: u.state,
        }
    }
}

/// Event configuration of a new instance.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Events {
    /// `polling` (the platform polls the vendor) or `webhook` (the vendor calls back).
    #[napi(ts_type = "'polling' | 'webhook'")]
    pub vendor_type: String,
    /// Your endpoint that receives the platform's event notifications.
    pub callback_url: String,
    /// Key of the `Elements-Webhook-Signature` HMAC on each notification.
    pub signature_key: Option<String>,
    /// Polling period in minutes (polling only).
    pub refresh_interval: Option<u32>,
    /// Per-resource poller configuration, a plain object (polling only).
    #[napi(ts_type = "Record<string, unknown>")]
    pub poller_configuration: Option<Value>,
}

impl FromJs for Events {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        let f = Fields::nested(value, field)?;
        Ok(Events {
            vendor_type: f.required("vendorType")?,
            callback_url: f.required("callbackUrl")?,
            signature_key: f.optional("signatureKey")?,
            refresh_interval: f.optional("refreshInterval")?,
            poller_configuration: f.optional::<Json>("pollerConfiguration")?.map(|j| j.0),
        })
    }
}

impl Events {
    fn into_core(self) -> Check<elements_auth::Events> {
        let mut events = elements_auth::Events::new(self.vendor_type.parse()?, self.callback_url);
        events.signature_key = self.signature_key.map(Secret::new);
        events.refresh_interval = self.refresh_interval;
        events.poller_configuration = self.poller_configuration;
        Ok(events)
    }
}

/// What `createInstance` needs (step 3).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CreateInstanceRequest {
    /// Element key, such as `concur`.
    pub element: String,
    /// The authorization code from `parseCallback` (`grant.code`).
    pub code: String,
    /// The instance's name.
    pub name: String,
    /// The app's client id at the vendor.
    pub api_key: String,
    /// The app's client secret at the vendor.
    pub api_secret: String,
    /// The callback URL used in step 1.
    pub callback_url: String,
    /// Tags to find the instance by later.
    pub tags: Option<Vec<String>>,
    /// Whether the platform drops nulls from responses (default true).
    pub filter_response_nulls: Option<bool>,
    /// Event configuration; omitted = events disabled.
    pub events: Option<Events>,
    /// Extra element-specific configuration entries, sent in the object's key
    /// order; every value must be a string.
    #[napi(ts_type = "Record<string, string>")]
    pub configuration: Option<Configuration>,
}

/// The `configuration` object of a create request, in its key order (that of
/// `Object.keys`). A value that is not a string is kept as `None`, so that the
/// request is refused without the value ever being copied or shown.
pub struct Configuration(Vec<(String, Option<String>)>);

impl FromJs for Configuration {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        let f = Fields::nested(value, field)?;
        let mut entries = Vec::new();
        for (key, value) in f.entries()? {
            let text = match value {
                Some(v) if js::is_string(&v, &f.name(&key))? => {
                    Some(String::from_js(v, &f.name(&key))?)
                }
                _ => None,
            };
            entries.push((key, text));
        }
        Ok(Configuration(entries))
    }
}

impl CreateInstanceRequest {
    /// Reads the `request` argument into the core's request.
    pub(crate) fn read<'env>(
        value: Option<Unknown<'env>>,
        spread: Spread<'env>,
    ) -> Check<elements_auth::CreateInstanceRequest> {
        let [element, code, name, api_key, api_secret, callback_url, tags, filter_response_nulls, events, configuration] =
            CREATE_INSTANCE_REQUEST_FIELDS;
        let f = Fields::request(js::present(value, "request")?, "request", spread)?;
        let r = CreateInstanceRequest {
            element: f.required(element)?,
            code: f.required(code)?,
            name: f.required(name)?,
            api_key: f.required(api_key)?,
            api_secret: f.required(api_secret)?,
            callback_url: f.required(callback_url)?,
            tags: f.optional(tags)?,
            filter_response_nulls: f.optional(filter_response_nulls)?,
            events: f.optional(events)?,
            configuration: f.optional(configuration)?,
        };
        let mut req = elements_auth::CreateInstanceRequest::new(
            r.element,
            r.code,
            r.name,
            r.api_key,
            r.api_secret,
            r.callback_url,
        );
        req.tags = r.tags.unwrap_or_default();
        req.filter_response_nulls = r.filter_response_nulls;
        req.events = r.events.map(Events::into_core).transpose()?;
        // Entries are named `configuration[i]`, as the core names them.
        let entries = r.configuration.map(|c| c.0).unwrap_or_default();
        for (i, (key, value)) in entries.into_iter().enumerate() {
            let Some(value) = value else {
                return Err(elements_auth::Error::invalid_input(
                    format!("configuration[{i}]"),
                    format!("the value of {key} must be a string"),
                ));
            };
            req.configuration.push((key, value));
        }
        Ok(req)
    }
}

/// The answer of step 2: the single-use authorization code and its state.
/// `util.inspect` and `toJSON` mask the code; read it with `.code`.
#[napi]
pub struct Grant {
    code: String,
    state: String,
}

#[napi]
impl Grant {
    /// The authorization code, for `createInstance`.
    #[napi(getter)]
    pub fn code(&self) -> String {
        self.code.clone()
    }

    /// The state the vendor sent back (equal to the expected one).
    #[napi(getter)]
    pub fn state(&self) -> String {
        self.state.clone()
    }
}

impl From<elements_auth::Grant> for Grant {
    fn from(g: elements_auth::Grant) -> Grant {
        Grant {
            code: g.code.expose().to_owned(),
            state: g.state,
        }
    }
}

/// An element instance. `util.inspect` and `toJSON` mask the token and leave
/// `raw` out; read them with `.token` and `.raw`.
#[napi]
pub struct Instance {
    inner: elements_auth::Instance,
}

#[napi]
impl Instance {
    /// The platform's id of the instance.
    #[napi(getter)]
    pub fn id(&self) -> i64 {
        self.inner.id
    }

    /// The instance's name.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The element token: the credential for every later call on this instance.
    #[napi(getter)]
    pub fn token(&self) -> String {
        self.inner.token.expose().to_owned()
    }

    /// The element's key, such as `concur`.
    #[napi(getter)]
    pub fn element_key(&self) -> String {
        self.inner.element_key.clone()
    }

    /// Tags, as plain strings.
    #[napi(getter)]
    pub fn tags(&self) -> Vec<String> {
        self.inner.tags.clone()
    }

    /// Whether the platform considers the instance's credentials valid.
    #[napi(getter)]
    pub fn valid(&self) -> bool {
        self.inner.valid
    }

    /// Whether the instance is disabled.
    #[napi(getter)]
    pub fn disabled(&self) -> bool {
        self.inner.disabled
    }

    /// The platform's whole JSON answer. It holds the token and may echo
    /// other secrets: keep it out of logs.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn raw(&self) -> Value {
        self.inner.raw()
    }
}

impl From<elements_auth::Instance> for Instance {
    fn from(inner: elements_auth::Instance) -> Instance {
        Instance { inner }
    }
}
