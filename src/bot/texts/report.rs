//! The report conversation's words.

use crate::bot::report::Draft;
use crate::db::plan::MetricRow;
use crate::domain::colour::Verdict;
use crate::domain::metric::{MetricKind, format_number};
use crate::domain::report::{Doubt, MAX_TEXT, doubt};
use crate::domain::role::AssignmentRole;
use crate::services::reporting::{Saved, percent};

pub fn nothing_assigned() -> &'static str {
    "您目前没有负责报送的项目。请联系工作专班（管理员）为您指派项目。"
}

pub fn not_yours(typed: &str, mine: &[(i64, i64, String)]) -> String {
    let list: Vec<String> = mine
        .iter()
        .map(|(_, no, title)| format!("{no}. {title}"))
        .collect();
    format!(
        "“{typed}”不是您负责报送的项目。您负责的项目：\n{}",
        list.join("\n")
    )
}

pub fn no_longer_yours(no: i64) -> String {
    format!("您已不再负责项目 {no}，本次报送未保存。如有疑问，请联系工作专班。")
}

pub fn choose_project() -> &'static str {
    "请选择要报送的项目："
}

pub fn ask_status(no: i64, title: &str) -> String {
    format!(
        "📝 项目 {no}「{title}」本周报送\n（报送过程中可随时发送照片或文件作为佐证材料）\n\n本周推进状态是？"
    )
}

pub fn ask_metric(position: usize, count: usize, metric: &MetricRow, last: Option<f64>) -> String {
    let target = metric.target();
    let mut text = if metric.kind == MetricKind::YesNo {
        format!("（{position}/{count}）{}：是否已落实？", metric.name)
    } else {
        let unit = metric.unit.as_deref().unwrap_or("");
        let baseline = if metric.baseline.is_some() {
            "（不含现有）"
        } else {
            ""
        };
        format!(
            "（{position}/{count}）{}{baseline}：目标 {target}。\n截至目前累计完成多少{unit}？请回复数字。",
            metric.name
        )
    };
    if let Some(last) = last {
        let last = if metric.kind == MetricKind::YesNo {
            yes_no(last).to_owned()
        } else {
            format_number(last)
        };
        text.push_str(&format!("\n上次填报：{last}"));
    }
    text
}

fn yes_no(value: f64) -> &'static str {
    if value > 0.0 { "是" } else { "否" }
}

pub fn confirm_decrease(name: &str, value: f64, last: f64) -> String {
    format!(
        "{name}填写的 {} 比上次（{}）少。这是更正之前的数据吗？",
        format_number(value),
        format_number(last)
    )
}

/// A figure past half again its target, asked once before it is taken.
pub fn confirm_over_target(metric: &MetricRow, value: f64, target: f64) -> String {
    let unit = metric.unit.as_deref().unwrap_or("");
    format!(
        "{}填写的 {}{unit} 超过目标（{}{unit}）的1.5倍。请核对：数字和单位都无误吗？",
        metric.name,
        format_number(value),
        format_number(target)
    )
}

/// A word about the last answer, then the step's question: one message.
pub fn note_and_question(note: &str, question: &str) -> String {
    format!("{note}\n\n{question}")
}

fn evidence_kind(kind: &str) -> &'static str {
    if kind == "photo" { "照片" } else { "文件" }
}

/// A photo or a file sent while a report is under way.
pub fn evidence_attached(kind: &str) -> String {
    format!("已收到{}，将随本次报送一并提交。", evidence_kind(kind))
}

/// A photo or a file sent soon after 提交: added to that report.
pub fn evidence_added(kind: &str, no: i64, week: chrono::NaiveDate) -> String {
    format!(
        "已将{}作为佐证材料补充到项目 {no}（{}当周）的报送。",
        evidence_kind(kind),
        month_day(week)
    )
}

/// …unless that report has evidence already: the first is kept.
pub fn evidence_kept_first(kind: &str, no: i64, week: chrono::NaiveDate) -> String {
    format!(
        "项目 {no}（{}当周）的报送已有佐证材料，本次发送的{}未替换。如需更换，请发送 /report {no} 重新报送，并在报送过程中发送新的材料。",
        month_day(week),
        evidence_kind(kind)
    )
}

