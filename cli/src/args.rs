//! The command line's flags, as clap reads them.

use crate::error::EXIT_CODES_HELP;
use crate::inputs;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const ENV_HELP: &str = "\
Secrets come from the environment or from files, never only from flags:
  ELEMENTS_BASE_URL             platform API base URL (or --base-url / --environment)
  ELEMENTS_USER_SECRET          user secret        (or --user-secret-file FILE)
  ELEMENTS_ORGANIZATION_SECRET  organization secret (or --organization-secret-file FILE)
  ELEMENTS_API_KEY              the app's client id at the vendor (or --api-key)
  ELEMENTS_API_SECRET           the app's client secret (or --api-secret-file FILE)
  ELEMENTS_SIGNATURE_KEY        event signature key (or --signature-key-file FILE)";

/// Authenticate Cloud Elements / SAP Open Connectors element instances over OAuth 2.0.
#[derive(Parser, Debug)]
#[command(name = "elements-auth", version, about, after_long_help = format!("{ENV_HELP}\n\n{EXIT_CODES_HELP}"))]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print results and errors as JSON (one object per line) instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the whole Concur flow against an embedded sandbox and print each step.
    #[command(after_long_help = EXIT_CODES_HELP)]
    Demo,
    /// Serve the sandbox (platform API + vendor consent page) until Ctrl-C.
    ///
    /// Prints `export ELEMENTS_...=...` lines (or one JSON line with --json)
    /// with the base URL and the sandbox's secrets, then serves.
    #[command(after_long_help = EXIT_CODES_HELP)]
    Sandbox(SandboxArgs),
    /// Step 1: get the vendor's consent page URL (prints it and the state).
    #[command(after_long_help = format!("{ENV_HELP}\n\n{EXIT_CODES_HELP}"))]
    Url(UrlArgs),
    /// Step 3: create the instance from the callback's code (prints the token).
    #[command(after_long_help = format!("{ENV_HELP}\n\n{EXIT_CODES_HELP}"))]
    Create(CreateArgs),
    /// The whole flow for a person: open the consent page, catch the callback, create the instance.
    ///
    /// 1. Listens on the loopback address and port of --callback-url
    ///    (default http://127.0.0.1:<free port>/callback).
    /// 2. Gets the consent page URL with a fresh random state, opens it in the
    ///    browser ($BROWSER, else the platform's opener) and prints it.
    /// 3. Waits up to --timeout seconds. On a remote machine (SSH), paste the
    ///    URL the browser landed on (even if the page did not load) here: it is
    ///    checked like a callback.
    /// 4. Checks the state, creates the instance, shows the browser a success
    ///    or failure page, and prints the element token (--json: the instance).
    #[command(verbatim_doc_comment, after_long_help = format!("{ENV_HELP}\n\n{EXIT_CODES_HELP}"))]
    Login(LoginArgs),
    /// Check an event's Elements-Webhook-Signature header against its raw body.
    ///
    /// The key comes from ELEMENTS_SIGNATURE_KEY or --signature-key-file; the
    /// body from --body-file FILE or standard input.
    #[command(after_long_help = EXIT_CODES_HELP)]
    VerifyWebhook(VerifyArgs),
    /// Ask a running `elements-auth sandbox` to deliver an event to an instance's events endpoint.
    ///
    /// The sandbox POSTs one notification to the instance's
    /// event.notification.callback.url (loopback only), signed with
    /// Elements-Webhook-Signature when the instance has a signature key, and
    /// retries it on failure as the platform does. Prints the event id; with
    /// --wait, follows the delivery and prints how it went. Reads
    /// ELEMENTS_BASE_URL, ELEMENTS_USER_SECRET and ELEMENTS_ORGANIZATION_SECRET,
    /// as `elements-auth sandbox` prints them.
    #[command(after_long_help = format!("{ENV_HELP}\n\n{EXIT_CODES_HELP}"))]
    Trigger(TriggerArgs),
}

