//! Digest groups that change: a group upgraded to a supergroup (Telegram posts
//! `migrate_to_chat_id` in the old group and `migrate_from_chat_id` in the new one), and a group
//! the bot can no longer reach.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use teloxide::types::Message;

use crate::bot::turn::Turn;
use crate::bot::{BotContext, texts};
use crate::config::Settings;
use crate::jobs::notify;
use crate::services::groups;

/// The ids of an upgrade, `(old, new)`, if the message announces one.
pub fn upgrade_of(msg: &Message) -> Option<(i64, i64)> {
    match (msg.migrate_to_chat_id(), msg.migrate_from_chat_id()) {
        (Some(to), _) => Some((msg.chat.id.0, to.0)),
        (None, Some(from)) => Some((from.0, msg.chat.id.0)),
        (None, None) => None,
    }
}

/// A service message comes from Telegram itself (the one in the new group even `sender_chat`),
/// so nobody is authorised: the move is idempotent and only follows Telegram's word.
pub async fn on_upgrade(ctx: BotContext, turn: Turn, msg: Message) -> anyhow::Result<()> {
    let Some((from, to)) = upgrade_of(&msg) else {
        return Ok(());
    };
    let now = turn.now();
    follow_upgrade(&mut *turn.conn().await, &ctx.settings, from, to, now).await
}

/// Moves the group's business to its new id and tells the admins when a leader's digest chat
/// moved (once: the second announcement finds nothing left to move).
pub async fn follow_upgrade(
    conn: &mut SqliteConnection,
    settings: &Settings,
    from: i64,
    to: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let leaders = groups::upgraded(conn, from, to, now).await?;
    if !leaders.is_empty() {
        notify::admins(
            conn,
            settings,
            &texts::group_upgraded_notice(&leaders),
            None,
            now,
        )
        .await?;
    }
    Ok(())
}

/// A chat that turned out unreachable: if it was a leader's digest group, the digest goes to the
/// leader again and the admins are told (once: the next time finds no leader left to move).
pub async fn follow_loss(
    conn: &mut SqliteConnection,
    settings: &Settings,
    chat: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let leaders = groups::lost(conn, chat, now).await?;
    if !leaders.is_empty() {
        notify::admins(
            conn,
            settings,
            &texts::group_lost_notice(&leaders),
            None,
            now,
        )
        .await?;
    }
    Ok(())
}
