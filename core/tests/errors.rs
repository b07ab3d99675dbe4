//! How failures of the platform and the network reach the caller, and when we retry.

mod common;

use common::*;
use elements_auth::{Client, CreateInstanceRequest, Error, ErrorKind, OAuthUrlRequest};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

fn concur_request() -> OAuthUrlRequest {
    OAuthUrlRequest::new("concur", API_KEY, API_SECRET, CALLBACK).site_address(SITE)
}

#[test]
fn every_platform_error_status_becomes_an_api_error_with_message_and_request_id() {
    let env = Env::new();
    let client = env.builder().max_retries(0).build().unwrap();
    for status in [400u16, 401, 403, 404, 409, 415, 500, 503] {
        env.sandbox
            .inject_fault(&format!("status:{status}"), 1)
            .unwrap();
        let err = client.list_instances().unwrap_err();
        match &err {
            Error::Api {
                status: got,
                message,
                request_id,
                ..
            } => {
                assert_eq!(*got, status);
                assert!(message.contains(&status.to_string()), "{message}");
                let id = request_id.as_deref().expect("request id");
                assert_eq!(id.len(), 24);
            }
            other => panic!("{status}: {other:?}"),
        }
        assert!(err.to_string().contains(&format!("HTTP {status}")));
    }
}

#[test]
fn real_platform_errors_carry_the_platforms_message() {
    let env = Env::new();
    let client = env.client();
    // 404: unknown element.
    let err = client
        .oauth_url(&OAuthUrlRequest::new(
            "nosuchelement",
            API_KEY,
            API_SECRET,
            CALLBACK,
        ))
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert!(err.to_string().contains("nosuchelement"));
    // 400: concur without siteAddress.
    let err = client
        .oauth_url(&OAuthUrlRequest::new(
            "concur", API_KEY, API_SECRET, CALLBACK,
        ))
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(err.to_string().contains("siteAddress"), "{err}");
    // 401: wrong secrets.
    let wrong = env
        .builder()
        .user_secret("not-the-user-secret")
        .build()
        .unwrap();
    let err = wrong.list_instances().unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.request_id().is_some());
    // 400 with the vendor's message: a reused code.
    let code = env.concur_code(&client);
    let req = CreateInstanceRequest::new("concur", code, "once", API_KEY, API_SECRET, CALLBACK);
    client.create_instance(&req).unwrap();
    let err = client.create_instance(&req).unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(
        err.provider_message().unwrap().contains("invalid_grant"),
        "{err}"
    );
}

/// Serves `response` to every connection, for answers the sandbox cannot give.
fn raw_server(response: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(4) {
            let mut stream = stream;
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://127.0.0.1:{port}/elements/api-v2")
}

#[test]
fn a_non_json_error_body_is_an_api_error_with_a_summary() {
    let base = raw_server(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nElements-Request-Id: abc123\r\nContent-Length: 38\r\nConnection: close\r\n\r\n<html><body>Gateway oops</body></html>",
    );
    let client = Client::builder()
        .base_url(base)
        .user_secret("u-secret")
        .organization_secret("o-secret")
        .build()
        .unwrap();
    let err = client.list_instances().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.request_id(), Some("abc123"), "falls back to the header");
    assert!(err.to_string().contains("Gateway oops"), "{err}");
}

#[test]
fn bad_json_in_a_success_is_a_decode_error() {
    let env = Env::new();
    let client = env.client();
    env.sandbox.inject_fault("badjson", 1).unwrap();
    let err = client.list_instances().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
}

#[test]
fn a_body_over_the_size_limit_is_refused() {
    let env = Env::new();
    let client = env.client();
    env.sandbox.inject_fault("huge", 1).unwrap();
    let err = client.list_instances().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("larger than the limit"), "{err}");
    // A smaller configured limit applies to ordinary answers too.
    let tiny = env.builder().response_limit(10).build().unwrap();
    let err = tiny.oauth_url(&concur_request()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
}

#[test]
fn a_slow_platform_times_out() {
    let env = Env::new();
    let client = env
        .builder()
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .unwrap();
    env.sandbox.inject_fault("slow:2000", 1).unwrap();
    let err = client.list_instances().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
}

