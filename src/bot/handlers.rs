//! Endpoints, each named after what it receives.

use teloxide::prelude::*;
use teloxide::utils::command::BotCommands;

use crate::bot::{BotContext, Command, texts};
use crate::db::people::{self, Role};

/// Who is writing: a bootstrap admin from configuration, a person admitted in the database,
/// or nobody we know. Read on every update: a deactivation takes effect at once.
async fn role_of(ctx: &BotContext, user: &teloxide::types::User) -> anyhow::Result<Option<Role>> {
    let id = user.id.0 as i64;
    if ctx.settings.admins.contains(&id) {
        return Ok(Some(Role::Admin));
    }
    let mut conn = ctx.pool.acquire().await?;
    Ok(people::active_role(&mut conn, id).await?)
}

pub async fn on_command(
    bot: Bot,
    ctx: BotContext,
    msg: Message,
    command: Command,
) -> anyhow::Result<()> {
    let Some(user) = msg.from.as_ref() else {
        return Ok(());
    };
    let Some(role) = role_of(&ctx, user).await? else {
        tracing::info!(
            user = user.id.0,
            chat = msg.chat.id.0,
            "refused a person not admitted"
        );
        bot.send_message(msg.chat.id, texts::not_admitted()).await?;
        return Ok(());
    };
    let reply = match command {
        Command::Start(_) => texts::welcome(&user.full_name(), role),
        Command::Help => texts::help(role, &Command::descriptions().to_string()),
    };
    bot.send_message(msg.chat.id, reply).await?;
    Ok(())
}

pub async fn on_other_message(bot: Bot, ctx: BotContext, msg: Message) -> anyhow::Result<()> {
    // In groups the bot speaks only when addressed with a command.
    if !msg.chat.is_private() {
        return Ok(());
    }
    let Some(user) = msg.from.as_ref() else {
        return Ok(());
    };
    let reply = match role_of(&ctx, user).await? {
        Some(_) => texts::unknown_input().to_owned(),
        None => texts::not_admitted(),
    };
    bot.send_message(msg.chat.id, reply).await?;
    Ok(())
}
