//! What the commands print: human lines by default, JSON with `--json`.

use elements_auth::{Instance, OAuthUrl};
use serde_json::{json, Value};

/// How a secret is shown in human output.
pub const MASK: &str = "********";

/// The instance as printed by `create --json` and `login --json`.
///
/// Every field but `token` (the result) has each of `secrets` (user and
/// organization secrets, api secret, code, signature key) replaced by
/// `********`: `raw`, the platform's answer, and the name and tags echoed back.
pub fn instance_json(instance: &Instance, secrets: &[&str]) -> Value {
    json!({
        "id": instance.id,
        "name": scrub_text(&instance.name, secrets),
        "token": instance.token.expose(),
        "element_key": scrub_text(&instance.element_key, secrets),
        "tags": instance.tags.iter().map(|t| scrub_text(t, secrets)).collect::<Vec<_>>(),
        "valid": instance.valid,
        "disabled": instance.disabled,
        "raw": scrub(&instance.raw(), secrets),
    })
}

/// `text` with each secret replaced by [`MASK`].
fn scrub_text(text: &str, secrets: &[&str]) -> String {
    elements_auth::scrub_with(text, secrets, MASK)
}

/// A value from the platform as a terminal may show it: scrubbed, and
/// without control or bidi characters (no escape sequences reach the screen).
fn shown(text: &str, secrets: &[&str]) -> String {
    elements_auth::printable(&scrub_text(text, secrets))
}

/// A JSON value with each secret in its strings replaced by [`MASK`].
fn scrub(value: &Value, secrets: &[&str]) -> Value {
    let mut value = value.clone();
    elements_auth::scrub_json(&mut value, secrets, MASK);
    value
}

/// Human lines for a created instance; the token last, on its own line.
/// The echoed name and tags are scrubbed of `secrets` like [`instance_json`].
pub fn instance_human(instance: &Instance, secrets: &[&str]) -> String {
    let mut out = format!(
        "instance  {} \"{}\" ({})\n",
        instance.id,
        shown(&instance.name, secrets),
        shown(&instance.element_key, secrets)
    );
    if !instance.tags.is_empty() {
        let tags = shown(&instance.tags.join(", "), secrets);
        out.push_str(&format!("tags      {tags}\n"));
    }
    out.push_str(&format!(
        "token     {}\n",
        elements_auth::printable(instance.token.expose())
    ));
    out
}

/// The OAuthUrl object as printed by `url --json`.
pub fn oauth_url_json(url: &OAuthUrl) -> Value {
    json!({ "element": url.element, "oauth_url": url.oauth_url, "state": url.state })
}

/// A URL with the values of the named query parameters masked (for the code in a callback).
pub fn mask_query(url: &str, names: &[&str]) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if names.contains(&k) => format!("{k}={MASK}"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}
