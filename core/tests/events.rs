//! Events end to end in Rust: an instance created with the client, an event
//! triggered in the sandbox, POSTed to a receiver of the test's own, whose
//! raw body verifies (one key, or the rotation pair) and parses to what was
//! triggered.

mod common;

use common::*;
use elements_auth::{
    parse_event_notification, verify_webhook_signature, CreateInstanceRequest, ErrorKind, Events,
    SIGNATURE_HEADER,
};
use elements_auth_sandbox::SandboxOptions;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

/// A receiver answering 200: each request's signature header and raw body on a channel.
fn receiver() -> (String, mpsc::Receiver<(Option<String>, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { break };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let (mut signature, mut length) = (None, 0);
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    if k.eq_ignore_ascii_case(SIGNATURE_HEADER) {
                        signature = Some(v.trim().to_owned());
                    } else if k.eq_ignore_ascii_case("content-length") {
                        length = v.trim().parse().unwrap();
                    }
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let _ = conn.write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
            if tx.send((signature, body)).is_err() {
                break;
            }
        }
    });
    (url, rx)
}

fn env() -> Env {
    Env::with(SandboxOptions {
        event_retry_delay: Duration::from_millis(1),
        ..SandboxOptions::default()
    })
}

#[test]
fn a_signed_notification_verifies_with_its_key_or_the_rotation_pair_and_parses() {
    let env = env();
    let client = env.client();
    let (url, received) = receiver();
    let code = {
        let oauth = client
            .oauth_url(&elements_auth::OAuthUrlRequest::new(
                "dropbox", API_KEY, API_SECRET, CALLBACK,
            ))
            .unwrap();
        let landed = env.sandbox.approve(&oauth.oauth_url).unwrap();
        elements_auth::parse_callback(&landed, &oauth.state)
            .unwrap()
            .code
    };
    let instance = client
        .create_instance(
            &CreateInstanceRequest::new("dropbox", code, "events", API_KEY, API_SECRET, CALLBACK)
                .events(Events::webhook(&url).signature_key("old-key-5e1")),
        )
        .unwrap();
    let event_id = env
        .sandbox
        .trigger_event(instance.id, "files", "CREATED", Some("id:42"))
        .unwrap();
    let (signature, body) = received.recv_timeout(Duration::from_secs(30)).unwrap();
    let signature = signature.expect("the instance has a signature key");
    verify_webhook_signature("old-key-5e1", &body, &signature).unwrap();
    verify_webhook_signature(&["new-key-9c4", "old-key-5e1"], &body, &signature).unwrap();
    let err =
        verify_webhook_signature(&["new-key-9c4", "third-key"], &body, &signature).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    let n = parse_event_notification(&body).unwrap();
    assert_eq!(n.event_id, event_id.to_string());
    assert_eq!(n.instance_id, instance.id);
    let [event] = n.events.as_slice() else {
        panic!("one event: {n:?}")
    };
    assert_eq!(
        (
            event.element_key.as_str(),
            event.object_type.as_str(),
            event.object_id.as_str(),
            event.event_type.as_str()
        ),
        ("dropbox", "files", "id:42", "CREATED")
    );
    assert!(event.date.is_some());
    // The sandbox's record is what the receiver got.
    let delivery = &env.sandbox.deliveries()[0];
    assert_eq!(delivery.body.as_bytes(), body.as_slice());
    assert_eq!(delivery.signature.as_deref(), Some(signature.as_str()));
    assert!(
        received.recv_timeout(Duration::from_millis(200)).is_err(),
        "one POST only"
    );
}

#[test]
fn a_polling_concur_instance_gets_an_event_for_reports() {
    let env = env();
    let client = env.client();
    let (url, received) = receiver();
    let code = env.concur_code(&client);
    let instance = client
        .create_instance(
            &CreateInstanceRequest::new("concur", code, "concur", API_KEY, API_SECRET, CALLBACK)
                .events(
                    Events::polling(&url)
                        .refresh_interval(15)
                        .poller_configuration(serde_json::json!({"reports": {"url": "/hubs/expense/reports", "idField": "ID"}})),
                ),
        )
        .unwrap();
    env.sandbox
        .trigger_event(instance.id, "reports", "UPDATED", None)
        .unwrap();
    let (signature, body) = received.recv_timeout(Duration::from_secs(30)).unwrap();
    assert_eq!(signature, None, "no signature key, no header");
    let n = parse_event_notification(&body).unwrap();
    assert_eq!(n.events[0].object_type, "reports");
    assert_eq!(n.events[0].element_key, "concur");
    let err = env
        .sandbox
        .trigger_event(instance.id, "invoices", "UPDATED", None)
        .unwrap_err();
    assert_eq!(err.field(), Some("object_type"));
}
