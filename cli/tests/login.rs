//! `elements-auth login` without a browser: the pasted URL, the loopback
//! listener's answers, timeouts, Ctrl-C and every failure page.

mod common;

use common::*;
use serde_json::Value;

#[test]
fn a_pasted_url_completes_the_login() {
    let sb = sandbox();
    let mut login = Login::start(&sb, &["--json", "--tag", "cli", "--param", "x=1"]);
    let oauth_url = login.oauth_url();
    let landed = sb.approve(&oauth_url).unwrap();
    login.paste("not a url");
    login.paste(&landed);
    let (code, stdout, stderr) = login.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("not the URL the browser landed on"),
        "{stderr}"
    );
    let v: Value = serde_json::from_str(&stdout).expect("--json prints the instance");
    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    assert_eq!(v["token"], stored[0]["token"]);
    assert_eq!(v["tags"], serde_json::json!(["cli"]));
    // The state was fresh and random, the extra parameter reached oauth/url.
    let first = &sb.requests()[0];
    assert_eq!(first.query_param("state").unwrap().len(), 43);
    assert_eq!(first.query_param("x"), Some("1"));
    // No secret but the token is printed; the code is not printed either.
    let code_value = url::Url::parse(&landed)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    assert!(!stdout.contains(&code_value) && !stderr.contains(&code_value));
    assert!(
        !stderr.contains(v["token"].as_str().unwrap()),
        "the token goes to stdout only"
    );
    assert_no_secrets(&sb, &(stdout + &stderr));
}

#[test]
fn the_listener_ignores_stray_requests_then_takes_the_callback() {
    let sb = sandbox();
    let mut login = Login::start(&sb, &[]);
    let callback = login.callback_url();
    let oauth_url = login.oauth_url();
    let base = callback.trim_end_matches("/callback");
    let (status, _) = get(&format!("{base}/favicon.ico"));
    assert_eq!(status, 404);
    let (status, page) = get(&callback);
    assert_eq!(status, 400, "a bare visit is not a callback");
    assert!(page.contains("still waiting"), "{page}");
    let landed = sb.approve(&oauth_url).unwrap();
    assert!(landed.starts_with(&callback), "{landed} vs {callback}");
    let (status, page) = get(&landed);
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Signed in") && page.contains("login test"),
        "{page}"
    );
    let (code, stdout, stderr) = login.finish();
    assert_eq!(code, 0, "{stderr}");
    let token = sb.instances()[0]["token"].as_str().unwrap().to_owned();
    assert!(stdout.contains(&format!("token     {token}")), "{stdout}");
    assert!(
        !page.contains(&token),
        "the browser page never shows the token"
    );
    assert_no_secrets(&sb, &(stdout + &stderr));
}

#[test]
fn a_stray_query_on_the_callback_path_does_not_end_the_login() {
    let sb = sandbox();
    let mut login = Login::start(&sb, &["--json"]);
    let callback = login.callback_url();
    let oauth_url = login.oauth_url();
    // Neither code, error nor state: not the vendor's redirect.
    for stray in [
        "?foo=1",
        "?utm_source=mail&x=y",
        "?codes=1&states=2",
        "?foo=1#code=x",
    ] {
        let (status, page) = get(&format!("{callback}{stray}"));
        assert_eq!(status, 400, "{stray}: {page}");
        assert!(page.contains("still waiting"), "{stray}: {page}");
    }
    login.paste("http://127.0.0.1:1/callback?foo=1");
    // The real callback still completes the login.
    let landed = sb.approve(&oauth_url).unwrap();
    let (status, page) = get(&landed);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Signed in"), "{page}");
    let (code, stdout, stderr) = login.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("not the URL the browser landed on"),
        "the stray paste was answered: {stderr}"
    );
    let v: Value = serde_json::from_str(&stdout).expect("--json prints the instance");
    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    assert_eq!(v["id"], stored[0]["id"]);
}

