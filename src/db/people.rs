//! People admitted to the bot.

use sqlx::SqliteConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Leader,
    Contact,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Leader => "leader",
            Self::Contact => "contact",
        }
    }

    pub fn from_db(text: &str) -> Option<Self> {
        [Self::Admin, Self::Leader, Self::Contact]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

/// The role of an active person, by Telegram user id.
pub async fn active_role(
    conn: &mut SqliteConnection,
    telegram_id: i64,
) -> sqlx::Result<Option<Role>> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM people WHERE telegram_id = ? AND active = 1")
            .bind(telegram_id)
            .fetch_optional(conn)
            .await?;
    Ok(role.as_deref().and_then(Role::from_db))
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

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnreachableRow {
    pub telegram_id: i64,
    pub display_name: String,
    pub role: String,
}

pub async fn unreachable(conn: &mut SqliteConnection) -> sqlx::Result<Vec<UnreachableRow>> {
    sqlx::query_as("SELECT telegram_id, display_name, role FROM people WHERE reachable = 0 AND active = 1 ORDER BY display_name")
        .fetch_all(conn)
        .await
}
