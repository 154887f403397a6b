//! People not admitted: told how to get in, at most once per ten minutes, so that a flood of
//! messages (or of forged button presses) costs one reply, not a queue that holds up everyone
//! else's. Decided by the update's instant, remembered in the database.

use chrono::TimeDelta;
use teloxide::types::User;

use crate::bot::texts;
use crate::bot::turn::Turn;
use crate::db::refusals;

/// How long a person not admitted is not answered again.
pub const QUIET: TimeDelta = TimeDelta::minutes(10);

/// Answers a person not admitted in their private chat, unless they were answered lately.
pub async fn refuse(turn: &Turn, chat: i64, user: &User) -> anyhow::Result<()> {
    let now = turn.now();
    let user_id = user.id.0 as i64;
    let answer = refusals::record(&mut *turn.conn().await, user_id, now, now - QUIET).await?;
    if answer {
        turn.reply(chat, texts::not_admitted(user_id)).await?;
    }
    Ok(())
}
