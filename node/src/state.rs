//! `StateSigner`: signed, stateless OAuth state for web services. Conversion
//! only: the token format and every check live in the core.

use crate::error::{sync, Failure};
use crate::js::{self, Body, Check, Fields, FromJs, Whole};
use crate::types::Grant;
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

/// Options of `new StateSigner(...)`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct StateSignerOptions {
    /// The id of the key that signs: 1 to 32 of `A-Z a-z 0-9 _ -`.
    pub key_id: String,
    /// Its secret, at least 32 bytes (a string is taken as UTF-8), shared by every replica.
    #[napi(ts_type = "string | Buffer")]
    pub secret: Body,
    /// Lifetime of a new token in whole seconds (default 600).
    pub ttl_seconds: Option<f64>,
    /// Keys used before a rotation: they no longer sign, but still verify.
    #[napi(ts_type = "Array<{ keyId: string, secret: string | Buffer }>")]
    pub previous: Option<Vec<PreviousKey>>,
}

/// One entry of `previous`.
pub struct PreviousKey {
    key_id: String,
    secret: Vec<u8>,
}

impl FromJs for PreviousKey {
    fn from_js(value: Unknown<'_>, field: &str) -> Check<Self> {
        let f = Fields::nested(value, field)?;
        Ok(PreviousKey {
            key_id: f.required("keyId")?,
            secret: f.required::<Body>("secret")?.0,
        })
    }
}

/// The core signer for the `options` argument.
fn build(options: Option<Unknown<'_>>) -> Check<elements_auth::StateSigner> {
    let f = Fields::argument(js::present(options, "options")?, "options")?;
    let o = StateSignerOptions {
        key_id: f.required("keyId")?,
        secret: f.required("secret")?,
        ttl_seconds: f.optional("ttlSeconds")?,
        previous: f.optional("previous")?,
    };
    let mut signer = elements_auth::StateSigner::new(&o.key_id, o.secret.0)?;
    if let Some(seconds) = o.ttl_seconds {
        signer = signer.ttl(elements_auth::seconds("ttlSeconds", seconds)?)?;
    }
    for key in o.previous.unwrap_or_default() {
        signer = signer.previous_key(&key.key_id, key.secret)?;
    }
    Ok(signer)
}

