//! `StateSigner`: the shared vectors of tests/vectors/state_tokens.json, and
//! a whole sign-in against the sandbox with a rotated key.

mod common;

use common::{vectors, Env, API_KEY, API_SECRET, CALLBACK};
use elements_auth::{
    CreateInstanceRequest, Error, ErrorKind, Mismatch, OAuthUrlRequest, StateClaims, StateSigner,
};
use serde_json::Value;
use std::time::Duration;

const SECRET: &[u8] = b"rust-test-state-secret-0123456789abcdef";
const OLD_SECRET: &[u8] = b"rust-test-old-state-secret-0123456789ab";

/// The signer a vector case describes, built through the public API.
fn signer_of(doc: &Value, case: &Value) -> Result<StateSigner, Error> {
    let keys = &doc["keys"];
    let spec = &case["signer"];
    let secret = |id: &str| keys[id].as_str().unwrap().as_bytes().to_vec();
    let key = spec["key"].as_str().unwrap();
    let mut signer = StateSigner::new(key, secret(key))?;
    for id in spec["previous"].as_array().into_iter().flatten() {
        let id = id.as_str().unwrap();
        signer = signer.previous_key(id, secret(id))?;
    }
    if let Some(ttl) = spec["ttl"].as_u64() {
        signer = signer.ttl(Duration::from_secs(ttl))?;
    }
    Ok(signer)
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn check_error(name: &str, err: &Error, want: &Value) {
    assert_eq!(
        err.kind().as_str(),
        want["kind"].as_str().unwrap(),
        "{name}: {err}"
    );
    if let Some(m) = want.get("mismatch") {
        assert_eq!(err.mismatch().map(Mismatch::as_str), m.as_str(), "{name}");
    }
    if let Some(f) = want.get("field") {
        assert_eq!(err.field(), f.as_str(), "{name}");
    }
}

#[test]
fn state_token_vectors() {
    let doc = vectors("state_tokens.json");
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let expect = &case["expect"];
        let signer = match signer_of(&doc, case) {
            Ok(s) => s,
            Err(err) => {
                assert!(case.get("verify").is_none(), "{name}: {err}");
                check_error(name, &err, &expect["error"]);
                continue;
            }
        };
        if let Some(sign) = case.get("sign") {
            let token = signer
                .sign_for_test(
                    sign["element"].as_str().unwrap(),
                    sign["subject"].as_str().unwrap(),
                    sign["issued_at"].as_u64().unwrap(),
                    &hex(sign["nonce"].as_str().unwrap()),
                )
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(token, case["token"].as_str().unwrap(), "{name}");
        }
        let Some(verify) = case.get("verify") else {
            panic!("{name}: a case that builds its signer must sign or verify")
        };
        let got = signer.verify_for_test(
            verify["state"].as_str().unwrap(),
            verify["subject"].as_str().unwrap(),
            verify["now"].as_u64().unwrap(),
        );
        match expect.get("ok") {
            Some(ok) => {
                let claims = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    claims,
                    StateClaims {
                        element: ok["element"].as_str().unwrap().into(),
                        key_id: ok["key_id"].as_str().unwrap().into(),
                        issued_at: ok["issued_at"].as_u64().unwrap(),
                        expires_at: ok["expires_at"].as_u64().unwrap(),
                    },
                    "{name}"
                );
            }
            None => check_error(name, &got.expect_err(name), &expect["error"]),
        }
    }
}

#[test]
fn the_test_hooks_cannot_stand_in_for_sign_and_verify() {
    let signer = StateSigner::new("k1", SECRET).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // A deterministic token that would still be valid is refused...
    let err = signer
        .sign_for_test("concur", "u", now, &[7; 16])
        .unwrap_err();
    assert_eq!(err.field(), Some("issued_at"), "{err}");
    // ...so what sign_for_test makes has expired for verify.
    let old = signer
        .sign_for_test("concur", "u", now - 3600, &[7; 16])
        .unwrap();
    let err = signer.verify(&old, "u").unwrap_err();
    assert_eq!(err.mismatch(), Some(Mismatch::Expired), "{err}");
    // And verify_for_test refuses a live token whatever time it is told.
    let live = signer.sign("concur", "u").unwrap();
    let err = signer.verify_for_test(&live, "u", now).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert_eq!(err.field(), Some("state"));
    let err = signer
        .sign_for_test("concur", "u", 0, &[7; 15])
        .unwrap_err();
    assert_eq!(err.field(), Some("nonce"));
}

