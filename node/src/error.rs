//! Failures as real JS errors, built here for sync calls and Promises alike:
//! an instance of the `ElementsAuthError` class that `index.js` registers
//! (a plain `Error` until one is), with `code`, and every detail of the
//! core's `ErrorDetails` as a camelCase own property.

use elements_auth::{DetailValue, Error, Operation, OptionKind, Vocabulary};
use napi::bindgen_prelude::{Function, FunctionRef, Null, Object};
use napi::{Env, JsValue, Status};
use std::borrow::Cow;

/// Why a call failed, carried as data from the worker thread or the argument
/// conversion to the JS thread, where [`throwable`] makes it a JS error.
#[derive(Debug)]
pub enum Failure {
    /// A core error, or an argument refused while reading it.
    Core(Error),
    /// A failure of the sandbox itself (a bad fault mode, a port in use...):
    /// code `SANDBOX`.
    Sandbox(String),
    /// A sandbox failure about one argument (`trigger_event`'s): code
    /// `SANDBOX`, with `field` in Node spelling.
    SandboxField {
        /// The argument, in the core's snake_case.
        field: String,
        /// Why it was refused.
        reason: String,
    },
}

impl From<Error> for Failure {
    fn from(err: Error) -> Failure {
        Failure::Core(err)
    }
}

impl From<elements_auth_sandbox::SandboxError> for Failure {
    fn from(err: elements_auth_sandbox::SandboxError) -> Failure {
        match err.field() {
            Some(field) => Failure::SandboxField {
                field: field.to_owned(),
                reason: err.reason().to_owned(),
            },
            None => Failure::Sandbox(err.message().to_owned()),
        }
    }
}

/// The `code` of sandbox failures, beside the core kinds in upper case.
pub(crate) const SANDBOX_CODE: &str = "SANDBOX";

/// Every `code` an error of this package can have: the core kinds in their
/// shared order, in upper case, then `SANDBOX`.
pub(crate) fn codes() -> Vec<String> {
    elements_auth::ErrorKind::ALL
        .iter()
        .map(|k| k.as_str().to_uppercase())
        .chain([SANDBOX_CODE.to_owned()])
        .collect()
}

/// `callback_url` -> `callbackUrl`, `events.refresh_interval` -> `events.refreshInterval`.
pub(crate) fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A core argument name as Node callers spell it: camelCase, and the
/// duration options of the core's schema with the `Ms` of their Node option
/// (`timeout` -> `timeoutMs`). Names already in Node spelling stay as they are.
pub(crate) fn node_field(field: &str) -> String {
    // StateSigner's lifetime is the `ttlSeconds` option in Node.
    if field == "ttl" {
        return "ttlSeconds".to_owned();
    }
    match elements_auth::option_spec(field) {
        Some(spec) if spec.kind == OptionKind::Duration => format!("{}Ms", camel(field)),
        _ => camel(field),
    }
}

/// The Node method of a platform call: `createInstance`.
pub(crate) fn node_method(operation: Operation) -> String {
    camel(operation.name())
}

/// How messages name things in Node: `timeoutMs`, `listInstances()`.
pub(crate) struct NodeVocabulary;

impl Vocabulary for NodeVocabulary {
    fn field<'a>(&self, core_name: &'a str) -> Cow<'a, str> {
        Cow::Owned(node_field(core_name))
    }

    fn call(&self, operation: Operation) -> Option<String> {
        Some(format!("{}()", node_method(operation)))
    }
}

/// One own property of a JS error.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Property {
    Text(String),
    Number(u32),
    Bool(bool),
    Null,
}

