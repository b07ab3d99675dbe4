//! Regression tests of the security review's findings about the command
//! line (../shared/research/security-audit.md: F5, F7, F12): each fails on
//! the reviewed commit 5339e2f and passes now. F1 is in tests/login.rs.

mod common;

use common::*;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;

fn login_cmd(sb: &elements_auth_sandbox::Sandbox, extra: &[&str]) -> std::process::Command {
    let mut c = cmd(sb);
    c.args([
        "login",
        "--no-browser",
        "--element",
        "dropbox",
        "--name",
        "n",
    ])
    .args(extra);
    c
}

#[test]
fn f05_localhost_is_taken_on_both_loopback_addresses_or_not_at_all() {
    let sb = sandbox();
    // Another program holds [::1]:PORT: login refuses rather than let it take the code.
    let Ok(squatter) = TcpListener::bind("[::1]:0") else {
        eprintln!("no IPv6 loopback on this machine: nobody can squat it either");
        return;
    };
    let port = squatter.local_addr().unwrap().port();
    let url = format!("http://localhost:{port}/callback");
    let out = run(login_cmd(&sb, &["--callback-url", &url]), "");
    let (_, stderr) = texts(&out);
    assert_eq!(code(&out), 10, "{stderr}");
    assert!(
        stderr.contains("[::1]") && stderr.contains("already in use"),
        "{stderr}"
    );
    assert!(sb.requests().is_empty(), "nothing was sent");
    drop(squatter);

    // Free on both: a browser that tries ::1 first reaches login.
    let port = TcpListener::bind("[::1]:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://localhost:{port}/callback");
    let mut login = Login::spawn(login_cmd(&sb, &["--callback-url", &url]));
    let oauth_url = login.oauth_url();
    let landed = sb.approve(&oauth_url).unwrap();
    let target = &landed[landed.find("/callback").unwrap()..];
    let mut s = std::net::TcpStream::connect(("::1", port)).expect("listens on [::1]");
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (code, _, stderr) = login.finish();
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn f07_huge_durations_are_refused_not_a_panic() {
    let sb = sandbox();
    let out = run(login_cmd(&sb, &["--timeout", "18446744073709551615"]), "");
    let (_, stderr) = texts(&out);
    assert_ne!(code(&out), 101, "no panic: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let mut c = cmd(&sb);
    c.args([
        "url",
        "--json",
        "--element",
        "dropbox",
        "--callback-url",
        "https://app.example.com/cb",
        "--request-timeout",
        "18446744073709551615",
    ]);
    let out = run(c, "");
    let (_, stderr) = texts(&out);
    assert_eq!(code(&out), 10, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(v["error"]["field"], "timeout");
    assert!(sb.requests().is_empty());
}

/// A platform that answers every request with `body` (status 200), for
/// answers the sandbox never gives.
fn evil_platform(body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(4) {
            let mut stream = stream;
            let mut buf = [0u8; 16384];
            let _ = stream.read(&mut buf);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://127.0.0.1:{port}/elements/api-v2")
}

#[test]
fn f12_platform_text_reaches_the_terminal_without_escape_sequences() {
    let sb = sandbox();
    let base = evil_platform(
        r#"{"id": 7, "token": "tok-ABCD", "name": "x\u001b]0;TITLE-HIJACK\u0007y\u001b[2J\u202e", "element": {"key": "drop\u001b[2Jbox"}, "tags": ["t\u001b[31m"]}"#,
    );
    let mut c = cmd(&sb);
    c.env("ELEMENTS_BASE_URL", &base).args([
        "create",
        "--element",
        "dropbox",
        "--callback-url",
        "https://app.example.com/cb",
        "--code",
        "some-code",
        "--name",
        "n",
    ]);
    let out = run(c, "");
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    assert!(
        !stdout.contains(['\u{1b}', '\u{7}', '\u{202e}']),
        "{stdout:?}"
    );
    assert!(stdout.contains("x]0;TITLE-HIJACKy[2J"), "{stdout}");
    assert!(stdout.contains("token     tok-ABCD"), "{stdout}");
}

#[test]
fn f12_an_oauth_url_that_is_not_https_is_never_opened() {
    let sb = sandbox();
    let base =
        evil_platform(r#"{"element": "dropbox", "oauthUrl": "file:///etc/passwd?state=s1"}"#);
    let marker = temp_file("opened", "");
    let _ = std::fs::remove_file(&marker);
    let mut c = cmd(&sb);
    c.env("ELEMENTS_BASE_URL", &base)
        .env("BROWSER", format!("touch {}", marker.display()))
        .args([
            "login",
            "--element",
            "dropbox",
            "--name",
            "n",
            "--timeout",
            "2",
        ]);
    let out = run(c, "");
    let (_, stderr) = texts(&out);
    assert_eq!(code(&out), 14, "a decode error: {stderr}");
    assert!(stderr.contains("not an https URL"), "{stderr}");
    assert!(!marker.exists(), "the browser was started");
}
