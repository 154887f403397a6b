//! 与上周相同 on a weekly prompt: last week's report of the project (status, figures,
//! difficulties) shown as the summary to confirm, progress "与上周相同". A quiet week is this
//! press and 提交. Like the 填写 button it (re)starts the report at any step.

use crate::bot::keyboards;
use crate::bot::outgoing::Outgoing;
use crate::bot::report::{Conversation, Draft, ReportState};
use crate::bot::texts::{cycle as say_cycle, report as say};
use crate::db::{assignments, cycle as cycle_db};
use crate::services::people as admin;

impl Conversation<'_> {
    /// The summary of last week's report for project `no`; with no last report, the
    /// step-by-step report, saying why in its first question.
    pub(super) async fn same_as_last(&mut self, no: i64) -> anyhow::Result<()> {
        let Some((id, title)) = self.mine(no).await? else {
            // Not (or no longer) theirs: answered as the 填写 button would be.
            return self.choose_project(no).await;
        };
        let project = self.project(id).await?;
        let Some(status) = project.last_status else {
            let text = format!(
                "{}\n{}",
                say_cycle::no_last_report(),
                say::ask_status(no, &title)
            );
            let draft = Draft::new(id, no, title, project.metrics.len());
            self.dialogue.update(ReportState::Status(draft)).await?;
            let question =
                Outgoing::text(self.chat, text).with_keyboard(&keyboards::report_statuses());
            self.turn.send(question).await?;
            return Ok(());
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

    /// The person's current assignment to project `no` in the plan running now: (id, title).
    async fn mine(&self, no: i64) -> anyhow::Result<Option<(i64, String)>> {
        let mut conn = self.turn.conn().await;
        let plan =
            admin::current_plan(&mut conn, self.turn.now(), self.ctx.settings.timezone).await?;
        let all = assignments::of_plan(&mut conn, plan.id).await?;
        Ok(all
            .into_iter()
            .find(|a| a.person_id == self.person.id && a.project_no == no)
            .map(|a| (a.project_id, a.title)))
    }
}
