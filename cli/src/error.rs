//! The CLI's error type and its exit codes.

use elements_auth::{Error, ErrorKind};
use std::fmt;

/// Exit code of the first core error kind; the others follow in `ErrorKind::ALL` order.
pub const EXIT_KIND_BASE: i32 = 10;
/// Exit code when `login` waited `--timeout` seconds without a callback.
pub const EXIT_LOGIN_TIMEOUT: i32 = 20;
/// Exit code after Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

/// The exit-code table shown in `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
   0  success
   2  usage error (unknown flag, missing argument)
  10  invalid_input: a bad flag value, a missing secret, an unreadable file, a busy port
  11  api: the platform answered with an error status
  12  transport: the platform could not be reached or the answer could not be read
  13  timeout: a request timed out (a create may still have happened: list your instances)
  14  decode: the platform's answer was not the expected JSON
  15  authorization_denied: consent was refused at the vendor
  16  state_mismatch: the callback's state is missing or differs (possible forgery)
  17  invalid_callback: the callback carries neither a code nor an error
  18  invalid_signature: a webhook signature does not match (verify-webhook)
  20  login only: no callback arrived within --timeout
 130  login and sandbox: interrupted with Ctrl-C";

/// Everything a command can fail with.
#[derive(Debug)]
pub enum CliError {
    /// An error from the core library, with its kind.
    Core(Error),
    /// A problem with the command line or the local environment (exit 10).
    Input(String),
    /// `login` got no callback in time (exit 20).
    LoginTimeout(u64),
    /// Ctrl-C (exit 130).
    Interrupted,
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Core(e) => kind_exit_code(e.kind()),
            CliError::Input(_) => kind_exit_code(ErrorKind::InvalidInput),
            CliError::LoginTimeout(_) => EXIT_LOGIN_TIMEOUT,
            CliError::Interrupted => EXIT_INTERRUPTED,
        }
    }

    /// The machine-readable kind: a core kind, or `login_timeout` / `interrupted`.
    pub fn kind(&self) -> &'static str {
        match self {
            CliError::Core(e) => e.kind().as_str(),
            CliError::Input(_) => ErrorKind::InvalidInput.as_str(),
            CliError::LoginTimeout(_) => "login_timeout",
            CliError::Interrupted => "interrupted",
        }
    }

    /// The error as one JSON object, for `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "kind": self.kind(),
            "message": self.to_string(),
            "exit_code": self.exit_code(),
        });
        if let CliError::Core(e) = self {
            let obj = v.as_object_mut().expect("a JSON object");
            if let Some(s) = e.status() {
                obj.insert("status".into(), s.into());
            }
            if let Some(id) = e.request_id() {
                obj.insert("request_id".into(), id.into());
            }
            if let Some(p) = e.provider_message() {
                obj.insert("provider_message".into(), p.into());
            }
            if let Some(f) = e.field() {
                obj.insert("field".into(), f.into());
            }
            if e.may_have_reached_server() {
                obj.insert("may_have_reached_server".into(), true.into());
            }
        }
        serde_json::json!({ "error": v })
    }
}

/// 10 + the kind's position in the shared order.
pub fn kind_exit_code(kind: ErrorKind) -> i32 {
    let index = ErrorKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(ErrorKind::ALL.len());
    EXIT_KIND_BASE + index as i32
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Core(e) => {
                write!(f, "{e}")?;
                if e.may_have_reached_server() {
                    write!(
                        f,
                        "; the instance may have been created: check with the platform before retrying with a fresh code"
                    )?;
                }
                Ok(())
            }
            CliError::Input(m) => f.write_str(m),
            CliError::LoginTimeout(secs) => write!(
                f,
                "login timed out: no callback arrived within {secs} s; no instance was created"
            ),
            CliError::Interrupted => f.write_str("interrupted; no instance was created"),
        }
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> CliError {
        CliError::Core(e)
    }
}

/// Shorthand for command results.
pub type CliResult<T> = Result<T, CliError>;
