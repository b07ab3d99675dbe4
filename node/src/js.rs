//! Arguments read from JS values field by field. A value of the wrong type is
//! an `INVALID_INPUT` error naming its field as JS spells it (`name`,
//! `events.vendorType`, `tags[1]`), decided from the structure being read:
//! napi's own conversion messages are never parsed, and no value is echoed.

use std::borrow::Cow;

use elements_auth::Error;
use napi::bindgen_prelude::{Array, BufferSlice, FromNapiValue, Object, Unknown};
use napi::{sys, JsValue, ValueType};

/// The result of reading an argument: a core `InvalidInput` error on failure.
pub(crate) type Check<T> = Result<T, Error>;

/// A value that can be read from JS, checking its type.
pub(crate) trait FromJs: Sized {
    /// Reads `value`; `field` names it in errors. `undefined` and `null`
    /// only reach this where they are wrong (as array items): elsewhere
    /// [`optional`] and [`required`] take them for "not given".
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self>;
}

/// The argument `value` named `field` when it is given: `None` when it is
/// missing, `undefined` or `null`.
pub(crate) fn given<'env>(
    value: Option<Unknown<'env>>,
    field: &str,
) -> Check<Option<Unknown<'env>>> {
    match value {
        Some(v) if !is_absent(&v, field)? => Ok(Some(v)),
        _ => Ok(None),
    }
}

/// The argument `value` named `field`, which must be given.
pub(crate) fn present<'env>(value: Option<Unknown<'env>>, field: &str) -> Check<Unknown<'env>> {
    given(value, field)?.ok_or_else(|| Error::invalid_input(field, "is required"))
}

/// The argument `value` named `field` read as `T`: `None` when it is not given.
pub(crate) fn optional<T: FromJs>(value: Option<Unknown<'_>>, field: &str) -> Check<Option<T>> {
    given(value, field)?
        .map(|v| T::from_js(v, field))
        .transpose()
}

/// The argument `value` named `field` read as `T`; it must be given.
pub(crate) fn required<T: FromJs>(value: Option<Unknown<'_>>, field: &str) -> Check<T> {
    T::from_js(present(value, field)?, field)
}

fn type_of(value: &Unknown<'_>, field: &str) -> Check<ValueType> {
    value.get_type().map_err(|_| unreadable(field))
}

fn is_absent(value: &Unknown<'_>, field: &str) -> Check<bool> {
    Ok(matches!(
        type_of(value, field)?,
        ValueType::Undefined | ValueType::Null
    ))
}

/// The value could not be read at all (a getter threw, say).
fn unreadable(field: &str) -> Error {
    Error::invalid_input(field, "could not be read")
}

/// Converts `value`, whose type was just checked to be `T`'s.
fn cast<T: FromNapiValue>(value: &Unknown<'_>, field: &str) -> Check<T> {
    // SAFETY: every caller checks the JS type before casting to the matching Rust type.
    unsafe { value.cast::<T>() }.map_err(|_| unreadable(field))
}

impl FromJs for String {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        match type_of(&value, field)? {
            ValueType::String => read_string(&value).ok_or_else(|| unreadable(field)),
            _ => Err(Error::invalid_input(field, "must be a string")),
        }
    }
}

/// A JS string's UTF-8, in one napi call when it fits a small buffer (every
/// field of a usual call does), else in the two calls napi's own conversion
/// makes (length, then copy).
fn read_string(value: &Unknown<'_>) -> Option<String> {
    const SMALL: usize = 256;
    let (env, value) = (value.value().env, value.raw());
    let mut buf = [0u8; SMALL];
    let mut written = 0;
    // SAFETY: `buf` holds SMALL bytes, and napi writes at most that many.
    let status = unsafe {
        sys::napi_get_value_string_utf8(env, value, buf.as_mut_ptr().cast(), SMALL, &mut written)
    };
    if status != sys::Status::napi_ok {
        return None;
    }
    // napi stops short of a character that does not fit (at most 4 bytes)
    // and keeps one byte for the NUL: less than that left over means the
    // whole string was copied.
    if written + 5 <= SMALL {
        return std::str::from_utf8(&buf[..written]).ok().map(str::to_owned);
    }
    // SAFETY: the value is a string, checked by the caller.
    unsafe { String::from_napi_value(env, value) }.ok()
}

impl FromJs for bool {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        match type_of(&value, field)? {
            ValueType::Boolean => cast(&value, field),
            _ => Err(Error::invalid_input(field, "must be a boolean")),
        }
    }
}

impl FromJs for f64 {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        match type_of(&value, field)? {
            ValueType::Number => cast(&value, field),
            _ => Err(Error::invalid_input(field, "must be a number")),
        }
    }
}

/// A whole number in `0..=max`, given as a JS number.
fn whole(value: Unknown<'_>, field: &str, max: f64, what: &str) -> Check<f64> {
    let n = f64::from_js(value, field)?;
    if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= max {
        Ok(n)
    } else {
        Err(Error::invalid_input(field, format!("must be {what}")))
    }
}

