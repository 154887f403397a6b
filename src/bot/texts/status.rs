//! What `minsheng status` prints for an operator.

use std::fmt::Write;

use chrono_tz::Tz;

use crate::db::inbox::StateCount;
use crate::services::status::{EVIDENCE_FAILING_TRIES, Health, Problem};

use super::local_time;

/// A queue state as the database stores it, in words; one this version does not know, as stored.
fn state_name(state: &str) -> &str {
    match state {
        "pending" => "待处理",
        "done" => "已处理",
        "quarantined" => "暂存待查",
        "uncertain" => "待确认",
        "sending" => "发送中",
        "sent" => "已发送",
        "failed" => "发送失败",
        "unreachable" => "无法送达",
        other => other,
    }
}

/// `minsheng status`: the queues, the last update in and message out (local time), and who
/// can no longer be reached.
pub fn health(health: &Health, tz: Tz) -> String {
    let counts = |rows: &[StateCount]| {
        if rows.is_empty() {
            "空".to_owned()
        } else {
            rows.iter()
                .map(|row| format!("{} {}", state_name(&row.state), row.count))
                .collect::<Vec<_>>()
                .join("，")
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "收件箱：{}", counts(&health.inbox));
    let _ = writeln!(out, "发件箱：{}", counts(&health.outbox));
    let when = |at: Option<_>| at.map_or("无".to_owned(), |at| local_time(at, tz));
    let _ = writeln!(out, "最近收到更新：{}", when(health.last_received));
    let _ = writeln!(out, "最近发出消息：{}", when(health.last_sent));
    let _ = writeln!(out, "最近成功拉取更新：{}", when(health.last_polled));
    let _ = writeln!(out, "佐证材料：{}", evidence_counts(&health.evidence));
    if health.unreachable.is_empty() {
        let _ = writeln!(out, "无法送达的人员：无");
    } else {
        let _ = writeln!(out, "无法送达的人员：");
        for person in &health.unreachable {
            let _ = writeln!(
                out,
                "  {} · {} · Telegram {}",
                person.display_name,
                person.role.title(),
                person.telegram_id
            );
        }
    }
    out
}

/// Evidence files in the order an operator reads them: kept, waiting, given up on.
fn evidence_counts(rows: &[StateCount]) -> String {
    if rows.is_empty() {
        return "无".to_owned();
    }
    let count = |state: &str| {
        rows.iter()
            .find(|row| row.state == state)
            .map_or(0, |row| row.count)
    };
    format!(
        "已保存 {}，待下载 {}，下载失败 {}，超过 20 MB {}",
        count("stored"),
        count("pending"),
        count("failed"),
        count("too_big")
    )
}

/// `minsheng status --check`: one line per problem, or one line saying all is well.
pub fn check(problems: &[Problem], tz: Tz) -> String {
    if problems.is_empty() {
        return "运行正常\n".to_owned();
    }
    let mut out = String::new();
    for problem in problems {
        let _ = writeln!(out, "{}", problem_line(problem, tz));
    }
    out
}

fn problem_line(problem: &Problem, tz: Tz) -> String {
    match problem {
        Problem::NotPolling { since: Some(at) } => format!(
            "机器人在运行，但自 {} 起未能从 Telegram 拉取更新，请检查网络、代理和令牌",
            local_time(*at, tz)
        ),
        Problem::NotPolling { since: None } => {
            "机器人在运行，但从未成功从 Telegram 拉取更新，请检查网络、代理和令牌".to_owned()
        }
        Problem::SendsFailed(n) => format!("发件箱有 {n} 条消息发送失败"),
        Problem::SendsOverdue(n) => {
            format!("发件箱有 {n} 条消息超过预定时间 10 分钟仍未发出")
        }
        Problem::Quarantined(n) => format!("收件箱有 {n} 条更新处理失败，已暂存待查"),
        Problem::NotRunning => "没有机器人在使用此数据库运行（minsheng run 未启动）".to_owned(),
        Problem::EvidenceFailing(n) => format!(
            "佐证材料有 {n} 份连续 {EVIDENCE_FAILING_TRIES} 次以上下载失败，仍在重试：请检查与 Telegram 的网络"
        ),
    }
}
