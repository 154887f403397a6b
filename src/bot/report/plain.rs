//! Reports in plain words (issue 13): a contact writes "12号项目本周新增5台，累计45台，无困难"
//! as an answer to the prompt or at any time; [`crate::domain::plain`] reads it against the
//! person's projects and the conversation shows what it understood as the summary to confirm.
//! What the reader could not place is asked, one question each; a text that names none of
//! several projects waits while the person chooses one.

use crate::bot::keyboards;
use crate::bot::outgoing::Outgoing;
use crate::bot::report::begin::Mine;
use crate::bot::report::state::{PlaceOption, Placing};
use crate::bot::report::{Conversation, Draft, Project, ReportState};
use crate::bot::texts::plain as say;
use crate::bot::texts::report as report_say;
use crate::db::assignments;
use crate::domain::metric::MetricKind;
use crate::domain::plain::{
    self, MetricValue, Obtained, PlainMetric, PlainProject, ProjectPick, Reading, Said, Unplaced,
};
use crate::domain::report::Status;

/// How much a text must say to be taken as plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bar {
    /// With no report under way: a figure, a status, difficulties or a project named.
    Anything,
    /// Typed in the middle of a report: figures only, so that "进度正常" typed where a status
    /// is asked is not taken for a new report.
    Figures,
}

/// What became of a text offered as plain words.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Taken {
    /// Read as a report: its summary, its question or the choice of project was sent.
    Read,
    /// It does not read as a report (你好, 收到): the caller answers as it would have.
    NotAReport,
}

impl Conversation<'_> {
    /// Reads `text` as a report in plain words, against the person's projects (or the one
    /// `chosen` after [`ReportState::WhichProject`]), if it says enough to clear `bar`.
    pub(super) async fn plain(
        &mut self,
        text: &str,
        chosen: Option<i64>,
        bar: Bar,
    ) -> anyhow::Result<Taken> {
        let mut mine = self.assigned().await?;
        if let Some(no) = chosen {
            if !mine.iter().any(|(_, n, _)| *n == no) {
                self.reply(report_say::not_yours(&no.to_string(), &mine))
                    .await?;
                return Ok(Taken::Read);
            }
            mine.retain(|(_, n, _)| *n == no);
        }
        if mine.is_empty() {
            return Ok(Taken::NotAReport);
        }
        let mut projects = Vec::with_capacity(mine.len());
        for (id, no, title) in &mine {
            let project = self.project(*id).await?;
            projects.push(plain_project(*no, title, &project));
        }
        let readings = plain::read_each(text, &projects);
        if chosen.is_none() && !clears(bar, text, &readings, &projects) {
            return Ok(Taken::NotAReport);
        }
        let mut drafts = Vec::new();
        let mut not_theirs = None;
        for reading in readings {
            match &reading.project {
                ProjectPick::Ambiguous(_) | ProjectPick::Unnamed if drafts.is_empty() => {
                    return self.which_project(text).await.map(|()| Taken::Read);
                }
                ProjectPick::NotTheirs(no) => not_theirs = Some(*no),
                pick => {
                    let Some(mine) = pick.no().and_then(|no| mine.iter().find(|m| m.1 == no))
                    else {
                        continue;
                    };
                    let project = self.project(mine.0).await?;
                    drafts.push(draft_of(mine, &project, reading));
                }
            }
        }
        let mut drafts = drafts.into_iter();
        let Some(mut first) = drafts.next() else {
            let no = not_theirs.map_or_else(|| text.to_owned(), |no| no.to_string());
            self.reply(report_say::not_yours(&no, &mine)).await?;
            return Ok(Taken::Read);
        };
        first.next = drafts.collect();
        self.enter(first.confirm()).await?;
        Ok(Taken::Read)
    }

    /// Keeps the text and asks which project it is about.
    async fn which_project(&mut self, text: &str) -> anyhow::Result<()> {
        let state = ReportState::WhichProject(text.to_owned());
        self.dialogue.update(state.clone()).await?;
        self.ask(&state).await
    }

    /// The question of [`ReportState::WhichProject`]: the person's projects (those the words
    /// fit, when they fit some) as buttons.
    pub(super) async fn which_project_question(&mut self, text: &str) -> anyhow::Result<Outgoing> {
        let mut mine = assignments::of_person(&mut *self.turn.conn().await, self.person.id).await?;
        let projects = self.assigned().await?;
        let mut plain_projects = Vec::with_capacity(projects.len());
        for (id, no, title) in &projects {
            let project = self.project(*id).await?;
            plain_projects.push(plain_project(*no, title, &project));
        }
        if let ProjectPick::Ambiguous(nos) = plain::read(text, &plain_projects).project {
            mine.retain(|a| nos.contains(&a.project_no));
        }
        Ok(Outgoing::text(self.chat, say::which_project())
            .with_keyboard(&keyboards::report_projects(&mine)))
    }

    /// The question of [`ReportState::Placing`]: the first thing not placed, its options.
    pub(super) async fn place_question(&mut self, draft: &Draft) -> anyhow::Result<Outgoing> {
        let project = self.project(draft.project_id).await?;
        let Some(placing) = draft.unplaced.first() else {
            return Ok(Outgoing::text(self.chat, say::which_project()));
        };
        let labels: Vec<String> = placing
            .options
            .iter()
            .map(|option| say::place_option(&project.metrics, option))
            .collect();
        Ok(
            Outgoing::text(self.chat, say::place_question(draft, &placing.clause))
                .with_keyboard(&keyboards::report_place(&labels)),
        )
    }
}

