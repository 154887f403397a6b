//! The words of reports in plain words: the question about what could not be placed, the
//! choice of project, and the pointer for a message that is not a report.

use crate::bot::report::{Draft, PlaceOption};
use crate::db::plan::MetricRow;
use crate::domain::metric::{MetricKind, format_number};

/// A figure with its unit: "45台"; 是/否 for a yes/no metric.
fn figure(metric: &MetricRow, value: f64) -> String {
    if metric.kind == MetricKind::YesNo {
        return (if value > 0.0 { "是" } else { "否" }).to_owned();
    }
    format!(
        "{}{}",
        format_number(value),
        metric.unit.as_deref().unwrap_or("")
    )
}

/// "45台（上周40 + 本周新增5）", or "45台" when the words gave the total.
pub fn obtained(metric: &MetricRow, value: f64, added: Option<f64>) -> String {
    match added {
        Some(added) => format!(
            "{}（上周{} + 本周新增{}）",
            figure(metric, value),
            format_number(value - added),
            format_number(added)
        ),
        None => figure(metric, value),
    }
}

pub fn which_project() -> &'static str {
    "这条报送是哪个项目的？请点选项目，所写内容会按该项目整理后请您确认。"
}

/// The one question about words the reader could not place on a metric.
pub fn place_question(draft: &Draft, clause: &str) -> String {
    format!(
        "项目 {}「{}」：“{clause}”没能对应到具体指标。请问是哪一项？",
        draft.project_no, draft.title
    )
}

/// A button of that question: "充电桩：45台".
pub fn place_option(metrics: &[MetricRow], option: &PlaceOption) -> String {
    match metrics.get(option.metric) {
        Some(metric) => format!(
            "{}：{}",
            metric.name,
            obtained(metric, option.value, option.added)
        ),
        None => format_number(option.value),
    }
}

/// A report written the way the person may write it, from their own project: "12号项目累计
/// 45台，无困难"; "6号项目执行市级托育费用标准已落实，无困难" for a 是/否 metric.
pub fn example(no: i64, metric: Option<&MetricRow>, last: Option<f64>) -> String {
    let said = match metric {
        Some(m) if m.kind == MetricKind::YesNo => {
            let done = if last.is_some_and(|v| v > 0.0) {
                "已落实"
            } else {
                "未落实"
            };
            format!("{}{done}", m.name)
        }
        Some(m) => {
            let value = last.or(m.target).unwrap_or_default();
            format!("累计{}", figure(m, value))
        }
        None => "本周按计划推进".to_owned(),
    };
    format!("{no}号项目{said}，无困难")
}

/// A contact's message that does not read as a report: where to go instead, in one line.
pub fn pointer(example: &str) -> String {
    format!("如需报送本周进展，可直接回复，例如“{example}”；或发送 /report 逐项填写。")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plain::{self, PlainMetric, PlainProject, ProjectPick};

    fn metric(name: &str, kind: MetricKind, unit: &str, target: f64) -> MetricRow {
        MetricRow {
            id: 1,
            project_id: 1,
            position: 1,
            name: name.to_owned(),
            kind,
            target: Some(target),
            unit: Some(unit.to_owned()).filter(|u| !u.is_empty()),
            comparison: None,
            baseline: None,
        }
    }

    /// What the example teaches must be what the reader takes: read back, it names the
    /// project and gives the metric the value shown.
    #[test]
    fn the_taught_example_reads_back_as_the_report_it_shows() {
        let chargers = metric("安装充电桩", MetricKind::Number, "台", 100.0);
        let standard = metric("执行市级托育费用标准", MetricKind::YesNo, "", 1.0);
        for (metric, last, value) in [
            (Some(&chargers), Some(45.0), Some(45.0)),
            (Some(&chargers), None, Some(100.0)),
            (Some(&standard), Some(1.0), Some(1.0)),
            (Some(&standard), None, Some(0.0)),
            (None, None, None),
        ] {
            let project = PlainProject {
                no: 12,
                title: "新能源智慧充电站及智慧停车场项目".to_owned(),
                metrics: metric
                    .map(|m| PlainMetric {
                        name: m.name.clone(),
                        kind: m.kind,
                        unit: m.unit.clone(),
                        target: m.target,
                        last,
                    })
                    .into_iter()
                    .collect(),
                last_status: None,
            };
            let text = example(12, metric, last);
            let reading = plain::read(&text, &[project]);
            assert_eq!(reading.project, ProjectPick::Number(12), "{text}");
            assert!(reading.says_anything(), "{text}");
            assert_eq!(
                reading.values.first().map(|v| v.obtained.value()),
                value,
                "{text}"
            );
            assert_eq!(reading.difficulties.as_deref(), Some(""), "{text}");
        }
    }
}
