//! The three steps against the sandbox, checked on the wire.

mod common;

use common::*;
use elements_auth::{CreateInstanceRequest, Events, OAuthUrlRequest};
use serde_json::json;

#[test]
fn generated_state_is_32_random_bytes_in_base64url_and_in_the_url() {
    let env = Env::new();
    let client = env.client();
    let request = OAuthUrlRequest::new("concur", API_KEY, API_SECRET, CALLBACK).site_address(SITE);
    let a = client.oauth_url(&request).unwrap();
    let b = client.oauth_url(&request).unwrap();
    assert_eq!(a.element, "concur");
    assert_eq!(a.state.len(), 43, "32 bytes in unpadded base64url");
    assert!(a
        .state
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_ne!(a.state, b.state, "each call generates a fresh state");
    let sent = env.requests_to("GET", "/oauth/url");
    assert_eq!(sent[0].query_param("state"), Some(a.state.as_str()));
    let vendor = url::Url::parse(&a.oauth_url).unwrap();
    let q: Vec<(String, String)> = vendor.query_pairs().into_owned().collect();
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("state"), Some(a.state.as_str()));
    assert_eq!(get("client_id"), Some(API_KEY));
    assert_eq!(get("redirect_uri"), Some(CALLBACK));
    assert_eq!(get("response_type"), Some("code"));
    assert!(
        sent[0].header("authorization").is_none(),
        "oauth/url needs no secrets header"
    );
}

#[test]
fn whole_flow_sends_the_exact_body_and_authorization_header() {
    let env = Env::new();
    let client = env.client();
    let code = env.concur_code(&client);
    let poller = json!({"reports": {"url": "/hubs/expense/reports?where=lastModifiedDate>'${date:yyyy-MM-dd'T'HH:mm:ss'Z'}'",
        "idField": "ID",
        "datesConfiguration": {"updatedDateField": "LastModified", "updatedDateFormat": "yyyy-MM-dd'T'HH:mm:ss.SSS",
                               "createdDateField": "CreateDate", "createdDateFormat": "yyyy-MM-dd'T'HH:mm:ss.SSS"}}});
    let request = CreateInstanceRequest::new(
        "concur",
        code.clone(),
        "Concur for ACME",
        API_KEY,
        API_SECRET,
        CALLBACK,
    )
    .tag("acme")
    .tag("expenses")
    .filter_response_nulls(false)
    .events(
        Events::polling("https://app.example.com/events")
            .signature_key("sigkey-Hh3vN6")
            .refresh_interval(15)
            .poller_configuration(poller.clone()),
    )
    .configuration("document.tagging", "false");
    let instance = client.create_instance(&request).unwrap();

    let sent = env.requests_to("POST", "/instances");
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].header("authorization"),
        Some("User usersecret-Kq7pX2, Organization orgsecret-Wm4nB9")
    );
    assert_eq!(sent[0].header("content-type"), Some("application/json"));
    let body = sent[0].json().unwrap();
    assert_eq!(
        body,
        json!({
            "element": {"key": "concur"},
            "providerData": {"code": code},
            "configuration": {
                "oauth.api.key": API_KEY,
                "oauth.api.secret": API_SECRET,
                "oauth.callback.url": CALLBACK,
                "filter.response.nulls": "false",
                "event.notification.enabled": "true",
                "event.vendor.type": "polling",
                "event.notification.callback.url": "https://app.example.com/events",
                "event.notification.signature.key": "sigkey-Hh3vN6",
                "event.poller.refresh_interval": "15",
                "event.poller.configuration": poller.to_string(),
                "document.tagging": "false"
            },
            "tags": ["acme", "expenses"],
            "name": "Concur for ACME"
        })
    );
    // The poller configuration travels as a compact JSON string.
    let sent_poller = body["configuration"]["event.poller.configuration"]
        .as_str()
        .unwrap();
    assert!(!sent_poller.contains(": "));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(sent_poller).unwrap(),
        poller
    );

    // The create answer has tag objects; the instance normalises them.
    assert_eq!(instance.element_key, "concur");
    assert_eq!(instance.name, "Concur for ACME");
    assert_eq!(instance.tags, vec!["acme", "expenses"]);
    assert!(instance.valid && !instance.disabled);
    assert_eq!(instance.token.expose().len(), 44);
    assert!(
        instance.raw()["tags"][0].is_object(),
        "create answers tags as objects"
    );

    // GET answers tags as strings; both decode to the same instance.
    let fetched = client.get_instance(instance.id).unwrap();
    assert!(
        fetched.raw()["tags"][0].is_string(),
        "GET answers tags as strings"
    );
    assert_eq!(fetched.tags, instance.tags);
    assert_eq!(fetched.token, instance.token);
    let listed = client.list_instances().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, instance.id);

    client.delete_instance(instance.id).unwrap();
    assert!(client.list_instances().unwrap().is_empty());
    let gone = client.get_instance(instance.id).unwrap_err();
    assert_eq!(gone.status(), Some(404));
}

