//! Result classes (`OAuthUrl`, `Grant`, `Instance`), `Events`, and the
//! module-level functions that need no client.

use crate::errors;
use elements_auth::Secret;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use pyo3::IntoPyObjectExt;

/// Where to send the user (step 1), and the state to expect back.
///
/// Returned by ``Client.oauth_url``; pass ``state`` to ``parse_callback``.
#[pyclass(frozen, eq, module = "elements_auth")]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct OAuthUrl {
    /// The element key the platform answered for, such as ``"concur"``.
    #[pyo3(get)]
    element: String,
    /// The vendor's consent page URL; open it in the user's browser.
    #[pyo3(get)]
    oauth_url: String,
    /// The state carried in that URL; pass it to ``parse_callback``.
    #[pyo3(get)]
    state: String,
}

impl From<elements_auth::OAuthUrl> for OAuthUrl {
    fn from(u: elements_auth::OAuthUrl) -> Self {
        OAuthUrl {
            element: u.element,
            oauth_url: u.oauth_url,
            state: u.state,
        }
    }
}

#[pymethods]
impl OAuthUrl {
    /// A result as ``Client.oauth_url`` returns it (for tests of your own code).
    #[new]
    #[pyo3(signature = (element, oauth_url, state))]
    fn new(element: String, oauth_url: String, state: String) -> Self {
        OAuthUrl {
            element,
            oauth_url,
            state,
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "OAuthUrl(element={}, oauth_url={}, state={})",
            repr(py, &self.element)?,
            repr(py, &self.oauth_url)?,
            repr(py, &self.state)?
        ))
    }

    fn __str__(&self) -> String {
        self.oauth_url.clone()
    }
}

/// The authorization code from the callback (step 2), with its state.
///
/// Pass it (or its ``code``) to ``Client.create_instance``; the code is
/// single-use and never shown by ``repr``.
#[pyclass(frozen, eq, module = "elements_auth")]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Grant {
    pub(crate) code: Secret,
    /// The state the vendor sent back (equal to the expected one).
    #[pyo3(get)]
    state: String,
}

#[pymethods]
impl Grant {
    /// A grant from a code and state you already hold.
    #[new]
    #[pyo3(signature = (code, state))]
    fn new(code: String, state: String) -> Self {
        Grant {
            code: Secret::new(code),
            state,
        }
    }

    /// The single-use authorization code for ``Client.create_instance``.
    #[getter]
    fn code(&self) -> &str {
        self.code.expose()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Grant(code='***', state={})",
            repr(py, &self.state)?
        ))
    }
}

impl From<elements_auth::Grant> for Grant {
    fn from(g: elements_auth::Grant) -> Self {
        Grant {
            code: g.code,
            state: g.state,
        }
    }
}

/// Event configuration of an instance: where the platform sends events and
/// how it finds them (``"polling"`` or ``"webhook"``).
///
/// ``Events.polling(callback_url, refresh_interval=15, poller_configuration={...})``
/// and ``Events.webhook(callback_url, signature_key=...)`` are the usual
/// spellings. Checked when the instance is created.
#[pyclass(frozen, module = "elements_auth")]
#[derive(Clone)]
pub(crate) struct Events {
    pub(crate) inner: elements_auth::Events,
}

impl Events {
    fn build(
        py: Python<'_>,
        vendor_type: &str,
        callback_url: String,
        signature_key: Option<String>,
        refresh_interval: Option<i64>,
        poller_configuration: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let vendor_type = vendor_type.parse().map_err(|e| errors::to_py(py, e))?;
        let mut inner = elements_auth::Events::new(vendor_type, callback_url);
        inner.signature_key = signature_key.map(Secret::new);
        // Python ints are unbounded: out-of-range minutes are an input error
        // naming the field, like the core's own check, not an OverflowError.
        inner.refresh_interval = match refresh_interval {
            None => None,
            Some(minutes) => Some(u32::try_from(minutes).map_err(|_| {
                errors::invalid(
                    py,
                    "events.refresh_interval",
                    "must be a whole number of minutes, at least 1",
                )
            })?),
        };
        inner.poller_configuration = match poller_configuration {
            Some(obj) if !obj.is_none() => {
                Some(crate::json::from_py("events.poller_configuration", obj)?)
            }
            _ => None,
        };
        Ok(Events { inner })
    }
}

