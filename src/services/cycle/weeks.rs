//! Weeks looked at in one run of the cycle.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::cycle as cycle_db;
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
