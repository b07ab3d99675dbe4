//! Fault injection: each mode over a real socket.

mod common;

use common::*;
use std::time::{Duration, Instant};

const LIST: &str = "/elements/api-v2/instances";

#[test]
fn invalid_modes_are_rejected_naming_the_mode() {
    let sb = sandbox(true);
    for mode in [
        "nope",
        "slow:",
        "slow:abc",
        "status:200",
        "status:600",
        "status:x",
        "",
    ] {
        let e = sb.inject_fault(mode, 1).unwrap_err();
        assert!(e.to_string().contains(&format!("'{mode}'")), "{e}");
    }
    let e = sb.inject_fault("drop", 0).unwrap_err();
    assert!(e.to_string().contains("'drop'"), "{e}");
}

#[test]
fn status_fault_uses_the_error_shape_and_is_fifo() {
    let sb = sandbox(true);
    sb.inject_fault("status:503", 2).unwrap();
    sb.inject_fault("status:500", 1).unwrap();
    let a = auth(&sb);
    let call = || request(sb.port(), "GET", LIST, &[("Authorization", &a)], b"");
    for expected in [503, 503, 500, 200] {
        let r = call();
        assert_eq!(r.status, expected);
        if expected != 200 {
            let j = r.json();
            assert_eq!(j["message"], format!("Injected fault: HTTP {expected}"));
            assert_eq!(j["requestId"].as_str().unwrap().len(), 24);
            assert_eq!(r.header("elements-request-id"), j["requestId"].as_str());
            assert_eq!(r.header("retry-after"), (expected == 503).then_some("1"));
        }
    }
    sb.inject_fault("status:429", 1).unwrap();
    assert_eq!(call().header("retry-after"), Some("1"));
    assert_eq!(sb.requests().len(), 5);
}

#[test]
fn clear_faults_empties_the_queue() {
    let sb = sandbox(true);
    sb.inject_fault("status:500", 3).unwrap();
    sb.clear_faults();
    assert_eq!(api(&sb, "GET", "/instances", None).status, 200);
}

#[test]
fn vendor_pages_are_not_faulted() {
    let sb = sandbox(true);
    let url = oauth_url(&sb, "dropbox", "k", "s", CALLBACK);
    sb.inject_fault("status:500", 1).unwrap();
    assert_eq!(get(&sb, &url[url.find("/vendor/").unwrap()..]).status, 302);
    assert_eq!(api(&sb, "GET", "/instances", None).status, 500);
}

#[test]
fn slow_fault_delays_then_answers() {
    let sb = sandbox(true);
    sb.inject_fault("slow:150", 1).unwrap();
    let start = Instant::now();
    let r = api(&sb, "GET", "/instances", None);
    assert_eq!(r.status, 200);
    assert!(start.elapsed() >= Duration::from_millis(150));
}

#[test]
fn drop_fault_closes_without_answering_and_does_not_consume_the_code() {
    let sb = sandbox(true);
    let c = code(&sb, "dropbox", "k", "s", CALLBACK);
    let body = instance_body("dropbox", &c, "k", "s", CALLBACK).to_string();
    sb.inject_fault("drop", 1).unwrap();
    let req = format!(
        "POST {LIST} HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        auth(&sb),
        body.len()
    );
    match raw(sb.port(), req.as_bytes()) {
        Ok(bytes) => assert!(bytes.is_empty(), "got an answer"),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset),
    }
    assert!(sb.instances().is_empty());
    assert_eq!(
        sb.requests().len(),
        2,
        "oauth/url and the dropped POST are recorded"
    );
    assert_eq!(sb.requests()[1].method, "POST");
    let r = api(
        &sb,
        "POST",
        "/instances",
        Some(&serde_json::from_str(&body).unwrap()),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn badjson_fault_sends_truncated_json() {
    let sb = sandbox(true);
    sb.inject_fault("badjson", 1).unwrap();
    let r = api(&sb, "GET", "/instances", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(!r.body.is_empty());
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
}

#[test]
fn huge_fault_sends_twelve_mebibytes() {
    let sb = sandbox(true);
    sb.inject_fault("huge", 1).unwrap();
    let r = api(&sb, "GET", "/instances", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body.len(), 12 * 1024 * 1024);
}

#[test]
fn nostate_fault_gives_the_element_key_as_the_state() {
    let sb = sandbox(true);
    sb.inject_fault("nostate", 1).unwrap();
    let r = get(
        &sb,
        &format!(
            "/elements/api-v2/elements/dropbox/oauth/url?apiKey=k&apiSecret=s&callbackUrl={}&state=mine",
            enc(CALLBACK)
        ),
    );
    assert_eq!(r.status, 200);
    let url = r.json()["oauthUrl"].as_str().unwrap().to_owned();
    assert_eq!(param(&url, "state").as_deref(), Some("dropbox"));
    // Only the next request: then the state sent comes back again.
    let url = oauth_url(&sb, "dropbox", "k", "s", &format!("{CALLBACK}?x=1"));
    assert_eq!(
        param(&url, "state").as_deref(),
        Some("dropbox"),
        "no state sent"
    );
}

#[test]
fn truncated_fault_handles_the_request_then_cuts_the_answer() {
    let sb = sandbox(true);
    let code = code(&sb, "dropbox", "k", "s", CALLBACK);
    sb.inject_fault("truncated", 1).unwrap();
    let r = api(
        &sb,
        "POST",
        "/instances",
        Some(&instance_body("dropbox", &code, "k", "s", CALLBACK)),
    );
    assert_eq!(r.status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
    assert_eq!(sb.instances().len(), 1, "the instance exists");
}
