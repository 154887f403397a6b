//! What anyone may send: /start (with an invite link, or again), /help, /cancel; and the answers
//! to those the tree stops early: messages sent on behalf of a chat, private-only commands in a
//! group, and people not admitted.

use teloxide::types::{Message, User};

use super::answer;
use crate::bot::commands::{self, PublicCommand};
use crate::bot::outgoing::Outgoing;
use crate::bot::report::{self, ReportDialogue};
use crate::bot::turn::Turn;
use crate::bot::{BotContext, strangers, texts};
use crate::db::people::Person;
use crate::domain::role::Role;
use crate::jobs::notify;
use crate::services::cycle;
use crate::services::people as admin;

/// Sent "on behalf of" a channel or group: `from` is a placeholder, nobody to authorise.
pub(super) async fn on_behalf_of_chat(turn: Turn, msg: Message) -> anyhow::Result<()> {
    if msg.text().unwrap_or_default().starts_with('/') {
        turn.reply(msg.chat.id.0, texts::on_behalf_of_chat())
            .await?;
    }
    Ok(())
}

/// A view of project data asked for in a group: everyone in the group would read the answer, so
/// project data stays in private chats.
pub(super) async fn on_private_only_in_group(turn: Turn, msg: Message) -> anyhow::Result<()> {
    turn.reply(msg.chat.id.0, texts::private_chat_only())
        .await?;
    Ok(())
}

/// Anything but a public command from a person not admitted (or no longer active).
pub(super) async fn on_stranger(turn: Turn, msg: Message, user: User) -> anyhow::Result<()> {
    let chat = msg.chat.id.0;
    tracing::info!(user = user.id.0, chat, "refused a person not admitted");
    if msg.chat.is_private() {
        strangers::refuse(&turn, chat, &user).await?;
    }
    Ok(())
}

/// /start, /help, /cancel, from anyone: `person` is `None` for a person not admitted.
pub(super) async fn on_command(
    ctx: BotContext,
    turn: Turn,
    msg: Message,
    user: User,
    dialogue: ReportDialogue,
    person: Option<Person>,
    command: PublicCommand,
) -> anyhow::Result<()> {
    let chat = msg.chat.id.0;
    let turn = &turn;
    match (command, person) {
        (PublicCommand::Start(token), _) if !token.trim().is_empty() && msg.chat.is_private() => {
            let result = join(&ctx, turn, &user, token.trim()).await;
            answer(turn, chat, result).await
        }
        (PublicCommand::Start(_), Some(person)) => {
            send_menu(turn, &person).await?;
            turn.reply(chat, texts::welcome(&person.display_name, person.role))
                .await?;
            Ok(())
        }
        (PublicCommand::Help, Some(person)) => {
            let example = fast_ways(turn, &person).await?;
            let menu = commands::menu(Some(person.role));
            turn.reply(chat, texts::help(person.role, &menu, example.as_deref()))
                .await?;
            Ok(())
        }
        (PublicCommand::Cancel, Some(_)) => report::cancel(turn, &dialogue, chat).await,
        (_, None) => {
            if msg.chat.is_private() {
                strangers::refuse(turn, chat, &user).await?;
            }
            Ok(())
        }
    }
}

/// The fast ways to report, shown with a contact's first project; `None` for anyone else.
async fn fast_ways(turn: &Turn, person: &Person) -> anyhow::Result<Option<String>> {
    if person.role != Role::Contact {
        return Ok(None);
    }
    let example = cycle::example_of(&mut *turn.conn().await, person.id).await?;
    Ok(example.map(|e| texts::cycle::fast_ways(e.no, e.metric.as_ref(), e.last)))
}

/// Someone opened an invite link.
async fn join(ctx: &BotContext, turn: &Turn, user: &User, token: &str) -> anyhow::Result<String> {
    let name = user.full_name();
    let who = admin::Newcomer {
        telegram_id: user.id.0 as i64,
        name: &name,
        username: user.username.as_deref(),
    };
    let joined = admin::accept_invite(&mut *turn.conn().await, token, who, turn.now()).await?;
    let person = &joined.person;
    let now = turn.now();
    let notice = texts::joined_notice(
        &admin::label(person),
        person.role,
        person.unit_name.as_deref(),
    );
    notify::admins(
        &mut *turn.conn().await,
        &ctx.settings,
        &notice,
        Some(person.telegram_id),
        now,
    )
    .await?;
    send_menu(turn, person).await?;
    tracing::info!(
        person = person.id,
        role = person.role.as_str(),
        inviter = joined.inviter,
        "a person joined"
    );
    Ok(texts::joined(
        &person.display_name,
        person.role,
        person.unit_name.as_deref(),
    ))
}

/// The command menu of this person's chat, as their role allows.
pub(super) async fn send_menu(turn: &Turn, person: &Person) -> anyhow::Result<()> {
    let role = person.active.then_some(person.role);
    turn.send(Outgoing::menu(person.telegram_id, &commands::menu(role)))
        .await?;
    Ok(())
}
