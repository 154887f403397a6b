//! Weeks looked at in one run of the cycle, and how many a contact missed in a row.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::{Days, NaiveDate};
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::cycle::{self as cycle_db, ContactRow};
use crate::db::plan::PlanRow;
use crate::domain::calendar::Calendar;
use crate::domain::cycle::{PlanDates, WeekPlan};

/// Weeks looked at in one run: their plan, and who reported in them. The calendar and the
/// reports are read once per week, not once per contact.
pub(super) struct Weeks<'a> {
    calendar: &'a Calendar,
    /// Weeks outside the plan's dates do not exist.
    dates: PlanDates,
    plans: HashMap<NaiveDate, Option<WeekPlan>>,
    reported: HashMap<NaiveDate, HashSet<(i64, i64)>>,
}

impl<'a> Weeks<'a> {
    pub(super) fn new(calendar: &'a Calendar, dates: PlanDates) -> Self {
        Self {
            calendar,
            dates,
            plans: HashMap::new(),
            reported: HashMap::new(),
        }
    }

    pub(super) fn plan(&mut self, settings: &Settings, monday: NaiveDate) -> Option<WeekPlan> {
        let (calendar, dates) = (self.calendar, self.dates);
        *self
            .plans
            .entry(monday)
            .or_insert_with(|| WeekPlan::of_plan(calendar, monday, &settings.cycle, dates))
    }

    pub(super) async fn reported(
        &mut self,
        conn: &mut SqliteConnection,
        plan: &PlanRow,
        monday: NaiveDate,
    ) -> sqlx::Result<&HashSet<(i64, i64)>> {
        if let Entry::Vacant(slot) = self.reported.entry(monday) {
            slot.insert(cycle_db::reported_in_week(conn, plan.id, &monday.to_string()).await?);
        }
        Ok(&self.reported[&monday])
    }
}

/// Expected weeks in a row, up to and including `week`, that this contact did not report.
pub(super) async fn weeks_missing(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    week: &WeekPlan,
    contact: &ContactRow,
    weeks: &mut Weeks<'_>,
) -> sqlx::Result<u32> {
    let assigned = contact
        .assigned_at
        .with_timezone(&settings.timezone)
        .naive_local();
    let mut count = 0;
    let mut monday = week.week_start;
    for _ in 0..12 {
        if let Some(earlier) = weeks.plan(settings, monday) {
            if assigned > earlier.prompt {
                break;
            }
            if weeks
                .reported(conn, plan, monday)
                .await?
                .contains(&(contact.project_id, contact.person_id))
            {
                break;
            }
            count += 1;
        }
        let Some(previous) = monday.checked_sub_days(Days::new(7)) else {
            break;
        };
        monday = previous;
    }
    Ok(count.max(1))
}
