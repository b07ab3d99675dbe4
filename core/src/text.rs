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

/// Text from outside without control characters and without the invisible
/// format characters that reorder or hide text (bidi overrides such as
/// U+202E, zero-width joiners), so that printing it can neither drive a
/// terminal (escape sequences), forge log lines, nor disguise what it says.
pub fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() && !is_format_char(*c))
        .collect()
}

/// Unicode format characters (category Cf) that change how text reads.
fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{061C}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// Text from outside made safe to show: [`printable`], and scrubbed of the
/// secrets both before and after, so that neither a secret holding a
/// control character nor one broken up by control characters survives.
pub fn scrub_printable(text: &str, secrets: &[&str]) -> String {
    let shown: Vec<String> = secrets.iter().map(|s| printable(s)).collect();
    let mut all: Vec<&str> = secrets.to_vec();
    all.extend(shown.iter().map(String::as_str));
    scrub(&printable(&scrub(text, secrets)), &all)
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
    fn a_secret_broken_up_or_holding_control_characters_never_survives() {
        let secrets = ["S3cr3t-Value-xyz", "tab\tSigningKey42"];
        for text in [
            "x S3\0\0cr3t-Value-xyz y",
            "x S3cr3t-\u{1b}Value-xyz y",
            "x tab\tSigningKey42 y",
            "x tabSigningKey42 y",
        ] {
            let out = scrub_printable(text, &secrets);
            assert_eq!(out, "x *** y", "{text:?}");
        }
    }

    #[test]
    fn printable_drops_control_and_bidi_characters() {
        assert_eq!(printable("a\u{1b}[2Jb\u{202e}c\u{200b}d\te"), "a[2Jbcde");
        assert_eq!(printable("été ✓"), "été ✓");
    }

    #[test]
    fn scrubs_every_string_of_a_json_value() {
        let mut v = serde_json::json!({"a": ["x-secret-1", {"b": "y x-secret-1"}], "n": 1});
        scrub_json(&mut v, &["x-secret-1"], MASK);
        assert_eq!(v, serde_json::json!({"a": ["***", {"b": "y ***"}], "n": 1}));
    }
}
