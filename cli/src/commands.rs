//! One function per subcommand.

use crate::error::{CliError, CliResult};
use crate::login::{self, CallbackListener, WaitOptions};
use crate::output::{self, mask_query, MASK};
use crate::{inputs, CreateArgs, LoginArgs, UrlArgs, VerifyArgs};
use elements_auth::{
    verify_webhook_signature, Client, CreateInstanceRequest, Events, OAuthUrlRequest, Secret,
};
use elements_auth_sandbox::{Sandbox, SandboxOptions};
use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Secrets the demo uses; none of them may appear in its output.
pub const DEMO_USER_SECRET: &str = "demo-user-secret-4f1c9a";
/// The demo's organization secret.
pub const DEMO_ORGANIZATION_SECRET: &str = "demo-organization-secret-77d2e0";
/// The demo app's client secret at the (sandbox) vendor.
pub const DEMO_API_SECRET: &str = "demo-concur-api-secret-b81f3d";
/// The demo's event signature key.
pub const DEMO_SIGNATURE_KEY: &str = "demo-signature-key-90ae4c";

/// Installs the Ctrl-C handler once and returns its flag.
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let setter = Arc::clone(&flag);
    // Fails only if a handler is already installed, which this process never does twice.
    let _ = ctrlc::set_handler(move || setter.store(true, Ordering::SeqCst));
    flag
}

/// `elements-auth demo`: the Concur flow against an embedded sandbox.
pub fn demo(json: bool) -> CliResult<()> {
    let sandbox = Sandbox::start(SandboxOptions {
        user_secret: Some(DEMO_USER_SECRET.into()),
        organization_secret: Some(DEMO_ORGANIZATION_SECRET.into()),
        ..SandboxOptions::default()
    })
    .map_err(|e| CliError::Input(format!("cannot start the sandbox: {e}")))?;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .user_secret(sandbox.user_secret())
        .organization_secret(sandbox.organization_secret())
        .timeout(Duration::from_secs(10))
        .user_agent("cli-demo")
        .build()?;
    let listener = CallbackListener::bind(None)?;
    let callback_url = listener.callback_url().to_owned();
    let say = |line: String| {
        if !json {
            println!("{line}");
        }
    };
    say(
        "elements-auth demo: the Concur OAuth flow against an embedded sandbox, over real HTTP\n"
            .into(),
    );
    say(format!("sandbox        {}", sandbox.base_url()));
    say(format!(
        "               user secret {MASK}, organization secret {MASK}"
    ));
    say(format!(
        "callback       {callback_url} (loopback listener)\n"
    ));

    let site = "https://www.concursolutions.com";
    let api_key = "demo-concur-app";
    let request =
        OAuthUrlRequest::new("concur", api_key, DEMO_API_SECRET, &callback_url).site_address(site);
    let url = client.oauth_url(&request)?;
    say("1. Redirect URL   GET /elements/concur/oauth/url".into());
    say(format!("   apiKey         {api_key}, apiSecret {MASK}"));
    say(format!("   siteAddress    {site}"));
    say(format!("   state          {} (random)", url.state));
    say(format!("   oauthUrl       {}", url.oauth_url));

    // The "browser": follows the consent page's redirect to our listener.
    let (landed_tx, landed_rx) = mpsc::channel();
    let oauth_url = url.oauth_url.clone();
    let browser = std::thread::spawn(move || browse(&oauth_url, &landed_tx));

    let poller = serde_json::json!({
        "reports": {
            "url": "/hubs/expense/reports?where=lastModifiedDate>='${gmtDate:yyyy-MM-dd'T'HH:mm:ss}'",
            "idField": "ID",
            "datesConfiguration": {
                "updatedDateField": "LastModifiedDate",
                "updatedDateFormat": "yyyy-MM-dd'T'HH:mm:ss",
                "createdDateField": "LastModifiedDate",
                "createdDateFormat": "yyyy-MM-dd'T'HH:mm:ss"
            }
        }
    });
    let events_url = "https://app.example.com/concur/events";
    let options = WaitOptions {
        timeout: Duration::from_secs(20),
        read_stdin: false,
        interrupted: Arc::new(AtomicBool::new(false)),
    };
    let (instance, code) = login::wait(listener, &url.state, &options, |grant| {
        let landed: String = landed_rx
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_default();
        say("2. Consent        the browser opens oauthUrl; the vendor page answers for the user (Allow)".into());
        say(format!(
            "   redirect       302 -> {}",
            mask_query(&landed, &["code"])
        ));
        say(format!(
            "3. Callback       parsed on the listener: code {MASK}, state matches"
        ));
        let code = grant.code.clone();
        let request = CreateInstanceRequest::new(
            "concur",
            grant.code,
            "Concur (demo)",
            api_key,
            DEMO_API_SECRET,
            &callback_url,
        )
        .tag("demo")
        .events(
            Events::polling(events_url)
                .refresh_interval(15)
                .signature_key(DEMO_SIGNATURE_KEY)
                .poller_configuration(poller.clone()),
        );
        let instance = client.create_instance(&request)?;
        say("4. Instance       POST /instances".into());
        say(format!("   events         polling every 15 min -> {events_url}, signature key {MASK}, poller: reports"));
        say(format!(
            "   created        id {} \"{}\" ({}), tags {}",
            instance.id,
            instance.name,
            instance.element_key,
            instance.tags.join(", ")
        ));
        let message = format!(
            "elements-auth created the instance \"{}\" ({}). You can close this tab.",
            instance.name, instance.element_key
        );
        Ok(((instance, code), message))
    })?;
    let page = browser
        .join()
        .map_err(|_| CliError::Input("the demo's browser thread panicked".into()))?
        .map_err(CliError::Input)?;
    say(format!("   browser        {page}"));
    if json {
        let secrets = [
            code.expose(),
            DEMO_API_SECRET,
            DEMO_SIGNATURE_KEY,
            DEMO_USER_SECRET,
            DEMO_ORGANIZATION_SECRET,
        ];
        println!("{}", output::instance_json(&instance, &secrets));
    } else {
        println!("\nelement token  {}", instance.token.expose());
    }
    sandbox.stop();
    Ok(())
}

