//! A Bot API call the bot wants made, queued in the outbox. Its body is the Bot API's own JSON,
//! so the sender posts it as it is.

use serde_json::{Value, json};
use sqlx::SqliteConnection;
use teloxide::types::InlineKeyboardMarkup;

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
