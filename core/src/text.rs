//! Text helpers shared by every part of the SDK: percent-encoding, text from
//! outside made safe to print, and secrets scrubbed from what is shown.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// How a scrubbed secret is shown.
pub const MASK: &str = "***";

/// Everything but RFC 3986 unreserved characters is percent-encoded, so a
/// value means the same to every server (a space is `%20`, never `+`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one query name or value.
pub fn encode_component(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// Text from outside without control characters, so that printing it cannot
/// drive a terminal (escape sequences) or forge log lines.
pub fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// `text` with each non-trivial secret (and its percent-encoded form)
/// replaced by [`MASK`].
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    scrub_with(text, secrets, MASK)
}

/// `text` with each non-trivial secret (and its percent-encoded form)
/// replaced by `mask`.
pub fn scrub_with(text: &str, secrets: &[&str], mask: &str) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        // Very short values would blank out ordinary words; they are not credentials anyway.
        if secret.len() < 4 {
            continue;
        }
        let encoded = encode_component(secret);
        for form in [*secret, encoded.as_str()] {
            if out.contains(form) {
                out = out.replace(form, mask);
            }
        }
    }
    out
}

/// [`scrub_with`] applied to every string of a JSON value, in place (keys
/// stay); strings that hold no secret are left untouched.
pub fn scrub_json(value: &mut Value, secrets: &[&str], mask: &str) {
    match value {
        Value::String(s) => {
            let holds = secrets.iter().any(|secret| {
                secret.len() >= 4 && (s.contains(secret) || s.contains(&encode_component(secret)))
            });
            if holds {
                *s = scrub_with(s, secrets, mask);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| scrub_json(v, secrets, mask)),
        Value::Object(map) => map.values_mut().for_each(|v| scrub_json(v, secrets, mask)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_plain_and_encoded_forms_but_not_tiny_values() {
        let text = "a s3cr3t/x b s3cr3t%2Fx c ab";
        assert_eq!(scrub(text, &["s3cr3t/x", "ab"]), "a *** b *** c ab");
        assert_eq!(scrub_with("k=abcd", &["abcd"], "####"), "k=####");
    }

    #[test]
    fn scrubs_every_string_of_a_json_value() {
        let mut v = serde_json::json!({"a": ["x-secret-1", {"b": "y x-secret-1"}], "n": 1});
        scrub_json(&mut v, &["x-secret-1"], MASK);
        assert_eq!(v, serde_json::json!({"a": ["***", {"b": "y ***"}], "n": 1}));
    }
}
