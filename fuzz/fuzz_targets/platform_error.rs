//! The error made of a platform answer with any status and body. Invariants:
//! it never panics, always has a message, and never shows the secret that
//! the body may echo (raw, percent-encoded, or broken by control characters).
#![no_main]

use elements_auth::fuzzing::platform_error;
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "S3cr3t-Value-xyz";

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (300 + u16::from_le_bytes([*a, *b]) % 300, rest),
        _ => (500, data),
    };
    // Also try the body with the secret spliced in, the way a platform echoes input.
    let mut echoed = body.to_vec();
    let at = body.len() / 2;
    echoed.splice(at..at, SECRET.bytes());
    for body in [body, &echoed[..]] {
        let e = platform_error(status, body, &[SECRET]);
        let text = e.to_string();
        assert!(!e.message().is_empty());
        assert!(!text.contains(SECRET), "{text}");
        assert_eq!(e.status(), Some(status));
        for field in [e.request_id(), e.provider_message()].into_iter().flatten() {
            assert!(!field.contains(SECRET), "{field}");
            assert!(!field.chars().any(char::is_control), "{field:?}");
        }
    }
});
