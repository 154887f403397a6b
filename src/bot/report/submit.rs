//! The end of a report: stored with its receipt, or cancelled with nothing saved.

use crate::bot::report::{Conversation, Draft, ReportDialogue, ReportState};
use crate::bot::texts::report as say;
use crate::bot::turn::Turn;
use crate::services::reporting::{self, Answers, Submitted};

impl Conversation<'_> {
    /// 提交 on the summary.
    pub(super) async fn submit(&mut self, draft: Draft) -> anyhow::Result<()> {
        let answers = Answers {
            project_id: draft.project_id,
            person_id: self.person.id,
            status: draft.status,
            values: &draft.values,
            progress: draft.progress.as_deref(),
            difficulties: draft.difficulties.as_deref(),
            evidence: draft
                .evidence
                .as_ref()
                .map(|(kind, id)| (kind.as_str(), id.as_str())),
        };
        let submitted = reporting::submit(
            &mut *self.turn.conn().await,
            &self.ctx.settings,
            &answers,
            self.turn.now(),
        )
        .await?;
        self.dialogue.update(ReportState::Idle).await?;
        let receipt = match submitted {
            Submitted::NoLongerAssigned => {
                return self.reply(say::no_longer_yours(draft.project_no)).await;
            }
            Submitted::Stored(receipt) => receipt,
        };
        tracing::info!(
            person = self.person.id,
            project = draft.project_no,
            report = receipt.saved.report_id,
            version = receipt.saved.version,
            late = receipt.saved.week.late,
            expected = receipt.saved.week.expected,
            "report saved"
        );
        self.reply(say::receipt(
            &draft,
            &receipt.saved,
            receipt.role,
            &receipt.figures,
            &receipt.verdict,
        ))
        .await?;
        // Plain words about several projects: the next one's summary follows its receipt.
        let mut rest = draft.next.into_iter();
        if let Some(mut next) = rest.next() {
            next.next = rest.collect();
            self.enter(next.confirm()).await?;
        }
        Ok(())
    }
}

/// /cancel, or 取消 on the summary: nothing is saved.
pub async fn cancel(turn: &Turn, dialogue: &ReportDialogue, chat: i64) -> anyhow::Result<()> {
    let was = dialogue.get().await?.unwrap_or_default();
    dialogue.update(ReportState::Idle).await?;
    let text = if was == ReportState::Idle {
        say::nothing_to_cancel()
    } else {
        say::cancelled()
    };
    turn.reply(chat, text).await?;
    Ok(())
}
