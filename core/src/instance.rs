//! Step 3: the instance request, its wire body, and the instance that comes back.

use crate::secret::Secret;
use crate::text::push_json_str;
use crate::wire::{IdWire, InstanceWire, TagsWire};
use crate::{validate, Error, Operation, Result};
use serde_json::Value;
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

/// Event configuration of an instance: where the platform sends events, and
/// how it finds them. `Debug` masks the signature key.
#[derive(Clone, Debug)]
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
        validate::http_url("events.callback_url", &self.callback_url)?;
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

/// What step 3 needs: the code from the callback and the instance's
/// configuration. `Debug` masks the code and the secrets.
#[derive(Clone, Debug)]
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
        validate::http_url("callback_url", &self.callback_url)?;
        if let Some(i) = self.tags.iter().position(|tag| tag.trim().is_empty()) {
            validate::non_empty(&format!("tags[{i}]"), &self.tags[i])?;
        }
        if let Some(events) = &self.events {
            events.validate()?;
        }
        for (i, (key, _)) in self.configuration.iter().enumerate() {
            let field = || format!("configuration[{i}]");
            if key.trim().is_empty() {
                return Err(Error::invalid(field(), "key must not be empty"));
            }
            if RESERVED_CONFIGURATION.contains(&key.as_str()) {
                let hint = match (key.starts_with("event."), &self.events) {
                    (true, None) => {
                        "it configures events and this request has none: set events instead"
                    }
                    (true, Some(_)) => "set it through events",
                    (false, _) => "it has its own argument",
                };
                return Err(Error::invalid(
                    field(),
                    format!("{key} is reserved: {hint}"),
                ));
            }
            if self.configuration[..i].iter().any(|(k, _)| k == key) {
                return Err(Error::invalid(field(), format!("{key} is given twice")));
            }
        }
        Ok(())
    }

    /// The JSON body of `POST /instances`; every configuration value is a string.
    pub fn to_body(&self) -> Value {
        serde_json::from_slice(&self.body_bytes()).unwrap_or(Value::Null)
    }

    /// The body as sent: JSON bytes, written straight out (the keys of the
    /// platform's schema as literals, every value escaped as serde_json
    /// would) since it is built on every call.
    pub(crate) fn body_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        out.extend_from_slice(br#"{"element":{"key":"#);
        push_json_str(&mut out, &self.element);
        out.extend_from_slice(br#"},"providerData":{"code":"#);
        push_json_str(&mut out, self.code.expose());
        out.extend_from_slice(br#"},"configuration":{"#);
        // `key` is one of the platform's own keys, which need no escape.
        let entry = |out: &mut Vec<u8>, key: &str, value: &str| {
            if out.last() != Some(&b'{') {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b"\":");
            push_json_str(out, value);
        };
        entry(&mut out, "oauth.api.key", &self.api_key);
        entry(&mut out, "oauth.api.secret", self.api_secret.expose());
        entry(&mut out, "oauth.callback.url", &self.callback_url);
        let nulls = if self.filter_response_nulls.unwrap_or(true) {
            "true"
        } else {
            "false"
        };
        entry(&mut out, "filter.response.nulls", nulls);
        match &self.events {
            None => entry(&mut out, "event.notification.enabled", "false"),
            Some(events) => {
                entry(&mut out, "event.notification.enabled", "true");
                entry(&mut out, "event.vendor.type", events.vendor_type.as_str());
                entry(
                    &mut out,
                    "event.notification.callback.url",
                    &events.callback_url,
                );
                if let Some(key) = &events.signature_key {
                    entry(&mut out, "event.notification.signature.key", key.expose());
                }
                if let Some(minutes) = events.refresh_interval {
                    entry(
                        &mut out,
                        "event.poller.refresh_interval",
                        &minutes.to_string(),
                    );
                }
                if let Some(poller) = &events.poller_configuration {
                    entry(&mut out, "event.poller.configuration", &poller.to_string());
                }
            }
        }
        for (key, value) in &self.configuration {
            out.push(b',');
            push_json_str(&mut out, key);
            out.push(b':');
            push_json_str(&mut out, value);
        }
        out.extend_from_slice(br#"},"tags":["#);
        for (i, tag) in self.tags.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_json_str(&mut out, tag);
        }
        out.extend_from_slice(br#"],"name":"#);
        push_json_str(&mut out, &self.name);
        out.push(b'}');
        out
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
    /// The platform's whole JSON answer, as it sent it, for fields this type
    /// does not model ([`Instance::raw`] parses it). It holds the token too.
    pub raw_json: String,
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
    /// Decodes the platform's instance JSON (tags as objects or as strings,
    /// the id as a number or a string; unknown fields are kept in `raw_json`).
    pub fn from_json(raw: Value) -> Result<Instance> {
        Instance::decode(raw.to_string(), None)
    }

    /// The platform's whole JSON answer, parsed: a new value each time.
    pub fn raw(&self) -> Value {
        serde_json::from_str(&self.raw_json).unwrap_or(Value::Null)
    }

    /// The instance from its JSON text, the answer of `operation`; the text
    /// is kept as `raw_json`, the modelled fields are read from it directly.
    pub(crate) fn decode(raw_json: String, operation: Option<Operation>) -> Result<Instance> {
        let fail = |message: &str| Error::Decode {
            operation,
            message: message.to_owned(),
            may_have_reached_server: operation.is_some(),
        };
        if !raw_json.trim_start().starts_with('{') {
            return Err(fail("an instance must be a JSON object"));
        }
        let wire: InstanceWire = serde_json::from_str(&raw_json)
            .map_err(|e| fail(&format!("the instance is not the platform's JSON ({e})")))?;
        let id = match wire.id {
            None => return Err(fail("instance has no id")),
            Some(IdWire::Number(n)) => n,
            Some(IdWire::Text(s)) => s
                .parse()
                .map_err(|_| fail("instance id is not an integer"))?,
            Some(IdWire::Other) => return Err(fail("instance id is not an integer")),
        };
        let token = wire
            .token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| fail("instance has no token"))?;
        let tags = match wire.tags {
            None | Some(TagsWire::Null) => Vec::new(),
            Some(TagsWire::Names(names)) => names,
            Some(TagsWire::NotAList) => return Err(fail("tags is not an array")),
            Some(TagsWire::TagWithoutName) => return Err(fail("a tag object has no name")),
            Some(TagsWire::NeitherStringNorObject) => {
                return Err(fail("a tag is neither a string nor an object"))
            }
        };
        Ok(Instance {
            id,
            name: wire.name.unwrap_or_default(),
            token: Secret::new(token),
            element_key: wire.element.and_then(|e| e.0).unwrap_or_default(),
            tags,
            valid: wire.valid.unwrap_or(true),
            disabled: wire.disabled.unwrap_or(false),
            raw_json,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The body is written by hand: every value, however odd, must arrive
    /// as the same string, in the platform's key order.
    #[test]
    fn body_carries_odd_strings_whole_in_schema_order() {
        let odd = "q\"b\\s/\n\t\u{1}\u{7f}é\u{2028}😀";
        let request =
            CreateInstanceRequest::new("concur", odd, odd, "key", odd, "https://a.example/cb")
                .tag(odd)
                .tag("second")
                .configuration(odd, odd)
                .events(
                    Events::polling("https://a.example/ev")
                        .refresh_interval(5)
                        .poller_configuration(json!({"r": {"u": odd}})),
                );
        let bytes = request.body_bytes();
        let text = std::str::from_utf8(&bytes).unwrap();
        let order = [
            "\"element\"",
            "\"providerData\"",
            "\"configuration\"",
            "\"tags\"",
            "\"name\"",
        ];
        let at: Vec<usize> = order.iter().map(|k| text.find(k).unwrap()).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert_eq!(
            request.to_body(),
            json!({
                "element": {"key": "concur"},
                "providerData": {"code": odd},
                "configuration": {
                    "oauth.api.key": "key",
                    "oauth.api.secret": odd,
                    "oauth.callback.url": "https://a.example/cb",
                    "filter.response.nulls": "true",
                    "event.notification.enabled": "true",
                    "event.vendor.type": "polling",
                    "event.notification.callback.url": "https://a.example/ev",
                    "event.poller.refresh_interval": "5",
                    "event.poller.configuration": json!({"r": {"u": odd}}).to_string(),
                    odd: odd
                },
                "tags": [odd, "second"],
                "name": odd
            })
        );
    }

    /// Found by fuzzing (instance_json): a float far from an integer came back
    /// from `raw()` one ulp off, because the kept text was parsed imprecisely.
    #[test]
    fn raw_gives_back_every_number_exactly() {
        let text = r#"{"id": 1, "token": "t", "extra": [{"id": 2333333333773331686666}], "f": 0.30000000000000004}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let instance = Instance::from_json(value.clone()).unwrap();
        assert_eq!(instance.raw(), value);
        let decoded = Instance::decode(text.to_owned(), None).unwrap();
        assert_eq!(decoded.raw(), value);
    }
}