/// A photo or a file with no report to attach it to.
pub fn evidence_how() -> String {
    format!(
        "如需提交佐证材料，请在报送过程中（/report）发送照片或文件，或在提交后{}分钟内发送。",
        crate::domain::report::EVIDENCE_AFTER_MINUTES
    )
}

fn month_day(day: chrono::NaiveDate) -> String {
    format!("{}月{}日", day.format("%-m"), day.format("%-d"))
}

pub fn ask_progress() -> String {
    format!("本周工作进展（{MAX_TEXT} 字以内）：\n没有可点“无”。")
}

pub fn ask_difficulties() -> String {
    format!("需要协调解决的困难问题（{MAX_TEXT} 字以内）：\n没有可点“无”。")
}

pub fn choose_edit() -> &'static str {
    "要修改哪一项？"
}

pub fn press_a_button() -> &'static str {
    "请点选下方的按钮。"
}

/// A word of `/report 12 …` that is neither a figure nor a text field.
pub fn unreadable_quick_form(pair: &str) -> String {
    format!("看不懂“{pair}”。指标请写成 名称=数值，例如 充电桩=45；文字写成 进展:……")
}

pub fn bad_status() -> &'static str {
    "请点选推进状态，或回复：正常推进、进度滞后、已完成、存在困难。"
}

pub fn bad_yes_no() -> &'static str {
    "请点“是”或“否”。"
}

pub fn text_only() -> &'static str {
    "请用文字回复（不支持贴纸、语音等）。"
}

pub fn not_a_number(typed: &str) -> String {
    let typed: String = typed.chars().take(20).collect();
    format!("“{typed}”不是数字。请只回复累计完成的数字，例如 45。")
}

pub fn negative() -> &'static str {
    "累计完成数不能是负数，请重新填写。"
}

pub fn too_long(length: usize) -> String {
    format!(
        "内容有 {length} 字，超过了 {MAX_TEXT} 字的上限。可点“保留前{MAX_TEXT}字”，或精简后重新发送。"
    )
}

pub fn cancelled() -> &'static str {
    "已取消本次报送，未保存任何内容。需要时可再发送 /report。"
}

pub fn nothing_to_cancel() -> &'static str {
    "当前没有进行中的报送。"
}

/// The project's metrics by position: "1 安装充电桩".
fn metric_names(metrics: &[MetricRow]) -> Vec<String> {
    metrics
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{} {}", i + 1, m.name))
        .collect()
}

/// A name typed in the quick form that fits two metrics or more: none is picked.
pub fn ambiguous_metric(key: &str, metrics: &[MetricRow]) -> String {
    format!(
        "“{key}”可指多项指标。本项目的指标：\n{}\n请写名称中能区分的一段或序号，例如 1=45。",
        metric_names(metrics).join("\n")
    )
}

pub fn unknown_metric(key: &str, metrics: &[MetricRow]) -> String {
    let names = metric_names(metrics);
    if names.is_empty() {
        return format!("这个项目没有量化指标，“{key}”无从填写。请只写 进展:…… 和 困难:……");
    }
    format!(
        "找不到指标“{key}”。本项目的指标：\n{}\n可写名称中的一段或序号，例如 1=45。",
        names.join("\n")
    )
}

fn value_line(metric: &MetricRow, value: Option<f64>, added: Option<f64>) -> String {
    let shown = match value {
        None => "未填".to_owned(),
        Some(v) => super::plain::obtained(metric, v, added),
    };
    format!("· {}：{shown}（目标 {}）", metric.name, metric.target())
}