/// Options of `sandbox`.
#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// TCP port on 127.0.0.1 (default: a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Show the consent page with Allow and Deny instead of redirecting straight back.
    #[arg(long)]
    pub manual_consent: bool,
    /// Connections served at once; beyond it a connection gets 503.
    #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Seconds one request may take to arrive (keep-alive wait included).
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub read_timeout: u64,
    /// How many requests the sandbox remembers (the oldest are dropped first).
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub request_log_limit: u32,
    /// How long after a failed event delivery the first retry comes (20us,
    /// 100ms, 4s: the platform's); each next one waits 4 times longer.
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = crate::events::duration)]
    pub event_retry_delay: std::time::Duration,
}

/// Where the platform is and how to authenticate to it.
#[derive(Args, Debug, Clone, Default)]
pub struct PlatformArgs {
    /// Platform API base URL [env: ELEMENTS_BASE_URL] (default: production).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// A known deployment instead of --base-url: production, staging, sap-us2.
    #[arg(long, value_name = "NAME", conflicts_with = "base_url")]
    pub environment: Option<String>,
    /// Read the user secret from FILE instead of ELEMENTS_USER_SECRET.
    #[arg(long, value_name = "FILE")]
    pub user_secret_file: Option<PathBuf>,
    /// Read the organization secret from FILE instead of ELEMENTS_ORGANIZATION_SECRET.
    #[arg(long, value_name = "FILE")]
    pub organization_secret_file: Option<PathBuf>,
    /// Time limit of each platform request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub request_timeout: u64,
    /// A PEM file of extra CA certificates to trust (a private CA or TLS-inspecting proxy).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// An explicit proxy URL (default: HTTPS_PROXY / ALL_PROXY / NO_PROXY).
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
}

/// The element and the app registered with its vendor.
#[derive(Args, Debug, Clone, Default)]
pub struct AppArgs {
    /// Element key, such as concur.
    #[arg(long, value_name = "KEY")]
    pub element: String,
    /// The app's client id at the vendor [env: ELEMENTS_API_KEY].
    #[arg(long, value_name = "KEY")]
    pub api_key: Option<String>,
    /// Read the app's client secret from FILE instead of ELEMENTS_API_SECRET.
    #[arg(long, value_name = "FILE")]
    pub api_secret_file: Option<PathBuf>,
}

/// What shapes the consent page URL.
#[derive(Args, Debug, Clone, Default)]
pub struct OAuthArgs {
    /// The vendor site, for elements that need one (Concur's siteAddress).
    #[arg(long, value_name = "URL")]
    pub site_address: Option<String>,
    /// The OAuth scope to ask for.
    #[arg(long)]
    pub scope: Option<String>,
    /// An element-specific query parameter (repeatable, sent in order).
    #[arg(
        long = "param",
        value_name = "KEY=VALUE",
        allow_hyphen_values = true,
        value_parser = inputs::key_value
    )]
    pub params: Vec<(String, String)>,
}

/// The instance's name, tags, events and configuration.
#[derive(Args, Debug, Clone, Default)]
pub struct InstanceArgs {
    /// The instance's name (may start with `-`).
    #[arg(long, allow_hyphen_values = true)]
    pub name: String,
    /// A tag (repeatable; may start with `-`).
    #[arg(long = "tag", value_name = "TAG", allow_hyphen_values = true)]
    pub tags: Vec<String>,
    /// Your endpoint for event notifications; enables events.
    #[arg(long, value_name = "URL")]
    pub events_callback_url: Option<String>,
    /// How the platform learns about changes [default: polling] (with --events-callback-url).
    #[arg(long, value_name = "TYPE", value_parser = ["polling", "webhook"])]
    pub events_type: Option<String>,
    /// Polling period in minutes (polling events).
    #[arg(long, value_name = "MINUTES")]
    pub poll_interval: Option<u32>,
    /// A JSON file with the poller configuration, keyed by resource (polling events).
    #[arg(long, value_name = "FILE")]
    pub poller_config: Option<PathBuf>,
    /// Read the event signature key from FILE instead of ELEMENTS_SIGNATURE_KEY.
    #[arg(long, value_name = "FILE")]
    pub signature_key_file: Option<PathBuf>,
    /// An extra configuration entry (repeatable).
    #[arg(
        long = "config",
        value_name = "KEY=VALUE",
        allow_hyphen_values = true,
        value_parser = inputs::key_value
    )]
    pub configuration: Vec<(String, String)>,
    /// Keep nulls in the platform's responses (filter.response.nulls=false).
    #[arg(long)]
    pub keep_nulls: bool,
}

