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
/// 45台，无困难"; "6号项目费用标准已落实，无困难" for a 是/否 metric.
pub fn example(no: i64, metric: Option<&MetricRow>, last: Option<f64>) -> String {
    let said = match metric {
        Some(m) if m.kind == MetricKind::YesNo => format!("{}已落实", m.name),
        Some(m) => {
            let value = last.or(m.target).unwrap_or(1.0);
            format!("累计{}", figure(m, value))
        }
        None => "完成选址".to_owned(),
    };
    format!("{no}号项目{said}，无困难")
}

/// A contact's message that does not read as a report: where to go instead, in one line.
pub fn pointer(example: &str) -> String {
    format!("如需报送本周进展，可直接回复，例如“{example}”；或发送 /report 逐项填写。")
}
