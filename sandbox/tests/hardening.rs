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

fn with(options: SandboxOptions) -> Sandbox {
    Sandbox::start(options).expect("sandbox starts")
}

#[test]
fn f10_a_stalled_connection_is_cut_off_after_the_read_timeout() {
    let sb = with(SandboxOptions {
        read_timeout: Duration::from_millis(300),
        ..SandboxOptions::default()
    });
    let mut s = TcpStream::connect(("127.0.0.1", sb.port())).unwrap();
    s.write_all(b"GET /elements/api-v2/instances HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 64];
    let n = std::io::Read::read(&mut s, &mut buf).unwrap_or(0);
    assert_eq!(n, 0, "closed without an answer");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // A byte now and then does not keep it open either.
    let mut s = TcpStream::connect(("127.0.0.1", sb.port())).unwrap();
    let started = Instant::now();
    for b in b"GET /elements/api-v2/instances HTTP/1.1\r\n" {
        if s.write_all(&[*b]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let n = std::io::Read::read(&mut s, &mut buf).unwrap_or(0);
    assert_eq!(n, 0);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn f10_connections_beyond_the_cap_get_503_and_the_sandbox_recovers() {
    let sb = with(SandboxOptions {
        max_connections: 4,
        read_timeout: Duration::from_millis(500),
        ..SandboxOptions::default()
    });
    let stalled: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", sb.port())).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let r = get(&sb, "/elements/api-v2/instances");
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.header("retry-after"), Some("1"));
    // Once the stalled ones are cut off, calls succeed again.
    std::thread::sleep(Duration::from_millis(1000));
    let r = api(&sb, "GET", "/instances", None);
    assert_eq!(r.status, 200, "{}", r.text());
    drop(stalled);
}

#[test]
fn f10_the_request_log_keeps_the_newest_and_counts_what_it_dropped() {
    let sb = with(SandboxOptions {
        request_log_limit: 10,
        ..SandboxOptions::default()
    });
    for i in 0..25 {
        let r = get(&sb, &format!("/elements/api-v2/instances?n={i}"));
        assert_eq!(r.status, 401);
    }
    let log = sb.requests();
    assert_eq!(log.len(), 10);
    assert_eq!(sb.requests_dropped(), 15);
    assert_eq!(log[0].raw_query, "n=15");
    assert_eq!(log[9].raw_query, "n=24");
}

#[test]
fn limits_must_be_usable() {
    for options in [
        SandboxOptions {
            max_connections: 0,
            ..SandboxOptions::default()
        },
        SandboxOptions {
            request_log_limit: 0,
            ..SandboxOptions::default()
        },
        SandboxOptions {
            read_timeout: Duration::ZERO,
            ..SandboxOptions::default()
        },
    ] {
        assert!(Sandbox::start(options).is_err());
    }
    // The longest read timeout does not overflow the clock.
    let sb = with(SandboxOptions {
        read_timeout: Duration::MAX,
        ..SandboxOptions::default()
    });
    assert_eq!(api(&sb, "GET", "/instances", None).status, 200);
}
