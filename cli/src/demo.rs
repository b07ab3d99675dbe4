//! `elements-auth demo`: the whole Concur flow against an embedded sandbox,
//! over real HTTP, each step printed with its secrets masked.

use crate::error::{CliError, CliResult};
use crate::login::{self, CallbackListener, WaitOptions};
use crate::output::{self, mask_query, MASK};
use elements_auth::{Binding, Client, CreateInstanceRequest, Events, OAuthUrlRequest};
use elements_auth_sandbox::{Sandbox, SandboxOptions};
use std::sync::atomic::AtomicBool;
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
        .binding(Binding::new("cli", None))
        .user_agent("demo")
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