/// The demo's browser: GET the consent URL, follow its redirect to the callback.
fn browse(oauth_url: &str, landed: &mpsc::Sender<String>) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(15)))
        .build()
        .into();
    let consent = agent
        .get(oauth_url)
        .call()
        .map_err(|e| format!("the consent page could not be loaded: {e}"))?;
    let location = consent
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| {
            format!(
                "the consent page answered {} without a redirect",
                consent.status()
            )
        })?;
    let _ = landed.send(location.clone());
    let page = agent
        .get(&location)
        .call()
        .map_err(|e| format!("the callback page could not be loaded: {e}"))?;
    Ok(format!(
        "{} {} (the page the user sees)",
        page.status().as_u16(),
        if page.status().is_success() {
            "success"
        } else {
            "failure"
        }
    ))
}

/// `elements-auth sandbox`: serve until Ctrl-C.
pub fn sandbox(port: u16, manual_consent: bool, json: bool) -> CliResult<()> {
    let interrupted = interrupt_flag();
    let sandbox = Sandbox::start(SandboxOptions {
        port,
        auto_consent: !manual_consent,
        ..SandboxOptions::default()
    })
    .map_err(|e| CliError::Input(format!("cannot start the sandbox: {e}")))?;
    let mut out = std::io::stdout().lock();
    let written = if json {
        writeln!(
            out,
            "{}",
            serde_json::json!({
                "base_url": sandbox.base_url(),
                "port": sandbox.port(),
                "user_secret": sandbox.user_secret(),
                "organization_secret": sandbox.organization_secret(),
                "auto_consent": sandbox.auto_consent(),
            })
        )
    } else {
        writeln!(
            out,
            "# elements-auth sandbox on 127.0.0.1:{} ({} consent); Ctrl-C stops it.\n\
             # These secrets are the sandbox's own, not real credentials.\n\
             export ELEMENTS_BASE_URL={}\n\
             export ELEMENTS_USER_SECRET={}\n\
             export ELEMENTS_ORGANIZATION_SECRET={}",
            sandbox.port(),
            if manual_consent { "manual" } else { "auto" },
            sandbox.base_url(),
            sandbox.user_secret(),
            sandbox.organization_secret(),
        )
    };
    written
        .and_then(|_| out.flush())
        .map_err(|e| CliError::Input(format!("cannot write to standard output: {e}")))?;
    drop(out);
    while !interrupted.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
    }
    sandbox.stop();
    if !json {
        eprintln!("sandbox stopped");
    }
    Ok(())
}

/// `elements-auth url`: step 1.
pub fn url(args: &UrlArgs) -> CliResult<()> {
    let request = inputs::oauth_request(
        &args.app,
        &args.oauth,
        &args.callback_url,
        args.state.as_deref(),
    )?;
    let (client, _) = inputs::client(&args.platform, false)?;
    let url = client.oauth_url(&request)?;
    if args.json {
        println!("{}", output::oauth_url_json(&url));
    } else {
        println!("oauth_url  {}", url.oauth_url);
        println!("state      {}", url.state);
    }
    Ok(())
}

