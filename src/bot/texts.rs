//! Every string a person sees, in one place; tests assert against these same items.

use crate::db::people::Role;

pub const BOT_TITLE: &str = "济宁高新区重点民生实事调度机器人";

/// The one polite refusal for anyone not let in by an admin. It names no project.
pub fn not_admitted() -> String {
    format!(
        "您好！这里是{BOT_TITLE}。\n本机器人仅供承担重点民生实事的单位联络员、分管负责同志和工作专班使用。\
         如需使用，请向区民生实事工作专班索取邀请链接。"
    )
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "管理员（工作专班）",
        Role::Leader => "分管负责同志",
        Role::Contact => "单位联络员",
    }
}

pub fn welcome(name: &str, role: Role) -> String {
    format!(
        "{name}，您好！这里是{BOT_TITLE}。\n您的身份：{}。\n发送 /help 查看您可以使用的命令。",
        role_name(role)
    )
}

pub fn help(role: Role, commands: &str) -> String {
    format!("您的身份：{}。\n\n{commands}", role_name(role))
}

pub fn unknown_input() -> &'static str {
    "没有听懂这条消息。发送 /help 查看您可以使用的命令。"
}

/// Shown when something went wrong on our side; the details go to the log, not to the person.
pub fn apology() -> &'static str {
    "抱歉，机器人出了点问题，请稍后再试。工作专班已收到记录。"
}

/// To the admins: an update failed three times, or its handler crashed, and was set aside.
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
