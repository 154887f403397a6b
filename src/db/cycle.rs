//! What the weekly cycle reads: who reports on what, who is away, who reported.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use super::instant;

use super::people::Recipient;
use crate::domain::role::AssignmentRole;

#[derive(Debug, Clone, FromRow)]
pub struct ContactRow {
    pub project_id: i64,
    pub project_no: i64,
    pub title: String,
    pub person_id: i64,
    pub telegram_id: i64,
    pub name: String,
    pub unit: Option<String>,
    pub quiet: bool,
    pub reachable: bool,
    pub assigned_at: DateTime<Utc>,
    /// Lead contacts answer for the project; co-unit contacts add their contribution.
    pub role: AssignmentRole,
}

/// Every current assignment of an active contact in a plan.
pub async fn contacts_of_plan(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<Vec<ContactRow>> {
    sqlx::query_as(
        "SELECT p.id AS project_id, p.no AS project_no, p.title, pe.id AS person_id, pe.telegram_id,
                pe.display_name AS name, u.name AS unit, pe.quiet, pe.reachable, a.assigned_at, a.role
         FROM assignments a JOIN projects p ON p.id = a.project_id JOIN people pe ON pe.id = a.person_id
         LEFT JOIN units u ON u.id = pe.unit_id
         WHERE a.removed_at IS NULL AND pe.active = 1 AND pe.role = 'contact' AND p.plan_id = ?
         ORDER BY p.no, a.role DESC, pe.id",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await
}

/// People on leave on a day.
pub async fn on_leave(
    conn: &mut SqliteConnection,
    day: chrono::NaiveDate,
) -> sqlx::Result<HashSet<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT person_id FROM leaves WHERE from_date <= ?1 AND to_date >= ?1 AND ended_at IS NULL",
    )
    .bind(day)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().collect())
}

/// (project, person) pairs with a report for a week.
pub async fn reported_in_week(
    conn: &mut SqliteConnection,
    plan_id: i64,
    week_start: &str,
) -> sqlx::Result<HashSet<(i64, i64)>> {
    let pairs: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT DISTINCT r.project_id, r.person_id FROM reports r JOIN projects p ON p.id = r.project_id
         WHERE p.plan_id = ? AND r.week_start = ?",
    )
    .bind(plan_id)
    .bind(week_start)
    .fetch_all(conn)
    .await?;
    Ok(pairs.into_iter().collect())
}

/// Projects whose lead unit last reported 已完成: they are no longer prompted.
pub async fn done_projects(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<HashSet<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT r.project_id FROM reports r JOIN projects p ON p.id = r.project_id
         WHERE p.plan_id = ? AND r.role = 'lead'
           AND r.submitted_at = (SELECT max(submitted_at) FROM reports r2 WHERE r2.project_id = r.project_id AND r2.role = 'lead')
           AND r.status = 'done'",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().collect())
}

/// Active leaders and the projects in their scope: leader person id → (chat, projects).
pub async fn leader_scopes(
    conn: &mut SqliteConnection,
    plan_id: i64,
) -> sqlx::Result<HashMap<i64, (i64, HashSet<i64>)>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT pe.id, pe.telegram_id, p.id FROM people pe JOIN leader_scopes s ON s.person_id = pe.id
         JOIN projects p ON p.id = s.project_id OR p.category_id = s.category_id
         WHERE pe.active = 1 AND pe.role = 'leader' AND p.plan_id = ?",
    )
    .bind(plan_id)
    .fetch_all(conn)
    .await?;
    let mut scopes: HashMap<i64, (i64, HashSet<i64>)> = HashMap::new();
    for (leader, chat, project) in rows {
        scopes
            .entry(leader)
            .or_insert_with(|| (chat, HashSet::new()))
            .1
            .insert(project);
    }
    Ok(scopes)
}

/// Active admins and their own chats.
pub async fn admins(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Recipient>> {
    sqlx::query_as(
        "SELECT id AS person_id, telegram_id AS chat_id FROM people WHERE role = 'admin' AND active = 1 ORDER BY id",
    )
    .fetch_all(conn)
    .await
}

/// Whether an admin's reminder went out to this person in the last minute.
pub async fn reminded_since(
    conn: &mut SqliteConnection,
    person_id: i64,
    since: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let since = instant(since);
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE person_id = ? AND step LIKE 'remind:%' AND created_at >= ?)",
    )
    .bind(person_id)
    .bind(since)
    .fetch_one(conn)
    .await
}

