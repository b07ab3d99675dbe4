//! Opening a URL in the user's browser.

/// Opens `url` in the user's browser: `$BROWSER` (a `:`-separated list; `%s`
/// stands for the URL), else the platform's opener. Returns what was run.
pub fn open(url: &str) -> Result<String, String> {
    let candidates: Vec<String> = match std::env::var("BROWSER") {
        Ok(list) if !list.trim().is_empty() => list.split(':').map(str::to_owned).collect(),
        _ => default_openers(),
    };
    let mut errors = Vec::new();
    for cmd in candidates {
        let mut words: Vec<String> = cmd.split_whitespace().map(str::to_owned).collect();
        if words.is_empty() {
            continue;
        }
        if words.iter().any(|w| w.contains("%s")) {
            for w in &mut words {
                *w = w.replace("%s", url);
            }
        } else {
            words.push(url.to_owned());
        }
        let spawned = std::process::Command::new(&words[0])
            .args(&words[1..])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        match spawned {
            Ok(_) => return Ok(words[0].clone()),
            Err(e) => errors.push(format!("{}: {e}", words[0])),
        }
    }
    Err(errors.join("; "))
}

fn default_openers() -> Vec<String> {
    if cfg!(target_os = "macos") {
        vec!["open".into()]
    } else if cfg!(windows) {
        vec!["explorer".into()]
    } else {
        vec!["xdg-open".into()]
    }
}
