//! `Client`: the platform client, with the GIL released around every request.

use crate::errors;
use crate::types::{py_str, Events, Grant, Instance, OAuthUrl};
use elements_auth::{CreateInstanceRequest, OAuthUrlRequest, Secret};
use pyo3::prelude::*;
use pyo3::types::PyMapping;
use std::time::Duration;

/// The platform client: holds the secrets, the timeout and a connection pool.
///
/// Build it once and share it: it is safe to use from many threads at once,
/// and every network call releases the GIL. Give either ``base_url`` (the
/// sandbox's, say) or ``environment`` (``"production"``, the default,
/// ``"staging"`` or ``"sap-us2"``). ``timeout`` and the retry delays are in
/// seconds. ``proxy`` defaults to ``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY``;
/// ``ca_file`` is a PEM file of extra CA certificates, trusted with the
/// operating system's roots; ``user_agent`` is appended to the ``User-Agent`` header.
#[pyclass(frozen, module = "elements_auth")]
pub(crate) struct Client {
    inner: elements_auth::Client,
}

/// The options of `Client(...)` and `Client.from_env(...)`, as Python gives them.
struct Options {
    base_url: Option<String>,
    environment: Option<String>,
    user_secret: Option<String>,
    organization_secret: Option<String>,
    timeout: f64,
    user_agent: Option<String>,
    ca_file: Option<std::path::PathBuf>,
    proxy: Option<String>,
    max_retries: u32,
    max_retry_delay: f64,
    retry_base_delay: f64,
    response_limit: u64,
}

fn seconds(py: Python<'_>, field: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        errors::invalid(
            py,
            field,
            "must be a finite, non-negative number of seconds",
        )
    })
}

impl Options {
    fn build(
        self,
        py: Python<'_>,
        mut builder: elements_auth::ClientBuilder,
    ) -> PyResult<elements_auth::Client> {
        if let Some(v) = self.base_url {
            builder = builder.base_url(v);
        }
        if let Some(v) = self.environment {
            builder = builder.environment(v);
        }
        if let Some(v) = self.user_secret {
            builder = builder.user_secret(v);
        }
        if let Some(v) = self.organization_secret {
            builder = builder.organization_secret(v);
        }
        if let Some(v) = self.ca_file {
            builder = builder.ca_file(v);
        }
        if let Some(v) = self.proxy {
            builder = builder.proxy(v);
        }
        let python = py.version_info();
        let mut agent = format!("python/{}.{}", python.major, python.minor);
        if let Some(v) = self.user_agent {
            agent.push(' ');
            agent.push_str(&v);
        }
        builder = builder
            .user_agent(agent)
            .timeout(seconds(py, "timeout", self.timeout)?)
            .max_retries(self.max_retries)
            .max_retry_delay(seconds(py, "max_retry_delay", self.max_retry_delay)?)
            .retry_base_delay(seconds(py, "retry_base_delay", self.retry_base_delay)?)
            .response_limit(self.response_limit);
        builder.build().map_err(|e| errors::to_py(py, e))
    }
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
    #[new]
    #[pyo3(signature = (
        *,
        base_url=None,
        environment=None,
        user_secret=None,
        organization_secret=None,
        timeout=30.0,
        user_agent=None,
        ca_file=None,
        proxy=None,
        max_retries=2,
        max_retry_delay=10.0,
        retry_base_delay=0.2,
        response_limit=10485760,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: Option<String>,
        environment: Option<String>,
        user_secret: Option<String>,
        organization_secret: Option<String>,
        timeout: f64,
        user_agent: Option<String>,
        ca_file: Option<std::path::PathBuf>,
        proxy: Option<String>,
        max_retries: u32,
        max_retry_delay: f64,
        retry_base_delay: f64,
        response_limit: u64,
    ) -> PyResult<Self> {
        let options = Options {
            base_url,
            environment,
            user_secret,
            organization_secret,
            timeout,
            user_agent,
            ca_file,
            proxy,
            max_retries,
            max_retry_delay,
            retry_base_delay,
            response_limit,
        };
        Ok(Client {
            inner: options.build(py, elements_auth::Client::builder())?,
        })
    }

    /// A client configured from ``ELEMENTS_BASE_URL``, ``ELEMENTS_USER_SECRET``
    /// and ``ELEMENTS_ORGANIZATION_SECRET``; keyword arguments override them.
    #[classmethod]
    #[pyo3(signature = (
        *,
        base_url=None,
        environment=None,
        user_secret=None,
        organization_secret=None,
        timeout=30.0,
        user_agent=None,
        ca_file=None,
        proxy=None,
        max_retries=2,
        max_retry_delay=10.0,
        retry_base_delay=0.2,
        response_limit=10485760,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn from_env(
        _cls: &Bound<'_, pyo3::types::PyType>,
        py: Python<'_>,
        base_url: Option<String>,
        environment: Option<String>,
        user_secret: Option<String>,
        organization_secret: Option<String>,
        timeout: f64,
        user_agent: Option<String>,
        ca_file: Option<std::path::PathBuf>,
        proxy: Option<String>,
        max_retries: u32,
        max_retry_delay: f64,
        retry_base_delay: f64,
        response_limit: u64,
    ) -> PyResult<Self> {
        let builder = elements_auth::ClientBuilder::from_env();
        let options = Options {
            base_url,
            environment,
            user_secret,
            organization_secret,
            timeout,
            user_agent,
            ca_file,
            proxy,
            max_retries,
            max_retry_delay,
            retry_base_delay,
            response_limit,
        };
        Ok(Client {
            inner: options.build(py, builder)?,
        })
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
    /// code is single-use. On ``RequestTimeoutError`` or ``TransportError``
    /// with ``may_have_reached_server``, look for the instance with
    /// ``list_instances`` before starting over.
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
            Err(_) => Secret::new(code.extract::<String>().map_err(|_| {
                pyo3::exceptions::PyTypeError::new_err("code must be a str or a Grant")
            })?),
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

    fn __repr__(&self) -> String {
        format!("Client(base_url={})", py_str(self.inner.base_url()))
    }
}
