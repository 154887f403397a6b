//! Telling the admins: bootstrap admins from configuration and admins in the database.

use std::collections::BTreeSet;

use sqlx::SqliteConnection;

use crate::bot::outgoing::Outgoing;
use crate::config::Settings;
use crate::db::people;

/// Queues `text` to every admin but `except` (the person the news is about).
pub async fn admins(
    conn: &mut SqliteConnection,
    settings: &Settings,
    text: &str,
    except: Option<i64>,
    now: &str,
) -> sqlx::Result<usize> {
    let mut chats: BTreeSet<i64> = settings.admins.iter().copied().collect();
    chats.extend(people::admin_chat_ids(conn).await?);
    if let Some(except) = except {
        chats.remove(&except);
    }
    for chat in &chats {
        Outgoing::text(*chat, text).enqueue(conn, now).await?;
    }
    Ok(chats.len())
}
