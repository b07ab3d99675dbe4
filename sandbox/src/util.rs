//! Small helpers: randomness, timestamps, HTML escaping and URL building.

use base64::Engine;
use std::time::{SystemTime, UNIX_EPOCH};

/// Fills a buffer from the operating system's random source.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS source failing is not recoverable for a test server.
    getrandom::fill(&mut buf).expect("operating system random source failed");
    buf
}

/// A random URL-safe string of 43 characters (32 bytes of entropy): codes and secrets.
pub(crate) fn random_url_safe() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// A random 44-character standard base64 string, the shape of a platform element token.
pub(crate) fn random_token() -> String {
    base64::engine::general_purpose::STANDARD.encode(random_bytes::<32>())
}

/// `bytes` random bytes as lower-case hex (twice as many characters).
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS source failing is not recoverable for a test server.
    getrandom::fill(&mut buf).expect("operating system random source failed");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random 24-hex-character request id, the shape of the platform's `requestId`.
pub(crate) fn request_id() -> String {
    random_hex(12)
}

/// The current time as an ISO 8601 UTC string with milliseconds (`2024-01-31T12:00:00.000Z`).
pub(crate) fn iso_now() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
        now.subsec_millis()
    )
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Appends form-encoded parameters to a URL, with `?` or `&` as its query requires.
pub(crate) fn append_query(base: &str, params: &[(&str, &str)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        ser.append_pair(k, v);
    }
    let encoded = ser.finish();
    let (without_fragment, fragment) = match base.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (base, None),
    };
    let sep = if !without_fragment.contains('?') {
        "?"
    } else if without_fragment.ends_with('?') || without_fragment.ends_with('&') {
        ""
    } else {
        "&"
    };
    let mut out = format!("{without_fragment}{sep}{encoded}");
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// True when `s` parses as an absolute `http` or `https` URL with a host and
/// holds no control character (URL parsers drop tabs and line breaks
/// silently; echoed into a `Location` header they would split it).
pub(crate) fn is_absolute_http_url(s: &str) -> bool {
    if s.chars().any(char::is_control) {
        return false;
    }
    match url::Url::parse(s) {
        Ok(u) => (u.scheme() == "http" || u.scheme() == "https") && u.host_str().is_some(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(random_token().len(), 44);
        assert!(random_url_safe().len() >= 32);
        assert_eq!(request_id().len(), 24);
        let t = iso_now();
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.ends_with('Z'));
    }

    #[test]
    fn query_append() {
        assert_eq!(
            append_query("http://a/cb", &[("x", "1 2")]),
            "http://a/cb?x=1+2"
        );
        assert_eq!(
            append_query("http://a/cb?y=2#f", &[("x", "1")]),
            "http://a/cb?y=2&x=1#f"
        );
    }
}
