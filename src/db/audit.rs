//! The audit log: every change, with who, what, when, before and after.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, SqliteConnection};

use super::instant;

pub struct Entry<'a> {
    pub actor_id: Option<i64>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

pub async fn record(
    conn: &mut SqliteConnection,
    entry: Entry<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let now = instant(now);
    sqlx::query("INSERT INTO audit_log (at, actor_id, actor_label, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(now)
        .bind(entry.actor_id)
        .bind(entry.actor_label)
        .bind(entry.action)
        .bind(entry.target)
        .bind(entry.before.map(|v| v.to_string()))
        .bind(entry.after.map(|v| v.to_string()))
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub actor_label: String,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub async fn latest(conn: &mut SqliteConnection, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as("SELECT at, actor_label, action, target, before, after FROM audit_log ORDER BY id DESC LIMIT ?")
        .bind(limit)
        .fetch_all(conn)
        .await
}
