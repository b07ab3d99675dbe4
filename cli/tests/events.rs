//! `trigger` against a running `elements-auth sandbox` process (its control
//! API, with the secrets it printed), instances made with `url` and
//! `create`, a real receiver of the test's own, and `verify-webhook` with one
//! key or several.

mod common;
#[path = "../../sandbox/tests/common/receiver.rs"]
mod receiver;

use common::*;
use elements_auth::{parse_event_notification, sign_webhook, SIGNATURE_HEADER};
use receiver::{closed_url, Receiver};
use serde_json::Value;
use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const NEW_KEY: &str = "cli-rotated-signature-key-41d7";

/// A running `elements-auth sandbox --json`, killed when dropped.
struct SandboxProcess {
    child: Child,
    base_url: String,
    user_secret: String,
    organization_secret: String,
}

impl SandboxProcess {
    fn start(retry_delay: &str) -> SandboxProcess {
        let mut child = Command::new(BIN)
            .args(["sandbox", "--json", "--event-retry-delay", retry_delay])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the sandbox command starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let v: Value = serde_json::from_str(&line).expect("one JSON line of settings");
        let s = |k: &str| v[k].as_str().unwrap().to_owned();
        SandboxProcess {
            base_url: s("base_url"),
            user_secret: s("user_secret"),
            organization_secret: s("organization_secret"),
            child,
        }
    }

    /// The binary with a clean environment holding what `sandbox` printed.
    fn cmd(&self) -> Command {
        let mut c = Command::new(BIN);
        for (k, _) in std::env::vars() {
            if k.starts_with("ELEMENTS_") {
                c.env_remove(k);
            }
        }
        c.env("ELEMENTS_BASE_URL", &self.base_url)
            .env("ELEMENTS_USER_SECRET", &self.user_secret)
            .env("ELEMENTS_ORGANIZATION_SECRET", &self.organization_secret)
            .env("ELEMENTS_API_KEY", "cli-events-app")
            .env("ELEMENTS_API_SECRET", API_SECRET);
        c
    }

