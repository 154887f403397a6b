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
