//! /workday and /dayoff: an admin sets a day by hand on top of the official calendar.

use crate::bot::BotContext;
use crate::bot::texts::calendar as say;
use crate::bot::turn::Turn;
use crate::db::people::Person;
use crate::domain::args::parse_date;
use crate::domain::calendar::DayOverride;
use crate::error::UserError;
use crate::services::calendar::{self, SetBy};
use crate::services::people as admin;

/// `<date> [note]` as typed; the year, when left out, is this year.
pub async fn set_day(
    ctx: &BotContext,
    turn: &Turn,
    actor: &Person,
    args: &str,
    working: bool,
) -> anyhow::Result<String> {
    use chrono::Datelike;
    let usage = if working {
        say::WORKDAY_USAGE
    } else {
        say::DAYOFF_USAGE
    };
    let year = turn.now().with_timezone(&ctx.settings.timezone).year();
    let (date, note) = args.trim().split_once(' ').unwrap_or((args.trim(), ""));
    let day = parse_date(date, year).ok_or_else(|| UserError::Usage(usage.to_owned()))?;
    let set = DayOverride {
        day,
        working,
        note: note.trim().to_owned(),
    };
    let label = admin::label(actor);
    let by = SetBy {
        person_id: Some(actor.id),
        label: &label,
    };
    let before = calendar::set_day(&mut *turn.conn().await, &set, by, turn.now()).await?;
    Ok(say::day_set(&set, before.as_ref()))
}
