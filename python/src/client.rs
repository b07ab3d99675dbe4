//! `Client`: the platform client, with the GIL released around every request.

use crate::errors;
use crate::types::{repr, Events, Grant, Instance, OAuthUrl};
use elements_auth::{Binding, ClientOptions, CreateInstanceRequest, OAuthUrlRequest, Secret};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping, PyType};
use std::path::PathBuf;
use std::time::Duration;

/// The platform client: holds the secrets, the timeout and a connection pool.
///
/// Build it once and share it: it is safe to use from many threads at once,
/// and every network call releases the GIL. Give either ``base_url`` (the
/// sandbox's, say) or ``environment`` (``"production"``, the default,
/// ``"staging"`` or ``"sap-us2"``). ``timeout`` and the retry delays are in
/// seconds. ``proxy`` defaults to ``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY``;
/// ``ca_file`` is a PEM file of extra CA certificates, trusted with the
/// operating system's roots; ``user_agent`` is appended to the ``User-Agent``
/// header. ``from_env=True`` reads ``ELEMENTS_BASE_URL``,
/// ``ELEMENTS_USER_SECRET`` and ``ELEMENTS_ORGANIZATION_SECRET`` first; the
/// other arguments override them. An option left at ``None`` takes the
/// core's default.
#[pyclass(frozen, module = "elements_auth")]
pub(crate) struct Client {
    inner: elements_auth::Client,
}

/// A Python duration in seconds, checked by the core.
fn seconds(py: Python<'_>, field: &str, value: Option<f64>) -> PyResult<Option<Duration>> {
    value
        .map(|v| elements_auth::seconds(field, v))
        .transpose()
        .map_err(|e| errors::to_py(py, e))
}

/// A Python int as the core's unsigned count; out of range is an input error
/// naming the field (Python ints are unbounded), not an OverflowError. The
/// core checks the bounds that matter (at most 100 retries, at least 1 byte).
fn whole<T: TryFrom<i64>>(py: Python<'_>, field: &str, value: Option<i64>) -> PyResult<Option<T>> {
    value
        .map(|v| {
            T::try_from(v).map_err(|_| {
                let reason = if v < 0 {
                    "must not be negative"
                } else {
                    "is too large"
                };
                errors::invalid(py, field, reason)
            })
        })
        .transpose()
}

/// Ordered (name, value) string pairs from a mapping or an iterable of pairs.
fn pairs(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let items = match obj.downcast::<PyMapping>() {
        Ok(m) => m.items()?.into_any(),
        Err(_) => obj.clone(),
    };
    let mut out = Vec::new();
    for item in items.try_iter()? {
        out.push(item?.extract::<(String, String)>()?);
    }
    Ok(out)
}

