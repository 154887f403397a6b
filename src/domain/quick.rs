//! The quick form, `/report 12 充电桩=45 进展:科技馆西站点完工` (SPEC.md §4): read from what was
//! typed, then laid over the person's last report against the project's metrics.

use crate::domain::report::{Status, TextError, ValueError, parse_text, parse_value, parse_yes_no};

/// `/report 12 充电桩=45 进展:科技馆西站点完工`: the quick form as typed, before it is checked
/// against the project's metrics.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuickForm {
    pub project_no: i64,
    /// (metric name or 1-based position, value as typed)
    pub values: Vec<(String, String)>,
    pub status: Option<String>,
    pub progress: Option<String>,
    pub difficulties: Option<String>,
}

const TEXT_KEYS: [(&str, usize); 4] = [("进展", 0), ("困难", 1), ("状态", 2), ("问题", 1)];

impl QuickForm {
    /// `None` when the text holds only a project number (the step-by-step conversation then).
    pub fn parse(args: &str) -> Option<Result<Self, QuickError>> {
        let args = args.trim();
        let (no, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let project_no: i64 = no.parse().ok()?;
        let rest = rest.trim();
        if rest.is_empty() {
            return None;
        }
        let mut form = Self {
            project_no,
            ..Self::default()
        };
        // Split off the text fields: each runs to the next key or the end.
        let mut head = rest.to_owned();
        let mut texts: Vec<(usize, String)> = Vec::new();
        while let Some((at, key, index)) = TEXT_KEYS
            .iter()
            .filter_map(|(key, index)| {
                [format!("{key}:"), format!("{key}：")]
                    .into_iter()
                    .filter_map(|k| head.rfind(&k).map(|at| (at, k, *index)))
                    .max_by_key(|(at, ..)| *at)
            })
            .max_by_key(|(at, ..)| *at)
        {
            texts.push((index, head[at + key.len()..].trim().to_owned()));
            head.truncate(at);
        }
        for (index, text) in texts {
            match index {
                0 => form.progress = Some(text),
                1 => form.difficulties = Some(text),
                _ => form.status = Some(text),
            }
        }
        // Bare values fill the metrics in order, as /help promises (`/report 3 4` sets the
        // first); they count apart from the named ones.
        let mut position = 0;
        for pair in head.split_whitespace() {
            if let Some((key, value)) = pair.split_once(['=', '＝']) {
                form.values
                    .push((key.trim().to_owned(), value.trim().to_owned()));
            } else if parse_value(pair).is_ok() || parse_yes_no(pair).is_some() {
                position += 1;
                form.values.push((position.to_string(), pair.to_owned()));
            } else {
                return Some(Err(QuickError::Unreadable(pair.to_owned())));
            }
        }
        Some(Ok(form))
    }
}

/// A metric of the project, as the quick form needs it: its name (typed in part) and whether it
/// takes 是/否 rather than a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuickMetric<'a> {
    pub name: &'a str,
    pub yes_no: bool,
}

/// What a report holds: the quick form fills it in over the last one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filled {
    pub status: Option<Status>,
    /// By metric position.
    pub values: Vec<Option<f64>>,
    pub progress: Option<String>,
    pub difficulties: Option<String>,
}

/// Why a quick form was not taken: the first problem, values before status before texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuickError {
    /// A word that is neither `名称=数值` nor a text field (`进展:……`).
    Unreadable(String),
    /// Neither a metric's position nor part of any metric's name.
    UnknownMetric(String),
    /// Part of two metrics' names or more: never one picked silently.
    AmbiguousMetric(String),
    NotANumber(String),
    Negative,
    BadStatus,
}

