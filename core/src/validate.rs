//! Checks on user input, run before anything is sent.

use crate::{Error, Result};

/// An element key or id must be usable as one URL path segment.
pub(crate) fn element_key(field: &str, key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if key == "." || key == ".." {
        return Err(Error::invalid(
            field,
            "must be an element key such as \"concur\"",
        ));
    }
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')))
    {
        return Err(Error::invalid(
            field,
            format!("must be a single URL path segment of letters, digits, '-', '_', '.' or '~' (found {c:?})"),
        ));
    }
    Ok(())
}

/// A value that must be present and non-empty.
pub(crate) fn non_empty(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    Ok(())
}

/// A secret sent in a header: non-empty visible ASCII, so that it can
/// neither break the header nor fail only once the request is being sent.
/// The message never shows the value or any character of it.
pub(crate) fn header_secret(field: &str, value: &str) -> Result<()> {
    non_empty(field, value)?;
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            field,
            "must contain only visible ASCII characters (no spaces, line breaks or other control characters)",
        ));
    }
    Ok(())
}

/// An absolute http(s) URL with a host, such as a callback URL, checked on
/// every call: the common spelling (`http(s)://host[:port][/path][?query]`
/// of plain ASCII) is recognised without a full parse; anything else goes
/// to the URL parser, which decides the same way.
pub(crate) fn http_url(field: &str, value: &str) -> Result<()> {
    if is_plain_http_url(value) {
        return Ok(());
    }
    absolute_http_url(field, value).map(|_| ())
}

/// The bytes a URL's path, query and fragment may hold as they are:
/// letters, digits and `-._~!$&'()*+,;=:@/?#%`.
static AS_WRITTEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let extra = b"-._~!$&'()*+,;=:@/?#%";
    let mut i = 0;
    while i < extra.len() {
        table[extra[i] as usize] = true;
        i += 1;
    }
    table
};

/// True for `http(s)://host[:port]` followed by `/`, `?`, `#` or nothing,
/// where the host is a DNS name or IPv4 address and every character is one
/// a URL may hold as it is: such a URL is valid as written.
fn is_plain_http_url(value: &str) -> bool {
    let rest = match value.as_bytes() {
        [b'h' | b'H', b't' | b'T', b't' | b'T', b'p' | b'P', b's' | b'S', b':', b'/', b'/', ..] => {
            &value[8..]
        }
        [b'h' | b'H', b't' | b'T', b't' | b'T', b'p' | b'P', b':', b'/', b'/', ..] => &value[7..],
        _ => return false,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (host, port) = authority.split_once(':').unwrap_or((authority, ""));
    // A label starting with `xn--` is punycode, which the URL parser decodes
    // and may refuse: only plain labels take the fast path.
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && !l.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let host_ok = host.len() <= 253 && host.split('.').all(label_ok);
    let port_ok = port.is_empty()
        || (port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u16>().is_ok())
            && !authority.ends_with(':');
    let tail_ok = tail.bytes().all(|b| AS_WRITTEN[usize::from(b)]);
    // A host whose last label is a number (decimal, or hex after `0x`, even
    // an empty one) is an IPv4 address to the URL standard: only a plain
    // dotted quad takes the fast path.
    let last_numeric = host.rsplit('.').next().is_some_and(|l| {
        let hex = l.strip_prefix("0x").or_else(|| l.strip_prefix("0X"));
        match hex {
            Some(digits) => digits.bytes().all(|b| b.is_ascii_hexdigit()),
            None => l.bytes().all(|b| b.is_ascii_digit()),
        }
    });
    host_ok && port_ok && tail_ok && (!last_numeric || host.parse::<std::net::Ipv4Addr>().is_ok())
}

/// An absolute http(s) URL with a host, such as a callback URL. Control
/// characters (tab, CR, LF...) are refused outright: URL parsers drop some
/// of them silently, so the URL checked would not be the URL sent, and
/// echoed into a header they would split it.
pub(crate) fn absolute_http_url(field: &str, value: &str) -> Result<url::Url> {
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            "must not contain control characters such as tabs or line breaks (percent-encode them)",
        ));
    }
    let parsed = url::Url::parse(value)
        .map_err(|e| Error::invalid(field, format!("must be an absolute http(s) URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid(
            field,
            format!("must be an http or https URL, not {}:", parsed.scheme()),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid(field, "must have a host"));
    }
    Ok(parsed)
}

/// True for hosts that never leave the machine: 127.0.0.0/8, ::1 and the
/// name `localhost` (which the client resolves to loopback itself, never
/// through DNS).
pub fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// The platform base URL: https, or plain http only on a loopback host;
/// no credentials, query or fragment.
pub(crate) fn base_url(value: &str) -> Result<url::Url> {
    let parsed = absolute_http_url("base_url", value)?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::invalid(
            "base_url",
            "must not carry a user name or password (the secrets are options of their own)",
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::invalid(
            "base_url",
            "must not carry a query or fragment",
        ));
    }
    if parsed.scheme() == "http" && !parsed.host().as_ref().is_some_and(is_loopback_host) {
        return Err(Error::invalid(
            "base_url",
            "must use https (plain http is only allowed for 127.0.0.1, [::1] and localhost, such as the sandbox)",
        ));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_the_url_parser() {
        let cases = [
            "https://app.example.com/cb",
            "http://127.0.0.1:8765/callback?x=1",
            "HTTPS://A.EXAMPLE:443",
            "https://app.example.com/cb?next=/a&b=1%202#frag",
            "https://app.example.com:99999/cb",
            "https://app.example.com:/cb",
            "https://-bad.example/cb",
            "https://app..example/cb",
            "https://999.1.1.1/cb",
            "https://1.2.3/cb",
            "https://example.123/cb",
            "https://0x7f.1/cb",
            // Found by fuzzing: a last label of `0X` (a hex number with no
            // digits) makes the host an invalid IPv4 address.
            "https://a.0X://ample:32767/s://a.e",
            "https://a.0x/cb",
            "https://a.0xff/cb",
            "https://a.0xg/cb",
            // Found by fuzzing: `xn--o` is not valid punycode.
            "https://a2c.cl-1p.ex-lepoc.XN--o",
            "https://xn--o.example/cb",
            "https://xn--exmple-cua.com/cb",
            "https://app.example.com./cb",
            "https://app.example.com/c b",
            "https://user@app.example.com/cb",
            "https://[::1]:8080/cb",
            "https://exämple.com/cb",
            "ftp://app.example.com/cb",
            "https:///cb",
            "https://app.example.com\\cb",
        ];
        for url in cases {
            let fast = is_plain_http_url(url);
            let full = absolute_http_url("f", url).is_ok();
            assert!(
                !fast || full,
                "{url}: the fast path accepts what the parser refuses"
            );
            assert_eq!(http_url("f", url).is_ok(), full, "{url}");
        }
    }
}
