//! Event delivery, as the platform does it: [`crate::Sandbox::trigger_event`]
//! builds one notification in the documented envelope, signs the exact bytes
//! it sends when the instance has a signature key, and a background worker
//! POSTs it to the instance's `event.notification.callback.url`, retrying a
//! non-2xx answer or a connection failure on the platform's schedule: up to
//! [`MAX_RETRIES`] retries, the first [`crate::SandboxOptions::event_retry_delay`]
//! after the failure, each next one [`RETRY_FACTOR`] times longer; then the
//! delivery is failed. Only loopback addresses are delivered to.
//!
//! The signature is computed here, with its own HMAC, rather than with the
//! client crate's: the sandbox is what that crate is tested against.

use crate::state::Instance;
use crate::util::{iso_now, random_hex};
use crate::{lock, SandboxError, Shared};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Retries after the first attempt, as on the platform: 10 attempts in all.
pub const MAX_RETRIES: u32 = 9;
/// Each retry waits this many times longer than the one before.
pub const RETRY_FACTOR: u32 = 4;
/// The first retry's delay unless set (the platform's is 4 s).
pub const DEFAULT_EVENT_RETRY_DELAY: Duration = Duration::from_millis(100);
/// The longest first retry delay a sandbox accepts (the platform's 4 s fits).
pub const MAX_EVENT_RETRY_DELAY: Duration = Duration::from_secs(3600);
/// Deliveries [`crate::Sandbox::deliveries`] keeps; beyond it the oldest
/// finished ones are dropped, and a trigger is refused while this many are
/// still being retried.
pub const MAX_DELIVERIES: usize = 1000;
/// How long one attempt may take to connect, send and read the answer's head.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of an answer read before the connection is closed.
const MAX_ANSWER: u64 = 64 * 1024;
/// The header that carries the signature (the platform's name).
const SIGNATURE_HEADER: &str = "Elements-Webhook-Signature";

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Not yet answered with a 2xx, and retries are left.
    Pending,
    /// An attempt was answered with a 2xx status.
    Delivered,
    /// Every attempt failed (1 + [`MAX_RETRIES`]); the platform would now
    /// deactivate the subscription.
    Failed,
}

impl DeliveryState {
    /// `pending`, `delivered` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }
}

/// One triggered event's delivery: what was sent where, and how each
/// attempt went. Holds no secret (the signature is a MAC, not the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The event's id, as `trigger_event` returned it and the body's `eventId`.
    pub event_id: u64,
    /// The instance the event is about.
    pub instance_id: i64,
    /// The instance's `event.notification.callback.url`, POSTed to.
    pub url: String,
    /// Each attempt's HTTP status, in order; 0 for a connection failure (or
    /// an answer that was not HTTP).
    pub attempts: Vec<u16>,
    /// Pending, delivered or failed.
    pub state: DeliveryState,
    /// The exact body sent (JSON text), the same on every attempt.
    pub body: String,
    /// The `Elements-Webhook-Signature` header sent, when the instance has
    /// a signature key.
    pub signature: Option<String>,
}

impl Delivery {
    /// `{eventId, instanceId, url, attempts, state, body, signature}`, for bindings.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "eventId": self.event_id,
            "instanceId": self.instance_id,
            "url": self.url,
            "attempts": self.attempts,
            "state": self.state.as_str(),
            "body": self.body,
            "signature": self.signature,
        })
    }
}

/// The event types a trigger may name (case-insensitive), as the platform spells them.
const EVENT_TYPES: [&str; 3] = ["CREATED", "UPDATED", "DELETED"];

/// A delivery and where to send it.
struct Entry {
    delivery: Delivery,
    target: Target,
}

/// A loopback HTTP endpoint, checked when the event is triggered.
#[derive(Clone)]
struct Target {
    host: String,
    port: u16,
    /// Path and query, as the request target.
    target: String,
}

/// The deliveries and the worker that makes them.
pub(crate) struct Events {
    state: Mutex<EventState>,
    wake: Condvar,
    worker: Mutex<Option<JoinHandle<()>>>,
}

#[derive(Default)]
struct EventState {
    last_event_id: u64,
    deliveries: BTreeMap<u64, Entry>,
    /// Attempts due, earliest first (ties in trigger order).
    queue: BinaryHeap<Reverse<(Instant, u64)>>,
    /// The connection of the attempt under way, so that `stop` can cut it.
    in_flight: Option<TcpStream>,
    stopping: bool,
}

impl Events {
    pub(crate) fn new() -> Events {
        Events {
            state: Mutex::new(EventState::default()),
            wake: Condvar::new(),
            worker: Mutex::new(None),
        }
    }

