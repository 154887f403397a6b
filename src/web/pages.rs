//! The pages a signed-in reader sees, each limited to the reader's scope.

use axum::Router;

use super::WebState;

/// Every page's route; the server adds sign-in, `/healthz` and the headers around them.
pub fn routes() -> Router<WebState> {
    Router::new()
}
