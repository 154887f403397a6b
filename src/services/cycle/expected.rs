//! The record of reports that were due: what the reporting rate, the digest's missed deadlines
//! and the ledger's 未按时报送 sheet all count.

use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::cycle::{self as cycle_db, ContactRow};
use crate::db::plan::PlanRow;
use crate::domain::calendar::Calendar;
use crate::domain::cycle::{WeekPlan, to_utc, week_start};

/// A weekly report that was due: a week whose deadline fell in a date range and has passed, a
/// contact its prompt asked, and whether they reported.
pub struct Expected {
    pub week: WeekPlan,
    pub contact: ContactRow,
    pub reported: bool,
}

/// Every report due from `contacts` for the weeks whose deadline fell between `from` and `to`
/// (and before `now`): what the reporting rate, the digest's missed deadlines and the ledger's
/// 未按时报送 sheet all count.
pub async fn expected_reports(
    conn: &mut SqliteConnection,
    settings: &Settings,
    calendar: &Calendar,
    plan: &PlanRow,
    contacts: &[ContactRow],
    (from, to): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Expected>> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    let mut expected = Vec::new();
    let mut monday = week_start(from);
    while monday <= to {
        if let Some(week) = WeekPlan::of_plan(calendar, monday, &settings.cycle, plan.dates())
            && (from..=to).contains(&week.deadline.date())
            && week.deadline <= local
        {
            let reported =
                cycle_db::reported_in_week(conn, plan.id, &week.week_start.to_string()).await?;
            let asked = to_utc(settings.timezone, week.prompt);
            for contact in contacts.iter().filter(|c| c.assigned_at <= asked) {
                let done = reported.contains(&(contact.project_id, contact.person_id));
                expected.push(Expected {
                    week,
                    contact: contact.clone(),
                    reported: done,
                });
            }
        }
        monday = monday + Days::new(7);
    }
    Ok(expected)
}
