//! `Client`: the platform client; each network call as a Promise and a `...Sync` twin.

use crate::error::{sync, Failure};
use crate::js::{self, Id, Spread};
use crate::task::Job;
use crate::types::{
    ClientOptions, CreateInstanceRequest, Instance, OAuthUrl, OAuthUrlRequest,
    CREATE_INSTANCE_REQUEST_FIELDS, OAUTH_URL_REQUEST_FIELDS,
};
use napi::bindgen_prelude::{AsyncTask, ToNapiValue, TypeName, Unknown};
use napi::Env;
use napi_derive::napi;

/// The platform client. Build it once and share it: calls on one client may
/// run concurrently and reuse connections.
#[napi]
pub struct Client {
    inner: elements_auth::Client,
}

/// This binding and the running Node.js, for the `User-Agent`.
fn binding(env: &Env) -> elements_auth::Binding {
    let runtime = env
        .get_node_version()
        .ok()
        .map(|v| format!("{}.{}.{}", v.major, v.minor, v.patch));
    elements_auth::Binding::new("node", runtime)
}

impl Client {
    /// Builds a client from options already read.
    pub(crate) fn build(env: &Env, options: ClientOptions) -> Result<Client, Failure> {
        let inner = options.into_core(binding(env))?.build()?;
        Ok(Client { inner })
    }
}

/// A Promise that runs `work` on the pool once `args` were read; an argument
/// refused rejects it (a Promise method never throws).
fn promise<A, T>(
    args: Result<A, elements_auth::Error>,
    work: impl FnOnce(A) -> Result<T, Failure> + Send + 'static,
) -> AsyncTask<Job<T>>
where
    A: Send + 'static,
    T: ToNapiValue + TypeName + Send + 'static,
{
    AsyncTask::new(match args {
        Ok(args) => Job::new(move || work(args)),
        Err(err) => Job::failed(err.into()),
    })
}

