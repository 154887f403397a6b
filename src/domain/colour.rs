//! The 蓝黄红 three-colour rule (SPEC.md §6), as one pure function with its reasons in words.

use chrono::NaiveDate;

use crate::config::ColourSettings;
use crate::domain::report::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Colour {
    Blue,
    Yellow,
    Red,
}

impl Colour {
    pub fn label(self) -> &'static str {
        match self {
            Self::Blue => "蓝",
            Self::Yellow => "黄",
            Self::Red => "红",
        }
    }

    /// The colour of its label, as digests store it.
    pub fn from_label(text: &str) -> Option<Self> {
        [Self::Blue, Self::Yellow, Self::Red]
            .into_iter()
            .find(|c| c.label() == text)
    }

    pub fn emoji(self) -> &'static str {
        match self {
            Self::Blue => "🔵",
            Self::Yellow => "🟡",
            Self::Red => "🔴",
        }
    }
}

/// A project's state in a digest: a colour only when a lead report supports one; otherwise why
/// there is none (SPEC.md §6: a project with no report has no colour, it is counted apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Colour(Colour),
    /// A lead contact is assigned, but no lead report has come in.
    Unreported,
    /// No active lead contact, and no report.
    NoContact,
}

impl State {
    /// The state the rule's verdict supports: its colour once the project has a lead report.
    pub fn of(verdict: &Verdict, reported: bool, lead_contact: bool) -> Self {
        match (reported, lead_contact) {
            (true, _) => Self::Colour(verdict.colour),
            (false, true) => Self::Unreported,
            (false, false) => Self::NoContact,
        }
    }

    pub fn colour(self) -> Option<Colour> {
        match self {
            Self::Colour(colour) => Some(colour),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Colour(colour) => colour.label(),
            Self::Unreported => "未报送",
            Self::NoContact => "未指派联络员",
        }
    }

    /// The state of its label, as digests store it (a colour's label, as older digests did).
    pub fn from_label(text: &str) -> Option<Self> {
        Colour::from_label(text).map(Self::Colour).or(match text {
            "未报送" => Some(Self::Unreported),
            "未指派联络员" => Some(Self::NoContact),
            _ => None,
        })
    }

    pub fn emoji(self) -> &'static str {
        match self {
            Self::Colour(colour) => colour.emoji(),
            Self::Unreported | Self::NoContact => "⚪",
        }
    }

    /// The order a digest lists states in: red, yellow, then the projects without a report,
    /// then blue.
    pub fn rank(self) -> u8 {
        match self {
            Self::Colour(Colour::Red) => 0,
            Self::Colour(Colour::Yellow) => 1,
            Self::Unreported => 2,
            Self::NoContact => 3,
            Self::Colour(Colour::Blue) => 4,
        }
    }
}

/// What the rule looks at for one project on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub today: NaiveDate,
    pub plan_start: NaiveDate,
    pub deadline: NaiveDate,
    /// The project's latest status, if it ever reported.
    pub status: Option<Status>,
    /// Each metric's progress in percent of its target (a yes/no is 0 or 100); empty when the
    /// project has no numbers.
    pub progress: Vec<f64>,
    /// Weeks in a row, up to today, whose deadline passed without a report.
    pub missed_weeks: u32,
    /// Reported weeks in a row, up to the latest, with the same figures.
    pub unchanged_weeks: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub colour: Colour,
    pub reasons: Vec<String>,
    /// Share of the project's time elapsed, in percent.
    pub expected: f64,
    /// The lowest metric's progress, in percent; `None` without numbers.
    pub actual: Option<f64>,
}

/// The share of the time from the plan's start to the project's deadline elapsed by `today`.
pub fn expected_progress(today: NaiveDate, start: NaiveDate, deadline: NaiveDate) -> f64 {
    let whole = (deadline - start).num_days().max(1) as f64;
    ((today - start).num_days() as f64 / whole * 100.0).clamp(0.0, 100.0)
}