    /// Every delivery kept, oldest first.
    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        let st = lock(&self.state);
        st.deliveries.values().map(|e| e.delivery.clone()).collect()
    }

    /// One delivery by event id.
    pub(crate) fn delivery(&self, event_id: u64) -> Option<Delivery> {
        let st = lock(&self.state);
        st.deliveries.get(&event_id).map(|e| e.delivery.clone())
    }

    /// Ends retries and joins the worker: an attempt under way is cut off;
    /// unfinished deliveries stay pending. Idempotent.
    pub(crate) fn stop(&self) {
        {
            let mut st = lock(&self.state);
            st.stopping = true;
            if let Some(conn) = st.in_flight.take() {
                let _ = conn.shutdown(Shutdown::Both);
            }
        }
        self.wake.notify_all();
        if let Some(handle) = lock(&self.worker).take() {
            let _ = handle.join();
        }
    }
}

fn wait<'a>(
    wake: &Condvar,
    guard: MutexGuard<'a, EventState>,
    timeout: Option<Duration>,
) -> MutexGuard<'a, EventState> {
    match timeout {
        Some(t) => {
            wake.wait_timeout(guard, t)
                .unwrap_or_else(|e| e.into_inner())
                .0
        }
        None => wake.wait(guard).unwrap_or_else(|e| e.into_inner()),
    }
}

/// A trigger's arguments after checking, and what the instance says.
struct Prepared {
    instance_id: i64,
    element_key: &'static str,
    object_type: String,
    object_id: String,
    event_type: &'static str,
    url: String,
    target: Target,
    signature_key: Option<String>,
}

fn bad(field: &str, reason: impl Into<String>) -> SandboxError {
    SandboxError::for_field(field, reason)
}

/// Checks a trigger against the instance it names.
fn prepare(
    shared: &Shared,
    instance_id: i64,
    object_type: &str,
    event_type: &str,
    object_id: Option<&str>,
) -> Result<Prepared, SandboxError> {
    let event_type = EVENT_TYPES
        .into_iter()
        .find(|t| t.eq_ignore_ascii_case(event_type.trim()))
        .ok_or_else(|| bad("event_type", "must be CREATED, UPDATED or DELETED"))?;
    if object_type.trim().is_empty() || object_type.chars().any(char::is_control) {
        return Err(bad(
            "object_type",
            "must be a non-empty name without control characters",
        ));
    }
    if let Some(id) = object_id {
        if id.trim().is_empty() || id.chars().any(char::is_control) {
            return Err(bad(
                "object_id",
                "must be non-empty and without control characters when given",
            ));
        }
    }
    let state = lock(&shared.state);
    let instance = u64::try_from(instance_id)
        .ok()
        .and_then(|id| state.instances.get(&id))
        .ok_or_else(|| {
            bad(
                "instance_id",
                format!("no instance {instance_id} in this sandbox"),
            )
        })?;
    if !instance.events_enabled {
        return Err(bad(
            "instance_id",
            format!(
                "instance {instance_id} has no events enabled: create it with events \
                 (event.notification.enabled) to receive notifications"
            ),
        ));
    }
    check_resource(instance, object_type)?;
    let url = instance
        .configuration
        .get("event.notification.callback.url")
        .cloned()
        .unwrap_or_default();
    let target = loopback_target(&url).ok_or_else(|| {
        SandboxError::new(format!(
            "instance {instance_id}'s event.notification.callback.url is not an http:// URL on \
             a loopback address: the sandbox delivers only to 127.0.0.1, [::1] or localhost"
        ))
    })?;
    let signature_key = instance
        .configuration
        .get("event.notification.signature.key")
        .filter(|k| !k.is_empty())
        .cloned();
    Ok(Prepared {
        instance_id,
        element_key: instance.element.key,
        object_type: object_type.to_owned(),
        object_id: object_id.map_or_else(|| random_hex(8), str::to_owned),
        event_type,
        url,
        target,
        signature_key,
    })
}

/// A polling instance whose poller configuration names its resources
/// gets events for those resources only.
fn check_resource(instance: &Instance, object_type: &str) -> Result<(), SandboxError> {
    let polling = instance
        .configuration
        .get("event.vendor.type")
        .or_else(|| instance.configuration.get("event.notification.type"))
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("polling"));
    let resources: Vec<String> = instance
        .configuration
        .get("event.poller.configuration")
        .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
        .and_then(|c| c.as_object().map(|o| o.keys().cloned().collect()))
        .unwrap_or_default();
    if polling && !resources.is_empty() && !resources.iter().any(|r| r == object_type) {
        return Err(bad(
            "object_type",
            format!(
                "instance {} polls only {} (its event.poller.configuration), not '{object_type}'",
                instance.id,
                resources.join(", ")
            ),
        ));
    }
    Ok(())
}

