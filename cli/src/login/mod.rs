//! The wait of `login`: whichever comes first of the vendor's redirect on
//! the loopback listener and the landed-on URL pasted on standard input,
//! checked like a callback, then the success or failure page.

mod listener;
mod page;
mod spinner;

pub use listener::CallbackListener;

use crate::error::{CliError, CliResult};
use elements_auth::{CallbackQuery, Error, Grant};
use page::{failure_page, Page, UNTRUSTED_ERROR};
use spinner::Spinner;
use std::io::BufRead as _;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What reaches the waiting thread.
enum Incoming {
    /// A request on the callback path that carries an OAuth parameter (or
    /// could not be read); the page goes to `reply`, and `written` reports
    /// that the browser has it.
    Callback {
        query: elements_auth::Result<CallbackQuery>,
        reply: Sender<Page>,
        written: Receiver<()>,
    },
    /// A line pasted on standard input.
    Pasted(String),
}

/// How [`wait`] behaves.
pub struct WaitOptions {
    /// Give up after this long.
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
    let taken = Arc::new(AtomicBool::new(false));
    let site = Arc::new(listener::Site {
        path: listener.path.clone(),
        hosts: listener.hosts.clone(),
        taken: Arc::clone(&taken),
    });
    let mut addrs = Vec::new();
    for socket in listener.listeners {
        addrs.push(
            socket
                .local_addr()
                .map_err(|e| CliError::Input(format!("cannot read the listening address: {e}")))?,
        );
        let (tx, stop, site) = (tx.clone(), Arc::clone(&stop), Arc::clone(&site));
        std::thread::Builder::new()
            .name("callback-listener".into())
            .spawn(move || listener::serve(socket, site, tx, stop))
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
    let result = wait_loop(&rx, expected_state, options, &taken, finish);
    stop.store(true, Ordering::SeqCst);
    // Wake each accept() so its listener thread sees `stop`.
    for addr in addrs {
        let _ = TcpStream::connect_timeout(&addr, Duration::from_millis(200));
    }
    result
}

fn wait_loop<T>(
    rx: &Receiver<Incoming>,
    expected_state: &str,
    options: &WaitOptions,
    taken: &AtomicBool,
    finish: impl FnOnce(Grant) -> CliResult<(T, String)>,
) -> CliResult<T> {
    let deadline = Instant::now()
        .checked_add(options.timeout)
        .ok_or_else(|| CliError::Input("invalid --timeout: too long".into()))?;
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
        let (query, reply) = match incoming {
            Incoming::Callback {
                query,
                reply,
                written,
            } => (query, Some((reply, written))),
            Incoming::Pasted(line) => {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                match CallbackQuery::parse(line) {
                    Ok(q) if q.is_callback() => (Ok(q), None),
                    _ => {
                        spinner.clear();
                        eprintln!(
                            "That is not the URL the browser landed on (it has no query such as ?code=...&state=...); paste the whole address."
                        );
                        continue;
                    }
                }
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
        let checked = query
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|q| q.clone().into_grant(expected_state));
        let ours = query.as_ref().is_ok_and(|q| {
            q.state.is_some() && !matches!(checked, Err(Error::StateMismatch { .. }))
        });
        if reply.is_some() && !ours {
            // Over HTTP, only a callback with this sign-in's state may end
            // the wait: anyone on this machine (or a page that learns the
            // port) can send a request here.
            let e = checked.err().unwrap_or_else(|| Error::StateMismatch {
                mismatch: elements_auth::Mismatch::Missing,
                message: "the callback carries no state".into(),
            });
            respond(failure_page(&e, query.as_ref().ok()));
            eprintln!(
                "warning: rejected a callback that does not carry this sign-in's state (possibly forged); still waiting for the vendor's redirect"
            );
            continue;
        }
        taken.store(true, Ordering::SeqCst);
        let grant = match checked {
            Ok(grant) => grant,
            Err(e) => {
                let claims_error = query.as_ref().is_ok_and(CallbackQuery::claims_error);
                if matches!(e, Error::StateMismatch { .. }) && claims_error {
                    eprintln!("{UNTRUSTED_ERROR}");
                }
                respond(failure_page(&e, query.as_ref().ok()));
                return Err(CliError::Core(e));
            }
        };
        return match finish(grant) {
            Ok((value, message)) => {
                respond(Page::success(message));
                Ok(value)
            }
            Err(e) => {
                respond(Page::failure(
                    500,
                    "Sign-in failed",
                    format!("The consent worked, but creating the instance failed: {e}"),
                ));
                Err(e)
            }
        };
    }
}
