//! Step 3: the instance request, its wire body, and the instance that comes back.

use crate::secret::Secret;
use crate::{validate, Error, Result};
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;

/// How the platform learns about changes at the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventVendorType {
    /// The platform polls the vendor every refresh interval (Concur supports only this).
    Polling,
    /// The vendor calls the platform back.
    Webhook,
}

impl EventVendorType {
    /// The wire name: `polling` or `webhook`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventVendorType::Polling => "polling",
            EventVendorType::Webhook => "webhook",
        }
    }
}

impl FromStr for EventVendorType {
    type Err = Error;
    fn from_str(value: &str) -> Result<Self> {
        match value {
            "polling" => Ok(EventVendorType::Polling),
            "webhook" => Ok(EventVendorType::Webhook),
            other => Err(Error::invalid(
                "events.vendor_type",
                format!("must be \"polling\" or \"webhook\", not {other:?}"),
            )),
        }
    }
}

/// Event configuration of an instance: where the platform sends events, and how it finds them.
#[derive(Clone)]
pub struct Events {
    /// Polling or webhook.
    pub vendor_type: EventVendorType,
    /// Your endpoint that receives the platform's event notifications.
    pub callback_url: String,
    /// Key for the `Elements-Webhook-Signature` HMAC on each notification.
    pub signature_key: Option<Secret>,
    /// Polling period in minutes (polling only).
    pub refresh_interval: Option<u32>,
    /// Per-resource poller configuration, a JSON object (polling only).
    pub poller_configuration: Option<Value>,
}

impl Events {
    /// Polling events sent to `callback_url`.
    pub fn polling(callback_url: impl Into<String>) -> Events {
        Events::new(EventVendorType::Polling, callback_url)
    }

    /// Webhook events sent to `callback_url`.
    pub fn webhook(callback_url: impl Into<String>) -> Events {
        Events::new(EventVendorType::Webhook, callback_url)
    }

    /// Events of the given type sent to `callback_url`.
    pub fn new(vendor_type: EventVendorType, callback_url: impl Into<String>) -> Events {
        Events {
            vendor_type,
            callback_url: callback_url.into(),
            signature_key: None,
            refresh_interval: None,
            poller_configuration: None,
        }
    }

    /// Sets the signature key.
    pub fn signature_key(mut self, key: impl Into<Secret>) -> Self {
        self.signature_key = Some(key.into());
        self
    }

    /// Sets the polling period in minutes.
    pub fn refresh_interval(mut self, minutes: u32) -> Self {
        self.refresh_interval = Some(minutes);
        self
    }

    /// Sets the poller configuration (a JSON object keyed by resource).
    pub fn poller_configuration(mut self, config: Value) -> Self {
        self.poller_configuration = Some(config);
        self
    }

