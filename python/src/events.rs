//! Events: the parsed notification classes (`EventNotification`,
//! `NotificationEvent`), `parse_event_notification`, and the sandbox's
//! `Delivery` record. Conversion only: parsing lives in the core, delivery
//! in the sandbox crate.

use crate::errors;
use crate::types::{body_bytes, repr};
use pyo3::prelude::*;

/// One event notification as the platform POSTs it to your events endpoint.
///
/// Returned by ``parse_event_notification``. Verify the signature on the raw
/// body first; then ignore an ``event_id`` you have already handled (a
/// replayed notification verifies too). ``raw`` is the whole JSON as a new dict.
#[pyclass(frozen, module = "elements_auth")]
pub(crate) struct EventNotification {
    inner: elements_auth::EventNotification,
}

#[pymethods]
impl EventNotification {
    /// The platform's id of the event, as text: what makes receiving it twice safe.
    #[getter]
    fn event_id(&self) -> &str {
        &self.inner.event_id
    }

    /// The id of the instance the events are about.
    #[getter]
    fn instance_id(&self) -> i64 {
        self.inner.instance_id
    }

    /// The id of this notification, as text.
    #[getter]
    fn notification_id(&self) -> &str {
        &self.inner.notification_id
    }

    /// The events, in order.
    #[getter]
    fn events(&self) -> Vec<NotificationEvent> {
        self.inner
            .events
            .iter()
            .cloned()
            .map(|inner| NotificationEvent { inner })
            .collect()
    }

    /// The whole notification as a new dict, unknown fields included.
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::json::to_py(py, &self.inner.raw)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .downcast::<EventNotification>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "EventNotification(event_id={}, instance_id={}, notification_id={}, events={})",
            repr(py, &self.inner.event_id)?,
            self.inner.instance_id,
            repr(py, &self.inner.notification_id)?,
            self.inner.events.len()
        ))
    }
}

/// One event of a notification: what changed at the vendor.
#[pyclass(frozen, module = "elements_auth")]
pub(crate) struct NotificationEvent {
    inner: elements_auth::NotificationEvent,
}

#[pymethods]
impl NotificationEvent {
    /// The element's key, such as ``"concur"``.
    #[getter]
    fn element_key(&self) -> &str {
        &self.inner.element_key
    }

    /// The kind of object, such as a poller resource (``"reports"``).
    #[getter]
    fn object_type(&self) -> &str {
        &self.inner.object_type
    }

    /// The vendor's id of the object, as text.
    #[getter]
    fn object_id(&self) -> &str {
        &self.inner.object_id
    }

    /// ``"CREATED"``, ``"UPDATED"`` or ``"DELETED"`` (as sent).
    #[getter]
    fn event_type(&self) -> &str {
        &self.inner.event_type
    }

    /// When the platform saw the change, as sent; None when absent.
    #[getter]
    fn date(&self) -> Option<&str> {
        self.inner.date.as_deref()
    }

    /// The event's own JSON as a new dict.
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::json::to_py(py, &self.inner.raw)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .downcast::<NotificationEvent>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "NotificationEvent(element_key={}, object_type={}, object_id={}, event_type={}, date={})",
            repr(py, &self.inner.element_key)?,
            repr(py, &self.inner.object_type)?,
            repr(py, &self.inner.object_id)?,
            repr(py, &self.inner.event_type)?,
            repr(py, self.inner.date.as_deref())?,
        ))
    }
}

/// Parses the raw body of an event notification (``bytes`` or ``str``).
///
/// Tolerant of unknown fields; raises ``DecodeError`` when the body is not
/// JSON or not the platform's envelope.
#[pyfunction]
#[pyo3(signature = (body))]
pub(crate) fn parse_event_notification(
    py: Python<'_>,
    body: &Bound<'_, PyAny>,
) -> PyResult<EventNotification> {
    let bytes = body_bytes(body)?;
    elements_auth::parse_event_notification(&bytes)
        .map(|inner| EventNotification { inner })
        .map_err(|e| errors::to_py(py, e))
}

/// How the sandbox delivered one triggered event (``Sandbox.deliveries()``).
///
/// ``attempts`` holds each attempt's HTTP status (0: no connection or no
/// HTTP answer); ``state`` is ``"pending"``, ``"delivered"`` or ``"failed"``.
#[pyclass(frozen, eq, module = "elements_auth")]
#[derive(PartialEq, Eq)]
pub(crate) struct Delivery {
    inner: elements_auth_sandbox::Delivery,
}

impl From<elements_auth_sandbox::Delivery> for Delivery {
    fn from(inner: elements_auth_sandbox::Delivery) -> Self {
        Delivery { inner }
    }
}

#[pymethods]
impl Delivery {
    /// The event id ``trigger_event`` returned (the body's ``eventId``).
    #[getter]
    fn event_id(&self) -> u64 {
        self.inner.event_id
    }

    /// The instance the event is about.
    #[getter]
    fn instance_id(&self) -> i64 {
        self.inner.instance_id
    }

    /// The instance's events callback URL, POSTed to.
    #[getter]
    fn url(&self) -> &str {
        &self.inner.url
    }

    /// Each attempt's HTTP status, in order; 0 for a connection failure.
    #[getter]
    fn attempts(&self) -> Vec<u16> {
        self.inner.attempts.clone()
    }

    /// ``"pending"``, ``"delivered"`` or ``"failed"``.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state.as_str()
    }

    /// The exact body sent (JSON text), the same on every attempt.
    #[getter]
    fn body(&self) -> &str {
        &self.inner.body
    }

    /// The ``Elements-Webhook-Signature`` value sent; None without a signature key.
    #[getter]
    fn signature(&self) -> Option<&str> {
        self.inner.signature.as_deref()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Delivery(event_id={}, instance_id={}, url={}, attempts={}, state={})",
            self.inner.event_id,
            self.inner.instance_id,
            repr(py, &self.inner.url)?,
            repr(py, self.inner.attempts.clone())?,
            repr(py, self.inner.state.as_str())?,
        ))
    }
}
