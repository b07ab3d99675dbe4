//! The sandbox's in-memory state: known elements, registered apps, codes,
//! instances, queued faults and the request log.

use crate::RecordedRequest;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

/// One element (connector) the sandbox knows.
pub(crate) struct Element {
    pub id: u64,
    pub key: &'static str,
    pub name: &'static str,
    /// True for OAuth 2.0 elements; false for basic-auth ones.
    pub oauth: bool,
    pub default_scope: &'static str,
    /// Query parameters `oauth/url` requires besides apiKey/apiSecret/callbackUrl.
    pub required_params: &'static [&'static str],
    pub polling: bool,
    pub webhook: bool,
}

/// Every element the sandbox knows, with ids it assigns.
pub(crate) const ELEMENTS: &[Element] = &[
    Element {
        id: 1,
        key: "concur",
        name: "Concur",
        oauth: true,
        default_scope: "LIST,CONFIG",
        required_params: &["siteAddress"],
        polling: true,
        webhook: false,
    },
    Element {
        id: 2,
        key: "dropbox",
        name: "Dropbox",
        oauth: true,
        default_scope: "files.metadata.read files.content.read",
        required_params: &[],
        polling: true,
        webhook: true,
    },
    Element {
        id: 3,
        key: "zendesk",
        name: "Zendesk",
        oauth: true,
        default_scope: "read write",
        required_params: &["subdomain"],
        polling: false,
        webhook: true,
    },
    Element {
        id: 4,
        key: "freshdesk",
        name: "Freshdesk",
        oauth: false,
        default_scope: "",
        required_params: &[],
        polling: true,
        webhook: true,
    },
];

/// Finds an element by key (case-insensitive) or by numeric id.
pub(crate) fn find_element(key_or_id: &str) -> Option<&'static Element> {
    ELEMENTS.iter().find(|e| {
        e.key.eq_ignore_ascii_case(key_or_id) || key_or_id.parse::<u64>().ok() == Some(e.id)
    })
}

/// An authorization code the vendor page issued, and what it is bound to.
pub(crate) struct Grant {
    pub element: &'static str,
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
    pub issued_at: Instant,
    /// `None` when the code TTL is too long to reach (it never expires).
    pub expires_at: Option<Instant>,
    pub used: bool,
}

impl Grant {
    /// True once the code may no longer be redeemed.
    pub fn expired(&self, now: Instant) -> bool {
        self.expires_at.is_some_and(|at| now >= at)
    }
}

/// A stored element instance.
pub(crate) struct Instance {
    pub id: u64,
    pub name: String,
    pub token: String,
    pub element: &'static Element,
    pub tags: Vec<(u64, String)>,
    pub configuration: BTreeMap<String, String>,
    pub events_enabled: bool,
    pub created: String,
}

/// Configuration keys whose values are secrets, masked in every answer.
const MASKED: &[&str] = &["oauth.api.secret", "event.notification.signature.key"];

impl Instance {
    /// The instance as JSON; `tag_objects` chooses the POST form (`{"id","name"}`)
    /// over the GET form (plain strings).
    pub fn to_json(&self, tag_objects: bool) -> serde_json::Value {
        let tags: Vec<serde_json::Value> = self
            .tags
            .iter()
            .map(|(id, name)| {
                if tag_objects {
                    serde_json::json!({"id": id, "name": name})
                } else {
                    serde_json::Value::String(name.clone())
                }
            })
            .collect();
        let configuration: serde_json::Map<String, serde_json::Value> = self
            .configuration
            .iter()
            .map(|(k, v)| {
                let v = if MASKED.contains(&k.as_str()) {
                    "********".to_string()
                } else {
                    v.clone()
                };
                (k.clone(), serde_json::Value::String(v))
            })
            .collect();
        serde_json::json!({
            "id": self.id,
            "name": self.name,
            "token": self.token,
            "element": {
                "id": self.element.id,
                "name": self.element.name,
                "key": self.element.key,
                "active": true,
                "typeOauth": self.element.oauth,
            },
            "tags": tags,
            "provisionInteractions": [],
            "valid": true,
            "disabled": false,
            "eventsEnabled": self.events_enabled,
            "configuration": configuration,
            "createdDate": self.created,
        })
    }
}

/// A fault queued for one API request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    Slow(Duration),
    Status(u16),
    Drop,
    BadJson,
    Huge,
    /// `oauth/url` answers a URL carrying the element key as its state
    /// (the platform's documented fallback), whatever state was sent.
    NoState,
    /// The request is handled (a create creates its instance), then only
    /// the first half of the answer's body is sent.
    Truncated,
}

