//! The weekly report conversation (SPEC.md §4): one question at a time, buttons where the
//! choice is closed, one message for a wrong answer (why, and the same question under it), a
//! photo or a file taken at any step, and a summary to confirm. Its state lives in SQLite
//! ([`TxStorage`]), saved with each step.
//!
//! - [`state`]: where a person is, and which step follows an answer.
//! - `begin`: /report (with a project number, or the quick form) and choosing the project.
//! - `ask`: the question of each step.
//! - [`receive`]: a typed text, a file or a button becomes one [`Answer`]; each step decides.
//! - `same`: 与上周相同, last week's report shown to confirm.
//! - `evidence`: a photo or a file sent just after 提交 joins the report sent.
//! - `submit`: the report stored through [`crate::services::reporting::submit`], the receipt;
//!   cancelling.
//!
//! Each update is one [`Conversation`]: who, where to answer, and the project's facts, read at
//! most once however many steps the update passes through.

mod ask;
mod begin;
mod evidence;
mod plain;
pub mod receive;
mod same;
pub mod state;
mod submit;

use std::sync::Arc;

use teloxide::dispatching::dialogue::Dialogue;

use crate::bot::BotContext;
use crate::bot::dialogue_storage::TxStorage;
use crate::bot::turn::Turn;
use crate::db::people::Person;
use crate::db::plan::{self, MetricRow};
use crate::domain::report::Status;
use crate::services::reporting;

/// The conversation's buttons live with every other callback data, in [`crate::bot::keyboards`].
pub use crate::bot::keyboards::ReportPress as Press;
pub use begin::start;
pub use evidence::on_file;
pub use receive::{Answer, on_input, on_press};
pub use state::{Draft, PlaceOption, ReportState};
pub use submit::cancel;

pub type ReportDialogue = Dialogue<ReportState, TxStorage>;

/// What the steps need to know of the project: its metrics and the person's last report.
struct Project {
    id: i64,
    metrics: Vec<MetricRow>,
    /// By metric position.
    last: Vec<Option<f64>>,
    last_status: Option<Status>,
}

/// One update's turn in a person's report conversation.
pub struct Conversation<'a> {
    ctx: &'a BotContext,
    turn: &'a Turn,
    dialogue: &'a ReportDialogue,
    person: &'a Person,
    chat: i64,
    project: Option<Arc<Project>>,
}

impl<'a> Conversation<'a> {
    pub fn new(
        ctx: &'a BotContext,
        turn: &'a Turn,
        dialogue: &'a ReportDialogue,
        person: &'a Person,
        chat: i64,
    ) -> Self {
        Self {
            ctx,
            turn,
            dialogue,
            person,
            chat,
            project: None,
        }
    }

    /// The project's metrics and the person's last figures, read once per update: an answer
    /// and the next question look at the same ones, and nothing in between changes them.
    async fn project(&mut self, project_id: i64) -> anyhow::Result<Arc<Project>> {
        if let Some(project) = self.project.as_ref().filter(|p| p.id == project_id) {
            return Ok(Arc::clone(project));
        }
        let mut conn = self.turn.conn().await;
        let metrics = plan::metrics_of_project(&mut conn, project_id).await?;
        let (last, last_status) =
            reporting::last_values(&mut conn, project_id, self.person.id, &metrics).await?;
        drop(conn);
        let project = Arc::new(Project {
            id: project_id,
            metrics,
            last,
            last_status,
        });
        self.project = Some(Arc::clone(&project));
        Ok(project)
    }

    async fn reply(&self, text: impl Into<String>) -> anyhow::Result<()> {
        self.turn.reply(self.chat, text).await?;
        Ok(())
    }
}
