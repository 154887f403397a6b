//! Two kinds of error. A [`UserError`] is shown to the person: its `Display` is the Chinese
//! sentence they read, and nothing was changed. Everything else is internal: logged with its
//! chain, and the person gets one fixed apology.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("没有序号为 {0} 的项目。请发送 1 到 {1} 之间的序号。")]
    NoSuchProject(String, i64),
    #[error("没有找到名称含“{0}”的单位。请发送单位全称或其中一段，例如“发展软环境保障局”。")]
    NoSuchUnit(String),
    #[error("“{0}”可指多个单位：{1}。请写得更具体些。")]
    AmbiguousUnit(String, String),
    #[error("没有找到人员“{0}”。请发送对方的 @用户名 或 Telegram 数字 ID（可用 /people 查看）。")]
    NoSuchPerson(String),
    #[error("“{0}”可指多人：{1}。请改用 @用户名 或数字 ID。")]
    AmbiguousPerson(String, String),
    /// An invite link that is unknown, used or expired.
    #[error("这个邀请链接无效、已被使用或已过期。请向工作专班重新索取。")]
    InviteInvalid,
    /// An active member opened an invite link.
    #[error("您已加入，身份为{}，无需再次使用邀请链接。", .0.label())]
    AlreadyJoined(crate::domain::role::Role),
    /// A deactivated person opened an invite link: only an admin's /reactivate lets them back.
    #[error("您的账号已停用，邀请链接不能恢复账号。如需恢复，请联系工作专班办理。")]
    DeactivatedCannotRejoin,
    /// /reactivate of someone whose account is in use.
    #[error("{0} 的账号在用，无需恢复。")]
    AlreadyActive(String),
    /// Another admin assigned the same contact to the project at the same moment: the
    /// `assignments_one_active` index refused the second.
    #[error("{person} 已被指派报送项目 {project}，请用 /project {project} 查看后再操作。")]
    AssignedMeanwhile { person: String, project: i64 },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Refused(String),
}