#[test]
fn a_denial_without_the_state_is_a_state_mismatch() {
    // The state is checked before the error: a bare ?error=access_denied
    // (forged, or from another sign-in) is not taken for the vendor's refusal,
    // and over HTTP it does not end the sign-in either (F1).
    let sb = sandbox();
    let mut login = Login::start(&sb, &["--json"]);
    let callback = login.callback_url();
    let oauth_url = login.oauth_url();
    let (status, page) = get(&format!(
        "{callback}?error=access_denied&error_description=Denied%1B%5B2J"
    ));
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("state is missing or does not match") && page.contains("cannot be trusted"),
        "{page}"
    );
    assert!(!page.contains("Consent was denied"), "{page}");
    // The real consent still completes the sign-in.
    let (status, page) = get(&sb.approve(&oauth_url).unwrap());
    assert_eq!(status, 200, "{page}");
    let (code, stdout, stderr) = login.finish();
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["token"], sb.instances()[0]["token"]);
    assert!(stderr.contains("rejected a callback"), "{stderr}");

    // Pasted (typed by the user, so it may end the sign-in): exit 16 with a
    // note on why it is not a denial.
    let mut login = Login::start(&sb, &[]);
    let _ = login.oauth_url();
    login.paste("?error=access_denied");
    let (code, stdout, stderr) = login.finish();
    assert_eq!(code, 16, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("cannot be trusted") && stderr.contains("error: state mismatch"),
        "{stderr}"
    );
    assert!(!stderr.contains("authorization denied"), "{stderr}");

    // With the right state it is the vendor's refusal (exit 15), and the
    // vendor's text reaches neither the page nor the terminal with its
    // control characters.
    let mut login = Login::start(&sb, &[]);
    let callback = login.callback_url();
    let oauth_url = login.oauth_url();
    let state = url::Url::parse(&oauth_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let (status, page) = get(&format!(
        "{callback}?error=access_denied&error_description=No%1B%5B2Jthanks%07&state={state}"
    ));
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("Consent was denied"), "{page}");
    assert!(page.contains("No[2Jthanks"), "{page}");
    let (code, _, stderr) = login.finish();
    assert_eq!(code, 15, "{stderr}");
    assert!(stderr.contains("No[2Jthanks"), "{stderr}");
    assert!(
        !page.contains(['\u{1b}', '\u{7}']) && !stderr.contains(['\u{1b}', '\u{7}']),
        "control characters were printed"
    );
    // Only the first sign-in, completed by its real consent, created one.
    assert_eq!(sb.instances().len(), 1);
    assert_eq!(
        sb.requests().iter().filter(|r| r.method == "POST").count(),
        1
    );
}

#[test]
fn a_second_callback_is_answered_gracefully() {
    let sb = sandbox();
    let mut login = Login::start(&sb, &[]);
    let oauth_url = login.oauth_url();
    let landed = sb.approve(&oauth_url).unwrap();
    // Slow the create down so that the second callback arrives while the
    // first is handled: it is sent once the sandbox has the create request
    // (logged before the delay), with seconds to spare.
    sb.inject_fault("slow:6000", 1).unwrap();
    let first_url = landed.clone();
    let first = std::thread::spawn(move || get(&first_url));
    wait_until("the create request", || {
        sb.requests().iter().any(|r| r.method == "POST")
    });
    let (status, page) = get(&landed);
    assert_eq!(status, 409);
    assert!(page.contains("already received a callback"), "{page}");
    let (status, page) = first.join().unwrap();
    assert_eq!(status, 200, "{page}");
    let (code, _, stderr) = login.finish();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(sb.instances().len(), 1);
}

