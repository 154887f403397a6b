//! People and their chats: admission, welcome and help, invites, assignments, leader scopes,
//! privacy and privilege, and the notices the admins get about people and groups.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use teloxide::types::BotCommand;

use crate::domain::role::AssignmentRole;
use crate::domain::role::Role;
use crate::error::UserError;

use super::{long_time, noted};

pub const BOT_TITLE: &str = "济宁高新区重点民生实事调度机器人";

/// The one polite refusal for anyone not let in by an admin. It names no project, but it names
/// the person's own Telegram id: the task force needs it, and an operator setting the bot up
/// finds there the id to put in MINSHENG_ADMINS.
pub fn not_admitted(user_id: i64) -> String {
    format!(
        "您好！这里是{BOT_TITLE}。\n本机器人仅供承担重点民生实事的单位联络员、分管负责同志和工作专班使用。\
         如需使用，请向区民生实事工作专班索取邀请链接。\n您的 Telegram 用户编号：{user_id}（联系工作专班时请一并告知）。"
    )
}

pub fn role_name(role: Role) -> &'static str {
    role.title()
}

/// "单位联络员（发展改革局）"; a unit whose name has brackets of its own is set apart instead.
fn with_unit(role: Role, unit: Option<&str>) -> String {
    match unit {
        Some(unit) => noted(role_name(role), unit),
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

/// /help: the commands of a role, and for a contact the fast ways to report, shown with their
/// own project (`example`, from [`super::cycle::fast_ways`]).
pub fn help(role: Role, menu: &[BotCommand], example: Option<&str>) -> String {
    let lines: Vec<String> = menu
        .iter()
        .map(|c| format!("{} — {}", c.command, c.description))
        .collect();
    let mut out = format!(
        "您的身份：{}。可以使用的命令：\n{}",
        role_name(role),
        lines.join("\n")
    );
    if let Some(example) = example {
        out.push_str(&format!(
            "\n\n快捷报送：\n{example}\n佐证材料：报送中或提交后10分钟内直接发送照片、文件即可。"
        ));
    }
    out
}

pub fn unknown_input() -> &'static str {
    "请用命令操作：发送 /help 查看您可以使用的命令。"
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
    // The role stands before the link, not in brackets: an admin's title and some units'
    // names carry brackets of their own.
    format!(
        "已生成{}的邀请链接：\n{link}\n请转发给本人。链接只能使用一次，{}前有效。",
        with_unit(role, unit),
        long_time(expires, tz)
    )
}

// Assignments and scopes ------------------------------------------------------------------------

pub const ASSIGN_USAGE: &str = "用法：/assign 项目序号 人员 [牵头|协办]\n人员可写 @用户名、Telegram 数字 ID 或姓名；不写身份即为牵头单位联络员，写“协办”为协办单位联络员。例如：/assign 3 @zhangsan 协办";
pub const UNASSIGN_USAGE: &str = "用法：/unassign 项目序号 人员，例如：/unassign 3 @zhangsan";
pub const LEADER_USAGE: &str = "用法：/leader 人员 分管范围\n分管范围写类别序号和/或项目序号，例如：/leader @wang 一,三,12\n在群内发送，则该领导的每旬调度发到本群。";
pub const DEACTIVATE_USAGE: &str = "用法：/deactivate 人员，例如：/deactivate @zhangsan";
pub const RESOLVE_USAGE: &str =
    "用法：/resolve 项目序号，例如：/resolve 9（该项目待协调的困难问题标记为已解决）";
pub const PROJECT_USAGE: &str = "用法：/project 项目序号，例如：/project 3";

pub fn assigned(name: &str, no: i64, title: &str, role: AssignmentRole) -> String {
    format!(
        "已指派 {name} 报送项目 {no}「{title}」（{}）。",
        role.label()
    )
}

pub fn assignment_unchanged(name: &str, no: i64, role: AssignmentRole) -> String {
    format!(
        "{name} 已在报送项目 {no}（{}），无需重复指派。",
        role.label()
    )
}

pub fn you_were_assigned(no: i64, title: &str, role: AssignmentRole) -> String {
    format!(
        "📌 您已被指派报送项目 {no}「{title}」（{}）。\n发送 /my 查看您负责的项目。",
        role.label()
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

// The refusals of a link are user errors, shown as they are; these name them for the tests.
pub fn invite_invalid() -> String {
    UserError::InviteInvalid.to_string()
}

pub fn already_joined(role: Role) -> String {
    UserError::AlreadyJoined(role).to_string()
}

/// Appended to [`deactivated`] when the person had made links nobody used.
pub fn invites_revoked(count: u64) -> String {
    format!("\n其生成但尚未使用的 {count} 个邀请链接已同时作废。")
}

/// A deactivated person opened an invite link: only an admin's /reactivate lets them back.
pub fn deactivated_cannot_rejoin() -> String {
    UserError::DeactivatedCannotRejoin.to_string()
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
    UserError::AlreadyActive(name.to_owned()).to_string()
}
