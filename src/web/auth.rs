//! Sign-in from the chat and the session cookie.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The answer to a request without a valid session: one line, in Chinese, on what to do.
pub fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [("content-type", "text/plain; charset=utf-8")],
        "未登录或登录已过期：请在 Telegram 中向机器人发送 /web，点开回复的链接。",
    )
        .into_response()
}
