//! What the web view's pages read beyond the chat's views: every report version of a project
//! with its figures, a project's difficulties open and resolved, the digests as sent.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, SqliteConnection};

use crate::domain::report::Status;
use crate::domain::role::AssignmentRole;

/// One stored report version of a project, oldest first.
#[derive(Debug, Clone, FromRow)]
pub struct ReportVersion {
    pub id: i64,
    pub week_start: NaiveDate,
    pub version: i64,
    pub role: AssignmentRole,
    pub status: Status,
    pub progress: String,
    pub difficulties: String,
    pub late: bool,
    pub submitted_at: DateTime<Utc>,
    pub person_name: String,
}

/// Every report of a project, every version, by week then version then submission.
pub async fn report_versions(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<Vec<ReportVersion>> {
    sqlx::query_as(
        "SELECT r.id, r.week_start, r.version, r.role, r.status, r.progress, r.difficulties, r.late,
                r.submitted_at, pe.display_name AS person_name
         FROM reports r JOIN people pe ON pe.id = r.person_id
         WHERE r.project_id = ? ORDER BY r.week_start, r.submitted_at, r.id",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await
}

/// One figure of a report.
#[derive(Debug, Clone, FromRow)]
pub struct ReportValue {
    pub report_id: i64,
    pub metric_id: i64,
    pub value: f64,
}

/// Every figure of every report of a project.
pub async fn report_values(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<Vec<ReportValue>> {
    sqlx::query_as(
        "SELECT v.report_id, v.metric_id, v.value FROM report_values v
         JOIN reports r ON r.id = v.report_id WHERE r.project_id = ?",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await
}

/// A difficulty of a project, open or resolved.
#[derive(Debug, Clone, FromRow)]
pub struct DifficultyLine {
    pub text: String,
    pub raised_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// A project's difficulties, oldest first.
pub async fn difficulties_of_project(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<Vec<DifficultyLine>> {
    sqlx::query_as(
        "SELECT text, raised_at, resolved_at FROM difficulties WHERE project_id = ?
         ORDER BY raised_at, id",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await
}

/// A digest as it was sent, with its reader's name.
#[derive(Debug, Clone, FromRow)]
pub struct SentDigest {
    pub kind: String,
    pub period_start: NaiveDate,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub reader: Option<String>,
}

/// A period a reader had a digest of: when it went out, and in how many copies (one a
/// reader; an admin sees every reader's).
#[derive(Debug, Clone, FromRow)]
pub struct SentPeriod {
    pub kind: String,
    pub period_start: NaiveDate,
    pub sent_at: DateTime<Utc>,
    pub copies: i64,
}

/// The periods of the ten-day digests and quarter summaries sent to `person` (to anyone when
/// `None`), newest first.
pub async fn periods_sent(
    conn: &mut SqliteConnection,
    person: Option<i64>,
) -> sqlx::Result<Vec<SentPeriod>> {
    sqlx::query_as(
        "SELECT kind, period_start, max(created_at) AS sent_at, count(*) AS copies
         FROM digests
         WHERE kind IN ('dekad', 'quarter') AND (?1 IS NULL OR person_id = ?1)
         GROUP BY kind, period_start
         ORDER BY max(period_end) DESC, kind",
    )
    .bind(person)
    .fetch_all(conn)
    .await
}

/// The digests of one period sent to `person` (to anyone when `None`), by reader.
pub async fn sent_in_period(
    conn: &mut SqliteConnection,
    person: Option<i64>,
    kind: &str,
    period_start: NaiveDate,
) -> sqlx::Result<Vec<SentDigest>> {
    sqlx::query_as(
        "SELECT d.kind, d.period_start, d.text, d.created_at, pe.display_name AS reader
         FROM digests d LEFT JOIN people pe ON pe.id = d.person_id
         WHERE d.kind = ?2 AND d.period_start = ?3 AND (?1 IS NULL OR d.person_id = ?1)
         ORDER BY pe.display_name, d.id",
    )
    .bind(person)
    .bind(kind)
    .bind(period_start)
    .fetch_all(conn)
    .await
}
