//! The charts, as inline SVG written with maud: no script, no embedded font (the browser
//! renders the text with its own CJK font), presentation attributes only (the CSP forbids
//! inline styles). They scale to the page's width through their viewBox.

use maud::{Markup, html};

use crate::domain::colour::Colour;
use crate::domain::metric::format_number;
use crate::export::chart::{Bar, omitted_note, shown};
use crate::services::web_view::Series;

use super::layout::day;

const WIDTH: f64 = 480.0;
const ROW: f64 = 56.0;
const TOP: f64 = 34.0;

fn fill(colour: Option<Colour>) -> &'static str {
    match colour {
        Some(Colour::Blue) => "#2f6fd0",
        Some(Colour::Yellow) => "#f2b705",
        Some(Colour::Red) => "#d93a2b",
        None => "#b4b4b4",
    }
}

/// The digest's chart as SVG: one row per project (red, yellow, unreported, blue; at most as
/// many as the digest's picture), its label above a bar of its progress, and a mark at
/// 序时进度.
pub fn progress(bars: &[Bar]) -> Markup {
    let (rows, omitted) = shown(bars);
    let height = TOP + ROW * rows.len().max(1) as f64 + 10.0;
    let x = |percent: f64| percent.clamp(0.0, 100.0) / 100.0 * (WIDTH - 20.0);
    html! {
        figure.chart {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (height) }
                role="img" aria-label="各项目完成进度与序时进度" {
                text x="0" y="18" font-size="15" fill="#555" { "完成进度（%），竖线为序时进度" }
                @for (i, bar) in rows.iter().enumerate() {
                    @let y = TOP + ROW * i as f64;
                    g {
                        title { (bar.no) ". " (bar.title) }
                        text x="0" y=(y + 18.0) font-size="17" fill="#222" {
                            (bar.no) ". " (short(&bar.title))
                            @match (bar.colour, bar.actual) {
                                (None, _) => { " · 未报送" }
                                (Some(_), Some(v)) => { " · " (format_number(v.round())) "%" }
                                (Some(_), None) => { " · 按进度跟踪" }
                            }
                        }
                        rect x="0" y=(y + 26.0) width=(x(100.0)) height="18" fill="#f0f2f5" {}
                        @if let (Some(colour), Some(v)) = (bar.colour, bar.actual) {
                            rect x="0" y=(y + 26.0) width=(x(v)) height="18" fill=(fill(Some(colour))) {}
                        }
                        line x1=(x(bar.expected)) x2=(x(bar.expected)) y1=(y + 22.0) y2=(y + 48.0)
                            stroke="#222" stroke-width="2" {}
                    }
                }
            }
            @if omitted > 0 {
                figcaption { (omitted_note(omitted)) }
            }
        }
    }
}

/// A title short enough for one line of the chart (the whole title is the row's tooltip).
fn short(title: &str) -> String {
    const MAX: usize = 18;
    if title.chars().count() <= MAX {
        title.to_owned()
    } else {
        let mut cut: String = title.chars().take(MAX - 1).collect();
        cut.push('…');
        cut
    }
}

/// A metric's cumulative lead value by week (a solid line with points) against the 序时 line
/// (dashed), from zero to the larger of the target and the highest value.
pub fn weekly(series: &Series) -> Markup {
    const H: f64 = 260.0;
    const LEFT: f64 = 12.0;
    const PLOT_TOP: f64 = 44.0;
    const PLOT_BOTTOM: f64 = 220.0;
    let target = series.metric.target.unwrap_or(1.0);
    let unit = series.metric.unit.as_deref().unwrap_or("");
    let top = series
        .points
        .iter()
        .filter_map(|p| p.value)
        .fold(target, f64::max)
        .max(f64::EPSILON);
    let n = series.points.len();
    let x = |i: usize| {
        if n <= 1 {
            WIDTH / 2.0
        } else {
            LEFT + (WIDTH - 2.0 * LEFT) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * (v / top).clamp(0.0, 1.0);
    let expected: Vec<String> = series
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.expected)))
        .collect();
    let actual: Vec<(f64, f64)> = series
        .points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.value.map(|v| (x(i), y(v))))
        .collect();
    let actual_line: Vec<String> = actual
        .iter()
        .map(|(a, b)| format!("{a:.1},{b:.1}"))
        .collect();
    html! {
        figure.chart {
            figcaption { (series.metric.name) "（目标 " (format_number(target)) (unit) "）" }
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (H) }
                role="img" aria-label={ (series.metric.name) "逐周累计完成情况" } {
                rect x="12" y="8" width="22" height="4" fill="#2f6fd0" {}
                text x="40" y="16" font-size="16" fill="#222" { "累计完成" }
                line x1="140" x2="162" y1="10" y2="10" stroke="#888" stroke-width="3" stroke-dasharray="5 4" {}
                text x="168" y="16" font-size="16" fill="#222" { "序时进度" }
                line x1=(LEFT) x2=(WIDTH - LEFT) y1=(PLOT_BOTTOM) y2=(PLOT_BOTTOM) stroke="#bbb" {}
                line x1=(LEFT) x2=(WIDTH - LEFT) y1=(y(target)) y2=(y(target)) stroke="#ddd" {}
                text x=(WIDTH - LEFT) y=(y(target) - 4.0) font-size="15" fill="#666" text-anchor="end" {
                    "目标 " (format_number(target)) (unit)
                }
                polyline points=(expected.join(" ")) fill="none" stroke="#888" stroke-width="2" stroke-dasharray="6 5" {}
                @if actual.len() > 1 {
                    polyline points=(actual_line.join(" ")) fill="none" stroke="#2f6fd0" stroke-width="3" {}
                }
                @for (cx, cy) in &actual {
                    circle cx=(format!("{cx:.1}")) cy=(format!("{cy:.1}")) r="4" fill="#2f6fd0" {}
                }
                @if let (Some(first), Some(last)) = (series.points.first(), series.points.last()) {
                    text x=(LEFT) y=(H - 14.0) font-size="15" fill="#666" { (day(first.week)) "当周" }
                    @if n > 1 {
                        text x=(WIDTH - LEFT) y=(H - 14.0) font-size="15" fill="#666" text-anchor="end" { (day(last.week)) "当周" }
                    }
                }
                @if let Some(v) = series.points.iter().rev().find_map(|p| p.value) {
                    text x=(LEFT) y=(PLOT_TOP - 8.0) font-size="15" fill="#2f6fd0" {
                        "最新 " (format_number(v)) (unit)
                    }
                }
            }
        }
    }
}
