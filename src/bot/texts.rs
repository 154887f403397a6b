//! Every string a person sees, in one place; tests assert against these same items.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc, Weekday};
use chrono_tz::Tz;
use teloxide::types::BotCommand;

use crate::db::audit::AuditRow;
use crate::domain::role::Role;
use crate::services::views::{Card, MyWeek, PersonLine, ProjectLine};

mod audit;

pub const BOT_TITLE: &str = "济宁高新区重点民生实事调度机器人";

/// The one polite refusal for anyone not let in by an admin. It names no project.
pub fn not_admitted() -> String {
    format!(
        "您好！这里是{BOT_TITLE}。\n本机器人仅供承担重点民生实事的单位联络员、分管负责同志和工作专班使用。\
         如需使用，请向区民生实事工作专班索取邀请链接。"
    )
}

pub fn role_name(role: Role) -> &'static str {
    role.title()
}

fn with_unit(role: Role, unit: Option<&str>) -> String {
    match unit {
        Some(unit) => format!("{}（{unit}）", role_name(role)),
        None => role_name(role).to_owned(),
    }
}

pub fn welcome(name: &str, role: Role) -> String {
    format!(
        "{name}，您好！这里是{BOT_TITLE}。\n您的身份：{}。\n发送 /help 查看您可以使用的命令。",
        role_name(role)
    )
}

/// To the person who just joined with an invite.
pub fn joined(name: &str, role: Role, unit: Option<&str>) -> String {
    let next = match role {
        Role::Contact => "工作专班为您指派项目后，您会收到通知；发送 /my 查看您负责的项目。",
        Role::Leader => {
            "工作专班设定分管范围后，您将每旬收到调度情况；发送 /projects 查看分管项目。"
        }
        Role::Admin => "发送 /help 查看管理命令。",
    };
    format!(
        "欢迎加入，{name}！\n您的身份：{}。\n{next}",
        with_unit(role, unit)
    )
}

/// To the admins: someone joined with an invite.
pub fn joined_notice(name: &str, role: Role, unit: Option<&str>) -> String {
    format!(
        "🆕 {name} 已通过邀请链接加入，身份：{}。",
        with_unit(role, unit)
    )
}

pub fn help(role: Role, menu: &[BotCommand]) -> String {
    let lines: Vec<String> = menu
        .iter()
        .map(|c| format!("{} — {}", c.command, c.description))
        .collect();
    format!(
        "您的身份：{}。可以使用的命令：\n{}",
        role_name(role),
        lines.join("\n")
    )
}

pub fn unknown_input() -> &'static str {
    "没有听懂这条消息。发送 /help 查看您可以使用的命令。"
}

pub fn unknown_command() -> &'static str {
    "没有这个命令。发送 /help 查看您可以使用的命令。"
}

/// A command another role may use, asked by someone who may not. Reveals nothing.
pub fn not_allowed() -> &'static str {
    "抱歉，您的身份不能使用这个命令。发送 /help 查看您可以使用的命令。"
}

pub fn on_behalf_of_chat() -> &'static str {
    "请以个人身份发送命令：机器人不接受以频道或群组名义发送的消息。"
}

pub fn chart_caption(period: &str) -> String {
    format!("{period}各项目进度：柱为完成进度，竖线为时序进度；红黄在前。")
}

pub fn ledger_caption() -> &'static str {
    "重点民生实事台账：台账、报送记录、未按时报送三张表，A4 横向打印。"
}

pub fn ledger_on_its_way() -> &'static str {
    "台账已生成，稍后以文件发送。"
}

pub fn nothing_to_digest() -> &'static str {
    "还没有载入任何年度计划，暂无调度情况。"
}

pub fn report_in_private() -> &'static str {
    "请在与机器人的私聊中报送。"
}

pub fn expired_button() -> &'static str {
    "这个按钮已失效，请重新发送命令。"
}

/// Shown when something went wrong on our side; the details go to the log, not to the person.
pub fn apology() -> &'static str {
    "抱歉，机器人出了点问题，请稍后再试。工作专班已收到记录。"
}

