//! The loopback callback listener, the pasted-URL reader, and the wait for
//! whichever of the two brings the vendor's redirect first.
//!
//! The listener answers only the callback path (anything else, a favicon say,
//! gets a 404 and the wait goes on), tells a visit to the callback path whose
//! query carries none of `code`, `error` and `state` that it is still waiting
//! (the wait goes on), hands the first real callback to the waiting thread,
//! serves the browser a success or failure page once the callback has been
//! handled, and tells any later callback that the sign-in is already done.

use crate::error::{CliError, CliResult};
use elements_auth::{is_loopback_host, parse_callback, Error, Grant};
use std::io::{BufRead as _, IsTerminal as _, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A page served to the browser: status, title, message.
struct Page {
    status: u16,
    title: String,
    message: String,
    ok: bool,
}

/// What reaches the waiting thread.
enum Incoming {
    /// A request on the callback path whose query looks like an OAuth
    /// callback (see [`is_oauth_callback`]); the page goes to `reply`,
    /// and `written` reports that the browser has it.
    Callback {
        query: String,
        reply: Sender<Page>,
        written: Receiver<()>,
    },
    /// A line pasted on standard input.
    Pasted(String),
}

/// The loopback HTTP listener for the OAuth callback.
pub struct CallbackListener {
    listener: TcpListener,
    callback_url: String,
    path: String,
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
                listener,
                callback_url: format!("http://127.0.0.1:{port}/callback"),
                path: "/callback".into(),
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
        let addr: SocketAddr = match host {
            url::Host::Ipv4(ip) => (ip, port).into(),
            url::Host::Ipv6(ip) => (ip, port).into(),
            url::Host::Domain(_) => ([127, 0, 0, 1], port).into(),
        };
        let listener = TcpListener::bind(addr).map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                "the port is already in use: choose another port in --callback-url (and register it with the vendor), or omit --callback-url for a free one"
            } else {
                "choose another --callback-url"
            };
            CliError::Input(format!("cannot listen on {addr} for --callback-url: {e}; {hint}"))
        })?;
        Ok(CallbackListener {
            listener,
            callback_url: raw.to_owned(),
            path: url.path().to_owned(),
        })
    }

    /// The callback URL to send to the platform (exactly as given, or the default).
    pub fn callback_url(&self) -> &str {
        &self.callback_url
    }
}

fn local_port(listener: &TcpListener) -> CliResult<u16> {
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| CliError::Input(format!("cannot read the listening address: {e}")))
}

/// How [`wait`] behaves.
pub struct WaitOptions {
    /// Give up after this long (exit code 20).
    pub timeout: Duration,
    /// Also accept the landed-on URL pasted on standard input.
    pub read_stdin: bool,
    /// Set by the Ctrl-C handler (exit code 130).
    pub interrupted: Arc<AtomicBool>,
}