pub fn judge(facts: &Facts, thresholds: &ColourSettings) -> Verdict {
    let expected = expected_progress(facts.today, facts.plan_start, facts.deadline);
    let actual = facts
        .progress
        .iter()
        .copied()
        .map(|p| p.min(100.0))
        .reduce(f64::min);
    if facts.status == Some(Status::Done) {
        return Verdict {
            colour: Colour::Blue,
            reasons: vec!["已完成".to_owned()],
            expected,
            actual,
        };
    }
    let behind = actual.map(|a| expected - a);
    let mut red = Vec::new();
    let mut yellow = Vec::new();
    if facts.today > facts.deadline {
        red.push("已过完成时限仍未完成".to_owned());
    }
    if facts.missed_weeks >= thresholds.red_missed_weeks {
        red.push(format!("连续{}周未报送", facts.missed_weeks));
    } else if facts.missed_weeks > 0 {
        yellow.push(format!("{}周未报送", facts.missed_weeks));
    }
    match behind {
        Some(points) if points > thresholds.red_behind => {
            red.push(format!("滞后序时进度{points:.0}个百分点"))
        }
        Some(points) if points > thresholds.yellow_behind => {
            yellow.push(format!("滞后序时进度{points:.0}个百分点"))
        }
        _ => {}
    }
    if let Some(status @ (Status::Behind | Status::Difficult)) = facts.status {
        yellow.push(format!("报送状态为“{}”", status.label()));
    }
    if facts.unchanged_weeks >= thresholds.stagnant_weeks {
        yellow.push(format!("连续{}周数据无变化", facts.unchanged_weeks));
    }
    let (colour, reasons) = if !red.is_empty() {
        (Colour::Red, red)
    } else if !yellow.is_empty() {
        (Colour::Yellow, yellow)
    } else {
        (Colour::Blue, vec!["按序时推进".to_owned()])
    };
    Verdict {
        colour,
        reasons,
        expected,
        actual,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn a_colour_reads_back_from_its_label() {
        for colour in [Colour::Blue, Colour::Yellow, Colour::Red] {
            assert_eq!(Colour::from_label(colour.label()), Some(colour));
        }
        assert_eq!(Colour::from_label("绿"), None);
    }
    #[test]
    fn a_state_reads_back_from_its_label_and_has_a_colour_only_with_a_report() {
        for state in [
            State::Colour(Colour::Red),
            State::Unreported,
            State::NoContact,
        ] {
            assert_eq!(State::from_label(state.label()), Some(state));
        }
        let verdict = judge(&midyear(vec![0.0]), &thresholds());
        assert_eq!(State::of(&verdict, true, true), State::Colour(Colour::Red));
        assert_eq!(State::of(&verdict, false, true), State::Unreported);
        assert_eq!(State::of(&verdict, false, false), State::NoContact);
        assert_eq!(State::Unreported.colour(), None);
    }

    use crate::config::Settings;

    fn thresholds() -> ColourSettings {
        Settings::from_layers(None, &HashMap::new())
            .unwrap()
            .colours
    }

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// Half the year gone (2024-01-01 → 2024-12-31, on 2024-07-01: 182 of 365 days = 49.9%).
    fn midyear(progress: Vec<f64>) -> Facts {
        Facts {
            today: d("2024-07-01"),
            plan_start: d("2024-01-01"),
            deadline: d("2024-12-31"),
            status: Some(Status::OnTrack),
            progress,
            missed_weeks: 0,
            unchanged_weeks: 0,
        }
    }

    fn colour_of(facts: &Facts) -> Colour {
        judge(facts, &thresholds()).colour
    }

    #[test]
    fn behind_by_ten_points_is_still_blue_and_a_hair_more_is_yellow() {
        let expected = expected_progress(d("2024-07-01"), d("2024-01-01"), d("2024-12-31"));
        assert_eq!(colour_of(&midyear(vec![expected - 10.0])), Colour::Blue);
        assert_eq!(colour_of(&midyear(vec![expected - 10.01])), Colour::Yellow);
        assert_eq!(colour_of(&midyear(vec![expected - 25.0])), Colour::Yellow);
        assert_eq!(colour_of(&midyear(vec![expected - 25.01])), Colour::Red);
    }

    #[test]
    fn the_lowest_metric_decides() {
        let facts = midyear(vec![90.0, 10.0, 60.0]);
        let verdict = judge(&facts, &thresholds());
        assert_eq!(verdict.actual, Some(10.0));
        assert_eq!(verdict.colour, Colour::Red);
        assert_eq!(verdict.reasons, vec!["滞后序时进度40个百分点"]);
    }

    #[test]
    fn done_is_blue_whatever_the_numbers() {
        let mut facts = midyear(vec![0.0]);
        facts.status = Some(Status::Done);
        facts.missed_weeks = 3;
        assert_eq!(colour_of(&facts), Colour::Blue);
    }

    #[test]
    fn a_troubled_status_one_missed_week_or_stagnation_is_yellow() {
        let mut facts = midyear(vec![60.0]);
        facts.status = Some(Status::Difficult);
        assert_eq!(colour_of(&facts), Colour::Yellow);
        let mut facts = midyear(vec![60.0]);
        facts.missed_weeks = 1;
        assert_eq!(colour_of(&facts), Colour::Yellow);
        let mut facts = midyear(vec![60.0]);
        facts.unchanged_weeks = 3;
        assert_eq!(colour_of(&facts), Colour::Blue);
        facts.unchanged_weeks = 4;
        let verdict = judge(&facts, &thresholds());
        assert_eq!(
            (verdict.colour, verdict.reasons),
            (Colour::Yellow, vec!["连续4周数据无变化".to_owned()])
        );
    }

    #[test]
    fn two_missed_weeks_or_a_passed_deadline_is_red() {
        let mut facts = midyear(vec![60.0]);
        facts.missed_weeks = 2;
        assert_eq!(colour_of(&facts), Colour::Red);
        let mut facts = midyear(vec![100.0]);
        facts.today = d("2025-01-02");
        let verdict = judge(&facts, &thresholds());
        assert_eq!(
            (verdict.colour, verdict.reasons),
            (Colour::Red, vec!["已过完成时限仍未完成".to_owned()])
        );
    }

    #[test]
    fn a_project_without_numbers_goes_by_status_and_reporting() {
        let facts = midyear(vec![]);
        let verdict = judge(&facts, &thresholds());
        assert_eq!((verdict.colour, verdict.actual), (Colour::Blue, None));
        let mut facts = midyear(vec![]);
        facts.status = Some(Status::Behind);
        assert_eq!(colour_of(&facts), Colour::Yellow);
    }
}
