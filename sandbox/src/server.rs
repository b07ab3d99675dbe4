//! Accepting and serving connections, within limits that keep a long-running
//! sandbox alive under abuse: a cap on concurrent connections (503 beyond
//! it), a deadline for every request (a stalled or trickling client is cut
//! off), small thread stacks, and no connection left behind by a panic.

use crate::{control, http, lock, platform, vendor, Shared, BASE_PATH};
use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Stack of a connection thread: requests are parsed iteratively and JSON
/// nesting is bounded by serde_json, so a small stack suffices.
const CONNECTION_STACK: usize = 256 * 1024;

/// Accepts connections until the sandbox stops.
pub(crate) fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    for conn in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else {
            // Usually fd exhaustion: back off instead of spinning.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        if shared.active.fetch_add(1, Ordering::SeqCst) >= shared.limits.max_connections {
            shared.active.fetch_sub(1, Ordering::SeqCst);
            refuse_busy(stream);
            continue;
        }
        let id = shared.next_conn.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.conns).insert(id, clone);
        }
        let guard = ConnGuard {
            shared: Arc::clone(&shared),
            id,
        };
        let spawned = std::thread::Builder::new()
            .name("sandbox-conn".into())
            .stack_size(CONNECTION_STACK)
            .spawn(move || serve_connection(guard, stream));
        // On failure the closure, and with it the guard, is dropped: the
        // connection is closed and forgotten.
        drop(spawned);
    }
}

/// Answers a connection beyond the cap with 503 and closes it, without
/// reading it (a full sandbox must not block its accept loop).
fn refuse_busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let resp = platform::protocol_error(503, "Too many connections; try again shortly")
        .with_header("Retry-After", "1");
    let _ = http::write_response(&mut stream, &resp, true);
    let _ = stream.shutdown(Shutdown::Both);
}

/// Forgets and closes a connection when its thread ends, panicking or not.
struct ConnGuard {
    shared: Arc<Shared>,
    id: u64,
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        // The slot is free before the peer can see the close, so that a
        // client that reconnects at once is not refused for it.
        self.shared.active.fetch_sub(1, Ordering::SeqCst);
        if let Some(conn) = lock(&self.shared.conns).remove(&self.id) {
            let _ = conn.shutdown(Shutdown::Both);
        }
    }
}

/// A socket whose reads fail once `deadline` has passed, however the bytes
/// trickle in (each read waits at most until then). `None`: no deadline (a
/// read timeout too long to add to the clock).
struct DeadlineStream {
    stream: TcpStream,
    deadline: Option<Instant>,
}

impl Read for DeadlineStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(deadline) = self.deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "request deadline passed",
                ));
            }
            self.stream.set_read_timeout(Some(left))?;
        }
        self.stream.read(buf)
    }
}

fn serve_connection(guard: ConnGuard, stream: TcpStream) {
    let shared = &guard.shared;
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(shared.limits.request_timeout));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(DeadlineStream {
        stream,
        deadline: None,
    });
    while !shared.stopping.load(Ordering::SeqCst) {
        // Each request, keep-alive wait included, must arrive in time.
        reader.get_mut().deadline = Instant::now().checked_add(shared.limits.request_timeout);
        let req = match http::read_request(&mut reader, &mut writer) {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => {
                if e.status != 408 {
                    let resp = platform::protocol_error(e.status, e.message);
                    let _ = http::write_response(&mut writer, &resp, true);
                }
                break;
            }
        };
        let outcome = if control::is_control(&req.path) {
            platform::Outcome::Respond(control::handle(shared, &req))
        } else if req.path == BASE_PATH || req.path.starts_with("/elements/api-v2/") {
            platform::handle(shared, &req)
        } else {
            platform::Outcome::Respond(
                vendor::handle(shared, &req).unwrap_or_else(|| platform::not_found(&req.path)),
            )
        };
        match outcome {
            platform::Outcome::Drop => break,
            platform::Outcome::Respond(resp) => {
                if http::write_response(&mut writer, &resp, req.close).is_err() || req.close {
                    break;
                }
            }
        }
    }
    let _ = writer.flush();
}
