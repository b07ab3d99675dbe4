//! The platform's JSON as serde types: the body of `POST /instances`, and
//! the answers read back. Reading is tolerant where the platform varies
//! (tags as strings or objects, ids as numbers or strings, extra fields).

use serde::de::{self, IgnoredAny, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// A string field that may hold anything: `None` unless it is a string
/// (read without building a JSON value for it).
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(d.deserialize_any(Scalar)?.text)
}

/// A flag that may hold anything: `None` unless it is a boolean.
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(d.deserialize_any(Scalar)?.flag)
}

/// Whatever JSON value comes, keeping a string or a boolean if it is one.
struct Scalar;

#[derive(Default)]
struct Kept {
    text: Option<String>,
    flag: Option<bool>,
}

impl<'de> Visitor<'de> for Scalar {
    type Value = Kept;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Kept, E> {
        Ok(Kept {
            text: Some(v.to_owned()),
            flag: None,
        })
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Kept, E> {
        Ok(Kept {
            text: Some(v),
            flag: None,
        })
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Kept, E> {
        Ok(Kept {
            text: None,
            flag: Some(v),
        })
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Kept, E> {
        Ok(Kept::default())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Kept, E> {
        Ok(Kept::default())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Kept, E> {
        Ok(Kept::default())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Kept, E> {
        Ok(Kept::default())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Kept, A::Error> {
        while a.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Kept::default())
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Kept, A::Error> {
        while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Kept::default())
    }
}

/// Whether a map key is the one named, read without copying it out.
struct KeyIs(&'static str);

impl<'de> de::DeserializeSeed<'de> for KeyIs {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.0)
    }
}

/// [`Scalar`] as a seed, for a map value.
struct ScalarSeed;

impl<'de> de::DeserializeSeed<'de> for ScalarSeed {
    type Value = Kept;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Kept, D::Error> {
        d.deserialize_any(Scalar)
    }
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

/// An instance id as sent: a number, a number in a string, or something else.
pub(crate) enum IdWire {
    Number(i64),
    Text(String),
    Other,
}

impl<'de> Deserialize<'de> for IdWire {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IdWire;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an instance id")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IdWire, E> {
                Ok(IdWire::Number(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IdWire, E> {
                Ok(i64::try_from(v).map_or(IdWire::Other, IdWire::Number))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<IdWire, E> {
                Ok(IdWire::Other)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IdWire, E> {
                Ok(IdWire::Text(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<IdWire, E> {
                Ok(IdWire::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<IdWire, E> {
                Ok(IdWire::Other)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<IdWire, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(IdWire::Other)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<IdWire, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(IdWire::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// The element of an instance: `{"key": ...}`, the key itself, or neither.
pub(crate) struct ElementWire(pub Option<String>);

impl<'de> Deserialize<'de> for ElementWire {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ElementWire;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an element")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ElementWire, E> {
                Ok(ElementWire(Some(v.to_owned())))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<ElementWire, A::Error> {
                let mut key = None;
                while let Some(is_key) = a.next_key_seed(KeyIs("key"))? {
                    if is_key {
                        key = a.next_value_seed(ScalarSeed)?.text;
                    } else {
                        a.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(ElementWire(key))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<ElementWire, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ElementWire(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<ElementWire, E> {
                Ok(ElementWire(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<ElementWire, E> {
                Ok(ElementWire(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<ElementWire, E> {
                Ok(ElementWire(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<ElementWire, E> {
                Ok(ElementWire(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<ElementWire, E> {
                Ok(ElementWire(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// The tags of an instance: names (`GET /instances`) or `{"id", "name"}`
/// objects (`POST /instances`); what else was found, for the error.
pub(crate) enum TagsWire {
    Names(Vec<String>),
    Null,
    NotAList,
    TagWithoutName,
    NeitherStringNorObject,
}

impl<'de> Deserialize<'de> for TagsWire {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Tag(Result<String, TagsWire>);
        impl<'de> Deserialize<'de> for Tag {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Tag;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a tag")
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Tag, E> {
                        Ok(Tag(Ok(v.to_owned())))
                    }
                    fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<Tag, A::Error> {
                        let mut name = None;
                        while let Some(is_name) = a.next_key_seed(KeyIs("name"))? {
                            if is_name {
                                name = a.next_value_seed(ScalarSeed)?.text;
                            } else {
                                a.next_value::<IgnoredAny>()?;
                            }
                        }
                        Ok(Tag(name.ok_or(TagsWire::TagWithoutName)))
                    }
                    fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Tag, A::Error> {
                        while a.next_element::<IgnoredAny>()?.is_some() {}
                        Ok(Tag(Err(TagsWire::NeitherStringNorObject)))
                    }
                    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Tag, E> {
                        Ok(Tag(Err(TagsWire::NeitherStringNorObject)))
                    }
                    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Tag, E> {
                        Ok(Tag(Err(TagsWire::NeitherStringNorObject)))
                    }
                    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Tag, E> {
                        Ok(Tag(Err(TagsWire::NeitherStringNorObject)))
                    }
                    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Tag, E> {
                        Ok(Tag(Err(TagsWire::NeitherStringNorObject)))
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<Tag, E> {
                        Ok(Tag(Err(TagsWire::NeitherStringNorObject)))
                    }
                }
                d.deserialize_any(V)
            }
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TagsWire;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the tags")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<TagsWire, A::Error> {
                let mut names = Vec::new();
                let mut problem = None;
                while let Some(Tag(tag)) = a.next_element::<Tag>()? {
                    match tag {
                        Ok(name) => names.push(name),
                        Err(p) => problem = problem.or(Some(p)),
                    }
                }
                Ok(problem.unwrap_or(TagsWire::Names(names)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<TagsWire, E> {
                Ok(TagsWire::Null)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<TagsWire, E> {
                Ok(TagsWire::NotAList)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<TagsWire, E> {
                Ok(TagsWire::NotAList)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<TagsWire, E> {
                Ok(TagsWire::NotAList)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<TagsWire, E> {
                Ok(TagsWire::NotAList)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<TagsWire, E> {
                Ok(TagsWire::NotAList)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<TagsWire, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TagsWire::NotAList)
            }
        }
        d.deserialize_any(V)
    }
}

/// What [`crate::Instance`] models of the platform's instance JSON, read
/// straight from the answer's bytes (the text itself is kept as `raw_json`).
/// Fields of another type than expected read as absent, except the id and
/// tags, whose oddities are reported.
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
