//! `elements-auth`: authenticate Cloud Elements / SAP Open Connectors element
//! instances from the command line (OAuth 2.0 redirect URL, callback, instance).

mod args;
mod browser;
mod commands;
mod demo;
mod error;
mod events;
mod inputs;
mod login;
mod output;
#[cfg(test)]
mod surface_test;

use args::{Cli, Command};
use clap::Parser;

fn main() {
    let cli = Cli::parse();
    let json = cli.json;
    let result = match cli.command {
        Command::Demo => demo::demo(json),
        Command::Sandbox(a) => commands::sandbox(&a, json),
        Command::Url(a) => commands::url(&a, json),
        Command::Create(a) => commands::create(&a, json),
        Command::Login(a) => commands::login(&a, json),
        Command::VerifyWebhook(a) => commands::verify_webhook(&a, json),
        Command::Trigger(a) => events::trigger(&a, json),
    };
    if let Err(e) = result {
        if json {
            eprintln!("{}", e.to_json());
        } else {
            eprintln!("error: {e}");
        }
        std::process::exit(e.exit_code());
    }
}
