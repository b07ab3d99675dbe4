//! Bad input is refused before anything is sent, naming the field.

mod common;

use common::*;
use elements_auth::{
    Client, CreateInstanceRequest, ErrorKind, EventVendorType, Events, OAuthUrlRequest,
};
use serde_json::json;

fn assert_invalid(result: Result<impl std::fmt::Debug, elements_auth::Error>, field: &str) {
    let err = result.expect_err(field);
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{field}: {err}");
    assert_eq!(err.field(), Some(field), "{err}");
    assert!(
        err.to_string().contains(field),
        "the message names the field: {err}"
    );
}

fn create(f: impl FnOnce(CreateInstanceRequest) -> CreateInstanceRequest) -> CreateInstanceRequest {
    f(CreateInstanceRequest::new(
        "concur", "code-1", "n", API_KEY, API_SECRET, CALLBACK,
    ))
}

#[test]
fn oauth_url_input_is_checked_before_sending() {
    let env = Env::new();
    let client = env.client();
    let ok = || OAuthUrlRequest::new("concur", API_KEY, API_SECRET, CALLBACK);
    let cases: Vec<(OAuthUrlRequest, &str)> = vec![
        (
            OAuthUrlRequest {
                element: "".into(),
                ..ok()
            },
            "element",
        ),
        (
            OAuthUrlRequest {
                element: "a/b".into(),
                ..ok()
            },
            "element",
        ),
        (
            OAuthUrlRequest {
                element: "..".into(),
                ..ok()
            },
            "element",
        ),
        (
            OAuthUrlRequest {
                element: "con cur".into(),
                ..ok()
            },
            "element",
        ),
        (
            OAuthUrlRequest {
                element: "x?y".into(),
                ..ok()
            },
            "element",
        ),
        (
            OAuthUrlRequest {
                api_key: "".into(),
                ..ok()
            },
            "api_key",
        ),
        (
            OAuthUrlRequest {
                api_secret: "".into(),
                ..ok()
            },
            "api_secret",
        ),
        (
            OAuthUrlRequest {
                callback_url: "".into(),
                ..ok()
            },
            "callback_url",
        ),
        (
            OAuthUrlRequest {
                callback_url: "/relative/cb".into(),
                ..ok()
            },
            "callback_url",
        ),
        (
            OAuthUrlRequest {
                callback_url: "ftp://host/cb".into(),
                ..ok()
            },
            "callback_url",
        ),
        (
            OAuthUrlRequest {
                callback_url: "app.example.com/cb".into(),
                ..ok()
            },
            "callback_url",
        ),
        (ok().state(""), "state"),
        (ok().site_address(" "), "site_address"),
        (ok().param("", "v"), "params[0]"),
        (ok().param("x", "1").param("apiSecret", "v"), "params[1]"),
    ];
    for (request, field) in cases {
        assert_invalid(client.oauth_url(&request), field);
    }
    assert!(env.sandbox.requests().is_empty(), "nothing was sent");
}

#[test]
fn create_instance_input_is_checked_before_sending() {
    let env = Env::new();
    let client = env.client();
    let poll = || Events::polling("https://app.example.com/events");
    let cases: Vec<(CreateInstanceRequest, &str)> = vec![
        (
            create(|r| CreateInstanceRequest {
                element: "".into(),
                ..r
            }),
            "element",
        ),
        (
            create(|r| CreateInstanceRequest {
                element: "../admin".into(),
                ..r
            }),
            "element",
        ),
        (
            create(|r| CreateInstanceRequest {
                code: "".into(),
                ..r
            }),
            "code",
        ),
        (
            create(|r| CreateInstanceRequest {
                name: " ".into(),
                ..r
            }),
            "name",
        ),
        (
            create(|r| CreateInstanceRequest {
                api_key: "".into(),
                ..r
            }),
            "api_key",
        ),
        (
            create(|r| CreateInstanceRequest {
                api_secret: "".into(),
                ..r
            }),
            "api_secret",
        ),
        (
            create(|r| CreateInstanceRequest {
                callback_url: "not a url".into(),
                ..r
            }),
            "callback_url",
        ),
        (create(|r| r.tag("")), "tags[0]"),
        (
            create(|r| r.events(Events::polling("mailto:me@example.com"))),
            "events.callback_url",
        ),
        (
            create(|r| r.events(Events::polling("/relative"))),
            "events.callback_url",
        ),
        (
            create(|r| r.events(poll().refresh_interval(0))),
            "events.refresh_interval",
        ),
        (
            create(|r| r.events(poll().poller_configuration(json!(["reports"])))),
            "events.poller_configuration",
        ),
        (
            create(|r| r.events(poll().poller_configuration(json!("{}")))),
            "events.poller_configuration",
        ),
        (
            create(|r| r.events(poll().signature_key(""))),
            "events.signature_key",
        ),
        (
            create(|r| r.events(Events::webhook("https://app.example.com/h").refresh_interval(5))),
            "events.refresh_interval",
        ),
        (
            create(|r| r.configuration("event.notification.signature.key", "k")),
            "configuration[0]",
        ),
        (
            create(|r| r.configuration("oauth.api.secret", "s")),
            "configuration[0]",
        ),
        (
            create(|r| r.configuration("a", "1").configuration("a", "2")),
            "configuration[1]",
        ),
        (create(|r| r.configuration("", "1")), "configuration[0]"),
    ];
    for (request, field) in cases {
        assert_invalid(client.create_instance(&request), field);
    }
    assert!(env.sandbox.requests().is_empty(), "nothing was sent");
}

