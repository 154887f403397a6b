//! Commands about the weekly cycle: /cycle for everyone; /pause, /resume, /remind, /missing
//! for admins; /leave, /back, /quiet for contacts.

use serde_json::json;

use crate::bot::BotContext;
use crate::bot::scope::Scope;
use crate::bot::texts::{cycle as say, schedule};
use crate::db::people::Person;
use crate::db::{self, audit, calendar, cycle as cycle_db};
use crate::domain::args::{parse_date_range, parse_project_no};
use crate::error::UserError;
use crate::services::{cycle, people as admin};

fn year_of(ctx: &BotContext, scope: &Scope) -> i32 {
    use chrono::Datelike;
    scope.now().with_timezone(&ctx.settings.timezone).year()
}

pub async fn show_cycle(ctx: &BotContext, scope: &Scope) -> anyhow::Result<String> {
    let mut conn = scope.conn().await;
    let plan = admin::current_plan(&mut conn, scope.now(), ctx.settings.timezone).await?;
    let calendar = calendar::load(&mut conn, plan.id).await?;
    Ok(
        match cycle::coming_week(&calendar, &ctx.settings, scope.now()) {
            Ok(week) => say::week_dates(&week),
            Err(monday) => say::no_report_week(monday),
        },
    )
}

pub async fn pause(
    ctx: &BotContext,
    scope: &Scope,
    actor: &Person,
    args: &str,
) -> anyhow::Result<String> {
    let (from, to) = parse_date_range(args, year_of(ctx, scope))
        .ok_or_else(|| UserError::Usage(schedule::PAUSE_USAGE.to_owned()))?;
    let stamp = db::instant(scope.now());
    let mut conn = scope.conn().await;
    let plan = admin::current_plan(&mut conn, scope.now(), ctx.settings.timezone).await?;
    cycle_db::add_pause(&mut conn, plan.id, from, to, actor.id, &stamp).await?;
    let entry = audit::Entry {
        actor_id: Some(actor.id),
        actor_label: &admin::label(actor),
        action: "pause",
        target: &format!("{}年计划", plan.year),
        before: None,
        after: Some(json!({ "from": from, "to": to })),
    };
    audit::record(&mut conn, entry, &stamp).await?;
    Ok(schedule::paused(from, to))
}

pub async fn resume(ctx: &BotContext, scope: &Scope, actor: &Person) -> anyhow::Result<String> {
    let stamp = db::instant(scope.now());
    let mut conn = scope.conn().await;
    let plan = admin::current_plan(&mut conn, scope.now(), ctx.settings.timezone).await?;
    let lifted = cycle_db::lift_pauses(&mut conn, plan.id, &stamp).await?;
    if lifted == 0 {
        return Ok(schedule::nothing_paused().to_owned());
    }
    let entry = audit::Entry {
        actor_id: Some(actor.id),
        actor_label: &admin::label(actor),
        action: "resume",
        target: &format!("{}年计划", plan.year),
        before: Some(json!({ "pauses": lifted })),
        after: None,
    };
    audit::record(&mut conn, entry, &stamp).await?;
    Ok(schedule::resumed().to_owned())
}

pub async fn missing(ctx: &BotContext, scope: &Scope) -> anyhow::Result<String> {
    let found = cycle::missing_now(&mut *scope.conn().await, &ctx.settings, scope.now()).await?;
    Ok(match found {
        Ok((_, week, contacts)) => schedule::missing(&week, &contacts),
        Err(monday) => say::no_report_week(monday),
    })
}

pub async fn remind(ctx: &BotContext, scope: &Scope, args: &str) -> anyhow::Result<String> {
    let project = match args.trim() {
        "" => None,
        text => Some(
            parse_project_no(text)
                .ok_or_else(|| UserError::Usage(schedule::REMIND_USAGE.to_owned()))?,
        ),
    };
    let queued = cycle::remind_now(
        &mut *scope.conn().await,
        &ctx.settings,
        project,
        scope.now(),
    )
    .await?;
    Ok(match queued {
        Some(count) => schedule::reminded(count),
        None => say::no_report_week(crate::domain::cycle::week_start(
            scope
                .now()
                .with_timezone(&ctx.settings.timezone)
                .date_naive(),
        )),
    })
}

pub async fn leave(
    ctx: &BotContext,
    scope: &Scope,
    person: &Person,
    args: &str,
) -> anyhow::Result<String> {
    let (from, to) = parse_date_range(args, year_of(ctx, scope))
        .ok_or_else(|| UserError::Usage(schedule::LEAVE_USAGE.to_owned()))?;
    cycle_db::add_leave(
        &mut *scope.conn().await,
        person.id,
        from,
        to,
        &db::instant(scope.now()),
    )
    .await?;
    Ok(schedule::on_leave(from, to))
}

pub async fn back(ctx: &BotContext, scope: &Scope, person: &Person) -> anyhow::Result<String> {
    let today = scope
        .now()
        .with_timezone(&ctx.settings.timezone)
        .date_naive();
    let ended = cycle_db::end_leaves(
        &mut *scope.conn().await,
        person.id,
        today,
        &db::instant(scope.now()),
    )
    .await?;
    Ok(if ended > 0 {
        schedule::welcome_back()
    } else {
        schedule::not_on_leave()
    }
    .to_owned())
}

pub async fn quiet(scope: &Scope, person: &Person) -> anyhow::Result<String> {
    let quiet = !person.quiet;
    cycle_db::set_quiet(&mut *scope.conn().await, person.id, quiet).await?;
    Ok(schedule::quiet(quiet).to_owned())
}