    /// Runs a command: (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let mut c = self.cmd();
        c.args(args);
        let out = run(c, "");
        let (stdout, stderr) = texts(&out);
        assert!(
            !(stdout.clone() + &stderr).contains(&self.user_secret),
            "a secret leaked"
        );
        (code(&out), stdout, stderr)
    }

    /// `url` then `create --json` for `element` with these event flags; the instance id.
    fn instance(&self, element: &str, events: &[&str]) -> i64 {
        let mut url = vec![
            "url",
            "--json",
            "--element",
            element,
            "--callback-url",
            "https://app.example.com/cb",
        ];
        if element == "concur" {
            url.extend(["--site-address", "https://www.concursolutions.com"]);
        }
        let (status, stdout, stderr) = self.run(&url);
        assert_eq!(status, 0, "{stderr}");
        let oauth: Value = serde_json::from_str(&stdout).unwrap();
        // Auto-consent: the vendor page redirects straight back with a code.
        let resp = http()
            .get(oauth["oauth_url"].as_str().unwrap())
            .call()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 302);
        let landed = resp.headers().get("location").unwrap().to_str().unwrap();
        let landed = url::Url::parse(landed).unwrap();
        let code = landed
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned();
        let code_flag = format!("--code={code}");
        let mut create = vec![
            "create",
            "--json",
            "--element",
            element,
            "--callback-url",
            "https://app.example.com/cb",
            // `--code=` form: a code may begin with `-`.
            &code_flag,
            "--name",
            "events",
        ];
        create.extend(events);
        let (status, stdout, stderr) = self.run(&create);
        assert_eq!(status, 0, "{stderr}");
        serde_json::from_str::<Value>(&stdout).unwrap()["id"]
            .as_i64()
            .unwrap()
    }

    fn webhook(&self, url: &str, key_file: Option<&str>) -> i64 {
        let mut events = vec!["--events-type", "webhook", "--events-callback-url", url];
        if let Some(file) = key_file {
            events.extend(["--signature-key-file", file]);
        }
        self.instance("dropbox", &events)
    }

    /// `trigger --wait --json`: (exit code, the delivery printed).
    fn trigger_wait(&self, instance: i64, object_type: &str) -> (i32, Value) {
        let id = instance.to_string();
        let (status, stdout, stderr) = self.run(&[
            "trigger",
            "--json",
            "--wait",
            "--instance",
            &id,
            "--object-type",
            object_type,
        ]);
        let delivery =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
        (status, delivery)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `verify-webhook` of `body` and `header` with one key file per key: the exit code.
fn verify(keys: &[&str], body: &[u8], header: &str) -> i32 {
    // Files of their own: tests run in parallel in one process.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let body_file = temp_file(&format!("verify-{n}-body"), "");
    std::fs::write(&body_file, body).unwrap();
    let mut c = Command::new(BIN);
    c.env_remove("ELEMENTS_SIGNATURE_KEY").args([
        "verify-webhook",
        "--signature",
        header,
        "--body-file",
        body_file.to_str().unwrap(),
    ]);
    for (i, key) in keys.iter().enumerate() {
        let file = temp_file(&format!("verify-{n}-key-{i}"), key);
        c.args(["--signature-key-file", file.to_str().unwrap()]);
    }
    let out = run(c, "");
    let (stdout, stderr) = texts(&out);
    for key in keys.iter().filter(|k| !k.is_empty()) {
        assert!(
            !stdout.contains(key) && !stderr.contains(key),
            "a key leaked: {stdout} {stderr}"
        );
    }
    code(&out)
}

#[test]
fn a_webhook_instance_gets_one_post_per_triggered_event_that_verifies_and_parses() {
    let sb = SandboxProcess::start("1ms");
    let rx = Receiver::start(&[]);
    let key_file = temp_file("events-key", SIGNATURE_KEY);
    let id = sb.webhook(&rx.url, Some(key_file.to_str().unwrap()));
    let instance = id.to_string();
    let mut event_ids = Vec::new();
    for (event_type, object_id) in [("CREATED", "id:abc"), ("DELETED", "id:def")] {
        let (status, stdout, stderr) = sb.run(&[
            "trigger",
            "--json",
            "--instance",
            &instance,
            "--object-type",
            "files",
            "--event-type",
            event_type,
            "--object-id",
            object_id,
        ]);
        assert_eq!(status, 0, "{stderr}");
        let v: Value = serde_json::from_str(&stdout).unwrap();
        event_ids.push(v["event_id"].as_u64().unwrap());
    }
    let got = rx.wait_for(2);
    for (i, (event_type, object_id)) in [("CREATED", "id:abc"), ("DELETED", "id:def")]
        .into_iter()
        .enumerate()
    {
        let header = got[i].header(SIGNATURE_HEADER).expect("signed");
        assert_eq!(verify(&[SIGNATURE_KEY], &got[i].body, header), 0);
        let n = parse_event_notification(&got[i].body).unwrap();
        assert_eq!(n.event_id, event_ids[i].to_string());
        assert_eq!(n.instance_id, id);
        let e = &n.events[0];
        assert_eq!(
            (
                e.object_type.as_str(),
                e.object_id.as_str(),
                e.event_type.as_str(),
                e.element_key.as_str()
            ),
            ("files", object_id, event_type, "dropbox")
        );
    }
    // Human output, and --wait on a delivered event.
    let (status, stdout, _) = sb.run(&[
        "trigger",
        "--wait",
        "--instance",
        &instance,
        "--object-type",
        "files",
    ]);
    assert_eq!(status, 0);
    assert!(
        stdout.contains("delivered") && stdout.contains("1 attempt(s): 200"),
        "{stdout}"
    );
    assert_eq!(
        rx.wait_for(3).len(),
        3,
        "exactly one POST per triggered event"
    );
}

#[test]
fn key_rotation_with_one_key_file_per_key() {
    let body = br#"{"eventId":1,"instanceId":2,"notificationId":"n","response":{"events":[]}}"#;
    let old = sign_webhook(SIGNATURE_KEY, body);
    let new = sign_webhook(NEW_KEY, body);
    for header in [&old, &new] {
        assert_eq!(verify(&[NEW_KEY, SIGNATURE_KEY], body, header), 0);
    }
    assert_eq!(
        verify(
            &[NEW_KEY, SIGNATURE_KEY],
            body,
            &sign_webhook("a-third-key", body)
        ),
        18
    );
    assert_eq!(verify(&[NEW_KEY], body, &old), 18);
}

#[test]
fn a_polling_concur_instance_gets_an_event_for_reports() {
    let sb = SandboxProcess::start("1ms");
    let rx = Receiver::start(&[]);
    let poller = temp_file(
        "events-poller.json",
        r#"{"reports": {"url": "/hubs/expense/reports", "idField": "ID"}}"#,
    );
    let id = sb.instance(
        "concur",
        &[
            "--events-callback-url",
            &rx.url,
            "--poll-interval",
            "15",
            "--poller-config",
            poller.to_str().unwrap(),
        ],
    );
    let (status, delivery) = sb.trigger_wait(id, "reports");
    assert_eq!(status, 0);
    assert_eq!(delivery["state"], "delivered");
    let got = rx.wait_for(1);
    assert_eq!(got[0].header(SIGNATURE_HEADER), None);
    let n = parse_event_notification(&got[0].body).unwrap();
    assert_eq!(
        (
            n.events[0].object_type.as_str(),
            n.events[0].element_key.as_str()
        ),
        ("reports", "concur")
    );
    // Another resource is refused, naming the flag's field.
    let instance = id.to_string();
    let (status, _, stderr) = sb.run(&[
        "trigger",
        "--json",
        "--instance",
        &instance,
        "--object-type",
        "invoices",
    ]);
    assert_eq!(status, 10);
    let err: Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(err["error"]["field"], "object_type");
    assert_eq!(rx.received().len(), 1);
}

#[test]
fn two_500s_then_200_is_three_attempts_and_delivered() {
    let sb = SandboxProcess::start("20us");
    let rx = Receiver::start(&[500, 500, 200]);
    let key_file = temp_file("events-key-retry", SIGNATURE_KEY);
    let id = sb.webhook(&rx.url, Some(key_file.to_str().unwrap()));
    let (status, delivery) = sb.trigger_wait(id, "files");
    assert_eq!(status, 0, "{delivery}");
    assert_eq!(delivery["attempts"], serde_json::json!([500, 500, 200]));
    assert_eq!(delivery["state"], "delivered");
    assert_eq!(rx.received().len(), 3);
    let keys: Vec<&str> = delivery
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "attempts",
            "body",
            "event_id",
            "instance_id",
            "signature",
            "state",
            "url"
        ]
    );
}

