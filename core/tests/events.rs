//! Events end to end in Rust: an instance created with the client, an event
//! triggered in the sandbox, POSTed to a receiver of the test's own, whose
//! raw body verifies (one key, or the rotation pair) and parses to what was
//! triggered.

mod common;
#[path = "../../sandbox/tests/common/receiver.rs"]
mod receiver;

use common::*;
use elements_auth::{
    parse_event_notification, verify_webhook_signature, CreateInstanceRequest, ErrorKind, Events,
    SIGNATURE_HEADER,
};
use elements_auth_sandbox::SandboxOptions;
use receiver::Receiver;
use std::time::Duration;

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
    let rx = Receiver::start(&[]);
    let url = rx.url.clone();
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
    let got = rx.wait_for(1);
    let body = got[0].body.clone();
    let signature = got[0]
        .header(SIGNATURE_HEADER)
        .expect("the instance has a signature key")
        .to_owned();
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
    assert_eq!(rx.received().len(), 1, "one POST only");
}

#[test]
fn a_polling_concur_instance_gets_an_event_for_reports() {
    let env = env();
    let client = env.client();
    let rx = Receiver::start(&[]);
    let url = rx.url.clone();
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
    let got = rx.wait_for(1);
    let body = got[0].body.clone();
    assert_eq!(
        got[0].header(SIGNATURE_HEADER),
        None,
        "no signature key, no header"
    );
    let n = parse_event_notification(&body).unwrap();
    assert_eq!(n.events[0].object_type, "reports");
    assert_eq!(n.events[0].element_key, "concur");
    let err = env
        .sandbox
        .trigger_event(instance.id, "invoices", "UPDATED", None)
        .unwrap_err();
    assert_eq!(err.field(), Some("object_type"));
}
