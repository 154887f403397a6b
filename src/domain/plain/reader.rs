//! Clause by clause: difficulties, values, 是/否, status words, and what is left as progress.

use super::number::{Choice, Marker, Spot, choose, marker, number_said, positions, spots};
use super::numeral::starts_with;
use super::words::{self, has, rfind, strip_label, text};
use super::{MetricValue, Obtained, PlainProject, ProjectPick, Reading, Said, Unplaced};
use crate::domain::metric::MetricKind;
use crate::domain::report::Status;

/// A number placed on a metric, and the clause it came in.
struct Heard {
    metric: usize,
    value: f64,
    added: bool,
    clause: usize,
}

#[derive(Default)]
struct State {
    numbers: Vec<Heard>,
    yes_no: Vec<(usize, bool)>,
    unplaced: Vec<Unplaced>,
    progress: Vec<String>,
    difficulties: Vec<String>,
    /// After 困难/问题/需协调 the plain clauses that follow are difficulties too.
    in_difficulties: bool,
    no_difficulty: bool,
    stated: Option<Status>,
    behind: bool,
    on_track: bool,
    finished: bool,
    /// Clauses that only say 已完成, with where they stand in the progress: kept there
    /// unless the targets bear them out.
    claims: Vec<(usize, String)>,
}

pub fn read_clauses(chars: &[char], project: &PlainProject, pick: ProjectPick) -> Reading {
    let mut state = State::default();
    for (index, clause) in words::clauses(chars).iter().enumerate() {
        state.clause(index, clause, project);
    }
    state.finish(project, pick)
}

impl State {
    fn clause(&mut self, index: usize, clause: &[char], project: &PlainProject) {
        if let Some(rest) = strip_label(clause, &[words::STATUS_LABEL]) {
            match Status::parse(&text(rest)) {
                Some(status) => self.stated = Some(status),
                None => self.progress.push(text(clause)),
            }
            return;
        }
        let mut clause = clause.to_vec();
        while let Some(span) = no_difficulty(&clause) {
            clause.drain(span);
            self.no_difficulty = true;
            self.in_difficulties = false;
        }
        if clause.is_empty() {
            return;
        }
        self.status_words(&clause);
        if self.difficulty(&clause) {
            return;
        }
        let clause = strip_label(&clause, words::PROGRESS_LABELS).unwrap_or(&clause);
        let spots = spots(clause);
        if !spots.is_empty() {
            // With no project picked, the numbers wait for the second reading.
            if !pick_less(project) {
                self.numbers_in(index, clause, &spots, project);
            }
        } else if !self.yes_no_in(clause, project) {
            self.words_only(clause);
        }
    }

    /// 困难：…… or a clause with 困难/问题/需协调: taken as a difficulty (困难：无 as none).
    fn difficulty(&mut self, clause: &[char]) -> bool {
        if let Some(rest) = strip_label(clause, words::DIFFICULTY_LABELS) {
            let rest = trim(rest);
            if words::NOTHING.contains(&text(rest).as_str()) {
                self.no_difficulty = true;
                self.in_difficulties = false;
            } else {
                self.in_difficulties = true;
                let said = if rest.is_empty() { clause } else { rest };
                self.difficulties.push(text(said));
            }
            return true;
        }
        if is_difficulty(clause) {
            self.in_difficulties = true;
            self.difficulties.push(text(clause));
            return true;
        }
        false
    }

    /// A clause with no value: status words only, or progress (difficulties after 困难).
    fn words_only(&mut self, clause: &[char]) {
        if only_status(clause) {
            if words::FINISHED.iter().any(|w| has(clause, w)) {
                self.claims.push((self.progress.len(), text(clause)));
            }
            return;
        }
        let kept = text(trim(clause));
        // A label on its own (进展 科技馆西站点完工, split at the space) says nothing.
        let bare_label = words::PROGRESS_LABELS
            .iter()
            .any(|l| l.strip_suffix(':') == Some(kept.as_str()));
        if kept.is_empty() || bare_label {
            return;
        }
        if self.in_difficulties {
            self.difficulties.push(kept);
        } else {
            self.progress.push(kept);
        }
    }

