//! `url`, `create`, `demo`, `sandbox` and `verify-webhook`, run as the built
//! binary against an in-process sandbox over real sockets.

mod common;

use common::*;
use serde_json::{json, Value};
use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

/// Runs `url --json` and returns the OAuthUrl object.
fn oauth_url(sb: &elements_auth_sandbox::Sandbox, element: &str, extra: &[&str]) -> Value {
    let mut c = cmd(sb);
    c.args([
        "url",
        "--element",
        element,
        "--callback-url",
        "https://app.example.com/cb",
        "--json",
    ])
    .args(extra);
    let out = run(c, "");
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), 0, "stderr: {stderr}");
    serde_json::from_str(&stdout).expect("url --json prints JSON")
}

/// A fresh authorization code for dropbox at https://app.example.com/cb.
fn fresh_code(sb: &elements_auth_sandbox::Sandbox) -> String {
    let url = oauth_url(sb, "dropbox", &[]);
    let landed = sb
        .approve(url["oauth_url"].as_str().unwrap())
        .expect("approve");
    let parsed = url::Url::parse(&landed).unwrap();
    let code = parsed.query_pairs().find(|(k, _)| k == "code").unwrap().1;
    code.into_owned()
}

#[test]
fn url_sends_every_flag_and_prints_the_oauth_url_object() {
    let sb = sandbox();
    let v = oauth_url(
        &sb,
        "concur",
        &[
            "--site-address",
            "https://www.concursolutions.com",
            "--state",
            "st 1&",
            "--scope",
            "LIST,CONFIG",
            "--param",
            "zeta=1",
            "--param",
            "alpha=a=b",
        ],
    );
    let obj = v.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["element", "oauth_url", "state"]);
    assert_eq!(v["element"], "concur");
    assert_eq!(v["state"], "st 1&");
    assert!(v["oauth_url"]
        .as_str()
        .unwrap()
        .contains("/vendor/concur/oauth2/authorize"));
    let req = sb.requests().pop().expect("one request");
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/elements/api-v2/elements/concur/oauth/url");
    assert_eq!(
        req.raw_query,
        format!(
            "apiKey=test-client&apiSecret={API_SECRET}&callbackUrl=https%3A%2F%2Fapp.example.com%2Fcb\
             &siteAddress=https%3A%2F%2Fwww.concursolutions.com&state=st%201%26&scope=LIST%2CCONFIG&zeta=1&alpha=a%3Db"
        )
    );
}

#[test]
fn url_human_output_and_generated_state() {
    let sb = sandbox();
    let mut c = cmd(&sb);
    c.args([
        "url",
        "--element",
        "dropbox",
        "--callback-url",
        "https://app.example.com/cb",
        "--api-key",
        "flag-key",
    ]);
    let out = run(c, "");
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    assert!(
        stdout.starts_with("oauth_url  http://127.0.0.1:"),
        "{stdout}"
    );
    let state = stdout
        .lines()
        .find_map(|l| l.strip_prefix("state      "))
        .unwrap();
    assert_eq!(state.len(), 43, "32 random bytes in base64url: {state}");
    assert_eq!(sb.requests()[0].query_param("apiKey"), Some("flag-key"));
    assert_eq!(sb.requests()[0].query_param("state"), Some(state));
    assert_no_secrets(&sb, &(stdout + &stderr));
}

