//! One-time invite links. Only the token's hash is stored.

use sqlx::{FromRow, SqliteConnection};

use crate::domain::role::Role;

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut SqliteConnection,
    token_hash: &str,
    role: Role,
    unit_id: Option<i64>,
    created_by: i64,
    now: &str,
    expires_at: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO invites (token_hash, role, unit_id, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(token_hash)
    .bind(role.as_str())
    .bind(unit_id)
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .fetch_one(conn)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct Invite {
    pub id: i64,
    pub role: String,
    pub unit_id: Option<i64>,
    pub created_by: i64,
    pub expires_at: String,
    pub used_at: Option<String>,
}

pub async fn by_hash(
    conn: &mut SqliteConnection,
    token_hash: &str,
) -> sqlx::Result<Option<Invite>> {
    sqlx::query_as("SELECT id, role, unit_id, created_by, expires_at, used_at FROM invites WHERE token_hash = ?")
        .bind(token_hash)
        .fetch_optional(conn)
        .await
}

/// Uses the invite, only if it is still unused and unexpired: true when this call used it.
pub async fn mark_used(
    conn: &mut SqliteConnection,
    id: i64,
    person_id: i64,
    now: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE invites SET used_by = ?, used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?",
    )
    .bind(person_id)
    .bind(now)
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
