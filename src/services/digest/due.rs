//! When a digest is due and who reads it: the digest day of a 旬, the first working day after a
//! quarter, and the readers with the chat each one's digest goes to.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::config::Settings;
use crate::db::cycle as cycle_db;
use crate::db::{calendar, digests, plan, scopes};
use crate::domain::cycle::shift_working_days;
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

/// The 旬 whose digest is due at `now`: the one just ended, from the digest day's hour on
/// (caught up later in the 旬 if the bot was down on the day).
pub fn dekad_due(settings: &Settings, now: DateTime<Utc>) -> Option<Period> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    let day = digest_day(settings, local.date())?;
    (local >= day.and_time(settings.digest.time)).then(|| Period::dekad_before(day))
}

/// The quarter whose summary (每季度专题会议) is due at `now`: the one before, from the digest
/// hour of the first working day after it.
pub async fn quarter_due(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Period>> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    let quarter = Period::quarter_before(local.date());
    let mut conn = pool.acquire().await?;
    let Some(plan) = plan::plan_on(&mut conn, quarter.end).await? else {
        return Ok(None);
    };
    let calendar = calendar::load(&mut conn, plan.id).await?;
    let first_working = shift_working_days(&calendar, quarter.end, 1);
    Ok((local >= first_working.and_time(settings.digest.time)).then_some(quarter))
}

/// Someone who reads digests, and the chat their digest goes to.
#[derive(Debug, Clone)]
pub struct Reader {
    pub person: i64,
    pub chat: i64,
    /// The projects they see; `None` for an admin (the whole plan).
    pub scope: Option<HashSet<i64>>,
}

/// Everyone who reads digests: admins (the whole plan) and leaders with a scope.
pub async fn readers(conn: &mut SqliteConnection) -> sqlx::Result<Vec<Reader>> {
    let mut readers: Vec<Reader> = cycle_db::admins(conn)
        .await?
        .into_iter()
        .map(|admin| Reader {
            person: admin.person_id,
            chat: admin.chat_id,
            scope: None,
        })
        .collect();
    for leader in digests::leaders(conn).await? {
        let projects: HashSet<i64> = scopes::project_ids(conn, leader.person_id)
            .await?
            .into_iter()
            .collect();
        if !projects.is_empty() {
            readers.push(Reader {
                person: leader.person_id,
                chat: leader.chat_id,
                scope: Some(projects),
            });
        }
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
