//! Reports, read side for now: when each project last reported, and a project's history.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use super::instant;

use crate::domain::report::Status;
use crate::domain::role::AssignmentRole;

/// The latest submission time per project of a plan, by project id.
pub async fn last_report_per_project(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<HashMap<i64, DateTime<Utc>>> {
    let rows: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(
        "SELECT r.project_id, max(r.submitted_at) FROM reports r JOIN projects p ON p.id = r.project_id
         WHERE p.plan_id = ? GROUP BY r.project_id",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().collect())
}

#[derive(Debug, Clone, FromRow)]
pub struct ReportLine {
    pub week_start: String,
    pub version: i64,
    pub status: Status,
    pub progress: String,
    pub person_name: String,
    pub late: bool,
    pub submitted_at: DateTime<Utc>,
    pub role: AssignmentRole,
}

pub async fn history(
    conn: &mut SqliteConnection,
    project_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<ReportLine>> {
    sqlx::query_as(
        "SELECT r.week_start, r.version, r.status, r.progress, pe.display_name AS person_name, r.late, r.submitted_at, r.role
         FROM reports r JOIN people pe ON pe.id = r.person_id
         WHERE r.project_id = ? ORDER BY r.submitted_at DESC, r.id DESC LIMIT ?",
    )
    .bind(project_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Whether a person has reported on a project for a week.
pub async fn has_reported(
    conn: &mut SqliteConnection,
    project_id: i64,
    person_id: i64,
    week_start: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM reports WHERE project_id = ? AND person_id = ? AND week_start = ?)")
        .bind(project_id)
        .bind(person_id)
        .bind(week_start)
        .fetch_one(conn)
        .await
}

pub struct NewReport<'a> {
    pub project_id: i64,
    pub person_id: i64,
    pub week_start: &'a str,
    pub role: AssignmentRole,
    pub status: Status,
    pub progress: &'a str,
    pub difficulties: &'a str,
    pub evidence: Option<(&'a str, &'a str)>,
    pub late: bool,
}

/// A report just written: its id and its version for the person's week.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Inserted {
    pub id: i64,
    pub version: i64,
}

/// Writes a report as the next version of this person's report for the week.
pub async fn insert(
    conn: &mut SqliteConnection,
    report: &NewReport<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<Inserted> {
    let now = instant(now);
    sqlx::query_as(
        "INSERT INTO reports (project_id, person_id, week_start, version, role, status, progress, difficulties,
                              evidence_kind, evidence_file_id, late, submitted_at)
         VALUES (?1, ?2, ?3,
                 (SELECT ifnull(max(version), 0) + 1 FROM reports WHERE project_id = ?1 AND person_id = ?2 AND week_start = ?3),
                 ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         RETURNING id, version",
    )
    .bind(report.project_id)
    .bind(report.person_id)
    .bind(report.week_start)
    .bind(report.role)
    .bind(report.status)
    .bind(report.progress)
    .bind(report.difficulties)
    .bind(report.evidence.map(|(kind, _)| kind))
    .bind(report.evidence.map(|(_, id)| id))
    .bind(report.late)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// A figure given for one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Value {
    pub metric_id: i64,
    pub value: f64,
}

pub async fn insert_value(
    conn: &mut SqliteConnection,
    report_id: i64,
    value: Value,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO report_values (report_id, metric_id, value) VALUES (?, ?, ?)")
        .bind(report_id)
        .bind(value.metric_id)
        .bind(value.value)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_difficulty(
    conn: &mut SqliteConnection,
    project_id: i64,
    report_id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let now = instant(now);
    sqlx::query(
        "INSERT INTO difficulties (project_id, report_id, text, raised_at) VALUES (?, ?, ?, ?)",
    )
    .bind(project_id)
    .bind(report_id)
    .bind(text)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct Latest {
    pub id: i64,
    pub week_start: String,
    pub status: Status,
}

/// A person's latest report on a project (latest week, latest version).
pub async fn latest_of_person(
    conn: &mut SqliteConnection,
    project_id: i64,
    person_id: i64,
) -> sqlx::Result<Option<Latest>> {
    sqlx::query_as(
        "SELECT id, week_start, status FROM reports WHERE project_id = ? AND person_id = ?
         ORDER BY week_start DESC, version DESC LIMIT 1",
    )
    .bind(project_id)
    .bind(person_id)
    .fetch_optional(conn)
    .await
}

/// The project's own figures: the latest report of a lead contact, one per week, newest first
/// (the latest version of that week).
pub async fn lead_reports_by_week(
    conn: &mut SqliteConnection,
    project_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<Latest>> {
    sqlx::query_as(
        "SELECT r.id, r.week_start, r.status FROM reports r
         WHERE r.project_id = ?1 AND r.role = 'lead'
           AND r.submitted_at = (SELECT max(submitted_at) FROM reports r2
                                 WHERE r2.project_id = ?1 AND r2.role = 'lead' AND r2.week_start = r.week_start)
         ORDER BY r.week_start DESC LIMIT ?2",
    )
    .bind(project_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// A report's values by metric id.
pub async fn values_of(
    conn: &mut SqliteConnection,
    report_id: i64,
) -> sqlx::Result<HashMap<i64, f64>> {
    let rows: Vec<(i64, f64)> =
        sqlx::query_as("SELECT metric_id, value FROM report_values WHERE report_id = ?")
            .bind(report_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().collect())
}

/// Weeks for which this person reported on the project, in any role.
pub async fn weeks_of_person(
    conn: &mut SqliteConnection,
    project_id: i64,
    person_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT DISTINCT week_start FROM reports WHERE project_id = ? AND person_id = ?",
    )
    .bind(project_id)
    .bind(person_id)
    .fetch_all(conn)
    .await
}

/// The project's deadline as stored (YYYY-MM-DD): the colour rule measures progress against it.
pub async fn deadline_of_project(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT deadline FROM projects WHERE id = ?")
        .bind(project_id)
        .fetch_one(conn)
        .await
}

/// Marks a project's open difficulties resolved; returns how many.
pub async fn resolve_difficulties(
    conn: &mut SqliteConnection,
    project_id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let now = instant(now);
    let done = sqlx::query("UPDATE difficulties SET resolved_at = ?, resolved_by = ? WHERE project_id = ? AND resolved_at IS NULL")
        .bind(now)
        .bind(by)
        .bind(project_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// A person's report just sent, as a file sent after 提交 joins it.
#[derive(Debug, Clone, FromRow)]
pub struct Sent {
    pub id: i64,
    pub project_no: i64,
    pub week_start: chrono::NaiveDate,
    pub submitted_at: DateTime<Utc>,
    pub has_evidence: bool,
}

/// The latest version of the person's latest report, on any project.
pub async fn last_sent_by(
    conn: &mut SqliteConnection,
    person_id: i64,
) -> sqlx::Result<Option<Sent>> {
    sqlx::query_as(
        "SELECT r.id, p.no AS project_no, r.week_start, r.submitted_at,
                r.evidence_kind IS NOT NULL AS has_evidence
         FROM reports r JOIN projects p ON p.id = r.project_id
         WHERE r.person_id = ? ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1",
    )
    .bind(person_id)
    .fetch_optional(conn)
    .await
}

/// Attaches evidence to a report that has none; false when it had some (the first is kept).
pub async fn add_evidence(
    conn: &mut SqliteConnection,
    report_id: i64,
    kind: &str,
    file_id: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE reports SET evidence_kind = ?, evidence_file_id = ?
         WHERE id = ? AND evidence_kind IS NULL",
    )
    .bind(kind)
    .bind(file_id)
    .bind(report_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
