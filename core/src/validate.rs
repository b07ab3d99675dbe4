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
