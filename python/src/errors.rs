//! Core errors to the Python exception classes of `elements_auth._errors`.
//!
//! The class is picked by the error's kind; its attributes are every detail
//! of [`elements_auth::ErrorDetails`], passed as keyword arguments by
//! iterating `fields()`, so a detail added to the core reaches Python as is.

use elements_auth::{DetailValue, Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

/// The classes of `elements_auth._errors`, imported once and cached by pyo3.
mod classes {
    pyo3::import_exception!(elements_auth._errors, ElementsAuthError);
    pyo3::import_exception!(elements_auth._errors, InvalidInputError);
    pyo3::import_exception!(elements_auth._errors, ApiError);
    pyo3::import_exception!(elements_auth._errors, TransportError);
    pyo3::import_exception!(elements_auth._errors, RequestTimeoutError);
    pyo3::import_exception!(elements_auth._errors, DecodeError);
    pyo3::import_exception!(elements_auth._errors, AuthorizationDeniedError);
    pyo3::import_exception!(elements_auth._errors, StateMismatchError);
    pyo3::import_exception!(elements_auth._errors, InvalidCallbackError);
    pyo3::import_exception!(elements_auth._errors, InvalidSignatureError);
    pyo3::import_exception!(elements_auth._errors, SandboxError);
}

/// The Python class of errors of `kind`.
fn class_of(py: Python<'_>, kind: ErrorKind) -> Bound<'_, PyType> {
    use classes::*;
    match kind {
        ErrorKind::InvalidInput => py.get_type::<InvalidInputError>(),
        ErrorKind::Api => py.get_type::<ApiError>(),
        ErrorKind::Transport => py.get_type::<TransportError>(),
        ErrorKind::Timeout => py.get_type::<RequestTimeoutError>(),
        ErrorKind::Decode => py.get_type::<DecodeError>(),
        ErrorKind::AuthorizationDenied => py.get_type::<AuthorizationDeniedError>(),
        ErrorKind::StateMismatch => py.get_type::<StateMismatchError>(),
        ErrorKind::InvalidCallback => py.get_type::<InvalidCallbackError>(),
        ErrorKind::InvalidSignature => py.get_type::<InvalidSignatureError>(),
        // A kind added to the core later still reaches Python, as the root class.
        _ => py.get_type::<ElementsAuthError>(),
    }
}

/// The Python exception for a core error: its kind's class, `str()` the
/// whole text, every detail that applies as a keyword argument.
pub(crate) fn to_py(py: Python<'_>, err: Error) -> PyErr {
    build(py, &err).unwrap_or_else(|e| e)
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let kwargs = PyDict::new(py);
    for (name, value) in err.details().fields() {
        match value {
            DetailValue::Text(text) => kwargs.set_item(name, text)?,
            DetailValue::Number(number) => kwargs.set_item(name, number)?,
            DetailValue::Bool(flag) => kwargs.set_item(name, flag)?,
            // Left out: the Python constructor sets every missing detail to None.
            DetailValue::Null => {}
        }
    }
    let value = class_of(py, err.kind()).call((err.to_string(),), Some(&kwargs))?;
    Ok(PyErr::from_value(value))
}

/// An `elements_auth.SandboxError` with the sandbox's message;
/// `field` names the argument at fault, when the sandbox says which.
pub(crate) fn sandbox(py: Python<'_>, err: elements_auth_sandbox::SandboxError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        if let Some(field) = err.field() {
            kwargs.set_item("field", field)?;
        }
        let value = py
            .get_type::<classes::SandboxError>()
            .call((err.message(),), Some(&kwargs))?;
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|e| e)
}

/// An `InvalidInputError` naming `field`, for arguments the binding itself converts.
pub(crate) fn invalid(py: Python<'_>, field: &str, reason: &str) -> PyErr {
    to_py(py, Error::invalid_input(field, reason))
}
