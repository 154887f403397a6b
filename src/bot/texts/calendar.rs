//! Words of the days set by hand: /workday, /dayoff and `minsheng calendar set`.

use chrono::{Datelike, NaiveDate};

use crate::domain::calendar::DayOverride;

pub const WORKDAY_USAGE: &str =
    "用法：/workday 日期 [说明]，例如：/workday 2025-10-11 国庆调休上班（该日计为工作日）";
pub const DAYOFF_USAGE: &str =
    "用法：/dayoff 日期 [说明]，例如：/dayoff 2025-10-08 区里统一放假（该日计为休息日）";

fn full(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

fn word(working: bool) -> &'static str {
    if working { "工作日" } else { "休息日" }
}

/// The answer once a day is set: what it is now, what it was, and that the steps follow it.
pub fn day_set(set: &DayOverride, before: Option<&DayOverride>) -> String {
    let mut out = format!("已将{}设为{}", full(set.day), word(set.working));
    if !set.note.is_empty() {
        out.push_str(&format!("（{}）", set.note));
    }
    out.push('。');
    if let Some(before) = before {
        out.push_str(&format!("此前设为{}。", word(before.working)));
    }
    out.push_str("催报、提醒、截止、督办时间按新的工作日重新计算。");
    out
}

/// December's warning when the official data does not reach next year.
pub fn next_year_uncovered(year: i32) -> String {
    format!(
        "提醒：本程序内置的法定节假日数据尚未包含{year}年。在录入{year}年的放假和调休安排\
         （/dayoff 日期、/workday 日期）或更新程序之前，{year}年各周按周一至周五工作计算，\
         催报、截止时间可能落在节假日。"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_set_reads_as_a_notice() {
        let day = NaiveDate::from_ymd_opt(2025, 10, 11).unwrap();
        let set = DayOverride {
            day,
            working: true,
            note: "国庆调休上班".into(),
        };
        assert_eq!(
            day_set(&set, None),
            "已将2025年10月11日设为工作日（国庆调休上班）。催报、提醒、截止、督办时间按新的工作日重新计算。"
        );
    }
}
