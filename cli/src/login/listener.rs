//! The loopback HTTP listener for the OAuth callback: where it binds, and
//! how it answers each request.
//!
//! It answers only the callback path (anything else, a favicon say, gets a
//! 404 and the wait goes on), tells a visit whose query carries none of
//! `code`, `error` and `state` that it is still waiting, hands every real
//! callback to the waiting thread and serves the page it gets back, and
//! tells any callback after the sign-in ended that it is already done.

use super::page::{write_page, Page};
use super::Incoming;
use crate::error::{CliError, CliResult};
use elements_auth::{is_loopback_host, CallbackQuery};
use std::io::BufReader;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::time::Duration;

/// The loopback HTTP listener for the OAuth callback.
pub struct CallbackListener {
    /// One socket, or two for `localhost` (127.0.0.1 and [::1] on one port,
    /// so that no other process can take the name's other address).
    pub(super) listeners: Vec<TcpListener>,
    callback_url: String,
    pub(super) path: String,
    /// The `Host` values a browser sends for the callback URL.
    pub(super) hosts: Vec<String>,
}

impl CallbackListener {
    /// Listens on the host and port of `callback_url`, which must be a
    /// loopback `http` URL; `None` = `http://127.0.0.1:<free port>/callback`.
    pub fn bind(callback_url: Option<&str>) -> CliResult<CallbackListener> {
        let Some(raw) = callback_url else {
            let listener = TcpListener::bind(("127.0.0.1", 0))
                .map_err(|e| CliError::Input(format!("cannot listen on 127.0.0.1: {e}")))?;
            let port = local_port(&listener)?;
            return Ok(CallbackListener {
                listeners: vec![listener],
                callback_url: format!("http://127.0.0.1:{port}/callback"),
                path: "/callback".into(),
                hosts: vec![format!("127.0.0.1:{port}")],
            });
        };
        let url = url::Url::parse(raw).map_err(|e| {
            CliError::Input(format!("invalid --callback-url: not an absolute URL ({e})"))
        })?;
        let host = url
            .host()
            .ok_or_else(|| CliError::Input("invalid --callback-url: the URL has no host".into()))?;
        if !is_loopback_host(&host) {
            return Err(CliError::Input(format!(
                "invalid --callback-url: login can only listen on this machine's loopback address \
                 (127.0.0.1, [::1] or localhost), not {host}; use `elements-auth url` and \
                 `elements-auth create` when the callback lands elsewhere"
            )));
        }
        if url.scheme() != "http" {
            return Err(CliError::Input(format!(
                "invalid --callback-url: login listens with plain http on this machine, so the URL must start with http://, not {}://",
                url.scheme()
            )));
        }
        let port = url.port_or_known_default().unwrap_or(80);
        let addrs: Vec<SocketAddr> = match host {
            url::Host::Ipv4(ip) => vec![(ip, port).into()],
            url::Host::Ipv6(ip) => vec![(ip, port).into()],
            url::Host::Domain(_) => vec![
                ([127, 0, 0, 1], port).into(),
                (std::net::Ipv6Addr::LOCALHOST, port).into(),
            ],
        };
        let mut listeners = Vec::new();
        for (i, addr) in addrs.iter().enumerate() {
            match TcpListener::bind(addr) {
                Ok(l) => listeners.push(l),
                // A machine without IPv6 loopback: nobody can listen there either.
                Err(e) if i > 0 && e.kind() == std::io::ErrorKind::AddrNotAvailable => {}
                Err(e) => {
                    let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                        "the port is already in use (another program could receive the code): choose another port in --callback-url (and register it with the vendor), or omit --callback-url for a free one"
                    } else {
                        "choose another --callback-url"
                    };
                    return Err(CliError::Input(format!(
                        "cannot listen on {addr} for --callback-url: {e}; {hint}"
                    )));
                }
            }
        }
        let authority = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        let mut hosts = vec![authority.to_ascii_lowercase()];
        hosts.extend(addrs.iter().map(ToString::to_string));
        Ok(CallbackListener {
            listeners,
            callback_url: raw.to_owned(),
            path: url.path().to_owned(),
            hosts,
        })
    }

    /// The callback URL to send to the platform (exactly as given, or the default).
    pub fn callback_url(&self) -> &str {
        &self.callback_url
    }
}