/// The message and the own properties (besides `message`) of the JS error
/// for `failure`, in order: `code`, then every detail of the core's
/// `ErrorDetails::fields()`, camelCased.
pub(crate) fn properties(failure: &Failure) -> (String, Vec<(String, Property)>) {
    match failure {
        Failure::Core(err) => {
            let code = err.kind().as_str().to_uppercase();
            let mut props = vec![("code".to_owned(), Property::Text(code))];
            for (name, value) in err.details().fields() {
                // The whole rendered text is the message (set by the constructor).
                if name == "message" {
                    continue;
                }
                let value = match value {
                    DetailValue::Text(text) => Property::Text(match name {
                        "field" => node_field(text),
                        "operation" => camel(text),
                        _ => text.to_owned(),
                    }),
                    DetailValue::Number(n) => Property::Number(u32::from(n)),
                    DetailValue::Bool(b) => Property::Bool(b),
                    DetailValue::Null => Property::Null,
                };
                props.push((camel(name), value));
            }
            (err.render(&NodeVocabulary), props)
        }
        Failure::Sandbox(message) => (message.clone(), sandbox_properties(None)),
        Failure::SandboxField { field, reason } => {
            let field = node_field(field);
            (
                format!("invalid {field}: {reason}"),
                sandbox_properties(Some(field)),
            )
        }
    }
}

/// A sandbox error's properties: the same as a core error's, each empty
/// (null, or false for flags) but `field` when one is at fault, so that
/// code may read any of them.
fn sandbox_properties(field: Option<String>) -> Vec<(String, Property)> {
    let shape = Error::invalid_input("", "");
    let mut props = vec![("code".to_owned(), Property::Text(SANDBOX_CODE.to_owned()))];
    for (name, value) in shape.details().fields() {
        let value = match (name, value) {
            ("message", _) => continue,
            ("kind", _) => Property::Text(SANDBOX_CODE.to_lowercase()),
            ("field", _) => field.clone().map_or(Property::Null, Property::Text),
            (_, DetailValue::Bool(_)) => Property::Bool(false),
            _ => Property::Null,
        };
        props.push((camel(name), value));
    }
    props
}

/// The error class registered by `index.js`, kept per JS environment.
struct ErrorClass(FunctionRef<String, ()>);

/// Makes `class` (constructed as `new class(message)`) the class of every
/// error this addon throws or rejects with, in this JS environment.
pub(crate) fn register(env: &Env, class: Function<'_, String, ()>) -> napi::Result<()> {
    env.set_instance_data(ErrorClass(class.create_ref()?), (), |_| {})
}

/// A new error object with `message`: of the registered class, or a plain
/// `Error` named `ElementsAuthError` if none is.
fn new_error<'env>(env: &'env Env, message: &str) -> napi::Result<Object<'env>> {
    if let Some(ErrorClass(class)) = env.get_instance_data::<ErrorClass>()? {
        let instance = class.borrow_back(env)?.new_instance(message.to_owned())?;
        return Ok(Object::from_raw(env.raw(), instance.raw()));
    }
    let mut error = env.create_error(napi::Error::new(Status::GenericFailure, message))?;
    error.set("name", "ElementsAuthError")?;
    Ok(error)
}

fn build<'env>(env: &'env Env, failure: &Failure) -> napi::Result<Object<'env>> {
    let (message, props) = properties(failure);
    let mut error = new_error(env, &message)?;
    for (key, value) in props {
        match value {
            Property::Text(text) => error.set(&key, text)?,
            Property::Number(n) => error.set(&key, n)?,
            Property::Bool(b) => error.set(&key, b)?,
            Property::Null => error.set(&key, Null)?,
        }
    }
    Ok(error)
}

/// `failure` as a napi error that throws (or rejects with) the JS error
/// object itself.
pub(crate) fn throwable(env: &Env, failure: Failure) -> napi::Error {
    match build(env, &failure) {
        Ok(error) => napi::Error::from(error.to_unknown()),
        // The environment cannot build objects (it is shutting down): the
        // message alone is the best left to give.
        Err(_) => napi::Error::new(Status::GenericFailure, properties(&failure).0),
    }
}

