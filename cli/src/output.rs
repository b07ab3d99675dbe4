//! What the commands print: human lines by default, JSON with `--json`.

use elements_auth::{Instance, OAuthUrl};
use serde_json::{json, Value};

/// How a secret is shown in human output.
pub const MASK: &str = "********";

/// The instance as printed by `create --json` and `login --json`.
///
/// `raw` is the platform's answer with every known secret other than the
/// token (api secret, signature key, code...) replaced by `********`.
pub fn instance_json(instance: &Instance, secrets: &[&str]) -> Value {
    json!({
        "id": instance.id,
        "name": instance.name,
        "token": instance.token.expose(),
        "element_key": instance.element_key,
        "tags": instance.tags,
        "valid": instance.valid,
        "disabled": instance.disabled,
        "raw": scrub(&instance.raw, secrets),
    })
}

/// Replaces each secret inside every string of a JSON value.
fn scrub(value: &Value, secrets: &[&str]) -> Value {
    match value {
        Value::String(s) => {
            let mut out = s.clone();
            for secret in secrets.iter().filter(|s| !s.is_empty()) {
                out = out.replace(secret, MASK);
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| scrub(v, secrets)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), scrub(v, secrets)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Human lines for a created instance; the token last, on its own line.
pub fn instance_human(instance: &Instance) -> String {
    let mut out = format!(
        "instance  {} \"{}\" ({})\n",
        instance.id, instance.name, instance.element_key
    );
    if !instance.tags.is_empty() {
        out.push_str(&format!("tags      {}\n", instance.tags.join(", ")));
    }
    out.push_str(&format!("token     {}\n", instance.token.expose()));
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
