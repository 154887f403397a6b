//! What the colour rule reads (reporting::facts), for every project of a plan at once: one
//! query each instead of seven a project, for the digest and the ledger of a large plan.

use sqlx::{FromRow, SqliteConnection};

use crate::domain::report::Status;

/// The latest lead report of a project's week (every version submitted last, as
/// `reports::lead_reports_by_week` reads them).
#[derive(Debug, Clone, FromRow)]
pub struct LeadWeek {
    pub project_id: i64,
    pub id: i64,
    pub week_start: String,
    pub status: Status,
}

/// Each project's latest lead report of each of its latest `weeks` weeks, by project, latest
/// week first: what the colour rule reads (status now, figures unchanged for weeks).
pub async fn lead_weeks(
    conn: &mut SqliteConnection,
    plan_id: i64,
    weeks: i64,
) -> sqlx::Result<Vec<LeadWeek>> {
    sqlx::query_as(
        "SELECT project_id, id, week_start, status FROM (
             SELECT project_id, id, week_start, status,
                    row_number() OVER (PARTITION BY project_id ORDER BY week_start DESC, id DESC) AS k
             FROM (SELECT r.project_id, r.id, r.week_start, r.status,
                          rank() OVER (PARTITION BY r.project_id, r.week_start ORDER BY r.submitted_at DESC) AS newest
                   FROM reports r JOIN projects p ON p.id = r.project_id
                   WHERE p.plan_id = ? AND r.role = 'lead')
             WHERE newest = 1)
         WHERE k <= ? ORDER BY project_id, week_start DESC, id DESC",
    )
    .bind(plan_id)
    .bind(weeks)
    .fetch_all(conn)
    .await
}

/// The values of each project's latest `weeks` lead reports (in [`lead_weeks`]' order), as
/// (report, metric, value).
pub async fn recent_lead_values(
    conn: &mut SqliteConnection,
    plan_id: i64,
    weeks: i64,
) -> sqlx::Result<Vec<(i64, i64, f64)>> {
    sqlx::query_as(
        "SELECT v.report_id, v.metric_id, v.value FROM (
             SELECT id, row_number() OVER (PARTITION BY project_id ORDER BY week_start DESC, id DESC) AS k
             FROM (SELECT r.project_id, r.id, r.week_start,
                          rank() OVER (PARTITION BY r.project_id, r.week_start ORDER BY r.submitted_at DESC) AS newest
                   FROM reports r JOIN projects p ON p.id = r.project_id
                   WHERE p.plan_id = ? AND r.role = 'lead')
             WHERE newest = 1) recent
         JOIN report_values v ON v.report_id = recent.id WHERE recent.k <= ?",
    )
    .bind(plan_id)
    .bind(weeks)
    .fetch_all(conn)
    .await
}

/// Each project's deadline as stored (a date).
pub async fn deadlines(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, deadline FROM projects WHERE plan_id = ?")
        .bind(plan_id)
        .fetch_all(conn)
        .await
}