#[pymethods]
impl Events {
    /// Events of ``vendor_type`` (``"polling"`` or ``"webhook"``) sent to ``callback_url``.
    ///
    /// ``signature_key`` signs each notification (``Elements-Webhook-Signature``);
    /// ``refresh_interval`` is the polling period in minutes and
    /// ``poller_configuration`` a JSON-serialisable dict keyed by resource
    /// (both polling only).
    #[new]
    #[pyo3(signature = (vendor_type, callback_url, *, signature_key=None, refresh_interval=None, poller_configuration=None))]
    fn new(
        py: Python<'_>,
        vendor_type: &str,
        callback_url: String,
        signature_key: Option<String>,
        refresh_interval: Option<i64>,
        poller_configuration: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Events::build(
            py,
            vendor_type,
            callback_url,
            signature_key,
            refresh_interval,
            poller_configuration,
        )
    }

    /// Polling events: the platform polls the vendor every ``refresh_interval`` minutes.
    #[staticmethod]
    #[pyo3(signature = (callback_url, *, signature_key=None, refresh_interval=None, poller_configuration=None))]
    fn polling(
        py: Python<'_>,
        callback_url: String,
        signature_key: Option<String>,
        refresh_interval: Option<i64>,
        poller_configuration: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Events::build(
            py,
            "polling",
            callback_url,
            signature_key,
            refresh_interval,
            poller_configuration,
        )
    }

    /// Webhook events: the vendor calls the platform back.
    #[staticmethod]
    #[pyo3(signature = (callback_url, *, signature_key=None))]
    fn webhook(
        py: Python<'_>,
        callback_url: String,
        signature_key: Option<String>,
    ) -> PyResult<Self> {
        Events::build(py, "webhook", callback_url, signature_key, None, None)
    }

    /// ``"polling"`` or ``"webhook"``.
    #[getter]
    fn vendor_type(&self) -> &'static str {
        self.inner.vendor_type.as_str()
    }

    /// Your endpoint that receives the platform's event notifications.
    #[getter]
    fn callback_url(&self) -> &str {
        &self.inner.callback_url
    }

    /// Whether a signature key is set (its value is never shown).
    #[getter]
    fn has_signature_key(&self) -> bool {
        self.inner.signature_key.is_some()
    }

    /// The polling period in minutes, if set.
    #[getter]
    fn refresh_interval(&self) -> Option<u32> {
        self.inner.refresh_interval
    }

    /// The poller configuration as a new dict, if set.
    #[getter]
    fn poller_configuration<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .poller_configuration
            .as_ref()
            .map(|v| crate::json::to_py(py, v))
            .transpose()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let mut out = format!(
            "Events(vendor_type={}, callback_url={}",
            repr(py, self.inner.vendor_type.as_str())?,
            repr(py, &self.inner.callback_url)?
        );
        if self.inner.signature_key.is_some() {
            out.push_str(", signature_key='***'");
        }
        if let Some(m) = self.inner.refresh_interval {
            out.push_str(&format!(", refresh_interval={m}"));
        }
        if self.inner.poller_configuration.is_some() {
            out.push_str(", poller_configuration={...}");
        }
        out.push(')');
        Ok(out)
    }
}

/// An element instance as the platform describes it (step 3's result).
///
/// ``token`` is the element token, the credential for every later call on
/// the instance; ``repr`` never shows it. ``raw`` is the platform's whole
/// JSON answer as a new dict (it contains the token too).
#[pyclass(frozen, module = "elements_auth")]
pub(crate) struct Instance {
    inner: elements_auth::Instance,
}

impl From<elements_auth::Instance> for Instance {
    fn from(inner: elements_auth::Instance) -> Self {
        Instance { inner }
    }
}

#[pymethods]
impl Instance {
    /// The platform's id of the instance.
    #[getter]
    fn id(&self) -> i64 {
        self.inner.id
    }

    /// The instance's name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The element token: the credential for every later call on this instance.
    #[getter]
    fn token(&self) -> &str {
        self.inner.token.expose()
    }

    /// The element's key, such as ``"concur"``.
    #[getter]
    fn element_key(&self) -> &str {
        &self.inner.element_key
    }

    /// Tags, as plain strings whatever form the platform used.
    #[getter]
    fn tags(&self) -> Vec<String> {
        self.inner.tags.clone()
    }

    /// Whether the platform considers the instance's credentials valid.
    #[getter]
    fn valid(&self) -> bool {
        self.inner.valid
    }

