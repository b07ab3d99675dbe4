//! The emulated vendor side: an OAuth 2.0 authorization page with Allow and Deny.
//!
//! `GET /vendor/{element}/oauth2/authorize` shows the consent form (or, in
//! auto-consent mode, redirects straight back with a code);
//! `POST /vendor/{element}/oauth2/consent` takes the form's decision.

use crate::http::{Request, Response};
use crate::state::{find_element, Element, Grant};
use crate::util::{append_query, html_escape, is_absolute_http_url, random_url_safe};
use crate::{lock, Shared};
use std::time::Instant;

/// A validated authorization request: every field checked against what
/// `oauth/url` registered, so redirecting to `redirect_uri` is safe.
pub(crate) struct Authorization {
    pub element: &'static Element,
    pub client_id: String,
    pub redirect_uri: String,
    pub state: String,
    pub scope: String,
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Checks an authorization request; the error text is safe to show (no secrets).
pub(crate) fn validate(
    shared: &Shared,
    element_key: &str,
    params: &[(String, String)],
    require_response_type: bool,
) -> Result<Authorization, String> {
    let element = find_element(element_key)
        .filter(|e| e.oauth)
        .ok_or_else(|| format!("Unknown OAuth application vendor '{element_key}'"))?;
    if require_response_type && param(params, "response_type") != Some("code") {
        return Err("Unsupported response_type: only 'code' is supported".into());
    }
    let client_id = param(params, "client_id").ok_or("Missing client_id")?;
    let redirect_uri = param(params, "redirect_uri").ok_or("Missing redirect_uri")?;
    if !is_absolute_http_url(redirect_uri) {
        return Err("redirect_uri must be an absolute http(s) URL".into());
    }
    let state = lock(&shared.state);
    if !state.apps.contains_key(client_id) {
        return Err("Unknown client_id".into());
    }
    let triple = (
        element.key.to_string(),
        client_id.to_string(),
        redirect_uri.to_string(),
    );
    if !state.pending.contains_key(&triple) {
        return Err("redirect_uri is not registered for this client_id".into());
    }
    Ok(Authorization {
        element,
        client_id: client_id.to_string(),
        redirect_uri: redirect_uri.to_string(),
        state: param(params, "state").unwrap_or("").to_string(),
        scope: param(params, "scope").unwrap_or("").to_string(),
    })
}

/// Issues a fresh single-use code for a validated authorization.
pub(crate) fn issue_code(shared: &Shared, authz: &Authorization) -> String {
    let code = random_url_safe();
    let mut state = lock(&shared.state);
    let client_secret = state
        .apps
        .get(&authz.client_id)
        .cloned()
        .unwrap_or_default();
    let now = Instant::now();
    state.add_grant(
        code.clone(),
        Grant {
            element: authz.element.key,
            client_id: authz.client_id.clone(),
            client_secret,
            redirect_uri: authz.redirect_uri.clone(),
            issued_at: now,
            expires_at: now.checked_add(shared.code_ttl),
            used: false,
        },
        shared.code_ttl,
    );
    code
}

/// The callback URL for an allowed request: `code` and `state` appended.
pub(crate) fn allow_url(shared: &Shared, authz: &Authorization) -> String {
    let code = issue_code(shared, authz);
    append_query(
        &authz.redirect_uri,
        &[("code", &code), ("state", &authz.state)],
    )
}

/// The callback URL for a denied request: `error=access_denied` and `state`.
pub(crate) fn deny_url(authz: &Authorization) -> String {
    append_query(
        &authz.redirect_uri,
        &[
            ("error", "access_denied"),
            ("error_description", "The user denied access"),
            ("state", &authz.state),
        ],
    )
}

const STYLE: &str = "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
background:#eef2f7;color:#1f2937;display:flex;min-height:100vh;align-items:center;justify-content:center}\
main{background:#fff;max-width:28rem;width:90%;padding:2rem 2.25rem;border-radius:14px;\
box-shadow:0 10px 30px rgba(15,23,42,.12)}h1{font-size:1.35rem;margin:0 0 .25rem}\
.sub{color:#6b7280;margin:0 0 1.5rem;font-size:.9rem}dl{margin:0 0 1.5rem}dt{font-size:.75rem;\
text-transform:uppercase;letter-spacing:.05em;color:#6b7280;margin-top:.75rem}dd{margin:.15rem 0 0;\
font-family:ui-monospace,monospace;word-break:break-all}ul{margin:.25rem 0 0;padding-left:1.2rem}\
.actions{display:flex;gap:.75rem}button{flex:1;font-size:1rem;padding:.7rem 1rem;border-radius:8px;\
border:1px solid #d1d5db;cursor:pointer;background:#fff}button#allow{background:#2563eb;color:#fff;\
border-color:#2563eb}button:hover{filter:brightness(.95)}.err{color:#b91c1c}";

fn page(title: &str, inner: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{inner}\n</main>\n</body>\n</html>\n",
        html_escape(title)
    )
}

fn html(status: u16, body: String) -> Response {
    Response::new(status, "text/html; charset=utf-8", body)
        .with_header("Cache-Control", "no-store")
        .with_header("X-Frame-Options", "DENY")
}

/// A 400 HTML error page: a browser is never redirected to an unvalidated URI.
fn error_page(status: u16, message: &str) -> Response {
    let inner = format!(
        "<h1>Authorization request rejected</h1>\n<p class=\"sub\">Sandbox vendor</p>\n\
<p class=\"err\">{}</p>",
        html_escape(message)
    );
    html(status, page("Authorization error (sandbox)", &inner))
}

fn redirect(location: String) -> Response {
    let body = page(
        "Redirecting",
        &format!(
            "<p>Redirecting to <a href=\"{0}\">{0}</a></p>",
            html_escape(&location)
        ),
    );
    html(302, body).with_header("Location", location)
}

fn consent_page(authz: &Authorization) -> Response {
    let el = authz.element;
    let host = url::Url::parse(&authz.redirect_uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let scopes: Vec<String> = authz
        .scope
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| format!("<li>{}</li>", html_escape(s)))
        .collect();
    let scopes = if scopes.is_empty() {
        "<dd>(default access)</dd>".to_string()
    } else {
        format!("<dd><ul>{}</ul></dd>", scopes.join(""))
    };
    let inner = format!(
        "<h1>Sign in to {name} (sandbox)</h1>\n\
<p class=\"sub\">An application is asking for access to your {name} account.</p>\n\
<dl>\n<dt>Application (client_id)</dt><dd id=\"client-id\">{client}</dd>\n\
<dt>Requested scopes</dt>{scopes}\n\
<dt>You will be sent back to</dt><dd id=\"redirect-host\">{host}</dd>\n</dl>\n\
<form method=\"post\" action=\"/vendor/{key}/oauth2/consent\">\n\
<input type=\"hidden\" name=\"client_id\" value=\"{client}\">\n\
<input type=\"hidden\" name=\"redirect_uri\" value=\"{redirect}\">\n\
<input type=\"hidden\" name=\"state\" value=\"{state}\">\n\
<input type=\"hidden\" name=\"scope\" value=\"{scope}\">\n\
<div class=\"actions\">\n\
<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button>\n\
<button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>\n\
</div>\n</form>",
        name = html_escape(el.name),
        key = el.key,
        client = html_escape(&authz.client_id),
        redirect = html_escape(&authz.redirect_uri),
        state = html_escape(&authz.state),
        scope = html_escape(&authz.scope),
        host = html_escape(&host),
    );
    html(
        200,
        page(&format!("Sign in to {} (sandbox)", el.name), &inner),
    )
}

/// Serves `/vendor/...`; `None` when the path is not a vendor route.
pub(crate) fn handle(shared: &Shared, req: &Request) -> Option<Response> {
    let rest = req.path.strip_prefix("/vendor/")?;
    let segs: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let [element_key, "oauth2", action] = segs.as_slice() else {
        return Some(error_page(404, "No such page"));
    };
    let element_key = percent_encoding::percent_decode_str(element_key)
        .decode_utf8_lossy()
        .into_owned();
    match (*action, req.method.as_str()) {
        ("authorize", "GET") => {
            let params = req.query();
            Some(match validate(shared, &element_key, &params, true) {
                Err(msg) => error_page(400, &msg),
                Ok(authz) if shared.auto_consent => redirect(allow_url(shared, &authz)),
                Ok(authz) => consent_page(&authz),
            })
        }
        ("consent", "POST") => {
            let ct = req.header("content-type").unwrap_or("");
            if !ct
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
            {
                return Some(error_page(
                    415,
                    "The consent form must be posted as application/x-www-form-urlencoded",
                ));
            }
            let params: Vec<(String, String)> =
                form_urlencoded::parse(&req.body).into_owned().collect();
            let authz = match validate(shared, &element_key, &params, false) {
                Ok(a) => a,
                Err(msg) => return Some(error_page(400, &msg)),
            };
            Some(match param(&params, "decision") {
                Some("allow") => redirect(allow_url(shared, &authz)),
                Some("deny") => redirect(deny_url(&authz)),
                _ => error_page(400, "decision must be 'allow' or 'deny'"),
            })
        }
        ("authorize", _) | ("consent", _) => {
            Some(error_page(405, "Method not allowed").with_header(
                "Allow",
                if *action == "authorize" {
                    "GET"
                } else {
                    "POST"
                },
            ))
        }
        _ => Some(error_page(404, "No such page")),
    }
}

/// Shared by `Sandbox::approve` and `Sandbox::deny`: validates an `oauthUrl`.
pub(crate) fn authorization_from_url(
    shared: &Shared,
    oauth_url: &str,
) -> Result<Authorization, String> {
    let url = url::Url::parse(oauth_url)
        .map_err(|_| "oauth URL is not a valid absolute URL".to_string())?;
    let path = url.path();
    let element_key = path
        .strip_prefix("/vendor/")
        .and_then(|p| p.strip_suffix("/oauth2/authorize"))
        .filter(|k| !k.is_empty() && !k.contains('/'))
        .ok_or(
            "oauth URL is not a sandbox authorization URL (/vendor/{element}/oauth2/authorize)",
        )?;
    let params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    validate(shared, element_key, &params, true)
}
