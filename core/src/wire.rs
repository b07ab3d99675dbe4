//! The platform's JSON as serde types: the body of `POST /instances`, and
//! the answers read back. Reading is tolerant where the platform varies
//! (tags as strings or objects, ids as numbers or strings, extra fields).

use serde::de::IgnoredAny;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::borrow::Cow;

/// A string field that may hold anything: `None` unless it is a string.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}

/// A flag that may hold anything: `None` unless it is a boolean.
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(Value::deserialize(d)?.as_bool())
}

/// The answer of `GET /elements/{key}/oauth/url`.
#[derive(Deserialize)]
pub(crate) struct OAuthUrlAnswer {
    #[serde(rename = "oauthUrl", default, deserialize_with = "lenient_string")]
    pub oauth_url: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub element: Option<String>,
}

/// The platform's error body: `{message, requestId, providerMessage}`.
#[derive(Deserialize, Default)]
pub(crate) struct PlatformErrorBody {
    #[serde(default, deserialize_with = "lenient_string")]
    pub message: Option<String>,
    #[serde(rename = "requestId", default, deserialize_with = "lenient_string")]
    pub request_id: Option<String>,
    #[serde(
        rename = "providerMessage",
        default,
        deserialize_with = "lenient_string"
    )]
    pub provider_message: Option<String>,
}

/// An instance id: a number, or a number in a string.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum IdWire {
    Number(i64),
    Text(String),
    Other(IgnoredAny),
}

/// The element of an instance: `{"key": ...}` or the key itself.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum ElementWire {
    Object {
        #[serde(default, deserialize_with = "lenient_string")]
        key: Option<String>,
    },
    Key(String),
    Other(IgnoredAny),
}

/// One tag: a name (`GET /instances`) or `{"id", "name"}` (`POST /instances`).
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum TagWire {
    Name(String),
    Object { name: String },
    Other(Value),
}

/// The tags of an instance, when they are a list at all.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum TagsWire {
    List(Vec<TagWire>),
    Other(Value),
}

/// What [`crate::Instance`] models of the platform's instance JSON.
#[derive(Deserialize)]
pub(crate) struct InstanceWire {
    #[serde(default)]
    pub id: Option<IdWire>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub token: Option<String>,
    #[serde(default)]
    pub element: Option<ElementWire>,
    #[serde(default)]
    pub tags: Option<TagsWire>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub valid: Option<bool>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub disabled: Option<bool>,
}

/// The body of `POST /instances`.
#[derive(Serialize)]
pub(crate) struct CreateBody<'a> {
    pub element: ElementKey<'a>,
    #[serde(rename = "providerData")]
    pub provider_data: ProviderData<'a>,
    pub configuration: Configuration<'a>,
    pub tags: &'a [String],
    pub name: &'a str,
}

/// `{"key": ...}`.
#[derive(Serialize)]
pub(crate) struct ElementKey<'a> {
    pub key: &'a str,
}

/// `{"code": ...}`.
#[derive(Serialize)]
pub(crate) struct ProviderData<'a> {
    pub code: &'a str,
}

/// Configuration entries, sent as a JSON object in this order; every value
/// is a string, as the platform stores them.
pub(crate) struct Configuration<'a>(pub Vec<(&'a str, Cow<'a, str>)>);

impl Serialize for Configuration<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}