#[test]
fn url_runs_every_query_encoding_vector() {
    let sb = sandbox();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/query_encoding.json"
    ))
    .unwrap();
    let vectors: Value = serde_json::from_str(&text).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let r = &case["request"];
        let s = |k: &str| r[k].as_str().map(str::to_owned);
        let mut c = cmd(&sb);
        c.env("ELEMENTS_API_SECRET", s("api_secret").unwrap())
            .args([
                "url",
                "--json",
                "--element",
                &s("element").unwrap(),
                "--api-key",
                &s("api_key").unwrap(),
                "--callback-url",
                &s("callback_url").unwrap(),
            ]);
        for (key, flag) in [
            ("state", "--state"),
            ("scope", "--scope"),
            ("site_address", "--site-address"),
        ] {
            if let Some(v) = s(key) {
                c.args([flag, &v]);
            }
        }
        for pair in r["params"].as_array().into_iter().flatten() {
            let (name, value) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
            c.args(["--param", &format!("{name}={value}")]);
        }
        let expected = case["expected_query"].as_str().unwrap();
        let out = run(c, "");
        assert_eq!(code(&out), 0, "{}: {}", case["name"], texts(&out).1);
        let req = sb.requests().pop().unwrap();
        assert_eq!(req.raw_query, expected, "{}", case["name"]);
    }
}

#[test]
fn create_sends_every_flag_and_prints_the_instance_json() {
    let sb = sandbox();
    let code_value = fresh_code(&sb);
    let code_file = temp_file("code.txt", &format!("{code_value}\n"));
    let poller = json!({"reports": {"url": "/hubs/expense/reports", "idField": "ID"}});
    let poller_file = temp_file("poller.json", &poller.to_string());
    let mut c = cmd(&sb);
    c.env("ELEMENTS_SIGNATURE_KEY", SIGNATURE_KEY).args([
        "create",
        "--json",
        "--element",
        "dropbox",
        "--callback-url",
        "https://app.example.com/cb",
        "--code-file",
        code_file.to_str().unwrap(),
        "--name",
        "my dropbox",
        "--tag",
        "t1",
        "--tag",
        "t2",
        "--events-callback-url",
        "https://app.example.com/events",
        "--poll-interval",
        "15",
        "--poller-config",
        poller_file.to_str().unwrap(),
        "--config",
        "document.tagging=false",
        "--config",
        "z.key=a=b",
        "--keep-nulls",
    ]);
    let out = run(c, "");
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    assert!(!stdout.contains(&code_value) && !stderr.contains(&code_value));
    assert_no_secrets(&sb, &(stdout.clone() + &stderr));

    let v: Value = serde_json::from_str(&stdout).expect("JSON");
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "disabled",
            "element_key",
            "id",
            "name",
            "raw",
            "tags",
            "token",
            "valid"
        ]
    );
    assert_eq!(v["name"], "my dropbox");
    assert_eq!(v["element_key"], "dropbox");
    assert_eq!(v["tags"], json!(["t1", "t2"]));
    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    assert_eq!(v["id"], stored[0]["id"]);
    assert!(!v["token"].as_str().unwrap().is_empty());

    let req = sb
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .expect("a POST");
    assert_eq!(req.path, "/elements/api-v2/instances");
    assert_eq!(
        req.header("authorization").unwrap(),
        format!(
            "User {}, Organization {}",
            sb.user_secret(),
            sb.organization_secret()
        )
    );
    let body = req.json().unwrap();
    assert_eq!(body["name"], "my dropbox");
    assert_eq!(body["element"]["key"], "dropbox");
    assert_eq!(body["providerData"]["code"], code_value.as_str());
    assert_eq!(body["tags"], json!(["t1", "t2"]));
    let cfg = &body["configuration"];
    assert_eq!(cfg["oauth.api.key"], "test-client");
    assert_eq!(cfg["oauth.api.secret"], API_SECRET);
    assert_eq!(cfg["oauth.callback.url"], "https://app.example.com/cb");
    assert_eq!(cfg["filter.response.nulls"], "false");
    assert_eq!(cfg["event.notification.enabled"], "true");
    assert_eq!(cfg["event.vendor.type"], "polling");
    assert_eq!(
        cfg["event.notification.callback.url"],
        "https://app.example.com/events"
    );
    assert_eq!(cfg["event.notification.signature.key"], SIGNATURE_KEY);
    assert_eq!(cfg["event.poller.refresh_interval"], "15");
    let sent_poller: Value =
        serde_json::from_str(cfg["event.poller.configuration"].as_str().unwrap()).unwrap();
    assert_eq!(sent_poller, poller);
    assert_eq!(cfg["document.tagging"], "false");
    assert_eq!(cfg["z.key"], "a=b");
}

