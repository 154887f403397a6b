//! Commands, one enum per role, as the Telegram menu shows them (setMyCommands per chat).

use teloxide::macros::BotCommands;
use teloxide::types::BotCommand;
use teloxide::utils::command::{BotCommands as _, ParseError};

use crate::domain::role::Role;

/// For everyone, strangers included.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum PublicCommand {
    #[command(description = "开始使用（打开邀请链接时自动发送）")]
    Start(String),
    #[command(description = "查看您可以使用的命令")]
    Help,
    #[command(description = "取消正在进行的报送")]
    Cancel,
}

#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum AdminCommand {
    #[command(description = "邀请人员：/invite 联络员 单位 | 领导 | 管理员")]
    Invite(String),
    #[command(description = "指派联络员：/assign 项目序号 人员 [牵头|协办]")]
    Assign(String),
    #[command(description = "取消指派：/unassign 项目序号 人员")]
    Unassign(String),
    #[command(description = "设定领导分管范围：/leader 人员 一,三,12")]
    Leader(String),
    #[command(description = "人员名单")]
    People,
    #[command(description = "全部项目及联络员")]
    Projects,
    #[command(description = "项目详情：/project 序号")]
    Project(String),
    #[command(description = "停用人员：/deactivate 人员")]
    Deactivate(String),
    #[command(description = "恢复已停用的人员：/reactivate 人员")]
    Reactivate(String),
    #[command(description = "最近的变更记录：/audit [条数]")]
    Audit(String),
    #[command(description = "本周未报送的人员")]
    Missing,
    #[command(description = "立即提醒本周未报送的人员：/remind [项目序号]")]
    Remind(String),
    #[command(description = "本周的催报、提醒、截止、督办时间")]
    Cycle,
    #[command(description = "暂停周报：/pause 开始日期 结束日期")]
    Pause(String),
    #[command(description = "取消暂停，恢复周报")]
    Resume,
    #[command(description = "设为工作日（调休上班等）：/workday 日期 [说明]")]
    Workday(String),
    #[command(description = "设为休息日（临时放假等）：/dayoff 日期 [说明]")]
    Dayoff(String),
    #[command(description = "本旬至今的调度情况（全部项目）")]
    Digest,
    #[command(description = "导出台账（Excel）")]
    Export,
    #[command(description = "标记项目的困难问题已解决：/resolve 项目序号")]
    Resolve(String),
    #[command(description = "设定人员手机号（群机器人 @ 提醒用）：/mobile 人员 手机号|清除")]
    Mobile(String),
    #[command(description = "群机器人：/robots 查看；/robots test 名称 发送测试消息")]
    Robots(String),
    #[command(description = "网页查看：发送个人登录链接")]
    Web,
}

#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum LeaderCommand {
    #[command(description = "分管的项目")]
    Projects,
    #[command(description = "项目详情：/project 序号")]
    Project(String),
    #[command(description = "本周的催报、提醒、截止、督办时间")]
    Cycle,
    #[command(description = "本旬至今分管项目的调度情况")]
    Digest,
    #[command(description = "导出台账（Excel）")]
    Export,
    #[command(description = "网页查看：发送个人登录链接")]
    Web,
}

#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum ContactCommand {
    #[command(description = "报送本周进展：/report [项目序号]")]
    Report(String),
    #[command(description = "我的项目和本周报送情况")]
    My,
    #[command(description = "项目详情：/project 序号")]
    Project(String),
    #[command(description = "本周的报送时间安排")]
    Cycle,
    #[command(description = "请假：/leave 开始日期 结束日期（期间不催报）")]
    Leave(String),
    #[command(description = "销假，恢复催报")]
    Back,
    #[command(description = "开/关截止前一天的提醒")]
    Quiet,
    #[command(description = "网页查看：发送个人登录链接")]
    Web,
}

