//! Evidence files kept from Telegram: one row per report with a photo or a file, pending until
//! downloaded into the data folder.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::db::instant;

/// A report's evidence waiting for its download.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Pending {
    pub report_id: i64,
    pub file_id: String,
    pub tries: i64,
    pub project_no: i64,
    /// The Monday of the report's week, as stored ("2024-03-11").
    pub week_start: String,
}

/// Rows for reports whose evidence has none yet (new reports, and those from before evidence
/// was kept); each due now. How many were added.
pub async fn discover(conn: &mut SqliteConnection, now: DateTime<Utc>) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "INSERT INTO evidence_files (report_id, file_id, next_try_at)
         SELECT r.id, r.evidence_file_id, ? FROM reports r
         WHERE r.evidence_file_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM evidence_files e WHERE e.report_id = r.id)",
    )
    .bind(instant(now))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// The oldest pending download due by `now`.
pub async fn next_due(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Pending>> {
    sqlx::query_as(
        "SELECT e.report_id, e.file_id, e.tries, p.no AS project_no, r.week_start
         FROM evidence_files e JOIN reports r ON r.id = e.report_id
         JOIN projects p ON p.id = r.project_id
         WHERE e.state = 'pending' AND e.next_try_at <= ?
         ORDER BY e.next_try_at, e.report_id LIMIT 1",
    )
    .bind(instant(now))
    .fetch_optional(&mut *conn)
    .await
}

/// When the next pending download falls due, if any is pending.
pub async fn next_try_at(conn: &mut SqliteConnection) -> sqlx::Result<Option<DateTime<Utc>>> {
    let at: Option<String> =
        sqlx::query_scalar("SELECT min(next_try_at) FROM evidence_files WHERE state = 'pending'")
            .fetch_one(&mut *conn)
            .await?;
    Ok(at.and_then(|at| DateTime::parse_from_rfc3339(&at).ok().map(|at| at.to_utc())))
}

/// The same Telegram file already kept for another report (a corrected report keeps the
/// evidence of the one it corrects): its path, SHA-256 and size.
pub async fn stored_copy(
    conn: &mut SqliteConnection,
    file_id: &str,
) -> sqlx::Result<Option<(String, String, i64)>> {
    sqlx::query_as(
        "SELECT path, sha256, size FROM evidence_files
         WHERE file_id = ? AND state = 'stored' LIMIT 1",
    )
    .bind(file_id)
    .fetch_optional(&mut *conn)
    .await
}

pub async fn mark_stored(
    conn: &mut SqliteConnection,
    report_id: i64,
    path: &str,
    sha256: &str,
    size: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE evidence_files SET state = 'stored', path = ?, sha256 = ?, size = ?,
                stored_at = ?, tries = tries + 1, last_error = NULL
         WHERE report_id = ?",
    )
    .bind(path)
    .bind(sha256)
    .bind(size)
    .bind(instant(now))
    .bind(report_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A try that failed: tried again at `retry_at`, or never (`None`: refused for good, in
/// `state`).
pub async fn mark_failed(
    conn: &mut SqliteConnection,
    report_id: i64,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    state: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE evidence_files SET tries = tries + 1, last_error = ?,
                next_try_at = coalesce(?, next_try_at), state = ?
         WHERE report_id = ?",
    )
    .bind(error)
    .bind(retry_at.map(instant))
    .bind(state)
    .bind(report_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Evidence files by state (`pending`, `stored`, `too_big`, `failed`): `minsheng status`.
pub async fn counts_by_state(
    conn: &mut SqliteConnection,
) -> sqlx::Result<Vec<super::inbox::StateCount>> {
    sqlx::query_as(
        "SELECT state, count(*) AS count FROM evidence_files GROUP BY state ORDER BY state",
    )
    .fetch_all(conn)
    .await
}

/// Downloads still being retried after at least `tries` failures in a row.
pub async fn failing(conn: &mut SqliteConnection, tries: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM evidence_files WHERE state = 'pending' AND tries >= ?")
        .bind(tries)
        .fetch_one(conn)
        .await
}
