//! The sandbox's HTTP/1.1 request reader (also the CLI's callback listener's)
//! on any bytes, pipelined. Invariants: it never panics; a request it reads,
//! written back in canonical form, reads back the same.
#![no_main]

use elements_auth_sandbox::http::{read_request, Request};
use libfuzzer_sys::fuzz_target;
use std::io::{BufReader, Cursor};

fn canonical(r: &Request) -> Vec<u8> {
    let mut out = format!("{} {}", r.method, r.path).into_bytes();
    if !r.raw_query.is_empty() {
        out.push(b'?');
        out.extend_from_slice(r.raw_query.as_bytes());
    }
    out.extend_from_slice(b" HTTP/1.1\r\n");
    for (k, v) in &r.headers {
        if k != "content-length" {
            out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
    }
    // Only a body needs a length: a request at the header limit without one
    // must stay within it when written back.
    if !r.body.is_empty() {
        out.extend_from_slice(format!("content-length: {}\r\n", r.body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&r.body);
    out
}

fuzz_target!(|data: &[u8]| {
    let mut reader = BufReader::new(Cursor::new(data));
    for _ in 0..8 {
        match read_request(&mut reader, &mut Vec::new()) {
            Ok(Some(req)) => {
                let bytes = canonical(&req);
                let mut again = BufReader::new(Cursor::new(&bytes[..]));
                let back = read_request(&mut again, &mut Vec::new())
                    .expect("the canonical form reads")
                    .expect("a request");
                assert_eq!((back.method.as_str(), back.path.as_str()), (req.method.as_str(), req.path.as_str()));
                assert_eq!(back.raw_query, req.raw_query);
                assert_eq!(back.body, req.body);
                let others = |r: &Request| r.headers.iter().filter(|(k, _)| k != "content-length").cloned().collect::<Vec<_>>();
                assert_eq!(others(&back), others(&req));
            }
            Ok(None) | Err(_) => break,
        }
    }
});