#[test]
fn an_unknown_event_vendor_type_is_refused() {
    let err = "sse".parse::<EventVendorType>().unwrap_err();
    assert_eq!(err.field(), Some("events.vendor_type"));
    assert_eq!(
        "polling".parse::<EventVendorType>().unwrap(),
        EventVendorType::Polling
    );
    assert_eq!(
        "webhook".parse::<EventVendorType>().unwrap(),
        EventVendorType::Webhook
    );
}

#[test]
fn secrets_are_required_for_platform_calls() {
    let env = Env::new();
    let no_user = Client::builder()
        .base_url(env.sandbox.base_url())
        .organization_secret("o")
        .build()
        .unwrap();
    assert_invalid(no_user.list_instances(), "user_secret");
    let no_org = Client::builder()
        .base_url(env.sandbox.base_url())
        .user_secret("u")
        .build()
        .unwrap();
    assert_invalid(
        no_org.create_instance(&create(|r| r)),
        "organization_secret",
    );
    assert!(env.sandbox.requests().is_empty());
}

#[test]
fn https_is_required_except_on_loopback() {
    assert_invalid(
        Client::builder()
            .base_url("http://api.cloud-elements.com/elements/api-v2")
            .build(),
        "base_url",
    );
    assert_invalid(
        Client::builder()
            .base_url("http://10.0.0.5/elements/api-v2")
            .build(),
        "base_url",
    );
    assert_invalid(
        Client::builder().base_url("ftp://host/x").build(),
        "base_url",
    );
    assert_invalid(
        Client::builder().base_url("api.cloud-elements.com").build(),
        "base_url",
    );
    assert_invalid(
        Client::builder()
            .base_url("https://a.example")
            .environment("staging")
            .build(),
        "base_url",
    );
    assert_invalid(Client::builder().environment("moon").build(), "environment");
    assert_invalid(
        Client::builder().timeout(std::time::Duration::ZERO).build(),
        "timeout",
    );
    assert_invalid(
        Client::builder().ca_file("/nonexistent/ca.pem").build(),
        "ca_file",
    );
    for ok in [
        "https://api.cloud-elements.com/elements/api-v2",
        "http://127.0.0.1:8080/elements/api-v2",
        "http://localhost:1/elements/api-v2",
        "http://[::1]:9/elements/api-v2/",
    ] {
        Client::builder()
            .base_url(ok)
            .build()
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    for (env, base) in [
        (
            "production",
            "https://api.cloud-elements.com/elements/api-v2",
        ),
        (
            "staging",
            "https://staging.cloud-elements.com/elements/api-v2",
        ),
        (
            "sap-us2",
            "https://api.openconnectors.us2.ext.hana.ondemand.com/elements/api-v2",
        ),
    ] {
        assert_eq!(
            Client::builder()
                .environment(env)
                .build()
                .unwrap()
                .base_url(),
            base
        );
    }
    assert_eq!(
        Client::builder().build().unwrap().base_url(),
        "https://api.cloud-elements.com/elements/api-v2",
        "production is the default"
    );
}

#[test]
fn a_signature_key_without_events_is_refused() {
    let env = Env::new();
    let client = env.client();
    let request = create(|r| r.configuration("event.notification.signature.key", "sigkey-orphan"));
    let err = client.create_instance(&request).unwrap_err();
    assert_eq!(err.field(), Some("configuration[0]"));
    assert!(err.to_string().contains("this request has none"), "{err}");
    assert!(!err.to_string().contains("sigkey-orphan"), "{err}");
    assert!(env.sandbox.requests().is_empty());
}

#[test]
fn instance_ids_and_limits_are_checked() {
    let env = Env::new();
    let client = env.client();
    assert_invalid(client.get_instance(0), "id");
    assert_invalid(client.delete_instance(-3), "id");
    assert!(env.sandbox.requests().is_empty());
    assert_invalid(env.builder().response_limit(0).build(), "response_limit");
}

#[test]
fn a_socks_proxy_is_refused_since_requests_would_go_around_it() {
    for proxy in ["socks5://127.0.0.1:1080", "socks4://proxy.example:1080"] {
        let built = Client::builder()
            .base_url("https://api.example.com/elements/api-v2")
            .user_secret("u")
            .organization_secret("o")
            .proxy(proxy)
            .build();
        assert_invalid(built, "proxy");
    }
    // A CONNECT proxy is taken.
    Client::builder()
        .base_url("https://api.example.com/elements/api-v2")
        .proxy("http://proxy.example:3128")
        .build()
        .expect("an http:// proxy");
}
