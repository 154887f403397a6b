//! Reporting periods: the 旬 (上旬 1–10, 中旬 11–20, 下旬 21 to the month's end) of the digest,
//! and the quarter of the 专题会议 (SPEC.md §6).

use chrono::{Datelike, Days, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Dekad,
    Quarter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: Kind,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// The 旬 holding `day`.
    pub fn dekad_of(day: NaiveDate) -> Self {
        let (year, month) = (day.year(), day.month());
        let date = |d| NaiveDate::from_ymd_opt(year, month, d).expect("a valid day");
        let (start, end) = match day.day() {
            1..=10 => (date(1), date(10)),
            11..=20 => (date(11), date(20)),
            _ => (date(21), last_of_month(day)),
        };
        Self {
            kind: Kind::Dekad,
            start,
            end,
        }
    }

    /// The 旬 that ended just before `day` (on the 1st, the month before's 下旬).
    pub fn dekad_before(day: NaiveDate) -> Self {
        Self::dekad_of(Self::dekad_of(day).start - Days::new(1))
    }

    /// The quarter holding `day`.
    pub fn quarter_of(day: NaiveDate) -> Self {
        let first_month = (day.month() - 1) / 3 * 3 + 1;
        let start = NaiveDate::from_ymd_opt(day.year(), first_month, 1).expect("a valid month");
        let end = last_of_month(
            NaiveDate::from_ymd_opt(day.year(), first_month + 2, 1).expect("a valid month"),
        );
        Self {
            kind: Kind::Quarter,
            start,
            end,
        }
    }

    /// The quarter that ended before the one holding `day`.
    pub fn quarter_before(day: NaiveDate) -> Self {
        Self::quarter_of(Self::quarter_of(day).start - Days::new(1))
    }

    /// "2024年3月中旬", "2024年第一季度"
    pub fn label(&self) -> String {
        match self.kind {
            Kind::Dekad => {
                let part = match self.start.day() {
                    1 => "上旬",
                    11 => "中旬",
                    _ => "下旬",
                };
                format!("{}年{}月{part}", self.start.year(), self.start.month())
            }
            Kind::Quarter => {
                let numeral = ["一", "二", "三", "四"][(self.start.month() as usize - 1) / 3];
                format!("{}年第{numeral}季度", self.start.year())
            }
        }
    }

    /// The key of this period in the outbox and the digests table.
    pub fn key(&self) -> String {
        match self.kind {
            Kind::Dekad => format!("dekad:{}", self.start),
            Kind::Quarter => format!("quarter:{}", self.start),
        }
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

    fn dekad(start: &str, end: &str) -> Period {
        Period {
            kind: Kind::Dekad,
            start: d(start),
            end: d(end),
        }
    }

    #[test]
    fn each_month_has_three_dekads_and_the_last_runs_to_its_end() {
        assert_eq!(
            Period::dekad_of(d("2024-03-01")),
            dekad("2024-03-01", "2024-03-10")
        );
        assert_eq!(
            Period::dekad_of(d("2024-03-20")),
            dekad("2024-03-11", "2024-03-20")
        );
        assert_eq!(
            Period::dekad_of(d("2024-02-29")),
            dekad("2024-02-21", "2024-02-29")
        );
        assert_eq!(Period::dekad_of(d("2024-12-31")).end, d("2024-12-31"));
        assert_eq!(Period::dekad_of(d("2024-03-15")).label(), "2024年3月中旬");
    }

    #[test]
    fn the_dekad_before_a_digest_day_is_the_one_just_ended() {
        assert_eq!(
            Period::dekad_before(d("2024-03-11")).label(),
            "2024年3月上旬"
        );
        assert_eq!(
            Period::dekad_before(d("2024-03-21")).label(),
            "2024年3月中旬"
        );
        assert_eq!(
            Period::dekad_before(d("2024-03-01")),
            dekad("2024-02-21", "2024-02-29")
        );
        assert_eq!(
            Period::dekad_before(d("2024-01-01")).label(),
            "2023年12月下旬"
        );
    }

    #[test]
    fn quarters_run_three_months_and_the_one_before_is_the_one_just_ended() {
        let q = Period::quarter_of(d("2024-05-17"));
        assert_eq!((q.start, q.end), (d("2024-04-01"), d("2024-06-30")));
        assert_eq!(
            Period::quarter_before(d("2024-04-01")).label(),
            "2024年第一季度"
        );
        let q4 = Period::quarter_before(d("2025-01-02"));
        assert_eq!(
            (q4.start, q4.end, q4.label()),
            (
                d("2024-10-01"),
                d("2024-12-31"),
                "2024年第四季度".to_owned()
            )
        );
        assert_eq!(
            Period::quarter_before(d("2024-10-08")).key(),
            "quarter:2024-07-01"
        );
    }
}
