//! Endpoints, each named after what it receives. They never call Telegram: replies go into the
//! outbox through the [`Turn`], in the same transaction as their other writes.
//!
//! Who may do what is read from the database on every update, once, near the top of the tree
//! (`identified`): the admitted person goes into the dependencies and each role parses its
//! own command enum in its own branch; a person not admitted takes the strangers' branch.
//! - `public`: /start (joining with an invite), /help, /cancel; strangers; early refusals.
//! - `admin`: invites and their buttons, assignments, leaders' scopes, people, /resolve, /audit.
//! - `views`: project lists and cards, a contact's week, /digest, /export; leaders' commands.
//! - `cycle`: the weekly cycle's commands (/cycle, /pause, /leave …).
//! - `web`: /web, the sign-in link to the read-only web view.

mod admin;
mod calendar;
mod cycle;
mod public;
mod robots;
mod views;
mod web;

use std::sync::{Arc, Mutex};

use teloxide::dispatching::UpdateHandler;
use teloxide::dptree;
use teloxide::types::{CallbackQuery, Me, Message, User};
use teloxide::utils::command::BotCommands;

use crate::bot::commands::{self, AdminCommand, ContactCommand, LeaderCommand, PublicCommand};
use crate::bot::keyboards::Press;
use crate::bot::report::{self, ReportDialogue, ReportState};
use crate::bot::turn::Turn;
use crate::bot::{BotContext, strangers, texts};
use crate::db::people::{self, Person};
use crate::domain::role::Role;
use crate::error::UserError;
use views::{View, show};

/// A message (its dialogue entered): early refusals, then public commands for anyone, then the
/// admitted person's branch by role, then strangers.
pub fn messages() -> UpdateHandler<anyhow::Error> {
    dptree::entry()
        .branch(
            dptree::filter(|msg: Message| msg.sender_chat.is_some())
                .endpoint(public::on_behalf_of_chat),
        )
        .branch(
            dptree::filter_map(|msg: Message| msg.from)
                .branch(
                    dptree::filter(private_only_in_group)
                        .endpoint(public::on_private_only_in_group),
                )
                .chain(identified())
                .branch(command::<PublicCommand>().endpoint(public::on_command))
                .branch(dptree::filter_map(|person: Option<Person>| person).chain(by_role()))
                .endpoint(public::on_stranger),
        )
}

/// An admitted person's message: text, a command of their role, or some other command.
fn by_role() -> UpdateHandler<anyhow::Error> {
    dptree::entry()
        .branch(dptree::filter(is_not_command).endpoint(on_text))
        .branch(
            dptree::filter(|p: Person| p.role == Role::Admin)
                .chain(command::<AdminCommand>())
                .endpoint(admin::on_command),
        )
        .branch(
            dptree::filter(|p: Person| p.role == Role::Leader)
                .chain(command::<LeaderCommand>())
                .endpoint(views::on_leader_command),
        )
        .branch(
            dptree::filter(|p: Person| p.role == Role::Contact)
                .chain(command::<ContactCommand>())
                .endpoint(on_contact_command),
        )
        .branch(dptree::endpoint(on_other_command))
}

/// An edited message, from an admitted person in their private chat.
pub fn edited_messages() -> UpdateHandler<anyhow::Error> {
    dptree::filter(|msg: Message| msg.chat.is_private() && msg.sender_chat.is_none())
        .filter_map(|msg: Message| msg.from)
        .chain(identified())
        .filter_map(|person: Option<Person>| person)
        .endpoint(on_edited_message)
}

/// A button press (its dialogue entered), whoever pressed it.
pub fn presses() -> UpdateHandler<anyhow::Error> {
    let data = |query: &CallbackQuery| query.data.clone().unwrap_or_default();
    dptree::map(|query: CallbackQuery| query.from)
        .chain(identified())
        .branch(
            dptree::filter_map(move |query: CallbackQuery| report::Press::parse(&data(&query)))
                .endpoint(on_report_press),
        )
        .branch(
            dptree::filter_map(move |query: CallbackQuery| Press::parse(&data(&query)))
                .endpoint(on_invite_press),
        )
        .branch(dptree::endpoint(on_unknown_press))
}

/// The command `C` of a message's text, as teloxide's `filter_command` parses it, but of the
/// text only: a photo's caption was never taken for a command here.
fn command<C>() -> UpdateHandler<anyhow::Error>
where
    C: BotCommands + Send + Sync + 'static,
{
    dptree::filter_map(|msg: Message, me: Me| {
        msg.text()
            .and_then(|text| C::parse(text, me.username()).ok())
    })
}

/// One of our commands that shows project data, sent in a group.
fn private_only_in_group(msg: Message, me: Me) -> bool {
    !msg.chat.is_private() && commands::private_only(msg.text().unwrap_or_default(), me.username())
}

