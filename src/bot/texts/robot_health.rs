//! What the admins are told about a group robot's health.

/// A robot's key or signature was refused: its messages wait until the webhook is replaced.
/// Never shows the key.
pub fn robot_broken(app: &str, name: &str) -> String {
    format!(
        "⚠️ {app}机器人“{name}”的 webhook 已失效（key 无效或已被删除），发往该群的消息已暂停。\
         请在群里重新添加机器人，把新的 webhook 写入配置文件后重启。"
    )
}
