//! The one way requests reach the platform: the agent, the retry policy,
//! timeouts, the response limit, and the mapping of failures to errors.

use crate::options::Settings;
use crate::wire::PlatformErrorBody;
use crate::{Error, Operation, Result};
use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, NextTimeout, RustlsConnector,
    TcpConnector, Transport as Io,
};

/// When and how often a failed call is tried again.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First wait; it doubles with each retry.
    pub base_delay: Duration,
    /// Cap on one wait, `Retry-After` included.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// Exponential backoff with jitter: a random wait in [d/2, d], d = base * 2^attempt.
    fn backoff(&self, attempt: u32) -> Duration {
        backoff_delay(self.base_delay, self.max_delay, attempt, jitter())
    }
}

/// One request, before the base URL is put in front of its path.
pub(crate) struct Request<'a> {
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub body: Option<&'a [u8]>,
    pub authorization: Option<&'a str>,
}

/// The agent and everything that decides how a request is sent.
pub(crate) struct Transport {
    agent: ureq::Agent,
    /// The checked base URL, as sent (without a trailing `/`).
    base: String,
    timeout: Duration,
    retry: RetryPolicy,
    response_limit: u64,
}

impl Transport {
    /// The agent for these settings (proxy, TLS roots, timeouts).
    pub(crate) fn new(settings: &Settings) -> Result<Transport> {
        let loopback = settings
            .base
            .host()
            .as_ref()
            .is_some_and(crate::validate::is_loopback_host);
        let proxy = match (&settings.proxy, loopback) {
            (_, true) => None,
            (Some(url), false) => Some(connect_proxy(url)?),
            // A SOCKS proxy from the environment is not ours to refuse
            // (other tools may use it); it is not used, as with a proxy
            // setting this client cannot follow.
            (None, false) => ureq::Proxy::try_from_env().filter(|p| !is_socks(p)),
        };
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(path) = &settings.ca_file {
            tls = tls.root_certs(load_ca_file(path)?);
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(settings.timeout))
            .user_agent(settings.user_agent.as_str())
            .proxy(proxy)
            .tls_config(tls.build())
            .build();
        let resolver = LoopbackAwareResolver {
            loopback_only: settings.base.scheme() == "http",
            cache: Mutex::new(None),
        };
        Ok(Transport {
            agent: ureq::Agent::with_parts(config, connector(), resolver),
            base: settings.base.as_str().trim_end_matches('/').to_owned(),
            timeout: settings.timeout,
            retry: RetryPolicy {
                max_retries: settings.max_retries,
                base_delay: settings.retry_base_delay,
                max_delay: settings.max_retry_delay,
            },
            response_limit: settings.response_limit,
        })
    }

    /// The base URL requests go to.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// The time limit of one attempt.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends `request` for `operation` and returns the body of its 2xx
    /// answer, retrying exactly when [`Error::is_retryable`] says it is safe.
    /// Error texts are scrubbed of `secrets`.
    pub(crate) fn send(
        &self,
        operation: Operation,
        request: &Request<'_>,
        secrets: &[&str],
    ) -> Result<Vec<u8>> {
        let mut attempt = 0;
        loop {
            match self.attempt(operation, request, secrets) {
                Ok(body) => return Ok(body),
                Err((error, retry_after)) => {
                    if attempt >= self.retry.max_retries || !error.is_retryable() {
                        return Err(error.scrub(secrets));
                    }
                    let wait = match retry_after {
                        Some(wait) => wait.min(self.retry.max_delay),
                        None => self.retry.backoff(attempt),
                    };
                    std::thread::sleep(wait);
                    attempt += 1;
                }
            }
        }
    }

