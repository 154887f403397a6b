//! The 旬: 上旬 1–10, 中旬 11–20, 下旬 21 to the month's end (SPEC.md §6).

use chrono::{Datelike, Days, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dekad {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Dekad {
    /// The 旬 holding `day`.
    pub fn of(day: NaiveDate) -> Self {
        let (year, month) = (day.year(), day.month());
        let date = |d| NaiveDate::from_ymd_opt(year, month, d).expect("a valid day");
        match day.day() {
            1..=10 => Self {
                start: date(1),
                end: date(10),
            },
            11..=20 => Self {
                start: date(11),
                end: date(20),
            },
            _ => Self {
                start: date(21),
                end: last_of_month(day),
            },
        }
    }

    /// The 旬 that ended just before `day` (on the 1st, the month before's 下旬).
    pub fn before(day: NaiveDate) -> Self {
        Self::of(Self::of(day).start - Days::new(1))
    }

    /// "2024年3月中旬"
    pub fn label(&self) -> String {
        let part = match self.start.day() {
            1 => "上旬",
            11 => "中旬",
            _ => "下旬",
        };
        format!("{}年{}月{part}", self.start.year(), self.start.month())
    }

    /// The key of this 旬 in the outbox and the digests table.
    pub fn key(&self) -> String {
        format!("dekad:{}", self.start)
    }
}

fn last_of_month(day: NaiveDate) -> NaiveDate {
    let (year, month) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1).expect("a valid month") - Days::new(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn each_month_has_three_dekads_and_the_last_runs_to_its_end() {
        assert_eq!(
            Dekad::of(d("2024-03-01")),
            Dekad {
                start: d("2024-03-01"),
                end: d("2024-03-10")
            }
        );
        assert_eq!(
            Dekad::of(d("2024-03-20")),
            Dekad {
                start: d("2024-03-11"),
                end: d("2024-03-20")
            }
        );
        assert_eq!(
            Dekad::of(d("2024-02-29")),
            Dekad {
                start: d("2024-02-21"),
                end: d("2024-02-29")
            }
        );
        assert_eq!(Dekad::of(d("2024-12-31")).end, d("2024-12-31"));
        assert_eq!(Dekad::of(d("2024-03-15")).label(), "2024年3月中旬");
    }

    #[test]
    fn the_dekad_before_a_digest_day_is_the_one_just_ended() {
        assert_eq!(Dekad::before(d("2024-03-11")).label(), "2024年3月上旬");
        assert_eq!(Dekad::before(d("2024-03-21")).label(), "2024年3月中旬");
        assert_eq!(
            Dekad::before(d("2024-03-01")),
            Dekad {
                start: d("2024-02-21"),
                end: d("2024-02-29")
            }
        );
        assert_eq!(Dekad::before(d("2024-01-01")).label(), "2023年12月下旬");
    }
}
