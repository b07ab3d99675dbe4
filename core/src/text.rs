//! Text helpers shared by every part of the SDK: percent-encoding, text from
//! outside made safe to print, and secrets scrubbed from what is shown.

use serde_json::Value;

/// How a scrubbed secret is shown.
pub const MASK: &str = "***";

/// Percent-encodes one query name or value: RFC 3986 unreserved characters
/// as they are, every other byte as `%XX`.
pub fn encode_component(value: &str) -> String {
    let mut out = Vec::with_capacity(value.len() + value.len() / 2);
    push_encoded_bytes(&mut out, value);
    // Only ASCII comes out.
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `value` percent-encoded to `out`, copying runs of unreserved
/// bytes whole: it runs for every query parameter of every call.
pub(crate) fn push_encoded_bytes(out: &mut Vec<u8>, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = value.as_bytes();
    out.reserve(bytes.len());
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !UNRESERVED[usize::from(b)] {
            out.extend_from_slice(&bytes[run..i]);
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
            run = i + 1;
        }
    }
    out.extend_from_slice(&bytes[run..]);
}

/// Appends `value` as a JSON string, quoted and escaped exactly as
/// serde_json writes it, copying runs that need no escape whole: it writes
/// every string of every `POST /instances` body.
pub(crate) fn push_json_str(out: &mut Vec<u8>, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = value.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run = 0;
    while let Some(skip) = bytes[run..]
        .iter()
        .position(|&b| JSON_ESCAPED[usize::from(b)])
    {
        let i = run + skip;
        let b = bytes[i];
        out.extend_from_slice(&bytes[run..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]),
        }
        run = i + 1;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// The bytes a JSON string cannot hold as they are: controls, `"` and `\\`.
static JSON_ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// The bytes a URL component holds as they are (RFC 3986 unreserved).
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// One form-encoded name or value decoded (`+` is a space, `%XX` a byte);
/// `None` when the bytes are not UTF-8.
pub(crate) fn form_decode(raw: &str) -> Option<String> {
    if memchr::memchr2(b'%', b'+', raw.as_bytes()).is_none() {
        return Some(raw.to_owned());
    }
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// What a URL's query says of one parameter.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum QueryValue {
    /// Not there.
    Missing,
    /// There once, with this decoded value (`None`: not UTF-8).
    One(Option<String>),
    /// There more than once.
    Many,
}

/// The parameter `name` of `url`'s query (between `?` and `#`), read
/// without parsing the whole URL: what the client needs of the vendor URL
/// the platform answers with.
pub(crate) fn query_value(url: &str, name: &str) -> QueryValue {
    let bytes = url.as_bytes();
    let end = memchr::memchr(b'#', bytes).unwrap_or(bytes.len());
    let Some(start) = memchr::memchr(b'?', &bytes[..end]) else {
        return QueryValue::Missing;
    };
    let mut found = QueryValue::Missing;
    // `&` and `=` are ASCII, so every slice below is on char boundaries;
    // memchr finds them a word at a time, as this runs on every oauth_url.
    let mut rest = &url[start + 1..end];
    loop {
        let (pair, next) = match memchr::memchr(b'&', rest.as_bytes()) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (k, v) = match memchr::memchr(b'=', pair.as_bytes()) {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, ""),
        };
        let encoded = || memchr::memchr2(b'%', b'+', k.as_bytes()).is_some();
        if k == name || (encoded() && form_decode(k).as_deref() == Some(name)) {
            if found != QueryValue::Missing {
                return QueryValue::Many;
            }
            found = QueryValue::One(form_decode(v));
        }
        match next {
            Some(n) => rest = n,
            None => return found,
        }
    }
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
    fn json_strings_are_written_as_serde_json_writes_them() {
        let mut cases: Vec<String> = (0u32..0x80)
            .map(|c| format!("a{}b", char::from_u32(c).unwrap()))
            .collect();
        cases.extend(
            [
                "",
                "plain",
                "\u{7f}\u{80}\u{2028}\u{10ffff}",
                "\"\"\\\\",
                "é\n\u{1}",
            ]
            .map(String::from),
        );
        for case in cases {
            let mut out = Vec::new();
            push_json_str(&mut out, &case);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&case).unwrap(),
                "{case:?}"
            );
        }
    }

    #[test]
    fn reads_one_query_parameter_without_parsing_the_url() {
        let url = "https://v.example/a?x=1&st%61te=a%2Bb+c&y=2#state=no";
        assert_eq!(
            query_value(url, "state"),
            QueryValue::One(Some("a+b c".to_owned()))
        );
        assert_eq!(
            query_value("https://v.example/a", "state"),
            QueryValue::Missing
        );
        assert_eq!(
            query_value("https://v.example/?state=%FF", "state"),
            QueryValue::One(None)
        );
        assert_eq!(
            query_value("https://v.example/?state=a&state=b", "state"),
            QueryValue::Many
        );
    }

    #[test]
    fn reads_the_query_as_the_form_parser_does() {
        // What url + form_urlencoded make of each, parsing the whole URL.
        let reference = |url: &str| {
            let parsed = url::Url::parse(url).expect("a URL");
            let values: Vec<String> = parsed
                .query_pairs()
                .filter(|(k, _)| k == "state")
                .map(|(_, v)| v.into_owned())
                .collect();
            match values.as_slice() {
                [] => QueryValue::Missing,
                [one] => QueryValue::One(Some(one.clone())),
                _ => QueryValue::Many,
            }
        };
        for url in [
            "https://v.example/?",
            "https://v.example/?#state=x",
            "https://v.example/?state",
            "https://v.example/?state=",
            "https://v.example/?&&state=s&",
            "https://v.example/?a=1&state=s=t&b",
            "https://v.example/?stat=1&states=2&state=ok",
            "https://v.example/?%73tate=one&state=two",
            "https://v.example/?state=a%20b+c%26d",
            "https://v.example/p?x=%3F&state=q#f&state=r",
        ] {
            assert_eq!(query_value(url, "state"), reference(url), "{url}");
        }
    }

    #[test]
    fn encodes_everything_but_unreserved_characters() {
        assert_eq!(encode_component("aZ09-._~"), "aZ09-._~");
        assert_eq!(
            encode_component("a b&c=d+e%/?#é"),
            "a%20b%26c%3Dd%2Be%25%2F%3F%23%C3%A9"
        );
        assert_eq!(encode_component(""), "");
        assert_eq!(encode_component("é-é.x"), "%C3%A9-%C3%A9.x");
    }

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
