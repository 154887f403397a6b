//! Plans, categories, units, projects and metrics: the seed's tables.
//!
//! The upserts only touch a row whose values differ (`DO UPDATE … WHERE`), so `rows_affected`
//! counts real changes and loading the same seed twice changes nothing.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use super::instant;

use crate::domain::cycle::PlanDates;
use crate::domain::metric::MetricKind;
use crate::domain::role::AssignmentRole;
use crate::domain::seed::{CategorySeed, MetricSeed, PlanInfo, ProjectSeed, UnitKind};

pub async fn plan_count(conn: &mut SqliteConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM plans")
        .fetch_one(conn)
        .await
}

pub async fn plan_id_by_year(conn: &mut SqliteConnection, year: i32) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM plans WHERE year = ?")
        .bind(year)
        .fetch_optional(conn)
        .await
}

/// The newest plan, the default for commands that take `--plan`.
pub async fn latest_plan_year(conn: &mut SqliteConnection) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar("SELECT max(year) FROM plans")
        .fetch_one(conn)
        .await
}

pub async fn upsert_plan(
    conn: &mut SqliteConnection,
    plan: &PlanInfo,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let now = instant(now);
    let done = sqlx::query(
        "INSERT INTO plans (year, name, document, issued_on, starts_on, ends_on, timezone, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (year) DO UPDATE SET
             name = excluded.name, document = excluded.document, issued_on = excluded.issued_on,
             starts_on = excluded.starts_on, ends_on = excluded.ends_on, timezone = excluded.timezone
         WHERE (name, document, issued_on, starts_on, ends_on, timezone)
               IS NOT (excluded.name, excluded.document, excluded.issued_on,
                       excluded.starts_on, excluded.ends_on, excluded.timezone)",
    )
    .bind(plan.year)
    .bind(&plan.name)
    .bind(&plan.document)
    .bind(plan.issued_on)
    .bind(plan.starts_on)
    .bind(plan.ends_on)
    .bind(&plan.timezone)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn upsert_unit(
    conn: &mut SqliteConnection,
    name: &str,
    kind: UnitKind,
    group_id: Option<i64>,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "INSERT INTO units (name, kind, group_id) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, group_id = excluded.group_id
         WHERE (kind, group_id) IS NOT (excluded.kind, excluded.group_id)",
    )
    .bind(name)
    .bind(kind.as_str())
    .bind(group_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn unit_id(conn: &mut SqliteConnection, name: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM units WHERE name = ?")
        .bind(name)
        .fetch_optional(conn)
        .await
}

pub async fn upsert_category(
    conn: &mut SqliteConnection,
    plan_id: i64,
    position: i64,
    category: &CategorySeed,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "INSERT INTO categories (plan_id, position, numeral, name) VALUES (?, ?, ?, ?)
         ON CONFLICT (plan_id, numeral) DO UPDATE SET position = excluded.position, name = excluded.name
         WHERE (position, name) IS NOT (excluded.position, excluded.name)",
    )
    .bind(plan_id)
    .bind(position)
    .bind(&category.numeral)
    .bind(&category.name)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn category_id(
    conn: &mut SqliteConnection,
    plan_id: i64,
    numeral: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT id FROM categories WHERE plan_id = ? AND numeral = ?")
        .bind(plan_id)
        .bind(numeral)
        .fetch_one(conn)
        .await
}

pub async fn upsert_project(
    conn: &mut SqliteConnection,
    plan_id: i64,
    category_id: i64,
    project: &ProjectSeed,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "INSERT INTO projects (plan_id, category_id, no, title, summary, goals, deadline)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (plan_id, no) DO UPDATE SET
             category_id = excluded.category_id, title = excluded.title, summary = excluded.summary,
             goals = excluded.goals, deadline = excluded.deadline
         WHERE (category_id, title, summary, goals, deadline)
               IS NOT (excluded.category_id, excluded.title, excluded.summary, excluded.goals, excluded.deadline)",
    )
    .bind(plan_id)
    .bind(category_id)
    .bind(project.no)
    .bind(&project.title)
    .bind(&project.summary)
    .bind(&project.goals)
    .bind(project.deadline)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn project_id(conn: &mut SqliteConnection, plan_id: i64, no: u32) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT id FROM projects WHERE plan_id = ? AND no = ?")
        .bind(plan_id)
        .bind(no)
        .fetch_one(conn)
        .await
}

/// The project's units by name, lead first.
pub async fn project_unit_names(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT u.name FROM project_units pu JOIN units u ON u.id = pu.unit_id
         WHERE pu.project_id = ? ORDER BY pu.position",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await
}

pub async fn clear_project_units(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM project_units WHERE project_id = ?")
        .bind(project_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn insert_project_unit(
    conn: &mut SqliteConnection,
    project_id: i64,
    unit_id: i64,
    position: i64,
) -> sqlx::Result<u64> {
    // The seed table lists the lead unit first.
    let role = if position == 1 {
        AssignmentRole::Lead
    } else {
        AssignmentRole::Co
    };
    let done = sqlx::query(
        "INSERT INTO project_units (project_id, unit_id, position, role) VALUES (?, ?, ?, ?)",
    )
    .bind(project_id)
    .bind(unit_id)
    .bind(position)
    .bind(role)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn upsert_metric(
    conn: &mut SqliteConnection,
    project_id: i64,
    position: i64,
    metric: &MetricSeed,
) -> sqlx::Result<u64> {
    let target = &metric.target;
    let done = sqlx::query(
        "INSERT INTO metrics (project_id, position, name, kind, target, unit, comparison, baseline)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (project_id, position) DO UPDATE SET
             name = excluded.name, kind = excluded.kind, target = excluded.target, unit = excluded.unit,
             comparison = excluded.comparison, baseline = excluded.baseline
         WHERE (name, kind, target, unit, comparison, baseline)
               IS NOT (excluded.name, excluded.kind, excluded.target, excluded.unit,
                       excluded.comparison, excluded.baseline)",
    )
    .bind(project_id)
    .bind(position)
    .bind(&metric.name)
    .bind(target.kind)
    .bind(target.value)
    .bind(&target.unit)
    .bind(target.comparison.map(|c| c.as_str()))
    .bind(target.baseline)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Metrics beyond the seed's count for a project, dropped when a person removes them from the
/// file. A metric that reports already refer to cannot go (the foreign key refuses).
pub async fn delete_metrics_after(
    conn: &mut SqliteConnection,
    project_id: i64,
    count: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM metrics WHERE project_id = ? AND position > ?")
        .bind(project_id)
        .bind(count)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

#[derive(Debug, Clone, FromRow)]
pub struct ProjectRow {
    pub id: i64,
    pub no: i64,
    pub category_numeral: String,
    pub category_name: String,
    pub title: String,
    pub deadline: String,
    pub lead_unit: String,
}

pub async fn projects_of_plan(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<Vec<ProjectRow>> {
    sqlx::query_as(
        "SELECT p.id, p.no, c.numeral AS category_numeral, c.name AS category_name, p.title, p.deadline,
                u.name AS lead_unit
         FROM projects p
         JOIN categories c ON c.id = p.category_id
         JOIN project_units pu ON pu.project_id = p.id AND pu.role = 'lead'
         JOIN units u ON u.id = pu.unit_id
         WHERE p.plan_id = ? ORDER BY p.no",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct MetricRow {
    pub id: i64,
    pub project_id: i64,
    pub position: i64,
    pub name: String,
    pub kind: MetricKind,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub comparison: Option<String>,
    pub baseline: Option<f64>,
}

pub async fn metrics_of_plan(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<Vec<MetricRow>> {
    sqlx::query_as(
        "SELECT m.id, m.project_id, m.position, m.name, m.kind, m.target, m.unit, m.comparison, m.baseline
         FROM metrics m JOIN projects p ON p.id = m.project_id
         WHERE p.plan_id = ? ORDER BY p.no, m.position",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

/// The plan in force on a day: the one whose period holds it, else the newest that began before.
pub async fn plan_on(
    conn: &mut SqliteConnection,
    day: chrono::NaiveDate,
) -> sqlx::Result<Option<PlanRow>> {
    sqlx::query_as(
        "SELECT id, year, name, starts_on, ends_on, timezone FROM plans
         WHERE starts_on <= ? ORDER BY (ends_on >= ?) DESC, starts_on DESC LIMIT 1",
    )
    .bind(day)
    .bind(day)
    .fetch_optional(conn)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct PlanRow {
    pub id: i64,
    pub year: i64,
    pub name: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub timezone: String,
}

impl PlanRow {
    pub fn dates(&self) -> PlanDates {
        PlanDates {
            starts_on: self.starts_on,
            ends_on: self.ends_on,
        }
    }
}

pub async fn project_count(conn: &mut SqliteConnection, plan_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM projects WHERE plan_id = ?")
        .bind(plan_id)
        .fetch_one(conn)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ProjectCard {
    pub id: i64,
    pub no: i64,
    pub category: String,
    pub title: String,
    pub summary: String,
    pub goals: String,
    pub deadline: String,
}

pub async fn project_card(
    conn: &mut SqliteConnection,
    plan_id: i64,
    no: i64,
) -> sqlx::Result<Option<ProjectCard>> {
    sqlx::query_as(
        "SELECT p.id, p.no, c.numeral || '、' || c.name AS category, p.title, p.summary, p.goals, p.deadline
         FROM projects p JOIN categories c ON c.id = p.category_id WHERE p.plan_id = ? AND p.no = ?",
    )
    .bind(plan_id)
    .bind(no)
    .fetch_optional(conn)
    .await
}

/// A unit on a project (承办单位): 发展软环境保障局, lead.
#[derive(Debug, Clone, FromRow)]
pub struct ProjectUnit {
    pub name: String,
    pub role: AssignmentRole,
}

/// The project's units with their roles, lead first.
pub async fn project_units(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<Vec<ProjectUnit>> {
    sqlx::query_as(
        "SELECT u.name, pu.role FROM project_units pu JOIN units u ON u.id = pu.unit_id
         WHERE pu.project_id = ? ORDER BY pu.position",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await
}

pub async fn metrics_of_project(
    conn: &mut SqliteConnection,
    project_id: i64,
) -> sqlx::Result<Vec<MetricRow>> {
    sqlx::query_as(
        "SELECT id, project_id, position, name, kind, target, unit, comparison, baseline
         FROM metrics WHERE project_id = ? ORDER BY position",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct UnitRow {
    pub id: i64,
    pub name: String,
}

pub async fn active_units(conn: &mut SqliteConnection) -> sqlx::Result<Vec<UnitRow>> {
    sqlx::query_as(
        "SELECT id, name FROM units WHERE active = 1 AND kind <> 'group' ORDER BY kind, id",
    )
    .fetch_all(conn)
    .await
}

pub async fn unit_by_id(conn: &mut SqliteConnection, id: i64) -> sqlx::Result<Option<UnitRow>> {
    sqlx::query_as("SELECT id, name FROM units WHERE id = ? AND active = 1")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Units a contact can belong to (groups stand for their members), matched by name.
pub async fn units_named_like(
    conn: &mut SqliteConnection,
    part: &str,
) -> sqlx::Result<Vec<UnitRow>> {
    sqlx::query_as(
        "SELECT id, name FROM units WHERE active = 1 AND kind <> 'group' AND instr(name, ?) > 0 ORDER BY length(name), id",
    )
    .bind(part)
    .fetch_all(conn)
    .await
}

pub async fn category_id_by_numeral(
    conn: &mut SqliteConnection,
    plan_id: i64,
    numeral: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM categories WHERE plan_id = ? AND numeral = ?")
        .bind(plan_id)
        .bind(numeral)
        .fetch_optional(conn)
        .await
}
