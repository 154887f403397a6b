//! One-time invite links. Only the token's hash is stored.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use super::instant;

use crate::domain::role::Role;

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut SqliteConnection,
    token_hash: &str,
    role: Role,
    unit_id: Option<i64>,
    created_by: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let now = instant(now);
    let expires_at = instant(expires_at);
    sqlx::query_scalar(
        "INSERT INTO invites (token_hash, role, unit_id, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(token_hash)
    .bind(role)
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
    pub role: Role,
    pub unit_id: Option<i64>,
    pub created_by: i64,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// Whether the admin who made the link is still active: a deactivated admin's links die.
    pub creator_active: bool,
}

pub async fn by_hash(
    conn: &mut SqliteConnection,
    token_hash: &str,
) -> sqlx::Result<Option<Invite>> {
    sqlx::query_as(
        "SELECT i.id, i.role, i.unit_id, i.created_by, i.expires_at, i.used_at, i.revoked_at,
                c.active AS creator_active
         FROM invites i JOIN people c ON c.id = i.created_by WHERE i.token_hash = ?",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
}

/// Uses the invite, only if it is still unused, unexpired, unrevoked and its creator active:
/// true when this call used it.
pub async fn mark_used(
    conn: &mut SqliteConnection,
    id: i64,
    person_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let now = instant(now);
    let done = sqlx::query(
        "UPDATE invites SET used_by = ?, used_at = ?
         WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
           AND (SELECT active FROM people WHERE id = invites.created_by) = 1",
    )
    .bind(person_id)
    .bind(&now)
    .bind(id)
    .bind(&now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every link `creator` made that nobody has used yet. Returns how many.
pub async fn revoke_unused_of(
    conn: &mut SqliteConnection,
    creator: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let now = instant(now);
    let done = sqlx::query(
        "UPDATE invites SET revoked_at = ?
         WHERE created_by = ? AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(creator)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
