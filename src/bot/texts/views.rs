//! Views of the plan: project lists and cards, a contact's week, people, the audit trail, and
//! the captions of what is sent as a file.

use chrono_tz::Tz;

use crate::db::audit::AuditRow;
use crate::domain::metric::MetricKind;
use crate::domain::role::{AssignmentRole, Role};
use crate::services::views::{Card, Contact, MyWeek, PersonLine, ProjectLine, Standing};

use super::{
    audit, local_moment, local_time, long_date, noted, role_name, short_date, stored_date,
};

pub fn chart_caption(period: &str) -> String {
    format!("{period}各项目进度：柱为完成进度，竖线为序时进度；红黄在前。")
}

pub fn ledger_caption() -> &'static str {
    "重点民生实事台账：台账、报送记录、未按时报送三张表，A4 横向打印。"
}

pub fn ledger_on_its_way() -> &'static str {
    "台账已生成，稍后以文件发送。"
}

/// /project N of a project outside what the person may see: what they may see instead.
pub fn not_in_view(no: i64, role: Role, visible: &[i64]) -> String {
    let outside = match role {
        Role::Leader => format!("项目 {no} 不在您的分管范围内。"),
        _ => format!("项目 {no} 不是您负责报送的项目。"),
    };
    if visible.is_empty() {
        return format!("{outside}您目前没有可查看的项目。");
    }
    let numbers: Vec<String> = visible.iter().map(i64::to_string).collect();
    format!("{outside}您可查看：{}", numbers.join("、"))
}

pub fn nothing_to_digest() -> &'static str {
    "当前没有进行中的年度计划，暂无调度情况。"
}

fn contacts(list: &[Contact]) -> String {
    if list.is_empty() {
        return "未指派".to_owned();
    }
    list.iter()
        .map(|c| noted(&c.name, c.role.label()))
        .collect::<Vec<_>>()
        .join("、")
}

pub fn project_list(year: i64, lines: &[ProjectLine], tz: Tz) -> String {
    if lines.is_empty() {
        return "您目前没有可查看的项目。".to_owned();
    }
    let mut out = format!("{year}年重点民生实事 · {} 项\n", lines.len());
    for line in lines {
        let last = line
            .last_report
            .map_or("暂无".to_owned(), |at| local_time(at, tz));
        out.push_str(&format!(
            "\n{}. {} — {}\n   联络员：{} · 最近报送：{last}",
            line.project.no,
            line.project.title,
            line.project.lead_unit,
            contacts(&line.contacts)
        ));
    }
    out
}

