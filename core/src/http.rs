//! One HTTP exchange with the platform: retries, limits and error mapping.

use crate::client::Inner;
use crate::{Error, Result};
use serde_json::Value;
use std::io;
use std::time::Duration;

/// One request to the platform.
pub(crate) struct Call<'a> {
    pub method: &'static str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub body: Option<&'a Value>,
    pub authorization: Option<&'a str>,
    /// The operation's name, for messages (`create_instance`).
    pub what: &'static str,
    /// Values to scrub from any error text: what this call sends that is secret.
    pub secrets: &'a [&'a str],
}

/// A successful answer.
pub(crate) struct Answer {
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON, or a Decode error.
    pub fn json(&self) -> Result<Value> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Decode {
            message: format!("the answer is not valid JSON ({e})"),
        })
    }
}

/// What one attempt ended with.
enum Attempt {
    Done(Answer),
    /// Failed; `retry_after` is the server's wish, when it said one.
    Failed {
        error: Error,
        retryable: bool,
        retry_after: Option<Duration>,
    },
}

impl Inner {
    /// Sends the call, retrying where that is safe.
    ///
    /// `GET`s are retried on connection failures and 429/502/503/504. Other
    /// methods are retried only when the connection was never established, so
    /// the request provably did not reach the platform.
    pub(crate) fn call(&self, call: Call<'_>) -> Result<Answer> {
        let mut attempt = 0;
        loop {
            match self.attempt(&call) {
                Attempt::Done(answer) => return Ok(answer),
                Attempt::Failed {
                    error,
                    retryable,
                    retry_after,
                } => {
                    if !retryable || attempt >= self.max_retries {
                        return Err(error.scrub(call.secrets));
                    }
                    let wait = match retry_after {
                        Some(wait) => wait.min(self.max_retry_delay),
                        None => self.backoff(attempt),
                    };
                    std::thread::sleep(wait);
                    attempt += 1;
                }
            }
        }
    }

    /// Exponential backoff with jitter: a random wait in [d/2, d], d = base * 2^attempt.
    fn backoff(&self, attempt: u32) -> Duration {
        backoff_delay(
            self.retry_base_delay,
            self.max_retry_delay,
            attempt,
            jitter(),
        )
    }

