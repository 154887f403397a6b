//! What the one computation of who was expected to report reads (`services::expected`): the
//! lead assignments with their intervals, the lead reports, and the leaves.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, SqliteConnection};

use crate::domain::report::Status;

/// A lead (牵头) assignment of a contact to a project, with when it began and ended.
#[derive(Debug, Clone, FromRow)]
pub struct LeadSpan {
    pub project_id: i64,
    pub project_no: i64,
    pub title: String,
    /// The project's lead unit, as the plan names it.
    pub lead_unit: Option<String>,
    pub person_id: i64,
    pub name: String,
    pub assigned_at: DateTime<Utc>,
    pub removed_at: Option<DateTime<Utc>>,
}

const SPANS: &str = "SELECT a.project_id, p.no AS project_no, p.title,
        (SELECT u.name FROM project_units pu JOIN units u ON u.id = pu.unit_id
         WHERE pu.project_id = p.id AND pu.role = 'lead') AS lead_unit,
        a.person_id, pe.display_name AS name, a.assigned_at, a.removed_at
 FROM assignments a JOIN projects p ON p.id = a.project_id JOIN people pe ON pe.id = a.person_id
 WHERE a.role = 'lead'";

/// Every lead assignment, past and current, of a plan's projects.
pub async fn lead_spans(conn: &mut SqliteConnection, plan_id: i64) -> sqlx::Result<Vec<LeadSpan>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SPANS} AND p.plan_id = ? ORDER BY p.no, a.assigned_at, a.id"
    )))
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

/// Every lead assignment, past and current, of one project.
pub async fn lead_spans_of_project(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<Vec<LeadSpan>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SPANS} AND a.project_id = ? ORDER BY a.assigned_at, a.id"
    )))
    .bind(project_id)
    .fetch_all(conn)
    .await
}

/// A lead report: the week it answers, when it came and the status it gave.
#[derive(Debug, Clone, FromRow)]
pub struct LeadReport {
    pub project_id: i64,
    pub week_start: NaiveDate,
    pub submitted_at: DateTime<Utc>,
    pub status: Status,
}

/// Every (project, week) of a plan that a lead report answered: one row a project, its weeks
/// joined, so a year of a large plan costs a thousand rows rather than fifty thousand.
pub async fn lead_weeks_reported(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<HashSet<(i64, NaiveDate)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT r.project_id, group_concat(DISTINCT r.week_start)
         FROM reports r JOIN projects p ON p.id = r.project_id
         WHERE r.role = 'lead' AND p.plan_id = ? GROUP BY r.project_id",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await?;
    let mut weeks = HashSet::new();
    for (project, joined) in rows {
        for week in joined.split(',') {
            let monday = week
                .parse()
                .map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
            weeks.insert((project, monday));
        }
    }
    Ok(weeks)
}

/// Every lead report, oldest first, of the plan's projects that a lead report ever called
/// 已完成: only they can have been done by a week's prompt.
pub async fn lead_reports_of_done(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<Vec<LeadReport>> {
    sqlx::query_as(
        "SELECT r.project_id, r.week_start, r.submitted_at, r.status
         FROM reports r JOIN projects p ON p.id = r.project_id
         WHERE r.role = 'lead' AND p.plan_id = ?
           AND r.project_id IN (SELECT project_id FROM reports WHERE role = 'lead' AND status = 'done')
         ORDER BY r.submitted_at, r.id",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

/// Every lead report of one project, oldest first (by the `reports_by_week` index).
pub async fn lead_reports_of_project(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<Vec<LeadReport>> {
    sqlx::query_as(
        "SELECT project_id, week_start, submitted_at, status FROM reports
         WHERE project_id = ? AND role = 'lead' ORDER BY submitted_at, id",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await
}

/// A person's leave, first and last day (not ended early).
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Leave {
    pub person_id: i64,
    pub from_date: NaiveDate,
    pub to_date: NaiveDate,
}

/// Every leave not ended early.
pub async fn leaves(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Leave>> {
    sqlx::query_as("SELECT person_id, from_date, to_date FROM leaves WHERE ended_at IS NULL")
        .fetch_all(conn)
        .await
}

/// Projects with a lead report for a week.
pub async fn lead_reported_in_week(
    conn: &mut SqliteConnection,
    plan_id: i64,
    week_start: NaiveDate,
) -> sqlx::Result<HashSet<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT r.project_id FROM reports r JOIN projects p ON p.id = r.project_id
         WHERE p.plan_id = ? AND r.week_start = ? AND r.role = 'lead'",
    )
    .bind(plan_id)
    .bind(week_start)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().collect())
}
