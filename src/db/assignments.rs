//! Which contact reports on which project, as lead (牵头) or co-unit (协办).

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use super::instant;

use crate::domain::role::AssignmentRole;

/// The role of a current assignment, if any.
pub async fn current_role(
    conn: &mut SqliteConnection,
    project_id: i64,
    person_id: i64,
) -> sqlx::Result<Option<AssignmentRole>> {
    sqlx::query_scalar("SELECT role FROM assignments WHERE project_id = ? AND person_id = ? AND removed_at IS NULL")
        .bind(project_id)
        .bind(person_id)
        .fetch_optional(conn)
        .await
}

/// What SQLite names when `assignments_one_active` refuses a second current assignment of a
/// person to a project (see [`super::unique_violation`]).
pub const ONE_ACTIVE: &str = "assignments.project_id, assignments.person_id";

pub async fn insert(
    conn: &mut SqliteConnection,
    project_id: i64,
    person_id: i64,
    role: AssignmentRole,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let now = instant(now);
    sqlx::query(
        "INSERT INTO assignments (project_id, person_id, role, assigned_at) VALUES (?, ?, ?, ?)",
    )
    .bind(project_id)
    .bind(person_id)
    .bind(role)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_role(
    conn: &mut SqliteConnection,
    project_id: i64,
    person_id: i64,
    role: AssignmentRole,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE assignments SET role = ? WHERE project_id = ? AND person_id = ? AND removed_at IS NULL")
        .bind(role)
        .bind(project_id)
        .bind(person_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn end(
    conn: &mut SqliteConnection,
    project_id: i64,
    person_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let now = instant(now);
    let done = sqlx::query("UPDATE assignments SET removed_at = ? WHERE project_id = ? AND person_id = ? AND removed_at IS NULL")
        .bind(now)
        .bind(project_id)
        .bind(person_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn end_all_of_person(
    conn: &mut SqliteConnection,
    person_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let now = instant(now);
    let done = sqlx::query(
        "UPDATE assignments SET removed_at = ? WHERE person_id = ? AND removed_at IS NULL",
    )
    .bind(now)
    .bind(person_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

#[derive(Debug, Clone, FromRow)]
pub struct Assignment {
    pub project_id: i64,
    pub project_no: i64,
    pub title: String,
    pub person_id: i64,
    pub person_name: String,
    pub telegram_id: i64,
    pub role: AssignmentRole,
}

/// Current assignments in a plan, by project then lead first.
pub async fn of_plan(conn: &mut SqliteConnection, plan_id: i64) -> sqlx::Result<Vec<Assignment>> {
    sqlx::query_as(
        "SELECT a.project_id, p.no AS project_no, p.title, a.person_id, pe.display_name AS person_name,
                pe.telegram_id, a.role
         FROM assignments a JOIN projects p ON p.id = a.project_id JOIN people pe ON pe.id = a.person_id
         WHERE a.removed_at IS NULL AND pe.active = 1 AND p.plan_id = ?
         ORDER BY p.no, a.role DESC, a.assigned_at",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

/// A person's current assignments, whatever the plan.
pub async fn of_person(
    conn: &mut SqliteConnection,
    person_id: i64,
) -> sqlx::Result<Vec<Assignment>> {
    sqlx::query_as(
        "SELECT a.project_id, p.no AS project_no, p.title, a.person_id, pe.display_name AS person_name,
                pe.telegram_id, a.role
         FROM assignments a JOIN projects p ON p.id = a.project_id JOIN people pe ON pe.id = a.person_id
         WHERE a.removed_at IS NULL AND a.person_id = ? ORDER BY p.no",
    )
    .bind(person_id)
    .fetch_all(conn)
    .await
}