impl FromJs for u32 {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        // The range check makes the conversion exact.
        whole(value, field, f64::from(u32::MAX), "a whole number >= 0").map(|n| n as u32)
    }
}

/// A byte count: a whole number >= 0 (the core decides the smallest).
pub(crate) struct Bytes(pub u64);

impl FromJs for Bytes {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        // 2^53: the largest whole number a JS number holds exactly.
        let max = 9_007_199_254_740_992.0;
        whole(value, field, max, "a whole number of bytes").map(|n| Bytes(n as u64))
    }
}

/// A whole number of seconds (a Unix time), given as a JS number.
pub(crate) struct Whole(pub u64);

impl FromJs for Whole {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        // 2^53: the largest whole number a JS number holds exactly.
        let max = 9_007_199_254_740_992.0;
        whole(value, field, max, "a whole number >= 0").map(|n| Whole(n as u64))
    }
}

/// An instance id: a whole JS number (the core refuses ids below 1).
pub(crate) struct Id(pub i64);

impl FromJs for Id {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        let n = f64::from_js(value, field)?;
        // Safe integers only, so that the id is the one the caller wrote.
        if n.is_finite() && n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 {
            Ok(Id(n as i64))
        } else {
            Err(Error::invalid_input(field, "must be a whole number"))
        }
    }
}

/// Bytes of a string (as UTF-8) or of a Buffer, exactly as given.
pub(crate) struct Body(pub Vec<u8>);

impl FromJs for Body {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        if type_of(&value, field)? == ValueType::String {
            return String::from_js(value, field).map(|s| Body(s.into_bytes()));
        }
        if value.is_buffer().map_err(|_| unreadable(field))? {
            let bytes: BufferSlice<'_> = cast(&value, field)?;
            return Ok(Body(bytes.to_vec()));
        }
        Err(Error::invalid_input(field, "must be a string or a Buffer"))
    }
}

/// JSON data (a plain object, say), for values the core keeps as JSON.
pub(crate) struct Json(pub serde_json::Value);

impl FromJs for Json {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        // SAFETY: `serde_json::Value` accepts any JS type and fails on those
        // that are not JSON (functions, symbols, BigInt).
        unsafe { value.cast::<serde_json::Value>() }
            .map(Json)
            .map_err(|_| Error::invalid_input(field, "must be JSON data"))
    }
}

/// The elements of a JS array, each read as `T` and named `field[i]`.
impl<T: FromJs> FromJs for Vec<T> {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        let items = elements(value, field, "must be an array")?;
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let name = format!("{field}[{i}]");
                match item {
                    Some(v) => T::from_js(v, &name),
                    None => Err(Error::invalid_input(name, "is missing")),
                }
            })
            .collect()
    }
}

/// `[name, value]`: an array of exactly two strings.
impl FromJs for (String, String) {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        let pair = "must be a [name, value] pair of strings";
        let items = elements(value, field, pair)?;
        let string = |v: &Option<Unknown<'_>>| -> Check<String> {
            match v {
                Some(v) if type_of(v, field)? == ValueType::String => cast(v, field),
                _ => Err(Error::invalid_input(field, pair)),
            }
        };
        match items.as_slice() {
            [name, value] => Ok((string(name)?, string(value)?)),
            _ => Err(Error::invalid_input(field, pair)),
        }
    }
}

/// The items of the JS array `value` (`None` for holes).
fn elements<'env>(
    value: Unknown<'env>,
    field: &str,
    not_array: &str,
) -> Check<Vec<Option<Unknown<'env>>>> {
    if !value.is_array().map_err(|_| unreadable(field))? {
        return Err(Error::invalid_input(field, not_array));
    }
    let array: Array<'env> = cast(&value, field)?;
    (0..array.len())
        .map(|i| array.get::<Unknown<'env>>(i).map_err(|_| unreadable(field)))
        .collect()
}

/// The fields of a request argument that index.js read and passed along as
/// arguments, in the order of the request's field list (`types.rs`): an argument
/// reaches the addon in the call itself, while a field looked up by name
/// costs a napi call of its own. Empty when index.js passed the object alone
/// (it was not a plain object, or reading it threw): then every field is
/// looked up on the object, as the errors for such values are made there.
pub(crate) struct Spread<'env> {
    keys: &'static [&'static str],
    values: Vec<Option<Unknown<'env>>>,
}

impl<'env> Spread<'env> {
    /// `spread` is the `true` index.js passes before the values it read.
    pub(crate) fn new<const N: usize>(
        keys: &'static [&'static str; N],
        spread: Option<bool>,
        values: [Unknown<'env>; N],
    ) -> Spread<'env> {
        if spread == Some(true) {
            // `undefined` and `null` are taken for "not given" where read.
            Spread {
                keys,
                values: values.map(Some).into(),
            }
        } else {
            Spread::none()
        }
    }

    /// No fields passed: each is looked up on the object.
    fn none() -> Spread<'env> {
        Spread {
            keys: &[],
            values: Vec::new(),
        }
    }
}

/// A plain JS object whose fields are read one by one, each named
/// `<field>.<key>` (or just `<key>` at the top level).
pub(crate) struct Fields<'env> {
    object: Object<'env>,
    prefix: String,
    spread: Spread<'env>,
}

