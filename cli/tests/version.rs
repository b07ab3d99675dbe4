//! `elements-auth --version` prints the workspace version, the one version
//! every artifact shares (scripts/version.sh; scripts/test-dist.sh checks the
//! released binary the same way).

use std::process::Command;

/// `version` in `[workspace.package]` of the root Cargo.toml, read as text.
fn workspace_version() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let text = std::fs::read_to_string(path).expect("the workspace Cargo.toml");
    let section = text
        .split("\n[")
        .find(|s| s.starts_with("workspace.package]"))
        .expect("a [workspace.package] section");
    let line = section
        .lines()
        .find(|l| l.starts_with("version = "))
        .expect("a version in [workspace.package]");
    line.trim_start_matches("version = ")
        .trim_matches('"')
        .to_owned()
}

#[test]
fn version_flag_prints_the_workspace_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_elements-auth"))
        .arg("--version")
        .output()
        .expect("run elements-auth --version");
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(stdout, format!("elements-auth {}\n", workspace_version()));
}
