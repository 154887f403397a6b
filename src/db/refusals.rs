//! When a person not admitted was last answered.

use sqlx::SqliteConnection;

/// Records an answer to `telegram_id` at `now` unless one was recorded after `quiet_since`;
/// true when the person is to be answered.
pub async fn record(
    conn: &mut SqliteConnection,
    telegram_id: i64,
    now: &str,
    quiet_since: &str,
) -> sqlx::Result<bool> {
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
