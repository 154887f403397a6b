//! What a digest holds: each project's state (a colour only when a report supports one), the
//! reporting rate, missed deadlines, open difficulties, and what changed since the reader's
//! previous digest, with the snapshot kept to compare the next one against.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::db::plan::ProjectRow;
use crate::domain::colour::{Colour, State};
use crate::domain::dekad::Period;
use crate::domain::metric::Figure;

/// One project's line in a digest.
#[derive(Debug, Clone)]
pub struct ProjectState {
    pub no: i64,
    pub title: String,
    pub lead_unit: String,
    pub state: State,
    pub reasons: Vec<String>,
    /// 序时进度: the share of the project's time elapsed at the digest's day, in percent.
    pub expected: f64,
    /// Each metric against its target, in the project's order.
    pub metrics: Vec<Figure>,
    /// Weeks in a row, up to the digest, whose deadline passed without a lead report.
    pub missed_weeks: u32,
}

impl ProjectState {
    pub fn colour(&self) -> Option<Colour> {
        self.state.colour()
    }
}

#[derive(Debug, Clone)]
pub struct Missed {
    pub deadline: NaiveDate,
    pub no: i64,
    pub unit: String,
    pub contact: String,
    /// Weeks in a row the project has gone without a report.
    pub weeks: u32,
}

/// Whose projects a digest covers, in words: whole categories, and single projects of the
/// others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopePart {
    Category { numeral: String, name: String },
    Project { no: i64, title: String },
}

#[derive(Debug, Clone)]
pub struct Digest {
    pub period: Period,
    pub plan_name: String,
    /// The reader's scope; `None` for the whole plan.
    pub scope: Option<Vec<ScopePart>>,
    /// The day 序时进度 is measured at: the period's last day, or today for a digest so far.
    pub as_of: NaiveDate,
    /// A digest of the period so far (/digest), labelled "截至" its day.
    pub so_far: bool,
    pub received: usize,
    pub expected: usize,
    /// Red, then yellow, then unreported, then blue; by number within each.
    pub projects: Vec<ProjectState>,
    pub missed: Vec<Missed>,
    /// Open difficulties, by project and day raised.
    pub difficulties: Vec<Difficulty>,
    /// Projects whose state changed since the reader's previous digest.
    pub changes: Vec<Change>,
    /// Projects whose figures moved since the reader's previous digest.
    pub moves: Vec<Moved>,
    /// Whether there was a previous digest to compare with.
    pub compared: bool,
}

/// A difficulty a project reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Difficulty {
    pub no: i64,
    /// The project's lead unit.
    pub unit: String,
    pub text: String,
    /// The local day it was raised.
    pub raised_on: NaiveDate,
    /// Days from then to the digest's day.
    pub days_open: i64,
    pub resolved: bool,
}

/// A project's state before (in the reader's previous digest) and now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub no: i64,
    pub title: String,
    pub before: State,
    pub now: State,
}

/// A project's figures that moved since the previous digest: each figure now, with the value
/// it had then.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    pub no: i64,
    pub figures: Vec<(Figure, f64)>,
}

/// What a digest keeps of a project to compare the next one against: its state and figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub state: String,
    #[serde(default)]
    pub values: Vec<Option<f64>>,
}

/// A stored snapshot: digests before issue 12 kept only the colour's label.
#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Label(String),
    Snapshot(Snapshot),
}

/// The snapshots of a stored digest summary, by project number; empty when unreadable.
pub fn snapshots(summary: Option<&str>) -> BTreeMap<String, Snapshot> {
    let stored: BTreeMap<String, Stored> = summary
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    stored
        .into_iter()
        .map(|(no, stored)| {
            let snapshot = match stored {
                Stored::Label(state) => Snapshot {
                    state,
                    values: Vec::new(),
                },
                Stored::Snapshot(snapshot) => snapshot,
            };
            (no, snapshot)
        })
        .collect()
}

impl Digest {
    /// Each project's state and figures by number, kept with the digest for the next.
    pub fn snapshot(&self) -> BTreeMap<String, Snapshot> {
        self.projects
            .iter()
            .map(|p| {
                let snapshot = Snapshot {
                    state: p.state.label().to_owned(),
                    values: p.metrics.iter().map(|f| f.value).collect(),
                };
                (p.no.to_string(), snapshot)
            })
            .collect()
    }

    pub fn count(&self, state: State) -> usize {
        self.projects.iter().filter(|p| p.state == state).count()
    }
}

/// The scope in words: whole categories where every project of one is in scope, else its
/// projects one by one. `all` is the plan's projects, by number.
pub fn scope_parts(all: &[ProjectRow], in_scope: impl Fn(i64) -> bool) -> Vec<ScopePart> {
    let mut parts = Vec::new();
    let mut categories: Vec<&str> = Vec::new();
    for row in all {
        if !categories.contains(&row.category_numeral.as_str()) {
            categories.push(&row.category_numeral);
        }
    }
    for numeral in categories {
        let rows: Vec<&ProjectRow> = all
            .iter()
            .filter(|r| r.category_numeral == numeral)
            .collect();
        if rows.iter().all(|r| in_scope(r.id)) {
            parts.push(ScopePart::Category {
                numeral: numeral.to_owned(),
                name: rows[0].category_name.clone(),
            });
        } else {
            parts.extend(
                rows.iter()
                    .filter(|r| in_scope(r.id))
                    .map(|r| ScopePart::Project {
                        no: r.no,
                        title: r.title.clone(),
                    }),
            );
        }
    }
    parts
}

/// What changed since `previous`: states, and the figures that moved.
pub fn compare(
    projects: &[ProjectState],
    previous: &BTreeMap<String, Snapshot>,
) -> (Vec<Change>, Vec<Moved>) {
    let mut changes = Vec::new();
    let mut moves = Vec::new();
    let mut by_number: Vec<&ProjectState> = projects.iter().collect();
    by_number.sort_by_key(|p| p.no);
    for p in by_number {
        let Some(before) = previous.get(&p.no.to_string()) else {
            continue;
        };
        if let Some(state) = State::from_label(&before.state)
            && state != p.state
        {
            changes.push(Change {
                no: p.no,
                title: p.title.clone(),
                before: state,
                now: p.state,
            });
        }
        let figures: Vec<(Figure, f64)> = p
            .metrics
            .iter()
            .zip(&before.values)
            .filter_map(|(figure, then)| match (figure.value, then) {
                (Some(now), Some(then)) if now != *then => Some((figure.clone(), *then)),
                _ => None,
            })
            .collect();
        if !figures.is_empty() {
            moves.push(Moved { no: p.no, figures });
        }
    }
    (changes, moves)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_digest_summary_of_colour_labels_still_reads() {
        let old = snapshots(Some(r#"{"3":"黄"}"#));
        assert_eq!(old["3"].state, "黄");
        let new = snapshots(Some(r#"{"3":{"state":"未报送","values":[null]}}"#));
        assert_eq!(new["3"].values, vec![None]);
        assert!(snapshots(Some("not json")).is_empty());
        assert!(snapshots(None).is_empty());
    }
}