#[test]
fn create_reads_the_code_from_stdin_and_prints_the_token() {
    let sb = sandbox();
    let code_value = fresh_code(&sb);
    let mut c = cmd(&sb);
    c.args([
        "create",
        "--element",
        "dropbox",
        "--callback-url",
        "https://app.example.com/cb",
        "--code",
        "-",
        "--name",
        "from stdin",
        "--events-type",
        "webhook",
        "--events-callback-url",
        "https://app.example.com/events",
    ]);
    let out = run(c, &format!("{code_value}\n"));
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    let token = sb.instances()[0]["token"].as_str().unwrap().to_owned();
    assert!(stdout.contains(&format!("token     {token}")), "{stdout}");
    assert!(stdout.contains("\"from stdin\" (dropbox)"), "{stdout}");
    let body = sb
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(body["providerData"]["code"], code_value.as_str());
    assert_eq!(body["configuration"]["event.vendor.type"], "webhook");
    assert_no_secrets(&sb, &(stdout + &stderr));
}

/// A `create` that gets as far as checking its input: the base of error-path tests.
const CREATE: [&str; 9] = [
    "create",
    "--element",
    "dropbox",
    "--callback-url",
    "https://a.example/cb",
    "--code",
    "c",
    "--name",
    "n",
];

#[test]
fn a_missing_secret_is_named_with_where_to_set_it() {
    let sb = sandbox();
    for (var, args) in [
        (
            "ELEMENTS_API_SECRET",
            vec![
                "url",
                "--element",
                "dropbox",
                "--callback-url",
                "https://a.example/cb",
            ],
        ),
        ("ELEMENTS_USER_SECRET", CREATE.to_vec()),
        ("ELEMENTS_ORGANIZATION_SECRET", CREATE.to_vec()),
        (
            "ELEMENTS_SIGNATURE_KEY",
            vec!["verify-webhook", "--signature", "sha256=AAAA"],
        ),
    ] {
        let mut c = cmd(&sb);
        c.env_remove(var).args(&args);
        let out = run(c, "{}");
        let (stdout, stderr) = texts(&out);
        assert_eq!(code(&out), 10, "{var}: {stderr}");
        assert!(stderr.starts_with("error: missing the "), "{stderr}");
        assert!(stderr.contains(var), "{var} not named: {stderr}");
        assert!(stdout.is_empty());
    }
    assert!(
        sb.requests().is_empty(),
        "nothing is sent when a secret is missing"
    );
}

#[test]
fn secrets_come_from_files_too() {
    let sb = sandbox();
    let code_value = fresh_code(&sb);
    let user = temp_file("user", &format!("{}\n", sb.user_secret()));
    let org = temp_file("org", sb.organization_secret());
    let api = temp_file("api", API_SECRET);
    let mut c = cmd(&sb);
    c.env_remove("ELEMENTS_USER_SECRET")
        .env_remove("ELEMENTS_ORGANIZATION_SECRET")
        .env_remove("ELEMENTS_API_SECRET")
        .args([
            "create",
            "--json",
            "--element",
            "dropbox",
            "--callback-url",
            "https://app.example.com/cb",
            "--code",
            &code_value,
            "--name",
            "files",
            "--user-secret-file",
            user.to_str().unwrap(),
            "--organization-secret-file",
            org.to_str().unwrap(),
            "--api-secret-file",
            api.to_str().unwrap(),
        ]);
    let out = run(c, "");
    assert_eq!(code(&out), 0, "{}", texts(&out).1);
    assert_eq!(sb.instances().len(), 1);
}