/// The host, port and request target of an `http://` URL on a loopback
/// host (an IP literal or `localhost`); `None` for anything else.
fn loopback_target(url: &str) -> Option<Target> {
    let parsed = url::Url::parse(url).ok()?;
    if parsed.scheme() != "http" {
        return None;
    }
    let host = match parsed.host()? {
        url::Host::Ipv4(ip) if ip.is_loopback() => ip.to_string(),
        url::Host::Ipv6(ip) if ip.is_loopback() => ip.to_string(),
        url::Host::Domain(d) if d.eq_ignore_ascii_case("localhost") => "localhost".to_owned(),
        _ => return None,
    };
    let mut target = parsed.path().to_owned();
    if let Some(q) = parsed.query() {
        target.push('?');
        target.push_str(q);
    }
    Some(Target {
        host,
        port: parsed.port_or_known_default()?,
        target,
    })
}

/// The notification body, in the platform's envelope.
fn body(event_id: u64, p: &Prepared) -> String {
    serde_json::json!({
        "eventId": event_id,
        "instanceId": p.instance_id,
        "notificationId": notification_id(),
        "response": {
            "events": [{
                "elementKey": p.element_key,
                "objectType": p.object_type,
                "objectId": p.object_id,
                "eventType": p.event_type,
                "date": iso_now(),
            }],
        },
    })
    .to_string()
}

/// A random id in the 8-4-4-4-12 hex form the platform's ids take.
fn notification_id() -> String {
    let h = random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// `sha256=<base64 HMAC-SHA256(key, body)>`.
fn sign(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    format!(
        "sha256={}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// Checks and queues one event for delivery; returns its event id.
pub(crate) fn trigger(
    shared: &Arc<Shared>,
    instance_id: i64,
    object_type: &str,
    event_type: &str,
    object_id: Option<&str>,
) -> Result<u64, SandboxError> {
    let prepared = prepare(shared, instance_id, object_type, event_type, object_id)?;
    let events = &shared.events;
    let mut st = lock(&events.state);
    if st.stopping {
        return Err(SandboxError::new(
            "the sandbox is stopped: no event can be delivered",
        ));
    }
    while st.deliveries.len() >= MAX_DELIVERIES {
        let finished = st
            .deliveries
            .iter()
            .find(|(_, e)| e.delivery.state != DeliveryState::Pending)
            .map(|(id, _)| *id);
        let Some(id) = finished else {
            return Err(SandboxError::new(format!(
                "{MAX_DELIVERIES} deliveries are still being retried: wait for them, or start \
                 the sandbox with a shorter event_retry_delay"
            )));
        };
        st.deliveries.remove(&id);
    }
    st.last_event_id += 1;
    let event_id = st.last_event_id;
    let body = body(event_id, &prepared);
    let signature = prepared
        .signature_key
        .as_deref()
        .map(|key| sign(key, body.as_bytes()));
    let delivery = Delivery {
        event_id,
        instance_id,
        url: prepared.url,
        attempts: Vec::new(),
        state: DeliveryState::Pending,
        body,
        signature,
    };
    st.deliveries.insert(
        event_id,
        Entry {
            delivery,
            target: prepared.target,
        },
    );
    st.queue.push(Reverse((Instant::now(), event_id)));
    drop(st);
    ensure_worker(shared)?;
    events.wake.notify_all();
    Ok(event_id)
}

/// Starts the delivery worker on the first trigger.
fn ensure_worker(shared: &Arc<Shared>) -> Result<(), SandboxError> {
    let mut worker = lock(&shared.events.worker);
    if worker.is_none() {
        let for_worker = Arc::clone(shared);
        let handle = std::thread::Builder::new()
            .name(format!("sandbox-events-{}", shared.port))
            .spawn(move || work(&for_worker))
            .map_err(|e| SandboxError::new(format!("could not start the delivery thread: {e}")))?;
        *worker = Some(handle);
    }
    Ok(())
}

/// The worker: makes each attempt when it is due, until the sandbox stops.
fn work(shared: &Shared) {
    let events = &shared.events;
    let retry_delay = shared.event_retry_delay;
    loop {
        let (event_id, target, body, signature) = {
            let mut st = lock(&events.state);
            let event_id = loop {
                if st.stopping {
                    return;
                }
                let now = Instant::now();
                match st.queue.peek().copied() {
                    Some(Reverse((due, id))) if due <= now => {
                        st.queue.pop();
                        break id;
                    }
                    Some(Reverse((due, _))) => st = wait(&events.wake, st, Some(due - now)),
                    None => st = wait(&events.wake, st, None),
                }
            };
            let Some(entry) = st.deliveries.get(&event_id) else {
                continue;
            };
            (
                event_id,
                entry.target.clone(),
                entry.delivery.body.clone(),
                entry.delivery.signature.clone(),
            )
        };
        let status = attempt(events, &target, body.as_bytes(), signature.as_deref());
        let mut st = lock(&events.state);
        st.in_flight = None;
        if st.stopping {
            // Cut off by `stop`: not an answer of the receiver's.
            return;
        }
        let Some(entry) = st.deliveries.get_mut(&event_id) else {
            continue;
        };
        let delivery = &mut entry.delivery;
        delivery.attempts.push(status);
        let failures = delivery.attempts.len() as u32;
        if (200..300).contains(&status) {
            delivery.state = DeliveryState::Delivered;
        } else if failures > MAX_RETRIES {
            delivery.state = DeliveryState::Failed;
        } else {
            // The x-th retry waits retry_delay * 4^(x-1) after the x-th failure.
            let delay = RETRY_FACTOR
                .checked_pow(failures - 1)
                .and_then(|f| retry_delay.checked_mul(f));
            match delay.and_then(|d| Instant::now().checked_add(d)) {
                Some(due) => st.queue.push(Reverse((due, event_id))),
                // Beyond the clock: it would never come.
                None => delivery.state = DeliveryState::Failed,
            }
        }
    }
}

/// One POST; the answer's status, or 0 when there was none.
fn attempt(events: &Events, target: &Target, body: &[u8], signature: Option<&str>) -> u16 {
    let Some(conn) = connect(target) else {
        return 0;
    };
    {
        let mut st = lock(&events.state);
        if st.stopping {
            return 0;
        }
        st.in_flight = conn.try_clone().ok();
    }
    post(conn, target, body, signature).unwrap_or(0)
}

/// A connection to a loopback address of the target (a name is resolved,
/// and only its loopback addresses are tried).
fn connect(target: &Target) -> Option<TcpStream> {
    let addrs: Vec<SocketAddr> = match target.host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, target.port)],
        Err(_) => (target.host.as_str(), target.port)
            .to_socket_addrs()
            .ok()?
            .collect(),
    };
    addrs
        .into_iter()
        .filter(|a| a.ip().is_loopback())
        .find_map(|a| TcpStream::connect_timeout(&a, ATTEMPT_TIMEOUT).ok())
}