/// "牵头 发展改革局；协办 济宁高新控股集团有限公司": the units by role, as a label before
/// them rather than a bracket after each (some units' names carry brackets of their own).
fn units(units: &[crate::db::plan::ProjectUnit]) -> String {
    [AssignmentRole::Lead, AssignmentRole::Co]
        .into_iter()
        .filter_map(|role| {
            let names: Vec<&str> = units
                .iter()
                .filter(|u| u.role == role)
                .map(|u| u.name.as_str())
                .collect();
            (!names.is_empty()).then(|| format!("{} {}", role.label(), names.join("、")))
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Where the project stands, above its history: the lead unit's latest figures
/// ("· 安装充电桩：45/100台（45%）"), 序时进度, and the colour with its reasons, worded as the
/// receipt words them; without a lead report, no figures and no colour (⚪ 未报送).
fn standing(s: &Standing) -> String {
    let mut out = if s.state.colour().is_none() {
        "最新数据：牵头单位尚未报送".to_owned()
    } else if s.figures.is_empty() {
        "最新数据：无量化指标（按进度和节点跟踪）".to_owned()
    } else {
        let mut out = "最新数据：".to_owned();
        for f in &s.figures {
            let share = match f.percent {
                Some(percent) if f.kind != MetricKind::YesNo => format!("（{percent:.0}%）"),
                _ => String::new(),
            };
            out.push_str(&format!("\n· {}：{}{share}", f.name, f.shown()));
        }
        out
    };
    out.push_str(&format!("\n序时进度：{:.0}%\n", s.expected));
    match s.state.colour() {
        Some(colour) => out.push_str(&format!(
            "当前颜色：{}{}（{}）",
            colour.emoji(),
            colour.label(),
            s.reasons.join("；")
        )),
        None => out.push_str(&format!(
            "当前状态：{} {}",
            s.state.emoji(),
            s.state.label()
        )),
    }
    out
}

pub fn project_card(card: &Card, tz: Tz) -> String {
    let p = &card.project;
    let mut out = format!(
        "项目 {} · {}\n类别：{}\n截止：{}\n\n内容概述：{}\n\n实施内容及工作目标：{}\n\n承办单位：{}\n",
        p.no,
        p.title,
        p.category,
        stored_date(&p.deadline),
        p.summary,
        p.goals,
        units(&card.units)
    );
    if card.metrics.is_empty() {
        out.push_str("量化指标：无（按进度和节点跟踪）\n");
    } else {
        out.push_str("量化指标：\n");
        for metric in &card.metrics {
            out.push_str(&format!("· {}：目标 {}\n", metric.name, metric.target));
        }
    }
    out.push_str(&format!("联络员：{}\n\n", contacts(&card.contacts)));
    out.push_str(&standing(&card.standing));
    out.push_str("\n\n");
    if card.history.is_empty() {
        out.push_str("报送记录：暂无");
    } else {
        out.push_str("报送记录（最近 5 次）：");
        for r in &card.history {
            let late = if r.late { " · 逾期" } else { "" };
            // A co-unit's report is a contribution; the lead unit's are the project's figures.
            let co = if r.role == AssignmentRole::Co {
                "（协办贡献）"
            } else {
                ""
            };
            let version = if r.version > 1 {
                format!(" · 第{}版", r.version)
            } else {
                String::new()
            };
            out.push_str(&format!(
                "\n· {} {}{co} · {}{version}{late}",
                local_time(r.submitted_at, tz),
                r.person_name,
                r.status.label()
            ));
            if !r.progress.is_empty() {
                let progress: String = r.progress.chars().take(60).collect();
                out.push_str(&format!("：{progress}"));
            }
        }
    }
    out
}

pub fn my_week(week: &MyWeek) -> String {
    if week.projects.is_empty() {
        return "您目前没有负责报送的项目。工作专班指派后，您会收到通知。".to_owned();
    }
    let header = match &week.week {
        Some(plan) => format!(
            "本周（{}起）截止时间：{}",
            short_date(plan.week_start),
            local_moment(plan.deadline)
        ),
        None => "本周为节假日，无需报送。".to_owned(),
    };
    let mut out = format!("{header}\n您负责报送的项目：");
    for project in &week.projects {
        let state = match (&week.week, project.reported) {
            (None, _) => "",
            (Some(_), true) => " — 本周已报送 ✅",
            (Some(_), false) => " — 本周未报送",
        };
        out.push_str(&format!(
            "\n· {}. {}（{}）{state}",
            project.no,
            project.title,
            project.role.label()
        ));
    }
    out
}

pub fn people_list(lines: &[PersonLine], tz: Tz) -> String {
    if lines.is_empty() {
        return "还没有人员加入。".to_owned();
    }
    let mut out = format!("人员名单 · {} 人", lines.len());
    for line in lines {
        let p = &line.person;
        let username = p
            .username
            .as_deref()
            .map(|u| format!(" @{u}"))
            .unwrap_or_default();
        let unit = p
            .unit_name
            .as_deref()
            .map(|u| format!(" · {u}"))
            .unwrap_or_default();
        let reach = if p.reachable {
            ""
        } else {
            " · ⚠️无法送达"
        };
        out.push_str(&format!(
            "\n\n{}{username}（ID {}）· {}{unit}{reach}",
            p.display_name,
            p.telegram_id,
            role_name(p.role)
        ));
        match p.role {
            Role::Contact if line.projects.is_empty() => out.push_str("\n   项目：未指派"),
            Role::Contact => {
                let nos: Vec<String> = line.projects.iter().map(i64::to_string).collect();
                out.push_str(&format!("\n   项目：{}", nos.join("、")));
            }
            Role::Leader if line.scope.is_empty() => out.push_str("\n   分管：未设定"),
            Role::Leader => out.push_str(&format!("\n   分管：{}", line.scope)),
            Role::Admin => {}
        }
        let joined = long_date(line.joined_at.with_timezone(&tz).date_naive());
        out.push_str(&format!("\n   加入：{joined}"));
    }
    out
}

/// An audit action as people call it; one this version does not know is named as a change,
/// never by its internal key.
fn action_name(action: &str) -> &'static str {
    match action {
        "invite" => "生成邀请",
        "join" => "加入",
        "assign" => "指派",
        "unassign" => "取消指派",
        "leader_scope" => "设定分管范围",
        "deactivate" => "停用",
        "reactivate" => "恢复账号",
        "leave" => "请假",
        "back" => "销假",
        "quiet" => "开关提醒",
        "pause" => "暂停周报",
        "resume" => "恢复周报",
        "resolve" => "困难问题已解决",
        "group_upgraded" => "调度群升级为超级群，通报改发新群",
        "group_lost" => "调度群无法送达，通报改发本人",
        "web_sign_in" => "登录网页查看",
        _ => "其他变更",
    }
}

pub fn audit_list(rows: &[AuditRow], tz: Tz) -> String {
    if rows.is_empty() {
        return "还没有变更记录。".to_owned();
    }
    let mut out = format!("最近 {} 条变更记录：", rows.len());
    for row in rows {
        out.push_str(&format!(
            "\n\n{} {} {}：{}",
            local_time(row.at, tz),
            row.actor_label,
            action_name(&row.action),
            audit::target(&row.target, row.after.as_deref())
        ));
        if let Some(change) = audit::change(row.before.as_deref(), row.after.as_deref(), tz) {
            out.push_str(&format!("\n   {change}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_the_audit_records_has_a_chinese_name() {
        // The actions written by services::people, services::groups and the handlers.
        for action in [
            "invite",
            "join",
            "assign",
            "unassign",
            "leader_scope",
            "deactivate",
            "reactivate",
            "leave",
            "back",
            "quiet",
            "pause",
            "resume",
            "resolve",
            "group_upgraded",
            "group_lost",
            "web_sign_in",
        ] {
            let name = action_name(action);
            assert_ne!(name, "其他变更", "{action}");
            assert!(!name.is_ascii(), "{action}");
        }
        assert_eq!(action_name("some_new_kind"), "其他变更");
    }
}
