//! A Bot API call the bot wants made, queued in the outbox. Its body is the Bot API's own JSON,
//! so the sender posts it as it is.
//!
//! Every send is queued through [`Outgoing::enqueue`], and that is where a text too long for
//! Telegram is cut into messages within its limits: no caller can forget to. A message may
//! carry secrets (an invite token) that the stored payload keeps only until it was sent or
//! failed for good.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::SqliteConnection;
use teloxide::types::{BotCommand, InlineKeyboardMarkup};

use crate::db::outbox::{self, StepKey};

/// Telegram's limit for one message's text, in UTF-16 code units (an emoji counts two).
pub const MAX_TEXT: usize = 4096;
/// Telegram's limit for a photo's or a document's caption, in UTF-16 code units.
pub const MAX_CAPTION: usize = 1024;
/// What a secret becomes in the stored payload once it has done its work.
pub const BLANKED: &str = "[已清除]";

#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub chat_id: i64,
    pub method: &'static str,
    pub body: Value,
    pub key: Option<StepKey>,
    /// Blanked in the stored payload once the message was sent or failed for good.
    pub secrets: Vec<String>,
}

impl Outgoing {
    /// A text of any length: [`Outgoing::enqueue`] cuts it to Telegram's limit.
    pub fn text(chat_id: i64, text: impl Into<String>) -> Self {
        let text: String = text.into();
        Self {
            chat_id,
            method: "sendMessage",
            body: json!({
                "chat_id": chat_id,
                "text": text,
                "link_preview_options": { "is_disabled": true },
            }),
            key: None,
            secrets: Vec::new(),
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
            secrets: Vec::new(),
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
            secrets: Vec::new(),
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
            secrets: Vec::new(),
        }
    }

    /// The menu of everyone without a menu of their own.
    pub fn default_menu(commands: &[BotCommand]) -> Self {
        let mut menu = Self::menu(0, commands);
        menu.body["scope"] = json!({ "type": "default" });
        menu
    }

    /// Splits a long text at line breaks into messages within Telegram's limit, for a caller
    /// that keys each part on its own.
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

