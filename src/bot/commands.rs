//! Commands as the Telegram menu shows them.

use teloxide::macros::BotCommands;

#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase", description = "可用的命令：")]
pub enum Command {
    #[command(description = "开始使用（打开邀请链接时自动发送）")]
    Start(String),
    #[command(description = "查看您可以使用的命令")]
    Help,
}
