//! Helpers shared by the CLI tests: run the built binary against an in-process sandbox.
#![allow(dead_code)]

use elements_auth_sandbox::{Sandbox, SandboxOptions};
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_elements-auth");
/// The api secret every test uses; it must never be printed.
pub const API_SECRET: &str = "test-api-secret-5b2c71";
/// The signature key every test uses; it must never be printed.
pub const SIGNATURE_KEY: &str = "test-signature-key-e3a9f0";

/// A sandbox with manual consent (codes come from `approve`).
pub fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions {
        auto_consent: false,
        ..SandboxOptions::default()
    })
    .expect("sandbox starts")
}

/// A command with a clean `ELEMENTS_*` environment pointing at `sb`.
pub fn cmd(sb: &Sandbox) -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("ELEMENTS_") || k == "BROWSER" {
            c.env_remove(k);
        }
    }
    c.env("ELEMENTS_BASE_URL", sb.base_url())
        .env("ELEMENTS_USER_SECRET", sb.user_secret())
        .env("ELEMENTS_ORGANIZATION_SECRET", sb.organization_secret())
        .env("ELEMENTS_API_KEY", "test-client")
        .env("ELEMENTS_API_SECRET", API_SECRET)
        .stdin(Stdio::null());
    c
}

/// Runs to completion, feeding `stdin`.
pub fn run(mut c: Command, stdin: &str) -> Output {
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("binary runs");
    {
        let mut input = child.stdin.take().expect("stdin");
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("binary finishes")
}

/// Stdout and stderr as text.
pub fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The exit code (panics on a signal).
pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

/// A fresh file under the target dir's temp area with this content.
pub fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("elements-auth-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("temp file");
    path
}

/// An HTTP client that does not follow redirects nor fail on 4xx/5xx.
pub fn http() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// GET `url`: (status, body).
pub fn get(url: &str) -> (u16, String) {
    let mut resp = http().get(url).call().expect("GET works");
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    (status, body)
}

/// A running `login`, with its stderr lines on a channel.
pub struct Login {
    pub child: Child,
    pub lines: Receiver<String>,
    pub stderr_seen: Vec<String>,
}

impl Login {
    /// Starts `elements-auth login --no-browser` with these extra arguments.
    pub fn start(sb: &Sandbox, extra: &[&str]) -> Login {
        let mut c = cmd(sb);
        c.args([
            "login",
            "--element",
            "dropbox",
            "--name",
            "login test",
            "--no-browser",
        ])
        .args(extra);
        Login::spawn(c)
    }

    /// Starts a prepared `login` command (its stdio is taken over).
    pub fn spawn(mut c: Command) -> Login {
        c.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("login starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Login {
            child,
            lines: rx,
            stderr_seen: Vec::new(),
        }
    }

    /// Waits for a stderr line for which `pick` returns a value.
    pub fn wait_line<T>(&mut self, pick: impl Fn(&str) -> Option<T>) -> T {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("no such line; stderr so far: {:?}", self.stderr_seen));
            self.stderr_seen.push(line.clone());
            if let Some(v) = pick(&line) {
                return v;
            }
        }
    }

    /// The consent page URL the CLI printed.
    pub fn oauth_url(&mut self) -> String {
        self.wait_line(|l| {
            let t = l.trim();
            (t.starts_with("http://") && t.contains("/vendor/")).then(|| t.to_owned())
        })
    }

    /// The callback URL the CLI listens on.
    pub fn callback_url(&mut self) -> String {
        self.wait_line(|l| {
            l.strip_prefix("Listening for the callback on ")
                .map(|s| s.trim().to_owned())
        })
    }

    /// Writes a line on the CLI's standard input.
    pub fn paste(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        writeln!(stdin, "{line}").expect("paste");
        stdin.flush().expect("flush");
    }

    /// Waits for the exit: (code, stdout, all of stderr).
    pub fn finish(mut self) -> (i32, String, String) {
        drop(self.child.stdin.take());
        let out = self.child.wait_with_output().expect("login exits");
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.stderr_seen.push(line);
        }
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            self.stderr_seen.join("\n"),
        )
    }
}

/// Waits (up to 30 s, checking every 20 ms) until `done` holds; panics with
/// `what` otherwise.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Asserts that none of the sandbox's or the tests' secrets appears in `text`.
pub fn assert_no_secrets(sb: &Sandbox, text: &str) {
    for secret in [
        sb.user_secret(),
        sb.organization_secret(),
        API_SECRET,
        SIGNATURE_KEY,
    ] {
        assert!(!text.contains(secret), "a secret leaked into: {text}");
    }
}

/// Sends SIGINT (what Ctrl-C sends) to a child process, without the external
/// `kill` binary (procps is absent on minimal images).
#[cfg(unix)]
pub fn interrupt(child: &Child) {
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits pid_t");
    // SAFETY: kill(2) has no memory-safety preconditions; the pid is our own child's.
    let rc = unsafe { libc::kill(pid, libc::SIGINT) };
    assert_eq!(
        rc,
        0,
        "kill(SIGINT) failed: {}",
        std::io::Error::last_os_error()
    );
}