    fn validate(&self) -> Result<()> {
        validate::absolute_http_url("events.callback_url", &self.callback_url)?;
        if let Some(key) = &self.signature_key {
            validate::non_empty("events.signature_key", key.expose())?;
        }
        if self.refresh_interval == Some(0) {
            return Err(Error::invalid(
                "events.refresh_interval",
                "must be at least 1 minute",
            ));
        }
        if let Some(config) = &self.poller_configuration {
            if !config.is_object() {
                return Err(Error::invalid(
                    "events.poller_configuration",
                    "must be a JSON object keyed by resource name",
                ));
            }
        }
        if self.vendor_type == EventVendorType::Webhook {
            if self.refresh_interval.is_some() {
                return Err(Error::invalid(
                    "events.refresh_interval",
                    "applies to polling events only",
                ));
            }
            if self.poller_configuration.is_some() {
                return Err(Error::invalid(
                    "events.poller_configuration",
                    "applies to polling events only",
                ));
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events")
            .field("vendor_type", &self.vendor_type)
            .field("callback_url", &self.callback_url)
            .field("signature_key", &self.signature_key)
            .field("refresh_interval", &self.refresh_interval)
            .field("poller_configuration", &self.poller_configuration)
            .finish()
    }
}

/// Configuration keys that have their own typed argument.
const RESERVED_CONFIGURATION: [&str; 10] = [
    "oauth.api.key",
    "oauth.api.secret",
    "oauth.callback.url",
    "filter.response.nulls",
    "event.notification.enabled",
    "event.vendor.type",
    "event.notification.callback.url",
    "event.notification.signature.key",
    "event.poller.refresh_interval",
    "event.poller.configuration",
];

/// What step 3 needs: the code from the callback and the instance's configuration.
#[derive(Clone)]
pub struct CreateInstanceRequest {
    /// Element key, such as `concur`.
    pub element: String,
    /// The authorization code from [`crate::parse_callback`].
    pub code: Secret,
    /// The instance's name.
    pub name: String,
    /// The app's client id at the vendor (`oauth.api.key`).
    pub api_key: String,
    /// The app's client secret at the vendor (`oauth.api.secret`).
    pub api_secret: Secret,
    /// The callback URL used in step 1 (`oauth.callback.url`).
    pub callback_url: String,
    /// Tags to find the instance by later.
    pub tags: Vec<String>,
    /// Whether the platform drops nulls from responses (`filter.response.nulls`, default true).
    pub filter_response_nulls: Option<bool>,
    /// Event configuration; `None` leaves events disabled.
    pub events: Option<Events>,
    /// Extra element-specific configuration entries, sent as strings.
    pub configuration: Vec<(String, String)>,
}

impl CreateInstanceRequest {
    /// A request with the required values and nothing else.
    pub fn new(
        element: impl Into<String>,
        code: impl Into<Secret>,
        name: impl Into<String>,
        api_key: impl Into<String>,
        api_secret: impl Into<Secret>,
        callback_url: impl Into<String>,
    ) -> CreateInstanceRequest {
        CreateInstanceRequest {
            element: element.into(),
            code: code.into(),
            name: name.into(),
            api_key: api_key.into(),
            api_secret: api_secret.into(),
            callback_url: callback_url.into(),
            tags: Vec::new(),
            filter_response_nulls: None,
            events: None,
            configuration: Vec::new(),
        }
    }

    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Sets `filter.response.nulls`.
    pub fn filter_response_nulls(mut self, value: bool) -> Self {
        self.filter_response_nulls = Some(value);
        self
    }

    /// Sets the event configuration.
    pub fn events(mut self, events: Events) -> Self {
        self.events = Some(events);
        self
    }

    /// Adds an extra configuration entry.
    pub fn configuration(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.configuration.push((key.into(), value.into()));
        self
    }

    /// Checks every field, as `create_instance` does before sending; lets a
    /// caller reject bad settings early (before sending a user to consent).
    pub fn validate(&self) -> Result<()> {
        validate::element_key("element", &self.element)?;
        validate::non_empty("code", self.code.expose())?;
        validate::non_empty("name", &self.name)?;
        validate::non_empty("api_key", &self.api_key)?;
        validate::non_empty("api_secret", self.api_secret.expose())?;
        validate::absolute_http_url("callback_url", &self.callback_url)?;
        for (i, tag) in self.tags.iter().enumerate() {
            validate::non_empty(&format!("tags[{i}]"), tag)?;
        }
        if let Some(events) = &self.events {
            events.validate()?;
        }
        for (i, (key, _)) in self.configuration.iter().enumerate() {
            let field = format!("configuration[{i}]");
            if key.trim().is_empty() {
                return Err(Error::invalid(field, "key must not be empty"));
            }
            if RESERVED_CONFIGURATION.contains(&key.as_str()) {
                let hint = match (key.starts_with("event."), &self.events) {
                    (true, None) => {
                        "it configures events and this request has none: set events instead"
                    }
                    (true, Some(_)) => "set it through events",
                    (false, _) => "it has its own argument",
                };
                return Err(Error::invalid(field, format!("{key} is reserved: {hint}")));
            }
            if self.configuration[..i].iter().any(|(k, _)| k == key) {
                return Err(Error::invalid(field, format!("{key} is given twice")));
            }
        }
        Ok(())
    }

    /// The JSON body of `POST /instances`; every configuration value is a string.
    pub fn to_body(&self) -> Value {
        let mut config = Map::new();
        let mut put = |k: &str, v: String| {
            config.insert(k.to_owned(), Value::String(v));
        };
        put("oauth.api.key", self.api_key.clone());
        put("oauth.api.secret", self.api_secret.expose().to_owned());
        put("oauth.callback.url", self.callback_url.clone());
        put(
            "filter.response.nulls",
            self.filter_response_nulls.unwrap_or(true).to_string(),
        );
        match &self.events {
            None => put("event.notification.enabled", "false".into()),
            Some(events) => {
                put("event.notification.enabled", "true".into());
                put("event.vendor.type", events.vendor_type.as_str().into());
                put(
                    "event.notification.callback.url",
                    events.callback_url.clone(),
                );
                if let Some(key) = &events.signature_key {
                    put("event.notification.signature.key", key.expose().to_owned());
                }
                if let Some(minutes) = events.refresh_interval {
                    put("event.poller.refresh_interval", minutes.to_string());
                }
                if let Some(poller) = &events.poller_configuration {
                    put("event.poller.configuration", poller.to_string());
                }
            }
        }
        for (key, value) in &self.configuration {
            put(key, value.clone());
        }
        let mut body = Map::new();
        body.insert("element".into(), serde_json::json!({ "key": self.element }));
        body.insert(
            "providerData".into(),
            serde_json::json!({ "code": self.code.expose() }),
        );
        body.insert("configuration".into(), Value::Object(config));
        body.insert(
            "tags".into(),
            Value::Array(self.tags.iter().cloned().map(Value::String).collect()),
        );
        body.insert("name".into(), Value::String(self.name.clone()));
        Value::Object(body)
    }

    /// Every secret this request carries, for scrubbing error texts.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        let mut out = vec![self.code.expose(), self.api_secret.expose()];
        if let Some(key) = self.events.as_ref().and_then(|e| e.signature_key.as_ref()) {
            out.push(key.expose());
        }
        out
    }
}

impl fmt::Debug for CreateInstanceRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateInstanceRequest")
            .field("element", &self.element)
            .field("code", &self.code)
            .field("name", &self.name)
            .field("api_key", &self.api_key)
            .field("api_secret", &self.api_secret)
            .field("callback_url", &self.callback_url)
            .field("tags", &self.tags)
            .field("filter_response_nulls", &self.filter_response_nulls)
            .field("events", &self.events)
            .field("configuration", &self.configuration)
            .finish()
    }
}

