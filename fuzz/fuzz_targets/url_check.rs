//! The fast check of callback URLs against the full URL parser. Invariant:
//! for any text, both give the same verdict (the fast path only ever
//! accepts what the parser accepts, and defers everything else to it).
#![no_main]

use elements_auth::fuzzing::url_verdicts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (fast, full) = url_verdicts(text);
    assert_eq!(fast, full, "{text:?}");
});
