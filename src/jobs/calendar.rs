//! December's look at next year: when the official holiday data does not cover it and no day
//! of it was entered by hand, the admins are told, once a year, that its weeks fall back to
//! Monday–Friday.

use chrono::{DateTime, Datelike, Utc};
use sqlx::SqlitePool;

use crate::bot::texts::calendar as say;
use crate::config::Settings;
use crate::db::{self, calendar, jobs};
use crate::domain::calendar::official_covers;
use crate::jobs::notify;

/// Tells the admins when due; how many were told (0 when not due, covered, or told before).
pub async fn run_due(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let local = now.with_timezone(&settings.timezone);
    let next = local.year() + 1;
    if local.month() != 12 || official_covers(next) {
        return Ok(0);
    }
    let job = format!("calendar_gap_{next}");
    let mut tx = db::begin_write(pool).await?;
    if jobs::last_run(&mut tx, &job).await?.is_some()
        || calendar::days_in_year(&mut tx, next).await? > 0
    {
        return Ok(0);
    }
    let told = notify::admins(
        &mut tx,
        settings,
        &say::next_year_uncovered(next),
        None,
        now,
    )
    .await?;
    jobs::record_run(&mut tx, &job, now).await?;
    tx.commit().await?;
    Ok(told)
}