    fn status_words(&mut self, clause: &[char]) {
        for word in words::BEHIND {
            if let Some(at) = rfind(clause, word) {
                let negated = at > 0 && matches!(clause[at - 1], '未' | '不' | '无' | '没');
                if negated {
                    self.on_track = true;
                } else {
                    self.behind = true;
                }
            }
        }
        if words::ON_TRACK.iter().any(|w| has(clause, w)) || clause == ['正', '常'] {
            self.on_track = true;
        }
        let end = trim_particles(clause);
        for word in words::FINISHED {
            let length = word.chars().count();
            if end.len() >= length && starts_with(end, end.len() - length, word) {
                let before = &end[..end.len() - length];
                let negated = before
                    .last()
                    .is_some_and(|c| matches!(c, '未' | '没' | '不'))
                    || has(before, "尚未")
                    || has(before, "还未");
                self.finished |= !negated;
            }
        }
    }

    fn numbers_in(
        &mut self,
        index: usize,
        clause: &[char],
        spots: &[Spot],
        project: &PlainProject,
    ) {
        for (k, spot) in spots.iter().enumerate() {
            let from = if k == 0 { 0 } else { spots[k - 1].end };
            let to = spots.get(k + 1).map_or(clause.len(), |s| s.start);
            let prefix = &clause[from..spot.start];
            if matches!(marker(prefix, None), Marker::Last | Marker::Part) {
                continue;
            }
            let after = &clause[spot.end..to];
            let carry = self
                .numbers
                .last()
                .filter(|n| n.clause + 1 >= index)
                .map(|n| n.metric);
            let said_text = text(clause);
            match choose(project, spot, (prefix, after), carry) {
                Choice::One(metric) => {
                    let name = &project.metrics[metric].name;
                    let added = marker(prefix, Some(name)) == Marker::Added;
                    self.numbers.push(Heard {
                        metric,
                        value: spot.value,
                        added,
                        clause: index,
                    });
                }
                Choice::Several(candidates) => self.unplaced.push(Unplaced::SeveralMetrics {
                    clause: said_text,
                    said: number_said(spot, prefix),
                    candidates,
                }),
                Choice::None(candidates) => self.unplaced.push(Unplaced::NoMetric {
                    clause: said_text,
                    said: number_said(spot, prefix),
                    candidates,
                }),
            }
        }
    }

    /// 已执行 / 未执行 and the like, when the project has a 是/否 metric.
    fn yes_no_in(&mut self, clause: &[char], project: &PlainProject) -> bool {
        let yes = if words::NO.iter().any(|w| has(clause, w)) {
            false
        } else if words::YES.iter().any(|w| has(clause, w)) {
            true
        } else {
            return false;
        };
        let candidates: Vec<usize> = positions(project, |m| m.kind == MetricKind::YesNo);
        if candidates.is_empty() {
            return false;
        }
        let scores: Vec<usize> = candidates
            .iter()
            .map(|&i| words::coverage(clause, &[&project.metrics[i].name]))
            .collect();
        let best = scores.iter().copied().max().unwrap_or(0);
        let fitting: Vec<usize> = candidates
            .iter()
            .zip(&scores)
            .filter(|(_, s)| **s == best)
            .map(|(i, _)| *i)
            .collect();
        match fitting.as_slice() {
            [one] => self.yes_no.push((*one, yes)),
            _ => self.unplaced.push(Unplaced::SeveralMetrics {
                clause: text(clause),
                said: Said::YesNo(yes),
                candidates: fitting,
            }),
        }
        true
    }

    fn finish(mut self, project: &PlainProject, pick: ProjectPick) -> Reading {
        let mut values = Vec::new();
        for metric in 0..project.metrics.len() {
            let last = project.metrics[metric].last.unwrap_or(0.0);
            let said: Vec<Obtained> = self
                .numbers
                .iter()
                .filter(|n| n.metric == metric)
                .map(|n| match n.added {
                    true => Obtained::Added {
                        last,
                        added: n.value,
                    },
                    false => Obtained::Total(n.value),
                })
                .chain(
                    self.yes_no
                        .iter()
                        .filter(|y| y.0 == metric)
                        .map(|y| Obtained::YesNo(y.1)),
                )
                .collect();
            match agree(&said) {
                Some(obtained) => values.push(MetricValue { metric, obtained }),
                None if said.is_empty() => {}
                None => self.unplaced.push(Unplaced::TwoValues {
                    metric,
                    values: said,
                }),
            }
        }
        let status = self.status(project, &values);
        if status != Some(Status::Done) {
            for (at, claim) in self.claims.drain(..).rev() {
                self.progress.insert(at, claim);
            }
        }
        let difficulties = if !self.difficulties.is_empty() {
            Some(self.difficulties.join("，"))
        } else {
            self.no_difficulty.then(String::new)
        };
        Reading {
            project: pick,
            values,
            status,
            progress: (!self.progress.is_empty()).then(|| self.progress.join("，")),
            difficulties,
            unplaced: self.unplaced,
        }
    }

