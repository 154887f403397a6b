//! Which of the person's projects the text is about: by number (12号, 第12项, 项目12), by
//! words of its title or metrics, or the only one.

use std::ops::Range;

use super::number::spots;
use super::numeral::{scan, starts_with};
use super::words::{self, unit_at};
use super::{PlainProject, ProjectPick};
use crate::domain::metric::MetricKind;

/// Finds 12号项目, 第12项, 项目12 (and 12号 at the very start), blanks them out of `chars`,
/// and returns the numbers.
pub fn take_numbers(chars: &mut [char]) -> Vec<i64> {
    let found = find_numbers(chars);
    for (span, _) in &found {
        chars[span.clone()].fill('，');
    }
    found.into_iter().map(|(_, no)| no).collect()
}

/// Where each project number is named, and the number.
pub fn find_numbers(chars: &[char]) -> Vec<(Range<usize>, i64)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let mut span = None;
        if chars[i] == '第' {
            if let Some((n, end)) = scan(chars, i + 1) {
                let after = ["项", "个项目"].iter().find(|w| starts_with(chars, end, w));
                span = after.map(|w| (n.value, end + w.chars().count()));
            }
        } else if starts_with(chars, i, "项目") {
            if let Some((n, end)) = scan(chars, i + 2).filter(|(n, _)| !n.percent) {
                let hao = usize::from(chars.get(end) == Some(&'号'));
                if unit_at(chars, end + hao).is_none() || hao == 1 {
                    span = Some((n.value, end + hao));
                }
            }
        } else if i == 0 || !chars[i - 1].is_ascii_digit() {
            span = numbered(chars, i);
        }
        match span {
            Some((value, end)) if value.fract() == 0.0 => {
                found.push((i..end, value as i64));
                i = end;
            }
            _ => i += 1,
        }
    }
    found
}

/// 12号项目 anywhere, 12号 at the very start.
fn numbered(chars: &[char], at: usize) -> Option<(f64, usize)> {
    let (n, end) = scan(chars, at)?;
    let at_start = chars[..at]
        .iter()
        .all(|&c| c == ' ' || words::is_separator(c));
    if starts_with(chars, end, "号项目") {
        Some((n.value, end + 3))
    } else if starts_with(chars, end, "号") && at_start {
        Some((n.value, end + 1))
    } else {
        None
    }
}

/// A number named wins; then the one project; then words of a title or a metric name, when
/// they fit one project better than the others; then the units written, when only one of
/// those projects counts in them.
pub fn pick(named: &[i64], chars: &[char], projects: &[PlainProject]) -> ProjectPick {
    if let Some(&first) = named.first() {
        let mut distinct = named.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() > 1 {
            return ProjectPick::Ambiguous(distinct);
        }
        return if projects.iter().any(|p| p.no == first) {
            ProjectPick::Number(first)
        } else {
            ProjectPick::NotTheirs(first)
        };
    }
    if let [only] = projects {
        return ProjectPick::Only(only.no);
    }
    let scores: Vec<usize> = projects
        .iter()
        .map(|p| {
            let names: Vec<&str> = p.metrics.iter().map(|m| m.name.as_str()).collect();
            words::coverage(chars, &names).max(words::coverage(chars, &[&p.title]))
        })
        .collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    let tied: Vec<&PlainProject> = projects
        .iter()
        .zip(&scores)
        .filter(|(_, s)| **s == best)
        .map(|(p, _)| p)
        .collect();
    // The units written narrow further: 累计45台 is about the one project that counts 台.
    let units = units_in(chars);
    let counted: Vec<i64> = tied
        .iter()
        .filter(|p| !units.is_empty() && units.iter().all(|u| counts_in(p, u)))
        .map(|p| p.no)
        .collect();
    match (best, counted.as_slice()) {
        (_, [one]) => ProjectPick::Words(*one),
        (0, _) => ProjectPick::Unnamed,
        _ if tied.len() == 1 => ProjectPick::Words(tied[0].no),
        _ => ProjectPick::Ambiguous(tied.iter().map(|p| p.no).collect()),
    }
}

fn units_in(chars: &[char]) -> Vec<&'static str> {
    let mut units: Vec<&'static str> = words::clauses(chars)
        .iter()
        .flat_map(|clause| spots(clause))
        .filter_map(|spot| spot.unit)
        .collect();
    units.sort_unstable();
    units.dedup();
    units
}

fn counts_in(project: &PlainProject, unit: &str) -> bool {
    project
        .metrics
        .iter()
        .any(|m| m.unit.as_deref() == Some(unit) || (unit == "%" && m.kind == MetricKind::Percent))
}
