//! The shared vectors of tests/vectors, run through the Rust core.

mod common;

use common::{vectors, Env};
use elements_auth::{parse_callback, verify_webhook_signature, ErrorKind, OAuthUrlRequest};
use serde_json::Value;

fn opt(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

#[test]
fn callback_vectors() {
    let doc = vectors("callbacks.json");
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let got = parse_callback(
            case["callback"].as_str().unwrap(),
            case["expected_state"].as_str().unwrap(),
        );
        let expect = &case["expect"];
        if let Some(ok) = expect.get("ok") {
            let grant = got.unwrap_or_else(|e| panic!("{name}: expected a grant, got {e}"));
            assert_eq!(grant.code.expose(), ok["code"].as_str().unwrap(), "{name}");
            assert_eq!(grant.state, ok["state"].as_str().unwrap(), "{name}");
        } else {
            let want = &expect["error"];
            let err = got.expect_err(name);
            assert_eq!(
                err.kind().as_str(),
                want["kind"].as_str().unwrap(),
                "{name}: {err}"
            );
            if let Some(field) = want.get("field") {
                assert_eq!(err.field(), field.as_str(), "{name}");
            }
            if err.kind() == ErrorKind::AuthorizationDenied {
                match err {
                    elements_auth::Error::AuthorizationDenied {
                        error,
                        description,
                        uri,
                    } => {
                        assert_eq!(Some(error), opt(&want["error"]), "{name}");
                        assert_eq!(description, opt(&want["description"]), "{name}");
                        assert_eq!(uri, opt(&want["uri"]), "{name}");
                    }
                    other => panic!("{name}: {other:?}"),
                }
            }
        }
    }
}

/// Every case of a signature vector file: one key (`key`) or several
/// (`keys`), verified as the case says, the error's kind (and `field`, when
/// the case names one) checked, no key in the message.
fn signature_vectors(file: &str, several: bool) {
    let doc = vectors(file);
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 8, "{file}");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let (body, header) = (
            case["body"].as_str().unwrap().as_bytes(),
            case["header"].as_str().unwrap(),
        );
        let keys: Vec<&str> = if several {
            let list = case["keys"].as_array().unwrap();
            list.iter().map(|k| k.as_str().unwrap()).collect()
        } else {
            vec![case["key"].as_str().unwrap()]
        };
        let got = if several {
            verify_webhook_signature(&keys, body, header)
        } else {
            verify_webhook_signature(keys[0], body, header)
        };
        if case["valid"].as_bool().unwrap() {
            got.unwrap_or_else(|e| panic!("{name}: {e}"));
            continue;
        }
        let err = got.expect_err(name);
        assert_eq!(
            err.kind().as_str(),
            case["kind"].as_str().unwrap(),
            "{name}"
        );
        if let Some(field) = case.get("field") {
            assert_eq!(err.field(), field.as_str(), "{name}");
        }
        for key in &keys {
            assert!(key.is_empty() || !err.to_string().contains(key), "{name}");
        }
    }
}

#[test]
fn webhook_signature_vectors() {
    signature_vectors("webhook_signatures.json", false);
}

#[test]
fn query_encoding_vectors_reach_the_wire_exactly() {
    let env = Env::new();
    let client = env.client();
    let doc = vectors("query_encoding.json");
    for case in doc["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let r = &case["request"];
        let s = |k: &str| r[k].as_str().unwrap().to_owned();
        let mut request = OAuthUrlRequest::new(
            s("element"),
            s("api_key"),
            s("api_secret"),
            s("callback_url"),
        );
        request.state = opt(&r["state"]);
        request.site_address = opt(&r["site_address"]);
        request.scope = opt(&r["scope"]);
        for p in r["params"].as_array().into_iter().flatten() {
            request
                .params
                .push((p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()));
        }
        let before = env.sandbox.requests().len();
        let url = client
            .oauth_url(&request)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(url.state, s("state"), "{name}");
        let sent = &env.sandbox.requests()[before];
        assert_eq!(
            sent.path,
            format!("/elements/api-v2/elements/{}/oauth/url", s("element")),
            "{name}"
        );
        assert_eq!(
            sent.raw_query,
            case["expected_query"].as_str().unwrap(),
            "{name}"
        );
        // And the server decodes every value back to what was given.
        assert_eq!(
            sent.query_param("apiSecret"),
            Some(s("api_secret").as_str()),
            "{name}"
        );
        assert_eq!(
            sent.query_param("callbackUrl"),
            Some(s("callback_url").as_str()),
            "{name}"
        );
    }
}

// --- events: key rotation and notification parsing ---

#[test]
fn webhook_key_rotation_vectors() {
    signature_vectors("webhook_key_rotation.json", true);
}

#[test]
fn event_notification_vectors() {
    let doc = vectors("event_notifications.json");
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let body = case["body"].as_str().unwrap();
        let got = elements_auth::parse_event_notification(body.as_bytes());
        let expect = &case["expect"];
        let Some(ok) = expect.get("ok") else {
            let err = got.expect_err(name);
            assert_eq!(err.kind().as_str(), expect["error"]["kind"], "{name}");
            continue;
        };
        let n = got.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(n.event_id, ok["event_id"].as_str().unwrap(), "{name}");
        assert_eq!(Some(n.instance_id), ok["instance_id"].as_i64(), "{name}");
        assert_eq!(
            n.notification_id,
            ok["notification_id"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            n.raw,
            serde_json::from_str::<Value>(body).unwrap(),
            "{name}"
        );
        let want = ok["events"].as_array().unwrap();
        assert_eq!(n.events.len(), want.len(), "{name}");
        for (i, (got, want)) in n.events.iter().zip(want).enumerate() {
            assert_eq!(got.element_key, want["element_key"], "{name} [{i}]");
            assert_eq!(got.object_type, want["object_type"], "{name} [{i}]");
            assert_eq!(got.object_id, want["object_id"], "{name} [{i}]");
            assert_eq!(got.event_type, want["event_type"], "{name} [{i}]");
            assert_eq!(got.date, opt(&want["date"]), "{name} [{i}]");
            assert_eq!(got.raw, n.raw["response"]["events"][i], "{name} [{i}]");
        }
    }
}
