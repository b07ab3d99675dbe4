//! Plain JS objects in and out, and the result classes whose secrets stay out
//! of `util.inspect` (the package's `index.js` adds the masked inspect/toJSON).

use crate::error::invalid;
use napi::bindgen_prelude::{
    FromNapiValue, Object, ToNapiValue, TypeName, Unknown, ValidateNapiValue, ValueType,
};
use napi_derive::napi;
use serde_json::Value;

/// Options of `new Client(...)`; all optional.
#[napi(object)]
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
    /// Appended to the `User-Agent` header, after `node/<version>`.
    pub user_agent: Option<String>,
    /// A PEM file of extra CA certificates, trusted with the operating system's roots.
    pub ca_file: Option<String>,
    /// An explicit proxy URL (default: `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`).
    pub proxy: Option<String>,
    /// How many times a GET is retried on connection failures and 429/502/503/504 (default 2).
    pub max_retries: Option<u32>,
    /// Cap on one wait between retries in milliseconds (default 10000).
    pub max_retry_delay_ms: Option<f64>,
    /// First backoff delay in milliseconds, doubled on each retry (default 200).
    pub retry_base_delay_ms: Option<f64>,
    /// Cap on a response body's size in bytes (default 10 MiB).
    pub response_limit: Option<f64>,
    /// Start from `ELEMENTS_BASE_URL`, `ELEMENTS_USER_SECRET` and
    /// `ELEMENTS_ORGANIZATION_SECRET`; explicit options override them.
    pub from_env: Option<bool>,
}

/// Milliseconds from JS as a Duration, rejecting negative or non-finite values.
pub(crate) fn millis(field: &str, value: f64) -> napi::Result<std::time::Duration> {
    if !value.is_finite() || value < 0.0 {
        return Err(invalid(
            field,
            "must be a finite number of milliseconds, >= 0",
        ));
    }
    Ok(std::time::Duration::from_micros(
        (value * 1000.0).round() as u64
    ))
}

/// What `oauthUrl` needs (step 1).
#[napi(object)]
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
    pub params: Option<Vec<Vec<String>>>,
}

impl OAuthUrlRequest {
    pub(crate) fn into_core(self) -> napi::Result<elements_auth::OAuthUrlRequest> {
        let mut req = elements_auth::OAuthUrlRequest::new(
            self.element,
            self.api_key,
            self.api_secret,
            self.callback_url,
        );
        req.site_address = self.site_address;
        req.state = self.state;
        req.scope = self.scope;
        for (i, pair) in self.params.unwrap_or_default().into_iter().enumerate() {
            match <[String; 2]>::try_from(pair) {
                Ok([name, value]) => req.params.push((name, value)),
                Err(_) => {
                    return Err(invalid(
                        &format!("params[{i}]"),
                        "must be a [name, value] pair of strings",
                    ))
                }
            }
        }
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
#[napi(object)]
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

/// What `createInstance` needs (step 3).
#[napi(object)]
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
/// `Object.keys`). A value that is not a string is kept as `None` so that the
/// request is refused without the value ever being copied or shown.
pub struct Configuration(Vec<(String, Option<String>)>);

impl TypeName for Configuration {
    fn type_name() -> &'static str {
        "Configuration"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for Configuration {}

impl FromNapiValue for Configuration {
    unsafe fn from_napi_value(
        env: napi::sys::napi_env,
        napi_val: napi::sys::napi_value,
    ) -> napi::Result<Self> {
        // SAFETY: `env` and `napi_val` come straight from napi for this call.
        let obj = unsafe { Object::from_napi_value(env, napi_val)? };
        let mut entries = Vec::new();
        for key in Object::keys(&obj)? {
            let value = match obj.get::<Unknown>(&key)? {
                // SAFETY: the value was just checked to be a JS string.
                Some(v) if v.get_type()? == ValueType::String => {
                    Some(unsafe { v.cast::<String>()? })
                }
                _ => None,
            };
            entries.push((key, value));
        }
        Ok(Configuration(entries))
    }
}

impl ToNapiValue for Configuration {
    unsafe fn to_napi_value(
        env: napi::sys::napi_env,
        val: Self,
    ) -> napi::Result<napi::sys::napi_value> {
        let mut obj = Object::new(&napi::Env::from(env))?;
        for (key, value) in val.0 {
            if let Some(value) = value {
                obj.set(key, value)?;
            }
        }
        // SAFETY: `env` comes straight from napi for this call.
        unsafe { Object::to_napi_value(env, obj) }
    }
}

impl CreateInstanceRequest {
    pub(crate) fn into_core(self) -> napi::Result<elements_auth::CreateInstanceRequest> {
        let mut req = elements_auth::CreateInstanceRequest::new(
            self.element,
            self.code,
            self.name,
            self.api_key,
            self.api_secret,
            self.callback_url,
        );
        req.tags = self.tags.unwrap_or_default();
        req.filter_response_nulls = self.filter_response_nulls;
        if let Some(e) = self.events {
            let vendor_type = e.vendor_type.parse().map_err(|_| {
                invalid(
                    "events.vendorType",
                    &format!(
                        "must be \"polling\" or \"webhook\", not {:?}",
                        e.vendor_type
                    ),
                )
            })?;
            let mut events = elements_auth::Events::new(vendor_type, e.callback_url);
            events.signature_key = e.signature_key.map(Into::into);
            events.refresh_interval = e.refresh_interval;
            events.poller_configuration = e.poller_configuration;
            req.events = Some(events);
        }
        // Entries are named `configuration[i]`, as the core names them.
        let entries = self.configuration.map(|c| c.0).unwrap_or_default();
        for (i, (key, value)) in entries.into_iter().enumerate() {
            let Some(value) = value else {
                return Err(invalid(
                    &format!("configuration[{i}]"),
                    &format!("the value of {key} must be a string"),
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

/// An element instance. `util.inspect` and `toJSON` mask the token; read it
/// with `.token`.
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

    /// The platform's whole JSON answer (it holds the token too).
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn raw(&self) -> Value {
        self.inner.raw.clone()
    }
}

impl From<elements_auth::Instance> for Instance {
    fn from(inner: elements_auth::Instance) -> Instance {
        Instance { inner }
    }
}
