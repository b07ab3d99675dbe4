//! One function per subcommand.

use crate::args::{CreateArgs, LoginArgs, SandboxArgs, UrlArgs, VerifyArgs};
use crate::error::{CliError, CliResult};
use crate::login::{self, CallbackListener, WaitOptions};
use crate::{browser, inputs, output};
use elements_auth::{verify_webhook_signature, CreateInstanceRequest, Secret};
use elements_auth_sandbox::{Sandbox, SandboxOptions};
use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Installs the Ctrl-C handler once and returns its flag.
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let setter = Arc::clone(&flag);
    // Fails only if a handler is already installed, which this process never does twice.
    let _ = ctrlc::set_handler(move || setter.store(true, Ordering::SeqCst));
    flag
}

/// Keeps this process to one malloc arena. The sandbox serves each
/// connection on its own short-lived thread, and glibc gives threads arenas
/// of their own (up to 8 per core) whose freed memory fragments: without
/// this a sandbox serving millions of requests grows its RSS step by step
/// (17 MB to 21 MB over 4.4M requests), with it the RSS stays flat, for a
/// throughput within a few percent.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before the
    // sandbox starts its threads.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// `elements-auth sandbox`: serve until Ctrl-C.
pub fn sandbox(args: &SandboxArgs, json: bool) -> CliResult<()> {
    one_malloc_arena();
    let manual_consent = args.manual_consent;
    let interrupted = interrupt_flag();
    let sandbox = Sandbox::start(SandboxOptions {
        port: args.port,
        auto_consent: !manual_consent,
        max_connections: args.max_connections as usize,
        read_timeout: Duration::from_secs(args.read_timeout),
        request_log_limit: args.request_log_limit as usize,
        event_retry_delay: args.event_retry_delay,
        ..SandboxOptions::default()
    })
    .map_err(|e| CliError::Input(format!("cannot start the sandbox: {e}")))?;
    let mut out = std::io::stdout().lock();
    let written = if json {
        writeln!(out, "{}", sandbox_json(&sandbox))
    } else {
        writeln!(
            out,
            "# elements-auth sandbox on 127.0.0.1:{} ({} consent); Ctrl-C stops it.\n\
             # These secrets are the sandbox's own, not real credentials.\n\
             # Deliver an event: elements-auth trigger --instance ID --object-type TYPE [--wait]\n\
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

/// What `sandbox --json` prints: where the sandbox is and its own secrets.
pub fn sandbox_json(sandbox: &Sandbox) -> serde_json::Value {
    serde_json::json!({
        "base_url": sandbox.base_url(),
        "port": sandbox.port(),
        "user_secret": sandbox.user_secret(),
        "organization_secret": sandbox.organization_secret(),
        "auto_consent": sandbox.auto_consent(),
    })
}

/// `elements-auth url`: step 1.
pub fn url(args: &UrlArgs, json: bool) -> CliResult<()> {
    let request = inputs::oauth_request(
        &args.app,
        &args.oauth,
        &args.callback_url,
        args.state.as_deref(),
    )?;
    let (client, _) = inputs::client(&args.platform, false)?;
    let url = client.oauth_url(&request)?;
    if json {
        println!("{}", output::oauth_url_json(&url));
    } else {
        println!("oauth_url  {}", elements_auth::printable(&url.oauth_url));
        println!("state      {}", elements_auth::printable(&url.state));
    }
    Ok(())
}

/// `elements-auth create`: step 3.
pub fn create(args: &CreateArgs, json: bool) -> CliResult<()> {
    let code = inputs::code(args.code.as_deref(), args.code_file.as_deref())?;
    let request = inputs::create_request(&args.app, &args.instance, &args.callback_url, code)?;
    inputs::warn_ignored(&args.instance);
    let (client, platform_secrets) = inputs::client(&args.platform, true)?;
    let instance = client.create_instance(&request)?;
    print_instance(&instance, &request, &platform_secrets, json);
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
pub fn login(args: &LoginArgs, json: bool) -> CliResult<()> {
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
        elements_auth::printable(&url.oauth_url)
    );
    if !args.no_browser {
        match browser::open(&url.oauth_url) {
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
    print_instance(&instance, &request, &platform_secrets, json);
    Ok(())
}

/// `elements-auth verify-webhook`.
pub fn verify_webhook(args: &VerifyArgs, json: bool) -> CliResult<()> {
    // One key from the environment or a file, or one per file (a rotation).
    let files: Vec<Option<&Path>> = if args.signature_key_file.is_empty() {
        vec![None]
    } else {
        args.signature_key_file
            .iter()
            .map(|p| Some(p.as_path()))
            .collect()
    };
    let keys = files
        .into_iter()
        .map(|file| {
            inputs::secret(
                "signature key",
                "ELEMENTS_SIGNATURE_KEY",
                "--signature-key-file",
                file,
            )
        })
        .collect::<CliResult<Vec<Secret>>>()?;
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
    match keys.as_slice() {
        [key] => verify_webhook_signature(key, &body, &args.signature)?,
        several => {
            let several: Vec<&str> = several.iter().map(Secret::expose).collect();
            verify_webhook_signature(&several, &body, &args.signature)?
        }
    }
    if json {
        println!("{}", serde_json::json!({ "valid": true }));
    } else {
        println!("valid: the signature matches the body");
    }
    Ok(())
}