impl Fault {
    /// Parses `slow:<ms>`, `status:<code>`, `drop`, `badjson`, `huge`,
    /// `nostate` or `truncated`.
    pub fn parse(mode: &str) -> Option<Fault> {
        let mode = mode.trim();
        if let Some(ms) = mode.strip_prefix("slow:") {
            let ms: u64 = ms.trim().parse().ok()?;
            if ms > 600_000 {
                return None;
            }
            return Some(Fault::Slow(Duration::from_millis(ms)));
        }
        if let Some(code) = mode.strip_prefix("status:") {
            let code: u16 = code.trim().parse().ok()?;
            return (400..=599).contains(&code).then_some(Fault::Status(code));
        }
        match mode {
            "drop" => Some(Fault::Drop),
            "badjson" => Some(Fault::BadJson),
            "huge" => Some(Fault::Huge),
            "nostate" => Some(Fault::NoState),
            "truncated" => Some(Fault::Truncated),
            _ => None,
        }
    }
}

/// Registered apps, redirect targets and live codes kept at most; the oldest go first.
const MAX_REGISTRATIONS: usize = 10_000;
/// Codes kept at most (redeemed and expired ones too, for a while).
const MAX_GRANTS: usize = 100_000;

/// A map that forgets its oldest keys beyond a size.
pub(crate) struct Bounded<K, V> {
    map: HashMap<K, V>,
    order: VecDeque<K>,
    limit: usize,
}

impl<K: std::hash::Hash + Eq + Clone, V> Bounded<K, V> {
    fn new(limit: usize) -> Self {
        Bounded {
            map: HashMap::new(),
            order: VecDeque::new(),
            limit,
        }
    }

    /// Inserts or replaces; the oldest key goes when the map is full.
    pub fn insert(&mut self, key: K, value: V) {
        if self.map.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
            while self.order.len() > self.limit {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }

    pub fn get<Q: std::hash::Hash + Eq + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.map.get(key)
    }

    pub fn get_mut<Q: std::hash::Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.map.get_mut(key)
    }

    pub fn contains_key<Q: std::hash::Hash + Eq + ?Sized>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
    {
        self.map.contains_key(key)
    }

    /// The oldest key, and its value.
    fn oldest(&self) -> Option<(&K, &V)> {
        let key = self.order.front()?;
        self.map.get(key).map(|v| (key, v))
    }

    fn pop_oldest(&mut self) {
        if let Some(old) = self.order.pop_front() {
            self.map.remove(&old);
        }
    }
}

/// Everything mutable, behind one mutex.
pub(crate) struct State {
    /// apiKey → apiSecret, latest registration wins.
    pub apps: Bounded<String, String>,
    /// (element key, client id, redirect uri) triples `oauth/url` was asked for:
    /// the only redirect targets the consent page will send a browser to.
    pub pending: Bounded<(String, String, String), ()>,
    /// Issued codes, kept after use (for a while) so reuse can be reported as such.
    pub grants: Bounded<String, Grant>,
    pub instances: BTreeMap<u64, Instance>,
    pub next_instance_id: u64,
    pub next_tag_id: u64,
    pub faults: VecDeque<Fault>,
    /// The newest requests, oldest first.
    pub requests: VecDeque<RecordedRequest>,
    /// Bytes of the bodies in `requests`.
    pub requests_bytes: usize,
    /// Requests dropped from the front of the log.
    pub requests_dropped: u64,
}

impl Default for State {
    fn default() -> Self {
        State {
            apps: Bounded::new(MAX_REGISTRATIONS),
            pending: Bounded::new(MAX_REGISTRATIONS),
            grants: Bounded::new(MAX_GRANTS),
            instances: BTreeMap::new(),
            next_instance_id: 0,
            next_tag_id: 0,
            faults: VecDeque::new(),
            requests: VecDeque::new(),
            requests_bytes: 0,
            requests_dropped: 0,
        }
    }
}

impl State {
    /// Appends to the request log, dropping the oldest entries beyond `limits`.
    pub fn record(&mut self, request: RecordedRequest, limits: &crate::Limits) {
        self.requests_bytes += request.body.len();
        self.requests.push_back(request);
        while self.requests.len() > limits.request_log_entries
            || (self.requests_bytes > limits.request_log_bytes && self.requests.len() > 1)
        {
            let Some(old) = self.requests.pop_front() else {
                break;
            };
            self.requests_bytes -= old.body.len();
            self.requests_dropped += 1;
        }
    }

    /// Adds a code, first forgetting the codes that expired at least one
    /// code lifetime ago (until then a reuse is still reported as such
    /// rather than as an unknown code; codes are issued in expiry order).
    pub fn add_grant(&mut self, code: String, grant: Grant, ttl: Duration) {
        let now = grant.issued_at;
        while let Some((_, oldest)) = self.grants.oldest() {
            let stale = oldest
                .expires_at
                .and_then(|at| at.checked_add(ttl))
                .is_some_and(|forget| now >= forget);
            if !stale {
                break;
            }
            self.grants.pop_oldest();
        }
        self.grants.insert(code, grant);
    }
}
