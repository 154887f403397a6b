//! Views of the plan, for every role in their own scope: project lists and cards, a contact's
//! week, /digest and /export; and the leaders' commands, which are all views.

use std::collections::HashSet;

use teloxide::types::Message;

use super::{answer, cycle};
use crate::bot::commands::LeaderCommand;
use crate::bot::outgoing::Outgoing;
use crate::bot::turn::Turn;
use crate::bot::{BotContext, texts};
use crate::db::calendar;
use crate::db::people::Person;
use crate::domain::role::Role;
use crate::error::UserError;
use crate::jobs::files;
use crate::services::{digest, people as admin, views};

/// What leaders and contacts may look at; admins see the same views of the whole plan.
pub(super) enum View {
    Projects,
    Project(String),
    My,
}

/// A leader's commands: all of them views.
pub(super) async fn on_leader_command(
    ctx: BotContext,
    turn: Turn,
    msg: Message,
    person: Person,
    command: LeaderCommand,
) -> anyhow::Result<()> {
    let (ctx, turn, person) = (&ctx, &turn, &person);
    let result = match command {
        LeaderCommand::Projects => show(ctx, turn, person, View::Projects).await,
        LeaderCommand::Project(no) => show(ctx, turn, person, View::Project(no)).await,
        LeaderCommand::Cycle => cycle::show_cycle(ctx, turn).await,
        LeaderCommand::Digest => digest_now(ctx, turn, person).await,
        LeaderCommand::Export => export(ctx, turn, person, msg.chat.id.0).await,
        LeaderCommand::Web => super::web::link(ctx, turn, person).await,
    };
    answer(turn, msg.chat.id.0, result).await
}

pub(super) async fn show(
    ctx: &BotContext,
    turn: &Turn,
    person: &Person,
    view: View,
) -> anyhow::Result<String> {
    let tz = ctx.settings.timezone;
    let mut conn = turn.conn().await;
    let plan = admin::current_plan(&mut conn, turn.now(), tz).await?;
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
                let mut numbers: Vec<i64> = views::project_lines(&mut conn, &plan, &visible)
                    .await?
                    .iter()
                    .map(|line| line.project.no)
                    .collect();
                numbers.sort_unstable();
                let refusal = texts::not_in_view(project.no, person.role, &numbers);
                return Err(UserError::Refused(refusal).into());
            }
            Ok(texts::project_card(
                &views::card(&mut conn, &ctx.settings, &plan, project, turn.now()).await?,
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
                    turn.now(),
                )
                .await?,
            ))
        }
    }
}

/// /digest: the current 旬 so far, in the asker's scope.
pub(super) async fn digest_now(
    ctx: &BotContext,
    turn: &Turn,
    person: &Person,
) -> anyhow::Result<String> {
    let leader = person.role == Role::Leader;
    let digest = digest::on_demand(
        &mut *turn.conn().await,
        &ctx.settings,
        Some((person.id, leader)),
        turn.now(),
    )
    .await?;
    Ok(match digest {
        Some(digest) => texts::digest::digest(&digest),
        None => texts::nothing_to_digest().to_owned(),
    })
}

/// /export: the ledger of the asker's scope (admins: the whole plan), sent as a document
/// through the outbox.
pub(super) async fn export(
    ctx: &BotContext,
    turn: &Turn,
    person: &Person,
    chat: i64,
) -> anyhow::Result<String> {
    let mut conn = turn.conn().await;
    let plan = admin::current_plan(&mut conn, turn.now(), ctx.settings.timezone).await?;
    let visible: Option<HashSet<i64>> = match person.role {
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
        turn.now(),
    )
    .await?;
    drop(conn);
    turn.send(Outgoing::document(
        chat,
        &path,
        &name,
        texts::ledger_caption(),
    ))
    .await?;
    Ok(texts::ledger_on_its_way().to_owned())
}
