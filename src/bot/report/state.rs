//! Where a person is in the report conversation, and which step follows an answer. The state
//! is stored as JSON between updates: its shape is kept so a conversation under way survives
//! an upgrade.

use serde::{Deserialize, Serialize};

use crate::domain::report::Status;

/// Where a person is in the conversation; each step carries what was collected so far.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum ReportState {
    #[default]
    Idle,
    ChoosingProject,
    Status(Draft),
    Metric(Draft, usize),
    /// A value below the last one, waiting to be confirmed as a correction.
    ConfirmDecrease(Draft, usize, f64),
    Progress(Draft),
    Difficulties(Draft),
    Evidence(Draft),
    Summary(Draft),
    ChoosingEdit(Draft),
    /// A report in plain words that names none (or several alike) of the person's projects:
    /// the text waits for the project to be chosen, then is read again against it alone.
    WhichProject(String),
    /// A report in plain words with something the reader could not place: the first of
    /// `draft.unplaced` is asked, one question, then the next or the summary.
    Placing(Draft),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub project_id: i64,
    pub project_no: i64,
    pub title: String,
    pub status: Option<Status>,
    /// By metric position.
    pub values: Vec<Option<f64>>,
    pub progress: Option<String>,
    pub difficulties: Option<String>,
    /// ("photo" | "document", Telegram file id)
    pub evidence: Option<(String, String)>,
    /// Answering one field after 修改: back to the summary next.
    pub editing: bool,
    /// By metric position: what 新增 added to the last figure, to show "45（上周40 + 本周新增5）".
    #[serde(default)]
    pub added: Vec<Option<f64>>,
    /// What plain words said that the reader could not place, asked one at a time.
    #[serde(default)]
    pub unplaced: Vec<Placing>,
    /// Further projects of the same plain-words message, confirmed one after another.
    #[serde(default)]
    pub next: Vec<Draft>,
}

/// A question about a part of plain words: which of `options` it means, or none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Placing {
    /// The words as written ("停车场完成8处").
    pub clause: String,
    pub options: Vec<PlaceOption>,
}

/// One answer to a [`Placing`]: a metric (by position) and the value it would take.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaceOption {
    pub metric: usize,
    pub value: f64,
    /// When the words said 新增: the amount added to the last figure.
    pub added: Option<f64>,
}

impl Draft {
    pub fn new(project_id: i64, project_no: i64, title: String, metrics: usize) -> Self {
        Self {
            project_id,
            project_no,
            title,
            status: None,
            values: vec![None; metrics],
            progress: None,
            difficulties: None,
            evidence: None,
            editing: false,
            added: vec![None; metrics],
            unplaced: Vec::new(),
            next: Vec::new(),
        }
    }

    /// Where a draft read from plain words goes first: its open question, or the summary.
    pub fn confirm(self) -> ReportState {
        if self.unplaced.is_empty() {
            ReportState::Summary(self)
        } else {
            ReportState::Placing(self)
        }
    }
}

/// The step after one is answered: the next question, or the summary when editing one field.
pub fn after(draft: Draft, answered: &ReportState, metrics: usize) -> ReportState {
    if draft.editing {
        return ReportState::Summary(Draft {
            editing: false,
            ..draft
        });
    }
    match answered {
        ReportState::Status(_) if metrics > 0 => ReportState::Metric(draft, 0),
        ReportState::Status(_) => ReportState::Progress(draft),
        ReportState::Metric(_, i) | ReportState::ConfirmDecrease(_, i, _) if i + 1 < metrics => {
            ReportState::Metric(draft, i + 1)
        }
        ReportState::Metric(..) | ReportState::ConfirmDecrease(..) => ReportState::Progress(draft),
        ReportState::Progress(_) => ReportState::Difficulties(draft),
        ReportState::Difficulties(_) => ReportState::Evidence(draft),
        _ => ReportState::Summary(draft),
    }
}