/// Runs a command and checks its exit code and `--json` error shape.
fn expect_error(c: Command, stdin: &str, exit: i32, kind: &str) -> Value {
    let out = run(c, stdin);
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), exit, "expected {kind}: {stderr}");
    assert!(stdout.is_empty(), "errors go to stderr: {stdout}");
    let v: Value =
        serde_json::from_str(stderr.trim()).unwrap_or_else(|_| panic!("JSON error: {stderr}"));
    assert_eq!(v["error"]["kind"], kind);
    assert_eq!(v["error"]["exit_code"], exit);
    assert!(!v["error"]["message"].as_str().unwrap().is_empty());
    v
}

fn url_cmd(sb: &elements_auth_sandbox::Sandbox, element: &str) -> Command {
    let mut c = cmd(sb);
    c.args([
        "url",
        "--json",
        "--element",
        element,
        "--callback-url",
        "https://app.example.com/cb",
        "--request-timeout",
        "1",
    ]);
    c
}

#[test]
fn each_error_kind_has_its_exit_code() {
    let sb = sandbox();
    // invalid_input = 10, naming the field
    let mut c = cmd(&sb);
    c.args(CREATE).args([
        "--json",
        "--events-callback-url",
        "https://a.example/ev",
        "--poll-interval",
        "0",
    ]);
    let v = expect_error(c, "", 10, "invalid_input");
    assert_eq!(v["error"]["field"], "events.refresh_interval");
    // api = 11: unknown element
    let v = expect_error(url_cmd(&sb, "nosuchelement"), "", 11, "api");
    assert_eq!(v["error"]["status"], 404);
    // transport = 12: connection dropped (GETs are retried, so drop them all)
    sb.inject_fault("drop", 5).unwrap();
    expect_error(url_cmd(&sb, "dropbox"), "", 12, "transport");
    sb.clear_faults();
    // timeout = 13: slower than --request-timeout
    sb.inject_fault("slow:2500", 5).unwrap();
    expect_error(url_cmd(&sb, "dropbox"), "", 13, "timeout");
    sb.clear_faults();
    // decode = 14
    sb.inject_fault("badjson", 5).unwrap();
    expect_error(url_cmd(&sb, "dropbox"), "", 14, "decode");
    sb.clear_faults();
    // invalid_signature = 18
    let mut c = cmd(&sb);
    c.env("ELEMENTS_SIGNATURE_KEY", SIGNATURE_KEY).args([
        "verify-webhook",
        "--json",
        "--signature",
        "sha256=AAAA",
    ]);
    expect_error(c, "{}", 18, "invalid_signature");
    // usage = 2 (clap)
    let mut c = cmd(&sb);
    c.args(["url", "--no-such-flag"]);
    assert_eq!(code(&run(c, "")), 2);
    // a bad KEY=VALUE is a usage error too
    let mut c = cmd(&sb);
    c.args([
        "url",
        "--element",
        "dropbox",
        "--callback-url",
        "https://a.example/cb",
        "--param",
        "novalue",
    ]);
    let out = run(c, "");
    assert_eq!(code(&out), 2);
    assert!(texts(&out).1.contains("KEY=VALUE"));
    // (authorization_denied 15, state_mismatch 16, invalid_callback 17: see tests/login.rs)
}

#[test]
fn a_create_that_times_out_says_the_instance_may_exist() {
    let sb = sandbox();
    let code_value = fresh_code(&sb);
    sb.inject_fault("slow:2500", 1).unwrap();
    let mut c = cmd(&sb);
    c.args([
        "create",
        "--element",
        "dropbox",
        "--callback-url",
        "https://app.example.com/cb",
        "--code",
        &code_value,
        "--name",
        "slow",
        "--request-timeout",
        "1",
    ]);
    let out = run(c, "");
    let (_, stderr) = texts(&out);
    assert_eq!(code(&out), 13, "{stderr}");
    assert!(stderr.contains("may have been created"), "{stderr}");
    assert!(!stderr.contains(&code_value));
    assert_no_secrets(&sb, &stderr);
    // The advice is given once, in words (the CLI has no list command), and
    // names no other language's method.
    assert_eq!(
        stderr.matches("may have been created").count(),
        1,
        "{stderr}"
    );
    assert_eq!(stderr.matches("list the instances").count(), 1, "{stderr}");
    assert!(!stderr.contains("list_instances"), "{stderr}");
}

