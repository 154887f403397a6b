//! Dialogue state per chat, as JSON, on our own pool (never teloxide's own SQLite storage, which opens a second pool).

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::instant;

pub async fn get(conn: &mut SqliteConnection, chat_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT state FROM dialogues WHERE chat_id = ?")
        .bind(chat_id)
        .fetch_optional(conn)
        .await
}

pub async fn set(
    conn: &mut SqliteConnection,
    chat_id: i64,
    state: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let now = instant(now);
    sqlx::query(
        "INSERT INTO dialogues (chat_id, state, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
    )
    .bind(chat_id)
    .bind(state)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn remove(conn: &mut SqliteConnection, chat_id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM dialogues WHERE chat_id = ?")
        .bind(chat_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
