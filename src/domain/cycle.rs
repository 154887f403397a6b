//! The weekly "212" cycle (SPEC.md §3): for a week, when the prompt, the reminder, the deadline
//! and the escalation fall, on the working calendar. Pure: the calendar and settings come in.

use chrono::{
    Days, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

use crate::config::CycleSettings;
use crate::domain::calendar::Calendar;

/// The instants of one week's steps, local to the plan's timezone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekPlan {
    /// Monday of the week: the week's key in reports and in the outbox.
    pub week_start: NaiveDate,
    pub prompt: NaiveDateTime,
    pub reminder: NaiveDateTime,
    pub deadline: NaiveDateTime,
    pub escalation: NaiveDateTime,
}

/// The dates a plan runs. Its weeks are those whose deadline falls on or after its first day
/// and that begin on or before its last: a week outside them does not exist for reporting or
/// escalation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanDates {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl PlanDates {
    pub fn holds(&self, week: &WeekPlan) -> bool {
        week.deadline.date() >= self.starts_on && week.week_start <= self.ends_on
    }
}

/// The Monday of the week holding `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day.week(Weekday::Mon).first_day()
}

impl WeekPlan {
    /// `None` when the week expects no report: fewer than `min_working_days` working days from
    /// Monday to the deadline's weekday (春节, 国庆).
    pub fn for_week(
        calendar: &Calendar,
        any_day: NaiveDate,
        settings: &CycleSettings,
    ) -> Option<Self> {
        let monday = week_start(any_day);
        let nominal = monday + Days::new(settings.deadline_weekday.num_days_from_monday().into());
        let working: Vec<NaiveDate> = monday
            .iter_days()
            .take_while(|d| *d <= nominal)
            .filter(|d| calendar.is_working_day(*d))
            .collect();
        if working.len() < settings.min_working_days as usize {
            return None;
        }
        // The deadline moves back to the week's last working day on or before its weekday.
        let deadline_day = *working.last()?;
        let step = |offset: i32| {
            shift_working_days(calendar, deadline_day, offset).and_time(settings.step_time)
        };
        Some(Self {
            week_start: monday,
            prompt: step(settings.prompt_offset),
            reminder: step(settings.reminder_offset),
            deadline: deadline_day.and_time(settings.deadline_time),
            escalation: step(settings.escalation_offset),
        })
    }

    /// The week of `any_day`, if it expects a report under a plan that runs `dates`.
    pub fn of_plan(
        calendar: &Calendar,
        any_day: NaiveDate,
        settings: &CycleSettings,
        dates: PlanDates,
    ) -> Option<Self> {
        Self::for_week(calendar, any_day, settings).filter(|week| dates.holds(week))
    }
}

