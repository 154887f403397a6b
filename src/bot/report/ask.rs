//! The question of each step, with its buttons.

use crate::bot::keyboards;
use crate::bot::outgoing::Outgoing;
use crate::bot::report::{Conversation, Draft, ReportState};
use crate::bot::texts::report as say;
use crate::db::assignments;
use crate::domain::metric::MetricKind;

impl Conversation<'_> {
    /// Moves to a step and asks its question.
    pub(super) async fn enter(&mut self, state: ReportState) -> anyhow::Result<()> {
        self.dialogue.update(state.clone()).await?;
        self.ask(&state).await
    }

    pub(super) async fn ask(&mut self, state: &ReportState) -> anyhow::Result<()> {
        let Some(question) = self.question(state).await? else {
            return Ok(());
        };
        self.turn.send(question).await?;
        Ok(())
    }

    async fn question(&mut self, state: &ReportState) -> anyhow::Result<Option<Outgoing>> {
        let chat = self.chat;
        Ok(Some(match state {
            ReportState::Idle => return Ok(None),
            ReportState::ChoosingProject => {
                let mine =
                    assignments::of_person(&mut *self.turn.conn().await, self.person.id).await?;
                Outgoing::text(chat, say::choose_project())
                    .with_keyboard(&keyboards::report_projects(&mine))
            }
            ReportState::Status(draft) => {
                Outgoing::text(chat, say::ask_status(draft.project_no, &draft.title))
                    .with_keyboard(&keyboards::report_statuses())
            }
            ReportState::Metric(draft, index) => self.metric_question(draft, *index).await?,
            ReportState::ConfirmDecrease(draft, index, value) => {
                let project = self.project(draft.project_id).await?;
                let last = project.last[*index].unwrap_or_default();
                let name = &project.metrics[*index].name;
                Outgoing::text(chat, say::confirm_decrease(name, *value, last))
                    .with_keyboard(&keyboards::report_decrease(*value))
            }
            ReportState::Progress(_) => Outgoing::text(chat, say::ask_progress())
                .with_keyboard(&keyboards::report_nothing()),
            ReportState::Difficulties(_) => Outgoing::text(chat, say::ask_difficulties())
                .with_keyboard(&keyboards::report_nothing()),
            ReportState::Evidence(_) => {
                Outgoing::text(chat, say::ask_evidence()).with_keyboard(&keyboards::report_skip())
            }
            ReportState::Summary(draft) => {
                let project = self.project(draft.project_id).await?;
                Outgoing::text(chat, say::summary(draft, &project.metrics, &project.last))
                    .with_keyboard(&keyboards::report_summary())
            }
            ReportState::WhichProject(text) => self.which_project_question(text).await?,
            ReportState::Placing(draft) => self.place_question(draft).await?,
            ReportState::ChoosingEdit(draft) => {
                let project = self.project(draft.project_id).await?;
                Outgoing::text(chat, say::choose_edit())
                    .with_keyboard(&keyboards::report_edits(&project.metrics))
            }
        }))
    }

    /// A metric's question shows its target and the last figure; a yes/no one has 是/否.
    async fn metric_question(&mut self, draft: &Draft, index: usize) -> anyhow::Result<Outgoing> {
        let project = self.project(draft.project_id).await?;
        let metric = &project.metrics[index];
        let last = project.last[index];
        let question = say::ask_metric(index + 1, project.metrics.len(), metric, last);
        let yes_no = metric.kind == MetricKind::YesNo;
        Ok(Outgoing::text(self.chat, question)
            .with_keyboard(&keyboards::report_metric(yes_no, last)))
    }
}
