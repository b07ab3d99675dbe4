//! Core errors to the Python exception classes of `elements_auth._errors`.

use elements_auth::Error;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The Python exception for a core error: one class per kind, fields as attributes.
pub(crate) fn to_py(py: Python<'_>, err: Error) -> PyErr {
    build(py, &err).unwrap_or_else(|e| e)
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let kw = PyDict::new(py);
    let class = match err {
        Error::InvalidInput { field, reason } => {
            kw.set_item("field", field)?;
            kw.set_item("reason", reason)?;
            "InvalidInputError"
        }
        Error::Api {
            status,
            message,
            request_id,
            provider_message,
        } => {
            kw.set_item("status", status)?;
            kw.set_item("message", message)?;
            kw.set_item("request_id", request_id)?;
            kw.set_item("provider_message", provider_message)?;
            "ApiError"
        }
        Error::Transport {
            message,
            may_have_reached_server,
        } => {
            kw.set_item("message", message)?;
            kw.set_item("may_have_reached_server", may_have_reached_server)?;
            "TransportError"
        }
        Error::Timeout {
            message,
            may_have_reached_server,
        } => {
            kw.set_item("message", message)?;
            kw.set_item("may_have_reached_server", may_have_reached_server)?;
            "RequestTimeoutError"
        }
        Error::Decode { message } => {
            kw.set_item("message", message)?;
            "DecodeError"
        }
        Error::AuthorizationDenied {
            error,
            description,
            uri,
        } => {
            kw.set_item("error", error)?;
            kw.set_item("description", description)?;
            kw.set_item("uri", uri)?;
            "AuthorizationDeniedError"
        }
        Error::StateMismatch { message } => {
            kw.set_item("message", message)?;
            "StateMismatchError"
        }
        Error::InvalidCallback { message } => {
            kw.set_item("message", message)?;
            "InvalidCallbackError"
        }
        Error::InvalidSignature { message } => {
            kw.set_item("message", message)?;
            "InvalidSignatureError"
        }
        // A kind added to the core later still reaches Python as the root class.
        _ => "ElementsAuthError",
    };
    raise(py, class, (err.to_string(),), Some(&kw))
}

/// An `elements_auth.SandboxError` with this message.
pub(crate) fn sandbox(py: Python<'_>, err: elements_auth_sandbox::SandboxError) -> PyErr {
    raise(py, "SandboxError", (err.message().to_owned(),), None).unwrap_or_else(|e| e)
}

/// An `InvalidInputError` naming `field`, for arguments the binding itself converts.
pub(crate) fn invalid(py: Python<'_>, field: &str, reason: &str) -> PyErr {
    to_py(
        py,
        Error::InvalidInput {
            field: field.to_owned(),
            reason: reason.to_owned(),
        },
    )
}

fn raise(
    py: Python<'_>,
    class: &str,
    args: (String,),
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<PyErr> {
    let module = py.import("elements_auth._errors")?;
    let value = module.getattr(class)?.call(args, kwargs)?;
    Ok(PyErr::from_value(value))
}
