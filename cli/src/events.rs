//! `elements-auth trigger`: asks a running `elements-auth sandbox` to deliver
//! an event to an instance's events endpoint, through the sandbox's control
//! API (`{base}/sandbox/events`, authorised with the sandbox's own secrets),
//! and with `--wait` follows the delivery to its end. Also the
//! `--event-retry-delay` value of `sandbox`.

use crate::args::TriggerArgs;
use crate::error::{CliError, CliResult};
use crate::inputs;
use elements_auth::{Error, Secret};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// clap value parser for a duration with its unit: `20us`, `100ms`, `4s`.
pub fn duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let split = raw
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("expected a number and a unit (20us, 100ms, 4s), got {raw:?}"))?;
    let seconds = match unit {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        _ => return Err(format!("unknown unit in {raw:?}: use us, ms or s")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("{raw:?} is out of range"))
}

/// A delivery as `trigger --wait --json` prints it: the sandbox's record
/// with the command line's snake_case keys.
pub fn delivery_json(delivery: &Value) -> Value {
    json!({
        "event_id": delivery["eventId"],
        "instance_id": delivery["instanceId"],
        "url": delivery["url"],
        "attempts": delivery["attempts"],
        "state": delivery["state"],
        "body": delivery["body"],
        "signature": delivery["signature"],
    })
}

/// The sandbox's control API: its base URL (which must be on loopback: the
/// secrets travel in plain http) and the Authorization header.
struct Control {
    base: String,
    authorization: String,
    agent: ureq::Agent,
}

impl Control {
    fn new(args: &TriggerArgs) -> CliResult<Control> {
        let (client, secrets) = inputs::client(&args.platform, true)?;
        let base = client.base_url().trim_end_matches('/').to_owned();
        let on_loopback = url::Url::parse(&base).ok().is_some_and(|u| {
            u.host()
                .as_ref()
                .is_some_and(elements_auth::is_loopback_host)
        });
        if !on_loopback {
            return Err(CliError::Input(format!(
                "trigger talks to a running `elements-auth sandbox`, on loopback: set ELEMENTS_BASE_URL \
                 (or --base-url) to the base URL it printed, not {base}"
            )));
        }
        let [user, organization] = secrets.as_slice() else {
            return Err(CliError::Input(
                "the sandbox's user and organization secrets are needed".into(),
            ));
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(args.platform.request_timeout)))
            .build()
            .into();
        Ok(Control {
            base,
            authorization: authorization(user, organization),
            agent,
        })
    }

    /// One control call: the JSON answer of a 2xx, else the error it means.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> CliResult<Value> {
        let url = format!("{}/sandbox/{path}", self.base);
        let sent = match body {
            Some(body) => self
                .agent
                .post(&url)
                .header("Authorization", &self.authorization)
                .header("Content-Type", "application/json")
                .send(body.to_string()),
            None => self
                .agent
                .get(&url)
                .header("Authorization", &self.authorization)
                .call(),
        };
        let mut answer = sent.map_err(|e| Error::Transport {
            operation: None,
            message: format!("{method} {url}: {e}"),
            may_have_reached_server: false,
        })?;
        let status = answer.status().as_u16();
        let text = answer.body_mut().read_to_string().unwrap_or_default();
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok(value);
        }
        let message = value["message"]
            .as_str()
            .unwrap_or("the sandbox refused the call")
            .to_owned();
        if let Some(field) = value["field"].as_str() {
            let reason = message
                .strip_prefix(&format!("invalid {field}: "))
                .unwrap_or(&message);
            return Err(Error::invalid_input(field, reason).into());
        }
        Err(Error::Api {
            operation: None,
            status,
            message,
            request_id: value["requestId"].as_str().map(str::to_owned),
            provider_message: None,
        }
        .into())
    }
}

/// `User <u>, Organization <o>`: the platform's header, which the sandbox's
/// control API takes too.
fn authorization(user: &Secret, organization: &Secret) -> String {
    format!(
        "User {}, Organization {}",
        user.expose(),
        organization.expose()
    )
}

/// How often `--wait` asks how the delivery goes.
const POLL: Duration = Duration::from_millis(50);

/// `elements-auth trigger`.
pub fn trigger(args: &TriggerArgs, json: bool) -> CliResult<()> {
    let control = Control::new(args)?;
    let mut request = json!({
        "instanceId": args.instance,
        "objectType": args.object_type,
        "eventType": args.event_type,
    });
    if let Some(id) = &args.object_id {
        request["objectId"] = json!(id);
    }
    let answer = control.call("POST", "events", Some(&request))?;
    let event_id = answer["eventId"].as_u64().ok_or_else(|| Error::Decode {
        operation: None,
        message: "the sandbox's answer has no eventId".into(),
        may_have_reached_server: true,
    })?;
    if !args.wait {
        if json {
            println!("{}", json!({ "event_id": event_id }));
        } else {
            println!(
                "event {event_id} triggered for instance {}; the sandbox delivers it in the background",
                args.instance
            );
        }
        return Ok(());
    }
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let delivery = loop {
        let delivery = control.call("GET", &format!("deliveries/{event_id}"), None)?;
        if delivery["state"] != "pending" || Instant::now() >= deadline {
            break delivery;
        }
        std::thread::sleep(POLL);
    };
    if json {
        println!("{}", delivery_json(&delivery));
    } else {
        let attempts: Vec<String> = delivery["attempts"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| match a.as_u64() {
                Some(0) => "no connection".to_owned(),
                Some(status) => status.to_string(),
                None => "?".to_owned(),
            })
            .collect();
        println!(
            "event {event_id}: {} to {} after {} attempt(s): {}",
            delivery["state"].as_str().unwrap_or("?"),
            elements_auth::printable(delivery["url"].as_str().unwrap_or("?")),
            attempts.len(),
            attempts.join(", ")
        );
    }
    match delivery["state"].as_str() {
        Some("delivered") => Ok(()),
        Some("failed") => Err(CliError::DeliveryFailed(event_id)),
        _ => Err(CliError::DeliveryPending(event_id, args.timeout)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_carry_their_unit() {
        assert_eq!(duration("20us"), Ok(Duration::from_micros(20)));
        assert_eq!(duration("100ms"), Ok(Duration::from_millis(100)));
        assert_eq!(duration("4s"), Ok(Duration::from_secs(4)));
        assert_eq!(duration("0.5ms"), Ok(Duration::from_micros(500)));
        for bad in ["100", "ms", "1h", "-1ms", "1e3ms", ""] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_delivery_json_has_the_command_lines_keys() {
        let v = delivery_json(
            &json!({"eventId": 1, "instanceId": 2, "url": "u", "attempts": [0],
            "state": "failed", "body": "{}", "signature": null}),
        );
        assert_eq!(v["event_id"], 1);
        assert_eq!(v["attempts"], json!([0]));
        assert!(v["signature"].is_null());
    }
}