    /// One attempt; on failure the error and the server's `Retry-After`.
    fn attempt(
        &self,
        operation: Operation,
        request: &Request<'_>,
        secrets: &[&str],
    ) -> std::result::Result<Vec<u8>, (Error, Option<Duration>)> {
        let mut url = String::with_capacity(
            self.base.len() + request.path.len() + request.query.map_or(0, |q| q.len() + 1),
        );
        url.push_str(&self.base);
        url.push_str(request.path);
        if let Some(q) = request.query {
            url.push('?');
            url.push_str(q);
        }
        let mut builder = ureq::http::Request::builder()
            .method(operation.method())
            .uri(url)
            .header("Accept", "application/json");
        if let Some(auth) = request.authorization {
            builder = builder.header("Authorization", auth);
        }
        if request.body.is_some() {
            builder = builder.header("Content-Type", "application/json");
        }
        let built = builder
            .body(request.body.unwrap_or_default())
            .map_err(|e| {
                (
                    Error::invalid(
                        "request",
                        format!("cannot form an HTTP request from these values ({e})"),
                    ),
                    None,
                )
            })?;
        let response = self
            .agent
            .run(built)
            .map_err(|e| (self.failed(operation, e, false), None))?;
        let status = response.status().as_u16();
        let ok = (200..300).contains(&status);
        // Only an error answer's headers matter.
        let request_id = (!ok)
            .then(|| header(&response, "elements-request-id"))
            .flatten();
        let retry_after = (!ok)
            .then(|| header(&response, "retry-after"))
            .flatten()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut answer = response.into_body();
        // Sized from Content-Length (up to a bound, as the header may lie), so
        // that reading does not grow the buffer step by step on every call.
        let expected = answer
            .content_length()
            .unwrap_or(0)
            .min(self.response_limit)
            .min(PREALLOCATED_ANSWER_MAX) as usize;
        let mut body = Vec::with_capacity(expected.max(256));
        answer
            .with_config()
            .limit(self.response_limit)
            .reader()
            .read_to_end(&mut body)
            .map_err(ureq::Error::from)
            .map_err(|e| {
                let mut error = self.failed(operation, e, true);
                if let Error::Decode {
                    may_have_reached_server,
                    ..
                } = &mut error
                {
                    // Too large an answer to a request the platform accepted.
                    *may_have_reached_server = (200..300).contains(&status);
                }
                (error, None)
            })?;
        if ok {
            return Ok(body);
        }
        Err((
            api_error(operation, status, &body, request_id, secrets),
            retry_after,
        ))
    }

    /// Maps a ureq failure; `answered` means a status line already came back.
    fn failed(&self, operation: Operation, e: ureq::Error, answered: bool) -> Error {
        let may_have_reached_server = answered || !is_connect_failure(&e);
        let what = operation.endpoint();
        match e {
            ureq::Error::Timeout(_) => Error::Timeout {
                operation: Some(operation),
                message: format!("{what} got no complete answer within {:?}", self.timeout),
                may_have_reached_server,
            },
            ureq::Error::BodyExceedsLimit(limit) => Error::Decode {
                operation: Some(operation),
                message: format!("the answer is larger than the limit of {limit} bytes"),
                may_have_reached_server,
            },
            other => Error::Transport {
                operation: Some(operation),
                message: format!("{what} failed: {}", describe(&other)),
                may_have_reached_server,
            },
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

/// True when the failure happened before a connection to the platform
/// existed, so the request cannot have reached it.
fn is_connect_failure(e: &ureq::Error) -> bool {
    match e {
        ureq::Error::ConnectionFailed
        | ureq::Error::HostNotFound
        | ureq::Error::ConnectProxyFailed(_)
        | ureq::Error::InvalidProxyUrl => true,
        ureq::Error::Timeout(t) => matches!(t, ureq::Timeout::Resolve | ureq::Timeout::Connect),
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
        // The proxy's own answer; its text names no URL of ours.
        ureq::Error::ConnectProxyFailed(_) => {
            "the proxy refused to open a tunnel to the platform".into()
        }
        _ => "the request failed".into(),
    }
}

/// The platform's error body `{message, requestId, providerMessage}`, or a summary.
pub(crate) fn api_error(
    operation: Operation,
    status: u16,
    body: &[u8],
    header_request_id: Option<String>,
    secrets: &[&str],
) -> Error {
    let parsed: PlatformErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let clean = |text: Option<String>| {
        text.map(|t| crate::text::scrub_printable(&t, secrets))
            .filter(|s| !s.is_empty())
    };
    let message = clean(parsed.message).unwrap_or_else(|| {
        // Made safe before it is cut short, so no prefix of a secret survives.
        let text = crate::text::scrub_printable(&String::from_utf8_lossy(body), secrets);
        let snippet: String = text.chars().take(200).collect();
        if snippet.trim().is_empty() {
            format!("HTTP {status} with an empty body")
        } else {
            format!("HTTP {status} with a body that is not the platform's JSON: {snippet}")
        }
    });
    let request_id = clean(parsed.request_id).or_else(|| clean(header_request_id));
    if (300..400).contains(&status) {
        return Error::Api {
            operation: Some(operation),
            status,
            message: format!("unexpected redirect: {message}"),
            request_id,
            provider_message: None,
        };
    }
    Error::Api {
        operation: Some(operation),
        status,
        message,
        request_id,
        provider_message: clean(parsed.provider_message),
    }
}

/// The operating system's trusted roots plus the certificates of `path`, so
/// that a private CA (a TLS-inspecting proxy, say) is trusted as well.
fn load_ca_file(path: &std::path::Path) -> Result<ureq::tls::RootCerts> {
    let pem = std::fs::read(path)
        .map_err(|e| Error::invalid("ca_file", format!("cannot read {}: {e}", path.display())))?;
    let mut extra = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(cert)) => extra.push(cert),
            Ok(_) => {}
            Err(e) => return Err(Error::invalid("ca_file", format!("not a PEM file: {e}"))),
        }
    }
    if extra.is_empty() {
        return Err(Error::invalid("ca_file", "holds no PEM certificate"));
    }
    // A machine without a CA bundle simply contributes no roots.
    let system = rustls_native_certs::load_native_certs().certs;
    let mut certs: Vec<ureq::tls::Certificate<'static>> = system
        .iter()
        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    certs.extend(extra);
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

/// The most memory set aside for an answer before its bytes arrive.
const PREALLOCATED_ANSWER_MAX: u64 = 64 * 1024;

/// How long a name's addresses are reused before it is looked up again.
const DNS_CACHE_TTL: Duration = Duration::from_secs(30);

/// The proxy option as a CONNECT proxy (`http://` or `https://`): a SOCKS
/// proxy is refused, since requests would otherwise go around it.
fn connect_proxy(url: &str) -> Result<ureq::Proxy> {
    let proxy = ureq::Proxy::new(url)
        .map_err(|e| Error::invalid("proxy", format!("not a usable proxy URL ({e})")))?;
    if is_socks(&proxy) {
        return Err(Error::invalid(
            "proxy",
            "must be an http:// or https:// (CONNECT) proxy; SOCKS proxies are not supported",
        ));
    }
    Ok(proxy)
}

fn is_socks(proxy: &ureq::Proxy) -> bool {
    !matches!(
        proxy.protocol(),
        ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https
    )
}

/// ureq's own chain (a CONNECT proxy, TCP, rustls) with [`SteadyTimeouts`]
/// between TCP and TLS.
fn connector() -> impl Connector<Out = impl Io> {
    ().chain(ConnectProxyConnector::default())
        .chain(TcpConnector::default())
        .chain(SteadyTimeouts)
        .chain(RustlsConnector::default())
}

/// Keeps the socket's time limits steady. ureq changes a socket's timeout
/// (a system call) whenever the limit it is given differs from the last
/// one, and under a deadline that is every read and write of every call.
/// Given a limit a little above what is left, kept while it is at most 1/32
/// above, the TCP transport sees the same limit call after call; a deadline
/// is then overshot by 1/32 of what was left at most, never cut short.
#[derive(Debug)]
struct SteadyTimeouts;

impl<In: Io> Connector<In> for SteadyTimeouts {
    type Out = Steady<In>;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<In>,
    ) -> std::result::Result<Option<Steady<In>>, ureq::Error> {
        Ok(chained.map(|inner| Steady {
            inner,
            read: None,
            write: None,
            held: Vec::new(),
            held_timeout: None,
        }))
    }
}

