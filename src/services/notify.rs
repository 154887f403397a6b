//! Telling the admins: the active admins in the database, and bootstrap admins from
//! configuration who have no row there yet.

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
    let mut chats: BTreeSet<i64> = people::admin_chat_ids(conn).await?.into_iter().collect();
    // Configuration names admins only until they have a row: from then on the database decides,
    // and a deactivated bootstrap admin hears nothing.
    for id in &settings.admins {
        if people::by_telegram_id(conn, *id).await?.is_none() {
            chats.insert(*id);
        }
    }
    if let Some(except) = except {
        chats.remove(&except);
    }
    for chat in &chats {
        Outgoing::text(*chat, text).enqueue(conn, now).await?;
    }
    Ok(chats.len())
}