/// To the admins: an update failed for good (a bug three times, the machine for a quarter of
/// an hour), or its handler crashed, and was set aside.
pub fn quarantined_notice(who: &str, update_id: i64) -> String {
    format!(
        "⚠️ 来自{who}的一条消息处理失败，已暂存待查（更新编号 {update_id}）。请技术人员查看日志。"
    )
}

/// To the admins: a person can no longer be reached (blocked the bot or left Telegram).
pub fn unreachable_notice(name: &str) -> String {
    format!(
        "⚠️ {name} 已无法接收机器人消息（可能已屏蔽机器人或注销账号），后续提醒将无法送达，请线下联系。"
    )
}

/// To the admins: a digest group was upgraded to a supergroup; its leaders' digests now go to
/// the new group, and what had not been delivered is sent again there.
pub fn group_upgraded_notice(leaders: &[String]) -> String {
    format!(
        "ℹ️ {}的调度通报群已升级为超级群，群编号随之改变。机器人已自动改发至升级后的群，未送达的通报将重新发送，无需另行设置。",
        leaders.join("、")
    )
}

/// To the admins: a digest group can no longer be reached (the bot was removed, or the group
/// is gone); those leaders get their digests in their own chat again.
pub fn group_lost_notice(leaders: &[String]) -> String {
    format!(
        "⚠️ {}的调度通报群已无法送达（机器人可能已被移出群聊，或该群已解散）。此后的调度通报改发其本人；如需恢复群内通报，请在新群中重新设定分管范围（/leader）。",
        leaders.join("、")
    )
}

// Invites ------------------------------------------------------------------------------------

pub const INVITE_USAGE: &str = "用法：/invite 联络员 单位名称 | /invite 领导 | /invite 管理员\n不带参数发送 /invite，可用按钮选择。";

pub fn invite_choose_role() -> &'static str {
    "请选择要邀请的身份："
}

pub fn invite_choose_unit() -> &'static str {
    "请选择联络员所在的单位："
}

pub fn invite_link(
    role: Role,
    unit: Option<&str>,
    link: &str,
    expires: DateTime<Utc>,
    tz: Tz,
) -> String {
    format!(
        "已生成邀请链接（{}）：\n{link}\n请转发给本人。链接只能使用一次，{}前有效。",
        with_unit(role, unit),
        local_time(expires, tz)
    )
}

// Assignments and scopes ------------------------------------------------------------------------

pub const ASSIGN_USAGE: &str = "用法：/assign 项目序号 人员 [lead|co]\n人员可写 @用户名、Telegram 数字 ID 或姓名；lead 为牵头（默认），co 为协办。例如：/assign 3 @zhangsan";
pub const UNASSIGN_USAGE: &str = "用法：/unassign 项目序号 人员，例如：/unassign 3 @zhangsan";
pub const LEADER_USAGE: &str = "用法：/leader 人员 分管范围\n分管范围写类别序号和/或项目序号，例如：/leader @wang 一,三,12\n在群内发送，则该领导的每旬调度发到本群。";
pub const DEACTIVATE_USAGE: &str = "用法：/deactivate 人员，例如：/deactivate @zhangsan";
pub const RESOLVE_USAGE: &str =
    "用法：/resolve 项目序号，例如：/resolve 9（该项目待协调的困难问题标记为已解决）";
pub const PROJECT_USAGE: &str = "用法：/project 项目序号，例如：/project 3";

pub fn assignment_role(role: &str) -> &'static str {
    if role == "co" { "协办" } else { "牵头" }
}

pub fn assigned(name: &str, no: i64, title: &str, role: &str) -> String {
    format!(
        "已指派 {name} 报送项目 {no}「{title}」（{}）。",
        assignment_role(role)
    )
}

pub fn assignment_unchanged(name: &str, no: i64, role: &str) -> String {
    format!(
        "{name} 已在报送项目 {no}（{}），无需重复指派。",
        assignment_role(role)
    )
}

