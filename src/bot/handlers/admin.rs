//! An admin's commands: invites (and their buttons), assignments, leaders' scopes, people who
//! leave and come back, /resolve and /audit. Views and the cycle's commands are shared with the
//! other roles.

use chrono::{DateTime, Utc};
use teloxide::types::{Me, Message};

use super::public::send_menu;
use super::views::{View, digest_now, export, show};
use super::{answer, cycle, robots};
use crate::bot::commands::AdminCommand;
use crate::bot::keyboards::{self, Press};
use crate::bot::outgoing::Outgoing;
use crate::bot::turn::Turn;
use crate::bot::{BotContext, texts};
use crate::db::people::Person;
use crate::db::{audit, plan, reports};
use crate::domain::args::{ScopeSpec, parse_role, words};
use crate::domain::role::{AssignmentRole, Role};
use crate::error::UserError;
use crate::services::{people as admin, views};

/// An admin's commands.
pub(super) async fn on_command(
    ctx: BotContext,
    turn: Turn,
    me: Me,
    msg: Message,
    actor: Person,
    command: AdminCommand,
) -> anyhow::Result<()> {
    let (ctx, turn, msg, actor) = (&ctx, &turn, &msg, &actor);
    let bot_name = me.username();
    let chat = msg.chat.id.0;
    let now = turn.now();
    let result = match command {
        AdminCommand::Invite(args) if args.trim().is_empty() => {
            turn.send(
                Outgoing::text(chat, texts::invite_choose_role())
                    .with_keyboard(&keyboards::invite_roles()),
            )
            .await?;
            return Ok(());
        }
        AdminCommand::Invite(args) => invite(ctx, turn, bot_name, actor, &args, now).await,
        AdminCommand::Assign(args) => assign(ctx, turn, actor, &args, now).await,
        AdminCommand::Unassign(args) => unassign(ctx, turn, actor, &args, now).await,
        AdminCommand::Leader(args) => leader(ctx, turn, msg, actor, &args, now).await,
        AdminCommand::Deactivate(args) => deactivate(turn, actor, &args, now).await,
        AdminCommand::Reactivate(args) => reactivate(turn, actor, &args, now).await,
        AdminCommand::People => people_list(ctx, turn, now).await,
        AdminCommand::Projects => show(ctx, turn, actor, View::Projects).await,
        AdminCommand::Project(no) => show(ctx, turn, actor, View::Project(no)).await,
        AdminCommand::Missing => cycle::missing(ctx, turn).await,
        AdminCommand::Remind(args) => cycle::remind(ctx, turn, &args).await,
        AdminCommand::Cycle => cycle::show_cycle(ctx, turn).await,
        AdminCommand::Pause(args) => cycle::pause(ctx, turn, actor, &args).await,
        AdminCommand::Resume => cycle::resume(ctx, turn, actor).await,
        AdminCommand::Workday(args) => {
            super::calendar::set_day(ctx, turn, actor, &args, true).await
        }
        AdminCommand::Dayoff(args) => {
            super::calendar::set_day(ctx, turn, actor, &args, false).await
        }
        AdminCommand::Digest => digest_now(ctx, turn, actor).await,
        AdminCommand::Export => export(ctx, turn, actor, chat).await,
        AdminCommand::Resolve(args) => resolve(ctx, turn, actor, &args).await,
        AdminCommand::Mobile(args) => robots::mobile(turn, actor, &args, now).await,
        AdminCommand::Robots(args) => robots::robots(ctx, turn, &args, now).await,
        AdminCommand::Web => super::web::link(ctx, turn, actor).await,
        AdminCommand::Audit(args) => {
            let n = args.trim().parse::<i64>().unwrap_or(10).clamp(1, 50);
            let rows = audit::latest(&mut *turn.conn().await, n).await?;
            Ok(texts::audit_list(&rows, ctx.settings.timezone))
        }
    };
    answer(turn, chat, result).await
}

async fn invite(
    ctx: &BotContext,
    turn: &Turn,
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
    let mut conn = turn.conn().await;
    let unit = match (role, unit_text.trim()) {
        (Role::Contact, "") => return Err(UserError::Usage(texts::INVITE_USAGE.to_owned()).into()),
        (Role::Contact, text) => Some(admin::resolve_unit(&mut conn, text).await?),
        _ => None,
    };
    drop(conn);
    invite_link(ctx, turn, bot_name, actor, role, unit, now).await
}

