//! The update listener: `getUpdates`, store each update in the inbox, and only then confirm it
//! (by asking for the next offset). A crash at any point loses nothing: what was not stored is
//! still unconfirmed at Telegram and comes again.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::SqlitePool;
use tokio::sync::{Notify, watch};

use crate::clock::SharedClock;
use crate::db::{self, health, inbox};
use crate::runtime::telegram::{CallError, TelegramClient};

/// The update kinds we ask for.
const ALLOWED: [&str; 4] = [
    "message",
    "edited_message",
    "callback_query",
    "my_chat_member",
];

/// Fetches one batch and stores it. Returns the offset that confirms it, or the same offset
/// when nothing came.
pub async fn fetch_once(
    client: &TelegramClient,
    pool: &SqlitePool,
    clock: &SharedClock,
    offset: Option<i64>,
    poll: Duration,
) -> Result<Option<i64>, FetchError> {
    let body = json!({ "offset": offset, "timeout": poll.as_secs(), "allowed_updates": ALLOWED });
    let updates = client
        .call("getUpdates", &body, poll + Duration::from_secs(15))
        .await?;
    let updates = updates.as_array().cloned().unwrap_or_default();
    let now = clock.now();
    let mut tx = db::begin_write(pool).await?;
    // Recorded in the batch's own transaction: `status --check` judges the bot alive by it.
    health::record_poll(&mut tx, now).await?;
    if updates.is_empty() {
        tx.commit().await?;
        return Ok(offset);
    }
    let mut next = offset;
    for update in &updates {
        let Some(id) = update["update_id"].as_i64() else {
            continue;
        };
        let stored = inbox::store(&mut tx, id, chat_of(update), &update.to_string(), now).await?;
        tracing::debug!(update_id = id, stored, "update received");
        next = Some(next.map_or(id + 1, |n| n.max(id + 1)));
    }
    tx.commit().await?;
    Ok(next)
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("getUpdates: {0}")]
    Telegram(#[from] CallError),
    #[error("storing updates: {0}")]
    Database(#[from] sqlx::Error),
}

/// Long-polls until `shutdown` turns true. Wakes the processor after each stored batch.
pub async fn run(
    client: TelegramClient,
    pool: SqlitePool,
    clock: SharedClock,
    poll: Duration,
    processor: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut offset = None;
    let mut backoff = Duration::from_millis(500);
    while !*shutdown.borrow() {
        // Dropping a poll in flight is safe: whatever it would have returned stays unconfirmed.
        let fetched = tokio::select! {
            fetched = fetch_once(&client, &pool, &clock, offset, poll) => fetched,
            _ = shutdown.changed() => break,
        };
        let pause = match fetched {
            Ok(next) => {
                if next != offset {
                    processor.notify_one();
                }
                offset = next;
                backoff = Duration::from_millis(500);
                continue;
            }
            Err(FetchError::Telegram(CallError::RetryAfter(secs))) => {
                Duration::from_secs(secs.min(60))
            }
            Err(error) => {
                tracing::warn!(%error, retry_in = ?backoff, "fetching updates failed");
                backoff = (backoff * 2).min(Duration::from_secs(30));
                backoff
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.changed() => break,
        }
    }
    tracing::info!("listener stopped");
}

/// The chat an update belongs to: its updates are handled in order.
pub fn chat_of(update: &Value) -> Option<i64> {
    let chat = |v: &Value| v["chat"]["id"].as_i64();
    [
        "message",
        "edited_message",
        "channel_post",
        "my_chat_member",
        "chat_member",
    ]
    .iter()
    .find_map(|kind| chat(&update[*kind]))
    .or_else(|| chat(&update["callback_query"]["message"]))
    .or_else(|| update["callback_query"]["from"]["id"].as_i64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_are_grouped_by_the_chat_they_come_from() {
        let message =
            json!({ "update_id": 1, "message": { "chat": { "id": -100 }, "from": { "id": 5 } } });
        let button = json!({ "update_id": 2, "callback_query": { "from": { "id": 5 }, "message": { "chat": { "id": 5 } } } });
        let old_button = json!({ "update_id": 3, "callback_query": { "from": { "id": 6 } } });
        assert_eq!(chat_of(&message), Some(-100));
        assert_eq!(chat_of(&button), Some(5));
        assert_eq!(chat_of(&old_button), Some(6));
        assert_eq!(chat_of(&json!({ "update_id": 4 })), None);
    }
}
