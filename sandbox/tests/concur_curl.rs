//! The Concur authentication page's curl examples, run with the real `curl`
//! binary against the sandbox (base URL swapped for the sandbox's).

mod common;

use common::*;
use serde_json::Value;
use std::process::Command;

/// Runs curl and returns (status, body); `-w` appends the status on its own line.
fn curl(args: &[&str]) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-sS", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').unwrap();
    (status.parse().unwrap(), body.to_string())
}

#[test]
fn concur_page_examples() {
    let sb = sandbox(true);
    let base = sb.base_url();
    let callback = "https://httpbin.org/get";
    // Step 1: GET /elements/{keyOrId}/oauth/url?apiKey=..&apiSecret=..&callbackUrl=..&siteAddress=..
    let (status, body) = curl(&[
        "-X",
        "GET",
        "-H",
        "Content-Type: application/json",
        &format!(
            "{base}/elements/concur/oauth/url?apiKey=UPjRvqOyYz9hDdWLLLLuQV&apiSecret=CONCUR_SECRET&callbackUrl={}&siteAddress={}",
            enc(callback),
            enc(SITE)
        ),
    ]);
    assert_eq!(status, 200, "{body}");
    let j: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(j["element"], "concur");
    let oauth_url = j["oauthUrl"].as_str().unwrap();
    assert_eq!(
        param(oauth_url, "client_id").as_deref(),
        Some("UPjRvqOyYz9hDdWLLLLuQV")
    );
    assert_eq!(param(oauth_url, "redirect_uri").as_deref(), Some(callback));
    assert_eq!(param(oauth_url, "state").as_deref(), Some("concur"));
    assert_eq!(param(oauth_url, "response_type").as_deref(), Some("code"));

    // Step 2: the browser follows oauthUrl; auto-consent redirects to the callback.
    let out = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-w", "%{redirect_url}", oauth_url])
        .output()
        .unwrap();
    let landed = String::from_utf8(out.stdout).unwrap();
    assert!(landed.starts_with(callback), "{landed}");
    let code = param(&landed, "code").unwrap();
    assert_eq!(param(&landed, "state").as_deref(), Some("concur"));

    // Step 3: POST /instances exactly as the page's curl does.
    let body = format!(
        r#"{{
    "element": {{
      "key": "concur"
    }},
    "providerData": {{
      "code": "{code}"
    }},
    "configuration": {{
      "oauth.api.key": "UPjRvqOyYz9hDdWLLLLuQV",
      "oauth.api.secret": "CONCUR_SECRET",
      "oauth.callback.url": "{callback}"
    }},
    "tags": [
      "Docs"
    ],
    "name": "ConcurInstance"
  }}"#
    );
    let authz = format!(
        "authorization: User {}, Organization {}",
        sb.user_secret(),
        sb.organization_secret()
    );
    let (status, resp) = curl(&[
        "-X",
        "POST",
        &format!("{base}/instances"),
        "-H",
        &authz,
        "-H",
        "content-type: application/json",
        "-d",
        &body,
    ]);
    assert_eq!(status, 200, "{resp}");
    let inst: Value = serde_json::from_str(&resp).unwrap();
    assert_eq!(inst["name"], "ConcurInstance");
    assert_eq!(inst["element"]["key"], "concur");
    assert_eq!(inst["tags"][0]["name"], "Docs");
    assert_eq!(inst["token"].as_str().unwrap().len(), 44);

    // The same code again: single use.
    let (status, resp) = curl(&[
        "-X",
        "POST",
        &format!("{base}/instances"),
        "-H",
        &authz,
        "-H",
        "content-type: application/json",
        "-d",
        &body,
    ]);
    assert_eq!(status, 400);
    let e: Value = serde_json::from_str(&resp).unwrap();
    assert_eq!(
        e["message"],
        "Failed to retrieve access token from the provider"
    );
}

#[test]
fn consent_form_driven_by_curl() {
    let sb = sandbox(false);
    let url = oauth_url(&sb, "concur", "k", "s", CALLBACK);
    let (status, html) = curl(&[&url]);
    assert_eq!(status, 200);
    assert!(html.contains("id=\"allow\""));
    let consent = format!(
        "http://127.0.0.1:{}/vendor/concur/oauth2/consent",
        sb.port()
    );
    for (decision, expect) in [("allow", "code="), ("deny", "error=access_denied")] {
        let out = Command::new("curl")
            .args([
                "-sS",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code} %{redirect_url}",
            ])
            .args(["--data-urlencode", "client_id=k"])
            .args(["--data-urlencode", &format!("redirect_uri={CALLBACK}")])
            .args(["-d", "state=concur", "-d", "scope=LIST%2CCONFIG"])
            .args(["-d", &format!("decision={decision}"), &consent])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with("302 "), "{text}");
        assert!(text.contains(expect), "{text}");
    }
}