    fn status(&self, project: &PlainProject, values: &[MetricValue]) -> Option<Status> {
        let met = project.metrics.iter().enumerate().all(|(i, m)| {
            let value = values
                .iter()
                .find(|v| v.metric == i)
                .map(|v| v.obtained.value())
                .or(m.last);
            match (m.kind, value) {
                (_, None) => false,
                (MetricKind::YesNo, Some(v)) => v > 0.0,
                (_, Some(v)) => m.target.is_none_or(|t| v >= t),
            }
        });
        let difficult = !self.difficulties.is_empty();
        if self.stated.is_some() {
            self.stated
        } else if self.behind {
            Some(Status::Behind)
        } else if self.finished && met && !pick_less(project) {
            Some(Status::Done)
        } else if self.on_track {
            Some(Status::OnTrack)
        } else if difficult {
            Some(Status::Difficult)
        } else if self.no_difficulty && project.last_status == Some(Status::Difficult) {
            Some(Status::OnTrack)
        } else {
            None
        }
    }
}

/// The empty project stands in when none was picked: nothing about it is 已完成.
fn pick_less(project: &PlainProject) -> bool {
    project.no == 0
}

/// Values for one metric: one, or several that agree (累计45 with 新增5 over 40 reads as
/// the addition, so the summary can show both).
fn agree(said: &[Obtained]) -> Option<Obtained> {
    let first = *said.first()?;
    let added: Vec<&Obtained> = said
        .iter()
        .filter(|o| matches!(o, Obtained::Added { .. }))
        .collect();
    let same = said.iter().all(|o| o.value() == first.value());
    match added.as_slice() {
        [] if same => Some(first),
        [one] if same => Some(**one),
        _ => None,
    }
}

/// 困难, 问题, 需协调 that start difficulties; not 困难群众 or 已解决……问题.
fn is_difficulty(clause: &[char]) -> bool {
    let hard = (0..clause.len()).any(|at| {
        starts_with(clause, at, "困难")
            && !["群众", "老年", "家庭", "残疾", "户", "人员", "儿童"]
                .iter()
                .any(|w| starts_with(clause, at + 2, w))
            && !["经济", "生活"]
                .iter()
                .any(|w| at >= 2 && starts_with(clause, at - 2, w))
    });
    let settled = ["解决", "化解", "缓解", "整改"]
        .iter()
        .any(|w| has(clause, w));
    let problem = has(clause, "问题") && !settled;
    hard || problem || words::HARD.iter().any(|w| has(clause, w))
}

/// 无困难, 没有问题, 无明显困难, 暂无大的问题: the span to take out of the clause.
fn no_difficulty(clause: &[char]) -> Option<std::ops::Range<usize>> {
    if let Some((at, word)) = words::NO_DIFFICULTY
        .iter()
        .find_map(|w| rfind(clause, w).map(|at| (at, w)))
    {
        return Some(at..at + word.chars().count());
    }
    let word_at = (0..clause.len())
        .find(|&at| starts_with(clause, at, "困难") || starts_with(clause, at, "问题"))?;
    let none_at =
        (word_at.saturating_sub(4)..word_at).find(|&at| matches!(clause[at], '无' | '没'))?;
    Some(none_at..word_at + 2)
}

/// A clause of status words only (进度正常, 项目已全部完成, 滞后): nothing for progress.
fn only_status(clause: &[char]) -> bool {
    let mut rest = trim_particles(clause).to_vec();
    for word in words::BEHIND
        .iter()
        .chain(words::ON_TRACK)
        .chain(words::FINISHED)
        .chain(words::FILLER)
    {
        while let Some(at) = rfind(&rest, word) {
            rest.drain(at..at + word.chars().count());
        }
    }
    rest.is_empty()
}

fn trim_particles(clause: &[char]) -> &[char] {
    let mut end = clause.len();
    while end > 0 && matches!(clause[end - 1], '了' | '啦' | '的' | '.' | ':') {
        end -= 1;
    }
    &clause[..end]
}

fn trim(clause: &[char]) -> &[char] {
    let start = clause
        .iter()
        .position(|&c| c != ':' && c != ' ')
        .unwrap_or(clause.len());
    &clause[start..]
}