/// `elements-auth create`: step 3.
pub fn create(args: &CreateArgs) -> CliResult<()> {
    let code = inputs::code(args.code.as_deref(), args.code_file.as_deref())?;
    let request = inputs::create_request(&args.app, &args.instance, &args.callback_url, code)?;
    inputs::warn_ignored(&args.instance);
    let (client, platform_secrets) = inputs::client(&args.platform, true)?;
    let instance = client.create_instance(&request)?;
    print_instance(&instance, &request, &platform_secrets, args.json);
    Ok(())
}

/// Prints the created instance, scrubbed of every secret the command knows:
/// the user and organization secrets (`platform_secrets`), the api secret,
/// the code and the signature key. The token itself is the result and is
/// printed as is.
fn print_instance(
    instance: &elements_auth::Instance,
    request: &CreateInstanceRequest,
    platform_secrets: &[Secret],
    json: bool,
) {
    let mut secrets: Vec<&str> = platform_secrets.iter().map(Secret::expose).collect();
    secrets.push(request.code.expose());
    secrets.push(request.api_secret.expose());
    if let Some(key) = request
        .events
        .as_ref()
        .and_then(|e| e.signature_key.as_ref())
    {
        secrets.push(key.expose());
    }
    let token = instance.token.expose();
    secrets.retain(|s| !s.is_empty() && *s != token);
    if json {
        println!("{}", output::instance_json(instance, &secrets));
    } else {
        print!("{}", output::instance_human(instance, &secrets));
    }
}

/// `elements-auth login`: the whole flow with a loopback listener.
pub fn login(args: &LoginArgs) -> CliResult<()> {
    let listener = CallbackListener::bind(args.callback_url.as_deref())?;
    let callback_url = listener.callback_url().to_owned();
    // Check every input before anything is sent or opened.
    let request = inputs::oauth_request(&args.app, &args.oauth, &callback_url, None)?;
    let (client, platform_secrets) = inputs::client(&args.platform, true)?;
    let placeholder = Secret::new("placeholder");
    inputs::create_request(&args.app, &args.instance, &callback_url, placeholder)?.validate()?;
    inputs::warn_ignored(&args.instance);
    let interrupted = interrupt_flag();

    let url = client.oauth_url(&request)?;
    eprintln!("Listening for the callback on {callback_url}");
    eprintln!(
        "Open this URL in your browser to sign in:\n\n  {}\n",
        url.oauth_url
    );
    if !args.no_browser {
        match login::open_browser(&url.oauth_url) {
            Ok(program) => eprintln!("(opened with {program})"),
            Err(e) => eprintln!("(could not open a browser: {e}; open the URL yourself)"),
        }
    }
    eprintln!("On a remote machine, paste the address the browser landed on here and press Enter.");
    let options = WaitOptions {
        timeout: Duration::from_secs(args.timeout),
        read_stdin: true,
        interrupted,
    };
    let (instance, request) = login::wait(listener, &url.state, &options, |grant| {
        eprintln!("Callback received, state checked; creating the instance...");
        let request = inputs::create_request(&args.app, &args.instance, &callback_url, grant.code)?;
        let instance = client.create_instance(&request)?;
        let message = format!(
            "elements-auth created the instance \"{}\" ({}). You can close this tab and return to the terminal.",
            instance.name, instance.element_key
        );
        Ok(((instance, request), message))
    })?;
    print_instance(&instance, &request, &platform_secrets, args.json);
    Ok(())
}

/// `elements-auth verify-webhook`.
pub fn verify_webhook(args: &VerifyArgs) -> CliResult<()> {
    let key = inputs::secret(
        "signature key",
        "ELEMENTS_SIGNATURE_KEY",
        "--signature-key-file",
        args.signature_key_file.as_deref(),
    )?;
    let body = match &args.body_file {
        Some(path) if path != Path::new("-") => std::fs::read(path).map_err(|e| {
            CliError::Input(format!("cannot read the body from {}: {e}", path.display()))
        })?,
        _ => {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map_err(|e| {
                CliError::Input(format!("cannot read the body from standard input: {e}"))
            })?;
            buf
        }
    };
    verify_webhook_signature(key.expose(), &body, &args.signature)?;
    if args.json {
        println!("{}", serde_json::json!({ "valid": true }));
    } else {
        println!("valid: the signature matches the body");
    }
    Ok(())
}