pub fn you_were_assigned(no: i64, title: &str, role: &str) -> String {
    format!(
        "📌 您已被指派报送项目 {no}「{title}」（{}）。\n发送 /my 查看您负责的项目。",
        assignment_role(role)
    )
}

pub fn unassigned(name: &str, no: i64) -> String {
    format!("已取消 {name} 对项目 {no} 的报送指派。")
}

pub fn not_assigned(name: &str, no: i64) -> String {
    format!("{name} 目前没有被指派报送项目 {no}。")
}

pub fn you_were_unassigned(no: i64, title: &str) -> String {
    format!("您已不再负责报送项目 {no}「{title}」。如有疑问，请联系工作专班。")
}

pub fn leader_scope_set(name: &str, scope: &str, in_group: bool) -> String {
    let destination = if in_group { "本群" } else { "本人私聊" };
    format!("已设定 {name} 的分管范围：{scope}。\n每旬调度将发送到{destination}。")
}

pub fn your_scope(scope: &str) -> String {
    format!("工作专班已设定您的分管范围：{scope}。发送 /projects 查看分管项目。")
}

pub fn resolved(no: i64, count: u64) -> String {
    if count == 0 {
        format!("项目 {no} 没有待协调的困难问题。")
    } else {
        format!("已将项目 {no} 的 {count} 条困难问题标记为已解决。")
    }
}

pub fn deactivated(name: &str, ended: u64) -> String {
    if ended > 0 {
        format!("已停用 {name}，并取消其 {ended} 项报送指派。")
    } else {
        format!("已停用 {name}。")
    }
}

// Privacy and privilege --------------------------------------------------------------------------

pub const REACTIVATE_USAGE: &str = "用法：/reactivate 人员，例如：/reactivate @zhangsan";

/// A view of project data asked for in a group, where everyone in it would read the answer.
pub fn private_chat_only() -> &'static str {
    "此命令涉及项目数据和人员信息，不在群内答复，请在与机器人的私聊中使用。"
}

/// An edit of a message the bot has already acted on: the edit changes nothing.
pub fn edit_not_taken(role: Role) -> &'static str {
    match role {
        Role::Contact => {
            "修改已发送的消息不会被采用，原消息已按原样处理。如需更正报送内容，请重新发送 /report 报送，新版本将保留在记录中。"
        }
        Role::Leader | Role::Admin => {
            "修改已发送的消息不会被采用，原消息已按原样处理。如需更正，请重新发送命令。"
        }
    }
}

pub fn invite_invalid() -> &'static str {
    "这个邀请链接无效、已被使用或已过期。请向工作专班重新索取。"
}

pub fn already_joined(role: Role) -> String {
    format!(
        "您已加入，身份为{}，无需再次使用邀请链接。",
        role_name(role)
    )
}

/// Appended to [`deactivated`] when the person had made links nobody used.
pub fn invites_revoked(count: u64) -> String {
    format!("\n其生成但尚未使用的 {count} 个邀请链接已同时作废。")
}

/// A deactivated person opened an invite link: only an admin's /reactivate lets them back.
pub fn deactivated_cannot_rejoin() -> &'static str {
    "您的账号已停用，邀请链接不能恢复账号。如需恢复，请联系工作专班办理。"
}

pub fn reactivated(name: &str, role: Role) -> String {
    format!(
        "已恢复 {name} 的账号，身份为{}。如需报送项目，请重新指派。",
        role_name(role)
    )
}

pub fn you_were_reactivated(role: Role) -> String {
    format!(
        "您的账号已由工作专班恢复，身份为{}。发送 /help 查看可以使用的命令。",
        role_name(role)
    )
}

pub fn already_active(name: &str) -> String {
    format!("{name} 的账号在用，无需恢复。")
}

// Views ------------------------------------------------------------------------------------------

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

fn stored_time(at: &str, tz: Tz) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| local_time(t.with_timezone(&Utc), tz))
        .unwrap_or_else(|_| at.to_owned())
}

