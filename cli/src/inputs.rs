//! Turning flags, environment variables and files into core requests.

use crate::args::{AppArgs, InstanceArgs, OAuthArgs, PlatformArgs};
use crate::error::{CliError, CliResult};
use elements_auth::{
    Binding, Client, ClientOptions, CreateInstanceRequest, EventVendorType, Events,
    OAuthUrlRequest, Secret,
};
use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

/// clap value parser for `KEY=VALUE` flags (the value may be empty or contain `=`).
pub fn key_value(raw: &str) -> Result<(String, String), String> {
    match raw.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {raw:?}")),
    }
}

/// A non-empty environment variable.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Reads a whole file (`-` = standard input) as text.
pub fn read_text(path: &Path, what: &str) -> CliResult<String> {
    let mut text = String::new();
    if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            CliError::Input(format!("cannot read the {what} from standard input: {e}"))
        })?;
    } else {
        text = std::fs::read_to_string(path).map_err(|e| {
            CliError::Input(format!(
                "cannot read the {what} from {}: {e}",
                path.display()
            ))
        })?;
    }
    Ok(text)
}

/// Reads a secret from its file flag, else its environment variable.
///
/// The message names both places, and never the value.
pub fn secret(
    what: &str,
    env_name: &str,
    file_flag: &str,
    file: Option<&Path>,
) -> CliResult<Secret> {
    if let Some(path) = file {
        let text = read_text(path, what)?;
        let value = text.trim_end_matches(['\r', '\n']).to_owned();
        if value.trim().is_empty() {
            return Err(CliError::Input(format!(
                "the {what} file {} is empty",
                path.display()
            )));
        }
        return Ok(Secret::new(value));
    }
    env(env_name).map(Secret::new).ok_or_else(|| {
        CliError::Input(format!(
            "missing the {what}: set {env_name} or pass {file_flag} FILE"
        ))
    })
}

/// An optional secret: the file flag, else the environment variable, else none.
pub fn optional_secret(
    what: &str,
    env_name: &str,
    file_flag: &str,
    file: Option<&Path>,
) -> CliResult<Option<Secret>> {
    if file.is_none() && env(env_name).is_none() {
        return Ok(None);
    }
    secret(what, env_name, file_flag, file).map(Some)
}

/// The platform client from flags and `ELEMENTS_*` variables (core's
/// `ClientOptions::from_env`, with the flags and secret files on top), and
/// the user and organization secrets it was given (to scrub them from any
/// output).
///
/// `needs_secrets` is true for calls that need the user and organization
/// secrets; a missing one is then named before anything is sent.
pub fn client(args: &PlatformArgs, needs_secrets: bool) -> CliResult<(Client, Vec<Secret>)> {
    let mut flags = ClientOptions::default();
    flags.base_url = args.base_url.clone();
    flags.environment = args.environment.clone();
    flags.timeout = Some(Duration::from_secs(args.request_timeout));
    flags.ca_file = args.ca_file.clone();
    flags.proxy = args.proxy.clone();
    flags.binding = Some(Binding::new("cli", None));
    let user = ("user secret", "ELEMENTS_USER_SECRET", "--user-secret-file");
    let org = (
        "organization secret",
        "ELEMENTS_ORGANIZATION_SECRET",
        "--organization-secret-file",
    );
    let mut secrets = Vec::new();
    for ((what, env_name, flag), file, slot) in [
        (user, &args.user_secret_file, &mut flags.user_secret),
        (
            org,
            &args.organization_secret_file,
            &mut flags.organization_secret,
        ),
    ] {
        let value = if needs_secrets {
            Some(secret(what, env_name, flag, file.as_deref())?)
        } else {
            optional_secret(what, env_name, flag, file.as_deref())?
        };
        secrets.extend(value.clone());
        *slot = value;
    }
    let client = ClientOptions::from_env().merge(flags).build()?;
    Ok((client, secrets))
}

/// The api key (flag, else `ELEMENTS_API_KEY`) and api secret (file, else `ELEMENTS_API_SECRET`).
pub fn app_credentials(app: &AppArgs) -> CliResult<(String, Secret)> {
    let api_key = app
        .api_key
        .clone()
        .filter(|k| !k.is_empty())
        .or_else(|| env("ELEMENTS_API_KEY"))
        .ok_or_else(|| {
            CliError::Input("missing the api key: pass --api-key or set ELEMENTS_API_KEY".into())
        })?;
    let api_secret = secret(
        "api secret",
        "ELEMENTS_API_SECRET",
        "--api-secret-file",
        app.api_secret_file.as_deref(),
    )?;
    Ok((api_key, api_secret))
}

