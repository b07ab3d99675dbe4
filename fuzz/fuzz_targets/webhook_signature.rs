//! `verify_webhook_signature` on any key, body and header. Invariants: the
//! header `sign_webhook` makes verifies, in both forms; changing one byte of
//! the body, or one character of the signature, makes it fail.
#![no_main]

use elements_auth::{sign_webhook, verify_webhook_signature};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // key \xff body \xff header
    let mut parts = data.splitn(3, |b| *b == 0xff);
    let key = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let body = parts.next().unwrap_or_default();
    let header = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let _ = verify_webhook_signature(&key, body, &header);
    if key.is_empty() {
        assert!(verify_webhook_signature(&key, body, &header).is_err());
        return;
    }
    let signed = sign_webhook(&key, body);
    verify_webhook_signature(&key, body, &signed).expect("its own signature verifies");
    let bare = signed.trim_start_matches("sha256=");
    verify_webhook_signature(&key, body, bare).expect("the bare form verifies");
    if !body.is_empty() {
        let mut other = body.to_vec();
        let i = usize::from(body[0]) % other.len();
        other[i] ^= 0x01;
        assert!(verify_webhook_signature(&key, &other, &signed).is_err());
    }
    let mut forged = signed.into_bytes();
    let i = 7 + usize::from(data.first().copied().unwrap_or(0)) % (forged.len() - 8);
    forged[i] = if forged[i] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).expect("base64 is ASCII");
    assert!(verify_webhook_signature(&key, body, &forged).is_err());
});
