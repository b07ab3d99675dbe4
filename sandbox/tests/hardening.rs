//! Regression tests of the security review's findings about the sandbox
//! (../shared/research/security-audit.md): each fails on the reviewed
//! commit 5339e2f and passes now.

mod common;

use common::*;
use elements_auth_sandbox::{Sandbox, SandboxOptions, MAX_FAULT_COUNT};
use std::io::Write as _;
use std::net::TcpStream;
use std::time::{Duration, Instant};

const INJECTED: &str = "http://127.0.0.1:1/cb\r\nSet-Cookie: injected=1";

#[test]
fn f02_a_callback_url_with_crlf_is_refused_and_never_reaches_a_header() {
    let sb = sandbox(true);
    // Registration: oauth/url refuses it (400), so no redirect can use it.
    let r = get(
        &sb,
        &format!(
            "/elements/api-v2/elements/dropbox/oauth/url?apiKey=k&apiSecret=s&callbackUrl={}",
            enc(INJECTED)
        ),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("callbackUrl"), "{}", r.text());
    // The consent page refuses it too, without a Location or the injected header.
    let r = get(
        &sb,
        &format!(
            "/vendor/dropbox/oauth2/authorize?response_type=code&client_id=k&redirect_uri={}&state=s",
            enc(INJECTED)
        ),
    );
    assert_eq!(r.status, 400);
    assert!(r.header("location").is_none());
    assert!(r.header("set-cookie").is_none());
    // Nor does approve() build a callback from it.
    let url = format!(
        "http://127.0.0.1:{}/vendor/dropbox/oauth2/authorize?response_type=code&client_id=k&redirect_uri={}&state=s",
        sb.port(),
        enc(INJECTED)
    );
    assert!(sb.approve(&url).is_err());
}

#[test]
fn f07_a_huge_code_ttl_neither_panics_nor_expires_codes() {
    let sb = Sandbox::start(SandboxOptions {
        code_ttl: Duration::MAX,
        ..SandboxOptions::default()
    })
    .expect("starts with the longest TTL");
    let code = code(&sb, "dropbox", "k1", "s1", CALLBACK);
    let r = api(
        &sb,
        "POST",
        "/instances",
        Some(&instance_body("dropbox", &code, "k1", "s1", CALLBACK)),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // The consent page (which issues codes) still answers: its thread did not panic.
    let url = oauth_url(&sb, "dropbox", "k1", "s1", CALLBACK);
    let r = get(&sb, &url[url.find("/vendor/").unwrap()..]);
    assert_eq!(r.status, 302);
}

#[test]
fn f10_a_fault_count_is_capped() {
    let sb = sandbox(true);
    let err = sb.inject_fault("drop", u32::MAX).unwrap_err();
    assert!(err.message().contains("at most"), "{err}");
    sb.inject_fault("drop", MAX_FAULT_COUNT).unwrap();
    assert!(
        sb.inject_fault("drop", 1).is_err(),
        "the cap counts what is queued"
    );
    sb.clear_faults();
    sb.inject_fault("drop", 1).unwrap();
}

#[test]
fn f10_normal_calls_succeed_while_300_connections_stall() {
    let sb = sandbox(true);
    let mut stalled = Vec::new();
    for _ in 0..300 {
        let mut s = TcpStream::connect(("127.0.0.1", sb.port())).expect("connect");
        // An unfinished request head: the server waits for the rest.
        s.write_all(b"GET /elements/api-v2/instances HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        stalled.push(s);
    }
    let started = Instant::now();
    for _ in 0..20 {
        let r = api(&sb, "GET", "/instances", None);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "served beside the stalled ones"
    );
    drop(stalled);
}
