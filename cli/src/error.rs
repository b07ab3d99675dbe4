//! The CLI's error type and its exit codes.
//!
//! One rule: a core error kind exits with 10 + its index in
//! `ErrorKind::ALL` (10 to 49 are kept for kinds, so new kinds fit); the
//! command line's own outcomes use 60 and up; 2 is a usage error and 130 an
//! interrupt, as shells expect.

use elements_auth::{DetailValue, Error, ErrorKind, Operation, Vocabulary};
use std::fmt;

/// Exit code of the first core error kind; the others follow in `ErrorKind::ALL` order.
pub const EXIT_KIND_BASE: i32 = 10;
/// The last exit code kept for core error kinds.
pub const EXIT_KIND_LAST: i32 = 49;
/// Exit code when `login` waited `--timeout` seconds without a callback.
pub const EXIT_LOGIN_TIMEOUT: i32 = 60;
/// Exit code when `trigger --wait` saw the delivery fail after every retry.
pub const EXIT_DELIVERY_FAILED: i32 = 61;
/// Exit code when `trigger --wait` gave up with the delivery still being retried.
pub const EXIT_DELIVERY_PENDING: i32 = 62;
/// Exit code after Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

/// The exit-code table shown in `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes (10 + the error kind's index, for every kind; 60 and up: the command line's own):
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
  60  login only: no callback arrived within --timeout
  61  trigger --wait: the event's delivery failed after every retry
  62  trigger --wait: the delivery was still being retried after --timeout
 130  login and sandbox: interrupted with Ctrl-C";

/// How the command line names things in messages: arguments by their core
/// names (as `--json` reports them in `field`), and calls in words, since
/// it has no command to list instances.
pub struct CliVocabulary;

impl Vocabulary for CliVocabulary {
    fn call(&self, _operation: Operation) -> Option<String> {
        None
    }
}

/// Everything a command can fail with.
#[derive(Debug)]
pub enum CliError {
    /// An error from the core library, with its kind.
    Core(Error),
    /// A problem with the command line or the local environment (exit 10).
    Input(String),
    /// `login` got no callback in time.
    LoginTimeout(u64),
    /// `trigger --wait`: the delivery of this event failed.
    DeliveryFailed(u64),
    /// `trigger --wait`: the delivery of this event was still pending after these seconds.
    DeliveryPending(u64, u64),
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
            CliError::DeliveryFailed(_) => EXIT_DELIVERY_FAILED,
            CliError::DeliveryPending(..) => EXIT_DELIVERY_PENDING,
            CliError::Interrupted => EXIT_INTERRUPTED,
        }
    }

    /// The machine-readable kind: a core kind, or `login_timeout`,
    /// `delivery_failed`, `delivery_pending` / `interrupted`.
    pub fn kind(&self) -> &'static str {
        match self {
            CliError::Core(e) => e.kind().as_str(),
            CliError::Input(_) => ErrorKind::InvalidInput.as_str(),
            CliError::LoginTimeout(_) => "login_timeout",
            CliError::DeliveryFailed(_) => "delivery_failed",
            CliError::DeliveryPending(..) => "delivery_pending",
            CliError::Interrupted => "interrupted",
        }
    }

    /// The error as one JSON object, for `--json`: `kind`, `message` (the
    /// whole text), `exit_code`, and every detail of a core error that
    /// applies, by its core name.
    pub fn to_json(&self) -> serde_json::Value {
        let mut obj = serde_json::Map::new();
        obj.insert("kind".into(), self.kind().into());
        obj.insert("message".into(), self.to_string().into());
        obj.insert("exit_code".into(), self.exit_code().into());
        if let CliError::Core(e) = self {
            for (name, value) in e.details().fields() {
                if obj.contains_key(name) {
                    continue;
                }
                let value: serde_json::Value = match value {
                    DetailValue::Text(t) => t.into(),
                    DetailValue::Number(n) => n.into(),
                    DetailValue::Bool(b) => b.into(),
                    DetailValue::Null => continue,
                };
                obj.insert(name.into(), value);
            }
        }
        serde_json::json!({ "error": obj })
    }
}

/// 10 + the kind's position in the shared order (never past the kinds' range).
pub fn kind_exit_code(kind: ErrorKind) -> i32 {
    (EXIT_KIND_BASE + kind.index() as i32).min(EXIT_KIND_LAST)
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Core(e) => f.write_str(&e.render(&CliVocabulary)),
            CliError::Input(m) => f.write_str(m),
            CliError::LoginTimeout(secs) => write!(
                f,
                "login timed out: no callback arrived within {secs} s; no instance was created"
            ),
            CliError::DeliveryFailed(id) => write!(
                f,
                "the delivery of event {id} failed: every attempt got a connection failure or a non-2xx answer"
            ),
            CliError::DeliveryPending(id, secs) => write!(
                f,
                "event {id} was still being delivered after {secs} s (see its attempts above)"
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_kinds_and_leave_room() {
        for (i, kind) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(kind_exit_code(*kind), 10 + i as i32);
        }
        assert!(kind_exit_code(ErrorKind::InvalidSignature) < EXIT_LOGIN_TIMEOUT);
        for line in EXIT_CODES_HELP.lines().skip(3).take(ErrorKind::ALL.len()) {
            let code: i32 = line.split_whitespace().next().unwrap().parse().unwrap();
            let kind = ErrorKind::ALL[(code - 10) as usize];
            assert!(line.contains(kind.as_str()), "{line}");
        }
    }

    #[test]
    fn the_json_error_carries_every_detail_once() {
        let e = CliError::Core(Error::invalid_input("callback_url", "must not be empty"));
        let v = e.to_json();
        assert_eq!(v["error"]["field"], "callback_url");
        assert_eq!(v["error"]["retryable"], false);
        assert_eq!(v["error"]["exit_code"], 10);
        assert_eq!(
            v["error"]["message"],
            "invalid callback_url: must not be empty"
        );
    }
}
