//! The robots' queue (`robot_outbox`) and their health (`robot_state`). A robot's webhook URL
//! and secret live in the configuration only: never here, so never in a backup.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::db::instant;
use crate::robots::RobotMessage;

/// Queues a message for the robot `robot` under (period, step). Returns `false` when that key
/// was queued before: a second beat, a restart or two processes queue it once.
pub async fn enqueue(
    conn: &mut SqliteConnection,
    robot: &str,
    period: &str,
    step: &str,
    message: &RobotMessage,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let now = instant(now);
    let payload = serde_json::to_string(message)?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO robot_outbox (robot, period, step, payload, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(robot)
    .bind(period)
    .bind(step)
    .bind(payload)
    .bind(&now)
    .bind(&now)
    .fetch_optional(conn)
    .await?;
    Ok(id.is_some())
}

/// Whether the robot's (period, step) was queued before: a beat that finds it skips the work
/// of building it again.
pub async fn queued(
    conn: &mut SqliteConnection,
    robot: &str,
    period: &str,
    step: &str,
) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM robot_outbox WHERE robot = ? AND period = ? AND step = ?",
    )
    .bind(robot)
    .bind(period)
    .bind(step)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// The oldest unsent row of each robot: a robot's rows go in id order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Head {
    pub id: i64,
    pub robot: String,
    pub state: String,
    pub next_attempt_at: DateTime<Utc>,
}

pub async fn heads(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Head>> {
    sqlx::query_as(
        "SELECT id, robot, state, next_attempt_at FROM robot_outbox
         WHERE id IN (SELECT min(id) FROM robot_outbox
                      WHERE state IN ('pending', 'sending') GROUP BY robot)
         ORDER BY id",
    )
    .fetch_all(conn)
    .await
}

/// A row taken for sending.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub robot: String,
    pub payload: String,
    pub attempts: i64,
}

/// Marks a pending row `sending` before its request leaves; `None` if it is not pending.
pub async fn claim(conn: &mut SqliteConnection, id: i64) -> sqlx::Result<Option<Claimed>> {
    sqlx::query_as(
        "UPDATE robot_outbox SET state = 'sending', attempts = attempts + 1
         WHERE id = ? AND state = 'pending'
         RETURNING id, robot, payload, attempts",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn mark_sent(
    conn: &mut SqliteConnection,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE robot_outbox SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
    )
    .bind(instant(now))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Back to the queue, not tried before `at`.
pub async fn retry_at(
    conn: &mut SqliteConnection,
    id: i64,
    at: DateTime<Utc>,
    error: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE robot_outbox SET state = 'pending', next_attempt_at = ?, last_error = ?
         WHERE id = ?",
    )
    .bind(instant(at))
    .bind(error)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn mark_failed(conn: &mut SqliteConnection, id: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE robot_outbox SET state = 'failed', last_error = ? WHERE id = ?")
        .bind(error)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Rows left `sending` by a stop go again: how many.
pub async fn recover_interrupted(conn: &mut SqliteConnection) -> sqlx::Result<u64> {
    let done = sqlx::query("UPDATE robot_outbox SET state = 'pending' WHERE state = 'sending'")
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// When the robot's messages since `since` were sent, oldest first: its pace.
pub async fn sent_since(
    conn: &mut SqliteConnection,
    robot: &str,
    since: DateTime<Utc>,
) -> sqlx::Result<Vec<DateTime<Utc>>> {
    sqlx::query_scalar(
        "SELECT sent_at FROM robot_outbox
         WHERE robot = ? AND state = 'sent' AND sent_at > ? ORDER BY sent_at",
    )
    .bind(robot)
    .bind(instant(since))
    .fetch_all(conn)
    .await
}

/// Records the robot's webhook (by its hash) at start; a changed webhook clears `broken`.
pub async fn sync_state(
    conn: &mut SqliteConnection,
    robot: &str,
    webhook_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO robot_state (robot, webhook_hash) VALUES (?, ?)
         ON CONFLICT (robot) DO UPDATE SET
           webhook_hash = excluded.webhook_hash,
           broken_at = CASE WHEN webhook_hash = excluded.webhook_hash THEN broken_at END,
           broken_reason = CASE WHEN webhook_hash = excluded.webhook_hash
                           THEN broken_reason END,
           told_at = CASE WHEN webhook_hash = excluded.webhook_hash THEN told_at END",
    )
    .bind(robot)
    .bind(webhook_hash)
    .execute(conn)
    .await?;
    Ok(())
}

/// The robots whose key was refused, by name.
pub async fn broken(conn: &mut SqliteConnection) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT robot FROM robot_state WHERE broken_at IS NOT NULL")
        .fetch_all(conn)
        .await
}

/// Marks the robot broken; `true` the first time since its webhook last changed, when the
/// admins are to be told.
pub async fn mark_broken(
    conn: &mut SqliteConnection,
    robot: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let now = instant(now);
    sqlx::query(
        "UPDATE robot_state SET broken_at = coalesce(broken_at, ?), broken_reason = ?,
           last_error = ? WHERE robot = ?",
    )
    .bind(&now)
    .bind(reason)
    .bind(reason)
    .bind(robot)
    .execute(&mut *conn)
    .await?;
    let told: Option<String> = sqlx::query_scalar(
        "UPDATE robot_state SET told_at = ? WHERE robot = ? AND told_at IS NULL RETURNING robot",
    )
    .bind(&now)
    .bind(robot)
    .fetch_optional(conn)
    .await?;
    Ok(told.is_some())
}

/// A robot's last delivery (`error` None) or its last failure.
pub async fn record_outcome(
    conn: &mut SqliteConnection,
    robot: &str,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let query = match error {
        None => sqlx::query(
            "UPDATE robot_state SET last_sent_at = ?, last_error = NULL WHERE robot = ?",
        )
        .bind(instant(now))
        .bind(robot),
        Some(error) => sqlx::query("UPDATE robot_state SET last_error = ? WHERE robot = ?")
            .bind(error)
            .bind(robot),
    };
    query.execute(conn).await?;
    Ok(())
}

/// A robot's health as `/robots` shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Health {
    pub robot: String,
    pub broken_at: Option<DateTime<Utc>>,
    pub broken_reason: Option<String>,
    pub last_sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// Every robot's health that the sender has recorded, by name.
pub async fn health(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Health>> {
    sqlx::query_as(
        "SELECT robot, broken_at, broken_reason, last_sent_at, last_error
         FROM robot_state ORDER BY robot",
    )
    .fetch_all(conn)
    .await
}
