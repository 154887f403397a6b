//! Every string a person sees, one file per feature; tests assert against these same items.
//! This file is the hub: every `texts::NAME` path works whichever file holds the words, and
//! it keeps the dates and times as people read them, which every feature shares.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc, Weekday};
use chrono_tz::Tz;

mod audit;
pub mod calendar;
pub mod cli;
pub mod cycle;
pub mod digest;
mod people;
pub mod plain;
pub mod report;
pub mod robots;
pub mod status;
mod views;
mod web;

pub use cycle::schedule;
pub use people::*;
pub use views::*;
pub use web::*;

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

/// "2024年12月31日": a date where the year matters (plan dates, expiry, the audit trail).
fn long_date(day: NaiveDate) -> String {
    format!("{}年{}", day.year(), short_date(day))
}

/// A date as the database stores it ("2024-12-31"), as people read it; the stored text when it
/// is not a date, rather than nothing.
fn stored_date(stored: &str) -> String {
    stored
        .parse::<NaiveDate>()
        .map_or_else(|_| stored.to_owned(), long_date)
}

/// An instant in local time with its year: "2024年3月20日 09:00".
fn long_time(at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    format!(
        "{} {}",
        long_date(local.date_naive()),
        local.format("%H:%M")
    )
}

/// "单位联络员（发展改革局）": a word with its note in brackets, or "单位联络员 · 城乡建设和交通局
/// （交通）" when the note has brackets of its own, so that brackets never nest.
fn noted(main: &str, note: &str) -> String {
    if note.contains(['（', '(']) {
        format!("{main} · {note}")
    } else {
        format!("{main}（{note}）")
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
