//! The platform API and vendor page over real sockets.

mod common;

use common::*;
use elements_auth_sandbox::{Sandbox, SandboxOptions};
use serde_json::json;
use std::time::Duration;

fn assert_error(r: &Resp, status: u16, message: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let j = r.json();
    assert_eq!(j["message"], message, "{j}");
    let rid = j["requestId"].as_str().unwrap();
    assert_eq!(rid.len(), 24);
    assert!(rid.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(r.header("elements-request-id"), Some(rid));
}

#[test]
fn unknown_element_is_404() {
    let sb = sandbox(true);
    let r = get(
        &sb,
        "/elements/api-v2/elements/nosuch/oauth/url?apiKey=k&apiSecret=s&callbackUrl=https%3A%2F%2Fa.example%2Fcb",
    );
    assert_error(&r, 404, "No element found with key or id 'nosuch'");
    assert!(r.json().get("providerMessage").is_none());
}

#[test]
fn non_oauth_element_is_400() {
    let sb = sandbox(true);
    let r = get(
        &sb,
        "/elements/api-v2/elements/freshdesk/oauth/url?apiKey=k&apiSecret=s&callbackUrl=https%3A%2F%2Fa.example%2Fcb",
    );
    assert_error(&r, 400, "Element freshdesk does not support OAuth 2.0");
}

#[test]
fn missing_parameters_are_named() {
    let sb = sandbox(true);
    let r = get(
        &sb,
        "/elements/api-v2/elements/dropbox/oauth/url?apiSecret=s&callbackUrl=https%3A%2F%2Fa.example%2Fcb",
    );
    assert_error(&r, 400, "Missing required parameter: apiKey");
    let r = get(
        &sb,
        "/elements/api-v2/elements/dropbox/oauth/url?apiKey=k&callbackUrl=https%3A%2F%2Fa.example%2Fcb",
    );
    assert_error(&r, 400, "Missing required parameter: apiSecret");
    let r = get(
        &sb,
        "/elements/api-v2/elements/dropbox/oauth/url?apiKey=k&apiSecret=s",
    );
    assert_error(&r, 400, "Missing required parameter: callbackUrl");
    let r = get(
        &sb,
        "/elements/api-v2/elements/concur/oauth/url?apiKey=k&apiSecret=s&callbackUrl=https%3A%2F%2Fa.example%2Fcb",
    );
    assert_error(&r, 400, "Missing required parameter: siteAddress");
    let r = get(
        &sb,
        "/elements/api-v2/elements/zendesk/oauth/url?apiKey=k&apiSecret=s&callbackUrl=https%3A%2F%2Fa.example%2Fcb",
    );
    assert_error(&r, 400, "Missing required parameter: subdomain");
    let r = get(
        &sb,
        "/elements/api-v2/elements/dropbox/oauth/url?apiKey=k&apiSecret=s&callbackUrl=%2Frelative",
    );
    assert_eq!(r.status, 400);
}

#[test]
fn oauth_url_parameters() {
    let sb = sandbox(true);
    let url = oauth_url(&sb, "concur", "my key", "sec", CALLBACK);
    let expected_prefix = format!(
        "http://127.0.0.1:{}/vendor/concur/oauth2/authorize?",
        sb.port()
    );
    assert!(url.starts_with(&expected_prefix), "{url}");
    assert!(url.contains("scope=LIST%2CCONFIG"), "{url}");
    assert_eq!(
        params(&url),
        vec![
            ("response_type".into(), "code".into()),
            ("client_id".into(), "my key".into()),
            ("redirect_uri".into(), CALLBACK.into()),
            ("state".into(), "concur".into()),
            ("scope".into(), "LIST,CONFIG".into()),
        ]
    );
    // Given state and scope win; the element is addressable by id; an Authorization header is accepted.
    let a = auth(&sb);
    let r = request(
        sb.port(),
        "GET",
        &format!(
            "/elements/api-v2/elements/3/oauth/url?apiKey=k&apiSecret=s&callbackUrl={}&subdomain=acme&state=xyz%201&scope=read",
            enc(CALLBACK)
        ),
        &[("Authorization", &a)],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["element"], "zendesk");
    let url = r.json()["oauthUrl"].as_str().unwrap().to_string();
    assert_eq!(param(&url, "state").as_deref(), Some("xyz 1"));
    assert_eq!(param(&url, "scope").as_deref(), Some("read"));
    assert!(url.contains("/vendor/zendesk/oauth2/authorize?"));
}

#[test]
fn consent_page_and_form_posts() {
    let sb = sandbox(false);
    let url = oauth_url(&sb, "concur", "client-1", "sec", CALLBACK);
    let path = &url[url.find("/vendor/").unwrap()..];
    let page = get(&sb, path);
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let html = page.text();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Sign in to Concur (sandbox)"));
    assert!(html.contains("<form method=\"post\" action=\"/vendor/concur/oauth2/consent\">"));
    assert!(html.contains(
        "<button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>"
    ));
    assert!(html.contains("value=\"deny\" id=\"deny\">Deny</button>"));
    assert!(html.contains("client-1"));
    assert!(html.contains("app.example.com"));
    assert!(html.contains("<li>LIST</li>") && html.contains("<li>CONFIG</li>"));
    assert!(!html.contains("sec\""), "the api secret is not on the page");

    let form = |decision: &str| {
        format!(
            "client_id=client-1&redirect_uri={}&state=concur&scope=LIST%2CCONFIG&decision={decision}",
            enc(CALLBACK)
        )
    };
    let ct = [("Content-Type", "application/x-www-form-urlencoded")];
    let allow = request(
        sb.port(),
        "POST",
        "/vendor/concur/oauth2/consent",
        &ct,
        form("allow").as_bytes(),
    );
    assert_eq!(allow.status, 302);
    let loc = allow.header("location").unwrap();
    assert!(loc.starts_with(&format!("{CALLBACK}?code=")), "{loc}");
    assert!(param(loc, "code").unwrap().len() >= 32);
    assert_eq!(param(loc, "state").as_deref(), Some("concur"));

    let deny = request(
        sb.port(),
        "POST",
        "/vendor/concur/oauth2/consent",
        &ct,
        form("deny").as_bytes(),
    );
    assert_eq!(deny.status, 302);
    let loc = deny.header("location").unwrap();
    assert_eq!(
        loc,
        format!(
            "{CALLBACK}?error=access_denied&error_description=The+user+denied+access&state=concur"
        )
    );

    // Vendor pages are not API requests.
    assert!(sb.requests().iter().all(|r| !r.path.starts_with("/vendor")));
}

#[test]
fn consent_page_refuses_unvalidated_redirects() {
    let sb = sandbox(false);
    let _ = oauth_url(&sb, "dropbox", "client-1", "sec", CALLBACK);
    let bad = [
        format!("/vendor/dropbox/oauth2/authorize?response_type=code&client_id=other&redirect_uri={}", enc(CALLBACK)),
        "/vendor/dropbox/oauth2/authorize?response_type=code&client_id=client-1".to_string(),
        format!(
            "/vendor/dropbox/oauth2/authorize?response_type=code&client_id=client-1&redirect_uri={}",
            enc("https://evil.example/steal")
        ),
        format!("/vendor/concur/oauth2/authorize?response_type=code&client_id=client-1&redirect_uri={}", enc(CALLBACK)),
    ];
    for target in &bad {
        let r = get(&sb, target);
        assert_eq!(r.status, 400, "{target}");
        assert!(r.header("location").is_none());
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
    }
    let r = request(
        sb.port(),
        "POST",
        "/vendor/dropbox/oauth2/consent",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        format!(
            "client_id=client-1&redirect_uri={}&decision=allow",
            enc("https://evil.example/")
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 400);
    assert!(r.header("location").is_none());
}

#[test]
fn auto_consent_redirects_with_code() {
    let sb = sandbox(true);
    assert!(sb.auto_consent());
    let url = oauth_url(
        &sb,
        "dropbox",
        "client-1",
        "sec",
        "http://localhost:8080/cb?x=1",
    );
    let r = get(&sb, &url[url.find("/vendor/").unwrap()..]);
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap();
    assert!(
        loc.starts_with("http://localhost:8080/cb?x=1&code="),
        "{loc}"
    );
    assert_eq!(param(loc, "state").as_deref(), Some("dropbox"));
}

#[test]
fn approve_and_deny_helpers() {
    let sb = sandbox(false);
    let url = oauth_url(&sb, "concur", "k", "s", CALLBACK);
    let ok = sb.approve(&url).unwrap();
    assert!(ok.starts_with(CALLBACK));
    assert!(param(&ok, "code").unwrap().len() >= 32);
    assert_eq!(param(&ok, "state").as_deref(), Some("concur"));
    let no = sb.deny(&url).unwrap();
    assert_eq!(param(&no, "error").as_deref(), Some("access_denied"));
    assert_eq!(
        param(&no, "error_description").as_deref(),
        Some("The user denied access")
    );
    assert_eq!(param(&no, "state").as_deref(), Some("concur"));
    assert!(param(&no, "code").is_none());
    assert!(sb.approve("not a url").is_err());
    assert!(sb.approve("http://127.0.0.1:1/other").is_err());
}

#[test]
fn create_get_list_delete_instance() {
    let sb = sandbox(true);
    let code = code(&sb, "concur", "k", "s3cret-api", CALLBACK);
    let mut body = instance_body("concur", &code, "k", "s3cret-api", CALLBACK);
    body["configuration"]["event.notification.enabled"] = json!(true);
    body["configuration"]["event.vendor.type"] = json!("polling");
    body["configuration"]["event.notification.callback.url"] =
        json!("https://app.example.com/events");
    body["configuration"]["event.notification.signature.key"] = json!("sig-key-123");
    body["configuration"]["event.poller.refresh_interval"] = json!(15);
    body["configuration"]["event.poller.configuration"] =
        json!({"reports": {"url": "/hubs/expense/reports", "idField": "ID"}});
    let r = api(&sb, "POST", "/instances", Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    let inst = r.json();
    assert_eq!(inst["id"], 1);
    assert_eq!(inst["name"], "my instance");
    assert_eq!(inst["token"].as_str().unwrap().len(), 44);
    assert_eq!(
        inst["element"],
        json!({"id": 1, "name": "Concur", "key": "concur", "active": true, "typeOauth": true})
    );
    assert_eq!(inst["tags"][0]["name"], "team-a");
    assert!(inst["tags"][0]["id"].is_u64());
    assert_eq!(inst["provisionInteractions"], json!([]));
    assert_eq!(inst["valid"], true);
    assert_eq!(inst["disabled"], false);
    assert_eq!(inst["eventsEnabled"], true);
    let cfg = &inst["configuration"];
    assert_eq!(cfg["oauth.api.secret"], "********");
    assert_eq!(cfg["event.notification.signature.key"], "********");
    assert_eq!(cfg["event.notification.enabled"], "true");
    assert_eq!(cfg["event.poller.refresh_interval"], "15");
    assert_eq!(cfg["filter.response.nulls"], "true");
    let poller: serde_json::Value =
        serde_json::from_str(cfg["event.poller.configuration"].as_str().unwrap()).unwrap();
    assert_eq!(poller["reports"]["idField"], "ID");
    assert!(inst["createdDate"].as_str().unwrap().ends_with('Z'));
    assert!(!r.text().contains("s3cret-api") && !r.text().contains("sig-key-123"));

    let one = api(&sb, "GET", "/instances/1", None);
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["tags"], json!(["team-a"]));
    assert_eq!(one.json()["token"], inst["token"]);
    let list = api(&sb, "GET", "/instances", None);
    assert_eq!(list.status, 200);
    assert_eq!(list.json().as_array().unwrap().len(), 1);
    assert_eq!(list.json()[0]["tags"], json!(["team-a"]));
    assert_eq!(sb.instances(), vec![one.json()]);

    // Second instance through the element path, without element.key in the body.
    let code2 = common::code(&sb, "concur", "k", "s3cret-api", CALLBACK);
    let mut body2 = instance_body("concur", &code2, "k", "s3cret-api", CALLBACK);
    body2.as_object_mut().unwrap().remove("element");
    let r = api(&sb, "POST", "/elements/concur/instances", Some(&body2));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["id"], 2);
    assert_eq!(r.json()["eventsEnabled"], false);

    let del = api(&sb, "DELETE", "/instances/1", None);
    assert_eq!(del.status, 200);
    assert!(del.body.is_empty());
    assert_error(
        &api(&sb, "GET", "/instances/1", None),
        404,
        "No instance found with id '1'",
    );
    assert_error(
        &api(&sb, "DELETE", "/instances/1", None),
        404,
        "No instance found with id '1'",
    );
    assert_eq!(sb.instances().len(), 1);
}

fn assert_invalid_grant(r: &Resp, reason: &str) {
    assert_error(r, 400, "Failed to retrieve access token from the provider");
    assert_eq!(
        r.json()["providerMessage"],
        format!("invalid_grant: {reason}")
    );
}

#[test]
fn code_checks() {
    let sb = sandbox(true);
    // Reused.
    let c = code(&sb, "dropbox", "k", "s", CALLBACK);
    let body = instance_body("dropbox", &c, "k", "s", CALLBACK);
    assert_eq!(api(&sb, "POST", "/instances", Some(&body)).status, 200);
    assert_invalid_grant(
        &api(&sb, "POST", "/instances", Some(&body)),
        "authorization code was already used",
    );
    // Unknown.
    let body = instance_body("dropbox", "nope", "k", "s", CALLBACK);
    assert_invalid_grant(
        &api(&sb, "POST", "/instances", Some(&body)),
        "unknown authorization code",
    );
    // Wrong secret, callback, element, client id; the code survives these and then works.
    let c = code(&sb, "dropbox", "k", "s", CALLBACK);
    let r = api(
        &sb,
        "POST",
        "/instances",
        Some(&instance_body("dropbox", &c, "k", "wrong-secret", CALLBACK)),
    );
    assert_invalid_grant(
        &r,
        "client authentication failed (client secret does not match)",
    );
    assert!(!r.text().contains("wrong-secret"));
    let r = api(
        &sb,
        "POST",
        "/instances",
        Some(&instance_body(
            "dropbox",
            &c,
            "k",
            "s",
            "https://other.example/cb",
        )),
    );
    assert_invalid_grant(
        &r,
        "redirect_uri does not match the one the code was issued for",
    );
    let mut wrong_el = instance_body("zendesk", &c, "k", "s", CALLBACK);
    wrong_el["element"]["key"] = json!("zendesk");
    assert_invalid_grant(
        &api(&sb, "POST", "/instances", Some(&wrong_el)),
        "authorization code was issued for another element",
    );
    assert_invalid_grant(
        &api(
            &sb,
            "POST",
            "/instances",
            Some(&instance_body("dropbox", &c, "k2", "s", CALLBACK)),
        ),
        "authorization code was issued to another client_id",
    );
    assert_eq!(
        api(
            &sb,
            "POST",
            "/instances",
            Some(&instance_body("dropbox", &c, "k", "s", CALLBACK))
        )
        .status,
        200
    );
}

#[test]
fn expired_code() {
    let sb = Sandbox::start(SandboxOptions {
        code_ttl: Duration::from_millis(50),
        ..SandboxOptions::default()
    })
    .unwrap();
    let c = code(&sb, "dropbox", "k", "s", CALLBACK);
    // Waiting past the TTL is the precondition, not the assertion: expiry is monotonic.
    std::thread::sleep(Duration::from_millis(120));
    assert_invalid_grant(
        &api(
            &sb,
            "POST",
            "/instances",
            Some(&instance_body("dropbox", &c, "k", "s", CALLBACK)),
        ),
        "authorization code expired",
    );
}

#[test]
fn authorization_header() {
    let sb = Sandbox::start(SandboxOptions {
        user_secret: Some("uuu".into()),
        organization_secret: Some("ooo".into()),
        ..SandboxOptions::default()
    })
    .unwrap();
    let msg = "Invalid Organization or User secret, or invalid Element token provided.";
    let path = "/elements/api-v2/instances";
    for header in [
        None,
        Some("User uuu"),
        Some("User uuu, Organization bad"),
        Some("Bearer x"),
    ] {
        let headers: Vec<(&str, &str)> = header.map(|h| ("Authorization", h)).into_iter().collect();
        assert_error(&request(sb.port(), "GET", path, &headers, b""), 401, msg);
    }
    let c = code(&sb, "dropbox", "k", "s", CALLBACK);
    let body = instance_body("dropbox", &c, "k", "s", CALLBACK).to_string();
    let r = request(
        sb.port(),
        "POST",
        path,
        &[
            ("Content-Type", "application/json"),
            ("Authorization", "User uuu, Organization nope"),
        ],
        body.as_bytes(),
    );
    assert_error(&r, 401, msg);
    // Tolerant parsing: case and spacing of the words, an extra Element part.
    for header in [
        "user uuu,organization ooo",
        "USER  uuu ,  ORGANIZATION   ooo",
        "Organization ooo, User uuu, Element tok",
    ] {
        let r = request(sb.port(), "GET", path, &[("Authorization", header)], b"");
        assert_eq!(r.status, 200, "{header}");
    }
}

/// A change applied to a valid body to make it invalid.
type Mutation = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn instance_body_validation() {
    let sb = sandbox(true);
    let c = code(&sb, "concur", "k", "s", CALLBACK);
    let good = instance_body("concur", &c, "k", "s", CALLBACK);
    let a = auth(&sb);
    let r = request(
        sb.port(),
        "POST",
        "/elements/api-v2/instances",
        &[("Authorization", &a), ("Content-Type", "text/plain")],
        good.to_string().as_bytes(),
    );
    assert_eq!(r.status, 415);
    let r = request(
        sb.port(),
        "POST",
        "/elements/api-v2/instances",
        &[("Authorization", &a), ("Content-Type", "application/json")],
        b"[1,2]",
    );
    assert_error(&r, 400, "Request body must be a JSON object");

    let cases: Vec<(&str, Mutation, &str)> = vec![
        ("element", Box::new(|b| { b.as_object_mut().unwrap().remove("element"); }), "Missing required field: element.key"),
        ("code", Box::new(|b| { b["providerData"] = json!({}); }), "Missing required field: providerData.code"),
        ("name", Box::new(|b| { b.as_object_mut().unwrap().remove("name"); }), "Missing required field: name"),
        ("key", Box::new(|b| { b["configuration"].as_object_mut().unwrap().remove("oauth.api.key"); }), "Missing required field: configuration.oauth.api.key"),
        ("secret", Box::new(|b| { b["configuration"].as_object_mut().unwrap().remove("oauth.api.secret"); }), "Missing required field: configuration.oauth.api.secret"),
        ("cb", Box::new(|b| { b["configuration"].as_object_mut().unwrap().remove("oauth.callback.url"); }), "Missing required field: configuration.oauth.callback.url"),
        ("webhook", Box::new(|b| {
            b["configuration"]["event.notification.enabled"] = json!("true");
            b["configuration"]["event.vendor.type"] = json!("webhook");
            b["configuration"]["event.notification.callback.url"] = json!("https://app.example.com/ev");
        }), "Element concur does not support webhook events"),
        ("no events cb", Box::new(|b| {
            b["configuration"]["event.notification.enabled"] = json!("true");
            b["configuration"]["event.vendor.type"] = json!("polling");
        }), "Missing required field: configuration.event.notification.callback.url"),
        ("interval", Box::new(|b| {
            b["configuration"]["event.notification.enabled"] = json!("true");
            b["configuration"]["event.vendor.type"] = json!("polling");
            b["configuration"]["event.notification.callback.url"] = json!("https://app.example.com/ev");
            b["configuration"]["event.poller.refresh_interval"] = json!("0");
        }), "Invalid configuration value for 'event.poller.refresh_interval': expected a positive integer"),
        ("poller", Box::new(|b| {
            b["configuration"]["event.notification.enabled"] = json!("true");
            b["configuration"]["event.vendor.type"] = json!("polling");
            b["configuration"]["event.notification.callback.url"] = json!("https://app.example.com/ev");
            b["configuration"]["event.poller.configuration"] = json!("[1]");
        }), "Invalid configuration value for 'event.poller.configuration': expected a JSON object"),
    ];
    for (what, mutate, message) in cases {
        let mut b = good.clone();
        mutate(&mut b);
        let r = api(&sb, "POST", "/instances", Some(&b));
        assert_eq!(r.json()["message"], message, "{what}");
        assert_eq!(r.status, 400, "{what}");
    }
    // None of the failures consumed the code.
    assert_eq!(api(&sb, "POST", "/instances", Some(&good)).status, 200);
}

#[test]
fn string_config_values_from_the_events_page_are_accepted() {
    let sb = sandbox(true);
    let c = code(&sb, "concur", "k", "s", CALLBACK);
    let mut b = instance_body("concur", &c, "k", "s", CALLBACK);
    b["configuration"]["event.notification.enabled"] = json!("true");
    b["configuration"]["event.vendor.type"] = json!("polling");
    b["configuration"]["event.notification.callback.url"] = json!("https://app.example.com/ev");
    b["configuration"]["event.poller.configuration"] = json!("{}");
    b["configuration"]["document.tagging"] = json!(false);
    let r = api(&sb, "POST", "/instances", Some(&b));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["configuration"]["document.tagging"], "false");
    assert_eq!(
        r.json()["configuration"]["event.poller.configuration"],
        "{}"
    );
}