/// The step-1 request.
pub fn oauth_request(
    app: &AppArgs,
    oauth: &OAuthArgs,
    callback_url: &str,
    state: Option<&str>,
) -> CliResult<OAuthUrlRequest> {
    let (api_key, api_secret) = app_credentials(app)?;
    let mut request = OAuthUrlRequest::new(&app.element, api_key, api_secret, callback_url);
    request.site_address = oauth.site_address.clone();
    request.scope = oauth.scope.clone();
    request.state = state.map(str::to_owned);
    request.params = oauth.params.clone();
    Ok(request)
}

/// The step-3 request.
pub fn create_request(
    app: &AppArgs,
    instance: &InstanceArgs,
    callback_url: &str,
    code: Secret,
) -> CliResult<CreateInstanceRequest> {
    let (api_key, api_secret) = app_credentials(app)?;
    let mut request = CreateInstanceRequest::new(
        &app.element,
        code,
        &instance.name,
        api_key,
        api_secret,
        callback_url,
    );
    request.tags = instance.tags.clone();
    request.configuration = instance.configuration.clone();
    if instance.keep_nulls {
        request.filter_response_nulls = Some(false);
    }
    request.events = events(instance)?;
    Ok(request)
}

/// The event configuration; `None` unless `--events-callback-url` is given.
fn events(instance: &InstanceArgs) -> CliResult<Option<Events>> {
    let Some(callback) = &instance.events_callback_url else {
        for (flag, given) in [
            ("--poll-interval", instance.poll_interval.is_some()),
            ("--poller-config", instance.poller_config.is_some()),
            (
                "--signature-key-file",
                instance.signature_key_file.is_some(),
            ),
            ("--events-type", instance.events_type.is_some()),
        ] {
            if given {
                return Err(CliError::Input(format!(
                    "{flag} configures events: pass --events-callback-url too"
                )));
            }
        }
        return Ok(None);
    };
    let vendor_type: EventVendorType = instance
        .events_type
        .as_deref()
        .unwrap_or("polling")
        .parse()?;
    let mut events = Events::new(vendor_type, callback);
    events.refresh_interval = instance.poll_interval;
    if let Some(path) = &instance.poller_config {
        let text = read_text(path, "poller configuration")?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            CliError::Input(format!(
                "invalid --poller-config: {} is not JSON ({e})",
                path.display()
            ))
        })?;
        events.poller_configuration = Some(value);
    }
    events.signature_key = optional_secret(
        "signature key",
        "ELEMENTS_SIGNATURE_KEY",
        "--signature-key-file",
        instance.signature_key_file.as_deref(),
    )?;
    Ok(Some(events))
}

/// Warns (one line on stderr) about settings that are ignored: an
/// `ELEMENTS_SIGNATURE_KEY` in the environment (which `verify-webhook` also
/// reads, so it may be exported for good) when no events are configured.
/// The value is never printed.
pub fn warn_ignored(instance: &InstanceArgs) {
    if instance.events_callback_url.is_none()
        && instance.signature_key_file.is_none()
        && env("ELEMENTS_SIGNATURE_KEY").is_some()
    {
        eprintln!(
            "warning: ELEMENTS_SIGNATURE_KEY is ignored because no events are configured (pass --events-callback-url to enable them)"
        );
    }
}

/// The code from `--code VALUE`, `--code -` (stdin) or `--code-file FILE`.
pub fn code(flag: Option<&str>, file: Option<&Path>) -> CliResult<Secret> {
    let text = match (flag, file) {
        (Some("-"), _) => read_text(Path::new("-"), "code")?,
        (Some(value), _) => value.to_owned(),
        (None, Some(path)) => read_text(path, "code")?,
        (None, None) => {
            return Err(CliError::Input(
                "missing the code: pass --code, --code - (stdin) or --code-file FILE".into(),
            ))
        }
    };
    let value = text.trim();
    if value.is_empty() {
        return Err(CliError::Input("invalid code: must not be empty".into()));
    }
    Ok(Secret::new(value))
}
