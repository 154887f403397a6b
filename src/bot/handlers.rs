//! Endpoints, each named after what it receives. They never call Telegram: replies go into the
//! outbox through the [`Scope`], in the same transaction as their other writes. Who may do what
//! is read from the database on every update.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use teloxide::types::{CallbackQuery, Me, Message, User};
use teloxide::utils::command::{BotCommands, ParseError};

use crate::bot::commands::{self, AdminCommand, ContactCommand, LeaderCommand, PublicCommand};
use crate::bot::keyboards::{self, Press};
use crate::bot::outgoing::Outgoing;
use crate::bot::report::{self, ReportDialogue, ReportState};
use crate::bot::scope::Scope;
use crate::bot::{BotContext, cycle_commands, strangers, texts};
use crate::db::people::{self, Person};
use crate::db::{self, audit, calendar, plan, reports};
use crate::domain::args::{ScopeSpec, parse_role, words};
use crate::domain::role::Role;
use crate::error::UserError;
use crate::jobs::{files, notify};
use crate::services::{digest, people as admin, views};

/// The person behind a message, if admitted and active. Their profile is kept up to date.
async fn identify(scope: &Scope, user: &User) -> anyhow::Result<Option<Person>> {
    let mut conn = scope.conn().await;
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

/// Runs an action whose refusals are shown to the person as they are.
async fn answer(scope: &Scope, chat: i64, result: anyhow::Result<String>) -> anyhow::Result<()> {
    let text = match result {
        Ok(text) => text,
        Err(error) => match error.downcast::<UserError>() {
            Ok(refusal) => refusal.to_string(),
            Err(internal) => return Err(internal),
        },
    };
    scope.reply(chat, text).await?;
    Ok(())
}

pub async fn on_message(
    ctx: BotContext,
    scope: Scope,
    me: Me,
    msg: Message,
    dialogue: ReportDialogue,
    state: ReportState,
) -> anyhow::Result<()> {
    let chat = msg.chat.id.0;
    let private = msg.chat.is_private();
    let text = msg.text().unwrap_or_default();
    let is_command = text.starts_with('/');
    if msg.sender_chat.is_some() {
        // Sent "on behalf of" a channel or group: `from` is a placeholder, nobody to authorise.
        if is_command {
            scope.reply(chat, texts::on_behalf_of_chat()).await?;
        }
        return Ok(());
    }
    let Some(user) = msg.from.as_ref() else {
        return Ok(());
    };
    let bot_name = me.username();
    if !private && commands::private_only(text, bot_name) {
        // Everyone in the group would read the answer: project data stays in private chats.
        scope.reply(chat, texts::private_chat_only()).await?;
        return Ok(());
    }

    if let Ok(command) = PublicCommand::parse(text, bot_name) {
        return on_public_command(&ctx, &scope, &msg, user, &dialogue, command).await;
    }
    let Some(person) = identify(&scope, user).await? else {
        tracing::info!(user = user.id.0, chat, "refused a person not admitted");
        if private {
            strangers::refuse(&scope, chat, user).await?;
        }
        return Ok(());
    };
    if !is_command {
        if private && state != ReportState::Idle && person.role() == Role::Contact {
            return report::on_input(&ctx, &scope, &dialogue, &person, &msg, state).await;
        }
        if private {
            scope.reply(chat, texts::unknown_input()).await?;
        }
        return Ok(());
    }
    let unparsed = match person.role() {
        Role::Admin => match AdminCommand::parse(text, bot_name) {
            Ok(command) => {
                return on_admin_command(&ctx, &scope, &msg, bot_name, &person, command).await;
            }
            Err(error) => error,
        },
        Role::Leader => match LeaderCommand::parse(text, bot_name) {
            Ok(command) => return on_leader_command(&ctx, &scope, &msg, &person, command).await,
            Err(error) => error,
        },
        Role::Contact => match ContactCommand::parse(text, bot_name) {
            Ok(command) => {
                return on_contact_command(&ctx, &scope, &msg, &dialogue, &person, command).await;
            }
            Err(error) => error,
        },
    };
    match unparsed {
        // Addressed to another bot in the group: not ours to answer.
        ParseError::WrongBotName(_) => Ok(()),
        _ if commands::known_to_any_role(text, bot_name) => {
            tracing::warn!(
                person = person.id,
                role = person.role,
                command = text.split_whitespace().next(),
                "refused a command beyond the person's role"
            );
            scope.reply(chat, texts::not_allowed()).await?;
            Ok(())
        }
        _ if private || text.contains(&format!("@{bot_name}")) => {
            scope.reply(chat, texts::unknown_command()).await?;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A message edited after the bot acted on it. The edit is not taken (a report's history is
/// versions, never a changed message); an admitted person is told how to correct, in private.
pub async fn on_edited_message(scope: Scope, msg: Message) -> anyhow::Result<()> {
    if !msg.chat.is_private() || msg.sender_chat.is_some() {
        return Ok(());
    }
    let Some(user) = msg.from.as_ref() else {
        return Ok(());
    };
    let Some(person) = identify(&scope, user).await? else {
        return Ok(());
    };
    scope
        .reply(msg.chat.id.0, texts::edit_not_taken(person.role()))
        .await?;
    Ok(())
}

async fn on_public_command(
    ctx: &BotContext,
    scope: &Scope,
    msg: &Message,
    user: &User,
    dialogue: &ReportDialogue,
    command: PublicCommand,
) -> anyhow::Result<()> {
    let chat = msg.chat.id.0;
    let person = identify(scope, user).await?;
    match (command, person) {
        (PublicCommand::Start(token), _) if !token.trim().is_empty() && msg.chat.is_private() => {
            let result = join(ctx, scope, user, token.trim()).await;
            answer(scope, chat, result).await
        }
        (PublicCommand::Start(_), Some(person)) => {
            send_menu(scope, &person).await?;
            scope
                .reply(chat, texts::welcome(&person.display_name, person.role()))
                .await?;
            Ok(())
        }
        (PublicCommand::Help, Some(person)) => {
            scope
                .reply(
                    chat,
                    texts::help(person.role(), &commands::menu(Some(person.role()))),
                )
                .await?;
            Ok(())
        }
        (PublicCommand::Cancel, Some(_)) => report::cancel(scope, dialogue, chat).await,
        (_, None) => {
            if msg.chat.is_private() {
                strangers::refuse(scope, chat, user).await?;
            }
            Ok(())
        }
    }
}

/// Someone opened an invite link.
async fn join(ctx: &BotContext, scope: &Scope, user: &User, token: &str) -> anyhow::Result<String> {
    let name = user.full_name();
    let who = admin::Newcomer {
        telegram_id: user.id.0 as i64,
        name: &name,
        username: user.username.as_deref(),
    };
    let joined = admin::accept_invite(&mut *scope.conn().await, token, who, scope.now()).await?;
    let person = &joined.person;
    let now = db::instant(scope.now());
    let notice = texts::joined_notice(
        &admin::label(person),
        person.role(),
        person.unit_name.as_deref(),
    );
    notify::admins(
        &mut *scope.conn().await,
        &ctx.settings,
        &notice,
        Some(person.telegram_id),
        &now,
    )
    .await?;
    send_menu(scope, person).await?;
    tracing::info!(
        person = person.id,
        role = person.role,
        inviter = joined.inviter,
        "a person joined"
    );
    Ok(texts::joined(
        &person.display_name,
        person.role(),
        person.unit_name.as_deref(),
    ))
}

/// The command menu of this person's chat, as their role allows.
async fn send_menu(scope: &Scope, person: &Person) -> anyhow::Result<()> {
    let role = person.active.then(|| person.role());
    scope
        .send(Outgoing::menu(person.telegram_id, &commands::menu(role)))
        .await?;
    Ok(())
}

/// What leaders and contacts may look at; admins see the same views of the whole plan.
enum View {
    Projects,
    Project(String),
    My,
}

async fn on_leader_command(
    ctx: &BotContext,
    scope: &Scope,
    msg: &Message,
    person: &Person,
    command: LeaderCommand,
) -> anyhow::Result<()> {
    let result = match command {
        LeaderCommand::Projects => show(ctx, scope, person, View::Projects).await,
        LeaderCommand::Project(no) => show(ctx, scope, person, View::Project(no)).await,
        LeaderCommand::Cycle => cycle_commands::show_cycle(ctx, scope).await,
        LeaderCommand::Digest => digest_now(ctx, scope, person).await,
        LeaderCommand::Export => export(ctx, scope, person, msg.chat.id.0).await,
    };
    answer(scope, msg.chat.id.0, result).await
}

async fn on_contact_command(
    ctx: &BotContext,
    scope: &Scope,
    msg: &Message,
    dialogue: &ReportDialogue,
    person: &Person,
    command: ContactCommand,
) -> anyhow::Result<()> {
    let chat = msg.chat.id.0;
    let result = match command {
        ContactCommand::Report(_) if !msg.chat.is_private() => {
            Ok(texts::report_in_private().to_owned())
        }
        ContactCommand::Report(args) => {
            return report::start(ctx, scope, dialogue, person, chat, &args).await;
        }
        ContactCommand::My => show(ctx, scope, person, View::My).await,
        ContactCommand::Project(no) => show(ctx, scope, person, View::Project(no)).await,
        ContactCommand::Cycle => cycle_commands::show_cycle(ctx, scope).await,
        ContactCommand::Leave(args) => cycle_commands::leave(ctx, scope, person, &args).await,
        ContactCommand::Back => cycle_commands::back(ctx, scope, person).await,
        ContactCommand::Quiet => cycle_commands::quiet(scope, person).await,
    };
    answer(scope, chat, result).await
}

async fn show(
    ctx: &BotContext,
    scope: &Scope,
    person: &Person,
    view: View,
) -> anyhow::Result<String> {
    let tz = ctx.settings.timezone;
    let mut conn = scope.conn().await;
    let plan = admin::current_plan(&mut conn, scope.now(), tz).await?;
    let visible = views::visible_project_ids(&mut conn, &plan, person).await?;
    match view {
        View::Projects => Ok(texts::project_list(
            plan.year,
            &views::project_lines(&mut conn, &plan, &visible).await?,
            tz,
        )),
        View::Project(no) if no.trim().is_empty() => {
            Err(UserError::Usage(texts::PROJECT_USAGE.to_owned()).into())
        }
        View::Project(no) => {
            let project = admin::resolve_project(&mut conn, &plan, &no).await?;
            if !visible.contains(&project.id) {
                tracing::warn!(
                    person = person.id,
                    project = project.no,
                    "refused a project outside the person's scope"
                );
                return Err(UserError::Refused(texts::not_allowed().to_owned()).into());
            }
            Ok(texts::project_card(
                &views::card(&mut conn, &plan, project).await?,
                tz,
            ))
        }
        View::My => {
            let calendar = calendar::load(&mut conn, plan.id).await?;
            Ok(texts::my_week(
                &views::my_week(
                    &mut conn,
                    &ctx.settings,
                    &calendar,
                    &plan,
                    person,
                    scope.now(),
                )
                .await?,
            ))
        }
    }
}

async fn on_admin_command(
    ctx: &BotContext,
    scope: &Scope,
    msg: &Message,
    bot_name: &str,
    actor: &Person,
    command: AdminCommand,
) -> anyhow::Result<()> {
    let chat = msg.chat.id.0;
    let now = scope.now();
    let result = match command {
        AdminCommand::Invite(args) if args.trim().is_empty() => {
            scope
                .send(
                    Outgoing::text(chat, texts::invite_choose_role())
                        .with_keyboard(&keyboards::invite_roles()),
                )
                .await?;
            return Ok(());
        }
        AdminCommand::Invite(args) => invite(ctx, scope, bot_name, actor, &args, now).await,
        AdminCommand::Assign(args) => assign(ctx, scope, actor, &args, now).await,
        AdminCommand::Unassign(args) => unassign(ctx, scope, actor, &args, now).await,
        AdminCommand::Leader(args) => leader(ctx, scope, msg, actor, &args, now).await,
        AdminCommand::Deactivate(args) => deactivate(scope, actor, &args, now).await,
        AdminCommand::Reactivate(args) => reactivate(scope, actor, &args, now).await,
        AdminCommand::People => people_list(ctx, scope, now).await,
        AdminCommand::Projects => show(ctx, scope, actor, View::Projects).await,
        AdminCommand::Project(no) => show(ctx, scope, actor, View::Project(no)).await,
        AdminCommand::Missing => cycle_commands::missing(ctx, scope).await,
        AdminCommand::Remind(args) => cycle_commands::remind(ctx, scope, &args).await,
        AdminCommand::Cycle => cycle_commands::show_cycle(ctx, scope).await,
        AdminCommand::Pause(args) => cycle_commands::pause(ctx, scope, actor, &args).await,
        AdminCommand::Resume => cycle_commands::resume(ctx, scope, actor).await,
        AdminCommand::Digest => digest_now(ctx, scope, actor).await,
        AdminCommand::Export => export(ctx, scope, actor, chat).await,
        AdminCommand::Resolve(args) => resolve(ctx, scope, actor, &args).await,
        AdminCommand::Audit(args) => {
            let n = args.trim().parse::<i64>().unwrap_or(10).clamp(1, 50);
            let rows = audit::latest(&mut *scope.conn().await, n).await?;
            Ok(texts::audit_list(&rows, ctx.settings.timezone))
        }
    };
    answer(scope, chat, result).await
}

async fn invite(
    ctx: &BotContext,
    scope: &Scope,
    bot_name: &str,
    actor: &Person,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let (role_word, unit_text) = args
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((args.trim(), ""));
    let role =
        parse_role(role_word).ok_or_else(|| UserError::Usage(texts::INVITE_USAGE.to_owned()))?;
    let mut conn = scope.conn().await;
    let unit = match (role, unit_text.trim()) {
        (Role::Contact, "") => return Err(UserError::Usage(texts::INVITE_USAGE.to_owned()).into()),
        (Role::Contact, text) => Some(admin::resolve_unit(&mut conn, text).await?),
        _ => None,
    };
    drop(conn);
    invite_link(ctx, scope, bot_name, actor, role, unit, now).await
}

async fn invite_link(
    ctx: &BotContext,
    scope: &Scope,
    bot_name: &str,
    actor: &Person,
    role: Role,
    unit: Option<plan::UnitRow>,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let invite = admin::create_invite(
        &mut *scope.conn().await,
        actor,
        role,
        unit,
        ctx.settings.invites.expiry_days,
        now,
    )
    .await?;
    scope.keep_secret(&invite.token).await;
    let link = format!("https://t.me/{bot_name}?start={}", invite.token);
    Ok(texts::invite_link(
        invite.role,
        invite.unit.as_ref().map(|u| u.name.as_str()),
        &link,
        invite.expires_at,
        ctx.settings.timezone,
    ))
}

async fn assign(
    ctx: &BotContext,
    scope: &Scope,
    actor: &Person,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let args = words(args);
    let (no, who, role) = match args.as_slice() {
        [no, who] => (*no, *who, "lead"),
        [no, who, role] if ["lead", "co", "牵头", "协办"].contains(role) => (
            *no,
            *who,
            if ["co", "协办"].contains(role) {
                "co"
            } else {
                "lead"
            },
        ),
        _ => return Err(UserError::Usage(texts::ASSIGN_USAGE.to_owned()).into()),
    };
    let stamp = db::instant(now);
    let mut conn = scope.conn().await;
    let plan = admin::current_plan(&mut conn, now, ctx.settings.timezone).await?;
    let project = admin::resolve_project(&mut conn, &plan, no).await?;
    let person = admin::resolve_person(&mut conn, who).await?;
    let outcome = admin::assign(&mut conn, actor, &project, &person, role, &stamp).await?;
    drop(conn);
    match outcome {
        admin::Assigned::Unchanged => Ok(texts::assignment_unchanged(
            &person.display_name,
            project.no,
            role,
        )),
        admin::Assigned::New | admin::Assigned::RoleChanged { .. } => {
            scope
                .reply(
                    person.telegram_id,
                    texts::you_were_assigned(project.no, &project.title, role),
                )
                .await?;
            Ok(texts::assigned(
                &person.display_name,
                project.no,
                &project.title,
                role,
            ))
        }
    }
}

async fn unassign(
    ctx: &BotContext,
    scope: &Scope,
    actor: &Person,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let [no, who] = words(args)[..] else {
        return Err(UserError::Usage(texts::UNASSIGN_USAGE.to_owned()).into());
    };
    let mut conn = scope.conn().await;
    let plan = admin::current_plan(&mut conn, now, ctx.settings.timezone).await?;
    let project = admin::resolve_project(&mut conn, &plan, no).await?;
    let person = admin::resolve_person(&mut conn, who).await?;
    if !admin::unassign(&mut conn, actor, &project, &person, &db::instant(now)).await? {
        return Ok(texts::not_assigned(&person.display_name, project.no));
    }
    drop(conn);
    scope
        .reply(
            person.telegram_id,
            texts::you_were_unassigned(project.no, &project.title),
        )
        .await?;
    Ok(texts::unassigned(&person.display_name, project.no))
}

async fn leader(
    ctx: &BotContext,
    scope: &Scope,
    msg: &Message,
    actor: &Person,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let (who, spec) = args
        .trim()
        .split_once(char::is_whitespace)
        .ok_or_else(|| UserError::Usage(texts::LEADER_USAGE.to_owned()))?;
    let spec = ScopeSpec::parse(spec)?;
    let in_group = !msg.chat.is_private();
    let mut conn = scope.conn().await;
    let plan = admin::current_plan(&mut conn, now, ctx.settings.timezone).await?;
    let person = admin::resolve_person(&mut conn, who).await?;
    let group = in_group.then_some(msg.chat.id.0);
    let described = admin::set_leader_scope(
        &mut conn,
        actor,
        &plan,
        &person,
        &spec,
        group,
        &db::instant(now),
    )
    .await?;
    drop(conn);
    scope
        .reply(person.telegram_id, texts::your_scope(&described))
        .await?;
    Ok(texts::leader_scope_set(
        &person.display_name,
        &described,
        in_group,
    ))
}

async fn deactivate(
    scope: &Scope,
    actor: &Person,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    if args.trim().is_empty() {
        return Err(UserError::Usage(texts::DEACTIVATE_USAGE.to_owned()).into());
    }
    let mut conn = scope.conn().await;
    let person = admin::resolve_person(&mut conn, args).await?;
    let ended = admin::deactivate(&mut conn, actor, &person, &db::instant(now)).await?;
    drop(conn);
    let mut gone = person.clone();
    gone.active = false;
    send_menu(scope, &gone).await?;
    let mut text = texts::deactivated(&person.display_name, ended.assignments);
    if ended.invites > 0 {
        text.push_str(&texts::invites_revoked(ended.invites));
    }
    Ok(text)
}

async fn reactivate(
    scope: &Scope,
    actor: &Person,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    if args.trim().is_empty() {
        return Err(UserError::Usage(texts::REACTIVATE_USAGE.to_owned()).into());
    }
    let mut conn = scope.conn().await;
    let person = admin::resolve_former_person(&mut conn, args).await?;
    admin::reactivate(&mut conn, actor, &person, &db::instant(now)).await?;
    drop(conn);
    let mut back = person.clone();
    back.active = true;
    send_menu(scope, &back).await?;
    scope
        .reply(
            person.telegram_id,
            texts::you_were_reactivated(person.role()),
        )
        .await?;
    Ok(texts::reactivated(&person.display_name, person.role()))
}

async fn people_list(
    ctx: &BotContext,
    scope: &Scope,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let mut conn = scope.conn().await;
    let plan = admin::current_plan(&mut conn, now, ctx.settings.timezone).await?;
    Ok(texts::people_list(
        &views::people_lines(&mut conn, &plan).await?,
    ))
}

pub async fn on_callback(
    ctx: BotContext,
    scope: Scope,
    me: Me,
    query: CallbackQuery,
    dialogue: ReportDialogue,
    state: ReportState,
) -> anyhow::Result<()> {
    let chat = query
        .message
        .as_ref()
        .map_or(query.from.id.0 as i64, |m| m.chat().id.0);
    let data = query.data.as_deref().unwrap_or_default();
    let person = identify(&scope, &query.from).await?;
    // A press of the report conversation: only its own contact, only at the step it belongs to.
    if let Some(press) = report::Press::parse(data) {
        let alert = match person.filter(|p| p.role() == Role::Contact) {
            Some(person) => {
                report::on_press(&ctx, &scope, &dialogue, &person, chat, press, state).await?
            }
            None => Some(texts::expired_button()),
        };
        answer_press(&scope, &query, alert).await;
        return Ok(());
    }
    answer_press(&scope, &query, None).await;
    let press = Press::parse(data);
    let stranger = person.is_none();
    let actor = person.filter(|p| p.role() == Role::Admin);
    let (Some(press), Some(actor)) = (press, actor) else {
        tracing::warn!(user = query.from.id.0, data, "refused a button press");
        // Presses can be forged by the client: a stranger's cost one reply per ten minutes too.
        if stranger && chat == query.from.id.0 as i64 {
            return strangers::refuse(&scope, chat, &query.from).await;
        }
        scope.reply(chat, texts::expired_button()).await?;
        return Ok(());
    };
    if chat != actor.telegram_id {
        // Invite buttons only ever go to an admin's private chat: a press from a group is
        // forged, and a link answered there would be read by everyone in it.
        scope.reply(chat, texts::private_chat_only()).await?;
        return Ok(());
    }
    let now = scope.now();
    let result = match press {
        Press::InviteRole(Role::Contact) => {
            let units = plan::active_units(&mut *scope.conn().await).await?;
            scope
                .send(
                    Outgoing::text(chat, texts::invite_choose_unit())
                        .with_keyboard(&keyboards::invite_units(&units)),
                )
                .await?;
            return Ok(());
        }
        Press::InviteRole(role) => {
            invite_link(&ctx, &scope, me.username(), &actor, role, None, now).await
        }
        Press::InviteUnit(unit_id) => {
            let unit = plan::unit_by_id(&mut *scope.conn().await, unit_id).await?;
            match unit {
                Some(unit) => {
                    invite_link(
                        &ctx,
                        &scope,
                        me.username(),
                        &actor,
                        Role::Contact,
                        Some(unit),
                        now,
                    )
                    .await
                }
                None => Err(UserError::Refused(texts::expired_button().to_owned()).into()),
            }
        }
    };
    answer(&scope, chat, result).await
}

/// Stops the spinner on a pressed button, with an alert when the press no longer applies.
async fn answer_press(scope: &Scope, query: &CallbackQuery, alert: Option<&str>) {
    let mut body = serde_json::json!({ "callback_query_id": query.id.0 });
    if let Some(text) = alert {
        body["text"] = serde_json::json!(text);
        body["show_alert"] = serde_json::json!(true);
    }
    scope.call_after_commit("answerCallbackQuery", body).await;
}

/// /digest: the current 旬 so far, in the asker's scope.
async fn digest_now(ctx: &BotContext, scope: &Scope, person: &Person) -> anyhow::Result<String> {
    let leader = person.role() == Role::Leader;
    let digest = digest::on_demand(
        &mut *scope.conn().await,
        &ctx.settings,
        Some((person.id, leader)),
        scope.now(),
    )
    .await?;
    Ok(match digest {
        Some(digest) => texts::digest::digest(&digest),
        None => texts::nothing_to_digest().to_owned(),
    })
}

/// /export: the ledger of the asker's scope (admins: the whole plan), sent as a document
/// through the outbox.
async fn export(
    ctx: &BotContext,
    scope: &Scope,
    person: &Person,
    chat: i64,
) -> anyhow::Result<String> {
    let mut conn = scope.conn().await;
    let plan = admin::current_plan(&mut conn, scope.now(), ctx.settings.timezone).await?;
    let visible: Option<HashSet<i64>> = match person.role() {
        Role::Admin => None,
        _ => Some(
            views::visible_project_ids(&mut conn, &plan, person)
                .await?
                .into_iter()
                .collect(),
        ),
    };
    let (path, name) = files::ledger_for_sending(
        &mut conn,
        &ctx.settings,
        &plan,
        visible.as_ref(),
        person.id,
        scope.now(),
    )
    .await?;
    drop(conn);
    scope
        .send(Outgoing::document(
            chat,
            &path,
            &name,
            texts::ledger_caption(),
        ))
        .await?;
    Ok(texts::ledger_on_its_way().to_owned())
}

/// /resolve: a project's open difficulties are settled (they leave the digest's list).
async fn resolve(
    ctx: &BotContext,
    scope: &Scope,
    actor: &Person,
    args: &str,
) -> anyhow::Result<String> {
    if args.trim().is_empty() {
        return Err(UserError::Usage(texts::RESOLVE_USAGE.to_owned()).into());
    }
    let stamp = db::instant(scope.now());
    let mut conn = scope.conn().await;
    let plan = admin::current_plan(&mut conn, scope.now(), ctx.settings.timezone).await?;
    let project = admin::resolve_project(&mut conn, &plan, args).await?;
    let resolved = reports::resolve_difficulties(&mut conn, project.id, actor.id, &stamp).await?;
    if resolved > 0 {
        let entry = audit::Entry {
            actor_id: Some(actor.id),
            actor_label: &admin::label(actor),
            action: "resolve",
            target: &format!("项目 {}", project.no),
            before: Some(serde_json::json!({ "open": resolved })),
            after: Some(serde_json::json!({ "open": 0 })),
        };
        audit::record(&mut conn, entry, &stamp).await?;
    }
    Ok(texts::resolved(project.no, resolved))
}