pub fn summary(draft: &Draft, metrics: &[MetricRow], last: &[Option<f64>]) -> String {
    let mut out = format!(
        "请确认本周报送 · 项目 {}「{}」\n推进状态：{}",
        draft.project_no,
        draft.title,
        draft.status.map_or("未填", |s| s.label())
    );
    let mut doubts = 0;
    for (index, metric) in metrics.iter().enumerate() {
        let value = draft.values.get(index).copied().flatten();
        out.push('\n');
        let added = draft.added.get(index).copied().flatten();
        out.push_str(&value_line(metric, value, added));
        let last = last.get(index).copied().flatten();
        let flag = match value.and_then(|v| doubt(v, last, metric.target)) {
            None => continue,
            Some(Doubt::Drop { last }) => {
                format!(" ⚠️比上次少，提交即作更正（上次 {}）", format_number(last))
            }
            Some(Doubt::OverTarget { .. }) => " ⚠️超过目标的1.5倍".to_owned(),
        };
        doubts += 1;
        out.push_str(&flag);
    }
    let text = |t: &Option<String>| match t.as_deref() {
        None | Some("") => "无".to_owned(),
        Some(t) => t.to_owned(),
    };
    out.push_str(&format!(
        "\n本周进展：{}\n困难问题：{}",
        text(&draft.progress),
        text(&draft.difficulties)
    ));
    let evidence = match draft.evidence.as_ref().map(|(kind, _)| kind.as_str()) {
        Some("photo") => "照片 1 张",
        Some(_) => "文件 1 个",
        None => "无",
    };
    out.push_str(&format!("\n佐证材料：{evidence}"));
    if doubts > 0 {
        out.push_str("\n\n⚠️ 标记的数据请核对后提交；有误可点“修改”。");
    }
    if let Some(next) = draft.next.first() {
        out.push_str(&format!("\n\n提交后接着确认项目 {}。", next.project_no));
    }
    out
}

/// On the receipt of a report written in a week that expects none (a pause, a holiday).
pub fn not_expected_week() -> &'static str {
    "本周无周报安排（周报暂停、节假日或不在年度计划期内），本次报送已存档备查，不计入应报和逾期统计。"
}

pub fn receipt(
    draft: &Draft,
    saved: &Saved,
    role: AssignmentRole,
    figures: &[(MetricRow, Option<f64>)],
    verdict: &Verdict,
) -> String {
    let week = saved.week.week_start;
    let version = if saved.version > 1 {
        format!("（第{}版，已更正）", saved.version)
    } else {
        String::new()
    };
    let note = if saved.week.late {
        "\n⚠️ 已过本周截止时间，记为逾期报送。".to_owned()
    } else if !saved.week.expected {
        format!("\n{}", not_expected_week())
    } else {
        String::new()
    };
    let mut out = format!(
        "✅ 已提交：项目 {}「{}」{}月{}日当周报送{version}。{note}",
        draft.project_no,
        draft.title,
        week.format("%-m"),
        week.format("%-d")
    );
    if draft.evidence.is_none() {
        out.push_str(&format!(
            "\n如需补充佐证材料，{}分钟内直接发送照片或文件即可。",
            crate::domain::report::EVIDENCE_AFTER_MINUTES
        ));
    }
    if role == AssignmentRole::Co {
        out.push_str("\n您的报送作为协办单位的贡献记录；项目数据以牵头单位报送为准。");
    }
    if !figures.is_empty() {
        out.push_str("\n\n项目当前数据：");
        for (metric, value) in figures {
            let shown = match value {
                Some(v) if metric.kind == MetricKind::YesNo => yes_no(*v).to_owned(),
                Some(v) => format!(
                    "{}/{}",
                    format_number(*v),
                    format_number(metric.target.unwrap_or_default())
                ),
                None => "未填".to_owned(),
            };
            let share = value
                .map(|v| format!("（{:.0}%）", percent(metric, v)))
                .unwrap_or_default();
            out.push_str(&format!(
                "\n· {}：{shown}{}{share}",
                metric.name,
                metric
                    .unit
                    .as_deref()
                    .filter(|_| metric.kind != MetricKind::YesNo)
                    .unwrap_or("")
            ));
        }
    }
    out.push_str(&format!(
        "\n\n序时进度：{:.0}%\n当前颜色：{}{}（{}）",
        verdict.expected,
        verdict.colour.emoji(),
        verdict.colour.label(),
        verdict.reasons.join("；")
    ));
    out
}
