//! The weekly cycle's words: prompt, reminder, escalation; and the words of the cycle's
//! commands (`schedule`).

use chrono::NaiveDate;

use crate::db::plan::MetricRow;
use crate::domain::cycle::WeekPlan;
use crate::domain::metric::{MetricKind, format_number};

use super::{local_moment as moment, short_date as day};

pub fn prompt(
    no: i64,
    title: &str,
    metrics: &[MetricRow],
    last: &[Option<f64>],
    week: &WeekPlan,
) -> String {
    let mut out = format!(
        "📋 请报送本周进展：项目 {no}「{title}」\n截止时间：{}",
        moment(week.deadline)
    );
    if !metrics.is_empty() {
        out.push_str("\n上次数据：");
        for (metric, value) in metrics.iter().zip(last) {
            let shown = match value {
                None => "未填".to_owned(),
                Some(v) if metric.kind == MetricKind::YesNo => {
                    (if *v > 0.0 { "是" } else { "否" }).to_owned()
                }
                Some(v) => format!(
                    "{}/{}{}",
                    format_number(*v),
                    format_number(metric.target.unwrap_or_default()),
                    metric.unit.as_deref().unwrap_or("")
                ),
            };
            out.push_str(&format!("\n· {}：{shown}", metric.name));
        }
    }
    out.push_str("\n点下方按钮开始填写（约 1 分钟）。");
    out
}

pub fn reminder(no: i64, title: &str, week: &WeekPlan) -> String {
    format!(
        "⏰ 提醒：项目 {no}「{title}」本周进展尚未报送，截止时间 {}。",
        moment(week.deadline)
    )
}

pub fn uncovered(no: i64, title: &str, week: &WeekPlan) -> String {
    format!(
        "⚠️ 项目 {no}「{title}」的牵头单位联络员都在请假，{}当周无人报送。请安排其他人员，或用 /assign 指派。",
        day(week.week_start)
    )
}

/// One line of an escalation: a project, its lead unit and lead contacts.
#[derive(Debug, Clone)]
pub struct Missing {
    pub no: i64,
    pub title: String,
    pub unit: Option<String>,
    /// The lead contacts, by name ("张三、李四").
    pub contact: String,
    pub weeks: u32,
}

pub fn escalation(week: &WeekPlan, missing: &[&Missing]) -> String {
    let mut out = format!(
        "🚨 逾期未报送督办：{}当周（截止 {}）以下项目未按时报送：",
        day(week.week_start),
        moment(week.deadline)
    );
    for m in missing {
        let unit = m.unit.as_deref().unwrap_or("—");
        let streak = if m.weeks > 1 {
            format!("，已连续 {} 周", m.weeks)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "\n· 项目 {}「{}」— {unit} {}{streak}",
            m.no, m.title, m.contact
        ));
    }
    out
}

pub fn week_dates(week: &WeekPlan) -> String {
    format!(
        "{}当周：\n催报 {}\n提醒 {}\n截止 {}\n督办 {}",
        day(week.week_start),
        moment(week.prompt),
        moment(week.reminder),
        moment(week.deadline),
        moment(week.escalation)
    )
}

pub fn no_report_week(monday: NaiveDate) -> String {
    format!("{}当周为节假日或暂停期，无需报送。", day(monday))
}

/// Words of the cycle's commands.
pub mod schedule {
    use chrono::NaiveDate;

    use crate::domain::cycle::WeekPlan;
    use crate::services::expected::Expected;

    pub const PAUSE_USAGE: &str =
        "用法：/pause 开始日期 结束日期，例如：/pause 7-1 7-5（期间不催报、不督办）";
    pub const LEAVE_USAGE: &str = "用法：/leave 开始日期 结束日期，例如：/leave 3-18 3-22";
    pub const REMIND_USAGE: &str = "用法：/remind 或 /remind 项目序号";

    use super::super::short_date as day;

    pub fn paused(from: NaiveDate, to: NaiveDate) -> String {
        format!(
            "已暂停周报：{}至{}期间不催报、不提醒、不督办。发送 /resume 可提前恢复。",
            day(from),
            day(to)
        )
    }

    pub fn resumed() -> &'static str {
        "已恢复周报。"
    }

    pub fn nothing_paused() -> &'static str {
        "当前没有暂停。"
    }

    /// The projects not reported this week, each with its lead unit and lead contacts: a lead
    /// contact's report answers for the project, co-units are not counted.
    pub fn missing(week: &WeekPlan, projects: &[Expected]) -> String {
        if projects.is_empty() {
            return format!("{}当周：全部已报送 ✅", day(week.week_start));
        }
        let mut out = format!(
            "{}当周尚未报送（{} 项）：",
            day(week.week_start),
            projects.len()
        );
        for p in projects {
            out.push_str(&format!(
                "\n· 项目 {}「{}」— {} {}",
                p.no,
                p.title,
                p.lead_unit.as_deref().unwrap_or("—"),
                p.contacts()
            ));
        }
        out.push_str("\n（按牵头单位统计：牵头单位任一联络员报送即为已报送，协办单位不计入。）");
        out
    }

    pub fn reminded(count: usize) -> String {
        if count == 0 {
            "没有需要提醒的人员（都已报送，或一分钟内已提醒过）。".to_owned()
        } else {
            format!("已向 {count} 位未报送的联络员发送提醒。")
        }
    }

    pub fn on_leave(from: NaiveDate, to: NaiveDate) -> String {
        format!(
            "已登记请假：{}至{}。期间不向您催报，由同项目的其他联络员报送。",
            day(from),
            day(to)
        )
    }

    /// Leave is for days to come: a past day cannot excuse a deadline already missed.
    pub fn leave_starts_too_early(today: NaiveDate) -> String {
        format!(
            "请假开始日期不能早于今天（{}）。\n{LEAVE_USAGE}",
            day(today)
        )
    }

    pub fn welcome_back() -> &'static str {
        "已销假，恢复催报。"
    }

    pub fn not_on_leave() -> &'static str {
        "您目前没有请假。"
    }

    pub fn quiet(quiet: bool) -> &'static str {
        if quiet {
            "已关闭截止前的提醒。催报和逾期督办仍会照常发出。再次发送 /quiet 可重新开启。"
        } else {
            "已开启截止前的提醒。"
        }
    }
}
