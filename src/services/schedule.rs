//! `minsheng calendar --year`: a year's weekly steps, for people who plan with paper.

use chrono::{Datelike, Days, NaiveDate};
use sqlx::SqlitePool;

use crate::config::CycleSettings;
use crate::db::{calendar, plan};
use crate::domain::calendar::Calendar;
use crate::domain::cycle::{WeekPlan, week_start};

/// The official calendar with what admins added, and the pauses of that year's plan if loaded.
pub async fn calendar_of_year(pool: &SqlitePool, year: i32) -> anyhow::Result<Calendar> {
    let mut conn = pool.acquire().await?;
    Ok(match plan::plan_id_by_year(&mut conn, year).await? {
        Some(plan_id) => calendar::load(&mut conn, plan_id).await?,
        None => calendar::load(&mut conn, 0).await?,
    })
}

pub fn render_year(calendar: &Calendar, settings: &CycleSettings, year: i32) -> String {
    let weekday = |d: NaiveDate| {
        ["一", "二", "三", "四", "五", "六", "日"][d.weekday().num_days_from_monday() as usize]
    };
    let at = |t: chrono::NaiveDateTime| {
        format!(
            "{} 周{} {}",
            t.format("%m-%d"),
            weekday(t.date()),
            t.format("%H:%M")
        )
    };
    let mut out = format!("{year}年周报安排（催报 / 提醒 / 截止 / 督办）\n");
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year");
    let mut monday = week_start(first);
    while monday.year() <= year {
        if monday + Days::new(6) >= first {
            match WeekPlan::for_week(calendar, monday, settings) {
                Some(week) => out.push_str(&format!(
                    "{} 当周  催报 {}  提醒 {}  截止 {}  督办 {}\n",
                    monday.format("%m-%d"),
                    at(week.prompt),
                    at(week.reminder),
                    at(week.deadline),
                    at(week.escalation)
                )),
                None => out.push_str(&format!(
                    "{} 当周  无需报送（节假日或暂停）\n",
                    monday.format("%m-%d")
                )),
            }
        }
        monday = monday + Days::new(7);
    }
    out
}
