//! What group robots post, and /mobile and /robots as admins read them.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{local_moment as moment, local_time, short_date as day};
use crate::domain::cycle::WeekPlan;
use crate::robots::Sends;
use crate::services::robots::{Readers, RobotView};

/// A message worded for Telegram as markdown, the words kept: its first line a header
/// ("### …"), a section's title bold ("**未按时报送：**").
pub fn markdown(text: &str) -> String {
    let mut out = Vec::new();
    let mut after_blank = false;
    for (n, line) in text.split('\n').enumerate() {
        let shown = if n == 0 {
            format!("### {line}")
        } else if after_blank && let Some((title, rest)) = section_title(line) {
            format!("**{title}：**{rest}")
        } else {
            line.to_owned()
        };
        after_blank = line.trim().is_empty();
        out.push(shown);
    }
    out.join("\n")
}

/// "未按时报送：…" → ("未按时报送", "…"): a short title before "：", not a list's line.
fn section_title(line: &str) -> Option<(&str, &str)> {
    let (title, rest) = line.split_once('：')?;
    let short = title.chars().count() <= 12 && !title.starts_with(['·', '-', '⚪', '🔴']);
    short.then_some((title, rest))
}

/// The notification line of a markdown message (DingTalk shows it in the chat list): its first
/// line.
pub fn title(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// One contact of a unit who still owes the week, with the projects they owe.
pub struct Silent {
    pub name: String,
    pub projects: Vec<(i64, String)>,
}

/// The T−1 reminder in a unit's group: who still owes the week, and on what.
pub fn reminder(unit: &str, week: &WeekPlan, silent: &[Silent]) -> String {
    let mut out = format!(
        "⏰ 截止前提醒：{unit}以下同志{}当周进展尚未报送，截止时间 {}：",
        day(week.week_start),
        moment(week.deadline)
    );
    for person in silent {
        let projects: Vec<String> = person
            .projects
            .iter()
            .map(|(no, title)| format!("项目 {no}「{title}」"))
            .collect();
        out.push_str(&format!("\n· {}：{}", person.name, projects.join("、")));
    }
    out.push_str("\n请尽快在 Telegram 机器人中报送。");
    out
}

/// The test line of `/robots test <name>`.
pub fn test_line(name: &str) -> String {
    format!("✅ {name} 测试消息：机器人配置正确。")
}

pub const TEST_QUEUED: &str = "已发送测试消息";

pub const ROBOTS_USAGE: &str = "用法：/robots 查看群机器人；/robots test 机器人名称 发送测试消息。";

pub const NO_ROBOTS: &str =
    "尚未配置群机器人。请在配置文件中添加 [[robots]]（企业微信、钉钉或飞书群机器人）后重启。";

/// An unknown name in `/robots test`, with the names there are.
pub fn unknown_robot(name: &str, names: &[&str]) -> String {
    format!("没有名为“{name}”的群机器人。已配置：{}。", names.join("、"))
}

fn sends_word(what: Sends) -> &'static str {
    match what {
        Sends::Digest => "旬调度",
        Sends::Quarter => "季度小结",
        Sends::Escalation => "逾期督办",
        Sends::Reminder => "截止前提醒",
    }
}

fn readers(readers: &Readers) -> String {
    match readers {
        Readers::Admins => "工作专班".to_owned(),
        Readers::Leader(Ok(name)) => format!("分管领导 {name}"),
        Readers::Leader(Err(id)) => format!("分管领导（ID {id}，已不在册）"),
        Readers::Unit(name) => name.clone(),
    }
}

/// /robots: each robot, its app, its webhook masked, what it sends to whom, its last delivery.
pub fn robot_list(robots: &[RobotView], tz: Tz) -> String {
    if robots.is_empty() {
        return NO_ROBOTS.to_owned();
    }
    let mut out = format!("群机器人（{} 个）：", robots.len());
    for robot in robots {
        let sends: Vec<&str> = robot.sends.iter().map(|s| sends_word(*s)).collect();
        out.push_str(&format!(
            "\n\n{}{}\n{} · {}\n发送：{}；接收：{}\n{}",
            robot.name,
            if robot.broken { "（已失效）" } else { "" },
            robot.platform.label(),
            robot.masked,
            sends.join("、"),
            readers(&robot.readers),
            last_delivery(robot.last_delivery, tz),
        ));
    }
    out
}

fn last_delivery(at: Option<DateTime<Utc>>, tz: Tz) -> String {
    match at {
        Some(at) => format!("最近送达：{}", local_time(at, tz)),
        None => "尚未发送".to_owned(),
    }
}

pub const MOBILE_USAGE: &str =
    "用法：/mobile 人员 手机号，例如 /mobile @zhangsan 13800000000；/mobile 人员 清除 删除手机号。";

pub fn bad_mobile(text: &str) -> String {
    format!("“{text}”不是有效的手机号：请发送 11 位大陆手机号，例如 13800000000。\n{MOBILE_USAGE}")
}

/// The number set, masked: the reply stays in the admin's chat history.
pub fn mobile_set(name: &str, before: Option<&str>, masked: &str) -> String {
    format!(
        "已设定 {name} 的手机号：{} → {masked}。单位群机器人的截止前提醒将 @ 此号码。",
        before.unwrap_or("未设定")
    )
}

pub fn mobile_cleared(name: &str, before: Option<&str>) -> String {
    format!(
        "已删除 {name} 的手机号（原为 {}）。",
        before.unwrap_or("未设定")
    )
}

/// A robot's key or signature was refused: its messages wait until the webhook is replaced.
/// Never shows the key.
pub fn robot_broken(app: &str, name: &str, signed: bool) -> String {
    let why = if signed {
        "key 无效、已被删除，或加签密钥不符"
    } else {
        "key 无效或已被删除"
    };
    format!(
        "⚠️ {app}机器人“{name}”的 webhook 已失效（{why}），发往该群的消息已暂停。\
         请在群里重新添加机器人，把新的 webhook 写入配置文件后重启。"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_briefing_becomes_markdown_with_its_words_kept() {
        let text =
            "📊 计划 · 2024年3月中旬调度\n全部项目\n\n需关注：\n⚪ 未报送：12\n\n未按时报送：无";
        assert_eq!(
            markdown(text),
            "### 📊 计划 · 2024年3月中旬调度\n全部项目\n\n**需关注：**\n⚪ 未报送：12\n\n**未按时报送：**无"
        );
        assert_eq!(title(text), "📊 计划 · 2024年3月中旬调度");
    }
}
