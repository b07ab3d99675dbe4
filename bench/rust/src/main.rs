//! Times one kind of call, many times over one keep-alive connection, and
//! prints one JSON line: `{client, op, calls, p50_us, p99_us, calls_per_s}`.
//!
//! `elements-auth-bench <client> <op> <base_url> <calls> <warmup>` where
//! client is `core` (this SDK) or `ureq` (a bare ureq 3 agent making the
//! same exchange), op is `oauth_url` or `create_instance`.
//!
//! With `BENCH_TURN_IN` and `BENCH_TURN_OUT` (two FIFOs), it takes turns with
//! another bench process: it waits for a byte, makes `BENCH_BLOCK` calls
//! (default 200), and passes the byte on, so that a pair of clients meets
//! the machine's drift together (see `scripts/bench.sh`).

use elements_auth::{Client, CreateInstanceRequest, OAuthUrlRequest};
use std::fs::File;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

const CALLBACK: &str = "https://app.example.com/cb";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, client, op, base, calls, warmup] = args.as_slice() else {
        eprintln!("usage: elements-auth-bench <core|ureq> <oauth_url|create_instance> <base_url> <calls> <warmup>");
        std::process::exit(2);
    };
    let calls: usize = calls.parse().expect("calls");
    let warmup: usize = warmup.parse().expect("warmup");
    let mut call = make(client, op, base);
    let mut turns = Turns::from_env();
    turns.wait();
    for _ in 0..warmup {
        call();
    }
    turns.pass();
    let mut times = Vec::with_capacity(calls);
    while times.len() < calls {
        turns.wait();
        for _ in 0..turns.block.min(calls - times.len()) {
            let t = Instant::now();
            call();
            times.push(t.elapsed());
        }
        turns.pass();
    }
    let total: Duration = times.iter().sum();
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{}",
        serde_json::json!({
            "client": client, "op": op, "calls": calls,
            "p50_us": us(pct(0.50)), "p99_us": us(pct(0.99)),
            "calls_per_s": calls as f64 / total.as_secs_f64(),
        })
    );
}

/// The turn-taking with another bench process, when the FIFOs are given.
struct Turns {
    fifos: Option<(File, File)>,
    block: usize,
}

impl Turns {
    fn from_env() -> Turns {
        let path = |name| {
            std::env::var_os(name)
                .map(|p| File::options().read(true).write(true).open(p).expect(name))
        };
        match (path("BENCH_TURN_IN"), path("BENCH_TURN_OUT")) {
            (Some(input), Some(output)) => Turns {
                fifos: Some((input, output)),
                block: std::env::var("BENCH_BLOCK")
                    .ok()
                    .and_then(|b| b.parse().ok())
                    .unwrap_or(200)
                    .max(1),
            },
            _ => Turns {
                fifos: None,
                block: usize::MAX,
            },
        }
    }

    fn wait(&mut self) {
        if let Some((input, _)) = &mut self.fifos {
            input.read_exact(&mut [0]).expect("turn");
        }
    }

    fn pass(&mut self) {
        if let Some((_, output)) = &mut self.fifos {
            output.write_all(b"t").expect("turn");
        }
    }
}

fn make(client: &str, op: &str, base: &str) -> Box<dyn FnMut()> {
    match client {
        "core" => {
            let c = Client::builder()
                .base_url(base)
                .user_secret("bench-user-secret")
                .organization_secret("bench-org-secret")
                .build()
                .expect("client");
            match op {
                "oauth_url" => Box::new(move || {
                    let req =
                        OAuthUrlRequest::new("concur", "bench-client", "bench-secret", CALLBACK)
                            .site_address("https://www.concursolutions.com");
                    c.oauth_url(&req).expect("oauth_url");
                }),
                _ => Box::new(move || {
                    let req = CreateInstanceRequest::new(
                        "concur",
                        "code-123",
                        "bench",
                        "bench-client",
                        "bench-secret",
                        CALLBACK,
                    )
                    .tag("bench");
                    c.create_instance(&req).expect("create_instance");
                }),
            }
        }
        _ => {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into();
            let base = base.to_owned();
            match op {
                "oauth_url" => Box::new(move || {
                    let url = format!("{base}/elements/concur/oauth/url?apiKey=bench-client&apiSecret=bench-secret&callbackUrl=https%3A%2F%2Fapp.example.com%2Fcb&siteAddress=https%3A%2F%2Fwww.concursolutions.com&state=fixed-state");
                    let mut r = agent
                        .get(&url)
                        .header("Accept", "application/json")
                        .call()
                        .expect("get");
                    let _ = r.body_mut().read_to_vec().expect("body");
                }),
                _ => Box::new(move || {
                    let body = r#"{"element":{"key":"concur"},"providerData":{"code":"code-123"},"configuration":{"oauth.api.key":"bench-client","oauth.api.secret":"bench-secret","oauth.callback.url":"https://app.example.com/cb","filter.response.nulls":"true","event.notification.enabled":"false"},"tags":["bench"],"name":"bench"}"#;
                    let mut r = agent
                        .post(format!("{base}/instances"))
                        .header("Accept", "application/json")
                        .header(
                            "Authorization",
                            "User bench-user-secret, Organization bench-org-secret",
                        )
                        .header("Content-Type", "application/json")
                        .send(body)
                        .expect("post");
                    let _ = r.body_mut().read_to_vec().expect("body");
                }),
            }
        }
    }
}
