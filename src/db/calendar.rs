//! What admins add to the official calendar: days set by hand, and pauses of a plan's cycle.

use sqlx::SqliteConnection;

use crate::domain::calendar::{Calendar, DayOverride, Pause};

pub async fn load(conn: &mut SqliteConnection, plan_id: i64) -> sqlx::Result<Calendar> {
    let days: Vec<(chrono::NaiveDate, bool, String)> =
        sqlx::query_as("SELECT day, working, note FROM calendar_days")
            .fetch_all(&mut *conn)
            .await?;
    let pauses: Vec<(chrono::NaiveDate, chrono::NaiveDate)> = sqlx::query_as(
        "SELECT from_date, to_date FROM pauses WHERE plan_id = ? AND lifted_at IS NULL",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Calendar::new(
        days.into_iter()
            .map(|(day, working, note)| DayOverride { day, working, note }),
        pauses.into_iter().map(|(from, to)| Pause { from, to }),
    ))
}

/// The day an admin set by hand, if any.
pub async fn day(
    conn: &mut SqliteConnection,
    day: chrono::NaiveDate,
) -> sqlx::Result<Option<DayOverride>> {
    let found: Option<(bool, String)> =
        sqlx::query_as("SELECT working, note FROM calendar_days WHERE day = ?")
            .bind(day)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.map(|(working, note)| DayOverride { day, working, note }))
}

/// Sets a day as working or not, replacing what was set before.
pub async fn set_day(
    conn: &mut SqliteConnection,
    set: &DayOverride,
    by: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO calendar_days (day, working, note, created_by, created_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (day) DO UPDATE SET working = excluded.working, note = excluded.note,
             created_by = excluded.created_by, created_at = excluded.created_at",
    )
    .bind(set.day)
    .bind(set.working)
    .bind(&set.note)
    .bind(by)
    .bind(crate::db::instant(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How many days admins set by hand in `year`.
pub async fn days_in_year(conn: &mut SqliteConnection, year: i32) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM calendar_days WHERE substr(day, 1, 4) = ?")
        .bind(format!("{year:04}"))
        .fetch_one(&mut *conn)
        .await
}