/// The day `offset` working days from `from` (negative: before). A make-up Sunday counts.
pub fn shift_working_days(calendar: &Calendar, from: NaiveDate, offset: i32) -> NaiveDate {
    let mut day = from;
    let mut left = offset.unsigned_abs();
    while left > 0 {
        day = if offset > 0 {
            day.succ_opt()
        } else {
            day.pred_opt()
        }
        .expect("dates stay within chrono's range");
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// A local wall-clock time in the plan's timezone, as a UTC instant. A time that does not exist
/// (a daylight-saving gap) moves forward to the first minute that does, so a step in the gap
/// still goes out, as soon as the clocks allow; a time that exists twice takes the earlier.
pub fn to_utc(tz: Tz, local: NaiveDateTime) -> chrono::DateTime<Utc> {
    // Gaps last an hour, at most a day (Samoa, 2011): two days of minutes always get past one.
    let mut at = local;
    for _ in 0..2 * 24 * 60 {
        match tz.from_local_datetime(&at) {
            LocalResult::Single(instant) | LocalResult::Ambiguous(instant, _) => {
                return instant.with_timezone(&Utc);
            }
            LocalResult::None => at += TimeDelta::minutes(1),
        }
    }
    // No zone has such a gap; read the time with the offset in force then rather than fail.
    let offset = tz.offset_from_utc_datetime(&local);
    (local - TimeDelta::seconds(offset.fix().local_minus_utc().into())).and_utc()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::config::Settings;

    fn settings() -> CycleSettings {
        Settings::from_layers(None, &HashMap::new()).unwrap().cycle
    }

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// SPEC.md §3's worked examples for 2024: (week of, prompt, reminder, deadline, escalation).
    #[test]
    fn the_2024_weeks_of_the_spec_fall_on_the_right_days() {
        let calendar = Calendar::official();
        let table = [
            (
                "2024-01-01",
                "2024-01-03",
                "2024-01-04",
                "2024-01-05",
                "2024-01-09",
            ),
            (
                "2024-01-29",
                "2024-01-31",
                "2024-02-01",
                "2024-02-02",
                "2024-02-05",
            ),
            (
                "2024-02-05",
                "2024-02-07",
                "2024-02-08",
                "2024-02-09",
                "2024-02-19",
            ),
            (
                "2024-04-01",
                "2024-04-01",
                "2024-04-02",
                "2024-04-03",
                "2024-04-08",
            ),
            (
                "2024-04-29",
                "2024-04-28",
                "2024-04-29",
                "2024-04-30",
                "2024-05-07",
            ),
        ];
        for (week, prompt, reminder, deadline, escalation) in table {
            let plan = WeekPlan::for_week(&calendar, d(week), &settings())
                .unwrap_or_else(|| panic!("week of {week}"));
            assert_eq!(plan.week_start, d(week));
            assert_eq!(
                plan.prompt,
                d(prompt).and_hms_opt(9, 0, 0).unwrap(),
                "prompt, week of {week}"
            );
            assert_eq!(
                plan.reminder,
                d(reminder).and_hms_opt(9, 0, 0).unwrap(),
                "reminder, week of {week}"
            );
            assert_eq!(
                plan.deadline,
                d(deadline).and_hms_opt(17, 0, 0).unwrap(),
                "deadline, week of {week}"
            );
            assert_eq!(
                plan.escalation,
                d(escalation).and_hms_opt(9, 0, 0).unwrap(),
                "escalation, week of {week}"
            );
        }
    }

    #[test]
    fn the_spring_festival_and_national_day_weeks_expect_no_report() {
        let calendar = Calendar::official();
        assert_eq!(
            WeekPlan::for_week(&calendar, d("2024-02-14"), &settings()),
            None
        );
        assert_eq!(
            WeekPlan::for_week(&calendar, d("2024-10-02"), &settings()),
            None
        );
    }

    #[test]
    fn any_day_of_a_week_gives_that_weeks_plan() {
        let calendar = Calendar::official();
        let monday = WeekPlan::for_week(&calendar, d("2024-03-11"), &settings());
        let sunday = WeekPlan::for_week(&calendar, d("2024-03-17"), &settings());
        assert_eq!(monday, sunday);
        assert_eq!(week_start(d("2024-03-17")), d("2024-03-11"));
    }

    #[test]
    fn a_paused_week_expects_no_report() {
        use crate::domain::calendar::Pause;
        let calendar = Calendar::new(
            [],
            [Pause {
                from: d("2024-03-11"),
                to: d("2024-03-17"),
            }],
        );
        assert_eq!(
            WeekPlan::for_week(&calendar, d("2024-03-13"), &settings()),
            None
        );
    }

    #[test]
    fn a_step_in_a_daylight_saving_gap_moves_to_the_end_of_the_gap() {
        let new_york = chrono_tz::America::New_York;
        // 2024-03-10: clocks jump from 02:00 EST to 03:00 EDT; 02:30 does not exist.
        let in_gap = d("2024-03-10").and_hms_opt(2, 30, 0).unwrap();
        assert_eq!(
            to_utc(new_york, in_gap).to_rfc3339(),
            "2024-03-10T07:00:00+00:00",
            "03:00 EDT"
        );
        let gap_start = d("2024-03-10").and_hms_opt(2, 0, 0).unwrap();
        assert_eq!(
            to_utc(new_york, gap_start).to_rfc3339(),
            "2024-03-10T07:00:00+00:00"
        );
        let before = d("2024-03-10").and_hms_opt(1, 59, 0).unwrap();
        assert_eq!(
            to_utc(new_york, before).to_rfc3339(),
            "2024-03-10T06:59:00+00:00",
            "01:59 EST is untouched"
        );
    }

    #[test]
    fn a_step_in_an_hour_that_happens_twice_takes_the_earlier() {
        // 2024-11-03: clocks fall back from 02:00 EDT to 01:00 EST; 01:30 happens twice.
        let twice = d("2024-11-03").and_hms_opt(1, 30, 0).unwrap();
        assert_eq!(
            to_utc(chrono_tz::America::New_York, twice).to_rfc3339(),
            "2024-11-03T05:30:00+00:00",
            "01:30 EDT, not 01:30 EST"
        );
    }

    #[test]
    fn steps_convert_to_utc_in_shanghai() {
        let local = d("2024-03-13").and_hms_opt(9, 0, 0).unwrap();
        assert_eq!(
            to_utc(chrono_tz::Asia::Shanghai, local).to_rfc3339(),
            "2024-03-13T01:00:00+00:00"
        );
    }
}
