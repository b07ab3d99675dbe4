//! `Sandbox`: the platform and vendor emulator, as a Python context manager.

use crate::errors;
use crate::types::{repr, OAuthUrl};
use elements_auth_sandbox::SandboxOptions;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// An in-process emulator of the platform API and a vendor's consent page,
/// on 127.0.0.1, for testing your integration offline.
///
/// Use it as a context manager (``with Sandbox() as sandbox:``) or call
/// ``stop()``. ``port=0`` picks a free port; with ``auto_consent`` (the
/// default) the vendor page redirects straight back with a code. Secrets are
/// random unless given. ``sandbox.client()`` returns a ``Client`` wired to it.
#[pyclass(frozen, module = "elements_auth")]
pub(crate) struct Sandbox {
    inner: elements_auth_sandbox::Sandbox,
}

/// An `oauth_url` argument: the URL string or an `OAuthUrl`.
fn url_of(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    match obj.downcast::<OAuthUrl>() {
        Ok(u) => Ok(u.getattr("oauth_url")?.extract()?),
        Err(_) => obj.extract::<String>().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err("oauth_url must be a str or an OAuthUrl")
        }),
    }
}

#[pymethods]
impl Sandbox {
    /// Starts the sandbox and returns once it accepts connections.
    ///
    /// ``max_connections``, ``read_timeout`` (seconds) and
    /// ``request_log_limit`` bound what a long-running sandbox holds; None
    /// keeps the defaults (512 connections, 30 s, 10,000 requests).
    /// ``event_retry_delay`` (seconds, default 0.1; the platform's is 4) is
    /// how long after a failed event delivery the first retry comes.
    #[new]
    #[pyo3(signature = (*, auto_consent=true, port=0, code_ttl=600.0, user_secret=None, organization_secret=None, max_connections=None, read_timeout=None, request_log_limit=None, event_retry_delay=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        auto_consent: bool,
        port: u16,
        code_ttl: f64,
        user_secret: Option<String>,
        organization_secret: Option<String>,
        max_connections: Option<usize>,
        read_timeout: Option<f64>,
        request_log_limit: Option<usize>,
        event_retry_delay: Option<f64>,
    ) -> PyResult<Self> {
        let seconds = |field: &str, value: f64| {
            elements_auth::seconds(field, value).map_err(|e| errors::to_py(py, e))
        };
        let mut options = SandboxOptions {
            port,
            auto_consent,
            code_ttl: seconds("code_ttl", code_ttl)?,
            user_secret,
            organization_secret,
            ..SandboxOptions::default()
        };
        if let Some(n) = max_connections {
            options.max_connections = n;
        }
        if let Some(t) = read_timeout {
            options.read_timeout = seconds("read_timeout", t)?;
        }
        if let Some(n) = request_log_limit {
            options.request_log_limit = n;
        }
        if let Some(t) = event_retry_delay {
            options.event_retry_delay = seconds("event_retry_delay", t)?;
        }
        py.detach(move || elements_auth_sandbox::Sandbox::start(options))
            .map(|inner| Sandbox { inner })
            .map_err(|e| errors::sandbox(py, e))
    }

    /// ``Sandbox(**options)``, spelled as in the Node and C APIs
    /// (``Sandbox.start``, ``ea_sandbox_start``).
    #[staticmethod]
    #[pyo3(signature = (**options))]
    fn start<'py>(
        py: Python<'py>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        py.get_type::<Sandbox>().call((), options)
    }

    /// ``http://127.0.0.1:{port}/elements/api-v2``: the ``base_url`` to give a ``Client``.
    #[getter]
    fn base_url(&self) -> String {
        self.inner.base_url()
    }

    /// The TCP port the sandbox listens on.
    #[getter]
    fn port(&self) -> u16 {
        self.inner.port()
    }

    /// The user secret the sandbox expects from clients.
    #[getter]
    fn user_secret(&self) -> &str {
        self.inner.user_secret()
    }

    /// The organization secret the sandbox expects from clients.
    #[getter]
    fn organization_secret(&self) -> &str {
        self.inner.organization_secret()
    }

    /// Whether the vendor page redirects without showing the consent form.
    #[getter]
    fn auto_consent(&self) -> bool {
        self.inner.auto_consent()
    }

    /// A ``Client`` for this sandbox (its base URL and secrets); keyword
    /// arguments such as ``timeout`` or ``max_retries`` are passed on.
    #[pyo3(signature = (**options))]
    fn client<'py>(
        &self,
        py: Python<'py>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("base_url", self.inner.base_url())?;
        kwargs.set_item("user_secret", self.inner.user_secret())?;
        kwargs.set_item("organization_secret", self.inner.organization_secret())?;
        if let Some(options) = options {
            kwargs.update(options.as_mapping())?;
        }
        py.get_type::<crate::client::Client>()
            .call((), Some(&kwargs))
    }

    /// Plays the user clicking Allow on ``oauth_url`` (a URL or an
    /// ``OAuthUrl``): returns the callback URL the browser would land on,
    /// with a fresh code and the state.
    fn approve(&self, py: Python<'_>, oauth_url: &Bound<'_, PyAny>) -> PyResult<String> {
        let url = url_of(oauth_url)?;
        self.inner.approve(&url).map_err(|e| errors::sandbox(py, e))
    }

    /// Plays the user clicking Deny on ``oauth_url``: returns the callback
    /// URL with ``error=access_denied`` and the state.
    fn deny(&self, py: Python<'_>, oauth_url: &Bound<'_, PyAny>) -> PyResult<String> {
        let url = url_of(oauth_url)?;
        self.inner.deny(&url).map_err(|e| errors::sandbox(py, e))
    }

    /// Queues fault ``mode`` for the next ``count`` API requests: ``"slow:<ms>"``,
    /// ``"status:<code>"`` (400..599), ``"drop"`` (close the connection),
    /// ``"badjson"``, ``"huge"`` (an oversized body), ``"nostate"`` (the
    /// oauthUrl carries the element key as its state, the platform's
    /// documented fallback) or ``"truncated"`` (the request is handled, then
    /// half of the answer is sent).
    #[pyo3(signature = (mode, count=1))]
    fn inject_fault(&self, py: Python<'_>, mode: &str, count: u32) -> PyResult<()> {
        self.inner
            .inject_fault(mode, count)
            .map_err(|e| errors::sandbox(py, e))
    }

    /// Removes every queued fault.
    fn clear_faults(&self) {
        self.inner.clear_faults();
    }

    /// Every API request received so far, oldest first, as dicts with
    /// ``method``, ``path``, ``rawQuery``, ``query`` (list of [name, value]),
    /// ``headers`` (lower-case names) and ``body`` (text). They carry secrets.
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::json::to_py(py, &self.inner.requests_value())
    }

    /// How many recorded requests were dropped from the front of the log to
    /// keep it within ``request_log_limit``.
    #[getter]
    fn requests_dropped(&self) -> u64 {
        self.inner.requests_dropped()
    }

    /// The instances the sandbox holds, as the platform's JSON dicts.
    fn instances<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.inner
            .instances()
            .iter()
            .map(|v| crate::json::to_py(py, v))
            .collect()
    }

    /// Delivers one event as the platform would: a notification about
    /// ``instance_id`` POSTed to its events callback URL (loopback only) by
    /// a background thread, signed when it has a signature key, retried on
    /// failure. Returns the event id at once; ``deliveries()`` tells how it
    /// went. ``object_id`` is random when None. Raises ``SandboxError``
    /// naming the argument (``field``) for an unknown instance, one without
    /// events, or a resource its poller configuration does not name.
    #[pyo3(signature = (instance_id, object_type, event_type="UPDATED", object_id=None))]
    fn trigger_event(
        &self,
        py: Python<'_>,
        instance_id: i64,
        object_type: &str,
        event_type: &str,
        object_id: Option<&str>,
    ) -> PyResult<u64> {
        self.inner
            .trigger_event(instance_id, object_type, event_type, object_id)
            .map_err(|e| errors::sandbox(py, e))
    }

    /// Every event delivery, oldest first (the newest 1,000 are kept).
    fn deliveries(&self) -> Vec<crate::events::Delivery> {
        self.inner
            .deliveries()
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// Stops listening, closes open connections and ends event deliveries; idempotent.
    fn stop(&self, py: Python<'_>) {
        py.detach(|| self.inner.stop());
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, PyTuple>) -> bool {
        self.stop(py);
        false
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Sandbox(base_url={})",
            repr(py, self.inner.base_url())?
        ))
    }
}