fn contacts(list: &[(String, String)]) -> String {
    if list.is_empty() {
        return "未指派".to_owned();
    }
    list.iter()
        .map(|(name, role)| format!("{name}（{}）", assignment_role(role)))
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
            .as_deref()
            .map_or("暂无".to_owned(), |at| stored_time(at, tz));
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

pub fn status_name(status: &str) -> &'static str {
    match status {
        "on_track" => "正常推进",
        "behind" => "进度滞后",
        "done" => "已完成",
        "difficult" => "存在困难",
        _ => "—",
    }
}

pub fn project_card(card: &Card, tz: Tz) -> String {
    let p = &card.project;
    let units: Vec<String> = card
        .units
        .iter()
        .map(|(name, role)| format!("{name}（{}）", if role == "lead" { "牵头" } else { "协办" }))
        .collect();
    let mut out = format!(
        "项目 {} · {}\n类别：{}\n截止：{}\n\n内容概述：{}\n\n实施内容及工作目标：{}\n\n承办单位：{}\n",
        p.no,
        p.title,
        p.category,
        p.deadline,
        p.summary,
        p.goals,
        units.join("、")
    );
    if card.metrics.is_empty() {
        out.push_str("量化指标：无（按进度和节点跟踪）\n");
    } else {
        out.push_str("量化指标：\n");
        for (name, target) in &card.metrics {
            out.push_str(&format!("· {name}：目标 {target}\n"));
        }
    }
    out.push_str(&format!("联络员：{}\n", contacts(&card.contacts)));
    if card.history.is_empty() {
        out.push_str("报送记录：暂无");
    } else {
        out.push_str("报送记录（最近 5 次）：");
        for r in &card.history {
            let late = if r.late { " · 逾期" } else { "" };
            // A co-unit's report is a contribution; the lead unit's are the project's figures.
            let co = if r.role == "co" {
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
                stored_time(&r.submitted_at, tz),
                r.person_name,
                status_name(&r.status)
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
    for (no, title, role, reported) in &week.projects {
        let state = match (&week.week, reported) {
            (None, _) => "",
            (Some(_), true) => " — 本周已报送 ✅",
            (Some(_), false) => " — 本周未报送",
        };
        out.push_str(&format!(
            "\n· {no}. {title}（{}）{state}",
            assignment_role(role)
        ));
    }
    out
}

pub fn people_list(lines: &[PersonLine]) -> String {
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
            role_name(p.role())
        ));
        match p.role() {
            Role::Contact if line.projects.is_empty() => out.push_str("\n   项目：未指派"),
            Role::Contact => {
                let nos: Vec<String> = line.projects.iter().map(i64::to_string).collect();
                out.push_str(&format!("\n   项目：{}", nos.join("、")));
            }
            Role::Leader if line.scope.is_empty() => out.push_str("\n   分管：未设定"),
            Role::Leader => out.push_str(&format!("\n   分管：{}", line.scope)),
            Role::Admin => {}
        }
    }
    out
}

fn action_name(action: &str) -> &str {
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
        other => other,
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
            stored_time(&row.at, tz),
            row.actor_label,
            action_name(&row.action),
            row.target
        ));
        let facts = |stored: &Option<String>| {
            stored
                .as_deref()
                .and_then(|stored| audit::facts(stored, tz))
        };
        match (facts(&row.before), facts(&row.after)) {
            (Some(before), Some(after)) => out.push_str(&format!("\n   {before} → {after}")),
            (None, Some(after)) => out.push_str(&format!("\n   {after}")),
            (Some(before), None) => out.push_str(&format!("\n   原为 {before}")),
            (None, None) => {}
        }
    }
    out
}

/// The report conversation's words.
pub mod report {
    use crate::bot::report::Draft;
    use crate::db::plan::MetricRow;
    use crate::domain::colour::Verdict;
    use crate::domain::metric::{MetricKind, format_number};
    use crate::domain::report::MAX_TEXT;
    use crate::services::reporting::{Saved, percent};

