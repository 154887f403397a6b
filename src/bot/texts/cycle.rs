//! The weekly cycle's words: prompt, reminder, escalation; and the words of the cycle's
//! commands (`schedule`).

use chrono::NaiveDate;

use crate::db::cycle::ContactRow;
use crate::db::plan::MetricRow;
use crate::domain::cycle::WeekPlan;
use crate::domain::metric::{MetricKind, format_number};
use crate::domain::role::AssignmentRole;
use crate::services::cycle::Owed;

use super::{local_moment as moment, short_date as day};

/// The week's prompt to a contact: every project they owe, with its last figures, then the fast
/// ways taught with their first project.
pub fn prompt(projects: &[Owed], week: &WeekPlan) -> String {
    let deadline = moment(week.deadline);
    let mut out = match projects {
        [one] => format!(
            "📋 请报送本周进展：{}\n截止时间：{deadline}",
            project(&one.contact)
        ),
        _ => format!(
            "📋 请报送本周进展（共 {} 个项目）\n截止时间：{deadline}",
            projects.len()
        ),
    };
    for owed in projects {
        if projects.len() > 1 {
            out.push_str(&format!("\n\n{}", project(&owed.contact)));
        } else if !owed.metrics.is_empty() {
            out.push_str("\n上次数据：");
        }
        for (metric, value) in owed.metrics.iter().zip(&owed.last) {
            out.push_str(&format!(
                "\n· {}：{}",
                metric.name,
                super::digest::figure(metric, *value)
            ));
        }
    }
    out.push_str("\n\n无变化的项目点“与上周相同”，再点“提交”即可；有变化点“填写”。");
    if let Some(first) = projects.first() {
        let metric = first.metrics.first();
        let last = first.last.first().copied().flatten();
        out.push('\n');
        out.push_str(&fast_ways(first.contact.project_no, metric, last));
    }
    out
}

/// "项目 3「建设老年人食堂」", marked when the person's unit is a co-unit.
fn project(contact: &ContactRow) -> String {
    let co = match contact.role {
        AssignmentRole::Co => "（协办）",
        AssignmentRole::Lead => "",
    };
    format!("项目 {}「{}」{co}", contact.project_no, contact.title)
}

/// The two fast ways, shown with a contact's own project and its first metric: a reply in
/// plain words, and the quick form by position.
pub fn fast_ways(no: i64, metric: Option<&MetricRow>, last: Option<f64>) -> String {
    let value = match metric {
        None => None,
        Some(m) if m.kind == MetricKind::YesNo => Some(
            (if last.is_some_and(|v| v > 0.0) {
                "已完成"
            } else {
                "未完成"
            })
            .to_owned(),
        ),
        Some(m) => Some(format_number(last.or(m.target).unwrap_or_default())),
    };
    let quick = match value {
        Some(value) => format!("/report {no} {value} 进展:……"),
        None => format!("/report {no} 进展:……"),
    };
    format!(
        "也可直接回复：{}\n或发送：{quick}",
        super::plain::example(no, metric, last)
    )
}

/// The reminder to a contact: the projects they still owe this week.
pub fn reminder(projects: &[Owed], week: &WeekPlan) -> String {
    let deadline = moment(week.deadline);
    let mut out = match projects {
        [one] => format!(
            "⏰ 提醒：{}本周进展尚未报送，截止时间 {deadline}。",
            project(&one.contact)
        ),
        _ => {
            let mut out = format!("⏰ 提醒：以下项目本周进展尚未报送，截止时间 {deadline}：");
            for owed in projects {
                out.push_str(&format!("\n· {}", project(&owed.contact)));
            }
            out
        }
    };
    out.push_str("\n无变化的项目点“与上周相同”即可。");
    out
}

/// 与上周相同 pressed for a project never reported: the step-by-step report instead.
pub fn no_last_report() -> &'static str {
    "该项目尚无上次报送记录，请逐项填写。"
}

/// The progress stored by 与上周相同.
pub const SAME_AS_LAST: &str = "与上周相同";

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

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(kind: MetricKind, target: Option<f64>, unit: Option<&str>) -> MetricRow {
        MetricRow {
            id: 1,
            project_id: 1,
            position: 1,
            name: "执行市级托育费用标准".to_owned(),
            kind,
            target,
            unit: unit.map(str::to_owned),
            comparison: None,
            baseline: None,
        }
    }

    #[test]
    fn the_fast_ways_are_shown_with_the_contacts_own_project_and_metric() {
        let chargers = metric(MetricKind::Number, Some(100.0), Some("台"));
        assert_eq!(
            fast_ways(12, Some(&chargers), Some(45.0)),
            "也可直接回复：12号项目累计45台，无困难\n或发送：/report 12 45 进展:……"
        );
        assert_eq!(
            fast_ways(12, Some(&chargers), None),
            "也可直接回复：12号项目累计100台，无困难\n或发送：/report 12 100 进展:……",
            "never reported: the target shows the form"
        );
        let yes_no = metric(MetricKind::YesNo, None, None);
        assert_eq!(
            fast_ways(6, Some(&yes_no), Some(1.0)),
            "也可直接回复：6号项目执行市级托育费用标准已落实，无困难\n或发送：/report 6 已完成 进展:……"
        );
        assert!(fast_ways(6, Some(&yes_no), None).contains("/report 6 未完成 "));
        assert_eq!(
            fast_ways(5, None, None),
            "也可直接回复：5号项目本周按计划推进，无困难\n或发送：/report 5 进展:……"
        );
    }
}
