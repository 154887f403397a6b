//! The Chinese working calendar (SPEC.md §3): the State Council's statutory holidays and make-up
//! working days (调休) from the `holiday-cn` crate, then what admins add on top (a later year's
//! notice, a local closure), then pauses of the cycle.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Weekday};

/// A day an admin set by hand, overriding the official data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayOverride {
    pub day: NaiveDate,
    pub working: bool,
    pub note: String,
}

/// A date range in which the cycle is paused: no day in it counts as a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    overrides: HashMap<NaiveDate, DayOverride>,
    pauses: Vec<Pause>,
}

/// Why a day is or is not a working day, for people reading a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayKind {
    Weekday,
    Weekend,
    /// A statutory holiday, with the name the official data gives it (春节, 国庆节 …).
    Holiday(String),
    /// A weekend day worked to make up for a holiday (调休).
    MakeUp(String),
    /// Set by an admin.
    Override {
        working: bool,
        note: String,
    },
    Paused,
}

impl DayKind {
    pub fn is_working(&self) -> bool {
        match self {
            Self::Weekday | Self::MakeUp(_) => true,
            Self::Weekend | Self::Holiday(_) | Self::Paused => false,
            Self::Override { working, .. } => *working,
        }
    }
}

impl Calendar {
    /// The official calendar alone.
    pub fn official() -> Self {
        Self::default()
    }

    pub fn new(
        overrides: impl IntoIterator<Item = DayOverride>,
        pauses: impl IntoIterator<Item = Pause>,
    ) -> Self {
        Self {
            overrides: overrides.into_iter().map(|o| (o.day, o)).collect(),
            pauses: pauses.into_iter().collect(),
        }
    }

    /// The one question the cycle asks of a date.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.kind_of(day).is_working()
    }

    pub fn kind_of(&self, day: NaiveDate) -> DayKind {
        if self.pauses.iter().any(|p| p.from <= day && day <= p.to) {
            return DayKind::Paused;
        }
        if let Some(o) = self.overrides.get(&day) {
            return DayKind::Override {
                working: o.working,
                note: o.note.clone(),
            };
        }
        official_kind(day)
    }
}

/// Whether the official data covers `year`: every year's notice names 元旦, so a year whose
/// 1 January is no holiday in the data has no notice in it yet.
pub fn official_covers(year: i32) -> bool {
    matches!(
        holiday_cn::is_offday(&format!("{year}-01-01")),
        Ok((true, Some(_)))
    )
}

/// What the State Council's notices say of a day; outside the data's years (2007 on), weekends
/// are off and weekdays worked.
pub fn official_kind(day: NaiveDate) -> DayKind {
    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    let iso = day.format("%Y-%m-%d").to_string();
    match holiday_cn::is_offday(&iso) {
        Ok((true, Some(name))) => DayKind::Holiday(name.to_owned()),
        Ok((false, Some(name))) => DayKind::MakeUp(name.to_owned()),
        // A holiday-cn entry for a date that is its own default would carry a name; none means
        // the plain weekday rule.
        _ if weekend => DayKind::Weekend,
        _ => DayKind::Weekday,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_data_covers_the_years_of_its_notices_only() {
        assert!(official_covers(2024));
        assert!(official_covers(2025));
        assert!(!official_covers(2099));
    }

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn range(from: &str, to: &str) -> Vec<NaiveDate> {
        d(from)
            .iter_days()
            .take_while(|day| *day <= d(to))
            .collect()
    }

    /// SPEC.md §3's list of 2024's days off and make-up working days.
    #[test]
    fn the_2024_statutory_holidays_are_days_off() {
        let calendar = Calendar::official();
        let off = [
            range("2024-01-01", "2024-01-01"),
            range("2024-02-10", "2024-02-17"),
            range("2024-04-04", "2024-04-06"),
            range("2024-05-01", "2024-05-05"),
            range("2024-06-10", "2024-06-10"),
            range("2024-09-15", "2024-09-17"),
            range("2024-10-01", "2024-10-07"),
        ];
        for day in off.concat() {
            assert!(!calendar.is_working_day(day), "{day} should be a day off");
        }
    }

    #[test]
    fn the_2024_make_up_days_are_worked_though_they_fall_on_weekends() {
        let calendar = Calendar::official();
        for day in [
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
        ] {
            let day = d(day);
            assert!(
                matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
                "{day} is a weekend"
            );
            assert!(
                calendar.is_working_day(day),
                "{day} should be worked (调休)"
            );
            assert!(matches!(calendar.kind_of(day), DayKind::MakeUp(_)));
        }
    }

    #[test]
    fn ordinary_days_follow_the_week() {
        let calendar = Calendar::official();
        assert!(calendar.is_working_day(d("2024-03-13"))); // Wednesday
        assert!(!calendar.is_working_day(d("2024-03-16"))); // Saturday
        assert_eq!(calendar.kind_of(d("2024-03-17")), DayKind::Weekend);
        assert_eq!(
            calendar.kind_of(d("2024-02-12")),
            DayKind::Holiday("春节".to_owned())
        );
    }

    #[test]
    fn counting_2024_working_days_matches_the_official_total() {
        // 366 days, 104 weekend days, 13 holiday days on weekdays … the State Council's 2024
        // arrangement gives 251 working days.
        let calendar = Calendar::official();
        let worked = range("2024-01-01", "2024-12-31")
            .into_iter()
            .filter(|day| calendar.is_working_day(*day))
            .count();
        assert_eq!(worked, 251);
    }

    #[test]
    fn an_admins_override_wins_over_the_official_data() {
        let calendar = Calendar::new(
            [
                DayOverride {
                    day: d("2024-03-13"),
                    working: false,
                    note: "暴雨停工".to_owned(),
                },
                DayOverride {
                    day: d("2024-02-12"),
                    working: true,
                    note: "值班".to_owned(),
                },
            ],
            [],
        );
        assert!(!calendar.is_working_day(d("2024-03-13")));
        assert!(calendar.is_working_day(d("2024-02-12")));
        assert!(calendar.is_working_day(d("2024-03-14")));
    }

    #[test]
    fn a_pause_takes_every_day_in_its_range_out_of_the_cycle() {
        let calendar = Calendar::new(
            [],
            [Pause {
                from: d("2024-07-01"),
                to: d("2024-07-05"),
            }],
        );
        for day in range("2024-07-01", "2024-07-05") {
            assert!(!calendar.is_working_day(day));
        }
        assert!(calendar.is_working_day(d("2024-07-08")));
        assert!(calendar.is_working_day(d("2024-06-28")));
    }

    #[test]
    fn years_beyond_the_official_data_fall_back_to_weekends() {
        let calendar = Calendar::official();
        assert!(calendar.is_working_day(d("2031-03-12")));
        assert!(!calendar.is_working_day(d("2031-03-15")));
    }
}
