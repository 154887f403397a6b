//! A Bot API call the bot wants made, queued in the outbox. Its body is the Bot API's own JSON,
//! so the sender posts it as it is.

use serde_json::{Value, json};
use sqlx::SqliteConnection;
use teloxide::types::{BotCommand, InlineKeyboardMarkup};

use crate::db::outbox::{self, StepKey};

/// Telegram's limit for one message's text.
pub const MAX_TEXT: usize = 4096;

#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub chat_id: i64,
    pub method: &'static str,
    pub body: Value,
    pub key: Option<StepKey>,
}

impl Outgoing {
    pub fn text(chat_id: i64, text: impl Into<String>) -> Self {
        let text: String = text.into();
        debug_assert!(
            text.chars().count() <= MAX_TEXT,
            "split long texts before sending"
        );
        Self {
            chat_id,
            method: "sendMessage",
            body: json!({
                "chat_id": chat_id,
                "text": text,
                "link_preview_options": { "is_disabled": true },
            }),
            key: None,
        }
    }

    /// A file on disk sent as a document; the sender uploads it.
    pub fn document(chat_id: i64, path: &std::path::Path, name: &str, caption: &str) -> Self {
        Self {
            chat_id,
            method: "sendDocument",
            body: json!({
                "chat_id": chat_id,
                "caption": caption,
                "_file": { "field": "document", "path": path.display().to_string(), "name": name },
            }),
            key: None,
        }
    }

    /// A picture on disk sent as a photo; the sender uploads it.
    pub fn photo(chat_id: i64, path: &std::path::Path, caption: &str) -> Self {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "chart.png".to_owned());
        Self {
            chat_id,
            method: "sendPhoto",
            body: json!({
                "chat_id": chat_id,
                "caption": caption,
                "_file": { "field": "photo", "path": path.display().to_string(), "name": name },
            }),
            key: None,
        }
    }

    /// The command menu of one chat (setMyCommands with a chat scope).
    pub fn menu(chat_id: i64, commands: &[BotCommand]) -> Self {
        let commands: Vec<Value> = commands
            .iter()
            .map(|c| json!({ "command": c.command.trim_start_matches('/'), "description": c.description }))
            .collect();
        Self {
            chat_id,
            method: "setMyCommands",
            body: json!({ "commands": commands, "scope": { "type": "chat", "chat_id": chat_id } }),
            key: None,
        }
    }

    /// The menu of everyone without a menu of their own.
    pub fn default_menu(commands: &[BotCommand]) -> Self {
        let mut menu = Self::menu(0, commands);
        menu.body["scope"] = json!({ "type": "default" });
        menu
    }

    /// Splits a long text at line breaks into messages within Telegram's limit.
    pub fn texts(chat_id: i64, text: &str) -> Vec<Self> {
        split_text(text, MAX_TEXT)
            .into_iter()
            .map(|part| Self::text(chat_id, part))
            .collect()
    }

    pub fn with_keyboard(mut self, keyboard: &InlineKeyboardMarkup) -> Self {
        self.body["reply_markup"] = serde_json::to_value(keyboard).expect("a keyboard is JSON");
        self
    }

    /// A scheduled send: queued once per (plan, period, project, person, step).
    pub fn keyed(mut self, key: StepKey) -> Self {
        self.key = Some(key);
        self
    }

    /// Queues it; `None` when its step key was queued before.
    pub async fn enqueue(
        &self,
        conn: &mut SqliteConnection,
        now: &str,
    ) -> sqlx::Result<Option<i64>> {
        outbox::enqueue(
            conn,
            self.chat_id,
            self.method,
            &self.body.to_string(),
            self.key.as_ref(),
            now,
        )
        .await
    }
}

/// Cuts `text` into pieces of at most `limit` characters, at line breaks (a blank line when
/// possible); a single line longer than the limit is cut where it must be.
pub fn split_text(text: &str, limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for line in text.split('\n') {
        let line_len = line.chars().count();
        if current_len > 0 && current_len + 1 + line_len > limit {
            parts.push(std::mem::take(&mut current).trim_end().to_owned());
            current_len = 0;
        }
        if line_len > limit {
            let chars: Vec<char> = line.chars().collect();
            for chunk in chars.chunks(limit) {
                parts.push(chunk.iter().collect());
            }
            continue;
        }
        if current_len > 0 {
            current.push('\n');
            current_len += 1;
        }
        current.push_str(line);
        current_len += line_len;
    }
    if !current.trim().is_empty() {
        parts.push(current.trim_end().to_owned());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_is_split_at_line_breaks_and_never_inside_a_line() {
        let line = "项目进展情况说明".repeat(10); // 80 characters
        let text = vec![line.clone(); 120].join("\n"); // about 9,800 characters
        let parts = split_text(&text, MAX_TEXT);
        assert_eq!(parts.len(), 3);
        for part in &parts {
            assert!(part.chars().count() <= MAX_TEXT);
            assert!(part.split('\n').all(|l| l == line), "a line was cut");
        }
        assert_eq!(parts.join("\n"), text);
    }

    #[test]
    fn a_short_text_stays_whole_and_a_monster_line_is_cut() {
        assert_eq!(split_text("一\n二", MAX_TEXT), vec!["一\n二"]);
        let monster = "字".repeat(5000);
        let parts = split_text(&monster, MAX_TEXT);
        assert_eq!(
            parts.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            vec![4096, 904]
        );
    }
}
