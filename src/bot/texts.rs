//! Every string a person sees, one file per feature; tests assert against these same items.
//! This file is the hub: every `texts::NAME` path works whichever file holds the words, and
//! it keeps the dates and times as people read them, which every feature shares.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc, Weekday};
use chrono_tz::Tz;

mod audit;
pub mod cycle;
pub mod digest;
mod people;
pub mod plain;
pub mod report;
pub mod status;
mod views;

pub use cycle::schedule;
pub use people::*;
pub use views::*;

// Dates and times ------------------------------------------------------------------------------

/// "3月13日"
fn short_date(day: NaiveDate) -> String {
    format!("{}月{}日", day.month(), day.day())
}

fn weekday(day: NaiveDate) -> &'static str {
    match day.weekday() {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

/// "3月15日（周五）17:00"
fn local_moment(at: NaiveDateTime) -> String {
    format!(
        "{}（{}）{}",
        short_date(at.date()),
        weekday(at.date()),
        at.format("%H:%M")
    )
}

/// An instant stored as RFC 3339, shown in local time: "3月13日 09:00".
pub fn local_time(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    format!(
        "{} {}",
        short_date(local.date_naive()),
        local.format("%H:%M")
    )
}
