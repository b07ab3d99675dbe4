//! `Client`: the platform client; each network call as a Promise and a `...Sync` twin.

use crate::error::{invalid, to_napi};
use crate::task::Job;
use crate::types::{ClientOptions, CreateInstanceRequest, Instance, OAuthUrl, OAuthUrlRequest};
use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

/// The platform client. Build it once and share it: calls on one client may
/// run concurrently and reuse connections.
#[napi]
pub struct Client {
    inner: elements_auth::Client,
}

fn build(options: Option<ClientOptions>) -> napi::Result<elements_auth::Client> {
    let o = options.unwrap_or_default();
    let mut b = if o.from_env.unwrap_or(false) {
        elements_auth::ClientBuilder::from_env()
    } else {
        elements_auth::Client::builder()
    };
    if let Some(v) = o.base_url {
        b = b.base_url(v);
    }
    if let Some(v) = o.environment {
        b = b.environment(v);
    }
    if let Some(v) = o.user_secret {
        b = b.user_secret(v);
    }
    if let Some(v) = o.organization_secret {
        b = b.organization_secret(v);
    }
    if let Some(v) = o.timeout_ms {
        b = b.timeout(crate::types::millis("timeoutMs", v)?);
    }
    let mut agent = format!("node/{}", env!("CARGO_PKG_VERSION"));
    if let Some(v) = o.user_agent {
        agent.push(' ');
        agent.push_str(&v);
    }
    b = b.user_agent(agent);
    if let Some(v) = o.ca_file {
        b = b.ca_file(v);
    }
    if let Some(v) = o.proxy {
        b = b.proxy(v);
    }
    if let Some(v) = o.max_retries {
        b = b.max_retries(v);
    }
    if let Some(v) = o.max_retry_delay_ms {
        b = b.max_retry_delay(crate::types::millis("maxRetryDelayMs", v)?);
    }
    if let Some(v) = o.retry_base_delay_ms {
        b = b.retry_base_delay(crate::types::millis("retryBaseDelayMs", v)?);
    }
    if let Some(v) = o.response_limit {
        // Only the conversion to u64 is checked here; the core refuses 0.
        if !v.is_finite() || v < 0.0 || v.fract() != 0.0 || v > u64::MAX as f64 {
            return Err(invalid("responseLimit", "must be a whole number of bytes"));
        }
        b = b.response_limit(v as u64);
    }
    b.build().map_err(to_napi)
}

#[napi]
impl Client {
    /// Checks the options and builds the client; throws `INVALID_INPUT`
    /// naming the bad option.
    #[napi(constructor, catch_unwind)]
    pub fn new(options: Option<ClientOptions>) -> napi::Result<Self> {
        Ok(Client {
            inner: build(options)?,
        })
    }

    /// The API base URL this client talks to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// Step 1: asks the platform for the vendor's consent page URL, on a worker thread.
    #[napi(ts_return_type = "Promise<OAuthUrl>")]
    pub fn oauth_url(&self, request: OAuthUrlRequest) -> AsyncTask<Job<OAuthUrl>> {
        let client = self.inner.clone();
        AsyncTask::new(Job::new(move || oauth_url(&client, request)))
    }

    /// Step 1, blocking the calling thread (for scripts).
    #[napi(catch_unwind)]
    pub fn oauth_url_sync(&self, request: OAuthUrlRequest) -> napi::Result<OAuthUrl> {
        oauth_url(&self.inner, request)
    }

    /// Step 3: creates the instance with the code from the callback, on a
    /// worker thread. Never retried once it may have reached the platform; a
    /// `TIMEOUT`/`TRANSPORT` error with `mayHaveReachedServer` means the
    /// instance may exist (look with `listInstances`).
    #[napi(ts_return_type = "Promise<Instance>")]
    pub fn create_instance(&self, request: CreateInstanceRequest) -> AsyncTask<Job<Instance>> {
        let client = self.inner.clone();
        AsyncTask::new(Job::new(move || create_instance(&client, request)))
    }

    /// Step 3, blocking the calling thread (for scripts).
    #[napi(catch_unwind)]
    pub fn create_instance_sync(&self, request: CreateInstanceRequest) -> napi::Result<Instance> {
        create_instance(&self.inner, request)
    }

    /// Fetches one instance by id, on a worker thread.
    #[napi(ts_return_type = "Promise<Instance>")]
    pub fn get_instance(&self, id: i64) -> AsyncTask<Job<Instance>> {
        let client = self.inner.clone();
        AsyncTask::new(Job::new(move || get_instance(&client, id)))
    }

    /// Fetches one instance by id, blocking the calling thread.
    #[napi(catch_unwind)]
    pub fn get_instance_sync(&self, id: i64) -> napi::Result<Instance> {
        get_instance(&self.inner, id)
    }

    /// Lists the instances visible to the user and organization, on a worker thread.
    #[napi(ts_return_type = "Promise<Instance[]>")]
    pub fn list_instances(&self) -> AsyncTask<Job<Vec<Instance>>> {
        let client = self.inner.clone();
        AsyncTask::new(Job::new(move || list_instances(&client)))
    }

    /// Lists the instances, blocking the calling thread.
    #[napi(catch_unwind)]
    pub fn list_instances_sync(&self) -> napi::Result<Vec<Instance>> {
        list_instances(&self.inner)
    }

    /// Deletes one instance by id, on a worker thread.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn delete_instance(&self, id: i64) -> AsyncTask<Job<()>> {
        let client = self.inner.clone();
        AsyncTask::new(Job::new(move || delete_instance(&client, id)))
    }

    /// Deletes one instance by id, blocking the calling thread.
    #[napi(catch_unwind)]
    pub fn delete_instance_sync(&self, id: i64) -> napi::Result<()> {
        delete_instance(&self.inner, id)
    }
}

fn oauth_url(client: &elements_auth::Client, request: OAuthUrlRequest) -> napi::Result<OAuthUrl> {
    let request = request.into_core()?;
    client.oauth_url(&request).map(Into::into).map_err(to_napi)
}

fn create_instance(
    client: &elements_auth::Client,
    request: CreateInstanceRequest,
) -> napi::Result<Instance> {
    let request = request.into_core()?;
    client
        .create_instance(&request)
        .map(Into::into)
        .map_err(to_napi)
}

fn get_instance(client: &elements_auth::Client, id: i64) -> napi::Result<Instance> {
    client.get_instance(id).map(Into::into).map_err(to_napi)
}

fn list_instances(client: &elements_auth::Client) -> napi::Result<Vec<Instance>> {
    client
        .list_instances()
        .map(|items| items.into_iter().map(Into::into).collect())
        .map_err(to_napi)
}

fn delete_instance(client: &elements_auth::Client, id: i64) -> napi::Result<()> {
    client.delete_instance(id).map_err(to_napi)
}
