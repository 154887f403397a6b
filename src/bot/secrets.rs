//! Invite tokens at rest: the update that carried one is kept in the inbox (and so in every
//! backup) after it was handled; its token is blanked then. The outbox side is
//! [`Outgoing::with_secret`](crate::bot::outgoing::Outgoing::with_secret).

use serde_json::Value;

use crate::bot::outgoing::BLANKED;

/// The update with the payload of a `/start <payload>` message blanked; `None` when it carries
/// none. The payload of `/start` is an invite token, or something shaped like one.
pub fn start_payload_blanked(update: &str) -> Option<String> {
    let mut update: Value = serde_json::from_str(update).ok()?;
    let text = update["message"]["text"].as_str()?;
    let (command, payload) = text.split_once(char::is_whitespace)?;
    let is_start = command == "/start" || command.starts_with("/start@");
    if !is_start || payload.trim().is_empty() {
        return None;
    }
    update["message"]["text"] = Value::String(format!("{command} {BLANKED}"));
    Some(update.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_of_a_start_message_is_blanked_and_other_updates_are_left_alone() {
        let update = r#"{"update_id":7,"message":{"text":"/start 0a1b2c","chat":{"id":5}}}"#;
        let blanked = start_payload_blanked(update).unwrap();
        assert!(!blanked.contains("0a1b2c"), "{blanked}");
        assert!(blanked.contains(&format!("/start {BLANKED}")), "{blanked}");
        assert!(blanked.contains(r#""update_id":7"#));
        for other in [
            r#"{"update_id":8,"message":{"text":"/start","chat":{"id":5}}}"#,
            r#"{"update_id":9,"message":{"text":"/help 0a1b2c","chat":{"id":5}}}"#,
            r#"{"update_id":10,"callback_query":{"data":"x"}}"#,
        ] {
            assert_eq!(start_payload_blanked(other), None, "{other}");
        }
    }
}
