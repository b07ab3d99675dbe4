//! What the CLI's login listener does with a request: read it, read its
//! query as a callback, check it against the sign-in's state. Invariant: a
//! grant only ever comes from a callback that carries exactly that state.
#![no_main]

use elements_auth::CallbackQuery;
use elements_auth_sandbox::http::read_request;
use libfuzzer_sys::fuzz_target;
use std::io::{BufReader, Cursor};

const STATE: &str = "k3Jq-expected-state_0123456789abcdefghijklmno";

fuzz_target!(|data: &[u8]| {
    let mut reader = BufReader::new(Cursor::new(data));
    let Ok(Some(request)) = read_request(&mut reader, &mut Vec::new()) else {
        return;
    };
    let Ok(query) = CallbackQuery::parse(&format!("?{}", request.raw_query)) else {
        return;
    };
    let carried = query.state.clone();
    if let Ok(grant) = query.into_grant(STATE) {
        assert_eq!(carried.as_deref(), Some(STATE));
        assert_eq!(grant.state, STATE);
    }
});