#[test]
fn unknown_paths_methods_and_unsupported_http() {
    let sb = sandbox(true);
    assert_error(
        &get(&sb, "/elements/api-v2/nothing"),
        404,
        "No resource found at path '/elements/api-v2/nothing'",
    );
    assert_eq!(get(&sb, "/elsewhere").status, 404);
    let r = request(
        sb.port(),
        "PUT",
        "/elements/api-v2/elements/concur/oauth/url",
        &[],
        b"",
    );
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["requestId"].as_str().unwrap().len(), 24);
    // Chunked request bodies are refused with 411 and the connection closed.
    let raw = raw(
        sb.port(),
        b"POST /elements/api-v2/instances HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    .unwrap();
    let r = parse(&raw);
    assert_eq!(r.status, 411);
    assert_eq!(r.header("connection"), Some("close"));
    // Garbage is a 400.
    assert_eq!(
        parse(&common::raw(sb.port(), b"HELLO\r\n\r\n").unwrap()).status,
        400
    );
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    use std::io::{BufRead, BufReader, Read, Write};
    let sb = sandbox(true);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", sb.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    for _ in 0..3 {
        s.write_all(b"GET /elements/api-v2/elements/nosuch/oauth/url HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut len = 0;
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 404"), "{line}");
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
    }
    assert_eq!(sb.requests().len(), 3);
}