#[napi]
impl Client {
    /// Checks the options and builds the client; throws `INVALID_INPUT`
    /// naming the bad option.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "ClientOptions | undefined | null")] options: Option<Unknown<'_>>,
    ) -> napi::Result<Self> {
        sync(
            &env,
            ClientOptions::read(options)
                .map_err(Failure::from)
                .and_then(|o| Client::build(&env, o)),
        )
    }

    /// The API base URL this client talks to.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// Step 1: asks the platform for the vendor's consent page URL, on a worker thread.
    #[napi(
        ts_args_type = "request: OAuthUrlRequest",
        ts_return_type = "Promise<OAuthUrl>"
    )]
    #[allow(clippy::too_many_arguments)]
    pub fn oauth_url(
        &self,
        request: Unknown<'_>,
        spread: Option<bool>,
        a0: Unknown<'_>,
        a1: Unknown<'_>,
        a2: Unknown<'_>,
        a3: Unknown<'_>,
        a4: Unknown<'_>,
        a5: Unknown<'_>,
        a6: Unknown<'_>,
        a7: Unknown<'_>,
    ) -> AsyncTask<Job<OAuthUrl>> {
        let client = self.inner.clone();
        let spread = Spread::new(
            &OAUTH_URL_REQUEST_FIELDS,
            spread,
            [a0, a1, a2, a3, a4, a5, a6, a7],
        );
        promise(OAuthUrlRequest::read(Some(request), spread), move |r| {
            oauth_url(&client, &r)
        })
    }

    /// Step 1, blocking the calling thread (for scripts).
    #[napi(catch_unwind, ts_args_type = "request: OAuthUrlRequest")]
    #[allow(clippy::too_many_arguments)]
    pub fn oauth_url_sync(
        &self,
        env: Env,
        request: Unknown<'_>,
        spread: Option<bool>,
        a0: Unknown<'_>,
        a1: Unknown<'_>,
        a2: Unknown<'_>,
        a3: Unknown<'_>,
        a4: Unknown<'_>,
        a5: Unknown<'_>,
        a6: Unknown<'_>,
        a7: Unknown<'_>,
    ) -> napi::Result<OAuthUrl> {
        let spread = Spread::new(
            &OAUTH_URL_REQUEST_FIELDS,
            spread,
            [a0, a1, a2, a3, a4, a5, a6, a7],
        );
        let result = OAuthUrlRequest::read(Some(request), spread)
            .map_err(Failure::from)
            .and_then(|r| oauth_url(&self.inner, &r));
        sync(&env, result)
    }

    /// Step 3: creates the instance with the code from the callback, on a
    /// worker thread. Never retried once it may have reached the platform: a
    /// `TIMEOUT`/`TRANSPORT`/5xx `API` error then has `mayHaveReachedServer`
    /// true and `retryable` false, as the instance may exist (look with
    /// `listInstances()` before starting over with a fresh code).
    #[napi(
        ts_args_type = "request: CreateInstanceRequest",
        ts_return_type = "Promise<Instance>"
    )]
    #[allow(clippy::too_many_arguments)]
    pub fn create_instance(
        &self,
        request: Unknown<'_>,
        spread: Option<bool>,
        a0: Unknown<'_>,
        a1: Unknown<'_>,
        a2: Unknown<'_>,
        a3: Unknown<'_>,
        a4: Unknown<'_>,
        a5: Unknown<'_>,
        a6: Unknown<'_>,
        a7: Unknown<'_>,
        a8: Unknown<'_>,
        a9: Unknown<'_>,
    ) -> AsyncTask<Job<Instance>> {
        let client = self.inner.clone();
        let spread = Spread::new(
            &CREATE_INSTANCE_REQUEST_FIELDS,
            spread,
            [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9],
        );
        promise(
            CreateInstanceRequest::read(Some(request), spread),
            move |r| create_instance(&client, &r),
        )
    }

    /// Step 3, blocking the calling thread (for scripts).
    #[napi(catch_unwind, ts_args_type = "request: CreateInstanceRequest")]
    #[allow(clippy::too_many_arguments)]
    pub fn create_instance_sync(
        &self,
        env: Env,
        request: Unknown<'_>,
        spread: Option<bool>,
        a0: Unknown<'_>,
        a1: Unknown<'_>,
        a2: Unknown<'_>,
        a3: Unknown<'_>,
        a4: Unknown<'_>,
        a5: Unknown<'_>,
        a6: Unknown<'_>,
        a7: Unknown<'_>,
        a8: Unknown<'_>,
        a9: Unknown<'_>,
    ) -> napi::Result<Instance> {
        let spread = Spread::new(
            &CREATE_INSTANCE_REQUEST_FIELDS,
            spread,
            [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9],
        );
        let result = CreateInstanceRequest::read(Some(request), spread)
            .map_err(Failure::from)
            .and_then(|r| create_instance(&self.inner, &r));
        sync(&env, result)
    }

    /// Fetches one instance by id, on a worker thread.
    #[napi(ts_return_type = "Promise<Instance>")]
    pub fn get_instance(
        &self,
        #[napi(ts_arg_type = "number")] id: Unknown<'_>,
    ) -> AsyncTask<Job<Instance>> {
        let client = self.inner.clone();
        promise(js::required::<Id>(Some(id), "id"), move |id| {
            get_instance(&client, id)
        })
    }

    /// Fetches one instance by id, blocking the calling thread.
    #[napi(catch_unwind)]
    pub fn get_instance_sync(
        &self,
        env: Env,
        #[napi(ts_arg_type = "number")] id: Unknown<'_>,
    ) -> napi::Result<Instance> {
        let result = js::required::<Id>(Some(id), "id")
            .map_err(Failure::from)
            .and_then(|id| get_instance(&self.inner, id));
        sync(&env, result)
    }

    /// Lists the instances visible to the user and organization, on a worker thread.
    #[napi(ts_return_type = "Promise<Instance[]>")]
    pub fn list_instances(&self) -> AsyncTask<Job<Vec<Instance>>> {
        let client = self.inner.clone();
        promise(Ok(()), move |()| list_instances(&client))
    }

    /// Lists the instances, blocking the calling thread.
    #[napi(catch_unwind)]
    pub fn list_instances_sync(&self, env: Env) -> napi::Result<Vec<Instance>> {
        sync(&env, list_instances(&self.inner))
    }

    /// Deletes one instance by id, on a worker thread. Not retried once it
    /// may have reached the platform.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn delete_instance(
        &self,
        #[napi(ts_arg_type = "number")] id: Unknown<'_>,
    ) -> AsyncTask<Job<()>> {
        let client = self.inner.clone();
        promise(js::required::<Id>(Some(id), "id"), move |id| {
            delete_instance(&client, id)
        })
    }

    /// Deletes one instance by id, blocking the calling thread.
    #[napi(catch_unwind)]
    pub fn delete_instance_sync(
        &self,
        env: Env,
        #[napi(ts_arg_type = "number")] id: Unknown<'_>,
    ) -> napi::Result<()> {
        let result = js::required::<Id>(Some(id), "id")
            .map_err(Failure::from)
            .and_then(|id| delete_instance(&self.inner, id));
        sync(&env, result)
    }
}

fn oauth_url(
    client: &elements_auth::Client,
    request: &elements_auth::OAuthUrlRequest,
) -> Result<OAuthUrl, Failure> {
    Ok(client.oauth_url(request)?.into())
}

fn create_instance(
    client: &elements_auth::Client,
    request: &elements_auth::CreateInstanceRequest,
) -> Result<Instance, Failure> {
    Ok(client.create_instance(request)?.into())
}

fn get_instance(client: &elements_auth::Client, id: Id) -> Result<Instance, Failure> {
    Ok(client.get_instance(id.0)?.into())
}

fn list_instances(client: &elements_auth::Client) -> Result<Vec<Instance>, Failure> {
    Ok(client
        .list_instances()?
        .into_iter()
        .map(Into::into)
        .collect())
}

fn delete_instance(client: &elements_auth::Client, id: Id) -> Result<(), Failure> {
    Ok(client.delete_instance(id.0)?)
}
