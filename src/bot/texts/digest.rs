//! The ten-day digest's words.

use crate::db::plan::MetricRow;
use crate::domain::metric::{Figure, MetricKind, format_number};
use crate::services::digest::{Difficulty, Digest};

use super::short_date as day;

/// A metric's figure as value/target with its unit ("4/6处"), 是/否, or 未填.
pub fn figure(metric: &MetricRow, value: Option<f64>) -> String {
    match value {
        None => "未填".to_owned(),
        Some(v) if metric.kind == MetricKind::YesNo => {
            (if v > 0.0 { "是" } else { "否" }).to_owned()
        }
        Some(v) => format!(
            "{}/{}{}",
            format_number(v),
            format_number(metric.target.unwrap_or_default()),
            metric.unit.as_deref().unwrap_or("")
        ),
    }
}

/// A project's metrics as "name value（percent%）".
fn figures(metrics: &[Figure]) -> Vec<String> {
    metrics
        .iter()
        .map(|f| match f.percent {
            Some(percent) => format!("{} {}（{percent:.0}%）", f.name, f.shown()),
            None => format!("{} {}", f.name, f.shown()),
        })
        .collect()
}

pub fn digest(d: &Digest) -> String {
    let mut out = format!(
        "📊 {} · {}调度（{}—{}）",
        d.plan_name,
        d.period.label(),
        day(d.period.start),
        day(d.period.end)
    );
    let rate = if d.expected == 0 {
        "本旬没有应报的周报".to_owned()
    } else {
        format!(
            "{}/{}（{:.0}%）",
            d.received,
            d.expected,
            d.received as f64 * 100.0 / d.expected as f64
        )
    };
    out.push_str(&format!("\n报送率：{rate}"));
    let count = |c| d.projects.iter().filter(|p| p.colour == c).count();
    use crate::domain::colour::Colour::{Blue, Red, Yellow};
    out.push_str(&format!(
        "\n🔴 红 {} · 🟡 黄 {} · 🔵 蓝 {}",
        count(Red),
        count(Yellow),
        count(Blue)
    ));
    for p in &d.projects {
        out.push_str(&format!(
            "\n\n{} 项目 {} {}（{}）",
            p.colour.emoji(),
            p.no,
            p.title,
            p.lead_unit
        ));
        if p.colour != Blue || !p.reasons.is_empty() {
            out.push_str(&format!("\n   {}", p.reasons.join("；")));
        }
        let figures = figures(&p.metrics);
        if !p.metrics.is_empty() {
            out.push_str(&format!(
                "\n   {}；时序 {:.0}%",
                figures.join("；"),
                p.expected
            ));
        }
    }
    out.push_str("\n\n未按时报送：");
    if d.missed.is_empty() {
        out.push('无');
    }
    for m in &d.missed {
        out.push_str(&format!(
            "\n· {}截止 项目 {} — {} {}",
            day(m.deadline),
            m.no,
            m.unit,
            m.contact
        ));
    }
    out.push_str("\n\n待协调的困难问题：");
    if d.difficulties.is_empty() {
        out.push('无');
    }
    for difficulty in &d.difficulties {
        let raised = difficulty.raised_on.map(day).unwrap_or_default();
        out.push_str(&format!(
            "\n· 项目 {}：{}（{raised}提出）",
            difficulty.no, difficulty.text
        ));
    }
    out.push_str("\n\n与上次调度相比：");
    push_changes(&mut out, d, "颜色无变化");
    out
}

/// The quarter's summary: completion against the year's targets, colours against the
/// quarter before, projects at risk, and the difficulties raised in the quarter.
pub fn quarter(d: &Digest, raised: &[Difficulty]) -> String {
    use crate::domain::colour::Colour::Blue;
    let mut out = format!(
        "📈 {} · {}专题（{}—{}）\n全年目标完成情况：",
        d.plan_name,
        d.period.label(),
        day(d.period.start),
        day(d.period.end)
    );
    for p in &d.projects {
        let figures = figures(&p.metrics);
        let figures = if figures.is_empty() {
            "按进度跟踪".to_owned()
        } else {
            figures.join("；")
        };
        out.push_str(&format!(
            "\n{} 项目 {} {}：{figures}",
            p.colour.emoji(),
            p.no,
            p.title
        ));
    }
    out.push_str("\n\n颜色变化（与上季度末相比）：");
    push_changes(&mut out, d, "无");
    out.push_str("\n\n可能无法按期完成的项目：");
    let at_risk: Vec<_> = d.projects.iter().filter(|p| p.colour != Blue).collect();
    if at_risk.is_empty() {
        out.push('无');
    }
    for p in at_risk {
        out.push_str(&format!(
            "\n· 项目 {} {}：{}",
            p.no,
            p.title,
            p.reasons.join("；")
        ));
    }
    out.push_str("\n\n本季度提出的困难问题：");
    if raised.is_empty() {
        out.push('无');
    }
    for difficulty in raised {
        let at = difficulty.raised_on.map(day).unwrap_or_default();
        let state = if difficulty.resolved {
            "已解决"
        } else {
            "未解决"
        };
        out.push_str(&format!(
            "\n· 项目 {}：{}（{at}提出，{state}）",
            difficulty.no, difficulty.text
        ));
    }
    out
}

/// A digest sent after its due day: "（补发）" closes its header line.
pub fn marked_late(text: &str) -> String {
    match text.split_once('\n') {
        Some((header, rest)) => format!("{header}（补发）\n{rest}"),
        None => format!("{text}（补发）"),
    }
}

/// The colour changes, a line each ("· 项目 3 由黄转蓝"), or `none` when there are none.
fn push_changes(out: &mut String, d: &Digest, none: &str) {
    if d.changes.is_empty() {
        out.push_str(none);
    }
    for change in &d.changes {
        out.push_str(&format!(
            "\n· 项目 {} 由{}转{}",
            change.no,
            change.before.label(),
            change.now.label()
        ));
    }
}