/// What a person of this role may use, for /help and the command menu. A stranger may only
/// /start (with an invite link) and ask for /help: Telegram's global commands.
pub fn menu(role: Option<Role>) -> Vec<BotCommand> {
    let public = PublicCommand::bot_commands();
    let Some(role) = role else {
        return public
            .into_iter()
            .filter(|c| c.command == "/start" || c.command == "/help")
            .collect();
    };
    let mut commands = match role {
        Role::Admin => AdminCommand::bot_commands(),
        Role::Leader => LeaderCommand::bot_commands(),
        Role::Contact => ContactCommand::bot_commands(),
    };
    // /cancel leaves a report under way: only contacts report.
    commands.extend(
        public
            .into_iter()
            .filter(|c| c.command != "/cancel" || role == Role::Contact),
    );
    commands
}

/// Commands whose answer shows project data, people or a link that signs in: in a group
/// everyone would read it.
const PRIVATE_ONLY: [&str; 11] = [
    "export", "project", "my", "people", "digest", "audit", "missing", "invite", "mobile",
    "robots", "web",
];

/// Whether `text` is one of our `PRIVATE_ONLY` commands (not one addressed to another bot).
pub fn private_only(text: &str, bot_name: &str) -> bool {
    let Some(word) = text
        .split_whitespace()
        .next()
        .and_then(|w| w.strip_prefix('/'))
    else {
        return false;
    };
    let (name, addressee) = word.split_once('@').unwrap_or((word, bot_name));
    addressee.eq_ignore_ascii_case(bot_name) && PRIVATE_ONLY.contains(&name.to_lowercase().as_str())
}

/// Whether some role has this command: asked when a person's own role does not.
pub fn known_to_any_role(text: &str, bot_name: &str) -> bool {
    AdminCommand::parse(text, bot_name).is_ok()
        || LeaderCommand::parse(text, bot_name).is_ok()
        || ContactCommand::parse(text, bot_name).is_ok()
}

/// Whether `text` is a command addressed to another bot (`/help@other_bot`): not ours to answer.
/// Every command enum refuses another bot's name the same way, before it looks at the command.
pub fn for_another_bot(text: &str, bot_name: &str) -> bool {
    matches!(
        PublicCommand::parse(text, bot_name),
        Err(ParseError::WrongBotName(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_sees_its_own_commands_and_help() {
        let names = |role| {
            menu(role)
                .into_iter()
                .map(|c| c.command)
                .collect::<Vec<_>>()
        };
        assert!(names(Some(Role::Admin)).contains(&"/invite".to_owned()));
        assert!(names(Some(Role::Admin)).contains(&"/help".to_owned()));
        assert!(!names(Some(Role::Contact)).contains(&"/invite".to_owned()));
        assert!(names(Some(Role::Contact)).contains(&"/my".to_owned()));
        assert_eq!(
            names(Some(Role::Leader)),
            [
                "/projects",
                "/project",
                "/cycle",
                "/digest",
                "/export",
                "/web",
                "/start",
                "/help"
            ]
        );
        assert_eq!(
            names(Some(Role::Contact)),
            [
                "/report", "/my", "/project", "/cycle", "/leave", "/back", "/quiet", "/web",
                "/start", "/help", "/cancel"
            ]
        );
        assert_eq!(names(None), ["/start", "/help"]);
    }

    #[test]
    fn views_of_project_data_are_private_only_unless_for_another_bot() {
        assert!(private_only("/export", "bot"));
        assert!(private_only("/project 3", "bot"));
        assert!(private_only("/Digest@Bot", "bot"));
        assert!(private_only("/web", "bot"));
        assert!(!private_only("/export@other_bot", "bot"));
        assert!(!private_only("/projects", "bot"));
        assert!(!private_only("/help", "bot"));
        assert!(!private_only("export", "bot"));
    }

    #[test]
    fn commands_of_other_roles_are_recognised_for_a_refusal() {
        assert!(known_to_any_role("/assign 3 @x", "bot"));
        assert!(known_to_any_role("/my", "bot"));
        assert!(!known_to_any_role("/launch", "bot"));
    }

    #[test]
    fn commands_for_another_bot_are_told_apart_whatever_the_command() {
        assert!(for_another_bot("/help@other_bot", "bot"));
        assert!(for_another_bot("/launch@other_bot now", "bot"));
        assert!(!for_another_bot("/help@Bot", "bot"));
        assert!(!for_another_bot("/launch", "bot"));
        assert!(!for_another_bot("hello", "bot"));
    }
}