pub async fn add_leave(
    conn: &mut SqliteConnection,
    person_id: i64,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let now = instant(now);
    sqlx::query(
        "INSERT INTO leaves (person_id, from_date, to_date, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(person_id)
    .bind(from)
    .bind(to)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a person's leaves that have not run out yet.
pub async fn end_leaves(
    conn: &mut SqliteConnection,
    person_id: i64,
    today: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let now = instant(now);
    let done = sqlx::query(
        "UPDATE leaves SET ended_at = ? WHERE person_id = ? AND ended_at IS NULL AND to_date >= ?",
    )
    .bind(now)
    .bind(person_id)
    .bind(today)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn set_quiet(
    conn: &mut SqliteConnection,
    person_id: i64,
    quiet: bool,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET quiet = ? WHERE id = ?")
        .bind(quiet)
        .bind(person_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn add_pause(
    conn: &mut SqliteConnection,
    plan_id: i64,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    by: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let now = instant(now);
    sqlx::query("INSERT INTO pauses (plan_id, from_date, to_date, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
        .bind(plan_id)
        .bind(from)
        .bind(to)
        .bind(by)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn lift_pauses(
    conn: &mut SqliteConnection,
    plan_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let now = instant(now);
    let done =
        sqlx::query("UPDATE pauses SET lifted_at = ? WHERE plan_id = ? AND lifted_at IS NULL")
            .bind(now)
            .bind(plan_id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}

/// How many people already have a week's escalation queued.
pub async fn escalations_queued(
    conn: &mut SqliteConnection,
    plan_id: i64,
    period: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE plan_id = ? AND period = ? AND step = 'escalation'",
    )
    .bind(plan_id)
    .bind(period)
    .fetch_one(conn)
    .await
}

/// The keys of a week's steps already queued under one name: (person, project or none).
pub async fn step_keys(
    conn: &mut SqliteConnection,
    plan_id: i64,
    period: &str,
    step: &str,
) -> sqlx::Result<HashSet<(i64, Option<i64>)>> {
    let keys: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT person_id, project_id FROM outbox WHERE plan_id = ? AND period = ? AND step = ?",
    )
    .bind(plan_id)
    .bind(period)
    .bind(step)
    .fetch_all(conn)
    .await?;
    Ok(keys.into_iter().collect())
}

/// The current (project, person) assignments of a plan already prompted for a week: some prompt
/// to the person that week was queued at or after the assignment began. A prompt lists every
/// project the person owed when it was queued, so its moment is what tells.
pub async fn prompted_in_week(
    conn: &mut SqliteConnection,
    plan_id: i64,
    period: &str,
) -> sqlx::Result<HashSet<(i64, i64)>> {
    let pairs: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT a.project_id, a.person_id FROM assignments a JOIN projects p ON p.id = a.project_id
         WHERE p.plan_id = ?1 AND a.removed_at IS NULL
           AND EXISTS (SELECT 1 FROM outbox o WHERE o.plan_id = ?1 AND o.period = ?2 AND o.step = 'prompt'
                       AND o.person_id = a.person_id AND julianday(o.created_at) >= julianday(a.assigned_at))",
    )
    .bind(plan_id)
    .bind(period)
    .fetch_all(conn)
    .await?;
    Ok(pairs.into_iter().collect())
}

/// The difficulties of a person's last report on a project (the project's last lead report
/// when they never reported); `None` when there is none.
pub async fn last_difficulties(
    conn: &mut SqliteConnection,
    project_id: i64,
    person_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT difficulties FROM reports WHERE project_id = ?1 AND (person_id = ?2 OR role = 'lead')
         ORDER BY person_id = ?2 DESC, week_start DESC, submitted_at DESC LIMIT 1",
    )
    .bind(project_id)
    .bind(person_id)
    .fetch_optional(conn)
    .await
}
