//! Who hears the admins' news: the active admins in the database, and bootstrap admins from
//! configuration who have no row there yet.

use std::collections::BTreeSet;

use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::people;

/// The chats of every admin but `except` (the person the news is about).
pub async fn admin_chats(
    conn: &mut SqliteConnection,
    settings: &Settings,
    except: Option<i64>,
) -> sqlx::Result<BTreeSet<i64>> {
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
    Ok(chats)
}
