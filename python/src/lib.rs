//! Python binding of elements-auth: the extension module `elements_auth._native`.
//!
//! Conversion code only: every behaviour lives in the `elements-auth` core and
//! the `elements-auth-sandbox` crate. The pure-Python package `elements_auth`
//! (in `python/elements_auth/`) re-exports what this module defines, and owns
//! the exception classes (`_errors.py`) this module raises.

use pyo3::prelude::*;
use pyo3::types::PyTuple;

mod client;
mod errors;
mod events;
mod json;
mod sandbox;
mod state;
mod types;

/// The native half of `elements_auth`; import from `elements_auth` instead.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", elements_auth::VERSION)?;
    m.add("SIGNATURE_HEADER", elements_auth::SIGNATURE_HEADER)?;
    m.add(
        "ERROR_KINDS",
        elements_auth::ErrorKind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>(),
    )?;
    // The attributes every exception carries, named once in the core.
    m.add(
        "ERROR_FIELDS",
        PyTuple::new(m.py(), elements_auth::ErrorDetails::FIELD_NAMES)?,
    )?;
    m.add_class::<client::Client>()?;
    m.add_class::<types::OAuthUrl>()?;
    m.add_class::<types::Grant>()?;
    m.add_class::<types::Events>()?;
    m.add_class::<types::Instance>()?;
    m.add_class::<sandbox::Sandbox>()?;
    m.add_function(wrap_pyfunction!(types::parse_callback, m)?)?;
    m.add_function(wrap_pyfunction!(types::verify_webhook_signature, m)?)?;
    m.add_function(wrap_pyfunction!(types::sign_webhook, m)?)?;
    // Events: parsed notifications and the sandbox's delivery records.
    m.add_class::<events::EventNotification>()?;
    m.add_class::<events::NotificationEvent>()?;
    m.add_class::<events::Delivery>()?;
    m.add_function(wrap_pyfunction!(events::parse_event_notification, m)?)?;
    // Signed state for web services (issue 12).
    m.add_class::<state::StateSigner>()?;
    m.add_class::<state::StateClaims>()?;
    Ok(())
}