    pub fn nothing_assigned() -> &'static str {
        "您目前没有负责报送的项目。请联系工作专班（管理员）为您指派项目。"
    }

    pub fn not_yours(typed: &str, mine: &[(i64, i64, String)]) -> String {
        let list: Vec<String> = mine
            .iter()
            .map(|(_, no, title)| format!("{no}. {title}"))
            .collect();
        format!(
            "“{typed}”不是您负责报送的项目。您负责的项目：\n{}",
            list.join("\n")
        )
    }

    pub fn no_longer_yours(no: i64) -> String {
        format!("您已不再负责项目 {no}，本次报送未保存。如有疑问，请联系工作专班。")
    }

    pub fn choose_project() -> &'static str {
        "请选择要报送的项目："
    }

    pub fn ask_status(no: i64, title: &str) -> String {
        format!("📝 项目 {no}「{title}」本周报送\n\n本周推进状态是？")
    }

    pub fn ask_metric(
        position: usize,
        count: usize,
        metric: &MetricRow,
        last: Option<f64>,
    ) -> String {
        let target = metric.target();
        let mut text = if metric.kind == MetricKind::YesNo.as_str() {
            format!("（{position}/{count}）{}：是否已落实？", metric.name)
        } else {
            let unit = metric.unit.as_deref().unwrap_or("");
            let baseline = if metric.baseline.is_some() {
                "（不含现有）"
            } else {
                ""
            };
            format!(
                "（{position}/{count}）{}{baseline}：目标 {target}。\n截至目前累计完成多少{unit}？请回复数字。",
                metric.name
            )
        };
        if let Some(last) = last {
            let last = if metric.kind == MetricKind::YesNo.as_str() {
                yes_no(last).to_owned()
            } else {
                format_number(last)
            };
            text.push_str(&format!("\n上次填报：{last}"));
        }
        text
    }

    fn yes_no(value: f64) -> &'static str {
        if value > 0.0 { "是" } else { "否" }
    }

    pub fn confirm_decrease(name: &str, value: f64, last: f64) -> String {
        format!(
            "{name}填写的 {} 比上次（{}）少。这是更正之前的数据吗？",
            format_number(value),
            format_number(last)
        )
    }

    pub fn ask_progress() -> String {
        format!("本周工作进展（{MAX_TEXT} 字以内）：\n没有可点“无”。")
    }

    pub fn ask_difficulties() -> String {
        format!("需要协调解决的困难问题（{MAX_TEXT} 字以内）：\n没有可点“无”。")
    }

    pub fn ask_evidence() -> &'static str {
        "可发送一张照片或一个文件作为佐证材料；不需要可点“跳过”。"
    }

    pub fn choose_edit() -> &'static str {
        "要修改哪一项？"
    }

    pub fn press_a_button() -> &'static str {
        "请点选下方的按钮。"
    }

    pub fn bad_status() -> &'static str {
        "请点选推进状态，或回复：正常推进、进度滞后、已完成、存在困难。"
    }

    pub fn bad_yes_no() -> &'static str {
        "请点“是”或“否”。"
    }

    pub fn text_only() -> &'static str {
        "请用文字回复（不支持贴纸、语音等）。"
    }

    pub fn not_a_number(typed: &str) -> String {
        let typed: String = typed.chars().take(20).collect();
        format!("“{typed}”不是数字。请只回复累计完成的数字，例如 45。")
    }

    pub fn negative() -> &'static str {
        "累计完成数不能是负数，请重新填写。"
    }

    pub fn too_long(length: usize) -> String {
        format!("内容有 {length} 字，超过了 {MAX_TEXT} 字的上限。请精简后重新发送。")
    }

    pub fn bad_evidence() -> &'static str {
        "请发送照片或文件作为佐证材料，或点“跳过”。"
    }

    pub fn cancelled() -> &'static str {
        "已取消本次报送，未保存任何内容。需要时可再发送 /report。"
    }

    pub fn nothing_to_cancel() -> &'static str {
        "当前没有进行中的报送。"
    }

    pub fn unknown_metric(key: &str, metrics: &[MetricRow]) -> String {
        let names: Vec<String> = metrics
            .iter()
            .enumerate()
            .map(|(i, m)| format!("{} {}", i + 1, m.name))
            .collect();
        if names.is_empty() {
            return format!("这个项目没有量化指标，“{key}”无从填写。请只写 进展:…… 和 困难:……");
        }
        format!(
            "找不到指标“{key}”。本项目的指标：\n{}\n可写名称中的一段或序号，例如 1=45。",
            names.join("\n")
        )
    }

    fn value_line(metric: &MetricRow, value: Option<f64>) -> String {
        let shown = match value {
            None => "未填".to_owned(),
            Some(v) if metric.kind == MetricKind::YesNo.as_str() => yes_no(v).to_owned(),
            Some(v) => format!(
                "{}{}",
                format_number(v),
                metric.unit.as_deref().unwrap_or("")
            ),
        };
        format!("· {}：{shown}（目标 {}）", metric.name, metric.target())
    }

    pub fn summary(draft: &Draft, metrics: &[MetricRow], last: &[Option<f64>]) -> String {
        let mut out = format!(
            "请确认本周报送 · 项目 {}「{}」\n推进状态：{}",
            draft.project_no,
            draft.title,
            draft.status.map_or("未填", |s| s.label())
        );
        for (index, metric) in metrics.iter().enumerate() {
            let value = draft.values.get(index).copied().flatten();
            out.push('\n');
            out.push_str(&value_line(metric, value));
            if let (Some(value), Some(Some(before))) = (value, last.get(index))
                && value < *before
            {
                out.push_str(&format!(
                    " ⚠️比上次少，提交即作更正（上次 {}）",
                    format_number(*before)
                ));
            }
        }
        let text = |t: &Option<String>| match t.as_deref() {
            None | Some("") => "无".to_owned(),
            Some(t) => t.to_owned(),
        };
        out.push_str(&format!(
            "\n本周进展：{}\n困难问题：{}",
            text(&draft.progress),
            text(&draft.difficulties)
        ));
        let evidence = match draft.evidence.as_ref().map(|(kind, _)| kind.as_str()) {
            Some("photo") => "照片 1 张",
            Some(_) => "文件 1 个",
            None => "无",
        };
        out.push_str(&format!("\n佐证材料：{evidence}"));
        out
    }

    /// On the receipt of a report written in a week that expects none (a pause, a holiday).
    pub fn not_expected_week() -> &'static str {
        "本周无周报安排（周报暂停、节假日或不在年度计划期内），本次报送已存档备查，不计入应报和逾期统计。"
    }

    pub fn receipt(
        draft: &Draft,
        saved: &Saved,
        role: &str,
        figures: &[(MetricRow, Option<f64>)],
        verdict: &Verdict,
    ) -> String {
        let week = saved.week.week_start;
        let version = if saved.version > 1 {
            format!("（第{}版，已更正）", saved.version)
        } else {
            String::new()
        };
        let note = if saved.week.late {
            "\n⚠️ 已过本周截止时间，记为逾期报送。".to_owned()
        } else if !saved.week.expected {
            format!("\n{}", not_expected_week())
        } else {
            String::new()
        };
        let mut out = format!(
            "✅ 已提交：项目 {}「{}」{}月{}日当周报送{version}。{note}",
            draft.project_no,
            draft.title,
            week.format("%-m"),
            week.format("%-d")
        );
        if role == "co" {
            out.push_str("\n您的报送作为协办单位的贡献记录；项目数据以牵头单位报送为准。");
        }
        if !figures.is_empty() {
            out.push_str("\n\n项目当前数据：");
            for (metric, value) in figures {
                let shown = match value {
                    Some(v) if metric.kind == MetricKind::YesNo.as_str() => yes_no(*v).to_owned(),
                    Some(v) => format!(
                        "{}/{}",
                        format_number(*v),
                        format_number(metric.target.unwrap_or_default())
                    ),
                    None => "未填".to_owned(),
                };
                let share = value
                    .map(|v| format!("（{:.0}%）", percent(metric, v)))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "\n· {}：{shown}{}{share}",
                    metric.name,
                    metric
                        .unit
                        .as_deref()
                        .filter(|_| metric.kind != MetricKind::YesNo.as_str())
                        .unwrap_or("")
                ));
            }
        }
        out.push_str(&format!(
            "\n\n时序进度：{:.0}%\n当前颜色：{}{}（{}）",
            verdict.expected,
            verdict.colour.emoji(),
            verdict.colour.label(),
            verdict.reasons.join("；")
        ));
        out
    }
}

