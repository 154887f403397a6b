//! Where a person is in the report conversation, and which step follows an answer. The state
//! is stored as JSON between updates: its shape is kept so a conversation under way survives
//! an upgrade.

use serde::{Deserialize, Serialize};

use crate::domain::report::{MAX_TEXT, Status};

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
    /// The step of evidence before it could come at any step: a state stored then is read as
    /// the summary.
    Evidence(Draft),
    Summary(Draft),
    ChoosingEdit(Draft),
    /// A report in plain words that names none (or several alike) of the person's projects:
    /// the text waits for the project to be chosen, then is read again against it alone.
    WhichProject(String),
    /// A report in plain words with something the reader could not place: the first of
    /// `draft.unplaced` is asked, one question, then the next or the summary.
    Placing(Draft),
    /// A figure in doubt ([`crate::domain::report::doubt`]: a drop, or past 1.5 × target),
    /// waiting to be confirmed or typed again. A [`ReportState::ConfirmDecrease`] stored before
    /// the upgrade is taken the same way.
    Doubtful(Draft, usize, f64),
    /// A text over [`MAX_TEXT`] characters, as typed, offered to be kept in its first part.
    TooLong(Draft, TextField, String),
}

/// Progress or difficulties: the two free texts of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextField {
    Progress,
    Difficulties,
}

impl TextField {
    fn of(self, draft: &Draft) -> Option<&String> {
        match self {
            Self::Progress => draft.progress.as_ref(),
            Self::Difficulties => draft.difficulties.as_ref(),
        }
    }

    /// The draft with this text set.
    pub fn set(self, draft: &Draft, text: Option<String>) -> Draft {
        let mut draft = draft.clone();
        match self {
            Self::Progress => draft.progress = text,
            Self::Difficulties => draft.difficulties = text,
        }
        draft
    }

    /// The step that asks for this text.
    pub fn step(self, draft: Draft) -> ReportState {
        match self {
            Self::Progress => ReportState::Progress(draft),
            Self::Difficulties => ReportState::Difficulties(draft),
        }
    }
}

impl ReportState {
    /// What was collected so far, at a step of a report under way.
    pub fn draft(&self) -> Option<&Draft> {
        match self {
            Self::Idle | Self::ChoosingProject | Self::WhichProject(_) => None,
            Self::Status(draft)
            | Self::Metric(draft, _)
            | Self::ConfirmDecrease(draft, ..)
            | Self::Progress(draft)
            | Self::Difficulties(draft)
            | Self::Evidence(draft)
            | Self::Summary(draft)
            | Self::ChoosingEdit(draft)
            | Self::Placing(draft)
            | Self::Doubtful(draft, ..)
            | Self::TooLong(draft, ..) => Some(draft),
        }
    }

    /// The same step with another draft (a file attached while it waits).
    pub fn with_draft(&self, draft: Draft) -> Self {
        match self {
            Self::Idle | Self::ChoosingProject | Self::WhichProject(_) => self.clone(),
            Self::Status(_) => Self::Status(draft),
            Self::Metric(_, index) => Self::Metric(draft, *index),
            Self::ConfirmDecrease(_, index, value) => Self::ConfirmDecrease(draft, *index, *value),
            Self::Progress(_) => Self::Progress(draft),
            Self::Difficulties(_) => Self::Difficulties(draft),
            Self::Evidence(_) => Self::Evidence(draft),
            Self::Summary(_) => Self::Summary(draft),
            Self::ChoosingEdit(_) => Self::ChoosingEdit(draft),
            Self::Placing(_) => Self::Placing(draft),
            Self::Doubtful(_, index, value) => Self::Doubtful(draft, *index, *value),
            Self::TooLong(_, field, text) => Self::TooLong(draft, *field, text.clone()),
        }
    }
}

/// The summary of a draft, unless one of its texts runs over [`MAX_TEXT`] (the quick form, plain
/// words): that text is offered to be cut first, and the summary follows.
pub fn summary_or_cut(draft: Draft) -> ReportState {
    for field in [TextField::Progress, TextField::Difficulties] {
        if let Some(text) = field.of(&draft).filter(|t| t.chars().count() > MAX_TEXT) {
            let text = text.clone();
            let draft = Draft {
                editing: true,
                ..field.set(&draft, None)
            };
            return ReportState::TooLong(draft, field, text);
        }
    }
    ReportState::Summary(Draft {
        editing: false,
        ..draft
    })
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

    /// Where a draft read from plain words goes first: its open question, or the summary (an
    /// over-long text offered cut first).
    pub fn confirm(self) -> ReportState {
        if self.unplaced.is_empty() {
            summary_or_cut(self)
        } else {
            ReportState::Placing(self)
        }
    }
}

/// The step after one is answered: the next question, or the summary when editing one field.
pub fn after(draft: Draft, answered: &ReportState, metrics: usize) -> ReportState {
    if draft.editing {
        return summary_or_cut(draft);
    }
    match answered {
        ReportState::Status(_) if metrics > 0 => ReportState::Metric(draft, 0),
        ReportState::Status(_) => ReportState::Progress(draft),
        ReportState::Metric(_, i)
        | ReportState::ConfirmDecrease(_, i, _)
        | ReportState::Doubtful(_, i, _)
            if i + 1 < metrics =>
        {
            ReportState::Metric(draft, i + 1)
        }
        ReportState::Metric(..) | ReportState::ConfirmDecrease(..) | ReportState::Doubtful(..) => {
            ReportState::Progress(draft)
        }
        ReportState::Progress(_) | ReportState::TooLong(_, TextField::Progress, _) => {
            ReportState::Difficulties(draft)
        }
        // Evidence comes at any step: after the difficulties, the summary.
        _ => summary_or_cut(draft),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A draft as the version before evidence-at-any-step stored it.
    const STORED: &str = r#"{"project_id":1,"project_no":12,"title":"新建公共充电桩","status":"on_track","values":[45.0],"progress":"西站完工","difficulties":"","evidence":null,"editing":false}"#;

    fn stored() -> Draft {
        serde_json::from_str(STORED).unwrap()
    }

    #[test]
    fn states_stored_before_the_upgrade_still_read_and_lead_on() {
        let evidence: ReportState =
            serde_json::from_str(&format!(r#"{{"Evidence":{STORED}}}"#)).unwrap();
        assert_eq!(evidence, ReportState::Evidence(stored()));
        assert_eq!(evidence.draft(), Some(&stored()));
        let decrease: ReportState =
            serde_json::from_str(&format!(r#"{{"ConfirmDecrease":[{STORED},0,40.0]}}"#)).unwrap();
        assert_eq!(
            after(stored(), &decrease, 1),
            ReportState::Progress(stored()),
            "confirmed, the next step as before"
        );
        assert_eq!(
            after(stored(), &ReportState::Difficulties(stored()), 1),
            ReportState::Summary(stored()),
            "no evidence step"
        );
    }

    #[test]
    fn an_over_long_text_of_a_filled_draft_is_offered_cut_before_the_summary() {
        let long = "字".repeat(MAX_TEXT + 1);
        let draft = Draft {
            difficulties: Some(long.clone()),
            ..stored()
        };
        let ReportState::TooLong(held, TextField::Difficulties, text) = summary_or_cut(draft)
        else {
            panic!("the difficulties are offered cut");
        };
        assert_eq!(text, long);
        assert_eq!(held.difficulties, None);
        assert!(held.editing, "then back to the summary");
        assert_eq!(summary_or_cut(stored()), ReportState::Summary(stored()));
    }
}