#[test]
fn a_timed_out_create_is_not_retryable_in_the_json_error() {
    let sb = sandbox();
    let code_value = fresh_code(&sb);
    sb.inject_fault("slow:2500", 1).unwrap();
    let mut c = cmd(&sb);
    c.args(CREATE_FOR_TIMEOUT)
        .args(["--code", &code_value, "--json"]);
    let v = expect_error(c, "", 13, "timeout");
    assert_eq!(v["error"]["retryable"], false);
    assert_eq!(v["error"]["may_have_reached_server"], true);
    assert_eq!(v["error"]["operation"], "create_instance");
    // A 503 on a create is not retryable either: it may have happened.
    let code_value = fresh_code(&sb);
    sb.inject_fault("status:503", 1).unwrap();
    let mut c = cmd(&sb);
    c.args(CREATE_FOR_TIMEOUT)
        .args(["--code", &code_value, "--json"]);
    let v = expect_error(c, "", 11, "api");
    assert_eq!(v["error"]["status"], 503);
    assert_eq!(v["error"]["retryable"], false);
    assert_eq!(v["error"]["may_have_reached_server"], true);
}

const CREATE_FOR_TIMEOUT: [&str; 9] = [
    "create",
    "--element",
    "dropbox",
    "--callback-url",
    "https://app.example.com/cb",
    "--name",
    "slow",
    "--request-timeout",
    "1",
];

#[test]
fn help_documents_every_exit_code() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for line in [
        "  10  invalid_input",
        "  11  api",
        "  12  transport",
        "  13  timeout",
        "  14  decode",
        "  15  authorization_denied",
        "  16  state_mismatch",
        "  17  invalid_callback",
        "  18  invalid_signature",
        "  60  login only",
        " 130  ",
    ] {
        assert!(help.contains(line), "{line:?} missing from --help");
    }
    for var in [
        "ELEMENTS_BASE_URL",
        "ELEMENTS_USER_SECRET",
        "ELEMENTS_ORGANIZATION_SECRET",
        "ELEMENTS_API_KEY",
        "ELEMENTS_API_SECRET",
        "ELEMENTS_SIGNATURE_KEY",
    ] {
        assert!(help.contains(var), "{var} missing from --help");
    }
    let out = Command::new(BIN)
        .args(["login", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("paste") && help.contains("--timeout") && help.contains("130"),
        "{help}"
    );
}

#[test]
fn demo_prints_every_step_and_the_token_but_no_other_secret() {
    let out = Command::new(BIN).arg("demo").output().unwrap();
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    for step in [
        "1. Redirect URL",
        "siteAddress    https://www.concursolutions.com",
        "2. Consent",
        "3. Callback",
        "state matches",
        "4. Instance",
        "polling every 15 min",
        "poller: reports",
        "200 success",
    ] {
        assert!(stdout.contains(step), "{step:?} missing:\n{stdout}");
    }
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("element token  "))
        .expect("a token line");
    assert!(token.len() > 20, "{token}");
    for secret in [
        "demo-user-secret-4f1c9a",
        "demo-organization-secret-77d2e0",
        "demo-concur-api-secret-b81f3d",
        "demo-signature-key-90ae4c",
    ] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{secret} leaked"
        );
    }
    assert!(
        stdout.contains("code=********"),
        "the code is masked: {stdout}"
    );
    assert!(!stdout
        .lines()
        .any(|l| l.contains("code=") && !l.contains("code=********")));
}

#[test]
fn demo_json_prints_the_instance() {
    let out = Command::new(BIN).args(["demo", "--json"]).output().unwrap();
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(v["element_key"], "concur");
    assert_eq!(v["raw"]["configuration"]["event.vendor.type"], "polling");
    assert!(!stdout.contains("demo-signature-key-90ae4c"));
}

