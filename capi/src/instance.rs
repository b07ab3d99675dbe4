//! Step 3 (creating the instance) and reading, listing and deleting instances.

use crate::client::ea_client;
use crate::ea_result;
use crate::error::ea_error;
use crate::ffi::borrow_cstr;
use crate::ffi::{arg_mut, arg_ref, arg_str, cstring, free, get, guard, invalid, push_pair, Out};
use ea_core::{CreateInstanceRequest, EventVendorType, Events, Instance};
use std::ffi::{c_char, CString};
use std::ptr;
use std::sync::OnceLock;

/// Event configuration of an instance (polling or webhook).
/// Not thread-safe: use one from one thread at a time.
pub struct ea_events {
    inner: Events,
}

/// Step 3's request: the code from the callback and the instance's configuration.
/// Not thread-safe: use one from one thread at a time.
pub struct ea_instance_request {
    inner: CreateInstanceRequest,
}

/// An element instance as the platform describes it. Immutable: may be read
/// from any thread. Its token is a secret.
pub struct ea_instance {
    inner: Instance,
    /// The C strings handed out, each made on first read and then kept (so
    /// that a borrowed pointer stays valid until the instance is freed).
    name: OnceLock<CString>,
    token: OnceLock<CString>,
    element_key: OnceLock<CString>,
    tags: OnceLock<Vec<CString>>,
    raw_json: OnceLock<CString>,
}

/// A list of instances. Immutable: may be read from any thread.
pub struct ea_instance_list {
    items: Vec<ea_instance>,
}

impl From<Instance> for ea_instance {
    fn from(inner: Instance) -> ea_instance {
        ea_instance {
            inner,
            name: OnceLock::new(),
            token: OnceLock::new(),
            element_key: OnceLock::new(),
            tags: OnceLock::new(),
            raw_json: OnceLock::new(),
        }
    }
}

impl ea_instance {
    fn tags(&self) -> &[CString] {
        self.tags
            .get_or_init(|| self.inner.tags.iter().map(|t| cstring(t)).collect())
    }
}

/// Creates an event configuration: `vendor_type` is `"polling"` or
/// `"webhook"`, `callback_url` your endpoint for the platform's notifications.
/// Free it with `ea_events_free`.
#[no_mangle]
pub extern "C" fn ea_events_new(
    vendor_type: *const c_char,
    callback_url: *const c_char,
    out: *mut *mut ea_events,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let vendor_type: EventVendorType = arg_str(vendor_type, "events.vendor_type")?.parse()?;
        let callback_url = arg_str(callback_url, "events.callback_url")?;
        Out::new(out, "out")?.set(ea_events {
            inner: Events::new(vendor_type, callback_url),
        });
        Ok(())
    })
}

/// Sets the key of the `Elements-Webhook-Signature` HMAC (copied; a secret).
#[no_mangle]
pub extern "C" fn ea_events_set_signature_key(
    events: *mut ea_events,
    signature_key: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let events = arg_mut(events, "events")?;
        events.inner.signature_key = Some(arg_str(signature_key, "events.signature_key")?.into());
        Ok(())
    })
}

/// Sets the polling period in minutes (polling only; at least 1).
#[no_mangle]
pub extern "C" fn ea_events_set_refresh_interval(
    events: *mut ea_events,
    minutes: u32,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        arg_mut(events, "events")?.inner.refresh_interval = Some(minutes);
        Ok(())
    })
}

/// Sets the poller configuration, a JSON object keyed by resource
/// (polling only). Text that is not JSON is `EA_ERR_INVALID_INPUT`.
#[no_mangle]
pub extern "C" fn ea_events_set_poller_configuration(
    events: *mut ea_events,
    json: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let events = arg_mut(events, "events")?;
        let field = "events.poller_configuration";
        let value = serde_json::from_str(arg_str(json, field)?)
            .map_err(|e| invalid(field, &format!("is not JSON ({e})")))?;
        events.inner.poller_configuration = Some(value);
        Ok(())
    })
}

/// Frees an event configuration. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_events_free(events: *mut ea_events) {
    free(events)
}