impl QuickForm {
    /// The form laid over `last`, each key matched to one of `metrics` (by position).
    pub fn fill(&self, metrics: &[QuickMetric<'_>], last: Filled) -> Result<Filled, QuickError> {
        let mut filled = last;
        for (key, typed) in &self.values {
            let index = metric_index(key, metrics)?;
            filled.values[index] = Some(metric_value(metrics[index], typed)?);
        }
        if let Some(status) = &self.status {
            filled.status = Some(Status::parse(status).ok_or(QuickError::BadStatus)?);
        }
        for (field, text) in [
            (&mut filled.progress, &self.progress),
            (&mut filled.difficulties, &self.difficulties),
        ] {
            if let Some(text) = text {
                *field = Some(match parse_text(text) {
                    Ok(text) => text,
                    // Kept whole: the conversation offers its first part before the summary.
                    Err(TextError::TooLong(_)) => text.trim().to_owned(),
                    Err(TextError::Empty) => String::new(),
                });
            }
        }
        Ok(filled)
    }
}

/// A 1-based position, or a part of exactly one metric's name.
fn metric_index(key: &str, metrics: &[QuickMetric<'_>]) -> Result<usize, QuickError> {
    if let Ok(position) = key.parse::<usize>() {
        return match position {
            1.. if position <= metrics.len() => Ok(position - 1),
            _ => Err(QuickError::UnknownMetric(key.to_owned())),
        };
    }
    let found: Vec<usize> = metrics
        .iter()
        .enumerate()
        .filter(|(_, m)| m.name.contains(key))
        .map(|(i, _)| i)
        .collect();
    match found.as_slice() {
        [index] => Ok(*index),
        [] => Err(QuickError::UnknownMetric(key.to_owned())),
        _ => Err(QuickError::AmbiguousMetric(key.to_owned())),
    }
}

fn metric_value(metric: QuickMetric<'_>, typed: &str) -> Result<f64, QuickError> {
    let value = if metric.yes_no {
        parse_yes_no(typed)
            .map(|yes| if yes { 1.0 } else { 0.0 })
            .ok_or(ValueError::NotANumber)
    } else {
        parse_value(typed)
    };
    value.map_err(|error| match error {
        ValueError::Negative => QuickError::Negative,
        ValueError::NotANumber => QuickError::NotANumber(typed.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_form_reads_values_and_texts() {
        let form = QuickForm::parse("12 充电桩=45 进展:科技馆西站点完工")
            .unwrap()
            .unwrap();
        assert_eq!(form.project_no, 12);
        assert_eq!(form.values, vec![("充电桩".to_owned(), "45".to_owned())]);
        assert_eq!(form.progress.as_deref(), Some("科技馆西站点完工"));
        let form = QuickForm::parse("6 1=120 3＝80 状态：滞后 困难:场地 协调 进展:新增两家机构")
            .unwrap()
            .unwrap();
        assert_eq!(form.values.len(), 2);
        assert_eq!(form.status.as_deref(), Some("滞后"));
        assert_eq!(form.difficulties.as_deref(), Some("场地 协调"));
        assert_eq!(form.progress.as_deref(), Some("新增两家机构"));
        assert!(
            QuickForm::parse("12").is_none(),
            "a bare number starts the conversation"
        );
        assert_eq!(
            QuickForm::parse("12 充电桩45").unwrap(),
            Err(QuickError::Unreadable("充电桩45".to_owned()))
        );
    }

    const METRICS: [QuickMetric<'static>; 3] = [
        QuickMetric {
            name: "新建公共充电桩",
            yes_no: false,
        },
        QuickMetric {
            name: "新建充电站",
            yes_no: false,
        },
        QuickMetric {
            name: "制度出台",
            yes_no: true,
        },
    ];

    fn last() -> Filled {
        Filled {
            status: Some(Status::OnTrack),
            values: vec![Some(40.0), None, Some(0.0)],
            progress: None,
            difficulties: None,
        }
    }

    fn fill(typed: &str) -> Result<Filled, QuickError> {
        QuickForm::parse(typed)
            .unwrap()
            .unwrap()
            .fill(&METRICS, last())
    }

    #[test]
    fn the_quick_form_fills_in_over_the_last_report() {
        let filled = fill("12 公共充电桩=45 3=是 状态:滞后 进展:西站完工 困难:无").unwrap();
        assert_eq!(filled.values, vec![Some(45.0), None, Some(1.0)]);
        assert_eq!(filled.status, Some(Status::Behind));
        assert_eq!(filled.progress.as_deref(), Some("西站完工"));
        assert_eq!(filled.difficulties.as_deref(), Some(""), "无 means nothing");
        assert_eq!(fill("12 2=3").unwrap().status, Some(Status::OnTrack));
    }

    #[test]
    fn bare_values_fill_the_metrics_in_order() {
        let form = QuickForm::parse("3 4 进展:完成选址").unwrap().unwrap();
        assert_eq!(form.values, vec![("1".to_owned(), "4".to_owned())]);
        assert_eq!(form.progress.as_deref(), Some("完成选址"));
        let filled = fill("12 45 ６台 否 困难:无").unwrap();
        assert_eq!(filled.values, vec![Some(45.0), Some(6.0), Some(0.0)]);
        assert_eq!(filled.difficulties.as_deref(), Some(""));
        assert_eq!(
            fill("12 45 3=是").unwrap().values,
            vec![Some(45.0), None, Some(1.0)],
            "a named value takes no position"
        );
        assert_eq!(
            fill("12 1 2 是 4"),
            Err(QuickError::UnknownMetric("4".to_owned())),
            "more values than metrics"
        );
        assert_eq!(
            QuickForm::parse("12 45 很多").unwrap(),
            Err(QuickError::Unreadable("很多".to_owned()))
        );
    }

    #[test]
    fn the_quick_form_names_its_first_problem() {
        assert_eq!(
            fill("12 充电=45"),
            Err(QuickError::AmbiguousMetric("充电".to_owned())),
            "part of two names"
        );
        assert_eq!(
            fill("12 停车=45"),
            Err(QuickError::UnknownMetric("停车".to_owned())),
            "part of none"
        );
        assert_eq!(
            fill("12 4=45"),
            Err(QuickError::UnknownMetric("4".to_owned()))
        );
        assert_eq!(
            fill("12 1=很多 2=-1"),
            Err(QuickError::NotANumber("很多".to_owned()))
        );
        assert_eq!(fill("12 1=-1"), Err(QuickError::Negative));
        assert_eq!(
            fill("12 制度=也许"),
            Err(QuickError::NotANumber("也许".to_owned()))
        );
        assert_eq!(fill("12 1=5 状态:还行"), Err(QuickError::BadStatus));
        let long = "字".repeat(2001);
        assert_eq!(
            fill(&format!("12 进展:{long}")).unwrap().progress,
            Some(long),
            "an over-long text is no refusal: its first part is offered"
        );
    }
}
