//! `StateSigner` and `StateClaims`: signed, stateless OAuth state for web
//! services (conversion only: the format and every check live in the core).

use crate::errors;
use crate::types::{repr, Grant};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyMapping, PyString};

/// What a verified state token says (``StateSigner.verify``): the element
/// the sign-in was started for, the key that signed it, and when it was
/// issued and expires (whole seconds since the Unix epoch).
#[pyclass(frozen, eq, module = "elements_auth")]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct StateClaims {
    /// The element key the sign-in was started for, such as ``"concur"``.
    #[pyo3(get)]
    element: String,
    /// The id of the key that signed the token (a previous key after a rotation).
    #[pyo3(get)]
    key_id: String,
    /// When the token was issued, in seconds since the Unix epoch.
    #[pyo3(get)]
    issued_at: u64,
    /// When the token stops being valid, in seconds since the Unix epoch.
    #[pyo3(get)]
    expires_at: u64,
}

impl From<elements_auth::StateClaims> for StateClaims {
    fn from(c: elements_auth::StateClaims) -> Self {
        StateClaims {
            element: c.element,
            key_id: c.key_id,
            issued_at: c.issued_at,
            expires_at: c.expires_at,
        }
    }
}

#[pymethods]
impl StateClaims {
    /// Claims as ``StateSigner.verify`` returns them (for tests of your own code).
    #[new]
    #[pyo3(signature = (element, key_id, issued_at, expires_at))]
    fn new(element: String, key_id: String, issued_at: u64, expires_at: u64) -> Self {
        StateClaims {
            element,
            key_id,
            issued_at,
            expires_at,
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "StateClaims(element={}, key_id={}, issued_at={}, expires_at={})",
            repr(py, &self.element)?,
            repr(py, &self.key_id)?,
            self.issued_at,
            self.expires_at
        ))
    }
}

/// Signs and checks OAuth ``state`` tokens that carry their own proof, so
/// that any replica of a web service (sharing the secret) can check the
/// callback of a sign-in that another replica started, with nothing stored.
///
/// ``secret`` (``bytes`` or ``str``, at least 32 bytes) belongs to the key
/// ``key_id``, which signs; ``previous`` maps the ids of keys used before a
/// rotation to their secrets: they still verify. ``ttl`` is the lifetime of a
/// new token in whole seconds (10 minutes by default). Every failed check is
/// a ``StateMismatchError`` whose ``mismatch`` says what was wrong
/// (``"expired"``, ``"other_subject"``, ``"bad_signature"``,
/// ``"unknown_key"``, ``"malformed"``...). ``repr`` shows no secret.
#[pyclass(frozen, module = "elements_auth")]
pub(crate) struct StateSigner {
    inner: elements_auth::StateSigner,
}

/// The bytes of a secret given as ``bytes`` or ``str`` (UTF-8).
fn secret_bytes(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<u8>> {
    if let Ok(s) = value.downcast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(b) = value.downcast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    Err(PyTypeError::new_err(format!(
        "{field} must be bytes or str"
    )))
}

#[pymethods]
impl StateSigner {
    /// A signer whose key ``key_id`` signs with ``secret``; see the class.
    #[new]
    #[pyo3(signature = (key_id, secret, *, ttl=600.0, previous=None))]
    fn new(
        py: Python<'_>,
        key_id: &str,
        secret: &Bound<'_, PyAny>,
        ttl: f64,
        previous: Option<&Bound<'_, PyMapping>>,
    ) -> PyResult<Self> {
        let core = |r: elements_auth::Result<elements_auth::StateSigner>| {
            r.map_err(|e| errors::to_py(py, e))
        };
        let mut inner = core(elements_auth::StateSigner::new(
            key_id,
            secret_bytes(secret, "secret")?,
        ))?;
        let ttl = elements_auth::seconds("ttl", ttl).map_err(|e| errors::to_py(py, e))?;
        inner = core(inner.ttl(ttl))?;
        if let Some(previous) = previous {
            for item in previous.items()?.try_iter()? {
                let (id, secret): (String, Bound<'_, PyAny>) = item?.extract()?;
                inner = core(inner.previous_key(&id, secret_bytes(&secret, "previous")?))?;
            }
        }
        Ok(StateSigner { inner })
    }

    /// The id of the key that signs.
    #[getter]
    fn key_id(&self) -> &str {
        self.inner.key_id()
    }

    /// The ids of the keys that only verify (used before a rotation).
    #[getter]
    fn previous_key_ids(&self) -> Vec<String> {
        self.inner.previous_key_ids()
    }

    /// The lifetime of a new token, in seconds.
    #[getter]
    fn ttl(&self) -> f64 {
        self.inner.ttl_seconds() as f64
    }

    /// A new state token for a sign-in of ``subject`` (your user's id) to
    /// ``element``: pass it as ``state`` to ``Client.oauth_url``.
    fn sign(&self, py: Python<'_>, element: &str, subject: &str) -> PyResult<String> {
        self.inner
            .sign(element, subject)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Checks ``state`` for ``subject`` now and returns its ``StateClaims``;
    /// raises ``StateMismatchError`` (see ``mismatch``) when it does not verify.
    fn verify(&self, py: Python<'_>, state: &str, subject: &str) -> PyResult<StateClaims> {
        self.inner
            .verify(state, subject)
            .map(StateClaims::from)
            .map_err(|e| errors::to_py(py, e))
    }

    /// ``parse_callback`` with the state checked as ``verify`` checks it for
    /// ``subject`` (first, so a forged callback cannot pose as a denial).
    fn parse_callback(&self, py: Python<'_>, callback: &str, subject: &str) -> PyResult<Grant> {
        self.inner
            .parse_callback(callback, subject)
            .map(Grant::from)
            .map_err(|e| errors::to_py(py, e))
    }

    /// ``sign`` at a fixed time with a fixed 16-byte nonce, for test vectors
    /// only: it refuses to make a token that would still be valid now.
    fn sign_for_test(
        &self,
        py: Python<'_>,
        element: &str,
        subject: &str,
        issued_at: u64,
        nonce: &[u8],
    ) -> PyResult<String> {
        self.inner
            .sign_for_test(element, subject, issued_at, nonce)
            .map_err(|e| errors::to_py(py, e))
    }

    /// ``verify`` as if it were ``now`` (seconds since the Unix epoch), for
    /// test vectors only: it refuses a token that is still valid now.
    fn verify_for_test(
        &self,
        py: Python<'_>,
        state: &str,
        subject: &str,
        now: u64,
    ) -> PyResult<StateClaims> {
        self.inner
            .verify_for_test(state, subject, now)
            .map(StateClaims::from)
            .map_err(|e| errors::to_py(py, e))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "StateSigner(key_id={}, previous_key_ids={}, ttl={})",
            repr(py, self.inner.key_id())?,
            repr(py, self.inner.previous_key_ids())?,
            self.inner.ttl_seconds()
        ))
    }
}