/// Waits for the callback (over HTTP or pasted), checks its state against
/// `expected_state`, and on success runs `finish` with the grant.
///
/// `finish` returns its result and the sentence shown on the success page.
/// The browser gets a success or failure page that says what happened; a
/// failure ends the wait with that error (the instance is never created on a
/// denied, forged or code-less callback).
pub fn wait<T>(
    listener: CallbackListener,
    expected_state: &str,
    options: &WaitOptions,
    finish: impl FnOnce(Grant) -> CliResult<(T, String)>,
) -> CliResult<T> {
    let (tx, rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let addr = listener
        .listener
        .local_addr()
        .map_err(|e| CliError::Input(format!("cannot read the listening address: {e}")))?;
    {
        let tx = tx.clone();
        let stop = Arc::clone(&stop);
        let path = listener.path.clone();
        let listener = listener.listener;
        std::thread::Builder::new()
            .name("callback-listener".into())
            .spawn(move || serve(listener, &path, tx, &stop))
            .map_err(|e| CliError::Input(format!("cannot start the listener thread: {e}")))?;
    }
    if options.read_stdin {
        let tx = tx.clone();
        // The thread may stay blocked on a read until the process exits; that is harmless.
        let _ = std::thread::Builder::new()
            .name("paste-reader".into())
            .spawn(move || {
                for line in std::io::stdin().lock().lines() {
                    let Ok(line) = line else { break };
                    if tx.send(Incoming::Pasted(line)).is_err() {
                        break;
                    }
                }
            });
    }
    drop(tx);
    let result = wait_loop(&rx, expected_state, options, finish);
    stop.store(true, Ordering::SeqCst);
    // Wake the accept() so the listener thread sees `stop`.
    let _ = TcpStream::connect_timeout(&addr, Duration::from_millis(200));
    result
}

fn wait_loop<T>(
    rx: &Receiver<Incoming>,
    expected_state: &str,
    options: &WaitOptions,
    finish: impl FnOnce(Grant) -> CliResult<(T, String)>,
) -> CliResult<T> {
    let deadline = Instant::now() + options.timeout;
    let mut spinner = Spinner::new();
    loop {
        if options.interrupted.load(Ordering::SeqCst) {
            spinner.clear();
            return Err(CliError::Interrupted);
        }
        let now = Instant::now();
        if now >= deadline {
            spinner.clear();
            return Err(CliError::LoginTimeout(options.timeout.as_secs()));
        }
        spinner.tick(deadline - now);
        let incoming = match rx.recv_timeout((deadline - now).min(Duration::from_millis(100))) {
            Ok(i) => i,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => {
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // `query` goes to parse_callback; `params` is its query string alone.
        let (query, params, reply) = match incoming {
            Incoming::Callback {
                query,
                reply,
                written,
            } => (query.clone(), query, Some((reply, written))),
            Incoming::Pasted(line) => {
                let line = line.trim().to_owned();
                if line.is_empty() {
                    continue;
                }
                let params = pasted_query(&line);
                if !is_oauth_callback(&params) {
                    spinner.clear();
                    eprintln!(
                        "That is not the URL the browser landed on (it has no query such as ?code=...&state=...); paste the whole address."
                    );
                    continue;
                }
                (line, params, None)
            }
        };
        spinner.clear();
        // Hands the page to the connection and waits (briefly) until it is
        // written, so that exiting right after does not cut the browser off.
        let respond = |page: Page| {
            if let Some((reply, written)) = &reply {
                if reply.send(page).is_ok() {
                    let _ = written.recv_timeout(Duration::from_secs(3));
                }
            }
        };
        let grant = match parse_callback(&query, expected_state) {
            Ok(grant) => grant,
            Err(e) => {
                if matches!(e, Error::StateMismatch { .. }) && claims_error(&params) {
                    eprintln!("{UNTRUSTED_ERROR}");
                }
                respond(failure_page(&e, &params));
                return Err(CliError::Core(e));
            }
        };
        return match finish(grant) {
            Ok((value, message)) => {
                respond(Page {
                    status: 200,
                    title: "Signed in".into(),
                    message,
                    ok: true,
                });
                Ok(value)
            }
            Err(e) => {
                respond(Page {
                    status: 500,
                    title: "Sign-in failed".into(),
                    message: format!("The consent worked, but creating the instance failed: {e}"),
                    ok: false,
                });
                Err(e)
            }
        };
    }
}

/// Whether a query (without its `?`; a `#fragment` is ignored) is an OAuth
/// callback: it carries `code`, `error` or `state`. Anything else on the
/// callback path is a stray visit that must not end the sign-in.
fn is_oauth_callback(query: &str) -> bool {
    let query = query.split('#').next().unwrap_or("");
    url::form_urlencoded::parse(query.as_bytes())
        .any(|(name, _)| matches!(name.as_ref(), "code" | "error" | "state"))
}

/// The query string of a pasted line: a URL's query, or the line itself
/// (without a leading `?` and a `#fragment`), read like `parse_callback` does.
fn pasted_query(line: &str) -> String {
    if line.contains("://") {
        return url::Url::parse(line)
            .ok()
            .and_then(|u| u.query().map(str::to_owned))
            .unwrap_or_default();
    }
    let without_fragment = line.split('#').next().unwrap_or("");
    match without_fragment.split_once('?') {
        Some((_, q)) => q.to_owned(),
        None => without_fragment.to_owned(),
    }
}

/// Said of a callback that reports a vendor error without this sign-in's state.
const UNTRUSTED_ERROR: &str = "It reports an error from the vendor, but without the state of this sign-in that report cannot be trusted.";

/// Whether a query string carries an `error` parameter.
fn claims_error(query: &str) -> bool {
    url::form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "error")
}

/// The failure page for a callback (with this query) that cannot be used, saying why.
fn failure_page(e: &Error, query: &str) -> Page {
    let message = match e {
        Error::AuthorizationDenied { .. } => {
            format!("Consent was denied at the vendor, so no instance was created. ({e})")
        }
        Error::StateMismatch { .. } => {
            // The state is checked first, so a refusal without the right
            // state lands here: say why it was not taken for a denial.
            let denial = if claims_error(query) {
                format!(" {UNTRUSTED_ERROR}")
            } else {
                String::new()
            };
            format!(
                "This callback does not belong to the sign-in that elements-auth started (its state is missing or does not match), so it was rejected and no instance was created.{denial} ({e})"
            )
        }
        Error::InvalidCallback { .. } => {
            format!("The callback carries no authorization code, so no instance was created. ({e})")
        }
        other => format!("The callback could not be used: {other}"),
    };
    Page {
        status: 400,
        title: "Sign-in failed".into(),
        message,
        ok: false,
    }
}

/// Accept loop: one short-lived thread per connection.
fn serve(listener: TcpListener, path: &str, tx: Sender<Incoming>, stop: &AtomicBool) {
    let taken = Arc::new(AtomicBool::new(false));
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else { continue };
        let tx = tx.clone();
        let taken = Arc::clone(&taken);
        let path = path.to_owned();
        let _ = std::thread::Builder::new()
            .name("callback-conn".into())
            .spawn(move || handle(stream, &path, &tx, &taken));
    }
}

/// Answers one request on the listener.
fn handle(mut stream: TcpStream, path: &str, tx: &Sender<Incoming>, taken: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Some((method, target)) = read_request_line(&mut stream) else {
        return;
    };
    let (req_path, query) = match target.split_once('?') {
        Some((p, q)) => (p, q.split('#').next().unwrap_or("")),
        None => (target.as_str(), ""),
    };
    let page = if req_path != path {
        Page {
            status: 404,
            title: "Not found".into(),
            message: "elements-auth only answers its OAuth callback here.".into(),
            ok: false,
        }
    } else if method != "GET" {
        Page {
            status: 405,
            title: "Method not allowed".into(),
            message: "The OAuth callback is a GET request.".into(),
            ok: false,
        }
    } else if !is_oauth_callback(query) {
        // A bare visit or a stray query: not the vendor's redirect, keep waiting.
        Page {
            status: 400,
            title: "Waiting for the vendor".into(),
            message: "This address receives the vendor's redirect (?code=...&state=...); elements-auth is still waiting for it.".into(),
            ok: false,
        }
    } else if taken.swap(true, Ordering::SeqCst) {
        Page {
            status: 409,
            title: "Already handled".into(),
            message: "elements-auth already received a callback for this sign-in; this one was ignored. You can close this tab.".into(),
            ok: false,
        }
    } else {
        let (reply_tx, reply_rx) = mpsc::channel();
        let (written_tx, written_rx) = mpsc::channel();
        let sent = tx.send(Incoming::Callback {
            query: query.to_owned(),
            reply: reply_tx,
            written: written_rx,
        });
        let page = match sent.ok().and_then(|_| reply_rx.recv().ok()) {
            Some(page) => page,
            None => Page {
                status: 503,
                title: "Sign-in ended".into(),
                message: "elements-auth stopped waiting (timeout or Ctrl-C) before this callback arrived.".into(),
                ok: false,
            },
        };
        let _ = write_page(&mut stream, &page);
        let _ = written_tx.send(());
        return;
    };
    let _ = write_page(&mut stream, &page);
}

/// Reads the request head (up to 16 KiB) and returns its method and target.
fn read_request_line(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 || head.len() > 16 * 1024 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let line = text.lines().next()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    Some((method, target))
}

fn write_page(stream: &mut TcpStream, page: &Page) -> std::io::Result<()> {
    let reason = match page.status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
    let (color, mark) = if page.ok {
        ("#15803d", "&#10003;")
    } else {
        ("#b91c1c", "&#10007;")
    };
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{title} - elements-auth</title>\n<style>body{{margin:0;font-family:system-ui,sans-serif;\
background:#eef2f7;color:#1f2937;display:flex;min-height:100vh;align-items:center;justify-content:center}}\
main{{background:#fff;max-width:30rem;width:90%;padding:2rem;border-radius:14px;\
box-shadow:0 10px 30px rgba(15,23,42,.12)}}h1{{font-size:1.35rem;margin:0 0 .75rem;color:{color}}}\
p{{line-height:1.5}}.sub{{color:#6b7280;font-size:.85rem;margin-bottom:0}}</style>\n</head>\n<body>\n<main>\n<h1 id=\"result\">{mark} {title}</h1>\n\
<p id=\"message\">{message}</p>\n<p class=\"sub\">elements-auth</p>\n</main>\n</body>\n</html>\n",
        title = html_escape(&page.title),
        message = html_escape(&page.message),
    );
    write!(
        stream,
        "HTTP/1.1 {} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
Cache-Control: no-store\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        page.status,
        body.len()
    )?;
    stream.flush()
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A one-line spinner with the time left, on stderr only when it is a terminal.
struct Spinner {
    enabled: bool,
    frame: usize,
    shown: bool,
}

impl Spinner {
    fn new() -> Spinner {
        Spinner {
            enabled: std::io::stderr().is_terminal(),
            frame: 0,
            shown: false,
        }
    }

    fn tick(&mut self, left: Duration) {
        if !self.enabled {
            return;
        }
        const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
        let secs = left.as_secs();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{} Waiting for the browser ({}:{:02} left; or paste the URL it landed on, then Enter; Ctrl-C to cancel)",
            FRAMES[self.frame % FRAMES.len()],
            secs / 60,
            secs % 60
        );
        let _ = err.flush();
        self.frame += 1;
        self.shown = true;
    }

    fn clear(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.shown = false;
        }
    }
}

/// Opens `url` in the user's browser: `$BROWSER` (a `:`-separated list; `%s`
/// stands for the URL), else the platform's opener. Returns what was run.
pub fn open_browser(url: &str) -> Result<String, String> {
    let candidates: Vec<String> = match std::env::var("BROWSER") {
        Ok(list) if !list.trim().is_empty() => list.split(':').map(str::to_owned).collect(),
        _ => default_openers(),
    };
    let mut errors = Vec::new();
    for cmd in candidates {
        let mut words: Vec<String> = cmd.split_whitespace().map(str::to_owned).collect();
        if words.is_empty() {
            continue;
        }
        if words.iter().any(|w| w.contains("%s")) {
            for w in &mut words {
                *w = w.replace("%s", url);
            }
        } else {
            words.push(url.to_owned());
        }
        let spawned = std::process::Command::new(&words[0])
            .args(&words[1..])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        match spawned {
            Ok(_) => return Ok(words[0].clone()),
            Err(e) => errors.push(format!("{}: {e}", words[0])),
        }
    }
    Err(errors.join("; "))
}

fn default_openers() -> Vec<String> {
    if cfg!(target_os = "macos") {
        vec!["open".into()]
    } else if cfg!(windows) {
        vec!["explorer".into()]
    } else {
        vec!["xdg-open".into()]
    }
}