/// Whether the words read as a report. With no project named among several, the reader
/// keeps the figures for a second reading: they count if they say something of any project.
fn clears(bar: Bar, text: &str, readings: &[Reading], projects: &[PlainProject]) -> bool {
    let says = |reading: &Reading| match bar {
        Bar::Anything => reading.says_anything(),
        Bar::Figures => !reading.values.is_empty() || !reading.unplaced.is_empty(),
    };
    readings.iter().any(says)
        || matches!(readings, [one] if one.project == ProjectPick::Unnamed)
            && projects
                .iter()
                .any(|p| says(&plain::read(text, std::slice::from_ref(p))))
}

/// The answer to a [`Placing`]: the option taken (or none), then the next question or the
/// summary.
pub(super) fn placed(draft: &Draft, option: Option<usize>) -> Option<ReportState> {
    let mut draft = draft.clone();
    let placing = draft.unplaced.first()?.clone();
    if let Some(index) = option {
        let chosen = placing.options.get(index)?;
        if let Some(value) = draft.values.get_mut(chosen.metric) {
            *value = Some(chosen.value);
        }
        if let Some(added) = draft.added.get_mut(chosen.metric) {
            *added = chosen.added;
        }
    }
    draft.unplaced.remove(0);
    Some(draft.confirm())
}

/// A project as the reader needs it: names, units, targets and the person's last figures.
fn plain_project(no: i64, title: &str, project: &Project) -> PlainProject {
    PlainProject {
        no,
        title: title.to_owned(),
        metrics: project
            .metrics
            .iter()
            .zip(&project.last)
            .map(|(m, last)| PlainMetric {
                name: m.name.clone(),
                kind: m.kind,
                unit: m.unit.clone(),
                target: m.target,
                last: *last,
            })
            .collect(),
        last_status: project.last_status,
    }
}

/// The draft a reading makes: last week's figures and status where the words say nothing,
/// the words' values over them, and the questions for what could not be placed.
fn draft_of((id, no, title): &Mine, project: &Project, reading: Reading) -> Draft {
    let mut draft = Draft::new(*id, *no, title.clone(), project.metrics.len());
    draft.values = project.last.clone();
    draft.status = reading
        .status
        .or(project.last_status)
        .or(Some(Status::OnTrack));
    draft.progress = reading.progress;
    draft.difficulties = reading.difficulties;
    for MetricValue { metric, obtained } in reading.values {
        if metric < draft.values.len() {
            draft.values[metric] = Some(obtained.value());
            draft.added[metric] = added(obtained);
        }
    }
    draft.unplaced = reading
        .unplaced
        .into_iter()
        .filter_map(|unplaced| placing(project, unplaced))
        .collect();
    draft
}

fn added(obtained: Obtained) -> Option<f64> {
    match obtained {
        Obtained::Added { added, .. } => Some(added),
        _ => None,
    }
}

/// One question for what the reader could not place; `None` when there is nothing to offer
/// (a number in a project with no metric of its kind stays out of the report).
fn placing(project: &Project, unplaced: Unplaced) -> Option<Placing> {
    let (clause, options) = match unplaced {
        Unplaced::NoMetric {
            clause,
            said,
            candidates,
        }
        | Unplaced::SeveralMetrics {
            clause,
            said,
            candidates,
        } => {
            let options = candidates
                .into_iter()
                .filter_map(|metric| option_of(project, metric, said))
                .collect();
            (clause, options)
        }
        Unplaced::TwoValues { metric, values } => {
            let name = project.metrics.get(metric)?.name.clone();
            let options = values
                .into_iter()
                .map(|obtained| PlaceOption {
                    metric,
                    value: obtained.value(),
                    added: added(obtained),
                })
                .collect();
            (name, options)
        }
    };
    let options: Vec<PlaceOption> = options;
    (!options.is_empty()).then_some(Placing { clause, options })
}

/// What a number (or 是/否) said would make of one metric.
fn option_of(project: &Project, metric: usize, said: Said) -> Option<PlaceOption> {
    let row = project.metrics.get(metric)?;
    let last = project.last.get(metric).copied().flatten().unwrap_or(0.0);
    Some(match said {
        Said::YesNo(yes) => PlaceOption {
            metric,
            value: f64::from(u8::from(yes)),
            added: None,
        },
        Said::Number { .. } if row.kind == MetricKind::YesNo => return None,
        Said::Number {
            value, added: true, ..
        } => PlaceOption {
            metric,
            value: last + value,
            added: Some(value),
        },
        Said::Number {
            value,
            percent: true,
            ..
        } if !row.unit.as_deref().is_some_and(|u| u.contains('%')) => PlaceOption {
            metric,
            value: row.target.unwrap_or(100.0) * value / 100.0,
            added: None,
        },
        Said::Number { value, .. } => PlaceOption {
            metric,
            value,
            added: None,
        },
    })
}
