//! Days set by hand on top of the official calendar (a later year's notice, a local closure):
//! from the admins' /workday and /dayoff and from `minsheng calendar set`, each audited.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::SqliteConnection;

use crate::db::{audit, calendar};
use crate::domain::calendar::DayOverride;

/// Who set a day: a person, or the operator at the command line.
pub struct SetBy<'a> {
    pub person_id: Option<i64>,
    pub label: &'a str,
}

/// Writes the day and its audit entry; what was set for it before, if anything.
pub async fn set_day(
    conn: &mut SqliteConnection,
    set: &DayOverride,
    by: SetBy<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<DayOverride>> {
    let before = calendar::day(conn, set.day).await?;
    calendar::set_day(conn, set, by.person_id, now).await?;
    let word = |working: bool| if working { "工作日" } else { "休息日" };
    let entry = audit::Entry {
        actor_id: by.person_id,
        actor_label: by.label,
        action: if set.working { "workday" } else { "dayoff" },
        target: &format!("{}", set.day.format("%Y年%-m月%-d日")),
        before: before
            .as_ref()
            .map(|b| json!({ "设为": word(b.working), "说明": b.note })),
        after: Some(json!({ "设为": word(set.working), "说明": set.note })),
    };
    audit::record(conn, entry, now).await?;
    Ok(before)
}