    /// Whether the instance is disabled.
    #[getter]
    fn disabled(&self) -> bool {
        self.inner.disabled
    }

    /// The platform's whole JSON answer, as a new dict.
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::json::to_py(py, &self.inner.raw())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .downcast::<Instance>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __hash__(&self) -> u64 {
        self.inner.id as u64
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Instance(id={}, name={}, element_key={}, tags={}, valid={}, disabled={}, token='***')",
            self.inner.id,
            repr(py, &self.inner.name)?,
            repr(py, &self.inner.element_key)?,
            repr(py, &self.inner.tags)?,
            repr(py, self.inner.valid)?,
            repr(py, self.inner.disabled)?,
        ))
    }
}

/// Reads the vendor's redirect back to your callback URL (step 2).
///
/// ``callback`` is the full URL the browser landed on, or just its query
/// string. Raises ``AuthorizationDeniedError`` when consent was refused,
/// ``StateMismatchError`` when the state is missing or differs from
/// ``expected_state`` (compared in constant time), and ``InvalidCallbackError``
/// when there is neither a code nor an error.
#[pyfunction]
#[pyo3(signature = (callback, expected_state))]
pub(crate) fn parse_callback(
    py: Python<'_>,
    callback: &str,
    expected_state: &str,
) -> PyResult<Grant> {
    let grant = elements_auth::parse_callback(callback, expected_state)
        .map_err(|e| errors::to_py(py, e))?;
    Ok(Grant {
        code: grant.code,
        state: grant.state,
    })
}

/// Checks an ``Elements-Webhook-Signature`` header against the raw body.
///
/// ``signature_key`` is one key (``str``) or several (a list or tuple of
/// ``str``, during a key rotation: any one matching is enough, each compared
/// in constant time). ``body`` is the raw request body as received
/// (``bytes``, or ``str`` encoded as UTF-8); a re-serialised JSON body will
/// not match. Accepts ``sha256=<base64>`` and bare base64. Returns ``None``;
/// raises ``InvalidSignatureError`` when the signature does not match.
#[pyfunction]
#[pyo3(signature = (signature_key, body, signature_header))]
pub(crate) fn verify_webhook_signature(
    py: Python<'_>,
    signature_key: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    signature_header: &str,
) -> PyResult<()> {
    let bytes = body_bytes(body)?;
    let verified = if let Ok(key) = signature_key.downcast::<PyString>() {
        elements_auth::verify_webhook_signature(&*key.to_cow()?, &bytes, signature_header)
    } else {
        let keys = signature_keys(signature_key)?;
        elements_auth::verify_webhook_signature(&keys, &bytes, signature_header)
    };
    verified.map_err(|e| errors::to_py(py, e))
}

/// A list or tuple of ``str`` keys (anything else is a ``TypeError``).
fn signature_keys(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let wrong = || {
        pyo3::exceptions::PyTypeError::new_err(
            "signature_key must be a str or a list or tuple of str",
        )
    };
    let items: Vec<Bound<'_, PyAny>> = if let Ok(list) = obj.downcast::<PyList>() {
        list.iter().collect()
    } else if let Ok(tuple) = obj.downcast::<PyTuple>() {
        tuple.iter().collect()
    } else {
        return Err(wrong());
    };
    items
        .iter()
        .map(|k| k.extract::<String>().map_err(|_| wrong()))
        .collect()
}

/// The ``Elements-Webhook-Signature`` value the platform would send for
/// ``body``: ``sha256=<base64 HMAC-SHA256>``; for testing your own endpoint.
#[pyfunction]
#[pyo3(signature = (signature_key, body))]
pub(crate) fn sign_webhook(signature_key: &str, body: &Bound<'_, PyAny>) -> PyResult<String> {
    let bytes = body_bytes(body)?;
    Ok(elements_auth::sign_webhook(signature_key, &bytes))
}

pub(crate) fn body_bytes(body: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = body.downcast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(b) = body.downcast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    body.extract::<Vec<u8>>().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err("body must be bytes, bytearray, memoryview or str")
    })
}

/// `repr(value)` as Python writes it, for the `__repr__` of the classes here.
pub(crate) fn repr<'py, T: IntoPyObject<'py>>(py: Python<'py>, value: T) -> PyResult<String> {
    Ok(value.into_bound_py_any(py)?.repr()?.to_string())
}
