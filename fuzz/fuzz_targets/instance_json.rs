//! `Instance::from_json` on any JSON. Invariants: it never panics; a decoded
//! instance has a non-empty token and its whole answer in `raw`.
#![no_main]

use elements_auth::Instance;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Ok(instance) = Instance::from_json(value.clone()) {
        assert!(!instance.token.is_empty());
        assert_eq!(instance.raw(), value);
        assert_eq!(value["token"].as_str(), Some(instance.token.expose()));
    }
});