#[test]
fn bad_arguments_name_their_field() {
    let signer = StateSigner::new("k1", SECRET).unwrap();
    for (element, subject, field) in [
        ("", "u", "element"),
        ("con/cur", "u", "element"),
        (&"e".repeat(101)[..], "u", "element"),
        ("concur", "", "subject"),
    ] {
        let err = signer.sign(element, subject).unwrap_err();
        assert_eq!(err.field(), Some(field), "{element:?} {subject:?}: {err}");
    }
    for ttl in [
        Duration::ZERO,
        Duration::from_millis(1500),
        Duration::from_secs(86_401),
    ] {
        let err = StateSigner::new("k1", SECRET)
            .unwrap()
            .ttl(ttl)
            .unwrap_err();
        assert_eq!(err.field(), Some("ttl"), "{ttl:?}");
    }
    let err = StateSigner::new("k1", [0u8; 31]).unwrap_err();
    assert_eq!(err.field(), Some("secret"));
    assert!(err.to_string().contains("at least 32 bytes"), "{err}");
    let err = StateSigner::new("", SECRET).unwrap_err();
    assert_eq!(err.field(), Some("key_id"));
}

#[test]
fn errors_say_what_was_wrong_and_show_no_secret() {
    let old = StateSigner::new("k1", OLD_SECRET).unwrap();
    let signer = StateSigner::new("k2", SECRET).unwrap();
    let state = old.sign("concur", "alice").unwrap();
    let err = signer.verify(&state, "alice").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::StateMismatch);
    assert_eq!(err.mismatch(), Some(Mismatch::UnknownKey));
    assert_eq!(err.details().mismatch, Some(Mismatch::UnknownKey));
    assert!(err.to_string().contains("\"k1\""), "{err}");
    let rotated = signer.clone().previous_key("k1", OLD_SECRET).unwrap();
    let err = rotated.verify(&state, "bob").unwrap_err();
    assert_eq!(err.mismatch(), Some(Mismatch::OtherSubject));
    for text in [err.to_string(), format!("{err:?}"), format!("{rotated:?}")] {
        for secret in [SECRET, OLD_SECRET] {
            assert!(
                !text.contains(std::str::from_utf8(secret).unwrap()),
                "{text}"
            );
        }
        assert!(!text.contains("alice") && !text.contains("bob"), "{text}");
    }
}

#[test]
fn a_rotated_key_completes_a_sign_in_and_a_removed_one_fails() {
    let env = Env::new();
    let client = env.builder().build().unwrap();
    let before = StateSigner::new("k1", OLD_SECRET).unwrap();
    let after = StateSigner::new("k2", SECRET)
        .unwrap()
        .previous_key("k1", OLD_SECRET)
        .unwrap();
    let removed = StateSigner::new("k2", SECRET).unwrap();
    let mut landed = Vec::new();
    for _ in 0..2 {
        // A sign-in started before the rotation...
        let state = before.sign("dropbox", "user-7").unwrap();
        let url = client
            .oauth_url(
                &OAuthUrlRequest::new("dropbox", API_KEY, API_SECRET, CALLBACK).state(&state),
            )
            .unwrap();
        landed.push(env.sandbox.approve(&url.oauth_url).unwrap());
    }
    // ...completes on a replica that already rotated,
    let grant = after.parse_callback(&landed[0], "user-7").unwrap();
    assert_eq!(after.verify(&grant.state, "user-7").unwrap().key_id, "k1");
    let instance = client
        .create_instance(&CreateInstanceRequest::new(
            "dropbox", grant.code, "rotated", API_KEY, API_SECRET, CALLBACK,
        ))
        .unwrap();
    assert_eq!(instance.element_key, "dropbox");
    // but not on one that removed the old key.
    let err = removed.parse_callback(&landed[1], "user-7").unwrap_err();
    assert_eq!(err.mismatch(), Some(Mismatch::UnknownKey), "{err}");
    // Another user's callback is refused before its code is read.
    let err = after.parse_callback(&landed[1], "user-8").unwrap_err();
    assert_eq!(err.mismatch(), Some(Mismatch::OtherSubject), "{err}");
    // A denial is only believed with this user's state.
    let state = after.sign("dropbox", "user-7").unwrap();
    let url = client
        .oauth_url(&OAuthUrlRequest::new("dropbox", API_KEY, API_SECRET, CALLBACK).state(&state))
        .unwrap();
    let denied = env.sandbox.deny(&url.oauth_url).unwrap();
    let err = after.parse_callback(&denied, "user-7").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AuthorizationDenied, "{err}");
    let err = after.parse_callback(&denied, "user-8").unwrap_err();
    assert_eq!(err.mismatch(), Some(Mismatch::OtherSubject), "{err}");
    assert_eq!(env.sandbox.instances().len(), 1);
}