/// Starts step 3's request with the required values (copied): the element
/// key, the code from `ea_grant_code`, the instance name, and the app's api
/// key, api secret and callback URL used in step 1.
/// Free it with `ea_instance_request_free`.
#[no_mangle]
pub extern "C" fn ea_instance_request_new(
    element: *const c_char,
    code: *const c_char,
    name: *const c_char,
    api_key: *const c_char,
    api_secret: *const c_char,
    callback_url: *const c_char,
    out: *mut *mut ea_instance_request,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let request = CreateInstanceRequest::new(
            arg_str(element, "element")?,
            arg_str(code, "code")?,
            arg_str(name, "name")?,
            arg_str(api_key, "api_key")?,
            arg_str(api_secret, "api_secret")?,
            arg_str(callback_url, "callback_url")?,
        );
        Out::new(out, "out")?.set(ea_instance_request { inner: request });
        Ok(())
    })
}

/// Adds a tag to find the instance by later.
#[no_mangle]
pub extern "C" fn ea_instance_request_add_tag(
    request: *mut ea_instance_request,
    tag: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let request = arg_mut(request, "request")?;
        request.inner.tags.push(arg_str(tag, "tag")?.to_owned());
        Ok(())
    })
}

/// Sets `filter.response.nulls` (default true).
#[no_mangle]
pub extern "C" fn ea_instance_request_set_filter_response_nulls(
    request: *mut ea_instance_request,
    value: bool,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        arg_mut(request, "request")?.inner.filter_response_nulls = Some(value);
        Ok(())
    })
}

/// Sets the event configuration (copied: `events` stays owned by the caller).
#[no_mangle]
pub extern "C" fn ea_instance_request_set_events(
    request: *mut ea_instance_request,
    events: *const ea_events,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let request = arg_mut(request, "request")?;
        request.inner.events = Some(arg_ref(events, "events")?.inner.clone());
        Ok(())
    })
}

/// Adds an element-specific configuration entry (Zendesk's `subdomain`, say).
#[no_mangle]
pub extern "C" fn ea_instance_request_add_configuration(
    request: *mut ea_instance_request,
    key: *const c_char,
    value: *const c_char,
    err: *mut *mut ea_error,
) -> ea_result {
    push_pair(request, ("key", "value"), key, value, err, |r| {
        &mut r.inner.configuration
    })
}

/// Frees a request. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_instance_request_free(request: *mut ea_instance_request) {
    free(request)
}

/// Step 3: creates the instance. Never retried once it may have reached the
/// platform (the code is single-use): on `EA_ERR_TIMEOUT`/`EA_ERR_TRANSPORT`
/// with `ea_error_may_have_reached_server`, list the instances before starting
/// over. Free the instance with `ea_instance_free`.
#[no_mangle]
pub extern "C" fn ea_client_create_instance(
    client: *const ea_client,
    request: *const ea_instance_request,
    out: *mut *mut ea_instance,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let client = arg_ref(client, "client")?;
        let request = arg_ref(request, "request")?;
        let out = Out::new(out, "out")?;
        out.set(client.inner().create_instance(&request.inner)?.into());
        Ok(())
    })
}

/// Fetches one instance by id. Free it with `ea_instance_free`.
#[no_mangle]
pub extern "C" fn ea_client_get_instance(
    client: *const ea_client,
    id: i64,
    out: *mut *mut ea_instance,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let client = arg_ref(client, "client")?;
        let out = Out::new(out, "out")?;
        out.set(client.inner().get_instance(id)?.into());
        Ok(())
    })
}

/// Lists the instances visible to the user and organization.
/// Free the list with `ea_instance_list_free`.
#[no_mangle]
pub extern "C" fn ea_client_list_instances(
    client: *const ea_client,
    out: *mut *mut ea_instance_list,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        let client = arg_ref(client, "client")?;
        let out = Out::new(out, "out")?;
        let items = client.inner().list_instances()?;
        out.set(ea_instance_list {
            items: items.into_iter().map(ea_instance::from).collect(),
        });
        Ok(())
    })
}

