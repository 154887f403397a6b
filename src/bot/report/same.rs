//! 与上周相同 on a weekly prompt: last week's report of the project (status, figures,
//! difficulties) shown as the summary to confirm, progress "与上周相同". A quiet week is this
//! press and 提交. Like the 填写 button it (re)starts the report at any step.

use crate::bot::report::{Conversation, Draft, ReportState};
use crate::bot::texts::cycle as say_cycle;
use crate::db::cycle as cycle_db;

impl Conversation<'_> {
    /// The summary of last week's report for project `no`; with no last report, the
    /// step-by-step report, saying why in its first question.
    pub(super) async fn same_as_last(&mut self, no: i64) -> anyhow::Result<()> {
        let mine = self.assigned().await?;
        let Some((id, _, title)) = mine.into_iter().find(|(_, n, _)| *n == no) else {
            // Not (or no longer) theirs: answered as the 填写 button would be.
            return self.choose_project(no).await;
        };
        let project = self.project(id).await?;
        let Some(status) = project.last_status else {
            let state = ReportState::Status(Draft::new(id, no, title, project.metrics.len()));
            self.dialogue.update(state.clone()).await?;
            return self.ask_after(&state, say_cycle::no_last_report()).await;
        };
        let difficulties =
            cycle_db::last_difficulties(&mut *self.turn.conn().await, id, self.person.id).await?;
        let draft = Draft {
            status: Some(status),
            values: project.last.clone(),
            progress: Some(say_cycle::SAME_AS_LAST.to_owned()),
            difficulties,
            ..Draft::new(id, no, title, project.metrics.len())
        };
        self.enter(ReportState::Summary(draft)).await
    }
}
