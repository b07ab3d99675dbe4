//! The pages the loopback listener shows the browser, and what they say.

use elements_auth::{CallbackQuery, Error};
use std::io::Write as _;
use std::net::TcpStream;

/// A page served to the browser: status, title, message.
pub struct Page {
    pub status: u16,
    pub title: String,
    pub message: String,
    pub ok: bool,
}

impl Page {
    /// A failure page.
    pub fn failure(status: u16, title: &str, message: impl Into<String>) -> Page {
        Page {
            status,
            title: title.into(),
            message: message.into(),
            ok: false,
        }
    }

    /// The success page.
    pub fn success(message: String) -> Page {
        Page {
            status: 200,
            title: "Signed in".into(),
            message,
            ok: true,
        }
    }
}

/// Said of a callback that reports a vendor error without this sign-in's state.
pub const UNTRUSTED_ERROR: &str = "It reports an error from the vendor, but without the state of this sign-in that report cannot be trusted.";

/// The failure page for a callback (`query`, when it could be read) that
/// cannot be used, saying why.
pub fn failure_page(e: &Error, query: Option<&CallbackQuery>) -> Page {
    let message = match e {
        Error::AuthorizationDenied { .. } => {
            format!("Consent was denied at the vendor, so no instance was created. ({e})")
        }
        Error::StateMismatch { .. } => {
            // The state is checked first, so a refusal without the right
            // state lands here: say why it was not taken for a denial.
            let denial = if query.is_some_and(CallbackQuery::claims_error) {
                format!(" {UNTRUSTED_ERROR}")
            } else {
                String::new()
            };
            format!(
                "This callback does not belong to the sign-in that elements-auth started (its state is missing or does not match), so it was rejected and no instance was created.{denial} ({e})"
            )
        }
        Error::InvalidCallback { .. } => {
            format!("The callback carries no authorization code, so no instance was created. ({e})")
        }
        other => format!("The callback could not be used: {other}"),
    };
    Page::failure(400, "Sign-in failed", message)
}

/// Writes `page` as a whole HTTP response and closes the exchange.
pub fn write_page(stream: &mut TcpStream, page: &Page) -> std::io::Result<()> {
    let reason = match page.status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
    let (color, mark) = if page.ok {
        ("#15803d", "&#10003;")
    } else {
        ("#b91c1c", "&#10007;")
    };
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{title} - elements-auth</title>\n<style>body{{margin:0;font-family:system-ui,sans-serif;\
background:#eef2f7;color:#1f2937;display:flex;min-height:100vh;align-items:center;justify-content:center}}\
main{{background:#fff;max-width:30rem;width:90%;padding:2rem;border-radius:14px;\
box-shadow:0 10px 30px rgba(15,23,42,.12)}}h1{{font-size:1.35rem;margin:0 0 .75rem;color:{color}}}\
p{{line-height:1.5}}.sub{{color:#6b7280;font-size:.85rem;margin-bottom:0}}</style>\n</head>\n<body>\n<main>\n<h1 id=\"result\">{mark} {title}</h1>\n\
<p id=\"message\">{message}</p>\n<p class=\"sub\">elements-auth</p>\n</main>\n</body>\n</html>\n",
        title = html_escape(&page.title),
        message = html_escape(&page.message),
    );
    write!(
        stream,
        "HTTP/1.1 {} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
Cache-Control: no-store\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        page.status,
        body.len()
    )?;
    stream.flush()
}

/// Escapes text for HTML element content and double-quoted attribute values.
fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
