//! Digests as sent: shown again on demand and compared with the next one.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::SqliteConnection;

use super::instant;

use super::people::Recipient;
use crate::domain::dekad::Period;

/// Active leaders and where their digest goes: their group if set, else their own chat.
pub async fn leaders(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Recipient>> {
    sqlx::query_as("SELECT id AS person_id, ifnull(digest_chat_id, telegram_id) AS chat_id FROM people WHERE role = 'leader' AND active = 1 ORDER BY id")
        .fetch_all(conn)
        .await
}

/// When a person was admitted.
pub async fn joined_at(
    conn: &mut SqliteConnection,
    person_id: i64,
) -> sqlx::Result<chrono::DateTime<chrono::Utc>> {
    sqlx::query_scalar("SELECT joined_at FROM people WHERE id = ?")
        .bind(person_id)
        .fetch_one(conn)
        .await
}

/// Whether a person already has the digest (`dekad`) or summary (`quarter`) of a period.
pub async fn exists(
    conn: &mut SqliteConnection,
    plan_id: i64,
    person_id: i64,
    kind: &str,
    period_start: chrono::NaiveDate,
) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM digests WHERE plan_id = ? AND person_id = ? AND kind = ? AND period_start = ?)")
        .bind(plan_id)
        .bind(person_id)
        .bind(kind)
        .bind(period_start)
        .fetch_one(conn)
        .await
}

/// The summary (each project's state and figures, as JSON) of the person's latest ten-day
/// digest: what the next one compares against.
pub async fn last_summary(
    conn: &mut SqliteConnection,
    person_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT summary FROM digests WHERE person_id = ? AND kind = 'dekad' ORDER BY id DESC LIMIT 1")
        .bind(person_id)
        .fetch_optional(conn)
        .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut SqliteConnection,
    plan_id: i64,
    kind: &str,
    period: Period,
    person_id: Option<i64>,
    text: &str,
    summary: &Value,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let now = instant(now);
    sqlx::query(
        "INSERT INTO digests (plan_id, kind, period_start, period_end, person_id, text, summary, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(plan_id)
    .bind(kind)
    .bind(period.start)
    .bind(period.end)
    .bind(person_id)
    .bind(text)
    .bind(summary.to_string())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A difficulty as the digest lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DifficultyRow {
    /// The project's number.
    pub no: i64,
    pub text: String,
    pub raised_at: DateTime<Utc>,
    pub resolved: bool,
}

/// A plan's open difficulties, each text once (its latest raising), by project and day: the
/// digest's 待协调的困难问题.
pub async fn open_difficulties(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<Vec<DifficultyRow>> {
    sqlx::query_as(
        "SELECT p.no, d.text, d.raised_at, 0 AS resolved FROM difficulties d JOIN projects p ON p.id = d.project_id
         WHERE p.plan_id = ? AND d.resolved_at IS NULL
           AND d.id = (SELECT max(d2.id) FROM difficulties d2 WHERE d2.project_id = d.project_id AND d2.text = d.text)
         ORDER BY p.no, d.raised_at",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

/// The difficulties raised in a plan between two instants (RFC 3339, inclusive), oldest
/// first: the quarter's summary.
pub async fn difficulties_raised(
    conn: &mut SqliteConnection,
    plan_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> sqlx::Result<Vec<DifficultyRow>> {
    let from = instant(from);
    let to = instant(to);
    sqlx::query_as(
        "SELECT p.no, d.text, d.raised_at, d.resolved_at IS NOT NULL AS resolved FROM difficulties d JOIN projects p ON p.id = d.project_id
         WHERE p.plan_id = ? AND d.raised_at >= ? AND d.raised_at <= ? ORDER BY d.raised_at",
    )
    .bind(plan_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}
