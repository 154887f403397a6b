//! Every update Telegram gave us, stored before it is confirmed (RELIABILITY.md, Inbox).

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use super::instant;

#[derive(Debug, Clone, FromRow)]
pub struct InboxRow {
    pub update_id: i64,
    pub chat_id: Option<i64>,
    pub payload: String,
    pub attempts: i64,
    pub setbacks: i64,
}

/// Stores an update unless it is already there (Telegram replays what was not confirmed).
pub async fn store(
    conn: &mut SqliteConnection,
    update_id: i64,
    chat_id: Option<i64>,
    payload: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let now = instant(now);
    let done = sqlx::query(
        "INSERT INTO inbox (update_id, chat_id, payload, received_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (update_id) DO NOTHING",
    )
    .bind(update_id)
    .bind(chat_id)
    .bind(payload)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The oldest pending update of each chat, oldest first, if it is due: a chat whose oldest
/// update waits for its next attempt waits with it, so its updates stay in order.
pub async fn heads_of_pending(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<InboxRow>> {
    let now = instant(now);
    sqlx::query_as(
        "SELECT update_id, chat_id, payload, attempts, setbacks FROM inbox
         WHERE update_id IN (SELECT min(update_id) FROM inbox WHERE state = 'pending' GROUP BY ifnull(chat_id, -update_id))
           AND ifnull(next_attempt_at, '') <= ?
         ORDER BY update_id LIMIT ?",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The next pending update of one chat, if it is due (`None` chat: updates that belong to no
/// chat).
pub async fn next_pending_of_chat(
    conn: &mut SqliteConnection,
    chat_id: Option<i64>,
    update_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<InboxRow>> {
    let now = instant(now);
    match chat_id {
        Some(chat_id) => {
            sqlx::query_as(
                "SELECT update_id, chat_id, payload, attempts, setbacks FROM
                   (SELECT * FROM inbox WHERE state = 'pending' AND chat_id = ? ORDER BY update_id LIMIT 1)
                 WHERE ifnull(next_attempt_at, '') <= ?",
            )
            .bind(chat_id)
            .bind(now)
            .fetch_optional(conn)
            .await
        }
        None => {
            sqlx::query_as(
                "SELECT update_id, chat_id, payload, attempts, setbacks FROM inbox
                 WHERE state = 'pending' AND update_id = ? AND ifnull(next_attempt_at, '') <= ?",
            )
            .bind(update_id)
            .bind(now)
            .fetch_optional(conn)
            .await
        }
    }
}

pub async fn mark_done(
    conn: &mut SqliteConnection,
    update_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let now = instant(now);
    sqlx::query("UPDATE inbox SET state = 'done', handled_at = ? WHERE update_id = ?")
        .bind(now)
        .bind(update_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces a handled update's stored payload (its secrets blanked).
pub async fn replace_payload(
    conn: &mut SqliteConnection,
    update_id: i64,
    payload: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE inbox SET payload = ? WHERE update_id = ?")
        .bind(payload)
        .bind(update_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts an attempt that failed by a bug and sets when to try again; returns how many such
/// attempts there have been.
pub async fn record_failure(
    conn: &mut SqliteConnection,
    update_id: i64,
    error: &str,
    next_attempt_at: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let next_attempt_at = instant(next_attempt_at);
    sqlx::query_scalar(
        "UPDATE inbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
         WHERE update_id = ? RETURNING attempts",
    )
    .bind(error)
    .bind(next_attempt_at)
    .bind(update_id)
    .fetch_one(conn)
    .await
}

/// Counts an attempt that failed by bad luck with the machine (disk full, database busy) and
/// sets when to try again; returns how many such setbacks there have been.
pub async fn record_setback(
    conn: &mut SqliteConnection,
    update_id: i64,
    error: &str,
    next_attempt_at: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let next_attempt_at = instant(next_attempt_at);
    sqlx::query_scalar(
        "UPDATE inbox SET setbacks = setbacks + 1, last_error = ?, next_attempt_at = ?
         WHERE update_id = ? RETURNING setbacks",
    )
    .bind(error)
    .bind(next_attempt_at)
    .bind(update_id)
    .fetch_one(conn)
    .await
}

pub async fn quarantine(
    conn: &mut SqliteConnection,
    update_id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let now = instant(now);
    sqlx::query("UPDATE inbox SET state = 'quarantined', last_error = ?, handled_at = ? WHERE update_id = ?")
        .bind(error)
        .bind(now)
        .bind(update_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Handled updates older than `before` are dropped: Telegram replays for 24 hours at most, and
/// after a week of silence it may restart `update_id` at a value an old row still holds.
pub async fn prune_done(conn: &mut SqliteConnection, before: DateTime<Utc>) -> sqlx::Result<u64> {
    let before = instant(before);
    let done = sqlx::query("DELETE FROM inbox WHERE state = 'done' AND handled_at < ?")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Updates set aside longer ago than `before`: kept that long for a technician, then dropped.
pub async fn prune_quarantined(
    conn: &mut SqliteConnection,
    before: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let before = instant(before);
    let done = sqlx::query("DELETE FROM inbox WHERE state = 'quarantined' AND handled_at < ?")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// How many rows of a queue (inbox or outbox) are in one state, for `minsheng status`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StateCount {
    pub state: String,
    pub count: i64,
}

pub async fn counts_by_state(conn: &mut SqliteConnection) -> sqlx::Result<Vec<StateCount>> {
    sqlx::query_as("SELECT state, count(*) AS count FROM inbox GROUP BY state ORDER BY state")
        .fetch_all(conn)
        .await
}

pub async fn last_received(conn: &mut SqliteConnection) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar("SELECT max(received_at) FROM inbox")
        .fetch_one(conn)
        .await
}