pub(super) async fn invite_link(
    ctx: &BotContext,
    turn: &Turn,
    bot_name: &str,
    actor: &Person,
    role: Role,
    unit: Option<plan::UnitRow>,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let invite = admin::create_invite(
        &mut *turn.conn().await,
        actor,
        role,
        unit,
        ctx.settings.invites.expiry_days,
        now,
    )
    .await?;
    turn.keep_secret(&invite.token).await;
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
    turn: &Turn,
    actor: &Person,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let args = words(args);
    let usage = || UserError::Usage(texts::ASSIGN_USAGE.to_owned());
    let (no, who, role) = match args.as_slice() {
        [no, who] => (*no, *who, AssignmentRole::Lead),
        [no, who, word] => (*no, *who, AssignmentRole::parse(word).ok_or_else(usage)?),
        _ => return Err(usage().into()),
    };
    let mut conn = turn.conn().await;
    let plan = admin::current_plan(&mut conn, now, ctx.settings.timezone).await?;
    let project = admin::resolve_project(&mut conn, &plan, no).await?;
    let person = admin::resolve_person(&mut conn, who).await?;
    let outcome = admin::assign(&mut conn, actor, &project, &person, role, now).await?;
    drop(conn);
    match outcome {
        admin::Assigned::Unchanged => Ok(texts::assignment_unchanged(
            &person.display_name,
            project.no,
            role,
        )),
        admin::Assigned::New | admin::Assigned::RoleChanged { .. } => {
            turn.reply(
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
    turn: &Turn,
    actor: &Person,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let [no, who] = words(args)[..] else {
        return Err(UserError::Usage(texts::UNASSIGN_USAGE.to_owned()).into());
    };
    let mut conn = turn.conn().await;
    let plan = admin::current_plan(&mut conn, now, ctx.settings.timezone).await?;
    let project = admin::resolve_project(&mut conn, &plan, no).await?;
    let person = admin::resolve_person(&mut conn, who).await?;
    if !admin::unassign(&mut conn, actor, &project, &person, now).await? {
        return Ok(texts::not_assigned(&person.display_name, project.no));
    }
    drop(conn);
    turn.reply(
        person.telegram_id,
        texts::you_were_unassigned(project.no, &project.title),
    )
    .await?;
    Ok(texts::unassigned(&person.display_name, project.no))
}

async fn leader(
    ctx: &BotContext,
    turn: &Turn,
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
    let mut conn = turn.conn().await;
    let plan = admin::current_plan(&mut conn, now, ctx.settings.timezone).await?;
    let person = admin::resolve_person(&mut conn, who).await?;
    let group = in_group.then_some(msg.chat.id.0);
    let described =
        admin::set_leader_scope(&mut conn, actor, &plan, &person, &spec, group, now).await?;
    drop(conn);
    turn.reply(person.telegram_id, texts::your_scope(&described))
        .await?;
    Ok(texts::leader_scope_set(
        &person.display_name,
        &described,
        in_group,
    ))
}

async fn deactivate(
    turn: &Turn,
    actor: &Person,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    if args.trim().is_empty() {
        return Err(UserError::Usage(texts::DEACTIVATE_USAGE.to_owned()).into());
    }
    let mut conn = turn.conn().await;
    let person = admin::resolve_person(&mut conn, args).await?;
    let ended = admin::deactivate(&mut conn, actor, &person, now).await?;
    drop(conn);
    let mut gone = person.clone();
    gone.active = false;
    send_menu(turn, &gone).await?;
    let mut text = texts::deactivated(&person.display_name, ended.assignments);
    if ended.invites > 0 {
        text.push_str(&texts::invites_revoked(ended.invites));
    }
    Ok(text)
}

async fn reactivate(
    turn: &Turn,
    actor: &Person,
    args: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    if args.trim().is_empty() {
        return Err(UserError::Usage(texts::REACTIVATE_USAGE.to_owned()).into());
    }
    let mut conn = turn.conn().await;
    let person = admin::resolve_former_person(&mut conn, args).await?;
    admin::reactivate(&mut conn, actor, &person, now).await?;
    drop(conn);
    let mut back = person.clone();
    back.active = true;
    send_menu(turn, &back).await?;
    turn.reply(person.telegram_id, texts::you_were_reactivated(person.role))
        .await?;
    Ok(texts::reactivated(&person.display_name, person.role))
}

async fn people_list(ctx: &BotContext, turn: &Turn, now: DateTime<Utc>) -> anyhow::Result<String> {
    let mut conn = turn.conn().await;
    let plan = admin::current_plan(&mut conn, now, ctx.settings.timezone).await?;
    Ok(texts::people_list(
        &views::people_lines(&mut conn, &plan).await?,
        ctx.settings.timezone,
    ))
}

/// /resolve: a project's open difficulties are settled (they leave the digest's list).
async fn resolve(
    ctx: &BotContext,
    turn: &Turn,
    actor: &Person,
    args: &str,
) -> anyhow::Result<String> {
    if args.trim().is_empty() {
        return Err(UserError::Usage(texts::RESOLVE_USAGE.to_owned()).into());
    }
    let now = turn.now();
    let mut conn = turn.conn().await;
    let plan = admin::current_plan(&mut conn, turn.now(), ctx.settings.timezone).await?;
    let project = admin::resolve_project(&mut conn, &plan, args).await?;
    let resolved = reports::resolve_difficulties(&mut conn, project.id, actor.id, now).await?;
    if resolved > 0 {
        let entry = audit::Entry {
            actor_id: Some(actor.id),
            actor_label: &admin::label(actor),
            action: "resolve",
            target: &format!("项目 {}", project.no),
            before: Some(serde_json::json!({ "open": resolved })),
            after: Some(serde_json::json!({ "open": 0 })),
        };
        audit::record(&mut conn, entry, now).await?;
    }
    Ok(texts::resolved(project.no, resolved))
}

/// An admin's press of an invite button, in their own private chat.
pub(super) async fn on_invite_press(
    ctx: &BotContext,
    turn: &Turn,
    bot_name: &str,
    actor: &Person,
    chat: i64,
    press: Press,
) -> anyhow::Result<()> {
    let now = turn.now();
    let result = match press {
        Press::InviteRole(Role::Contact) => {
            let units = plan::active_units(&mut *turn.conn().await).await?;
            turn.send(
                Outgoing::text(chat, texts::invite_choose_unit())
                    .with_keyboard(&keyboards::invite_units(&units)),
            )
            .await?;
            return Ok(());
        }
        Press::InviteRole(role) => invite_link(ctx, turn, bot_name, actor, role, None, now).await,
        Press::InviteUnit(unit_id) => {
            let unit = plan::unit_by_id(&mut *turn.conn().await, unit_id).await?;
            match unit {
                Some(unit) => {
                    invite_link(ctx, turn, bot_name, actor, Role::Contact, Some(unit), now).await
                }
                None => Err(UserError::Refused(texts::expired_button().to_owned()).into()),
            }
        }
    };
    answer(turn, chat, result).await
}