/// Two required string arguments: what every call takes first.
fn strings(
    (a, a_name): (Unknown<'_>, &str),
    (b, b_name): (Unknown<'_>, &str),
) -> Check<(String, String)> {
    Ok((
        js::required(Some(a), a_name)?,
        js::required(Some(b), b_name)?,
    ))
}

/// What a verified state token says.
#[napi(object)]
pub struct StateClaims {
    /// The element key the sign-in was started for, such as `concur`.
    pub element: String,
    /// The id of the key that signed the token (a previous key after a rotation).
    pub key_id: String,
    /// When the token was issued, in seconds since the Unix epoch.
    pub issued_at: i64,
    /// When the token stops being valid, in seconds since the Unix epoch.
    pub expires_at: i64,
}

impl From<elements_auth::StateClaims> for StateClaims {
    fn from(c: elements_auth::StateClaims) -> StateClaims {
        // Seconds since 1970 stay far below 2^63 (and 2^53) for ages.
        StateClaims {
            element: c.element,
            key_id: c.key_id,
            issued_at: c.issued_at as i64,
            expires_at: c.expires_at as i64,
        }
    }
}

/// Signs and checks OAuth `state` tokens that carry their own proof, so that
/// any replica of a web service (sharing the secret) can check the callback
/// of a sign-in another replica started, with nothing stored in between.
/// Every failed check throws `STATE_MISMATCH` whose `mismatch` says what was
/// wrong (`expired`, `other_subject`, `bad_signature`, `unknown_key`,
/// `malformed`...). `util.inspect` shows the key ids and the TTL, never a secret.
#[napi]
pub struct StateSigner {
    inner: elements_auth::StateSigner,
}

#[napi]
impl StateSigner {
    /// Checks the options and builds the signer; throws `INVALID_INPUT`
    /// naming the bad option (a secret shorter than 32 bytes, say).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "StateSignerOptions")] options: Option<Unknown<'_>>,
    ) -> napi::Result<Self> {
        let inner = sync(&env, build(options).map_err(Failure::from))?;
        Ok(StateSigner { inner })
    }

    /// The id of the key that signs.
    #[napi(getter)]
    pub fn key_id(&self) -> String {
        self.inner.key_id().to_owned()
    }

    /// The ids of the keys that only verify (used before a rotation).
    #[napi(getter)]
    pub fn previous_key_ids(&self) -> Vec<String> {
        self.inner.previous_key_ids()
    }

    /// The lifetime of a new token, in seconds.
    #[napi(getter)]
    pub fn ttl_seconds(&self) -> f64 {
        self.inner.ttl_seconds() as f64
    }

    /// A new state token for a sign-in of `subject` (your user's id) to
    /// `element`: pass it as `state` to `client.oauthUrl`.
    #[napi(catch_unwind, ts_args_type = "element: string, subject: string")]
    pub fn sign(
        &self,
        env: Env,
        element: Unknown<'_>,
        subject: Unknown<'_>,
    ) -> napi::Result<String> {
        let result = strings((element, "element"), (subject, "subject"))
            .and_then(|(element, subject)| self.inner.sign(&element, &subject));
        sync(&env, result.map_err(Failure::from))
    }

    /// Checks `state` for `subject` now and returns what it says; throws
    /// `STATE_MISMATCH` (see `mismatch`) when it does not verify.
    #[napi(catch_unwind, ts_args_type = "state: string, subject: string")]
    pub fn verify(
        &self,
        env: Env,
        state: Unknown<'_>,
        subject: Unknown<'_>,
    ) -> napi::Result<StateClaims> {
        let result = strings((state, "state"), (subject, "subject"))
            .and_then(|(state, subject)| self.inner.verify(&state, &subject));
        sync(&env, result.map(StateClaims::from).map_err(Failure::from))
    }

    /// `parseCallback` with the state checked as `verify` checks it for
    /// `subject` (first, so that a forged callback cannot pose as a denial).
    #[napi(catch_unwind, ts_args_type = "callback: string, subject: string")]
    pub fn parse_callback(
        &self,
        env: Env,
        callback: Unknown<'_>,
        subject: Unknown<'_>,
    ) -> napi::Result<Grant> {
        let result = strings((callback, "callback"), (subject, "subject"))
            .and_then(|(callback, subject)| self.inner.parse_callback(&callback, &subject));
        sync(&env, result.map(Grant::from).map_err(Failure::from))
    }

    /// `sign` at a fixed time (seconds since the Unix epoch) with a fixed
    /// 16-byte nonce, for test vectors only: it refuses to make a token that
    /// would still be valid now.
    #[napi(
        catch_unwind,
        ts_args_type = "element: string, subject: string, issuedAt: number, nonce: Buffer"
    )]
    pub fn sign_for_test(
        &self,
        env: Env,
        element: Unknown<'_>,
        subject: Unknown<'_>,
        issued_at: Unknown<'_>,
        nonce: Unknown<'_>,
    ) -> napi::Result<String> {
        let result = (|| {
            let (element, subject) = strings((element, "element"), (subject, "subject"))?;
            let Whole(issued_at) = js::required(Some(issued_at), "issuedAt")?;
            let nonce: Body = js::required(Some(nonce), "nonce")?;
            self.inner
                .sign_for_test(&element, &subject, issued_at, &nonce.0)
        })();
        sync(&env, result.map_err(Failure::from))
    }

    /// `verify` as if it were `now` (seconds since the Unix epoch), for test
    /// vectors only: it refuses a token that is still valid now.
    #[napi(
        catch_unwind,
        ts_args_type = "state: string, subject: string, now: number"
    )]
    pub fn verify_for_test(
        &self,
        env: Env,
        state: Unknown<'_>,
        subject: Unknown<'_>,
        now: Unknown<'_>,
    ) -> napi::Result<StateClaims> {
        let result = (|| {
            let (state, subject) = strings((state, "state"), (subject, "subject"))?;
            let Whole(now) = js::required(Some(now), "now")?;
            self.inner.verify_for_test(&state, &subject, now)
        })();
        sync(&env, result.map(StateClaims::from).map_err(Failure::from))
    }
}
