//! Numbers in a clause and the metric each goes to: the unit narrows, the name decides, and
//! two metrics that fit alike are left to ask about.

use super::numeral::{scan, starts_with};
use super::words::{self, rfind, unit_at};
use super::{PlainMetric, PlainProject, Said};
use crate::domain::metric::MetricKind;

/// A number found in a clause with its unit, and where it and its unit end.
pub struct Spot {
    pub start: usize,
    pub end: usize,
    pub value: f64,
    pub percent: bool,
    pub unit: Option<&'static str>,
}

pub enum Choice {
    One(usize),
    Several(Vec<usize>),
    None(Vec<usize>),
}

pub fn positions(project: &PlainProject, keep: impl Fn(&PlainMetric) -> bool) -> Vec<usize> {
    (0..project.metrics.len())
        .filter(|&i| keep(&project.metrics[i]))
        .collect()
}

/// The unit narrows, then the name decides (the words before the number, else those after:
/// 充电桩45停车场8, 新增5台充电桩); with neither, the only metric left, or the one the
/// previous clause was about (充电桩本周新增5，累计45).
pub fn choose(
    project: &PlainProject,
    spot: &Spot,
    (before, after): (&[char], &[char]),
    carry: Option<usize>,
) -> Choice {
    let numeric = positions(project, |m| m.kind != MetricKind::YesNo);
    let fitting: Vec<usize> = match spot.unit {
        Some(unit) => numeric
            .iter()
            .copied()
            .filter(|&i| {
                let m = &project.metrics[i];
                m.unit.as_deref() == Some(unit) || (unit == "%" && m.kind == MetricKind::Percent)
            })
            .collect(),
        None => numeric.clone(),
    };
    if fitting.is_empty() {
        return Choice::None(numeric);
    }
    let score = |window: &[char]| -> Vec<usize> {
        fitting
            .iter()
            .map(|&i| words::coverage(window, &[&project.metrics[i].name]))
            .collect()
    };
    let mut scores = score(before);
    if scores.iter().all(|&s| s == 0) {
        scores = score(after);
    }
    let best = scores.iter().copied().max().unwrap_or(0);
    if best > 0 {
        let named: Vec<usize> = fitting
            .iter()
            .zip(&scores)
            .filter(|(_, s)| **s == best)
            .map(|(i, _)| *i)
            .collect();
        return match named.as_slice() {
            [one] => Choice::One(*one),
            _ => Choice::Several(named),
        };
    }
    match (fitting.as_slice(), carry) {
        ([one], _) => Choice::One(*one),
        (_, Some(metric)) if fitting.contains(&metric) => Choice::One(metric),
        _ => Choice::Several(fitting),
    }
}

pub fn number_said(spot: &Spot, prefix: &[char]) -> Said {
    Said::Number {
        value: spot.value,
        added: marker(prefix, None) == Marker::Added,
        percent: spot.percent,
    }
}

/// What the nearest marker before a number makes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// 累计/共/已完成, or none: the value itself.
    Total,
    /// 新增/本周完成: on top of last week's.
    Added,
    /// 上周, or 由 right before: last week's figure restated, not a value for this week.
    Last,
    /// 其中: a part of the figure before it.
    Part,
}

/// Whether the 新增 at `at` begins the metric's own name (新增托位, 城镇新增就业), rather than
/// saying what was added (托位新增30个).
fn names_it(prefix: &[char], at: usize, name: &str) -> bool {
    let Some((_, rest)) = name.split_once("新增") else {
        return false;
    };
    let next: String = rest.chars().take(2).collect();
    !next.is_empty() && starts_with(prefix, at + 2, &next)
}

/// The marker that ends nearest the number wins. 新增 that begins the metric's name (新增托位)
/// is no marker; 本周 right before the number is the week's figure (本周45台), not an addition.
pub fn marker(prefix: &[char], name: Option<&str>) -> Marker {
    let end = |at: usize, word: &str| at + word.chars().count();
    let total = words::TOTAL
        .iter()
        .filter_map(|w| {
            let at = rfind(prefix, w)?;
            let in_gonggong = *w == "共" && at > 0 && prefix[at - 1] == '公';
            (!in_gonggong).then(|| end(at, w))
        })
        .max();
    let added = words::ADDED
        .iter()
        .filter_map(|w| {
            let at = rfind(prefix, w)?;
            if *w == "新增" && name.is_some_and(|n| names_it(prefix, at, n)) {
                return None;
            }
            let since_start = *w == "新增"
                && words::SINCE_START.iter().any(|s| {
                    at >= s.chars().count()
                        && rfind(&prefix[..at], s) == Some(at - s.chars().count())
                });
            let this_week = words::THIS_WEEK.contains(w) && end(at, w) == prefix.len();
            (!since_start && !this_week).then(|| end(at, w))
        })
        .max();
    let nearest_of = |list: &[&str]| {
        list.iter()
            .filter_map(|w| rfind(prefix, w).map(|at| end(at, w)))
            .max()
    };
    let from = words::FROM
        .iter()
        .any(|w| rfind(prefix, w).is_some_and(|at| end(at, w) == prefix.len()));
    let last = nearest_of(words::LAST_WEEK).or(from.then_some(prefix.len()));
    let part = nearest_of(words::PART);
    let nearest = [
        (total, Marker::Total),
        (added, Marker::Added),
        (last, Marker::Last),
        (part, Marker::Part),
    ]
    .into_iter()
    .filter_map(|(at, marker)| at.map(|at| (at, marker)))
    .max_by_key(|(at, _)| *at);
    nearest.map_or(Marker::Total, |(_, marker)| marker)
}

/// The numbers of a clause that are values: not dates, ordinals or names (5G), and a Chinese
/// numeral only before a unit, or alone at the end after a marker (累计四十五).
pub fn spots(clause: &[char]) -> Vec<Spot> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < clause.len() {
        let Some((number, end)) = scan(clause, i) else {
            i += 1;
            continue;
        };
        let unit = if number.percent {
            Some("%")
        } else {
            unit_at(clause, end)
        };
        let ordinal = i > 0 && clause[i - 1] == '第';
        let date = words::NOT_A_COUNT
            .iter()
            .any(|w| starts_with(clause, end, w));
        let marked = words::TOTAL.iter().chain(words::ADDED).any(|w| {
            let length = w.chars().count();
            i >= length && starts_with(clause, i - length, w)
        });
        let chinese_ok = !number.chinese || unit.is_some() || (marked && end == clause.len());
        let unit_end = end
            + unit
                .filter(|_| !number.percent)
                .map_or(0, |u| u.chars().count());
        if !ordinal && !date && chinese_ok {
            found.push(Spot {
                start: i,
                end: unit_end,
                value: number.value,
                percent: number.percent,
                unit,
            });
        }
        i = unit_end.max(end);
    }
    found
}
