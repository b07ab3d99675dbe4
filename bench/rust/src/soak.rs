//! The Rust soak: `calls` calls against an embedded sandbox (a mix of
//! oauth_url, create, get, delete and errors), after a warm-up, reporting
//! the process's RSS before and after as one JSON line.
//!
//! `elements-auth-soak [calls] [warmup]` (defaults 100000 and 20000).

use elements_auth::{parse_callback, Client, CreateInstanceRequest, OAuthUrlRequest};
use elements_auth_sandbox::{Sandbox, SandboxOptions};
use std::time::{Duration, Instant};

const CALLBACK: &str = "https://app.example.com/cb";

/// The resident set size of this process, in KiB (Linux).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// One round of the mix: 5 calls that reach the sandbox and 1 refused before sending.
fn round(client: &Client, sandbox: &Sandbox) -> usize {
    let url = client
        .oauth_url(&OAuthUrlRequest::new(
            "dropbox",
            "soak-app",
            "soak-secret",
            CALLBACK,
        ))
        .expect("oauth_url");
    let landed = sandbox.approve(&url.oauth_url).expect("approve");
    let grant = parse_callback(&landed, &url.state).expect("grant");
    let instance = client
        .create_instance(
            &CreateInstanceRequest::new(
                "dropbox",
                grant.code,
                "soak",
                "soak-app",
                "soak-secret",
                CALLBACK,
            )
            .tag("soak"),
        )
        .expect("create");
    client.get_instance(instance.id).expect("get");
    client.delete_instance(instance.id).expect("delete");
    client
        .get_instance(instance.id)
        .expect_err("404 after delete");
    client
        .oauth_url(&OAuthUrlRequest::new(
            "dropbox",
            "",
            "soak-secret",
            CALLBACK,
        ))
        .expect_err("refused before sending");
    6
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let calls = args.first().copied().unwrap_or(100_000);
    let warmup = args.get(1).copied().unwrap_or(20_000);
    let sandbox = Sandbox::start(SandboxOptions {
        code_ttl: Duration::from_millis(100),
        request_log_limit: 100,
        ..SandboxOptions::default()
    })
    .expect("sandbox");
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .user_secret(sandbox.user_secret())
        .organization_secret(sandbox.organization_secret())
        .max_retries(0)
        .build()
        .expect("client");
    let mut done = 0;
    while done < warmup {
        done += round(&client, &sandbox);
    }
    let before = rss_kib();
    let started = Instant::now();
    let mut done = 0;
    while done < calls {
        done += round(&client, &sandbox);
    }
    let after = rss_kib();
    println!(
        "{{\"language\":\"rust\",\"calls\":{done},\"seconds\":{:.1},\"rss_start_kib\":{before},\"rss_end_kib\":{after},\"rss_growth_kib\":{}}}",
        started.elapsed().as_secs_f64(),
        after as i64 - before as i64
    );
}
