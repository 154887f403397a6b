//! Reports in plain words: "12号项目本周新增5台充电桩，累计45台，停车场完成8处，科技馆西站点完工"
//! read by rules, no language model. [`read`] takes the text and the person's projects as plain
//! data and returns a [`Reading`]: which project, each metric's value and how it was obtained,
//! status, progress, difficulties, and what it could not place. It never picks between two
//! metrics that fit alike; the bot asks. The bot words the reading; nothing here is shown.
//! [`read_each`] cuts a text that names several projects by number into one reading each.

mod number;
mod numeral;
mod project;
mod reader;
mod words;

#[cfg(test)]
mod tests;

pub use numeral::{Number, parse_number};

use crate::domain::metric::MetricKind;
use crate::domain::report::Status;

/// A project as the reader needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlainProject {
    pub no: i64,
    pub title: String,
    pub metrics: Vec<PlainMetric>,
    pub last_status: Option<Status>,
}

/// A metric as the reader needs it: its name and unit pick it, its target and last value
/// decide 新增 and 已完成.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainMetric {
    pub name: String,
    pub kind: MetricKind,
    pub unit: Option<String>,
    pub target: Option<f64>,
    /// Last week's value (1/0 for 是/否), `None` when never reported.
    pub last: Option<f64>,
}

/// Which project the text is about.
#[derive(Debug, Clone, PartialEq)]
pub enum ProjectPick {
    /// Named by number: 12号, 第12项, 项目12.
    Number(i64),
    /// Named by words of its title or its metrics' names.
    Words(i64),
    /// The person has this one project only.
    Only(i64),
    /// Named by a number that is not among the person's projects.
    NotTheirs(i64),
    /// The words fit these projects alike (or several numbers were named).
    Ambiguous(Vec<i64>),
    /// Nothing names one of the person's several projects.
    Unnamed,
}

impl ProjectPick {
    pub fn no(&self) -> Option<i64> {
        match self {
            Self::Number(no) | Self::Words(no) | Self::Only(no) => Some(*no),
            _ => None,
        }
    }
}

/// A metric's new value and how it was obtained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Obtained {
    /// 累计/共/已完成 45, or a number with no marker.
    Total(f64),
    /// 新增/本周完成 5 on top of last week's 40 (0 when never reported): shown as
    /// "45（上周40 + 本周新增5）".
    Added { last: f64, added: f64 },
    /// 已执行 / 未执行 and the like.
    YesNo(bool),
}

impl Obtained {
    /// The value to store: the total, last + added, 1 or 0.
    pub fn value(self) -> f64 {
        match self {
            Self::Total(value) => value,
            Self::Added { last, added } => last + added,
            Self::YesNo(yes) => f64::from(u8::from(yes)),
        }
    }
}

/// A metric (by position in the project's list) and its new value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricValue {
    pub metric: usize,
    pub obtained: Obtained,
}

/// What a clause said that could not be placed on a metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Said {
    /// A number; `added` when 新增/本周 came before it.
    Number {
        value: f64,
        added: bool,
        percent: bool,
    },
    YesNo(bool),
}

/// What the reader could not place; the bot asks about it, listing `candidates` (metric
/// positions).
#[derive(Debug, Clone, PartialEq)]
pub enum Unplaced {
    /// No metric's unit or name fits; `candidates` are the metrics of that kind.
    NoMetric {
        clause: String,
        said: Said,
        candidates: Vec<usize>,
    },
    /// Several metrics fit alike: never pick one.
    SeveralMetrics {
        clause: String,
        said: Said,
        candidates: Vec<usize>,
    },
    /// One metric was given values that do not agree (累计45 and 新增5 over 38).
    TwoValues {
        metric: usize,
        values: Vec<Obtained>,
    },
}

/// What a text says, for the bot to show as a summary to confirm.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub project: ProjectPick,
    /// By metric position, each metric at most once. Empty when no project was picked: read
    /// again with the one project the person then chooses.
    pub values: Vec<MetricValue>,
    /// Suggested: 已完成 only when a finishing word comes with every target met; 进度滞后 on
    /// 滞后; 存在困难 when difficulties are written; `None` when the text says nothing of it.
    pub status: Option<Status>,
    /// The clauses left once values, status and difficulties are taken, joined by "，".
    pub progress: Option<String>,
    /// `Some("")` for 无困难; `None` when not mentioned.
    pub difficulties: Option<String>,
    pub unplaced: Vec<Unplaced>,
}

impl Reading {
    /// Whether the text reads as a report: a value, a status, difficulties, or a project
    /// named. Progress words alone with no project named are not enough (你好 would be
    /// progress), so the bot can point such a text to /report instead.
    pub fn says_anything(&self) -> bool {
        let named = !matches!(self.project, ProjectPick::Unnamed | ProjectPick::Only(_));
        !self.values.is_empty()
            || !self.unplaced.is_empty()
            || self.status.is_some()
            || self.difficulties.is_some()
            || named
    }
}

/// Reads a text that may be about several projects ("12号项目累计45台；3号项目新建1处"): cut
/// where each project is named by number, one reading per part; otherwise the one reading.
pub fn read_each(text: &str, projects: &[PlainProject]) -> Vec<Reading> {
    let chars = numeral::normalize(text);
    let found = project::find_numbers(&chars);
    let mut numbers: Vec<i64> = found.iter().map(|(_, no)| *no).collect();
    numbers.sort_unstable();
    numbers.dedup();
    if numbers.len() < 2 {
        return vec![read(text, projects)];
    }
    // A part runs from where its project is named to where the next different one is; what
    // comes before the first name goes with the first.
    let mut starts: Vec<usize> = vec![0];
    for pair in found.windows(2) {
        if pair[0].1 != pair[1].1 {
            starts.push(pair[1].0.start);
        }
    }
    starts.push(chars.len());
    starts
        .windows(2)
        .map(|part| read(&words::text(&chars[part[0]..part[1]]), projects))
        .collect()
}

/// Reads `text` against the person's `projects`. With no project picked, the values are left
/// for a second reading against the one the person chooses (pass it alone).
pub fn read(text: &str, projects: &[PlainProject]) -> Reading {
    let mut chars = numeral::normalize(text);
    let named = project::take_numbers(&mut chars);
    let project = project::pick(&named, &chars, projects);
    let empty = PlainProject::default();
    let chosen = project
        .no()
        .and_then(|no| projects.iter().find(|p| p.no == no))
        .unwrap_or(&empty);
    reader::read_clauses(&chars, chosen, project)
}
