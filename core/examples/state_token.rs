//! The Rust side of the cross-language state token test (tests/cross/):
//!   state_token sign KEY_ID SECRET ELEMENT SUBJECT
//!   state_token verify KEY_ID SECRET STATE SUBJECT [PREVIOUS_KEY_ID PREVIOUS_SECRET]
//! `sign` prints the token; `verify` prints the claims as JSON, or the
//! error's kind and mismatch.

use elements_auth::{Error, StateSigner};

fn run(args: &[String]) -> Result<String, Error> {
    let signer = |id: &str, secret: &str| StateSigner::new(id, secret.as_bytes());
    match args {
        [cmd, id, secret, element, subject] if cmd == "sign" => {
            signer(id, secret)?.sign(element, subject)
        }
        [cmd, id, secret, state, subject, rest @ ..] if cmd == "verify" => {
            let mut s = signer(id, secret)?;
            if let [previous, previous_secret] = rest {
                s = s.previous_key(previous, previous_secret.as_bytes())?;
            }
            let c = s.verify(state, subject)?;
            Ok(serde_json::json!({
                "element": c.element, "key_id": c.key_id,
                "issued_at": c.issued_at, "expires_at": c.expires_at,
            })
            .to_string())
        }
        _ => Err(Error::invalid_input(
            "arguments",
            "see the usage in the source",
        )),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => println!("{out}"),
        Err(e) if e.kind() == elements_auth::ErrorKind::InvalidInput => {
            eprintln!("{e}");
            std::process::exit(2)
        }
        Err(e) => println!(
            "{}",
            serde_json::json!({"error": {"kind": e.kind().as_str(), "mismatch": e.mismatch().map(|m| m.as_str())}})
        ),
    }
}
