//! The question of each step, with its buttons.

use crate::bot::keyboards;
use crate::bot::outgoing::Outgoing;
use crate::bot::report::{Conversation, Draft, ReportState};
use crate::bot::texts::report as say;
use crate::db::assignments;
use crate::domain::metric::MetricKind;
use crate::domain::report::{Doubt, MAX_TEXT, doubt};

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

    /// A word about the last answer (why it was not taken, a file received) and the step's
    /// question under it, in one message with the question's buttons: a phone shows one
    /// notification, and the buttons stay under the last message.
    pub(super) async fn ask_after(
        &mut self,
        state: &ReportState,
        note: &str,
    ) -> anyhow::Result<()> {
        let Some(mut question) = self.question(state).await? else {
            return self.reply(note).await;
        };
        let asked = question.body["text"].as_str().unwrap_or_default();
        question.body["text"] = say::note_and_question(note, asked).into();
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
            ReportState::ConfirmDecrease(draft, index, value)
            | ReportState::Doubtful(draft, index, value) => {
                self.doubt_question(draft, *index, *value).await?
            }
            ReportState::TooLong(_, _, text) => {
                Outgoing::text(chat, say::too_long(text.chars().count()))
                    .with_keyboard(&keyboards::report_too_long(MAX_TEXT))
            }
            ReportState::Progress(_) => Outgoing::text(chat, say::ask_progress())
                .with_keyboard(&keyboards::report_nothing()),
            ReportState::Difficulties(_) => Outgoing::text(chat, say::ask_difficulties())
                .with_keyboard(&keyboards::report_nothing()),
            ReportState::Summary(draft) | ReportState::Evidence(draft) => {
                let project = self.project(draft.project_id).await?;
                Outgoing::text(chat, say::summary(draft, &project.metrics, &project.last))
                    .with_keyboard(&keyboards::report_summary())
            }
            ReportState::WhichProject(text) => self.which_project_question(text).await?,
            ReportState::Placing(draft) => self.place_question(draft).await?,
            ReportState::ChoosingEdit(draft) => {
                let project = self.project(draft.project_id).await?;
                Outgoing::text(chat, say::choose_edit()).with_keyboard(&keyboards::report_edits(
                    &project.metrics,
                    draft.evidence.is_some(),
                ))
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

    /// A figure in doubt, asked once: a drop is a correction or a typo; past half again the
    /// target, a typo or a wrong unit. Stored before the check knew targets, a drop may since
    /// have become no doubt at all: it is asked as a drop anyway.
    async fn doubt_question(
        &mut self,
        draft: &Draft,
        index: usize,
        value: f64,
    ) -> anyhow::Result<Outgoing> {
        let project = self.project(draft.project_id).await?;
        let metric = &project.metrics[index];
        let last = project.last[index];
        Ok(match doubt(value, last, metric.target) {
            Some(Doubt::OverTarget { target }) => {
                Outgoing::text(self.chat, say::confirm_over_target(metric, value, target))
                    .with_keyboard(&keyboards::report_over_target(value))
            }
            _ => Outgoing::text(
                self.chat,
                say::confirm_decrease(&metric.name, value, last.unwrap_or_default()),
            )
            .with_keyboard(&keyboards::report_decrease(value)),
        })
    }
}
