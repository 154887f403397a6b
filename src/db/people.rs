//! People admitted to the bot.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use super::instant;

pub use crate::domain::role::Role;

/// The role of an active person, by Telegram user id.
pub async fn active_role(
    conn: &mut SqliteConnection,
    telegram_id: i64,
) -> sqlx::Result<Option<Role>> {
    sqlx::query_scalar("SELECT role FROM people WHERE telegram_id = ? AND active = 1")
        .bind(telegram_id)
        .fetch_optional(conn)
        .await
}

/// Marks a person unreachable (they blocked the bot); true only the first time, so that the
/// admins are told once.
pub async fn mark_unreachable(conn: &mut SqliteConnection, telegram_id: i64) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE people SET reachable = 0 WHERE telegram_id = ? AND reachable = 1")
            .bind(telegram_id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// A person who writes to the bot again can be reached again.
pub async fn mark_reachable(conn: &mut SqliteConnection, telegram_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET reachable = 1 WHERE telegram_id = ? AND reachable = 0")
        .bind(telegram_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The chats of active admins in the database (bootstrap admins come from configuration).
pub async fn admin_chat_ids(conn: &mut SqliteConnection) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT telegram_id FROM people WHERE role = 'admin' AND active = 1 AND reachable = 1",
    )
    .fetch_all(conn)
    .await
}

/// Name of a person for messages to admins, by Telegram id.
pub async fn display_name(
    conn: &mut SqliteConnection,
    telegram_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT display_name FROM people WHERE telegram_id = ?")
        .bind(telegram_id)
        .fetch_optional(conn)
        .await
}

/// A person and the chat their messages go to (an admin's own chat, a leader's digest group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct Recipient {
    pub person_id: i64,
    pub chat_id: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnreachableRow {
    pub telegram_id: i64,
    pub display_name: String,
    pub role: Role,
}

pub async fn unreachable(conn: &mut SqliteConnection) -> sqlx::Result<Vec<UnreachableRow>> {
    sqlx::query_as("SELECT telegram_id, display_name, role FROM people WHERE reachable = 0 AND active = 1 ORDER BY display_name")
        .fetch_all(conn)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct Person {
    pub id: i64,
    pub telegram_id: i64,
    pub display_name: String,
    pub username: Option<String>,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub active: bool,
    pub reachable: bool,
    pub quiet: bool,
    pub digest_chat_id: Option<i64>,
}

const PERSON: &str = "SELECT p.id, p.telegram_id, p.display_name, p.username, p.role, p.unit_id, u.name AS unit_name,
        p.active, p.reachable, p.quiet, p.digest_chat_id
    FROM people p LEFT JOIN units u ON u.id = p.unit_id";

pub async fn by_telegram_id(
    conn: &mut SqliteConnection,
    telegram_id: i64,
) -> sqlx::Result<Option<Person>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PERSON} WHERE p.telegram_id = ?"
    )))
    .bind(telegram_id)
    .fetch_optional(conn)
    .await
}

pub async fn by_username(conn: &mut SqliteConnection, username: &str) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PERSON} WHERE lower(p.username) = lower(?)"
    )))
    .bind(username)
    .fetch_all(conn)
    .await
}

/// People whose name holds `part`, active ones only.
pub async fn by_name_part(conn: &mut SqliteConnection, part: &str) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PERSON} WHERE p.active = 1 AND instr(p.display_name, ?) > 0 ORDER BY p.display_name"
    )))
    .bind(part)
    .fetch_all(conn)
    .await
}

/// Deactivated people whose name holds `part`: whom /reactivate may mean.
pub async fn inactive_by_name_part(
    conn: &mut SqliteConnection,
    part: &str,
) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PERSON} WHERE p.active = 0 AND instr(p.display_name, ?) > 0 ORDER BY p.display_name"
    )))
    .bind(part)
    .fetch_all(conn)
    .await
}