/// Options of `url`.
#[derive(Args, Debug)]
pub struct UrlArgs {
    #[command(flatten)]
    pub app: AppArgs,
    /// Where the vendor sends the user back.
    #[arg(long, value_name = "URL")]
    pub callback_url: String,
    #[command(flatten)]
    pub oauth: OAuthArgs,
    /// The anti-forgery state (default: 32 random bytes, base64url; may start with `-`).
    #[arg(long, allow_hyphen_values = true)]
    pub state: Option<String>,
    #[command(flatten)]
    pub platform: PlatformArgs,
}

/// Options of `create`.
#[derive(Args, Debug)]
pub struct CreateArgs {
    #[command(flatten)]
    pub app: AppArgs,
    /// The callback URL used for the consent page.
    #[arg(long, value_name = "URL")]
    pub callback_url: String,
    /// The authorization code (`-` reads standard input; a code may start with `-`).
    #[arg(
        long,
        value_name = "CODE",
        allow_hyphen_values = true,
        conflicts_with = "code_file",
        required_unless_present = "code_file"
    )]
    pub code: Option<String>,
    /// Read the authorization code from FILE (`-` = standard input).
    #[arg(long, value_name = "FILE")]
    pub code_file: Option<PathBuf>,
    #[command(flatten)]
    pub instance: InstanceArgs,
    #[command(flatten)]
    pub platform: PlatformArgs,
}

/// Options of `login`.
#[derive(Args, Debug)]
pub struct LoginArgs {
    #[command(flatten)]
    pub app: AppArgs,
    /// The callback URL to listen on, on a loopback host (default http://127.0.0.1:<free port>/callback).
    #[arg(long, value_name = "URL")]
    pub callback_url: Option<String>,
    #[command(flatten)]
    pub oauth: OAuthArgs,
    #[command(flatten)]
    pub instance: InstanceArgs,
    /// Do not open a browser; only print the URL.
    #[arg(long)]
    pub no_browser: bool,
    /// How long to wait for the callback, in seconds (at most a day).
    #[arg(long, value_name = "SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: u64,
    #[command(flatten)]
    pub platform: PlatformArgs,
}

/// Options of `verify-webhook`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The Elements-Webhook-Signature header value (sha256=<base64> or bare base64).
    #[arg(long, value_name = "VALUE")]
    pub signature: String,
    /// The raw body; default standard input.
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// Read the signature key from FILE instead of ELEMENTS_SIGNATURE_KEY;
    /// repeat it during a key rotation (any one key matching is enough).
    #[arg(long, value_name = "FILE")]
    pub signature_key_file: Vec<PathBuf>,
}

/// Options of `trigger`.
#[derive(Args, Debug)]
pub struct TriggerArgs {
    /// The instance the event is about (it must have events enabled).
    #[arg(long, value_name = "ID")]
    pub instance: i64,
    /// The kind of object; for a polling instance with a poller configuration, one of its resources.
    #[arg(long, value_name = "TYPE")]
    pub object_type: String,
    /// CREATED, UPDATED or DELETED.
    #[arg(long, value_name = "TYPE", default_value = "UPDATED")]
    pub event_type: String,
    /// The vendor's id of the object (default: a random one).
    #[arg(long, value_name = "ID")]
    pub object_id: Option<String>,
    /// Wait until the event is delivered or its delivery failed, and print how it went.
    #[arg(long)]
    pub wait: bool,
    /// With --wait, how long to wait, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400), requires = "wait")]
    pub timeout: u64,
    #[command(flatten)]
    pub platform: PlatformArgs,
}