    /// A string the message carries that must not stay at rest (an invite token).
    pub fn with_secret(mut self, secret: impl Into<String>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// Queues it, in as many messages as Telegram's limits need (the step key on the first, so
    /// a step queued again is still a no-op); `None` when its step key was queued before.
    pub async fn enqueue(
        &self,
        conn: &mut SqliteConnection,
        now: DateTime<Utc>,
    ) -> sqlx::Result<Option<i64>> {
        let secrets = (!self.secrets.is_empty())
            .then(|| serde_json::to_string(&self.secrets).expect("strings are JSON"));
        let mut first = None;
        for (n, part) in self.parts().iter().enumerate() {
            let id = outbox::enqueue(
                conn,
                part.chat_id,
                part.method,
                &part.body.to_string(),
                self.key.as_ref().filter(|_| n == 0),
                secrets.as_deref(),
                now,
            )
            .await?;
            if n == 0 {
                let Some(id) = id else { return Ok(None) };
                first = Some(id);
            }
        }
        Ok(first)
    }

    /// The messages this one becomes within Telegram's limits: a long text cut at line breaks
    /// (any keyboard on the last part), a long caption sent as text before its file.
    pub fn parts(&self) -> Vec<Self> {
        if let Some(text) = self.body["text"].as_str()
            && (utf16_len(text) > MAX_TEXT || text.trim().is_empty())
        {
            // An empty text becomes no message: Telegram would refuse it.
            let pieces = split_text(text, MAX_TEXT);
            let last = pieces.len().saturating_sub(1);
            return pieces
                .into_iter()
                .enumerate()
                .map(|(n, piece)| {
                    let mut part = self.clone();
                    part.body["text"] = Value::String(piece);
                    if n < last
                        && let Some(fields) = part.body.as_object_mut()
                    {
                        fields.remove("reply_markup");
                    }
                    part
                })
                .collect();
        }
        if let Some(caption) = self.body["caption"].as_str()
            && utf16_len(caption) > MAX_CAPTION
        {
            let mut parts = Self::text(self.chat_id, caption).parts();
            let mut file = self.clone();
            if let Some(fields) = file.body.as_object_mut() {
                fields.remove("caption");
            }
            parts.push(file);
            return parts;
        }
        vec![self.clone()]
    }
}

/// Telegram measures texts in UTF-16 code units.
pub fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// A stored payload with each secret replaced by [`BLANKED`].
pub fn blank_secrets(payload: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .fold(payload.to_owned(), |payload, secret| {
            payload.replace(secret.as_str(), BLANKED)
        })
}

/// Cuts `text` into pieces of at most `limit` UTF-16 code units, at line breaks; a single line
/// longer than the limit is cut where it must be, never inside a character.
pub fn split_text(text: &str, limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for line in text.split('\n') {
        let line_len = utf16_len(line);
        if current_len > 0 && current_len + 1 + line_len > limit {
            parts.push(std::mem::take(&mut current).trim_end().to_owned());
            current_len = 0;
        }
        if line_len > limit {
            let mut piece = String::new();
            let mut piece_len = 0;
            for c in line.chars() {
                if piece_len + c.len_utf16() > limit {
                    parts.push(std::mem::take(&mut piece));
                    piece_len = 0;
                }
                piece.push(c);
                piece_len += c.len_utf16();
            }
            parts.push(piece);
            continue;
        }
        if current_len > 0 {
            current.push('\n');
            current_len += 1;
        }
        current.push_str(line);
        current_len += line_len;
    }
    parts.push(current.trim_end().to_owned());
    // Telegram refuses an empty text.
    parts.retain(|part| !part.trim().is_empty());
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
    fn an_emoji_counts_two_and_is_never_cut_in_half() {
        let line = "😀".repeat(3000); // 6,000 UTF-16 code units
        let parts = split_text(&line, MAX_TEXT);
        assert_eq!(
            parts.iter().map(|p| utf16_len(p)).collect::<Vec<_>>(),
            vec![4096, 1904]
        );
        assert_eq!(parts.concat(), line);
    }

    #[test]
    fn a_long_text_becomes_parts_with_the_keyboard_on_the_last() {
        let keyboard =
            InlineKeyboardMarkup::new([[teloxide::types::InlineKeyboardButton::callback(
                "提交", "r:submit",
            )]]);
        let text = format!("{}\n{}", "进".repeat(3000), "展".repeat(3000));
        let parts = Outgoing::text(7, text.clone())
            .with_keyboard(&keyboard)
            .with_secret("abc")
            .parts();
        assert_eq!(parts.len(), 2);
        assert!(parts[0].body.get("reply_markup").is_none());
        assert!(parts[1].body.get("reply_markup").is_some());
        assert_eq!(parts[1].secrets, vec!["abc".to_owned()]);
        let texts: Vec<&str> = parts
            .iter()
            .map(|p| p.body["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts.join("\n"), text);
        let short = Outgoing::text(7, "一句话");
        assert_eq!(short.parts(), vec![short]);
        assert_eq!(Outgoing::text(7, " \n").parts(), vec![]);
    }

    #[test]
    fn a_long_caption_goes_as_text_before_its_file() {
        let caption = "图".repeat(1500);
        let photo = Outgoing::photo(7, std::path::Path::new("/tmp/c.png"), &caption);
        let parts = photo.parts();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].method, "sendMessage");
        assert_eq!(parts[0].body["text"], caption);
        assert_eq!(parts[1].method, "sendPhoto");
        assert!(parts[1].body.get("caption").is_none());
        let short = Outgoing::photo(7, std::path::Path::new("/tmp/c.png"), "图表");
        assert_eq!(short.parts(), vec![short]);
    }

    #[test]
    fn secrets_are_blanked_wherever_they_occur() {
        let payload = r#"{"text":"https://t.me/b?start=0a1b2c 0a1b2c"}"#;
        assert_eq!(
            blank_secrets(payload, &["0a1b2c".to_owned(), String::new()]),
            format!(r#"{{"text":"https://t.me/b?start={BLANKED} {BLANKED}"}}"#)
        );
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
