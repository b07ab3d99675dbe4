//! JSON values between Python and Rust, through the standard `json` module
//! (so Python sees exactly the types `json.loads` produces).

use pyo3::prelude::*;
use serde_json::Value;

/// A JSON value as Python objects (dict, list, str, int, float, bool, None).
pub(crate) fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?
        .call_method1("loads", (value.to_string(),))
}

/// A Python object as a JSON value; `field` names the argument in errors.
pub(crate) fn from_py(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    let py = obj.py();
    let text: String = py
        .import("json")?
        .call_method1("dumps", (obj,))
        .map_err(|e| crate::errors::invalid(py, field, &format!("is not JSON-serialisable ({e})")))?
        .extract()?;
    serde_json::from_str(&text)
        .map_err(|e| crate::errors::invalid(py, field, &format!("is not valid JSON ({e})")))
}
