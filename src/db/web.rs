//! The web view's sign-in links and sessions. Only the tokens' hashes are stored.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::instant;
use super::people::Person;

pub async fn insert_link(
    conn: &mut SqliteConnection,
    token_hash: &str,
    person_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let sql =
        "INSERT INTO web_links (token_hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)";
    insert(conn, sql, token_hash, person_id, now, expires_at).await
}

/// Uses a link in one statement, so that two requests racing with the same link cannot both
/// win: the person it was made for, when it was unused and unexpired.
pub async fn use_link(
    conn: &mut SqliteConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    let now = instant(now);
    sqlx::query_scalar(
        "UPDATE web_links SET used_at = ?
         WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
         RETURNING person_id",
    )
    .bind(&now)
    .bind(token_hash)
    .bind(&now)
    .fetch_optional(conn)
    .await
}

pub async fn insert_session(
    conn: &mut SqliteConnection,
    token_hash: &str,
    person_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let sql = "INSERT INTO web_sessions (token_hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)";
    insert(conn, sql, token_hash, person_id, now, expires_at).await
}

/// A link's or a session's row: the two tables have the same columns.
async fn insert(
    conn: &mut SqliteConnection,
    sql: &'static str,
    token_hash: &str,
    person_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(sql)
        .bind(token_hash)
        .bind(person_id)
        .bind(instant(now))
        .bind(instant(expires_at))
        .execute(conn)
        .await?;
    Ok(())
}

/// The person of an unexpired session, only while they are active.
pub async fn session_person(
    conn: &mut SqliteConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Person>> {
    sqlx::query_as(
        "SELECT p.id, p.telegram_id, p.display_name, p.username, p.role, p.unit_id,
                u.name AS unit_name, p.active, p.reachable, p.quiet, p.digest_chat_id
         FROM web_sessions s
         JOIN people p ON p.id = s.person_id
         LEFT JOIN units u ON u.id = p.unit_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND p.active = 1",
    )
    .bind(token_hash)
    .bind(instant(now))
    .fetch_optional(conn)
    .await
}

/// Ends every session of a person: how many there were.
pub async fn delete_sessions_of(conn: &mut SqliteConnection, person_id: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM web_sessions WHERE person_id = ?")
        .bind(person_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Deletes a person's unused links: how many there were.
pub async fn delete_links_of(conn: &mut SqliteConnection, person_id: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM web_links WHERE person_id = ? AND used_at IS NULL")
        .bind(person_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Deletes links that expired before `now`, and used ones (they are spent).
pub async fn prune_links(conn: &mut SqliteConnection, now: DateTime<Utc>) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM web_links WHERE expires_at <= ? OR used_at IS NOT NULL")
        .bind(instant(now))
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Deletes sessions that expired before `now`.
pub async fn prune_sessions(conn: &mut SqliteConnection, now: DateTime<Utc>) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM web_sessions WHERE expires_at <= ?")
        .bind(instant(now))
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
