//! When a digest is due and who reads it: the digest day of a 旬, the first working day after a
//! quarter, and the readers with the chat each one's digest goes to.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::config::Settings;
use crate::db::cycle as cycle_db;
use crate::db::people::Recipient;
use crate::db::plan::PlanRow;
use crate::db::{calendar, digests, plan, scopes};
use crate::domain::cycle::{WeekPlan, shift_working_days, to_utc, week_start};
use crate::domain::dekad::{Kind, Period};

/// The digest day on or before `today` in its 旬, if the configured days have one.
fn digest_day(settings: &Settings, today: NaiveDate) -> Option<NaiveDate> {
    let dekad = Period::dekad_of(today);
    settings
        .digest
        .days
        .iter()
        .filter_map(|d| today.with_day(*d))
        .filter(|d| dekad.start <= *d && *d <= today)
        .max()
}

/// How long after its due time a digest the bot missed (down on the day) is still news and
/// sent, marked 补发; later, only the next one goes out.
pub const CATCH_UP: TimeDelta = TimeDelta::days(3);

/// A period whose digest (or summary) fell due, and when (local time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuePeriod {
    pub period: Period,
    pub due: NaiveDateTime,
}

impl DuePeriod {
    /// Whether it is still news at `local`: no more than [`CATCH_UP`] after its due time.
    pub fn still_news(&self, local: NaiveDateTime) -> bool {
        local <= self.due + CATCH_UP
    }

    /// Whether it goes out after its due day, and so says 补发.
    pub fn late(&self, local: NaiveDateTime) -> bool {
        local.date() > self.due.date()
    }
}

/// The 旬 whose digest is due at `now`: the one just ended, from the digest day's hour on
/// (caught up later in the 旬 if the bot was down on the day).
pub fn dekad_due(settings: &Settings, now: DateTime<Utc>) -> Option<DuePeriod> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    let day = digest_day(settings, local.date())?;
    let due = day.and_time(settings.digest.time);
    (local >= due).then(|| DuePeriod {
        period: Period::dekad_before(day),
        due,
    })
}

/// The quarter whose summary (每季度专题会议) is due at `now`: the one before, from the digest
/// hour of the first working day after it.
pub async fn quarter_due(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<DuePeriod>> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    let quarter = Period::quarter_before(local.date());
    let mut conn = pool.acquire().await?;
    let Some(plan) = plan::plan_on(&mut conn, quarter.end).await? else {
        return Ok(None);
    };
    let calendar = calendar::load(&mut conn, plan.id).await?;
    let first_working = shift_working_days(&calendar, quarter.end, 1);
    let due = first_working.and_time(settings.digest.time);
    Ok((local >= due).then_some(DuePeriod {
        period: quarter,
        due,
    }))
}

/// The first instant after `period`, in UTC: what happened before it happened in the period.
pub fn end_of(settings: &Settings, period: Period) -> DateTime<Utc> {
    let next = period.end + Days::new(1);
    to_utc(
        settings.timezone,
        next.and_hms_opt(0, 0, 0).expect("midnight"),
    )
}

/// Whether the plan's first weekly prompt went out before `period` ended: a period before it
/// has nothing to report on.
pub async fn after_first_prompt(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    period: Period,
) -> sqlx::Result<bool> {
    let calendar = calendar::load(conn, plan.id).await?;
    let first = (0..10u64)
        .filter_map(|weeks| week_start(plan.starts_on).checked_add_days(Days::new(7 * weeks)))
        .find_map(|monday| WeekPlan::of_plan(&calendar, monday, &settings.cycle, plan.dates()));
    Ok(first.is_some_and(|week| to_utc(settings.timezone, week.prompt) < end_of(settings, period)))
}

/// Someone who reads digests, and the chat their digest goes to.
#[derive(Debug, Clone)]
pub struct Reader {
    pub person: i64,
    pub chat: i64,
    /// When they were admitted: a period that ended before is not news to them.
    pub joined_at: DateTime<Utc>,
    /// The projects they see; `None` for an admin (the whole plan).
    pub scope: Option<HashSet<i64>>,
}

/// Everyone who reads digests: admins (the whole plan) and leaders with a scope.
pub async fn readers(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Reader>> {
    let mut chosen: Vec<(Recipient, Option<HashSet<i64>>)> = cycle_db::admins(conn)
        .await?
        .into_iter()
        .map(|admin| (admin, None))
        .collect();
    for leader in digests::leaders(conn).await? {
        let projects: HashSet<i64> = scopes::project_ids(conn, leader.person_id)
            .await?
            .into_iter()
            .collect();
        if !projects.is_empty() {
            chosen.push((leader, Some(projects)));
        }
    }
    let mut readers = Vec::with_capacity(chosen.len());
    for (recipient, scope) in chosen {
        readers.push(Reader {
            person: recipient.person_id,
            chat: recipient.chat_id,
            joined_at: digests::joined_at(conn, recipient.person_id).await?,
            scope,
        });
    }
    Ok(readers)
}

/// How a period's digest is stored: its kind in the `digests` table, and its step in the
/// outbox's keys.
pub fn kind_and_step(period: &Period) -> (&'static str, &'static str) {
    match period.kind {
        Kind::Dekad => ("dekad", "digest"),
        Kind::Quarter => ("quarter", "quarter"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_digest_is_news_for_three_days_and_late_after_its_day() {
        let due = DuePeriod {
            period: Period::dekad_of("2024-03-15".parse().unwrap()),
            due: at("2024-03-21 09:00"),
        };
        assert!(due.still_news(at("2024-03-21 09:00")));
        assert!(!due.late(at("2024-03-21 23:59")), "the same day is on time");
        assert!(due.late(at("2024-03-22 00:00")));
        assert!(due.still_news(at("2024-03-24 09:00")));
        assert!(!due.still_news(at("2024-03-24 09:01")));
    }
}