#[test]
fn recorded_requests() {
    let sb = sandbox(true);
    let body = json!({"name": "x"});
    let _ = api(&sb, "POST", "/instances?a=1&b=x%20y", Some(&body));
    let reqs = sb.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/elements/api-v2/instances");
    assert_eq!(r.raw_query, "a=1&b=x%20y");
    assert_eq!(r.query_param("b"), Some("x y"));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.json(), Some(body.clone()));
    let j: serde_json::Value = serde_json::from_str(&sb.requests_json()).unwrap();
    assert_eq!(j[0]["method"], "POST");
    assert_eq!(j[0]["rawQuery"], "a=1&b=x%20y");
    assert_eq!(j[0]["query"][1], json!(["b", "x y"]));
    assert_eq!(j[0]["headers"]["content-type"], "application/json");
    assert_eq!(j[0]["body"], body.to_string());
    assert!(!format!("{r:?}").contains(sb.user_secret()));
}

#[test]
fn secrets_never_in_debug_or_errors() {
    let sb = Sandbox::start(SandboxOptions {
        user_secret: Some("USER-SECRET-1".into()),
        organization_secret: Some("ORG-SECRET-2".into()),
        ..SandboxOptions::default()
    })
    .unwrap();
    let secrets = ["USER-SECRET-1", "ORG-SECRET-2", "API-SECRET-3"];
    let url = oauth_url(&sb, "concur", "key", "API-SECRET-3", CALLBACK);
    let code = param(&sb.approve(&url).unwrap(), "code").unwrap();
    let mut texts = vec![format!("{sb:?}")];
    assert_eq!(
        texts[0],
        format!("Sandbox {{ base_url: {:?}, .. }}", sb.base_url())
    );
    let opts = SandboxOptions {
        user_secret: Some("USER-SECRET-1".into()),
        ..SandboxOptions::default()
    };
    texts.push(format!("{opts:?}"));
    let mut errors = vec![
        sb.inject_fault("bogus", 1).unwrap_err(),
        sb.inject_fault("drop", 0).unwrap_err(),
        sb.inject_fault("status:200", 1).unwrap_err(),
        Sandbox::start(SandboxOptions {
            organization_secret: Some(String::new()),
            ..SandboxOptions::default()
        })
        .unwrap_err(),
        sb.approve(&url.replace("client_id=key", "client_id=other"))
            .unwrap_err(),
        sb.deny("nonsense").unwrap_err(),
        Sandbox::start(SandboxOptions {
            user_secret: Some("bad secret, with spaces".into()),
            ..SandboxOptions::default()
        })
        .unwrap_err(),
        Sandbox::start(SandboxOptions {
            port: sb.port(),
            user_secret: Some("USER-SECRET-1".into()),
            organization_secret: Some("ORG-SECRET-2".into()),
            ..SandboxOptions::default()
        })
        .unwrap_err(),
    ];
    errors.retain(|e| !e.message().is_empty());
    assert!(errors.len() >= 7);
    for e in &errors {
        texts.push(format!("{e}"));
        texts.push(format!("{e:?}"));
    }
    for r in sb.requests() {
        texts.push(format!("{r:?}"));
    }
    for t in &texts {
        for s in secrets.iter().chain([&code.as_str()]) {
            assert!(!t.contains(s), "{s} leaked in {t}");
        }
        assert!(!t.contains("bad secret"), "{t}");
    }
    assert!(errors.iter().any(|e| e.to_string().contains("'bogus'")));
}