/// The transport sends a request's head with a small body in one write, and
/// on its own before a large one: bodies of every size around those bounds
/// (the 8 KiB held back, the output buffer) arrive whole, on one connection.
#[test]
fn bodies_of_every_size_arrive_whole() {
    let env = Env::new();
    let client = env.client();
    for size in [10, 7_000, 9_000, 100_000, 200_000, 1_000_000] {
        let code = env.concur_code(&client);
        let value: String = (0..size)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let instance = client
            .create_instance(
                &CreateInstanceRequest::new("concur", code, "sized", API_KEY, API_SECRET, CALLBACK)
                    .configuration("custom.blob", value.as_str()),
            )
            .unwrap();
        let sent = env.requests_to("POST", "/instances");
        let body = sent.last().unwrap().json().unwrap();
        assert_eq!(
            body["configuration"]["custom.blob"],
            value.as_str(),
            "{size}"
        );
        client.delete_instance(instance.id).unwrap();
    }
}

#[test]
fn minimal_create_sends_defaults_as_strings() {
    let env = Env::new();
    let client = env.client();
    let code = env.concur_code(&client);
    client
        .create_instance(&CreateInstanceRequest::new(
            "concur", code, "plain", API_KEY, API_SECRET, CALLBACK,
        ))
        .unwrap();
    let body = env.requests_to("POST", "/instances")[0].json().unwrap();
    let config = body["configuration"].as_object().unwrap();
    assert_eq!(config["filter.response.nulls"], "true");
    assert_eq!(config["event.notification.enabled"], "false");
    assert!(config.values().all(|v| v.is_string()));
    assert!(!config.contains_key("event.vendor.type"));
    assert_eq!(body["tags"], json!([]));
}

#[test]
fn webhook_events_for_dropbox() {
    let env = Env::new();
    let client = env.client();
    let url = client
        .oauth_url(
            &OAuthUrlRequest::new("dropbox", API_KEY, API_SECRET, CALLBACK).state("my-state"),
        )
        .unwrap();
    assert_eq!(url.state, "my-state");
    let grant =
        elements_auth::parse_callback(&env.sandbox.approve(&url.oauth_url).unwrap(), "my-state")
            .unwrap();
    let instance = client
        .create_instance(
            &CreateInstanceRequest::new(
                "dropbox", grant.code, "box", API_KEY, API_SECRET, CALLBACK,
            )
            .events(Events::webhook("https://app.example.com/hooks").signature_key("sigkey-2")),
        )
        .unwrap();
    assert_eq!(instance.element_key, "dropbox");
    let body = env.requests_to("POST", "/instances")[0].json().unwrap();
    assert_eq!(body["configuration"]["event.vendor.type"], "webhook");
}

#[test]
fn denied_consent_reaches_the_caller_as_authorization_denied() {
    let env = Env::new();
    let client = env.client();
    let url = client
        .oauth_url(
            &OAuthUrlRequest::new("concur", API_KEY, API_SECRET, CALLBACK).site_address(SITE),
        )
        .unwrap();
    let landed = env.sandbox.deny(&url.oauth_url).unwrap();
    let err = elements_auth::parse_callback(&landed, &url.state).unwrap_err();
    match err {
        elements_auth::Error::AuthorizationDenied { error, .. } => {
            assert_eq!(error, "access_denied")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_client_shared_by_threads() {
    let env = Env::new();
    let client = env.client();
    let tokens: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let client = client.clone();
                let env = &env;
                s.spawn(move || {
                    let code = env.concur_code(&client);
                    let req = CreateInstanceRequest::new(
                        "concur",
                        code,
                        format!("t{i}"),
                        API_KEY,
                        API_SECRET,
                        CALLBACK,
                    );
                    client
                        .create_instance(&req)
                        .unwrap()
                        .token
                        .expose()
                        .to_owned()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut unique = tokens.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 8);
}
