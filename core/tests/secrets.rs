//! No secret ever shows in an error's Display or Debug, nor in Debug of our types.

mod common;

use common::*;
use elements_auth::{
    parse_callback, verify_webhook_signature, Client, CreateInstanceRequest, Error, ErrorKind,
    Events, OAuthUrlRequest,
};
use elements_auth_sandbox::SandboxOptions;
use std::collections::HashSet;
use std::time::Duration;

const USER: &str = "usersecret-LEAK1";
const ORG: &str = "orgsecret-LEAK2";
const API: &str = "apisecret-LEAK3";
const SIG: &str = "sigkey-LEAK5";

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "{what} leaks a secret: {text}");
    }
}

#[test]
fn no_error_kind_shows_a_secret() {
    let env = Env::with(SandboxOptions {
        user_secret: Some(USER.into()),
        organization_secret: Some(ORG.into()),
        ..SandboxOptions::default()
    });
    let client = env.builder().max_retries(0).build().unwrap();
    // Only the faulted call runs with the short timeout.
    let impatient = env
        .builder()
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .unwrap();
    let url = client
        .oauth_url(&OAuthUrlRequest::new("concur", API_KEY, API, CALLBACK).site_address(SITE))
        .unwrap();
    let landed = env.sandbox.approve(&url.oauth_url).unwrap();
    let code = parse_callback(&landed, &url.state)
        .unwrap()
        .code
        .expose()
        .to_owned();
    let instance = client
        .create_instance(&CreateInstanceRequest::new(
            "concur",
            code.clone(),
            "i",
            API_KEY,
            API,
            CALLBACK,
        ))
        .unwrap();
    let token = instance.token.expose().to_owned();
    let secrets = [USER, ORG, API, code.as_str(), token.as_str(), SIG];

    let full = |code: &str| {
        CreateInstanceRequest::new("concur", code, "i", API_KEY, API, CALLBACK)
            .events(Events::polling("https://app.example.com/e").signature_key(SIG))
    };
    let mut errors: Vec<Error> = Vec::new();
    // invalid_input, with secrets in the other arguments.
    errors.push(client.create_instance(&full(&code).tag("")).unwrap_err());
    // api: the code is reused (the sandbox answers invalid_grant).
    errors.push(client.create_instance(&full(&code)).unwrap_err());
    // api: wrong secrets.
    let wrong = env
        .builder()
        .user_secret(format!("{USER}-wrong"))
        .build()
        .unwrap();
    errors.push(wrong.list_instances().unwrap_err());
    // transport: dropped connection, on the call that carries every secret.
    env.sandbox.inject_fault("drop", 1).unwrap();
    errors.push(client.create_instance(&full(&code)).unwrap_err());
    // timeout.
    env.sandbox.inject_fault("slow:1500", 1).unwrap();
    errors.push(impatient.create_instance(&full(&code)).unwrap_err());
    // decode.
    env.sandbox.inject_fault("badjson", 1).unwrap();
    errors.push(
        client
            .oauth_url(&OAuthUrlRequest::new("concur", API_KEY, API, CALLBACK).site_address(SITE))
            .unwrap_err(),
    );
    // transport with the api secret in the URL: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}/elements/api-v2"))
        .user_secret(USER)
        .organization_secret(ORG)
        .max_retries(0)
        .build()
        .unwrap();
    errors.push(
        refused
            .oauth_url(&OAuthUrlRequest::new("concur", API_KEY, API, CALLBACK))
            .unwrap_err(),
    );
    // authorization_denied, state_mismatch, invalid_callback: callbacks carrying the code.
    errors.push(
        parse_callback(&format!("error=access_denied&code={code}&state=s"), "s").unwrap_err(),
    );
    errors.push(parse_callback(&format!("code={code}&state=other"), "s").unwrap_err());
    errors.push(parse_callback(&format!("code={code}&code={code}&state=s"), "s").unwrap_err());
    // invalid_signature.
    errors.push(verify_webhook_signature(SIG, b"{}", "sha256=AAAA").unwrap_err());

    let kinds: HashSet<ErrorKind> = errors.iter().map(Error::kind).collect();
    for kind in ErrorKind::ALL {
        assert!(
            kinds.contains(&kind),
            "no error of kind {kind} was produced"
        );
    }
    for err in &errors {
        assert_clean("Display", &err.to_string(), &secrets);
        assert_clean("Debug", &format!("{err:?}"), &secrets);
    }
    // Our own types never show them either.
    assert_clean("Client", &format!("{client:?}"), &secrets);
    assert_clean("Instance", &format!("{instance:?}"), &secrets);
    assert_clean("request", &format!("{:?}", full(&code)), &secrets);
    let grant = parse_callback(&landed, &url.state).unwrap();
    assert_clean("Grant", &format!("{grant:?}"), &secrets);
    assert_clean("Sandbox", &format!("{:?}", env.sandbox), &secrets);
}

/// Answers every connection with `response`, for a platform that echoes secrets back.
fn echoing_server(response: String) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten().take(8) {
            let mut buf = [0u8; 16384];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://127.0.0.1:{port}/elements/api-v2")
}

fn http(status: &str, content_type: &str, extra_header: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra_header}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn secrets_echoed_by_the_platform_are_scrubbed_everywhere() {
    let json_echo = format!(
        r#"{{"message":"bad secret {API} for {USER}","requestId":"req-{ORG}","providerMessage":"key {SIG} refused"}}"#
    );
    // The api secret straddles the 200-character cut of a non-JSON body.
    let html_echo = format!("{}{API} and {USER}", "x".repeat(195));
    let cases = [
        http("400 Bad Request", "application/json", "", &json_echo),
        http(
            "500 Internal Server Error",
            "text/html",
            &format!("Elements-Request-Id: id-{ORG}\r\n"),
            &html_echo,
        ),
    ];
    for response in cases {
        let client = Client::builder()
            .base_url(echoing_server(response))
            .user_secret(USER)
            .organization_secret(ORG)
            .max_retries(0)
            .build()
            .unwrap();
        let request =
            CreateInstanceRequest::new("concur", "code-LEAK4", "i", API_KEY, API, CALLBACK)
                .events(Events::polling("https://app.example.com/e").signature_key(SIG));
        let err = client.create_instance(&request).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api, "{err}");
        // A cut-off secret would leave its first letters after the padding.
        let cut = format!("x{}", &API[..3]);
        for text in [err.to_string(), format!("{err:?}")] {
            assert_clean("echoed error", &text, &[USER, ORG, API, SIG, "code-LEAK4"]);
            assert!(!text.contains(&cut), "a prefix survived: {text}");
            assert!(
                text.contains("***"),
                "the scrubbed places stay visible: {text}"
            );
        }
    }
}
