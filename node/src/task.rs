//! One generic libuv-pool job: the blocking core call runs off the JS thread.

use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{Env, Task};

/// A blocking closure run by `compute` on the libuv thread pool; its result
/// resolves the Promise, its error rejects it.
pub struct Job<T> {
    work: Option<Box<dyn FnOnce() -> napi::Result<T> + Send>>,
}

impl<T> Job<T> {
    /// Wraps the closure to run on the pool.
    pub fn new(work: impl FnOnce() -> napi::Result<T> + Send + 'static) -> Job<T> {
        Job {
            work: Some(Box::new(work)),
        }
    }
}

impl<T: ToNapiValue + TypeName + Send + 'static> Task for Job<T> {
    type Output = T;
    type JsValue = T;

    fn compute(&mut self) -> napi::Result<T> {
        match self.work.take() {
            Some(work) => work(),
            None => Err(napi::Error::from_reason("the job already ran")),
        }
    }

    fn resolve(&mut self, _env: Env, output: T) -> napi::Result<T> {
        Ok(output)
    }
}