impl<'env> Fields<'env> {
    /// The object argument `value` named `name`, whose keys are named on
    /// their own (`timeoutMs`, not `options.timeoutMs`).
    pub(crate) fn argument(value: Unknown<'env>, name: &str) -> Check<Fields<'env>> {
        Fields::new(value, name, String::new())
    }

    /// The request argument `value` named `name`, with the fields index.js
    /// read from it.
    pub(crate) fn request(
        value: Unknown<'env>,
        name: &str,
        spread: Spread<'env>,
    ) -> Check<Fields<'env>> {
        let mut fields = Fields::new(value, name, String::new())?;
        fields.spread = spread;
        Ok(fields)
    }

    /// The object field `value` named `field`, whose keys are named
    /// `<field>.<key>` (`events.vendorType`).
    pub(crate) fn nested(value: Unknown<'env>, field: &str) -> Check<Fields<'env>> {
        Fields::new(value, field, format!("{field}."))
    }

    fn new(value: Unknown<'env>, name: &str, prefix: String) -> Check<Fields<'env>> {
        let is_array = value.is_array().map_err(|_| unreadable(name))?;
        if type_of(&value, name)? != ValueType::Object || is_array {
            return Err(Error::invalid_input(name, "must be an object"));
        }
        Ok(Fields {
            object: cast(&value, name)?,
            prefix,
            spread: Spread::none(),
        })
    }

    /// The field name of `key` in errors (the key itself at the top level,
    /// so that reading an argument builds no string).
    pub(crate) fn name<'k>(&self, key: &'k str) -> Cow<'k, str> {
        if self.prefix.is_empty() {
            Cow::Borrowed(key)
        } else {
            Cow::Owned(format!("{}{key}", self.prefix))
        }
    }

    /// The field `key`: the value index.js passed for it (`undefined` and
    /// `null` included), else looked up (`None` when `undefined`) by a name
    /// that napi interns as it reads (`napi_get_named_property`), a shorter
    /// path than creating a plain string for the key and then interning it.
    fn get(&self, key: &str) -> Check<Option<Unknown<'env>>> {
        if let Some(i) = self.spread.keys.iter().position(|k| *k == key) {
            return Ok(self.spread.values[i]);
        }
        let mut name = [0u8; 64];
        if key.len() >= name.len() || key.as_bytes().contains(&0) {
            return self
                .object
                .get::<Unknown<'env>>(key)
                .map_err(|_| unreadable(&self.name(key)));
        }
        name[..key.len()].copy_from_slice(key.as_bytes());
        let (env, object) = (self.object.value().env, self.object.raw());
        let mut field = std::ptr::null_mut();
        // SAFETY: `name` is NUL-terminated; `object` is a live object of `env`,
        // read on the JS thread.
        let status =
            unsafe { sys::napi_get_named_property(env, object, name.as_ptr().cast(), &mut field) };
        if status != sys::Status::napi_ok {
            return Err(unreadable(&self.name(key)));
        }
        // SAFETY: napi just gave `field` for this env.
        let field = unsafe { Unknown::from_raw_unchecked(env, field) };
        match field.get_type() {
            Ok(ValueType::Undefined) => Ok(None),
            Ok(_) => Ok(Some(field)),
            Err(_) => Err(unreadable(&self.name(key))),
        }
    }

    /// The optional field `key`.
    pub(crate) fn optional<T: FromJs>(&self, key: &str) -> Check<Option<T>> {
        optional(self.get(key)?, &self.name(key))
    }

    /// The field `key`, which must be given.
    pub(crate) fn required<T: FromJs>(&self, key: &str) -> Check<T> {
        required(self.get(key)?, &self.name(key))
    }

    /// Every enumerable key with its value (`None` for `undefined`), in the
    /// object's key order (that of `Object.keys`).
    pub(crate) fn entries(&self) -> Check<Vec<(String, Option<Unknown<'env>>)>> {
        let keys = Object::keys(&self.object)
            .map_err(|_| unreadable(self.prefix.trim_end_matches('.')))?;
        keys.into_iter()
            .map(|key| Ok((key.clone(), self.get(&key)?)))
            .collect()
    }
}

/// Whether `value` is a JS string (for values kept or refused without being read).
pub(crate) fn is_string(value: &Unknown<'_>, field: &str) -> Check<bool> {
    Ok(type_of(value, field)? == ValueType::String)
}

// --- events ---

/// A signature key (a string) or several (an array of strings, named
/// `signatureKeys[i]` in errors, as the core names them).
pub(crate) enum SignatureKeys {
    One(String),
    Several(Vec<String>),
}

impl FromJs for SignatureKeys {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        if is_string(&value, field)? {
            return String::from_js(value, field).map(SignatureKeys::One);
        }
        if value.is_array().map_err(|_| unreadable(field))? {
            return Vec::<String>::from_js(value, "signatureKeys").map(SignatureKeys::Several);
        }
        Err(Error::invalid_input(
            field,
            "must be a string or an array of strings",
        ))
    }
}