/// A transport whose read and write limits are kept by [`steady`], and
/// which sends a request's head and a small body in one write: ureq hands
/// them down one after the other, and two writes cost a system call more
/// and reach the server as two segments.
#[derive(Debug)]
struct Steady<T> {
    inner: T,
    read: Option<Duration>,
    write: Option<Duration>,
    /// Output handed down but not yet written (a request's head), sent
    /// with the next output or before any input is awaited.
    held: Vec<u8>,
    held_timeout: Option<NextTimeout>,
}

/// The most output held back for the next write.
const HELD_OUTPUT_MAX: usize = 8 * 1024;

impl<T: Io> Steady<T> {
    /// Writes `amount` bytes of the output buffer, after what is held.
    fn send(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        let timeout = steady(&mut self.write, timeout);
        if self.held.is_empty() {
            return self.inner.transmit_output(amount, timeout);
        }
        let held = std::mem::take(&mut self.held);
        self.held_timeout = None;
        let output = self.inner.buffers().output();
        if held.len() + amount <= output.len() {
            output.copy_within(..amount, held.len());
            output[..held.len()].copy_from_slice(&held);
            return self.inner.transmit_output(held.len() + amount, timeout);
        }
        let rest = output[..amount].to_vec();
        output[..held.len()].copy_from_slice(&held);
        self.inner.transmit_output(held.len(), timeout)?;
        self.inner.buffers().output()[..amount].copy_from_slice(&rest);
        self.inner.transmit_output(amount, timeout)
    }

    /// Writes what is held, before waiting for an answer to it.
    fn flush(&mut self) -> std::result::Result<(), ureq::Error> {
        match self.held_timeout {
            Some(timeout) if !self.held.is_empty() => self.send(0, timeout),
            _ => Ok(()),
        }
    }
}