    fn attempt(&self, call: &Call<'_>) -> Attempt {
        let idempotent = call.method == "GET";
        let mut url = format!("{}{}", self.base, call.path);
        if let Some(q) = call.query {
            url.push('?');
            url.push_str(q);
        }
        let mut builder = ureq::http::Request::builder()
            .method(call.method)
            .uri(url.as_str())
            .header("Accept", "application/json");
        if let Some(auth) = call.authorization {
            builder = builder.header("Authorization", auth);
        }
        let body = match call.body {
            Some(v) => {
                builder = builder.header("Content-Type", "application/json");
                v.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        let request = match builder.body(body) {
            Ok(r) => r,
            Err(e) => {
                return Attempt::Failed {
                    error: Error::invalid("base_url", format!("cannot form a request URL ({e})")),
                    retryable: false,
                    retry_after: None,
                }
            }
        };
        let response = match self.agent.run(request) {
            Ok(r) => r,
            Err(e) => return self.failed(call, e, idempotent, false),
        };
        let status = response.status().as_u16();
        let request_id = header(&response, "elements-request-id");
        let retry_after = header(&response, "retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let read = response
            .into_body()
            .with_config()
            .limit(self.response_limit)
            .read_to_vec();
        let body = match read {
            Ok(b) => b,
            Err(e) => return self.failed(call, e, idempotent, true),
        };
        if (200..300).contains(&status) {
            return Attempt::Done(Answer { body });
        }
        let retryable = idempotent && matches!(status, 429 | 502 | 503 | 504);
        Attempt::Failed {
            error: api_error(status, &body, request_id, call.secrets),
            retryable,
            retry_after,
        }
    }

    /// Maps a ureq failure; `answered` means a status line already came back.
    fn failed(&self, call: &Call<'_>, e: ureq::Error, idempotent: bool, answered: bool) -> Attempt {
        let never_connected = !answered && is_connect_failure(&e);
        let may_have_reached_server = !never_connected;
        let consequence = if may_have_reached_server && !idempotent {
            match call.what {
                "create_instance" => "; the instance may have been created: check list_instances() before starting over with a fresh code",
                _ => "; the request may have taken effect",
            }
        } else {
            ""
        };
        let error = match e {
            ureq::Error::Timeout(_) => Error::Timeout {
                message: format!(
                    "{} got no complete answer within {:?}{consequence}",
                    call.what, self.timeout
                ),
                may_have_reached_server,
            },
            ureq::Error::BodyExceedsLimit(limit) => Error::Decode {
                message: format!("the answer is larger than the limit of {limit} bytes"),
            },
            other => Error::Transport {
                message: format!("{} failed: {}{consequence}", call.what, describe(&other)),
                may_have_reached_server,
            },
        };
        let retryable = match &error {
            Error::Decode { .. } => false,
            _ => idempotent || never_connected,
        };
        Attempt::Failed {
            error,
            retryable,
            retry_after: None,
        }
    }
}

/// The wait before retry number `attempt + 1`: d = base * 2^attempt, capped,
/// scaled into [d/2, d] by `unit` (in [0, 1]) so that clients spread out.
fn backoff_delay(base: Duration, cap: Duration, attempt: u32, unit: f64) -> Duration {
    let full = base.saturating_mul(1u32 << attempt.min(16)).min(cap);
    full.mul_f64(0.5 + unit.clamp(0.0, 1.0) / 2.0)
}

/// A random number in [0, 1] from the operating system (0.5 if it fails).
fn jitter() -> f64 {
    let mut bytes = [0u8; 2];
    match getrandom::fill(&mut bytes) {
        Ok(()) => f64::from(u16::from_le_bytes(bytes)) / f64::from(u16::MAX),
        Err(_) => 0.5,
    }
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// True when the failure happened before a connection existed.
fn is_connect_failure(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => true,
        ureq::Error::Io(io) => matches!(
            io.kind(),
            io::ErrorKind::ConnectionRefused | io::ErrorKind::AddrNotAvailable
        ),
        _ => false,
    }
}

/// A short description of a transport failure, without any URL in it.
fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::ConnectionFailed => "could not connect".into(),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::Io(io) => match io.kind() {
            io::ErrorKind::ConnectionRefused => "connection refused".into(),
            io::ErrorKind::ConnectionReset => "connection reset by the server".into(),
            io::ErrorKind::UnexpectedEof => {
                "the server closed the connection without answering".into()
            }
            io::ErrorKind::BrokenPipe => "the server closed the connection".into(),
            // rustls reports certificate problems as InvalidData with the reason inside.
            io::ErrorKind::InvalidData => format!("TLS or protocol error ({io})"),
            kind => format!("I/O error ({kind}: {io})"),
        },
        ureq::Error::Protocol(p) => format!("HTTP protocol error ({p})"),
        ureq::Error::Tls(t) => format!("TLS error ({t})"),
        ureq::Error::Rustls(r) => format!("TLS error ({r})"),
        ureq::Error::Pem(_) => "could not read a PEM certificate".into(),
        ureq::Error::InvalidProxyUrl => "the proxy URL is invalid".into(),
        _ => "the request failed".into(),
    }
}

/// The platform's error body `{message, requestId, providerMessage}`, or a summary.
fn api_error(
    status: u16,
    body: &[u8],
    header_request_id: Option<String>,
    secrets: &[&str],
) -> Error {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let field = |name: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(Value::as_str)
            .map(crate::oauth::printable)
            .filter(|s| !s.is_empty())
    };
    let message = field("message").unwrap_or_else(|| {
        // Scrubbed before it is cut short, so no prefix of a secret survives.
        let text = crate::secret::scrub(&String::from_utf8_lossy(body), secrets);
        let snippet: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
        if snippet.trim().is_empty() {
            format!("HTTP {status} with an empty body")
        } else {
            format!("HTTP {status} with a body that is not the platform's JSON: {snippet}")
        }
    });
    let header_request_id = header_request_id.map(|id| crate::oauth::printable(&id));
    if (300..400).contains(&status) {
        return Error::Api {
            status,
            message: format!("unexpected redirect: {message}"),
            request_id: field("requestId").or(header_request_id),
            provider_message: None,
        };
    }
    Error::Api {
        status,
        message,
        request_id: field("requestId").or(header_request_id),
        provider_message: field("providerMessage"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn backoff_doubles_within_jitter_bounds_and_is_capped() {
        let base = 100 * MS;
        let cap = 1000 * MS;
        for attempt in 0..4 {
            let d = base * (1 << attempt);
            assert_eq!(backoff_delay(base, cap, attempt, 0.0), d / 2);
            assert_eq!(backoff_delay(base, cap, attempt, 1.0), d);
        }
        assert_eq!(backoff_delay(base, cap, 10, 1.0), cap);
        assert_eq!(backoff_delay(base, cap, 10, 0.0), cap / 2);
        assert_eq!(
            backoff_delay(base, cap, 40, 1.0),
            cap,
            "no overflow on many attempts"
        );
    }

    #[test]
    fn jitter_spreads_retries() {
        let draws: Vec<f64> = (0..32).map(|_| jitter()).collect();
        assert!(draws.iter().all(|u| (0.0..=1.0).contains(u)));
        let first = draws[0];
        assert!(
            draws.iter().any(|u| (u - first).abs() > 1e-9),
            "jitter is not constant"
        );
    }
}
