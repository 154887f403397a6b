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
