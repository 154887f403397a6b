//! Endpoints, each named after what it receives. They never call Telegram: replies go into the
//! outbox through the [`Scope`], in the same transaction as their other writes.

use teloxide::types::{Message, User};
use teloxide::utils::command::BotCommands;

use crate::bot::scope::Scope;
use crate::bot::{BotContext, Command, texts};
use crate::db::people::{self, Role};

/// Who is writing: a bootstrap admin from configuration, a person admitted in the database,
/// or nobody we know. Read on every update: a deactivation takes effect at once.
async fn role_of(ctx: &BotContext, scope: &Scope, user: &User) -> anyhow::Result<Option<Role>> {
    let id = user.id.0 as i64;
    if ctx.settings.admins.contains(&id) {
        return Ok(Some(Role::Admin));
    }
    Ok(people::active_role(&mut *scope.conn().await, id).await?)
}

pub async fn on_command(
    ctx: BotContext,
    scope: Scope,
    msg: Message,
    command: Command,
) -> anyhow::Result<()> {
    let Some(user) = msg.from.as_ref() else {
        return Ok(());
    };
    let chat = msg.chat.id.0;
    let Some(role) = role_of(&ctx, &scope, user).await? else {
        tracing::info!(user = user.id.0, chat, "refused a person not admitted");
        scope.reply(chat, texts::not_admitted()).await?;
        return Ok(());
    };
    let reply = match command {
        Command::Start(_) => texts::welcome(&user.full_name(), role),
        Command::Help => texts::help(role, &Command::descriptions().to_string()),
    };
    scope.reply(chat, reply).await?;
    Ok(())
}

pub async fn on_other_message(ctx: BotContext, scope: Scope, msg: Message) -> anyhow::Result<()> {
    // In groups the bot speaks only when addressed with a command.
    if !msg.chat.is_private() {
        return Ok(());
    }
    let Some(user) = msg.from.as_ref() else {
        return Ok(());
    };
    let reply = match role_of(&ctx, &scope, user).await? {
        Some(_) => texts::unknown_input().to_owned(),
        None => texts::not_admitted(),
    };
    scope.reply(msg.chat.id.0, reply).await?;
    Ok(())
}