fn is_not_command(msg: Message) -> bool {
    !msg.text().unwrap_or_default().starts_with('/')
}

/// Reads the `User` behind the update once and puts `Option<Person>` into the dependencies:
/// the admitted and active person, their profile brought up to date, or `None`. A failed read
/// fails the update (to be retried like any other failure) instead of taking the sender for a
/// stranger.
fn identified() -> UpdateHandler<anyhow::Error> {
    dptree::map_async(
        |turn: Turn, user: User| async move { Lookup::from(identify(&turn, &user).await) },
    )
    .branch(dptree::filter_map(Lookup::failure).endpoint(fail))
    .filter_map(Lookup::person)
}

/// The outcome of [`identify`] as a dependency.
#[derive(Clone)]
enum Lookup {
    Read(Option<Person>),
    Failed(ReadFailure),
}

impl Lookup {
    fn failure(self) -> Option<ReadFailure> {
        match self {
            Self::Failed(failure) => Some(failure),
            Self::Read(_) => None,
        }
    }

    fn person(self) -> Option<Option<Person>> {
        match self {
            Self::Read(person) => Some(person),
            Self::Failed(_) => None,
        }
    }
}

impl From<anyhow::Result<Option<Person>>> for Lookup {
    fn from(result: anyhow::Result<Option<Person>>) -> Self {
        match result {
            Ok(person) => Self::Read(person),
            Err(error) => Self::Failed(ReadFailure(Arc::new(Mutex::new(Some(error))))),
        }
    }
}

/// A failed read of the sender. Dependencies must be `Clone` and an error is not, so it waits
/// here to be taken out once, whole: the processor then classifies and logs it (a busy or full
/// database is waited out) exactly as if an endpoint had returned it.
#[derive(Clone)]
struct ReadFailure(Arc<Mutex<Option<anyhow::Error>>>);

async fn fail(failure: ReadFailure) -> anyhow::Result<()> {
    let taken = failure.0.lock().ok().and_then(|mut slot| slot.take());
    Err(taken.unwrap_or_else(|| anyhow::anyhow!("reading the sender failed")))
}

/// The person behind an update, if admitted and active. Their profile is kept up to date.
async fn identify(turn: &Turn, user: &User) -> anyhow::Result<Option<Person>> {
    let mut conn = turn.conn().await;
    let id = user.id.0 as i64;
    let Some(mut person) = people::by_telegram_id(&mut conn, id).await? else {
        return Ok(None);
    };
    if !person.active {
        return Ok(None);
    }
    person.display_name = user.full_name();
    person.username = user.username.clone();
    people::refresh_profile(
        &mut conn,
        id,
        &person.display_name,
        person.username.as_deref(),
    )
    .await?;
    Ok(Some(person))
}

/// A message that is not a command: a contact's is the report conversation's (an answer, a
/// report in plain words, or a pointer to them); anyone else's gets a pointer to /help.
async fn on_text(
    ctx: BotContext,
    turn: Turn,
    msg: Message,
    dialogue: ReportDialogue,
    state: ReportState,
    person: Person,
) -> anyhow::Result<()> {
    let private = msg.chat.is_private();
    if private && person.role == Role::Contact {
        // A file with no report under way may belong to the one just sent.
        if state == ReportState::Idle
            && let report::Answer::File(kind, id) = report::Answer::of_message(&msg)
        {
            return report::on_file(&turn, &person, msg.chat.id.0, &kind, &id).await;
        }
        return report::on_input(&ctx, &turn, &dialogue, &person, &msg, state).await;
    }
    if private {
        turn.reply(msg.chat.id.0, texts::unknown_input()).await?;
    }
    Ok(())
}

/// A command the person's role does not have: another bot's, another role's, or nobody's.
async fn on_other_command(turn: Turn, me: Me, msg: Message, person: Person) -> anyhow::Result<()> {
    let chat = msg.chat.id.0;
    let text = msg.text().unwrap_or_default();
    let bot_name = me.username();
    if commands::for_another_bot(text, bot_name) {
        // Addressed to another bot in the group: not ours to answer.
        return Ok(());
    }
    if commands::known_to_any_role(text, bot_name) {
        tracing::warn!(
            person = person.id,
            role = person.role.as_str(),
            command = text.split_whitespace().next(),
            "refused a command beyond the person's role"
        );
        turn.reply(chat, texts::not_allowed()).await?;
    } else if msg.chat.is_private() || text.contains(&format!("@{bot_name}")) {
        turn.reply(chat, texts::unknown_command()).await?;
    }
    Ok(())
}

/// A message edited after the bot acted on it. The edit is not taken (a report's history is
/// versions, never a changed message); an admitted person is told how to correct, in private.
async fn on_edited_message(turn: Turn, msg: Message, person: Person) -> anyhow::Result<()> {
    turn.reply(msg.chat.id.0, texts::edit_not_taken(person.role))
        .await?;
    Ok(())
}