/// An element instance as the platform describes it.
#[derive(Clone, PartialEq)]
pub struct Instance {
    /// The platform's id of the instance.
    pub id: i64,
    /// The instance's name.
    pub name: String,
    /// The element token: the credential for every later call on this instance.
    pub token: Secret,
    /// The element's key, such as `concur`.
    pub element_key: String,
    /// Tags, as plain strings whatever form the platform used.
    pub tags: Vec<String>,
    /// Whether the platform considers the instance's credentials valid.
    pub valid: bool,
    /// Whether the instance is disabled.
    pub disabled: bool,
    /// The platform's whole JSON answer, for fields this type does not model.
    pub raw: Value,
}

impl fmt::Debug for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instance")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("token", &self.token)
            .field("element_key", &self.element_key)
            .field("tags", &self.tags)
            .field("valid", &self.valid)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl Instance {
    /// Decodes the platform's instance JSON (tags as objects or as strings).
    pub fn from_json(raw: Value) -> Result<Instance> {
        let obj = raw
            .as_object()
            .ok_or_else(|| decode("an instance must be a JSON object"))?;
        let id = match obj.get("id") {
            Some(Value::Number(n)) => n
                .as_i64()
                .ok_or_else(|| decode("instance id is not an integer"))?,
            Some(Value::String(s)) => s
                .parse()
                .map_err(|_| decode("instance id is not an integer"))?,
            _ => return Err(decode("instance has no id")),
        };
        let text = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_owned);
        let name = text("name").unwrap_or_default();
        let token = text("token")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| decode("instance has no token"))?;
        let element_key = match obj.get("element") {
            Some(Value::Object(e)) => e
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        let tags = match obj.get("tags") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|t| match t {
                    Value::String(s) => Ok(s.clone()),
                    Value::Object(o) => o
                        .get("name")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .ok_or_else(|| decode("a tag object has no name")),
                    _ => Err(decode("a tag is neither a string nor an object")),
                })
                .collect::<Result<_>>()?,
            Some(_) => return Err(decode("tags is not an array")),
        };
        let flag =
            |key: &str, default: bool| obj.get(key).and_then(Value::as_bool).unwrap_or(default);
        Ok(Instance {
            id,
            name,
            token: Secret::new(token),
            element_key,
            tags,
            valid: flag("valid", true),
            disabled: flag("disabled", false),
            raw,
        })
    }
}

fn decode(message: &str) -> Error {
    Error::Decode {
        message: message.to_owned(),
    }
}
