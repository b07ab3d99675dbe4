//! `CallbackQuery::parse` and `parse_callback` on any text. Invariants: a
//! parsed callback encoded back into a query parses to the same values; a
//! grant only ever comes with the expected state.
#![no_main]

use elements_auth::{encode_component, parse_callback, CallbackQuery};
use libfuzzer_sys::fuzz_target;

fn encode(q: &CallbackQuery) -> String {
    let mut parts = Vec::new();
    let mut put = |name: &str, value: Option<&str>| {
        if let Some(v) = value {
            parts.push(format!("{name}={}", encode_component(v)));
        }
    };
    put("code", q.code.as_ref().map(|c| c.expose()));
    put("state", q.state.as_deref());
    put("error", q.error.as_deref());
    put("error_description", q.error_description.as_deref());
    put("error_uri", q.error_uri.as_deref());
    parts.join("&")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(q) = CallbackQuery::parse(text) {
        let again = CallbackQuery::parse(&format!("?{}", encode(&q)));
        if q.is_callback() {
            assert_eq!(again.as_ref().ok(), Some(&q), "re-encoded: {}", encode(&q));
        }
    }
    // The expected state is the first line; the callback the rest.
    let (expected, callback) = text.split_once('\n').unwrap_or(("s", text));
    if let Ok(grant) = parse_callback(callback, expected) {
        assert_eq!(grant.state, expected);
        assert!(!grant.code.is_empty());
    }
});
