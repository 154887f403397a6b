//! Sign-in from the chat and the session cookie: `/login?t=…` turns a one-use link sent by
//! `/web` into a session, and [`session_layer`] finds the signed-in [`Reader`] of each request.

use axum::extract::{Query, Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, html};
use serde::Deserialize;

use super::{Reader, WebState};
use crate::db;
use crate::services::web_access;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "minsheng_session";

/// Paths anyone may open: the sign-in itself, the health check, the stylesheet of the pages
/// that say "not signed in".
const OPEN_PATHS: [&str; 3] = ["/login", "/healthz", "/assets/style.css"];

/// The answer to a request without a valid session: one line, in Chinese, on what to do.
pub fn unauthorized() -> Response {
    plain(
        StatusCode::UNAUTHORIZED,
        "未登录或登录已过期：请在 Telegram 中向机器人发送 /web，点开回复的链接。",
    )
}

/// A sign-in link that is used, expired or was never ours.
fn link_spent() -> Response {
    plain(
        StatusCode::UNAUTHORIZED,
        "链接已失效：请重新向机器人发送 /web。",
    )
}

/// Something failed on our side; the details go to the log, never to the reader.
pub fn internal_error() -> Response {
    plain(
        StatusCode::INTERNAL_SERVER_ERROR,
        "系统暂时无法处理，请稍后再试。",
    )
}

fn plain(status: StatusCode, line: &'static str) -> Response {
    (
        status,
        [("content-type", "text/plain; charset=utf-8")],
        line,
    )
        .into_response()
}

/// Finds the reader of the session cookie and puts a [`Reader`] into the request's extensions;
/// a request for anything but [`OPEN_PATHS`] without one is answered 401 here, so that no page
/// (nor whether it exists) shows without a session. The person must be active now: a
/// deactivated person's session ends at once.
pub async fn session_layer(
    State(state): State<WebState>,
    mut request: Request,
    next: Next,
) -> Response {
    let open = OPEN_PATHS.contains(&request.uri().path());
    let reader = match session_token(request.headers()) {
        Some(token) => match find_reader(&state, token).await {
            Ok(reader) => reader,
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "reading a web session failed");
                return internal_error();
            }
        },
        None => None,
    };
    match reader {
        Some(reader) => {
            request.extensions_mut().insert(reader);
        }
        None if !open => return unauthorized(),
        None => {}
    }
    next.run(request).await
}

async fn find_reader(state: &WebState, token: &str) -> anyhow::Result<Option<Reader>> {
    let mut conn = state.ctx.pool.acquire().await?;
    let person = web_access::reader(&mut conn, token, state.ctx.clock.now()).await?;
    Ok(person.map(|person| Reader { person }))
}

/// The session token in the request's `Cookie` headers, if any.
fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

#[derive(Deserialize)]
pub struct LoginQuery {
    t: Option<String>,
    next: Option<String>,
}

/// Opens a sign-in link. On success the answer is a 200 page that sets the cookie and moves on
/// by a meta refresh, not a redirect: the link is tapped in Telegram, a cross-site navigation,
/// and a `SameSite=Strict` cookie set on a redirect would not go with the redirected request.
pub async fn login(State(state): State<WebState>, Query(query): Query<LoginQuery>) -> Response {
    let Some(token) = query.t.as_deref().filter(|t| !t.is_empty()) else {
        return link_spent();
    };
    let session = match open_link(&state, token).await {
        Ok(Some(session)) => session,
        Ok(None) => return link_spent(),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "a web sign-in failed");
            return internal_error();
        }
    };
    tracing::info!(person = session.person.id, "signed in to the web view");
    let cookie = session_cookie(&session.token, state.ctx.settings.web.secure());
    let next = safe_next(query.next.as_deref());
    ([(SET_COOKIE, cookie)], signed_in_page(next)).into_response()
}

async fn open_link(
    state: &WebState,
    token: &str,
) -> anyhow::Result<Option<web_access::NewSession>> {
    let mut tx = db::begin_write(&state.ctx.pool).await?;
    let session = web_access::sign_in(&mut tx, token, state.ctx.clock.now()).await?;
    tx.commit().await?;
    Ok(session)
}

/// The `Set-Cookie` value of a new session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let max_age = web_access::SESSION_VALID.num_seconds();
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}")
}

/// Where to go after signing in: a path on this site only ("/projects/3"), never another host
/// ("//evil.example", "/\\evil.example", "https://…"); else the overview.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            path
        }
        _ => "/",
    }
}

fn signed_in_page(next: &str) -> maud::Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            (super::pages::layout::head("登录", html! {
                meta http-equiv="refresh" content={ "0;url=" (next) };
            }))
            body {
                p { "已登录，正在进入……" }
                p { a href=(next) { "进入" } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_on_this_site_is_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/projects/3")), "/projects/3");
        assert_eq!(safe_next(Some("/")), "/");
        for elsewhere in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "projects/3",
            "/a b",
            "",
        ] {
            assert_eq!(safe_next(Some(elsewhere)), "/", "{elsewhere}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_session_cookie_is_strict_and_secure_only_over_https() {
        let cookie = session_cookie("abc", false);
        assert_eq!(
            cookie,
            "minsheng_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200"
        );
        assert!(session_cookie("abc", true).ends_with("; Secure"));
    }

    #[test]
    fn the_session_token_is_read_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, "a=1; minsheng_session=tok; b=2".parse().unwrap());
        assert_eq!(session_token(&headers), Some("tok"));
        headers.insert(COOKIE, "minsheng_sessionx=tok".parse().unwrap());
        assert_eq!(session_token(&headers), None);
    }
}