#[test]
fn stop_is_idempotent_and_closes_the_port() {
    let sb = sandbox(true);
    let port = sb.port();
    assert_eq!(
        sb.base_url(),
        format!("http://127.0.0.1:{port}/elements/api-v2")
    );
    sb.stop();
    sb.stop();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Sandbox>();
}

#[test]
fn expect_100_continue_is_honoured() {
    use std::io::{Read, Write};
    let sb = sandbox(true);
    let body = json!({"name": "x".repeat(2000)}).to_string();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", sb.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST /elements/api-v2/instances HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        auth(&sb),
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let mut interim = [0u8; 25];
    s.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(body.as_bytes()).unwrap();
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).unwrap();
    let r = parse(&rest);
    assert_eq!(r.json()["message"], "Missing required field: element.key");
}

#[test]
fn parallel_clients_get_distinct_instances() {
    let sb = sandbox(true);
    let codes: Vec<String> = (0..8)
        .map(|_| code(&sb, "dropbox", "k", "s", CALLBACK))
        .collect();
    let ids: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = codes
            .iter()
            .map(|c| {
                let sb = &sb;
                scope.spawn(move || {
                    let r = api(
                        sb,
                        "POST",
                        "/instances",
                        Some(&instance_body("dropbox", c, "k", "s", CALLBACK)),
                    );
                    assert_eq!(r.status, 200, "{}", r.text());
                    r.json()["id"].as_u64().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (1..=8).collect::<Vec<u64>>());
    assert_eq!(sb.instances().len(), 8);
}