/// The weekly cycle's words: prompt, reminder, escalation.
pub mod cycle {
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
                    Some(v) if metric.kind == MetricKind::YesNo.as_str() => {
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
            "⚠️ 项目 {no}「{title}」的联络员都在请假，{}当周无人报送。请安排其他人员，或用 /assign 指派。",
            day(week.week_start)
        )
    }

    /// One line of an escalation.
    #[derive(Debug, Clone)]
    pub struct Missing {
        pub no: i64,
        pub title: String,
        pub unit: Option<String>,
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
}

/// Words of the cycle's commands.
pub mod schedule {
    use chrono::NaiveDate;

    use crate::db::cycle::ContactRow;
    use crate::domain::cycle::WeekPlan;

    pub const PAUSE_USAGE: &str =
        "用法：/pause 开始日期 结束日期，例如：/pause 7-1 7-5（期间不催报、不督办）";
    pub const LEAVE_USAGE: &str = "用法：/leave 开始日期 结束日期，例如：/leave 3-18 3-22";
    pub const REMIND_USAGE: &str = "用法：/remind 或 /remind 项目序号";

    use super::short_date as day;

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

    pub fn missing(week: &WeekPlan, contacts: &[ContactRow]) -> String {
        if contacts.is_empty() {
            return format!("{}当周：全部已报送 ✅", day(week.week_start));
        }
        let mut out = format!(
            "{}当周尚未报送（{} 项）：",
            day(week.week_start),
            contacts.len()
        );
        for c in contacts {
            out.push_str(&format!(
                "\n· 项目 {}「{}」— {} {}",
                c.project_no,
                c.title,
                c.unit.as_deref().unwrap_or("—"),
                c.name
            ));
        }
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

/// The ten-day digest's words.
pub mod digest {
    use crate::db::plan::MetricRow;
    use crate::domain::metric::{Figure, MetricKind, format_number};
    use crate::services::digest::{Difficulty, Digest};

    use super::short_date as day;

    /// A metric's figure as value/target with its unit ("4/6处"), 是/否, or 未填.
    pub fn figure(metric: &MetricRow, value: Option<f64>) -> String {
        match value {
            None => "未填".to_owned(),
            Some(v) if metric.kind == MetricKind::YesNo.as_str() => {
                (if v > 0.0 { "是" } else { "否" }).to_owned()
            }
            Some(v) => format!(
                "{}/{}{}",
                format_number(v),
                format_number(metric.target.unwrap_or_default()),
                metric.unit.as_deref().unwrap_or("")
            ),
        }
    }

    /// A project's metrics as "name value（percent%）".
    fn figures(metrics: &[Figure]) -> Vec<String> {
        metrics
            .iter()
            .map(|f| match f.percent {
                Some(percent) => format!("{} {}（{percent:.0}%）", f.name, f.shown()),
                None => format!("{} {}", f.name, f.shown()),
            })
            .collect()
    }

    pub fn digest(d: &Digest) -> String {
        let mut out = format!(
            "📊 {} · {}调度（{}—{}）",
            d.plan_name,
            d.period.label(),
            day(d.period.start),
            day(d.period.end)
        );
        let rate = if d.expected == 0 {
            "本旬没有应报的周报".to_owned()
        } else {
            format!(
                "{}/{}（{:.0}%）",
                d.received,
                d.expected,
                d.received as f64 * 100.0 / d.expected as f64
            )
        };
        out.push_str(&format!("\n报送率：{rate}"));
        let count = |c| d.projects.iter().filter(|p| p.colour == c).count();
        use crate::domain::colour::Colour::{Blue, Red, Yellow};
        out.push_str(&format!(
            "\n🔴 红 {} · 🟡 黄 {} · 🔵 蓝 {}",
            count(Red),
            count(Yellow),
            count(Blue)
        ));
        for p in &d.projects {
            out.push_str(&format!(
                "\n\n{} 项目 {} {}（{}）",
                p.colour.emoji(),
                p.no,
                p.title,
                p.lead_unit
            ));
            if p.colour != Blue || !p.reasons.is_empty() {
                out.push_str(&format!("\n   {}", p.reasons.join("；")));
            }
            let figures = figures(&p.metrics);
            if !p.metrics.is_empty() {
                out.push_str(&format!(
                    "\n   {}；时序 {:.0}%",
                    figures.join("；"),
                    p.expected
                ));
            }
        }
        out.push_str("\n\n未按时报送：");
        if d.missed.is_empty() {
            out.push('无');
        }
        for m in &d.missed {
            out.push_str(&format!(
                "\n· {}截止 项目 {} — {} {}",
                day(m.deadline),
                m.no,
                m.unit,
                m.contact
            ));
        }
        out.push_str("\n\n待协调的困难问题：");
        if d.difficulties.is_empty() {
            out.push('无');
        }
        for difficulty in &d.difficulties {
            let raised = difficulty.raised_on.map(day).unwrap_or_default();
            out.push_str(&format!(
                "\n· 项目 {}：{}（{raised}提出）",
                difficulty.no, difficulty.text
            ));
        }
        out.push_str("\n\n与上次调度相比：");
        if d.changes.is_empty() {
            out.push_str("颜色无变化");
        }
        for change in &d.changes {
            out.push_str(&format!(
                "\n· 项目 {} 由{}转{}",
                change.no,
                change.before.label(),
                change.now.label()
            ));
        }
        out
    }

    /// The quarter's summary: completion against the year's targets, colours against the
    /// quarter before, projects at risk, and the difficulties raised in the quarter.
    pub fn quarter(d: &Digest, raised: &[Difficulty]) -> String {
        use crate::domain::colour::Colour::Blue;
        let mut out = format!(
            "📈 {} · {}专题（{}—{}）\n全年目标完成情况：",
            d.plan_name,
            d.period.label(),
            day(d.period.start),
            day(d.period.end)
        );
        for p in &d.projects {
            let figures = figures(&p.metrics);
            let figures = if figures.is_empty() {
                "按进度跟踪".to_owned()
            } else {
                figures.join("；")
            };
            out.push_str(&format!(
                "\n{} 项目 {} {}：{figures}",
                p.colour.emoji(),
                p.no,
                p.title
            ));
        }
        out.push_str("\n\n颜色变化（与上季度末相比）：");
        if d.changes.is_empty() {
            out.push('无');
        }
        for change in &d.changes {
            out.push_str(&format!(
                "\n· 项目 {} 由{}转{}",
                change.no,
                change.before.label(),
                change.now.label()
            ));
        }
        out.push_str("\n\n可能无法按期完成的项目：");
        let at_risk: Vec<_> = d.projects.iter().filter(|p| p.colour != Blue).collect();
        if at_risk.is_empty() {
            out.push('无');
        }
        for p in at_risk {
            out.push_str(&format!(
                "\n· 项目 {} {}：{}",
                p.no,
                p.title,
                p.reasons.join("；")
            ));
        }
        out.push_str("\n\n本季度提出的困难问题：");
        if raised.is_empty() {
            out.push('无');
        }
        for difficulty in raised {
            let at = difficulty.raised_on.map(day).unwrap_or_default();
            let state = if difficulty.resolved {
                "已解决"
            } else {
                "未解决"
            };
            out.push_str(&format!(
                "\n· 项目 {}：{}（{at}提出，{state}）",
                difficulty.no, difficulty.text
            ));
        }
        out
    }
}
