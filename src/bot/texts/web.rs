//! The `/web` command's answers: the personal sign-in link to the read-only web view.

/// The link's own lifetime and use, as the reply states them.
pub const WEB_LINK_TERMS: &str = "链接 10 分钟内有效，仅可使用一次";

/// The reply to `/web`: a personal link, with its terms.
pub fn web_link(link: &str) -> String {
    format!(
        "网页查看登录链接（仅限本人使用，请勿转发）：\n{link}\n\n{WEB_LINK_TERMS}；登录后 12 小时内可直接查看您职责范围内的项目、调度通报和台账。"
    )
}

/// `/web` when the bot serves no web view.
pub fn web_not_enabled() -> &'static str {
    "网页查看尚未开通：请联系工作专班。"
}
