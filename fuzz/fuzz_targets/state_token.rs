//! `StateSigner::verify` on any token and subject. Invariants: a token this
//! signer did not sign never verifies (whatever the input, only a token made
//! by `sign` passes); one it signed verifies, for its subject only, until it
//! expires and not after; and a change to one character of it is refused.
#![no_main]

use elements_auth::{ErrorKind, Mismatch, StateSigner};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzz-state-secret-0123456789abcdef";
const OTHER: &[u8] = b"fuzz-other-secret-0123456789abcdef";

fuzz_target!(|data: &[u8]| {
    let signer = StateSigner::new("k1", SECRET)
        .unwrap()
        .previous_key("k0", OTHER)
        .unwrap();
    // subject \xff token
    let mut parts = data.splitn(2, |b| *b == 0xff);
    let subject = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let token = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    if subject.is_empty() {
        let err = signer.verify(&token, "").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        return;
    }
    // Arbitrary input never verifies: forging needs the secret. (A token
    // signed by a real signer cannot come out of the fuzzer by chance.)
    match signer.verify(&token, &subject) {
        Ok(claims) => panic!("an input the signer never made verified: {claims:?}"),
        Err(e) => assert_eq!(e.kind(), ErrorKind::StateMismatch, "{e}"),
    }
    // What the signer makes verifies for its subject, and for no other.
    let element = ["concur", "dropbox", "zendesk"][usize::from(data.first().copied().unwrap_or(0)) % 3];
    let signed = signer.sign(element, &subject).unwrap();
    let claims = signer.verify(&signed, &subject).unwrap();
    assert_eq!(claims.element, element);
    assert_eq!(claims.key_id, "k1");
    assert_eq!(claims.expires_at, claims.issued_at + 600);
    let other = format!("{subject}x");
    let err = signer.verify(&signed, &other).unwrap_err();
    assert_eq!(err.mismatch(), Some(Mismatch::OtherSubject));
    // A token made at a fixed time verifies at every second of its life, and
    // not from its expiry on (the test hooks run the clock; sign_for_test
    // only makes tokens already expired in real time).
    // Some second between 2020 and 2023: long expired, as sign_for_test requires.
    let t0 = 1_600_000_000 + u64::from(u32::from_le_bytes(pad::<4>(data)) % 100_000_000);
    let old = signer
        .sign_for_test(element, &subject, t0, &pad::<16>(data))
        .unwrap();
    for now in [t0, t0 + 1, t0 + 599] {
        let c = signer.verify_for_test(&old, &subject, now).unwrap();
        assert_eq!((c.issued_at, c.expires_at), (t0, t0 + 600));
    }
    for now in [t0 + 600, t0 + 601, u64::MAX] {
        let e = signer.verify_for_test(&old, &subject, now).unwrap_err();
        assert_eq!(e.mismatch(), Some(Mismatch::Expired), "{e}");
    }
    // One character changed anywhere is refused, live or not.
    for token in [signed, old] {
        let mut bytes = token.into_bytes();
        let i = data.len() % bytes.len();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(bytes).expect("a token is ASCII");
        assert!(signer.verify(&changed, &subject).is_err(), "{changed}");
        assert!(signer.verify_for_test(&changed, &subject, t0 + 1).is_err(), "{changed}");
    }
});

/// The first N bytes of `data`, zero-padded.
fn pad<const N: usize>(data: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let n = data.len().min(N);
    out[..n].copy_from_slice(&data[..n]);
    out
}
