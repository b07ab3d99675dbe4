//! A deliberately small HTTP/1.1 server: request parsing and response writing.
//!
//! Hand-rolled on `std::net` so that fault modes (dropped connections, truncated
//! or huge bodies) have full control of the socket. The request reader is
//! public: it is the one HTTP parser of the project, also behind the CLI's
//! loopback callback listener.

use std::io::{self, BufRead, Read, Write};

/// Largest accepted request head (request line plus headers).
const MAX_HEAD: usize = 64 * 1024;
/// Largest accepted request body.
const MAX_BODY: usize = 4 * 1024 * 1024;
/// Largest accepted number of header lines.
const MAX_HEADERS: usize = 100;

/// One parsed request.
#[derive(Clone, Debug)]
pub struct Request {
    /// The method, upper case.
    pub method: String,
    /// The path, without the query (and without scheme and host for an absolute target).
    pub path: String,
    /// The query string as sent (without `?`), still percent-encoded.
    pub raw_query: String,
    /// Headers in order; names are lower-case.
    pub headers: Vec<(String, String)>,
    /// The body bytes (Content-Length only).
    pub body: Vec<u8>,
    /// True when the client asked to close the connection after this exchange.
    pub close: bool,
}

impl Request {
    /// First header value with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Decoded query parameters, in order.
    pub fn query(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.raw_query.as_bytes())
            .into_owned()
            .collect()
    }
}

/// A request the server refuses to parse: answered with `status` and the connection closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpError {
    /// The status to answer with (400, 411, 413, 431, 505).
    pub status: u16,
    /// Why, safe to show.
    pub message: &'static str,
}

fn bad(status: u16, message: &'static str) -> HttpError {
    HttpError { status, message }
}

/// A read that failed: 408 when the request did not arrive in time, else `otherwise`.
fn read_failed(e: &io::Error, otherwise: &'static str) -> HttpError {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            bad(408, "The request did not arrive in time")
        }
        _ => bad(400, otherwise),
    }
}

/// Reads one line (up to CRLF or LF) without the terminator; `None` at clean EOF.
fn read_line<R: BufRead>(r: &mut R, budget: &mut usize) -> Result<Option<String>, HttpError> {
    let mut buf = Vec::new();
    let limit = (*budget as u64) + 1;
    let n = r
        .by_ref()
        .take(limit)
        .read_until(b'\n', &mut buf)
        .map_err(|e| read_failed(&e, "Could not read the request"))?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget || !buf.ends_with(b"\n") {
        if n > *budget {
            return Err(bad(431, "Request header section too large"));
        }
        return Err(bad(400, "Incomplete request"));
    }
    *budget -= n;
    buf.pop();
    if buf.ends_with(b"\r") {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| bad(400, "Request head is not valid UTF-8"))
}

