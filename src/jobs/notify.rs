//! Telling the admins: the news as a message to each of them.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::bot::outgoing::Outgoing;
use crate::config::Settings;
use crate::services::notify;

/// Queues `text` to every admin but `except` (the person the news is about).
pub async fn admins(
    conn: &mut SqliteConnection,
    settings: &Settings,
    text: &str,
    except: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    let chats = notify::admin_chats(conn, settings, except).await?;
    for chat in &chats {
        Outgoing::text(*chat, text).enqueue(conn, now).await?;
    }
    Ok(chats.len())
}