#[pymethods]
impl Client {
    /// A client for ``base_url`` or ``environment`` (production by default);
    /// every argument maps onto the core's ``ClientOptions`` field of the same name.
    #[new]
    #[pyo3(signature = (
        *,
        base_url=None,
        environment=None,
        user_secret=None,
        organization_secret=None,
        timeout=None,
        user_agent=None,
        ca_file=None,
        proxy=None,
        max_retries=None,
        max_retry_delay=None,
        retry_base_delay=None,
        response_limit=None,
        from_env=false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: Option<String>,
        environment: Option<String>,
        user_secret: Option<String>,
        organization_secret: Option<String>,
        timeout: Option<f64>,
        user_agent: Option<String>,
        ca_file: Option<PathBuf>,
        proxy: Option<String>,
        max_retries: Option<i64>,
        max_retry_delay: Option<f64>,
        retry_base_delay: Option<f64>,
        response_limit: Option<i64>,
        from_env: bool,
    ) -> PyResult<Self> {
        let python = py.version_info();
        let mut options = ClientOptions::default();
        options.base_url = base_url;
        options.environment = environment;
        options.user_secret = user_secret.map(Secret::new);
        options.organization_secret = organization_secret.map(Secret::new);
        options.timeout = seconds(py, "timeout", timeout)?;
        options.user_agent = user_agent;
        options.ca_file = ca_file;
        options.proxy = proxy;
        options.max_retries = whole(py, "max_retries", max_retries)?;
        options.max_retry_delay = seconds(py, "max_retry_delay", max_retry_delay)?;
        options.retry_base_delay = seconds(py, "retry_base_delay", retry_base_delay)?;
        options.response_limit = whole(py, "response_limit", response_limit)?;
        options.from_env = Some(from_env);
        options.binding = Some(Binding::new(
            "python",
            Some(format!(
                "{}.{}.{}",
                python.major, python.minor, python.patch
            )),
        ));
        // Built with the GIL held: with from_env, the core reads the process
        // environment, which Python threads change under the GIL (os.environ).
        let inner = options.build().map_err(|e| errors::to_py(py, e))?;
        Ok(Client { inner })
    }

    /// ``Client(from_env=True, **options)``: a client configured from
    /// ``ELEMENTS_BASE_URL``, ``ELEMENTS_USER_SECRET`` and
    /// ``ELEMENTS_ORGANIZATION_SECRET``; keyword arguments override them.
    #[classmethod]
    #[pyo3(signature = (**options))]
    fn from_env<'py>(
        cls: &Bound<'py, PyType>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = match options {
            Some(given) => given.copy()?,
            None => PyDict::new(cls.py()),
        };
        if kwargs.contains("from_env")? {
            return Err(PyTypeError::new_err(
                "Client.from_env() sets from_env itself; use Client(from_env=...) instead",
            ));
        }
        kwargs.set_item("from_env", true)?;
        cls.call((), Some(&kwargs))
    }

    /// The API base URL this client talks to.
    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// Step 1: asks the platform for the vendor's consent page URL.
    ///
    /// Without ``state``, a fresh random one (32 bytes, base64url) is
    /// generated; the returned ``OAuthUrl.state`` is the one to pass to
    /// ``parse_callback``. ``site_address`` is the vendor site for elements
    /// that need one (Concur); ``params`` holds extra query parameters, a
    /// mapping or (name, value) pairs, sent in order.
    #[pyo3(signature = (element, api_key, api_secret, callback_url, *, site_address=None, state=None, scope=None, params=None))]
    #[allow(clippy::too_many_arguments)]
    fn oauth_url(
        &self,
        py: Python<'_>,
        element: String,
        api_key: String,
        api_secret: String,
        callback_url: String,
        site_address: Option<String>,
        state: Option<String>,
        scope: Option<String>,
        params: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<OAuthUrl> {
        let mut request = OAuthUrlRequest::new(element, api_key, api_secret, callback_url);
        request.site_address = site_address;
        request.state = state;
        request.scope = scope;
        request.params = pairs(params)?;
        let client = self.inner.clone();
        py.detach(move || client.oauth_url(&request))
            .map(OAuthUrl::from)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Step 3: creates the instance with the code from the callback.
    ///
    /// ``code`` is the ``Grant`` from ``parse_callback`` or its code.
    /// ``api_key``, ``api_secret`` and ``callback_url`` are those of step 1.
    /// ``tags`` lets you find the instance later; ``events`` (an ``Events``)
    /// turns event notifications on; ``configuration`` holds extra
    /// element-specific string entries (a mapping or (key, value) pairs).
    ///
    /// Never retried once the request may have reached the platform: the
    /// code is single-use, so such an error has ``retryable`` false. When
    /// ``may_have_reached_server`` is true (a timeout, a dropped connection,
    /// a 5xx), look for the instance with ``list_instances`` before starting
    /// over with a fresh code.
    #[pyo3(signature = (element, code, name, api_key, api_secret, callback_url, *, tags=None, filter_response_nulls=None, events=None, configuration=None))]
    #[allow(clippy::too_many_arguments)]
    fn create_instance(
        &self,
        py: Python<'_>,
        element: String,
        code: &Bound<'_, PyAny>,
        name: String,
        api_key: String,
        api_secret: String,
        callback_url: String,
        tags: Option<Vec<String>>,
        filter_response_nulls: Option<bool>,
        events: Option<PyRef<'_, Events>>,
        configuration: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Instance> {
        let code = match code.downcast::<Grant>() {
            Ok(grant) => grant.get().code.clone(),
            Err(_) => Secret::new(
                code.extract::<String>()
                    .map_err(|_| PyTypeError::new_err("code must be a str or a Grant"))?,
            ),
        };
        let mut request =
            CreateInstanceRequest::new(element, code, name, api_key, api_secret, callback_url);
        request.tags = tags.unwrap_or_default();
        request.filter_response_nulls = filter_response_nulls;
        request.events = events.map(|e| e.inner.clone());
        request.configuration = pairs(configuration)?;
        let client = self.inner.clone();
        py.detach(move || client.create_instance(&request))
            .map(Instance::from)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Fetches one instance by id.
    fn get_instance(&self, py: Python<'_>, id: i64) -> PyResult<Instance> {
        let client = self.inner.clone();
        py.detach(move || client.get_instance(id))
            .map(Instance::from)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Lists the instances visible to the user and organization.
    fn list_instances(&self, py: Python<'_>) -> PyResult<Vec<Instance>> {
        let client = self.inner.clone();
        py.detach(move || client.list_instances())
            .map(|list| list.into_iter().map(Instance::from).collect())
            .map_err(|e| errors::to_py(py, e))
    }

    /// Deletes one instance by id.
    fn delete_instance(&self, py: Python<'_>, id: i64) -> PyResult<()> {
        let client = self.inner.clone();
        py.detach(move || client.delete_instance(id))
            .map_err(|e| errors::to_py(py, e))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Client(base_url={})",
            repr(py, self.inner.base_url())?
        ))
    }
}
