//! Regression tests of the security review's findings about the core
//! (../shared/research/security-audit.md). Each fails on the reviewed commit
//! 5339e2f and passes now; the sandbox's, the CLI's and the bindings' own
//! findings are tested in their crates.

mod common;

use common::*;
use elements_auth::{
    parse_callback, Client, CreateInstanceRequest, ErrorKind, Events, OAuthUrlRequest,
};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A server answering every connection with `response` once it has read the
/// request's head (as any server or proxy does), recording what it got.
fn raw_server(response: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten().take(16) {
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&got).into_owned());
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (format!("http://127.0.0.1:{port}/elements/api-v2"), seen)
}

fn json_response(status: u16, body: &str) -> String {
    format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn client_for(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .user_secret("u-secret-1234")
        .organization_secret("o-secret-5678")
        .max_retries(0)
        .build()
        .unwrap()
}

fn concur() -> OAuthUrlRequest {
    OAuthUrlRequest::new("concur", API_KEY, API_SECRET, CALLBACK).site_address(SITE)
}

#[test]
fn f02_a_url_with_a_line_break_is_refused_before_anything_is_sent() {
    let env = Env::new();
    let client = env.client();
    let bad = "https://app.example.com/cb\r\nSet-Cookie: x=1";
    let err = client
        .oauth_url(&OAuthUrlRequest::new("concur", API_KEY, API_SECRET, bad).site_address(SITE))
        .unwrap_err();
    assert_eq!(err.field(), Some("callback_url"), "{err}");
    let req = CreateInstanceRequest::new("concur", "code-1", "n", API_KEY, API_SECRET, CALLBACK)
        .events(Events::polling("https://app.example.com/ev\nx"));
    assert_eq!(
        client.create_instance(&req).unwrap_err().field(),
        Some("events.callback_url")
    );
    assert!(env.sandbox.requests().is_empty());
}

#[test]
fn f03_an_oauth_url_that_does_not_carry_the_state_sent_is_refused() {
    // The platform's documented fallback: the element key as the state.
    let env = Env::new();
    env.sandbox.inject_fault("nostate", 1).unwrap();
    let err = env.client().oauth_url(&concur()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("state"), "{err}");
    // Another state, or none at all, from a platform that misbehaves.
    for url in [
        "https://vendor.example/authorize?client_id=k&state=concur",
        "https://vendor.example/authorize?client_id=k",
    ] {
        let (base, _) = raw_server(json_response(
            200,
            &format!(r#"{{"element": "concur", "oauthUrl": "{url}"}}"#),
        ));
        let err = client_for(&base).oauth_url(&concur()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{url}: {err}");
    }
}

#[test]
fn f04_a_create_that_may_have_happened_is_never_retryable() {
    let env = Env::new();
    let create = |client: &Client, code: String| {
        client
            .create_instance(&CreateInstanceRequest::new(
                "concur", code, "n", API_KEY, API_SECRET, CALLBACK,
            ))
            .unwrap_err()
    };
    let slow = env
        .builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    for (fault, client) in [
        ("slow:1500", &slow),
        ("status:503", &env.client()),
        ("status:504", &env.client()),
        ("drop", &env.client()),
    ] {
        let code = env.concur_code(&env.client());
        env.sandbox.inject_fault(fault, 1).unwrap();
        let err = create(client, code);
        env.sandbox.clear_faults();
        assert!(err.may_have_reached_server(), "{fault}: {err}");
        assert!(!err.is_retryable(), "{fault}: {err}");
        assert!(!err.details().retryable);
        assert!(
            err.to_string().contains("may have been created"),
            "{fault}: {err}"
        );
    }
    // An idempotent call that failed the same way may be repeated.
    let once = env.builder().max_retries(0).build().unwrap();
    env.sandbox.inject_fault("status:503", 1).unwrap();
    let err = once.list_instances().unwrap_err();
    assert!(err.is_retryable() && err.may_have_reached_server(), "{err}");
}

#[test]
fn f07_huge_durations_are_refused_naming_the_field() {
    for (field, builder) in [
        ("timeout", Client::builder().timeout(Duration::MAX)),
        (
            "max_retry_delay",
            Client::builder().max_retry_delay(Duration::MAX),
        ),
        (
            "retry_base_delay",
            Client::builder().retry_base_delay(Duration::MAX),
        ),
    ] {
        let err = builder.build().unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
    // What a binding converts from seconds or milliseconds: no panic either.
    let huge = elements_auth::seconds("timeout", 1e19).unwrap();
    assert_eq!(
        Client::builder().timeout(huge).build().unwrap_err().field(),
        Some("timeout")
    );
    assert!(elements_auth::millis("timeout_ms", f64::INFINITY).is_err());
}

#[test]
fn f08_failures_before_sending_are_named_at_build_and_never_may_have_been_created() {
    for (field, builder) in [
        (
            "user_secret",
            Client::builder().user_secret("secret-with-newline\n"),
        ),
        (
            "user_secret",
            Client::builder().user_secret("sécret-non-ascii"),
        ),
        (
            "organization_secret",
            Client::builder().organization_secret("two words"),
        ),
        ("user_agent", Client::builder().user_agent("app/é")),
    ] {
        let err = builder.build().unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
        assert!(!err.to_string().contains("secret-with-newline"), "{err}");
    }
    // A proxy that refuses the tunnel: the create never reached the platform.
    let (proxy, seen) = raw_server(
        "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n".into(),
    );
    let client = Client::builder()
        .base_url("https://platform.example.invalid/elements/api-v2")
        .user_secret("u-secret-1234")
        .organization_secret("o-secret-5678")
        .proxy(proxy.trim_end_matches("/elements/api-v2"))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client
        .create_instance(&CreateInstanceRequest::new(
            "concur", "code-1", "n", API_KEY, API_SECRET, CALLBACK,
        ))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(!err.may_have_reached_server(), "{err}");
    assert!(err.is_retryable(), "provably never sent: {err}");
    assert!(!err.to_string().contains("may have been created"), "{err}");
    assert!(seen.lock().unwrap()[0].starts_with("CONNECT "));
}

#[test]
fn f09_plain_http_only_for_loopback_addresses_and_the_checked_url_is_the_one_sent() {
    for base in [
        "http://db.localhost/elements/api-v2",
        "http://localhost.evil.example/elements/api-v2",
        "http://10.0.0.1/elements/api-v2",
    ] {
        let err = Client::builder().base_url(base).build().unwrap_err();
        assert_eq!(err.field(), Some("base_url"), "{base}: {err}");
    }
    // Numeric spellings of loopback are sent as the address they stand for.
    let env = Env::new();
    let port = env.sandbox.port();
    for spelling in [
        format!("http://0x7f.1:{port}"),
        format!("http://127.1:{port}"),
    ] {
        let client = env
            .builder()
            .base_url(format!("{spelling}/elements/api-v2"))
            .build()
            .unwrap();
        assert_eq!(
            client.base_url(),
            format!("http://127.0.0.1:{port}/elements/api-v2")
        );
        client.list_instances().unwrap();
    }
    // `localhost` is loopback by definition: never looked up in DNS.
    let client = env
        .builder()
        .base_url(format!("http://localhost:{port}/elements/api-v2"))
        .build()
        .unwrap();
    client.list_instances().unwrap();
}

#[test]
fn f11_a_value_is_not_a_url_unless_the_input_starts_with_one() {
    let grant = parse_callback(
        "code=c1&scope=https://www.googleapis.com/auth/drive&state=s",
        "s",
    )
    .unwrap();
    assert_eq!(grant.code.expose(), "c1");
    let err = parse_callback(
        "error=invalid_scope&error_uri=https://vendor.example/help&state=s",
        "s",
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AuthorizationDenied, "{err}");
    // What precedes a `?` in a bare query is kept, not dropped as a path.
    let err = parse_callback(
        "error=access_denied&error_description=x?code=EVIL&state=s",
        "s",
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AuthorizationDenied, "{err}");
    // A value that is not UTF-8 once decoded is refused, not replaced.
    let err = parse_callback("code=%FF%FE&state=s", "s").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidCallback, "{err}");
}

#[test]
fn f12_an_oauth_url_that_is_not_https_is_refused() {
    for url in [
        "file:///etc/passwd?state=STATE",
        "http://vendor.example/authorize?state=STATE",
        "smb://vendor.example/share?state=STATE",
    ] {
        let (base, _) = raw_server(json_response(
            200,
            &format!(r#"{{"element": "concur", "oauthUrl": "{url}"}}"#),
        ));
        let err = client_for(&base)
            .oauth_url(&concur().state("STATE"))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{url}: {err}");
        assert!(err.to_string().contains("https"), "{err}");
    }
    assert_eq!(
        elements_auth::printable("a\u{202e}b\u{1b}[2Jc"),
        "ab[2Jc",
        "bidi overrides and escapes are dropped"
    );
}

#[test]
fn f13_a_base_url_with_credentials_is_refused_and_never_shown() {
    let err = Client::builder()
        .base_url("http://alice:hunter2-pw@127.0.0.1:1/elements/api-v2")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), Some("base_url"));
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[test]
fn f14_an_unreadable_answer_to_a_create_that_happened_says_so() {
    let env = Env::new();
    let client = env.client();
    let code = env.concur_code(&client);
    env.sandbox.inject_fault("truncated", 1).unwrap();
    let err = client
        .create_instance(&CreateInstanceRequest::new(
            "concur", code, "n", API_KEY, API_SECRET, CALLBACK,
        ))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.may_have_reached_server());
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(text.contains("the instance was created"), "{text}");
    assert!(text.contains("list_instances()"), "{text}");
    assert_eq!(env.sandbox.instances().len(), 1, "it was created");
}

#[test]
fn f15_a_secret_holding_a_control_character_is_scrubbed_from_echoed_messages() {
    let key = "tab\tSigningKey42";
    let (base, _) = raw_server(json_response(
        400,
        r#"{"message": "Invalid signature key: tab\tSigningKey42", "requestId": "r1"}"#,
    ));
    let req = CreateInstanceRequest::new("dropbox", "code-1", "n", API_KEY, API_SECRET, CALLBACK)
        .events(Events::webhook("https://app.example.com/hook").signature_key(key));
    let err = client_for(&base).create_instance(&req).unwrap_err();
    let text = err.to_string();
    assert!(!text.contains("SigningKey42"), "{text}");
    assert!(text.contains("Invalid signature key: ***"), "{text}");
}