/// A sync result whose failure is thrown as the JS error.
pub(crate) fn sync<T>(env: &Env, result: Result<T, Failure>) -> napi::Result<T> {
    result.map_err(|f| throwable(env, f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(failure: &Failure) -> std::collections::BTreeMap<String, Property> {
        properties(failure).1.into_iter().collect()
    }

    #[test]
    fn camel_case_names() {
        assert_eq!(camel("events.refresh_interval"), "events.refreshInterval");
        assert_eq!(camel("tags[0]"), "tags[0]");
        assert_eq!(camel("may_have_reached_server"), "mayHaveReachedServer");
    }

    #[test]
    fn node_field_names_follow_the_core_schema_and_are_idempotent() {
        assert_eq!(node_field("timeout"), "timeoutMs");
        assert_eq!(node_field("retry_base_delay"), "retryBaseDelayMs");
        assert_eq!(node_field("response_limit"), "responseLimit");
        assert_eq!(node_field("id"), "id");
        assert_eq!(node_field("configuration[2]"), "configuration[2]");
        // Names the binding writes itself are already in Node spelling.
        for spec in &elements_auth::CLIENT_OPTIONS {
            let node = node_field(spec.name);
            assert_eq!(node_field(&node), node, "{}", spec.name);
        }
    }

    #[test]
    fn core_errors_render_in_node_words_with_every_detail() {
        let mut options = elements_auth::ClientOptions::default();
        options.timeout = Some(std::time::Duration::ZERO);
        let err = options.build().expect_err("a zero timeout is refused");
        let failure = Failure::from(err);
        let (message, list) = properties(&failure);
        assert!(message.starts_with("invalid timeoutMs: "), "{message}");
        let names: Vec<&str> = list.iter().map(|(k, _)| k.as_str()).collect();
        let mut expected = vec!["code".to_owned()];
        expected.extend(
            elements_auth::ErrorDetails::FIELD_NAMES
                .iter()
                .filter(|n| **n != "message")
                .map(|n| camel(n)),
        );
        assert_eq!(names, expected);
        let p = props(&failure);
        assert_eq!(p["code"], Property::Text("INVALID_INPUT".into()));
        assert_eq!(p["kind"], Property::Text("invalid_input".into()));
        assert_eq!(p["field"], Property::Text("timeoutMs".into()));
        assert_eq!(p["status"], Property::Null);
        assert_eq!(p["retryable"], Property::Bool(false));
    }

    #[test]
    fn sandbox_failures_have_the_same_properties_empty() {
        let core = props(&Failure::from(Error::invalid_input("x", "y")));
        let failure = Failure::Sandbox("port 1 is in use".into());
        let (message, _) = properties(&failure);
        let p = props(&failure);
        assert_eq!(message, "port 1 is in use");
        assert_eq!(
            p.keys().collect::<Vec<_>>(),
            core.keys().collect::<Vec<_>>()
        );
        assert_eq!(p["code"], Property::Text("SANDBOX".into()));
        assert_eq!(p["kind"], Property::Text("sandbox".into()));
        assert_eq!(p["mayHaveReachedServer"], Property::Bool(false));
        assert_eq!(p["retryable"], Property::Bool(false));
        assert_eq!(p["field"], Property::Null);
    }

    #[test]
    fn a_sandbox_failure_about_an_argument_names_it_in_node_spelling() {
        let failure = Failure::SandboxField {
            field: "instance_id".into(),
            reason: "no instance 7 in this sandbox".into(),
        };
        let (message, _) = properties(&failure);
        assert_eq!(message, "invalid instanceId: no instance 7 in this sandbox");
        let p = props(&failure);
        assert_eq!(p["code"], Property::Text("SANDBOX".into()));
        assert_eq!(p["field"], Property::Text("instanceId".into()));
        assert_eq!(
            p.keys().collect::<Vec<_>>(),
            props(&Failure::Sandbox("x".into()))
                .keys()
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn codes_are_the_core_kinds_then_sandbox() {
        let codes = codes();
        assert_eq!(codes.first().map(String::as_str), Some("INVALID_INPUT"));
        assert_eq!(codes.last().map(String::as_str), Some("SANDBOX"));
        assert_eq!(codes.len(), elements_auth::ErrorKind::ALL.len() + 1);
    }

    #[test]
    fn calls_are_named_as_node_methods() {
        assert_eq!(
            NodeVocabulary.call(Operation::ListInstances).as_deref(),
            Some("listInstances()")
        );
        assert_eq!(node_method(Operation::OAuthUrl), "oauthUrl");
    }
}
