//! The router and serving it until the bot stops: the pages behind the session layer, the
//! sign-in and `/healthz` open, and the security headers on every response.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::{WebState, auth, pages};

/// No script, no other host, no frame, no form: the pages only show.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Every route: the pages, `/login` and `/healthz`, the session layer around them, and the
/// headers layer around everything (a 401 of the session layer included).
pub fn router(state: WebState) -> Router {
    pages::routes()
        .route("/login", get(auth::login))
        .route("/healthz", get(healthz))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::session_layer,
        ))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// 200 "ok" while the bot's loops run; 503 before they started and once shutdown began.
async fn healthz(State(state): State<WebState>) -> Response {
    if *state.alive.borrow() {
        (StatusCode::OK, "ok").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [("content-type", "text/plain; charset=utf-8")],
            "机器人未在运行",
        )
            .into_response()
    }
}

/// The security headers of the common brief, on every response. A response that chose its
/// own caching (the stylesheet) keeps it; everything else is `no-store`, since it shows data
/// of one reader's scope.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Serves until `stopped` turns true, then lets requests in hand finish (axum's graceful
/// shutdown).
pub async fn serve(
    listener: TcpListener,
    state: WebState,
    mut stopped: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let stop = async move {
        while !*stopped.borrow_and_update() {
            if stopped.changed().await.is_err() {
                break;
            }
        }
    };
    axum::serve(listener, router(state))
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}