pub(super) fn local_port(listener: &TcpListener) -> CliResult<u16> {
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| CliError::Input(format!("cannot read the listening address: {e}")))
}

/// Accept loop of one socket: one short-lived thread per connection, until `stop`.
pub(super) fn serve(
    listener: TcpListener,
    site: Arc<Site>,
    tx: Sender<Incoming>,
    stop: Arc<AtomicBool>,
) {
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else { continue };
        let tx = tx.clone();
        let site = Arc::clone(&site);
        let _ = std::thread::Builder::new()
            .name("callback-conn".into())
            .spawn(move || handle(stream, &site, &tx));
    }
}

/// What the listener answers: the callback path, the `Host` values it
/// accepts, and whether a callback has already been taken.
pub(super) struct Site {
    pub path: String,
    pub hosts: Vec<String>,
    /// Set by the waiting thread once a callback with this sign-in's state came.
    pub taken: Arc<AtomicBool>,
}

/// Answers one request on the listener.
fn handle(mut stream: TcpStream, site: &Site, tx: &Sender<Incoming>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(reader) = stream.try_clone() else {
        return;
    };
    let request =
        elements_auth_sandbox::http::read_request(&mut BufReader::new(reader), &mut stream);
    let Ok(Some(request)) = request else {
        return;
    };
    let host = request.header("host").unwrap_or("").to_ascii_lowercase();
    let page = if request.path != site.path {
        Page::failure(
            404,
            "Not found",
            "elements-auth only answers its OAuth callback here.",
        )
    } else if !site.hosts.contains(&host) {
        // Another name for this address (DNS rebinding, say): not the vendor's redirect.
        Page::failure(
            400,
            "Unexpected host",
            "This address only answers the OAuth callback under the callback URL's own host name.",
        )
    } else if request.method != "GET" {
        Page::failure(
            405,
            "Method not allowed",
            "The OAuth callback is a GET request.",
        )
    } else {
        let query = CallbackQuery::parse(&format!("?{}", request.raw_query));
        if query.as_ref().is_ok_and(|q| !q.is_callback()) {
            // A bare visit or a stray query: not the vendor's redirect, keep waiting.
            Page::failure(
                400,
                "Waiting for the vendor",
                "This address receives the vendor's redirect (?code=...&state=...); elements-auth is still waiting for it.",
            )
        } else if site.taken.load(Ordering::SeqCst) {
            Page::failure(
                409,
                "Already handled",
                "elements-auth already received a callback for this sign-in; this one was ignored. You can close this tab.",
            )
        } else {
            return hand_over(stream, query, tx);
        }
    };
    let _ = write_page(&mut stream, &page);
}

/// Gives a callback to the waiting thread and serves the page it answers with.
fn hand_over(
    mut stream: TcpStream,
    query: elements_auth::Result<CallbackQuery>,
    tx: &Sender<Incoming>,
) {
    let (reply_tx, reply_rx) = mpsc::channel();
    let (written_tx, written_rx) = mpsc::channel();
    let sent = tx.send(Incoming::Callback {
        query,
        reply: reply_tx,
        written: written_rx,
    });
    let page = match sent.ok().and_then(|_| reply_rx.recv().ok()) {
        Some(page) => page,
        None => Page::failure(
            503,
            "Sign-in ended",
            "elements-auth stopped waiting (timeout or Ctrl-C) before this callback arrived.",
        ),
    };
    let _ = write_page(&mut stream, &page);
    let _ = written_tx.send(());
}