#[cfg(unix)]
#[test]
fn sandbox_command_prints_parseable_settings_and_serves_until_interrupted() {
    for json_mode in [false, true] {
        let mut c = Command::new(BIN);
        c.args(["sandbox", "--manual-consent"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if json_mode {
            c.arg("--json");
        }
        let mut child = c.spawn().unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let (base, user, org) = if json_mode {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let v: Value = serde_json::from_str(&line).unwrap();
            assert_eq!(v["auto_consent"], false);
            let s = |k: &str| v[k].as_str().unwrap().to_owned();
            (s("base_url"), s("user_secret"), s("organization_secret"))
        } else {
            let mut vars = std::collections::HashMap::new();
            while vars.len() < 3 {
                let mut line = String::new();
                assert!(
                    reader.read_line(&mut line).unwrap() > 0,
                    "EOF before the exports"
                );
                if let Some((k, v)) = line
                    .trim()
                    .strip_prefix("export ")
                    .and_then(|l| l.split_once('='))
                {
                    vars.insert(k.to_owned(), v.to_owned());
                }
            }
            (
                vars["ELEMENTS_BASE_URL"].clone(),
                vars["ELEMENTS_USER_SECRET"].clone(),
                vars["ELEMENTS_ORGANIZATION_SECRET"].clone(),
            )
        };
        // The printed settings work with the url command, and consent is manual.
        let mut c = Command::new(BIN);
        c.env("ELEMENTS_BASE_URL", &base)
            .env("ELEMENTS_USER_SECRET", &user)
            .env("ELEMENTS_ORGANIZATION_SECRET", &org)
            .env("ELEMENTS_API_KEY", "k")
            .env("ELEMENTS_API_SECRET", API_SECRET)
            .args([
                "url",
                "--json",
                "--element",
                "dropbox",
                "--callback-url",
                "https://app.example.com/cb",
            ]);
        let out = run(c, "");
        assert_eq!(code(&out), 0, "{}", texts(&out).1);
        let v: Value = serde_json::from_str(&texts(&out).0).unwrap();
        let (status, page) = get(v["oauth_url"].as_str().unwrap());
        assert_eq!(status, 200);
        assert!(page.contains("id=\"allow\""));
        // Ctrl-C stops it cleanly.
        interrupt(&child);
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0));
    }
}

#[test]
fn verify_webhook_runs_every_signature_vector() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/webhook_signatures.json"
    ))
    .unwrap();
    let vectors: Value = serde_json::from_str(&text).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for (i, case) in cases.iter().enumerate() {
        let key = case["key"].as_str().unwrap();
        let body = case["body"].as_str().unwrap();
        let key_file = temp_file(&format!("key{i}"), key);
        let body_file = temp_file(&format!("body{i}"), body);
        let mut c = Command::new(BIN);
        c.env_remove("ELEMENTS_SIGNATURE_KEY").args([
            "verify-webhook",
            "--json",
            "--signature",
            case["header"].as_str().unwrap(),
            "--signature-key-file",
            key_file.to_str().unwrap(),
            "--body-file",
            body_file.to_str().unwrap(),
        ]);
        let out = run(c, "");
        let (stdout, stderr) = texts(&out);
        if case["valid"] == true {
            assert_eq!(code(&out), 0, "{}: {stderr}", case["name"]);
            assert_eq!(
                serde_json::from_str::<Value>(&stdout).unwrap(),
                json!({"valid": true})
            );
        } else {
            let kind = case["kind"].as_str().unwrap();
            let expected = if kind == "invalid_input" { 10 } else { 18 };
            assert_eq!(code(&out), expected, "{}: {stderr}", case["name"]);
            let v: Value = serde_json::from_str(stderr.trim()).unwrap();
            assert_eq!(v["error"]["kind"], kind, "{}", case["name"]);
        }
        if !key.is_empty() {
            assert!(
                !stdout.contains(key) && !stderr.contains(key),
                "the key leaked"
            );
        }
    }
    // The body may come from standard input, and the key from the environment.
    let mut c = Command::new(BIN);
    let sig = elements_auth::sign_webhook(SIGNATURE_KEY, b"{\"a\":1}");
    c.env("ELEMENTS_SIGNATURE_KEY", SIGNATURE_KEY)
        .args(["verify-webhook", "--signature", &sig]);
    let out = run(c, "{\"a\":1}");
    assert_eq!(code(&out), 0, "{}", texts(&out).1);
    assert!(texts(&out).0.starts_with("valid"));
}