/// The Telegram id of a person by row id.
pub async fn telegram_id_of(conn: &mut SqliteConnection, id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT telegram_id FROM people WHERE id = ?")
        .bind(id)
        .fetch_one(conn)
        .await
}

pub async fn all_active(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PERSON} WHERE p.active = 1
         ORDER BY CASE p.role WHEN 'admin' THEN 1 WHEN 'leader' THEN 2 ELSE 3 END, u.name, p.display_name"
    )))
    .fetch_all(conn)
    .await
}

pub async fn insert(
    conn: &mut SqliteConnection,
    telegram_id: i64,
    display_name: &str,
    username: Option<&str>,
    role: Role,
    unit_id: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let now = instant(now);
    sqlx::query_scalar(
        "INSERT INTO people (telegram_id, display_name, username, role, unit_id, joined_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(telegram_id)
    .bind(display_name)
    .bind(username)
    .bind(role)
    .bind(unit_id)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// A bootstrap admin from configuration gets a row on first start (named properly when they
/// first write); a row that exists, even deactivated, is left alone.
pub async fn ensure_bootstrap_admin(
    conn: &mut SqliteConnection,
    telegram_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let now = instant(now);
    let done = sqlx::query(
        "INSERT INTO people (telegram_id, display_name, role, joined_at) VALUES (?, ?, 'admin', ?)
         ON CONFLICT (telegram_id) DO NOTHING",
    )
    .bind(telegram_id)
    .bind(format!("管理员{telegram_id}"))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps the name and @username as Telegram shows them now.
pub async fn refresh_profile(
    conn: &mut SqliteConnection,
    telegram_id: i64,
    display_name: &str,
    username: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE people SET display_name = ?, username = ?
         WHERE telegram_id = ? AND (display_name, username) IS NOT (?, ?)",
    )
    .bind(display_name)
    .bind(username)
    .bind(telegram_id)
    .bind(display_name)
    .bind(username)
    .execute(conn)
    .await?;
    Ok(())
}

/// A deactivated person let in again by an admin's /reactivate.
pub async fn reactivate(
    conn: &mut SqliteConnection,
    id: i64,
    role: Role,
    unit_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET active = 1, reachable = 1, role = ?, unit_id = ? WHERE id = ?")
        .bind(role)
        .bind(unit_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn deactivate(conn: &mut SqliteConnection, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE people SET active = 0 WHERE id = ? AND active = 1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Where a leader's digest goes: `None` is their own chat.
pub async fn set_digest_chat(
    conn: &mut SqliteConnection,
    id: i64,
    chat: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET digest_chat_id = ? WHERE id = ?")
        .bind(chat)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Leaders whose digest went to group `chat` get it in their own chat again; returns their
/// names.
pub async fn drop_digest_chat(conn: &mut SqliteConnection, chat: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "UPDATE people SET digest_chat_id = NULL WHERE digest_chat_id = ? RETURNING display_name",
    )
    .bind(chat)
    .fetch_all(conn)
    .await
}

/// Leaders whose digest went to group `from` now get it in `to`; returns their names.
pub async fn move_digest_chat(
    conn: &mut SqliteConnection,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "UPDATE people SET digest_chat_id = ? WHERE digest_chat_id = ? RETURNING display_name",
    )
    .bind(to)
    .bind(from)
    .fetch_all(conn)
    .await
}

/// A person's mobile number (for @-mentions in a unit's group), if an admin set one.
pub async fn mobile_of(conn: &mut SqliteConnection, id: i64) -> sqlx::Result<Option<String>> {
    let mobile: Option<Option<String>> =
        sqlx::query_scalar("SELECT mobile FROM people WHERE id = ?")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(mobile.flatten())
}

/// Sets (or with `None` clears) a person's mobile number.
pub async fn set_mobile(
    conn: &mut SqliteConnection,
    id: i64,
    mobile: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE people SET mobile = ? WHERE id = ?")
        .bind(mobile)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