/// Runs an action whose refusals are shown to the person as they are.
async fn answer(turn: &Turn, chat: i64, result: anyhow::Result<String>) -> anyhow::Result<()> {
    let text = match result {
        Ok(text) => text,
        Err(error) => match error.downcast::<UserError>() {
            Ok(refusal) => refusal.to_string(),
            Err(internal) => return Err(internal),
        },
    };
    turn.reply(chat, text).await?;
    Ok(())
}

/// A contact's commands: reporting, views and their own schedule.
async fn on_contact_command(
    ctx: BotContext,
    turn: Turn,
    msg: Message,
    dialogue: ReportDialogue,
    person: Person,
    command: ContactCommand,
) -> anyhow::Result<()> {
    let (ctx, turn, msg, dialogue, person) = (&ctx, &turn, &msg, &dialogue, &person);
    let chat = msg.chat.id.0;
    let result = match command {
        ContactCommand::Report(_) if !msg.chat.is_private() => {
            Ok(texts::report_in_private().to_owned())
        }
        ContactCommand::Report(args) => {
            return report::start(ctx, turn, dialogue, person, chat, &args).await;
        }
        ContactCommand::My => show(ctx, turn, person, View::My).await,
        ContactCommand::Project(no) => show(ctx, turn, person, View::Project(no)).await,
        ContactCommand::Cycle => cycle::show_cycle(ctx, turn).await,
        ContactCommand::Leave(args) => cycle::leave(ctx, turn, person, &args).await,
        ContactCommand::Back => cycle::back(ctx, turn, person).await,
        ContactCommand::Quiet => cycle::quiet(turn, person).await,
        ContactCommand::Web => web::link(ctx, turn, person).await,
    };
    answer(turn, chat, result).await
}

/// A button press: the report conversation's, or an admin's invite buttons.
/// The chat a button was pressed in: the message's, else the presser's own.
fn chat_of(query: &CallbackQuery) -> i64 {
    query
        .message
        .as_ref()
        .map_or(query.from.id.0 as i64, |m| m.chat().id.0)
}

/// A press of the report conversation: only its own contact, only at the step it belongs to.
async fn on_report_press(
    ctx: BotContext,
    turn: Turn,
    query: CallbackQuery,
    press: report::Press,
    dialogue: ReportDialogue,
    state: ReportState,
    person: Option<Person>,
) -> anyhow::Result<()> {
    let alert = match person.filter(|p| p.role == Role::Contact) {
        Some(person) => {
            report::on_press(
                &ctx,
                &turn,
                &dialogue,
                &person,
                chat_of(&query),
                press,
                state,
            )
            .await?
        }
        None => Some(texts::expired_button()),
    };
    answer_press(&turn, &query, alert).await;
    Ok(())
}

/// A press of an admin's invite buttons, in the admin's private chat.
async fn on_invite_press(
    ctx: BotContext,
    turn: Turn,
    me: Me,
    query: CallbackQuery,
    press: Press,
    person: Option<Person>,
) -> anyhow::Result<()> {
    let Some(actor) = person.as_ref().filter(|p| p.role == Role::Admin).cloned() else {
        return on_unknown_press(turn, query, person).await;
    };
    answer_press(&turn, &query, None).await;
    let chat = chat_of(&query);
    if chat != actor.telegram_id {
        // Invite buttons only ever go to an admin's private chat: a press from a group is
        // forged, and a link answered there would be read by everyone in it.
        turn.reply(chat, texts::private_chat_only()).await?;
        return Ok(());
    }
    admin::on_invite_press(&ctx, &turn, me.username(), &actor, chat, press).await
}

/// A press that is no button of ours for this person: stale, or forged by the client.
async fn on_unknown_press(
    turn: Turn,
    query: CallbackQuery,
    person: Option<Person>,
) -> anyhow::Result<()> {
    answer_press(&turn, &query, None).await;
    let chat = chat_of(&query);
    let data = query.data.as_deref().unwrap_or_default();
    tracing::warn!(user = query.from.id.0, data, "refused a button press");
    // Presses can be forged by the client: a stranger's cost one reply per ten minutes too.
    if person.is_none() && chat == query.from.id.0 as i64 {
        return strangers::refuse(&turn, chat, &query.from).await;
    }
    turn.reply(chat, texts::expired_button()).await?;
    Ok(())
}

/// Stops the spinner on a pressed button, with an alert when the press no longer applies.
async fn answer_press(turn: &Turn, query: &CallbackQuery, alert: Option<&str>) {
    let mut body = serde_json::json!({ "callback_query_id": query.id.0 });
    if let Some(text) = alert {
        body["text"] = serde_json::json!(text);
        body["show_alert"] = serde_json::json!(true);
    }
    turn.call_after_commit("answerCallbackQuery", body).await;
}
