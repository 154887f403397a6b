//! When a person not admitted was last answered.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::instant;

/// Records an answer to `telegram_id` at `now` unless one was recorded after `quiet_since`;
/// true when the person is to be answered.
pub async fn record(
    conn: &mut SqliteConnection,
    telegram_id: i64,
    now: DateTime<Utc>,
    quiet_since: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let now = instant(now);
    let quiet_since = instant(quiet_since);
    let done = sqlx::query(
        "INSERT INTO refusals (telegram_id, answered_at) VALUES (?, ?)
         ON CONFLICT (telegram_id) DO UPDATE SET answered_at = excluded.answered_at
         WHERE answered_at <= ?",
    )
    .bind(telegram_id)
    .bind(now)
    .bind(quiet_since)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