/// Reads the next request on a keep-alive connection; `Ok(None)` when the peer closed it.
///
/// `writer` is used only to send `100 Continue` to clients that expect it.
pub fn read_request<R: BufRead, W: Write>(
    r: &mut R,
    writer: &mut W,
) -> Result<Option<Request>, HttpError> {
    let mut budget = MAX_HEAD;
    // Tolerate stray empty lines between requests (RFC 9112 section 2.2).
    let line = loop {
        match read_line(r, &mut budget)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) if !m.is_empty() && !t.is_empty() => (m, t, v),
        _ => return Err(bad(400, "Malformed request line")),
    };
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err(bad(505, "HTTP version not supported")),
    };
    if !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad(400, "Malformed method"));
    }
    let target = if let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        // Absolute form: keep only the path and query.
        match rest.find('/') {
            Some(i) => &rest[i..],
            None => "/",
        }
    } else {
        target
    };
    if !target.starts_with('/') {
        return Err(bad(400, "Unsupported request target"));
    }
    let target = target.split('#').next().unwrap_or(target);
    let (path, raw_query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.to_string(), String::new()),
    };

    let mut headers = Vec::new();
    loop {
        let Some(l) = read_line(r, &mut budget)? else {
            return Err(bad(400, "Incomplete request"));
        };
        if l.is_empty() {
            break;
        }
        if headers.len() >= MAX_HEADERS {
            return Err(bad(431, "Too many request headers"));
        }
        let Some((name, value)) = l.split_once(':') else {
            return Err(bad(400, "Malformed header line"));
        };
        if name.is_empty() || name.contains(|c: char| c.is_whitespace()) {
            return Err(bad(400, "Malformed header name"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    let find = |n: &str| {
        headers
            .iter()
            .filter(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    if !find("transfer-encoding").is_empty() {
        return Err(bad(
            411,
            "Chunked or encoded request bodies are not supported; send Content-Length",
        ));
    }
    let lengths = find("content-length");
    let length = match lengths.as_slice() {
        [] => 0,
        [one] => one
            .parse::<usize>()
            .map_err(|_| bad(400, "Invalid Content-Length"))?,
        many => {
            if many.windows(2).any(|w| w[0] != w[1]) {
                return Err(bad(400, "Conflicting Content-Length headers"));
            }
            many[0]
                .parse::<usize>()
                .map_err(|_| bad(400, "Invalid Content-Length"))?
        }
    };
    if length > MAX_BODY {
        return Err(bad(413, "Request body too large"));
    }
    let connection = find("connection").join(",").to_ascii_lowercase();
    let close = if http10 {
        !connection.contains("keep-alive")
    } else {
        connection.split(',').any(|t| t.trim() == "close")
    };
    if length > 0
        && find("expect")
            .iter()
            .any(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        let _ = writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        let _ = writer.flush();
    }
    let mut body = vec![0u8; length];
    r.read_exact(&mut body)
        .map_err(|e| read_failed(&e, "Request body shorter than Content-Length"))?;
    Ok(Some(Request {
        method: method.to_string(),
        path,
        raw_query,
        headers,
        body,
        close,
    }))
}

/// One response to write.
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response with a body and its content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// The reason phrase for the status codes this server uses.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

/// Writes a response; `Content-Length` and `Connection` are added here. A
/// header name or value holding CR, LF or another control character is
/// refused (nothing is written): it would split the response.
pub(crate) fn write_response<W: Write>(w: &mut W, resp: &Response, close: bool) -> io::Result<()> {
    let unsafe_text = |s: &str| s.bytes().any(|b| b < 0x20 && b != b'\t' || b == 0x7f);
    if resp
        .headers
        .iter()
        .any(|(k, v)| k.is_empty() || unsafe_text(k) || k.contains(':') || unsafe_text(v))
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "a response header holds a control character",
        ));
    }
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in &resp.headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    head.push_str(if close {
        "Connection: close\r\n\r\n"
    } else {
        "Connection: keep-alive\r\n\r\n"
    });
    w.write_all(head.as_bytes())?;
    w.write_all(&resp.body)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f02_a_header_with_crlf_is_never_written() {
        for value in ["a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "a\u{7f}"] {
            let resp = Response::new(302, "text/html", "x").with_header("Location", value);
            let mut out = Vec::new();
            assert!(write_response(&mut out, &resp, true).is_err(), "{value:?}");
            assert!(out.is_empty(), "nothing is written for {value:?}");
        }
        let ok = Response::new(200, "text/plain", "x").with_header("X-Ok", "a\tb c");
        let mut out = Vec::new();
        write_response(&mut out, &ok, true).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("X-Ok: a\tb c\r\n"));
    }

    #[test]
    fn a_request_that_stops_arriving_is_a_408() {
        struct Stalls(&'static [u8], bool);
        impl Read for Stalls {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.1 {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "deadline"));
                }
                self.1 = true;
                let n = self.0.len().min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                Ok(n)
            }
        }
        let mut r = std::io::BufReader::new(Stalls(b"GET / HTTP/1.1\r\nHost: x\r\n", false));
        let err = read_request(&mut r, &mut Vec::new()).unwrap_err();
        assert_eq!(err.status, 408);
    }
}
