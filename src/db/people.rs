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