#[test]
fn f01_a_forged_callback_is_rejected_and_the_real_one_still_signs_in() {
    let sb = sandbox();
    let mut login = Login::start(&sb, &["--json"]);
    let callback = login.callback_url();
    let oauth_url = login.oauth_url();
    for forged in [
        "?code=forged-code&state=not-the-state".to_owned(),
        "?code=forged-code".to_owned(),
        "?code=a&code=b&state=x".to_owned(),
        format!("?error=access_denied&state={}", "x".repeat(43)),
    ] {
        let (status, page) = get(&format!("{callback}{forged}"));
        assert_eq!(status, 400, "{forged}: {page}");
        assert!(page.contains("Sign-in failed"), "{page}");
    }
    let (status, page) = get(&format!("{callback}?code=forged-code&state=not-the-state"));
    assert!(
        status == 400 && !page.contains("cannot be trusted"),
        "no error was claimed: {page}"
    );
    assert!(
        sb.requests().iter().all(|r| r.method != "POST"),
        "no create was attempted"
    );
    // The listener is still there for the vendor's redirect.
    let (status, page) = get(&sb.approve(&oauth_url).unwrap());
    assert_eq!(status, 200, "{page}");
    let (code, stdout, stderr) = login.finish();
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(sb.instances().len(), 1);
    assert_eq!(v["token"], sb.instances()[0]["token"]);
    assert_eq!(stderr.matches("rejected a callback").count(), 5, "{stderr}");
}

#[test]
fn f01_a_request_under_another_host_name_is_not_a_callback() {
    let sb = sandbox();
    let mut login = Login::start(&sb, &[]);
    let callback = login.callback_url();
    let oauth_url = login.oauth_url();
    let landed = sb.approve(&oauth_url).unwrap();
    // The right callback, but under a rebound name: refused, not consumed.
    let port = url::Url::parse(&callback).unwrap().port().unwrap();
    let target = &landed[landed.find("/callback").unwrap()..];
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    use std::io::{Read as _, Write as _};
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("Unexpected host"), "{answer}");
    let (status, page) = get(&landed);
    assert_eq!(status, 200, "{page}");
    let (code, _, stderr) = login.finish();
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn denied_consent_shows_a_failure_page_and_exits_15() {
    let sb = sandbox();
    let mut login = Login::start(&sb, &[]);
    let oauth_url = login.oauth_url();
    let landed = sb.deny(&oauth_url).unwrap();
    let (status, page) = get(&landed);
    assert_eq!(status, 400);
    assert!(page.contains("Consent was denied"), "{page}");
    let (code, stdout, stderr) = login.finish();
    assert_eq!(code, 15, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("error: authorization denied"), "{stderr}");
    assert!(sb.instances().is_empty());
}

