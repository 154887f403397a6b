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

/// Each project's latest lead report of each of its latest `?2` weeks (the latest version of
/// a week, as `reports::lead_reports_by_week` reads them), walked project by project along
/// `reports_by_week` rather than ranking every report of the plan.
macro_rules! recent_lead_weeks {
    () => {
        "
    SELECT r.project_id, r.id, r.week_start, r.status
    FROM projects p JOIN reports r ON r.project_id = p.id
    WHERE p.plan_id = ?1 AND r.role = 'lead'
      AND r.week_start >= coalesce(
            (SELECT DISTINCT w.week_start FROM reports w
             WHERE w.project_id = p.id AND w.role = 'lead'
             ORDER BY w.week_start DESC LIMIT 1 OFFSET ?2 - 1), '')
      AND r.submitted_at = (SELECT max(x.submitted_at) FROM reports x
                            WHERE x.project_id = r.project_id AND x.role = 'lead'
                              AND x.week_start = r.week_start)"
    };
}

/// Each project's latest lead report of each of its latest `weeks` weeks, by project, latest
/// week first: what the colour rule reads (status now, figures unchanged for weeks).
pub async fn lead_weeks(
    conn: &mut SqliteConnection,
    plan_id: i64,
    weeks: i64,
) -> sqlx::Result<Vec<LeadWeek>> {
    sqlx::query_as(concat!(
        recent_lead_weeks!(),
        " ORDER BY r.project_id, r.week_start DESC, r.id DESC"
    ))
    .bind(plan_id)
    .bind(weeks)
    .fetch_all(conn)
    .await
}

/// The values of the reports [`lead_weeks`] reads, as (report, metric, value).
pub async fn recent_lead_values(
    conn: &mut SqliteConnection,
    plan_id: i64,
    weeks: i64,
) -> sqlx::Result<Vec<(i64, i64, f64)>> {
    sqlx::query_as(concat!(
        "WITH recent AS (",
        recent_lead_weeks!(),
        ") SELECT v.report_id, v.metric_id, v.value FROM recent JOIN report_values v ON v.report_id = recent.id"
    ))
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