#[test]
fn create_output_masks_every_secret_the_command_knows_but_the_token() {
    // The platform echoes configuration values, names and tags: put every
    // secret the command holds there and check none comes back out.
    let sb = sandbox();
    for json_mode in [true, false] {
        let code_value = fresh_code(&sb);
        let mut c = cmd(&sb);
        c.env("ELEMENTS_SIGNATURE_KEY", SIGNATURE_KEY).args([
            "create",
            "--element",
            "dropbox",
            "--callback-url",
            "https://app.example.com/cb",
            "--code",
            &code_value,
            "--events-callback-url",
            "https://app.example.com/events",
            "--name",
            &format!("named {}", sb.user_secret()),
            "--tag",
            sb.organization_secret(),
            "--config",
            &format!("echo.user={}", sb.user_secret()),
            "--config",
            &format!("echo.org={}", sb.organization_secret()),
            "--config",
            &format!("echo.api={API_SECRET}"),
            "--config",
            &format!("echo.code={code_value}"),
            "--config",
            &format!("echo.sig={SIGNATURE_KEY}"),
        ]);
        if json_mode {
            c.arg("--json");
        }
        let out = run(c, "");
        let (stdout, stderr) = texts(&out);
        assert_eq!(code(&out), 0, "{stderr}");
        assert_no_secrets(&sb, &(stdout.clone() + &stderr));
        assert!(!stdout.contains(&code_value), "the code leaked: {stdout}");
        let stored = sb.instances();
        let token = stored.last().unwrap()["token"].as_str().unwrap().to_owned();
        if json_mode {
            let v: Value = serde_json::from_str(&stdout).expect("JSON");
            assert_eq!(v["token"], token.as_str(), "the token is printed as is");
            let cfg = &v["raw"]["configuration"];
            for key in ["echo.user", "echo.org", "echo.api", "echo.code", "echo.sig"] {
                assert_eq!(cfg[key], "********", "{key} in {cfg}");
            }
            assert_eq!(v["name"], "named ********");
            assert_eq!(v["tags"], json!(["********"]));
        } else {
            assert!(stdout.contains(&format!("token     {token}")), "{stdout}");
            assert!(stdout.contains("\"named ********\""), "{stdout}");
            assert!(stdout.contains("tags      ********"), "{stdout}");
        }
    }
}

#[test]
fn events_type_without_an_events_callback_url_is_an_error() {
    let sb = sandbox();
    let mut c = cmd(&sb);
    c.args(CREATE).args(["--json", "--events-type", "webhook"]);
    let v = expect_error(c, "", 10, "invalid_input");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("--events-type") && message.contains("--events-callback-url"),
        "{message}"
    );
    // login checks it before anyone is sent to consent.
    let mut c = cmd(&sb);
    c.args([
        "login",
        "--no-browser",
        "--element",
        "dropbox",
        "--name",
        "n",
        "--events-type",
        "polling",
    ]);
    let out = run(c, "");
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), 10, "{stderr}");
    assert!(stderr.contains("--events-type"), "{stderr}");
    assert!(!stdout.contains("http") && !stderr.contains("/vendor/"));
    assert!(sb.requests().is_empty(), "nothing was sent");
}