#[test]
fn a_pasted_denial_or_codeless_callback_is_treated_like_a_callback() {
    let sb = sandbox();
    let mut login = Login::start(&sb, &[]);
    let oauth_url = login.oauth_url();
    login.paste(&sb.deny(&oauth_url).unwrap());
    let (code, _, stderr) = login.finish();
    assert_eq!(code, 15, "{stderr}");

    let mut login = Login::start(&sb, &[]);
    let callback = login.callback_url();
    let oauth_url = login.oauth_url();
    let state = url::Url::parse(&oauth_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let (status, page) = get(&format!("{callback}?state={state}"));
    assert_eq!(status, 400);
    assert!(page.contains("no authorization code"), "{page}");
    let (code, _, stderr) = login.finish();
    assert_eq!(code, 17, "{stderr}");

    let mut login = Login::start(&sb, &[]);
    let _ = login.oauth_url();
    login.paste("http://127.0.0.1:1/callback?code=abc&state=wrong");
    let (code, _, stderr) = login.finish();
    assert_eq!(code, 16, "{stderr}");
    assert!(sb.instances().is_empty());
}

#[test]
fn login_times_out_with_its_own_exit_code() {
    let sb = sandbox();
    let mut login = Login::start(&sb, &["--timeout", "1"]);
    let _ = login.oauth_url();
    let (code, stdout, stderr) = login.finish();
    assert_eq!(code, 60, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("login timed out") && stderr.contains("no instance was created"),
        "{stderr}"
    );
    assert!(sb.instances().is_empty());
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_the_login_cleanly() {
    let sb = sandbox();
    let mut login = Login::start(&sb, &[]);
    let _ = login.oauth_url();
    interrupt(&login.child);
    let (code, _, stderr) = login.finish();
    assert_eq!(code, 130, "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
}

#[test]
fn a_busy_callback_port_is_a_clear_error() {
    let sb = sandbox();
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let mut c = cmd(&sb);
    c.args([
        "login",
        "--no-browser",
        "--element",
        "dropbox",
        "--name",
        "n",
        "--callback-url",
        &format!("http://127.0.0.1:{port}/callback"),
    ]);
    let out = run(c, "");
    let (_, stderr) = texts(&out);
    assert_eq!(code(&out), 10, "{stderr}");
    assert!(
        stderr.contains("already in use") && stderr.contains(&port.to_string()),
        "{stderr}"
    );
    assert!(
        sb.requests().is_empty(),
        "nothing is sent before the listener is up"
    );
}

#[test]
fn a_non_loopback_callback_is_refused_for_the_listener() {
    let sb = sandbox();
    for url in [
        "https://app.example.com/callback",
        "http://192.0.2.1:8080/callback",
        "https://127.0.0.1:8443/cb",
    ] {
        let mut c = cmd(&sb);
        c.args([
            "login",
            "--no-browser",
            "--element",
            "dropbox",
            "--name",
            "n",
            "--callback-url",
            url,
        ]);
        let out = run(c, "");
        let (_, stderr) = texts(&out);
        assert_eq!(code(&out), 10, "{url}: {stderr}");
        assert!(stderr.contains("--callback-url"), "{stderr}");
    }
    let mut c = cmd(&sb);
    c.args([
        "login",
        "--no-browser",
        "--element",
        "dropbox",
        "--name",
        "n",
        "--callback-url",
        "https://app.example.com/cb",
    ]);
    let (_, stderr) = texts(&run(c, ""));
    assert!(stderr.contains("loopback"), "{stderr}");
    assert!(sb.requests().is_empty());
}

#[cfg(unix)]
#[test]
fn login_opens_the_browser_command_with_the_url() {
    use std::os::unix::fs::PermissionsExt as _;
    let sb = sandbox();
    let marker = std::env::temp_dir().join(format!("ea-browser-{}", std::process::id()));
    let _ = std::fs::remove_file(&marker);
    // Written whole, then renamed: the marker never exists half-written.
    let script = temp_file(
        "fake-browser.sh",
        &format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > {m}.tmp && mv {m}.tmp {m}\n",
            m = marker.display()
        ),
    );
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut c = cmd(&sb);
    c.env("BROWSER", script.to_str().unwrap()).args([
        "login",
        "--element",
        "dropbox",
        "--name",
        "n",
        "--timeout",
        "120",
    ]);
    let mut login = Login::spawn(c);
    let printed = login.oauth_url();
    wait_until("the fake browser's marker file", || marker.exists());
    assert_eq!(
        std::fs::read_to_string(&marker).unwrap(),
        printed,
        "the browser got the printed URL"
    );
    interrupt(&login.child);
    let (code, _, stderr) = login.finish();
    assert_eq!(code, 130, "{stderr}");
    assert!(stderr.contains("(opened with "), "{stderr}");
    let _ = std::fs::remove_file(&marker);
}

#[test]
fn bad_instance_settings_are_refused_before_the_user_is_sent_to_consent() {
    let sb = sandbox();
    let mut c = cmd(&sb);
    c.args([
        "login",
        "--no-browser",
        "--element",
        "concur",
        "--name",
        "n",
        "--site-address",
        "https://www.concursolutions.com",
        "--events-callback-url",
        "https://app.example.com/events",
        "--poll-interval",
        "0",
    ]);
    let out = run(c, "");
    let (stdout, stderr) = texts(&out);
    assert_eq!(code(&out), 10, "{stderr}");
    assert!(stderr.contains("refresh_interval"), "{stderr}");
    assert!(
        !stdout.contains("http"),
        "no consent URL is printed: {stdout}"
    );
    assert!(sb.requests().is_empty(), "nothing was sent");
}
