//! The pages a signed-in reader sees, each limited to the reader's scope, read fresh on every
//! request: the overview, a project, the digests as sent, the ledger workbook, and the one
//! stylesheet they share.
//!
//! - [`layout`]: the page around each body (header with the plan's name and the links).
//! - [`overview`], [`project`], [`digests`] (the index and one period), [`ledger`].
//! - [`chart`]: the SVG charts, drawn with maud (no fonts embedded: the browser renders text).

pub mod chart;
pub mod digests;
pub mod layout;
pub mod ledger;
pub mod overview;
pub mod project;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;

use super::WebState;
use crate::db::Db;
use crate::db::plan::PlanRow;
use crate::services::web_view::{self, Scope};

/// The stylesheet every page links to (CSP `style-src 'self'`: no inline styles).
pub const STYLE: &str = include_str!("pages/style.css");

/// Every page's route; the server adds sign-in, `/healthz` and the headers around them.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(overview::page))
        .route("/projects/{no}", get(project::page))
        .route("/digests", get(digests::page))
        .route("/digests/{kind}/{start}", get(digests::period))
        .route("/ledger.xlsx", get(ledger::download))
        .route("/assets/style.css", get(style))
        .fallback(missing)
}

/// An address the view does not have: a page that says so, with the links to the others.
async fn missing() -> Response {
    (
        StatusCode::NOT_FOUND,
        layout::page("未找到", None, layout::notice(layout::NO_PAGE)),
    )
        .into_response()
}

async fn style() -> Response {
    (
        [
            ("content-type", "text/css; charset=utf-8"),
            ("cache-control", "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

/// What a page reads first: a connection, the moment, the plan in force, the reader's scope.
pub struct Reading {
    pub conn: PoolConnection<Db>,
    pub now: DateTime<Utc>,
    pub plan: PlanRow,
    pub scope: Scope,
}

impl Reading {
    /// Refused with [`Refusal::NoPlan`] when no plan is in force.
    pub async fn of(state: &WebState, person: &crate::db::people::Person) -> Result<Self, Refusal> {
        let mut conn = state.ctx.pool.acquire().await?;
        let now = state.ctx.clock.now();
        let Some(plan) = web_view::current_plan(&mut conn, &state.ctx.settings, now).await? else {
            return Err(Refusal::NoPlan);
        };
        let scope = Scope::of(&mut conn, &plan, person).await?;
        Ok(Self {
            conn,
            now,
            plan,
            scope,
        })
    }
}

/// Why a page shows something else: no plan in force, or a failure (logged with its chain,
/// shown as one fixed sentence). Every error converts into it, so a page uses `?`.
pub enum Refusal {
    NoPlan,
    Failed(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Refusal {
    fn from(error: E) -> Self {
        Self::Failed(error.into())
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Self::NoPlan => {
                layout::page("暂无年度计划", None, layout::notice(layout::NO_PLAN)).into_response()
            }
            Self::Failed(error) => {
                tracing::error!(error = format!("{error:#}"), "web page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    layout::page("暂时无法显示", None, layout::notice(layout::FAILED)),
                )
                    .into_response()
            }
        }
    }
}
