//! What the content side reads of the robots' queue and health: whether a robot's message of a
//! period was queued, and its last delivery for /robots. The webhook never reaches these
//! tables.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

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

/// The newest message the robot's platform took, from the queue.
pub async fn last_sent(
    conn: &mut SqliteConnection,
    robot: &str,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar(
        "SELECT sent_at FROM robot_outbox WHERE robot = ? AND state = 'sent' AND sent_at IS NOT NULL
         ORDER BY sent_at DESC LIMIT 1",
    )
    .bind(robot)
    .fetch_optional(conn)
    .await
}

/// A robot's health as the sender recorded it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Health {
    pub last_sent_at: Option<DateTime<Utc>>,
    pub broken_at: Option<DateTime<Utc>>,
}

pub async fn health(conn: &mut SqliteConnection, robot: &str) -> sqlx::Result<Option<Health>> {
    sqlx::query_as("SELECT last_sent_at, broken_at FROM robot_state WHERE robot = ?")
        .bind(robot)
        .fetch_optional(conn)
        .await
}
