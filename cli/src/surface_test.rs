//! The `cli` column of `tests/surface.json` against the real command line,
//! in both directions: every command, flag and JSON key the manifest names
//! exists, and every command and flag the CLI has is in the manifest.

use crate::args::Cli;
use crate::error::{kind_exit_code, CliError};
use clap::CommandFactory;
use elements_auth::{ErrorDetails, ErrorKind};
use serde_json::Value;
use std::collections::BTreeSet;

fn manifest() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/surface.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("surface.json")).expect("JSON")
}

/// The cli names of a group (not `{"none": ...}`).
fn names(m: &Value, group: &str) -> Vec<String> {
    m["groups"][group]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("group {group}"))
        .iter()
        .filter_map(|i| i["cli"].as_str().map(str::to_owned))
        .collect()
}

/// Every subcommand and every long flag of the CLI.
fn real_commands_and_flags() -> (BTreeSet<String>, BTreeSet<String>) {
    let mut cli = Cli::command();
    // Adds clap's own --help and --version, so that --version is seen.
    cli.build();
    let mut commands = BTreeSet::new();
    let mut flags = BTreeSet::new();
    let mut add_flags = |cmd: &clap::Command| {
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long() {
                flags.insert(format!("--{long}"));
            }
        }
    };
    add_flags(&cli);
    for sub in cli.get_subcommands() {
        commands.insert(sub.get_name().to_owned());
        add_flags(sub);
    }
    (commands, flags)
}

/// Keys of the JSON the commands print, from the functions that build it.
fn real_json_keys() -> BTreeSet<String> {
    let instance = elements_auth::Instance::from_json(serde_json::json!({"id": 1, "token": "t"}))
        .expect("instance");
    let url = elements_auth::OAuthUrl {
        element: "e".into(),
        oauth_url: "https://v.example/a".into(),
        state: "s".into(),
    };
    let mut keys = BTreeSet::new();
    for v in [
        crate::output::instance_json(&instance, &[]),
        crate::output::oauth_url_json(&url),
        crate::commands::sandbox_json(
            &elements_auth_sandbox::Sandbox::start(Default::default()).expect("sandbox"),
        ),
        CliError::Core(elements_auth::Error::invalid_input("f", "r")).to_json()["error"].clone(),
        // What `trigger --wait --json` prints (`trigger --json` prints its event_id).
        crate::events::delivery_json(&serde_json::json!({})),
    ] {
        keys.extend(v.as_object().expect("object").keys().cloned());
    }
    // Every detail reaches the JSON error when it applies.
    keys.extend(ErrorDetails::FIELD_NAMES.iter().map(|s| s.to_string()));
    keys
}

#[test]
fn the_cli_column_matches_the_command_line() {
    let m = manifest();
    let (commands, flags) = real_commands_and_flags();
    let keys = real_json_keys();
    let codes: BTreeSet<String> = ErrorKind::ALL
        .iter()
        .map(|k| kind_exit_code(*k).to_string())
        .collect();
    let mut listed = BTreeSet::new();
    for group in m["groups"].as_object().expect("groups").keys() {
        for name in names(&m, group) {
            let known = commands.contains(&name)
                || flags.contains(&name)
                || keys.contains(&name)
                || codes.contains(&name)
                || name.starts_with("ELEMENTS_")
                || name == "Ctrl-C";
            assert!(
                known,
                "{group}: the manifest names {name:?}, which the CLI does not have"
            );
            listed.insert(name);
        }
    }
    for name in commands.iter().chain(flags.iter()) {
        // clap's own help, the same in every command line.
        if name == "help" || name == "--help" {
            continue;
        }
        assert!(
            listed.contains(name),
            "the CLI has {name}, which the manifest does not list"
        );
    }
    for (i, item) in m["groups"]["error_kinds"]["items"]
        .as_array()
        .expect("kinds")
        .iter()
        .enumerate()
    {
        assert_eq!(
            item["cli"].as_str(),
            Some(kind_exit_code(ErrorKind::ALL[i]).to_string().as_str())
        );
    }
}
