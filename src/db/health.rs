//! The running bot's signs of life (`health`, one row) and the queue facts `status --check`
//! judges.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::instant;

/// A `getUpdates` succeeded at `at`.
pub async fn record_poll(conn: &mut SqliteConnection, at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE health SET polled_at = ? WHERE id = 1")
        .bind(instant(at))
        .execute(conn)
        .await?;
    Ok(())
}

/// A message went out at `at`.
pub async fn record_send(conn: &mut SqliteConnection, at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE health SET sent_at = ? WHERE id = 1")
        .bind(instant(at))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn last_poll(conn: &mut SqliteConnection) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar("SELECT polled_at FROM health WHERE id = 1")
        .fetch_optional(conn)
        .await
        .map(Option::flatten)
}

pub async fn last_send(conn: &mut SqliteConnection) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar("SELECT sent_at FROM health WHERE id = 1")
        .fetch_optional(conn)
        .await
        .map(Option::flatten)
}

/// Outbox rows still waiting (pending or uncertain) whose time came before `before`.
pub async fn overdue_outbox(
    conn: &mut SqliteConnection,
    before: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE state IN ('pending', 'uncertain') AND next_attempt_at < ?",
    )
    .bind(instant(before))
    .fetch_one(conn)
    .await
}