fn post(mut conn: TcpStream, target: &Target, body: &[u8], signature: Option<&str>) -> Option<u16> {
    conn.set_read_timeout(Some(ATTEMPT_TIMEOUT)).ok()?;
    conn.set_write_timeout(Some(ATTEMPT_TIMEOUT)).ok()?;
    let host = if target.host.contains(':') {
        format!("[{}]:{}", target.host, target.port)
    } else {
        format!("{}:{}", target.host, target.port)
    };
    let mut head = format!(
        "POST {} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: elements-auth-sandbox/{}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        target.target,
        env!("CARGO_PKG_VERSION"),
        body.len()
    );
    if let Some(sig) = signature {
        head.push_str(&format!("{SIGNATURE_HEADER}: {sig}\r\n"));
    }
    head.push_str("\r\n");
    conn.write_all(head.as_bytes()).ok()?;
    conn.write_all(body).ok()?;
    conn.flush().ok()?;
    let mut reader = BufReader::new(conn.take(MAX_ANSWER));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let version = parts.next()?;
    let status: u16 = parts.next()?.parse().ok()?;
    if !version.starts_with("HTTP/1.") || !(100..=599).contains(&status) {
        return None;
    }
    // Read the rest of the answer (bounded) so the receiver's write is not
    // cut short, then close.
    let mut length = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<u64>().ok();
            }
        }
    }
    let mut sink = Vec::new();
    let _ = match length {
        Some(n) => reader.take(n).read_to_end(&mut sink),
        None => reader.read_to_end(&mut sink),
    };
    Some(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_on_loopback_is_a_target() {
        let t = loopback_target("http://127.0.0.1:8080/events?x=1").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.target.as_str()),
            ("127.0.0.1", 8080, "/events?x=1")
        );
        assert_eq!(loopback_target("http://localhost/e").unwrap().port, 80);
        assert_eq!(loopback_target("http://[::1]:9/e").unwrap().host, "::1");
        assert!(loopback_target("http://127.9.9.9:1/").is_some());
        for url in [
            "https://127.0.0.1/e",
            "http://app.example.com/events",
            "http://10.0.0.1/e",
            "http://localhost.example.com/e",
            "not a url",
        ] {
            assert!(loopback_target(url).is_none(), "{url}");
        }
    }

    #[test]
    fn the_signature_is_the_documented_hmac() {
        assert_eq!(
            sign(
                "MySecretEventSignatureKey",
                b"<INSERT_EVENT_NOTIFICATION_RESPONSE_BODY>"
            ),
            "sha256=jHdbRx5EZAsOfTwAPJOGkNUzQMVVdu5VJlxcsk+G6jQ="
        );
    }

    #[test]
    fn notification_ids_have_the_platform_shape() {
        let id = notification_id();
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
    }
}
