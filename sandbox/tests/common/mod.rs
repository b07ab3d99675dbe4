//! A tiny raw-socket HTTP client for the sandbox tests, so each test controls
//! exactly what goes on the wire.
#![allow(dead_code)]

pub mod receiver;

use elements_auth_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub const CALLBACK: &str = "https://app.example.com/oauth/callback";
pub const SITE: &str = "https://www.concursolutions.com";

/// A parsed response.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// Parses one complete response (headers + Content-Length body) from bytes.
pub fn parse(raw: &[u8]) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no end of headers");
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap();
            (k.trim().to_ascii_lowercase(), v.trim().to_string())
        })
        .collect();
    let body = raw[split + 4..].to_vec();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap();
    assert_eq!(body.len(), len, "body length matches Content-Length");
    Resp {
        status,
        headers,
        body,
    }
}

/// Sends raw bytes on a fresh connection and reads until the server closes it.
pub fn raw(port: u16, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    s.write_all(bytes)?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    Ok(out)
}

/// One request with `Connection: close`.
pub fn request(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    let mut req =
        format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    parse(&raw(port, &bytes).expect("request failed"))
}

/// A GET on a sandbox URL path (`/elements/api-v2/...` or `/vendor/...`).
pub fn get(sb: &Sandbox, target: &str) -> Resp {
    request(sb.port(), "GET", target, &[], b"")
}

/// The platform Authorization header for this sandbox.
pub fn auth(sb: &Sandbox) -> String {
    format!(
        "User {}, Organization {}",
        sb.user_secret(),
        sb.organization_secret()
    )
}

/// An authenticated API call with a JSON body.
pub fn api(sb: &Sandbox, method: &str, path: &str, body: Option<&Value>) -> Resp {
    let a = auth(sb);
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut headers = vec![("Authorization", a.as_str())];
    if !body.is_empty() {
        headers.push(("Content-Type", "application/json"));
    }
    request(
        sb.port(),
        method,
        &format!("/elements/api-v2{path}"),
        &headers,
        body.as_bytes(),
    )
}

pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A sandbox with the consent form shown (no auto-consent) unless `auto`.
pub fn sandbox(auto: bool) -> Sandbox {
    Sandbox::start(SandboxOptions {
        auto_consent: auto,
        ..SandboxOptions::default()
    })
    .unwrap()
}

/// Calls oauth/url for `element` and returns its oauthUrl.
pub fn oauth_url(sb: &Sandbox, element: &str, key: &str, secret: &str, callback: &str) -> String {
    let extra = match element {
        "concur" => format!("&siteAddress={}", enc(SITE)),
        "zendesk" => "&subdomain=acme".to_string(),
        _ => String::new(),
    };
    let r = get(
        sb,
        &format!(
            "/elements/api-v2/elements/{element}/oauth/url?apiKey={}&apiSecret={}&callbackUrl={}{extra}",
            enc(key),
            enc(secret),
            enc(callback)
        ),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["oauthUrl"].as_str().unwrap().to_string()
}

/// Decoded query parameters of a URL.
pub fn params(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

pub fn param(url: &str, name: &str) -> Option<String> {
    params(url)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Gets a fresh code for `element` via oauth/url + approve().
pub fn code(sb: &Sandbox, element: &str, key: &str, secret: &str, callback: &str) -> String {
    let url = oauth_url(sb, element, key, secret, callback);
    param(&sb.approve(&url).unwrap(), "code").unwrap()
}

/// A minimal valid POST /instances body.
pub fn instance_body(element: &str, code: &str, key: &str, secret: &str, callback: &str) -> Value {
    json!({
        "element": {"key": element},
        "providerData": {"code": code},
        "configuration": {
            "oauth.api.key": key,
            "oauth.api.secret": secret,
            "oauth.callback.url": callback,
        },
        "tags": ["team-a"],
        "name": "my instance",
    })
}