#[test]
fn a_timed_out_create_says_the_instance_may_exist_and_is_not_retried() {
    let env = Env::new();
    let code = env.concur_code(&env.client());
    // Only the faulted call runs with the short timeout.
    let client = env
        .builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    env.sandbox.inject_fault("slow:1500", 1).unwrap();
    let err = client
        .create_instance(&CreateInstanceRequest::new(
            "concur", code, "slow", API_KEY, API_SECRET, CALLBACK,
        ))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.may_have_reached_server());
    assert!(err.to_string().contains("may have been created"), "{err}");
    assert!(err.to_string().contains("list_instances"), "{err}");
    assert_eq!(
        env.requests_to("POST", "/instances").len(),
        1,
        "never retried"
    );
}

#[test]
fn connection_refused_is_a_transport_error() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}/elements/api-v2"))
        .retry_base_delay(Duration::from_millis(5))
        .build()
        .unwrap();
    let err = client.oauth_url(&concur_request()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(!err.may_have_reached_server());
    assert!(err.to_string().contains("refused"), "{err}");
}

#[test]
fn refused_connections_are_retried_with_backoff() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}/elements/api-v2"))
        .retry_base_delay(Duration::from_millis(100))
        .max_retries(2)
        .build()
        .unwrap();
    let start = Instant::now();
    client.oauth_url(&concur_request()).unwrap_err();
    // Two waits: at least 50 ms (half of 100) and 100 ms (half of 200).
    assert!(
        start.elapsed() >= Duration::from_millis(150),
        "waited {:?}",
        start.elapsed()
    );
}

#[test]
fn post_instances_is_never_retried_once_sent() {
    let env = Env::new();
    let client = env.client();
    let code = env.concur_code(&client);
    let req = CreateInstanceRequest::new("concur", code, "x", API_KEY, API_SECRET, CALLBACK);
    for fault in ["status:503", "status:502", "status:429", "drop"] {
        let before = env.requests_to("POST", "/instances").len();
        env.sandbox.inject_fault(fault, 3).unwrap();
        let err = client.create_instance(&req).unwrap_err();
        env.sandbox.clear_faults();
        assert_eq!(
            env.requests_to("POST", "/instances").len(),
            before + 1,
            "{fault}: {err}"
        );
        if fault == "drop" {
            assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
            assert!(err.may_have_reached_server());
        }
    }
    // The code was never consumed by the faults: the create still works.
    client.create_instance(&req).unwrap();
}

#[test]
fn gets_are_retried_on_gateway_errors_and_dropped_connections() {
    let env = Env::new();
    let client = env.client();
    for fault in ["status:502", "status:504", "drop"] {
        let before = env.requests_to("GET", "/instances").len();
        env.sandbox.inject_fault(fault, 2).unwrap();
        client
            .list_instances()
            .unwrap_or_else(|e| panic!("{fault}: {e}"));
        assert_eq!(
            env.requests_to("GET", "/instances").len(),
            before + 3,
            "{fault}"
        );
    }
}

#[test]
fn retries_are_bounded() {
    let env = Env::new();
    let client = env.builder().max_retries(2).build().unwrap();
    env.sandbox.inject_fault("status:502", 10).unwrap();
    let err = client.list_instances().unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(env.requests_to("GET", "/instances").len(), 3);
    // Other errors are not retried at all.
    env.sandbox.clear_faults();
    env.sandbox.inject_fault("status:500", 10).unwrap();
    client.list_instances().unwrap_err();
    assert_eq!(env.requests_to("GET", "/instances").len(), 4);
}

#[test]
fn retry_after_is_honoured_up_to_the_cap() {
    let env = Env::new();
    // The sandbox sends Retry-After: 1 with 503 and 429.
    let client = env.client();
    env.sandbox.inject_fault("status:503", 1).unwrap();
    let start = Instant::now();
    client.list_instances().unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        start.elapsed()
    );
    // With a cap below it, the cap wins.
    let capped = env
        .builder()
        .max_retry_delay(Duration::from_millis(20))
        .build()
        .unwrap();
    env.sandbox.inject_fault("status:429", 1).unwrap();
    let start = Instant::now();
    capped.list_instances().unwrap();
    assert!(
        start.elapsed() < Duration::from_millis(900),
        "waited {:?}",
        start.elapsed()
    );
}
