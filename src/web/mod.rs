//! The read-only web view for leaders and the task force (issue 16): served by the bot process
//! when `web.listen` is set, opened from the chat with `/web`, each page limited to the
//! reader's scope as the chat's views are. Nothing here writes but a session.
//!
//! - [`auth`]: the one-use sign-in link, the session cookie, and the layer that finds the
//!   signed-in [`Reader`] of each request.
//! - [`pages`]: the pages themselves (overview, a project, the digests, the ledger).
//! - [`server`]: the router, the security headers, `/healthz`, and serving until the bot stops.

pub mod auth;
pub mod pages;
pub mod server;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use tokio::sync::watch;

use crate::bot::BotContext;
use crate::db::people::Person;

/// What every route may need.
#[derive(Clone)]
pub struct WebState {
    pub ctx: BotContext,
    /// True while the bot's loops run: what `/healthz` answers.
    pub alive: watch::Receiver<bool>,
}

/// The signed-in reader of a request. The session layer ([`auth`]) puts it in the request's
/// extensions; a route that takes a `Reader` answers 401 without one.
#[derive(Debug, Clone)]
pub struct Reader {
    pub person: Person,
}

impl<S: Send + Sync> FromRequestParts<S> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Self>()
            .cloned()
            .ok_or_else(auth::unauthorized)
    }
}