#[test]
fn a_signature_key_in_the_environment_without_events_is_ignored_with_a_warning() {
    let sb = sandbox();
    let code_value = fresh_code(&sb);
    let mut c = cmd(&sb);
    c.env("ELEMENTS_SIGNATURE_KEY", SIGNATURE_KEY).args([
        "create",
        "--element",
        "dropbox",
        "--callback-url",
        "https://app.example.com/cb",
        "--code",
        &code_value,
        "--name",
        "no events",
    ]);
    let out = run(c, "");
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("ELEMENTS_SIGNATURE_KEY"))
        .collect();
    assert_eq!(warnings.len(), 1, "one warning line: {stderr}");
    assert!(
        warnings[0].starts_with("warning: ") && warnings[0].contains("no events are configured"),
        "{stderr}"
    );
    assert_no_secrets(&sb, &(stdout + &stderr));
    let body = sb
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .unwrap()
        .json()
        .unwrap();
    let cfg = &body["configuration"];
    assert_eq!(cfg["event.notification.enabled"], "false", "{cfg}");
    assert!(
        cfg.get("event.notification.signature.key").is_none(),
        "the key was not sent: {cfg}"
    );
    assert!(!body.to_string().contains(SIGNATURE_KEY), "{body}");
    // With events configured there is nothing to warn about.
    let code_value = fresh_code(&sb);
    let mut c = cmd(&sb);
    c.env("ELEMENTS_SIGNATURE_KEY", SIGNATURE_KEY).args([
        "create",
        "--element",
        "dropbox",
        "--callback-url",
        "https://app.example.com/cb",
        "--code",
        &code_value,
        "--name",
        "with events",
        "--events-callback-url",
        "https://app.example.com/events",
    ]);
    let out = run(c, "");
    let (_, stderr) = texts(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    // login warns once too (it builds the request twice).
    let mut c = cmd(&sb);
    c.env("ELEMENTS_SIGNATURE_KEY", SIGNATURE_KEY).args([
        "login",
        "--no-browser",
        "--element",
        "dropbox",
        "--name",
        "n",
        "--timeout",
        "1",
    ]);
    let out = run(c, "");
    let (_, stderr) = texts(&out);
    assert_eq!(code(&out), 60, "{stderr}");
    assert_eq!(
        stderr.matches("ELEMENTS_SIGNATURE_KEY is ignored").count(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains(SIGNATURE_KEY));
}

#[test]
fn a_code_or_state_that_starts_with_a_hyphen_is_a_value_not_a_flag() {
    let sb = sandbox();
    // A real code, behind a hyphen: the sandbox refuses it (unknown code,
    // exit 11), which shows it was read as the value of --code.
    let mut c = cmd(&sb);
    c.args(CREATE_FOR_TIMEOUT)
        .args(["--code", "-Zx3-not-issued", "--json"]);
    let v = expect_error(c, "", 11, "api");
    assert!(v["error"]["provider_message"]
        .as_str()
        .unwrap()
        .contains("unknown authorization code"));
    let mut c = cmd(&sb);
    c.args([
        "url",
        "--json",
        "--element",
        "dropbox",
        "--callback-url",
        "https://app.example.com/cb",
        "--state",
        "-starts-with-a-hyphen",
    ]);
    let out = run(c, "");
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["state"], "-starts-with-a-hyphen");
}

#[test]
fn a_name_tag_or_config_value_that_starts_with_a_hyphen_is_a_value() {
    let sb = sandbox();
    let code_value = fresh_code(&sb);
    let mut c = cmd(&sb);
    c.args([
        "create",
        "--element",
        "dropbox",
        "--callback-url",
        "https://app.example.com/cb",
        "--code",
        &code_value,
        "--name",
        "-nightly",
        "--tag",
        "-beta",
        "--config",
        "-flag=-on",
    ]);
    let out = run(c, "");
    let (_, stderr) = texts(&out);
    assert_eq!(code(&out), 0, "{stderr}");
    let req = sb
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .expect("a POST");
    let body = req.json().unwrap();
    assert_eq!(body["name"], "-nightly");
    assert_eq!(body["tags"], json!(["-beta"]));
    assert_eq!(body["configuration"]["-flag"], "-on");
}
