//! /report and its forms: the step-by-step conversation for a project, or the quick form
//! checked and shown as a summary to confirm.

use crate::bot::BotContext;
use crate::bot::report::state::summary_or_cut;
use crate::bot::report::{Conversation, Draft, ReportDialogue, ReportState};
use crate::bot::texts::report as say;
use crate::bot::turn::Turn;
use crate::db::assignments;
use crate::db::people::Person;
use crate::db::plan::{self, MetricRow};
use crate::domain::args::parse_project_no;
use crate::domain::metric::MetricKind;
use crate::domain::quick::{Filled, QuickError, QuickForm, QuickMetric};
use crate::domain::report::Status;
use crate::services::people as admin;

/// A project a person reports on: (id, no, title).
pub(super) type Mine = (i64, i64, String);

/// /report, /report 12, /report 12 充电桩=45 …, or the button on a prompt.
pub async fn start(
    ctx: &BotContext,
    turn: &Turn,
    dialogue: &ReportDialogue,
    person: &Person,
    chat: i64,
    args: &str,
) -> anyhow::Result<()> {
    Conversation::new(ctx, turn, dialogue, person, chat)
        .start(args)
        .await
}

impl Conversation<'_> {
    async fn start(&mut self, args: &str) -> anyhow::Result<()> {
        let mine = self.assigned().await?;
        if mine.is_empty() {
            self.dialogue.update(ReportState::Idle).await?;
            return self.reply(say::nothing_assigned()).await;
        }
        if let Some(form) = QuickForm::parse(args) {
            return match form {
                Ok(form) => self.quick(&mine, form).await,
                Err(error) => self.reply(refusal(error, &[])).await,
            };
        }
        let chosen = match args.trim() {
            "" if mine.len() == 1 => mine[0].clone(),
            "" => return self.enter(ReportState::ChoosingProject).await,
            text => match parse_project_no(text).and_then(|no| find(&mine, no)) {
                Some(project) => project,
                None => return self.reply(say::not_yours(text.trim(), &mine)).await,
            },
        };
        self.begin(chosen).await
    }

    /// The assigned projects of the person in the current plan.
    pub(super) async fn assigned(&self) -> anyhow::Result<Vec<Mine>> {
        let mut conn = self.turn.conn().await;
        let plan =
            admin::current_plan(&mut conn, self.turn.now(), self.ctx.settings.timezone).await?;
        let all = assignments::of_plan(&mut conn, plan.id).await?;
        Ok(all
            .into_iter()
            .filter(|a| a.person_id == self.person.id)
            .map(|a| (a.project_id, a.project_no, a.title))
            .collect())
    }

    /// A project chosen by its number, typed or pressed.
    pub(super) async fn choose_project(&mut self, no: i64) -> anyhow::Result<()> {
        let mine = self.assigned().await?;
        let Some(chosen) = find(&mine, no) else {
            let why = say::not_yours(&no.to_string(), &mine);
            return self.ask_after(&ReportState::ChoosingProject, &why).await;
        };
        self.begin(chosen).await
    }

    /// The first question for a project: its status.
    async fn begin(&mut self, (id, no, title): Mine) -> anyhow::Result<()> {
        let metrics = plan::metrics_of_project(&mut *self.turn.conn().await, id)
            .await?
            .len();
        self.enter(ReportState::Status(Draft::new(id, no, title, metrics)))
            .await
    }

    /// The quick form: checked against the project, then shown as a summary to confirm.
    async fn quick(&mut self, mine: &[Mine], form: QuickForm) -> anyhow::Result<()> {
        let Some((id, no, title)) = find(mine, form.project_no) else {
            return self
                .reply(say::not_yours(&form.project_no.to_string(), mine))
                .await;
        };
        let project = self.project(id).await?;
        let metrics: Vec<QuickMetric<'_>> = project
            .metrics
            .iter()
            .map(|m| QuickMetric {
                name: &m.name,
                yes_no: m.kind == MetricKind::YesNo,
            })
            .collect();
        let last = Filled {
            status: Some(project.last_status.unwrap_or(Status::OnTrack)),
            values: project.last.clone(),
            progress: None,
            difficulties: None,
        };
        let filled = match form.fill(&metrics, last) {
            Ok(filled) => filled,
            Err(error) => return self.reply(refusal(error, &project.metrics)).await,
        };
        let draft = Draft {
            status: filled.status,
            values: filled.values,
            progress: filled.progress,
            difficulties: filled.difficulties,
            ..Draft::new(id, no, title, project.metrics.len())
        };
        self.enter(summary_or_cut(draft)).await
    }
}

fn find(mine: &[Mine], no: i64) -> Option<Mine> {
    mine.iter().find(|(_, n, _)| *n == no).cloned()
}

fn refusal(error: QuickError, metrics: &[MetricRow]) -> String {
    match error {
        QuickError::Unreadable(pair) => say::unreadable_quick_form(&pair),
        QuickError::UnknownMetric(key) => say::unknown_metric(&key, metrics),
        QuickError::AmbiguousMetric(key) => say::ambiguous_metric(&key, metrics),
        QuickError::NotANumber(typed) => say::not_a_number(&typed),
        QuickError::Negative => say::negative().to_owned(),
        QuickError::BadStatus => say::bad_status().to_owned(),
    }
}
