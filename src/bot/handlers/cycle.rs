//! Commands about the weekly cycle: /cycle for everyone; /pause, /resume, /remind, /missing
//! for admins; /leave, /back, /quiet for contacts.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::bot::BotContext;
use crate::bot::texts::{cycle as say, schedule};
use crate::bot::turn::Turn;
use crate::db::people::Person;
use crate::db::{audit, calendar, cycle as cycle_db};
use crate::domain::args::{parse_date_range, parse_project_no};
use crate::error::UserError;
use crate::services::{cycle, people as admin};

fn year_of(ctx: &BotContext, turn: &Turn) -> i32 {
    use chrono::Datelike;
    turn.now().with_timezone(&ctx.settings.timezone).year()
}

pub async fn show_cycle(ctx: &BotContext, turn: &Turn) -> anyhow::Result<String> {
    let mut conn = turn.conn().await;
    let plan = admin::current_plan(&mut conn, turn.now(), ctx.settings.timezone).await?;
    let calendar = calendar::load(&mut conn, plan.id).await?;
    Ok(
        match cycle::coming_week(&calendar, &ctx.settings, turn.now()) {
            Ok(week) => say::week_dates(&week),
            Err(monday) => say::no_report_week(monday),
        },
    )
}

pub async fn pause(
    ctx: &BotContext,
    turn: &Turn,
    actor: &Person,
    args: &str,
) -> anyhow::Result<String> {
    let (from, to) = parse_date_range(args, year_of(ctx, turn))
        .ok_or_else(|| UserError::Usage(schedule::PAUSE_USAGE.to_owned()))?;
    let stamp = turn.now();
    let mut conn = turn.conn().await;
    let plan = admin::current_plan(&mut conn, turn.now(), ctx.settings.timezone).await?;
    cycle_db::add_pause(&mut conn, plan.id, from, to, actor.id, stamp).await?;
    let entry = audit::Entry {
        actor_id: Some(actor.id),
        actor_label: &admin::label(actor),
        action: "pause",
        target: &format!("{}年计划", plan.year),
        before: None,
        after: Some(json!({ "from": from, "to": to })),
    };
    audit::record(&mut conn, entry, stamp).await?;
    Ok(schedule::paused(from, to))
}

pub async fn resume(ctx: &BotContext, turn: &Turn, actor: &Person) -> anyhow::Result<String> {
    let stamp = turn.now();
    let mut conn = turn.conn().await;
    let plan = admin::current_plan(&mut conn, turn.now(), ctx.settings.timezone).await?;
    let lifted = cycle_db::lift_pauses(&mut conn, plan.id, stamp).await?;
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
    audit::record(&mut conn, entry, stamp).await?;
    Ok(schedule::resumed().to_owned())
}

pub async fn missing(ctx: &BotContext, turn: &Turn) -> anyhow::Result<String> {
    let found = cycle::missing_now(&mut *turn.conn().await, &ctx.settings, turn.now()).await?;
    Ok(match found {
        Ok((_, week, projects)) => schedule::missing(&week, &projects),
        Err(monday) => say::no_report_week(monday),
    })
}

pub async fn remind(ctx: &BotContext, turn: &Turn, args: &str) -> anyhow::Result<String> {
    let project = match args.trim() {
        "" => None,
        text => Some(
            parse_project_no(text)
                .ok_or_else(|| UserError::Usage(schedule::REMIND_USAGE.to_owned()))?,
        ),
    };
    let queued =
        crate::jobs::cycle::remind_now(&mut *turn.conn().await, &ctx.settings, project, turn.now())
            .await?;
    Ok(match queued {
        Some(count) => schedule::reminded(count),
        None => say::no_report_week(crate::domain::cycle::week_start(
            turn.now()
                .with_timezone(&ctx.settings.timezone)
                .date_naive(),
        )),
    })
}

pub async fn leave(
    ctx: &BotContext,
    turn: &Turn,
    person: &Person,
    args: &str,
) -> anyhow::Result<String> {
    let (from, to) = parse_date_range(args, year_of(ctx, turn))
        .ok_or_else(|| UserError::Usage(schedule::LEAVE_USAGE.to_owned()))?;
    let today = today(ctx, turn);
    // A leave dated back would excuse a deadline already missed, and spare its escalation.
    if from < today {
        return Err(UserError::Usage(schedule::leave_starts_too_early(today)).into());
    }
    let stamp = turn.now();
    let mut conn = turn.conn().await;
    cycle_db::add_leave(&mut conn, person.id, from, to, stamp).await?;
    own_change(
        &mut conn,
        person,
        "leave",
        None,
        json!({ "from": from, "to": to }),
        stamp,
    )
    .await?;
    Ok(schedule::on_leave(from, to))
}

pub async fn back(ctx: &BotContext, turn: &Turn, person: &Person) -> anyhow::Result<String> {
    let today = today(ctx, turn);
    let stamp = turn.now();
    let mut conn = turn.conn().await;
    let ended = cycle_db::end_leaves(&mut conn, person.id, today, stamp).await?;
    if ended == 0 {
        return Ok(schedule::not_on_leave().to_owned());
    }
    let before = json!({ "leaves": ended });
    own_change(
        &mut conn,
        person,
        "back",
        Some(before),
        json!({ "back_on": today }),
        stamp,
    )
    .await?;
    Ok(schedule::welcome_back().to_owned())
}

pub async fn quiet(turn: &Turn, person: &Person) -> anyhow::Result<String> {
    let quiet = !person.quiet;
    let stamp = turn.now();
    let mut conn = turn.conn().await;
    cycle_db::set_quiet(&mut conn, person.id, quiet).await?;
    let before = json!({ "quiet": person.quiet });
    own_change(
        &mut conn,
        person,
        "quiet",
        Some(before),
        json!({ "quiet": quiet }),
        stamp,
    )
    .await?;
    Ok(schedule::quiet(quiet).to_owned())
}

fn today(ctx: &BotContext, turn: &Turn) -> chrono::NaiveDate {
    turn.now()
        .with_timezone(&ctx.settings.timezone)
        .date_naive()
}

/// A contact's change to their own schedule, on record like an admin's: it decides who is
/// excused from an escalation.
async fn own_change(
    conn: &mut sqlx::SqliteConnection,
    person: &Person,
    action: &str,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
    stamp: DateTime<Utc>,
) -> sqlx::Result<()> {
    let entry = audit::Entry {
        actor_id: Some(person.id),
        actor_label: &admin::label(person),
        action,
        target: &admin::label(person),
        before,
        after: Some(after),
    };
    audit::record(conn, entry, stamp).await
}