/// Deletes one instance by id.
#[no_mangle]
pub extern "C" fn ea_client_delete_instance(
    client: *const ea_client,
    id: i64,
    err: *mut *mut ea_error,
) -> ea_result {
    guard(err, || {
        arg_ref(client, "client")?.inner().delete_instance(id)?;
        Ok(())
    })
}

fn field<T: Copy>(
    instance: *const ea_instance,
    default: T,
    pick: impl FnOnce(&ea_instance) -> T,
) -> T {
    get(default, || {
        // SAFETY: NULL or a live `ea_instance`.
        unsafe { instance.as_ref() }.map_or(default, pick)
    })
}

/// The platform's id of the instance; 0 for NULL.
#[no_mangle]
pub extern "C" fn ea_instance_id(instance: *const ea_instance) -> i64 {
    field(instance, 0, |i| i.inner.id)
}

/// The instance's name. Borrowed: valid until the instance is freed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_instance_name(instance: *const ea_instance) -> *const c_char {
    borrow_cstr(instance, |i| i.name.get_or_init(|| cstring(&i.inner.name)))
}

/// The element token, the credential for every later call on this instance
/// (a secret: never log it). Borrowed: valid until the instance is freed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_instance_token(instance: *const ea_instance) -> *const c_char {
    borrow_cstr(instance, |i| {
        i.token.get_or_init(|| cstring(i.inner.token.expose()))
    })
}

/// The element's key, such as `concur`. Borrowed: valid until the instance is
/// freed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_instance_element_key(instance: *const ea_instance) -> *const c_char {
    borrow_cstr(instance, |i| {
        i.element_key.get_or_init(|| cstring(&i.inner.element_key))
    })
}

/// The number of tags; 0 for NULL.
#[no_mangle]
pub extern "C" fn ea_instance_tags_len(instance: *const ea_instance) -> usize {
    field(instance, 0, |i| i.inner.tags.len())
}

/// Tag `index` (0-based) as a string; NULL when out of range or for NULL.
/// Borrowed: valid until the instance is freed.
#[no_mangle]
pub extern "C" fn ea_instance_tag(instance: *const ea_instance, index: usize) -> *const c_char {
    field(instance, ptr::null(), |i| {
        i.tags().get(index).map_or(ptr::null(), |t| t.as_ptr())
    })
}

/// Whether the platform considers the instance's credentials valid; false for NULL.
#[no_mangle]
pub extern "C" fn ea_instance_valid(instance: *const ea_instance) -> bool {
    field(instance, false, |i| i.inner.valid)
}

/// Whether the instance is disabled; false for NULL.
#[no_mangle]
pub extern "C" fn ea_instance_disabled(instance: *const ea_instance) -> bool {
    field(instance, false, |i| i.inner.disabled)
}

/// The platform's whole JSON answer, for fields not modelled here (it holds
/// the token). Borrowed: valid until the instance is freed; NULL for NULL.
#[no_mangle]
pub extern "C" fn ea_instance_raw_json(instance: *const ea_instance) -> *const c_char {
    borrow_cstr(instance, |i| {
        i.raw_json.get_or_init(|| cstring(&i.inner.raw_json))
    })
}

/// Frees an instance (not one borrowed from a list). NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_instance_free(instance: *mut ea_instance) {
    free(instance)
}

/// The number of instances in the list; 0 for NULL.
#[no_mangle]
pub extern "C" fn ea_instance_list_len(list: *const ea_instance_list) -> usize {
    get(0, || unsafe { list.as_ref() }.map_or(0, |l| l.items.len()))
}

/// Instance `index` (0-based), borrowed from the list: valid until
/// `ea_instance_list_free`, never freed on its own. NULL when out of range or for NULL.
#[no_mangle]
pub extern "C" fn ea_instance_list_get(
    list: *const ea_instance_list,
    index: usize,
) -> *const ea_instance {
    get(ptr::null(), || {
        unsafe { list.as_ref() }
            .and_then(|l| l.items.get(index))
            .map_or(ptr::null(), |i| i as *const ea_instance)
    })
}

/// Frees a list and the instances in it. NULL is a no-op.
#[no_mangle]
pub extern "C" fn ea_instance_list_free(list: *mut ea_instance_list) {
    free(list)
}
