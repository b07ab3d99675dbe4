//! Helpers shared by the core's integration tests: a sandbox and a client on it.

#![allow(dead_code)]

use elements_auth::{Client, ClientBuilder, OAuthUrlRequest};
use elements_auth_sandbox::{RecordedRequest, Sandbox, SandboxOptions};
use std::path::PathBuf;
use std::time::Duration;

pub const API_KEY: &str = "app-key-4711";
pub const API_SECRET: &str = "apisecret-Zq8rT1";
pub const CALLBACK: &str = "https://app.example.com/oauth/callback";
pub const SITE: &str = "https://www.concursolutions.com";

/// A sandbox with distinctive secrets, and a client builder aimed at it.
pub struct Env {
    pub sandbox: Sandbox,
}

impl Env {
    pub fn new() -> Env {
        Env::with(SandboxOptions {
            user_secret: Some("usersecret-Kq7pX2".into()),
            organization_secret: Some("orgsecret-Wm4nB9".into()),
            ..SandboxOptions::default()
        })
    }

    pub fn with(options: SandboxOptions) -> Env {
        Env {
            sandbox: Sandbox::start(options).expect("sandbox starts"),
        }
    }

    pub fn builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.sandbox.base_url())
            .user_secret(self.sandbox.user_secret())
            .organization_secret(self.sandbox.organization_secret())
            .timeout(Duration::from_secs(5))
            .retry_base_delay(Duration::from_millis(10))
    }

    pub fn client(&self) -> Client {
        self.builder().build().expect("client builds")
    }

    /// Requests the sandbox received whose path ends with `suffix`.
    pub fn requests_to(&self, method: &str, suffix: &str) -> Vec<RecordedRequest> {
        self.sandbox
            .requests()
            .into_iter()
            .filter(|r| r.method == method && r.path.ends_with(suffix))
            .collect()
    }

    /// Runs steps 1 and 2 for concur and returns (code, state).
    pub fn concur_code(&self, client: &Client) -> String {
        let url = client
            .oauth_url(
                &OAuthUrlRequest::new("concur", API_KEY, API_SECRET, CALLBACK).site_address(SITE),
            )
            .expect("oauth url");
        let landed = self.sandbox.approve(&url.oauth_url).expect("approve");
        let grant = elements_auth::parse_callback(&landed, &url.state).expect("grant");
        grant.code.expose().to_owned()
    }
}

/// A file of tests/vectors, parsed.
pub fn vectors(name: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("vector file is JSON")
}