impl<T: Io> Io for Steady<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        if self.held.is_empty() && amount <= HELD_OUTPUT_MAX {
            let output = self.inner.buffers().output();
            self.held.extend_from_slice(&output[..amount]);
            self.held_timeout = Some(timeout);
            return Ok(());
        }
        self.send(amount, timeout)
    }

    fn maybe_await_input(
        &mut self,
        timeout: NextTimeout,
    ) -> std::result::Result<bool, ureq::Error> {
        self.flush()?;
        let timeout = steady(&mut self.read, timeout);
        self.inner.maybe_await_input(timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.flush()?;
        let timeout = steady(&mut self.read, timeout);
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// `timeout` with the limit last handed down (`last`) when that is at
/// least what is left and at most 1/32 above it; otherwise with a new limit
/// 1/64 above what is left, remembered in `last`.
fn steady(last: &mut Option<Duration>, mut timeout: NextTimeout) -> NextTimeout {
    if timeout.after.is_not_happening() || timeout.after.is_zero() {
        return timeout;
    }
    let left = *timeout.after;
    let limit = last
        .filter(|l| *l >= left && *l - left <= left / 32)
        .unwrap_or_else(|| left.saturating_add(left / 64));
    *last = Some(limit);
    timeout.after = limit.into();
    timeout
}

/// Name resolution without a thread per request: IP literals and
/// `localhost` are answered directly (`localhost` always as loopback, never
/// through DNS), other names are looked up by the system resolver, bounded
/// by the timeout, and remembered for [`DNS_CACHE_TTL`]. For a plain-http
/// base (loopback only), any address that is not loopback is refused, so
/// secrets never travel in clear text off the machine.
#[derive(Debug)]
struct LoopbackAwareResolver {
    loopback_only: bool,
    cache: Mutex<Option<(String, Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for LoopbackAwareResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or_default();
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("http") {
                80
            } else {
                443
            });
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        let direct: Option<Vec<IpAddr>> = if let Ok(ip) = literal.parse::<IpAddr>() {
            Some(vec![ip])
        } else if literal.eq_ignore_ascii_case("localhost") {
            Some(vec![
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(Ipv6Addr::LOCALHOST),
            ])
        } else {
            None
        };
        let addrs = match direct {
            Some(ips) => {
                let mut out = self.empty();
                for ip in ips {
                    out.push(SocketAddr::new(ip, port));
                }
                out
            }
            None => {
                let key = format!("{host}:{port}");
                let cached = crate::lock(&self.cache)
                    .as_ref()
                    .filter(|(k, at, _)| *k == key && at.elapsed() < DNS_CACHE_TTL)
                    .map(|(_, _, addrs)| addrs.clone());
                match cached {
                    Some(addrs) => addrs,
                    None => {
                        let addrs = DefaultResolver::default().resolve(uri, config, timeout)?;
                        *crate::lock(&self.cache) = Some((key, Instant::now(), addrs.clone()));
                        addrs
                    }
                }
            }
        };
        if self.loopback_only && addrs.iter().any(|a| !a.ip().is_loopback()) {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn limit(last: &mut Option<Duration>, left: Duration) -> Duration {
        let t = NextTimeout {
            after: left.into(),
            ..NextTimeout::default()
        };
        *steady(last, t).after
    }

    #[test]
    fn steady_limits_are_never_short_and_overshoot_by_a_32nd_at_most() {
        for start in [1, 7, 300, 1_000, 30_000, 86_400_000].map(|ms| ms * MS) {
            let mut last = None;
            // A deadline nearing, in small and large steps.
            let mut left = start;
            while left > MS / 10 {
                let l = limit(&mut last, left);
                assert!(l >= left, "{left:?} became {l:?}");
                assert!(l - left <= left / 32, "{left:?} became {l:?}");
                left = left * 9 / 10 - MS / 100;
            }
        }
        assert!(
            limit(&mut None, Duration::ZERO).is_zero(),
            "an expired limit stays expired"
        );
        assert!(steady(&mut None, NextTimeout::default())
            .after
            .is_not_happening());
    }

    #[test]
    fn steady_limits_stay_the_same_from_call_to_call() {
        // What is left of a 30 s limit at each read of many short calls, on
        // one connection: the limit handed down never changes.
        let mut last = None;
        let first = limit(&mut last, 30_000 * MS - Duration::from_micros(7));
        for used in [3, 20, 5, 500, 9, 50_000, 2].map(Duration::from_micros) {
            assert_eq!(
                limit(&mut last, 30_000 * MS - used),
                first,
                "after {used:?}"
            );
        }
    }

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