#[test]
fn a_receiver_that_is_down_shows_ten_attempts_and_failed() {
    let sb = SandboxProcess::start("20us");
    let id = sb.webhook(&closed_url(), None);
    let (status, delivery) = sb.trigger_wait(id, "files");
    assert_eq!(status, 61);
    assert_eq!(delivery["state"], "failed");
    assert_eq!(
        delivery["attempts"],
        serde_json::json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    );
}

#[test]
fn an_instance_without_a_signature_key_gets_no_signature_header() {
    let sb = SandboxProcess::start("1ms");
    let rx = Receiver::start(&[]);
    let id = sb.webhook(&rx.url, None);
    let (status, delivery) = sb.trigger_wait(id, "files");
    assert_eq!(status, 0);
    assert!(delivery["signature"].is_null());
    assert_eq!(rx.wait_for(1)[0].header(SIGNATURE_HEADER), None);
}

#[test]
fn an_instance_without_events_gets_a_clear_error() {
    let sb = SandboxProcess::start("1ms");
    let id = sb.instance("dropbox", &[]).to_string();
    let (status, _, stderr) = sb.run(&["trigger", "--instance", &id, "--object-type", "files"]);
    assert_eq!(status, 10);
    assert!(
        stderr.contains(&format!(
            "invalid instance_id: instance {id} has no events enabled"
        )),
        "{stderr}"
    );
    let (status, _, stderr) = sb.run(&[
        "trigger",
        "--json",
        "--instance",
        "4242",
        "--object-type",
        "files",
    ]);
    assert_eq!(status, 10);
    let err: Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(err["error"]["kind"], "invalid_input");
    assert_eq!(err["error"]["field"], "instance_id");
}

#[test]
fn trigger_talks_only_to_a_sandbox_on_loopback_with_its_secrets() {
    let sb = SandboxProcess::start("1ms");
    let mut c = sb.cmd();
    c.env(
        "ELEMENTS_BASE_URL",
        "https://api.cloud-elements.com/elements/api-v2",
    )
    .args(["trigger", "--instance", "1", "--object-type", "files"]);
    let out = run(c, "");
    assert_eq!(code(&out), 10);
    assert!(texts(&out).1.contains("loopback"), "{}", texts(&out).1);
    let mut c = sb.cmd();
    c.env("ELEMENTS_USER_SECRET", "not-the-sandbox-secret")
        .args([
            "trigger",
            "--json",
            "--instance",
            "1",
            "--object-type",
            "files",
        ]);
    let out = run(c, "");
    assert_eq!(code(&out), 11);
    let err: Value = serde_json::from_str(texts(&out).1.trim()).unwrap();
    assert_eq!(err["error"]["status"], 401);
    assert!(!texts(&out).1.contains("not-the-sandbox-secret"));
    // --timeout applies to --wait only.
    let out = run(
        {
            let mut c = sb.cmd();
            c.args([
                "trigger",
                "--instance",
                "1",
                "--object-type",
                "files",
                "--timeout",
                "5",
            ]);
            c
        },
        "",
    );
    assert_eq!(code(&out), 2);
}

#[test]
fn the_retry_delay_flag_is_checked() {
    for bad in ["100", "1h", "2h0m"] {
        let out = Command::new(BIN)
            .args(["sandbox", "--event-retry-delay", bad])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    let out = Command::new(BIN)
        .args(["sandbox", "--event-retry-delay", "3601s"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10));
    assert!(String::from_utf8_lossy(&out.stderr).contains("event_retry_delay"));
}

#[test]
fn verify_webhook_runs_every_key_rotation_vector() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/webhook_key_rotation.json"
    ))
    .unwrap();
    let vectors: Value = serde_json::from_str(&text).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 8);
    let mut ran = 0;
    for case in cases {
        let keys: Vec<&str> = case["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        if keys.is_empty() {
            // No --signature-key-file at all means "the key of ELEMENTS_SIGNATURE_KEY":
            // the command line cannot be given an empty list.
            continue;
        }
        let want = match (case["valid"].as_bool().unwrap(), case["kind"].as_str()) {
            (true, _) => 0,
            (false, Some("invalid_input")) => 10,
            (false, _) => 18,
        };
        let got = verify(
            &keys,
            case["body"].as_str().unwrap().as_bytes(),
            case["header"].as_str().unwrap(),
        );
        assert_eq!(got, want, "{}", case["name"]);
        ran += 1;
    }
    assert_eq!(ran, cases.len() - 1);
}
