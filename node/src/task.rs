//! One generic libuv-pool job: the blocking core call runs off the JS thread,
//! and its failure comes back as data, made a JS error on the JS thread.

use crate::error::{throwable, Failure};
use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{Env, Status, Task};
use std::panic::{catch_unwind, AssertUnwindSafe};

type Work<T> = Box<dyn FnOnce() -> Result<T, Failure> + Send>;

/// A blocking closure run by `compute` on the libuv thread pool: its value
/// resolves the Promise; its [`Failure`] waits in a side slot for `reject`,
/// which builds the `ElementsAuthError` on the JS thread. A panic rejects
/// with a plain `Error` carrying the panic message instead of aborting Node.
pub struct Job<T> {
    work: Option<Work<T>>,
    failure: Option<Failure>,
}

impl<T> Job<T> {
    /// Wraps the closure to run on the pool.
    pub(crate) fn new(work: impl FnOnce() -> Result<T, Failure> + Send + 'static) -> Job<T> {
        Job {
            work: Some(Box::new(work)),
            failure: None,
        }
    }

    /// A job that rejects with `failure` without running anything: an
    /// argument was refused, and a Promise method rejects rather than throws.
    pub(crate) fn failed(failure: Failure) -> Job<T> {
        Job {
            work: None,
            failure: Some(failure),
        }
    }
}

/// The error napi sees while the real one waits in the side slot.
fn placeholder() -> napi::Error {
    napi::Error::new(Status::GenericFailure, "elements-auth call failed")
}

/// A panic's message, as napi's `catch_unwind` gives it on the sync twins.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic from Rust code".to_owned()
    }
}

impl<T: ToNapiValue + TypeName + Send + 'static> Task for Job<T> {
    type Output = T;
    type JsValue = T;

    fn compute(&mut self) -> napi::Result<T> {
        let Some(work) = self.work.take() else {
            return Err(placeholder());
        };
        match catch_unwind(AssertUnwindSafe(work)) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(failure)) => {
                self.failure = Some(failure);
                Err(placeholder())
            }
            Err(payload) => Err(napi::Error::new(
                Status::GenericFailure,
                panic_message(payload.as_ref()),
            )),
        }
    }

    fn resolve(&mut self, _env: Env, output: T) -> napi::Result<T> {
        Ok(output)
    }

    fn reject(&mut self, env: Env, err: napi::Error) -> napi::Result<T> {
        match self.failure.take() {
            Some(failure) => Err(throwable(&env, failure)),
            None => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_waits_in_the_side_slot() {
        let mut job: Job<u32> = Job::new(|| Err(Failure::Sandbox("nope".into())));
        assert!(job.compute().is_err());
        assert!(matches!(job.failure, Some(Failure::Sandbox(ref m)) if m == "nope"));
    }

    #[test]
    fn a_failed_job_runs_nothing_and_keeps_its_failure() {
        let mut job: Job<u32> = Job::failed(Failure::Sandbox("refused".into()));
        assert!(job.compute().is_err());
        assert!(job.failure.is_some());
    }

    #[test]
    fn a_panic_becomes_an_error_with_its_message() {
        let mut job: Job<u32> = Job::new(|| panic!("core bug {}", 7));
        let err = job.compute().expect_err("the panic is caught");
        assert_eq!(err.reason, "core bug 7");
        assert!(job.failure.is_none());
    }

    #[test]
    fn a_value_resolves() {
        let mut job: Job<u32> = Job::new(|| Ok(5));
        assert_eq!(job.compute().ok(), Some(5));
    }
}
