//! The ten-day digest's words: a briefing a leader reads in two minutes (SPEC.md §6). A header
//! with whose scope, one summary line, red and yellow with their reasons against 序时进度, open
//! difficulties, missed deadlines, the rest on one line, and what changed. Long lists are cut
//! and counted, so a plan of any size stays one or two messages.

use crate::bot::outgoing::utf16_len;
use crate::db::plan::MetricRow;
use crate::domain::colour::{Colour, State};
use crate::domain::metric::{Figure, MetricKind, format_number};
use crate::services::digest::{Change, Digest, Missed, ProjectState, ScopePart};

use super::short_date as day;

mod quarter;

pub use quarter::quarter;

/// A briefing fits one Telegram message (4,096 UTF-16 units, less a margin): the red and yellow
/// projects listed in full get what the other sections leave, and the rest are counted.
const MESSAGE_BUDGET: usize = 4000;
/// The room the red and yellow projects get however long the other sections are.
const MIN_LISTED: usize = 800;
/// A difficulty's words shown in a briefing, in characters; the ledger has them whole.
const DIFFICULTY_CHARS: usize = 40;
/// Project numbers listed on one line before the rest are elided.
const MAX_NUMBERS: usize = 30;
/// Difficulties, missed deadlines and changes listed before the rest are counted.
const MAX_ITEMS: usize = 10;

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

/// A project's figures against its targets: "3/20名（15%）" alone, each with its name when the
/// project has several.
fn figures(metrics: &[Figure]) -> String {
    let named = metrics.len() > 1;
    metrics
        .iter()
        .map(|f| {
            let shown = match f.percent {
                Some(percent) if f.kind != MetricKind::YesNo => {
                    format!("{}（{percent:.0}%）", f.shown())
                }
                _ => f.shown(),
            };
            if named {
                format!("{} {shown}", f.name)
            } else {
                shown
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The header: plan, period and dates (with the day measured at for a digest so far), 补发 when
/// late, and whose scope in words.
fn header(d: &Digest, icon: &str, kind: &str, late: bool) -> String {
    let so_far = if d.so_far {
        format!("，截至{}", day(d.as_of))
    } else {
        String::new()
    };
    format!(
        "{icon} {} · {}{kind}（{}—{}{so_far}）{}\n{}",
        d.plan_name,
        d.period.label(),
        day(d.period.start),
        day(d.period.end),
        if late { "（补发）" } else { "" },
        scope(d.scope.as_deref())
    )
}

/// "分管：一、助老扶老提升改造项目；12. 新能源智慧充电站及智慧停车场项目", or 全部项目.
fn scope(parts: Option<&[ScopePart]>) -> String {
    let Some(parts) = parts else {
        return "全部项目".to_owned();
    };
    let words: Vec<String> = parts
        .iter()
        .map(|part| match part {
            ScopePart::Category { numeral, name } => format!("{numeral}、{name}"),
            ScopePart::Project { no, title } => format!("{no}. {title}"),
        })
        .collect();
    if words.is_empty() {
        "分管：无".to_owned()
    } else {
        format!("分管：{}", words.join("；"))
    }
}

/// "红 1 · 黄 1 · 蓝 3 · 未报送 1 · 未指派 1" (未指派 only when there are some).
fn states(d: &Digest) -> String {
    tally(d.projects.iter().map(|p| p.state))
}

/// The states counted, in the summary line's words.
fn tally(states: impl Iterator<Item = State> + Clone) -> String {
    let count = |state: State| states.clone().filter(|s| *s == state).count();
    let mut out = format!(
        "红 {} · 黄 {} · 蓝 {} · 未报送 {}",
        count(State::Colour(Colour::Red)),
        count(State::Colour(Colour::Yellow)),
        count(State::Colour(Colour::Blue)),
        count(State::Unreported)
    );
    let unassigned = count(State::NoContact);
    if unassigned > 0 {
        out.push_str(&format!(" · 未指派 {unassigned}"));
    }
    out
}

/// The summary line: reports expected and received, states, open difficulties, missed.
fn summary(d: &Digest) -> String {
    let rate = if d.expected == 0 {
        format!("应报 0 · 实报 {}", d.received)
    } else {
        format!(
            "应报 {} · 实报 {} · 报送率 {:.0}%",
            d.expected,
            d.received,
            d.received as f64 * 100.0 / d.expected as f64
        )
    };
    format!(
        "{rate}；{}；待协调问题 {}；逾期 {}",
        states(d),
        d.difficulties.len(),
        missed_lines(&d.missed).len()
    )
}

/// Numbers joined with 、, elided after the first few.
fn numbers<'a>(projects: impl Iterator<Item = &'a ProjectState>) -> String {
    let all: Vec<String> = projects.map(|p| p.no.to_string()).collect();
    let mut shown = all[..all.len().min(MAX_NUMBERS)].join("、");
    if all.len() > MAX_NUMBERS {
        shown.push_str("、…");
    }
    shown
}

/// A red or yellow project on two lines: number, title, lead unit; its reasons and figures
/// against 序时进度.
fn project_lines(p: &ProjectState) -> String {
    let mut second = p.reasons.join("；");
    if !p.metrics.is_empty() {
        second.push_str(&format!(
            "；{}，序时进度{:.0}%",
            figures(&p.metrics),
            p.expected
        ));
    }
    format!(
        "{} {}. {}\n   {second}",
        p.state.emoji(),
        p.no,
        super::noted(&p.title, &p.lead_unit)
    )
}

/// The room left for the red and yellow projects once `others` are written.
fn room(others: &[&str]) -> usize {
    let used: usize = others.iter().map(|s| utf16_len(s)).sum();
    MESSAGE_BUDGET.saturating_sub(used).max(MIN_LISTED)
}

/// Red, then yellow, within `budget` UTF-16 units, the rest counted; then the projects without
/// a report on one line. `None` when nothing needs attention.
fn attention(d: &Digest, budget: usize) -> Option<String> {
    let unreported = d.projects.iter().filter(|p| p.state == State::Unreported);
    let unassigned = d.projects.iter().filter(|p| p.state == State::NoContact);
    let mut quiet = Vec::new();
    if d.count(State::Unreported) > 0 {
        quiet.push(format!(
            "{}：{}",
            State::Unreported.label(),
            numbers(unreported)
        ));
    }
    if d.count(State::NoContact) > 0 {
        quiet.push(format!(
            "{}：{}",
            State::NoContact.label(),
            numbers(unassigned)
        ));
    }
    let quiet =
        (!quiet.is_empty()).then(|| format!("{} {}", State::Unreported.emoji(), quiet.join("；")));
    // Room for the quiet line and the count of those not listed.
    let budget = budget.saturating_sub(quiet.as_deref().map_or(0, utf16_len) + 40);
    let mut lines = Vec::new();
    let mut used = 0;
    let (mut red_left, mut yellow_left) = (0, 0);
    for p in &d.projects {
        match p.state {
            State::Colour(Colour::Red) | State::Colour(Colour::Yellow) => {}
            _ => continue,
        }
        let text = project_lines(p);
        if used + utf16_len(&text) > budget || red_left + yellow_left > 0 {
            match p.state {
                State::Colour(Colour::Red) => red_left += 1,
                _ => yellow_left += 1,
            }
            continue;
        }
        used += utf16_len(&text) + 1;
        lines.push(text);
    }
    if red_left + yellow_left > 0 {
        lines.push(format!(
            "另有红色 {red_left} 项、黄色 {yellow_left} 项未列出，详见台账"
        ));
    }
    lines.extend(quiet);
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// A section: its title, then its lines, or 无.
fn section(out: &mut String, title: &str, body: Option<String>) {
    out.push_str(&format!("\n\n{title}："));
    match body {
        Some(body) => {
            out.push('\n');
            out.push_str(&body);
        }
        None => out.push('无'),
    }
}

/// Lines of a list, the first few, the rest counted ("另有 3 条").
fn capped(items: Vec<String>, unit: &str) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    let more = items.len().saturating_sub(MAX_ITEMS);
    let mut lines: Vec<String> = items.into_iter().take(MAX_ITEMS).collect();
    if more > 0 {
        lines.push(format!("· 另有 {more} {unit}"));
    }
    Some(lines.join("\n"))
}

/// "· 1. 发展软环境保障局：部分老人不同意入户改造（6月12日提出，已9天）".
fn open_difficulties(d: &Digest) -> Option<String> {
    let items = d
        .difficulties
        .iter()
        .map(|x| {
            format!(
                "· {}. {}：{}（{}提出，已{}天）",
                x.no,
                x.unit,
                shortened(&x.text),
                day(x.raised_on),
                x.days_open
            )
        })
        .collect();
    capped(items, "条")
}

/// A difficulty's words cut to a few dozen characters, after a 、，；。 where there is one in
/// the second half, else mid-phrase with an ellipsis.
fn shortened(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= DIFFICULTY_CHARS {
        return text.to_owned();
    }
    let mut cut = (DIFFICULTY_CHARS / 2..DIFFICULTY_CHARS)
        .rev()
        .find(|&i| "，。；、,;".contains(chars[i]))
        .unwrap_or(DIFFICULTY_CHARS);
    // A cut inside the writer's own bracket would leave it open, and the line's "（…提出）"
    // nested in it: cut before that bracket instead.
    let open = |c: char| c == '（' || c == '(';
    let close = |c: char| c == '）' || c == ')';
    let kept = &chars[..cut];
    if kept.iter().filter(|&&c| open(c)).count() > kept.iter().filter(|&&c| close(c)).count()
        && let Some(at) = kept.iter().rposition(|&c| open(c))
    {
        cut = at;
    }
    format!("{}…", chars[..cut].iter().collect::<String>())
}

/// The missed deadlines, one line per project and contact, with the weeks in a row.
fn missed_lines(missed: &[Missed]) -> Vec<(i64, &str, &str, u32)> {
    let mut lines: Vec<(i64, &str, &str, u32)> = Vec::new();
    for m in missed {
        match lines
            .iter_mut()
            .find(|l| (l.0, l.1, l.2) == (m.no, m.unit.as_str(), m.contact.as_str()))
        {
            Some(line) => line.3 = line.3.max(m.weeks),
            None => lines.push((m.no, &m.unit, &m.contact, m.weeks)),
        }
    }
    lines.sort_by_key(|l| l.0);
    lines
}

/// "· 4. 发展软环境保障局 孙八，连续2周".
fn late_units(d: &Digest) -> Option<String> {
    let items = missed_lines(&d.missed)
        .into_iter()
        .map(|(no, unit, contact, weeks)| match weeks {
            0 => format!("· {no}. {unit} {contact}"),
            1 => format!("· {no}. {unit} {contact}，1周"),
            n => format!("· {no}. {unit} {contact}，连续{n}周"),
        })
        .collect();
    capped(items, "个单位")
}

/// "其余 3 项按序时推进（2、3、10）", or nothing when no project is blue.
fn rest(d: &Digest) -> Option<String> {
    let blue = State::Colour(Colour::Blue);
    let count = d.count(blue);
    (count > 0).then(|| {
        let on_track = d.projects.iter().filter(|p| p.state == blue);
        format!("其余 {count} 项按序时推进（{}）", numbers(on_track))
    })
}

/// A figure's move: "2→3名", "否→是", with the metric's name when the project has several.
fn moved(figure: &Figure, before: f64, named: bool) -> String {
    let value = |v: f64| match figure.kind {
        MetricKind::YesNo => (if v > 0.0 { "是" } else { "否" }).to_owned(),
        _ => format_number(v),
    };
    let now = figure.value.map(value).unwrap_or_default();
    let unit = match figure.kind {
        MetricKind::YesNo => "",
        _ => figure.unit.as_deref().unwrap_or(""),
    };
    let name = if named {
        format!("{} ", figure.name)
    } else {
        String::new()
    };
    format!("{name}{}→{now}{unit}", value(before))
}

/// "· 3. 建设老年人食堂 由黄转蓝"
fn state_change(c: &Change) -> String {
    format!(
        "· {}. {} 由{}转{}",
        c.no,
        c.title,
        c.before.label(),
        c.now.label()
    )
}

/// State changes a line each, then the figures that moved on one line.
fn changes(d: &Digest) -> Option<String> {
    if !d.compared {
        return Some("首次调度，无可比较".to_owned());
    }
    let items: Vec<String> = d.changes.iter().map(state_change).collect();
    let mut lines: Vec<String> = capped(items, "项状态变化").into_iter().collect();
    if !d.moves.is_empty() {
        let shown: Vec<String> = d
            .moves
            .iter()
            .take(MAX_ITEMS)
            .map(|m| {
                let named = m.figures.len() > 1
                    || d.projects
                        .iter()
                        .any(|p| p.no == m.no && p.metrics.len() > 1);
                let figures: Vec<String> = m
                    .figures
                    .iter()
                    .map(|(figure, before)| moved(figure, *before, named))
                    .collect();
                format!("{}. {}", m.no, figures.join("、"))
            })
            .collect();
        let more = d.moves.len().saturating_sub(MAX_ITEMS);
        let more = if more > 0 {
            format!("；另有 {more} 项")
        } else {
            String::new()
        };
        lines.push(format!("· 数据变化：{}{more}", shown.join("；")));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The ten-day digest as a briefing (for /digest, a digest so far).
pub fn digest(d: &Digest) -> String {
    briefing(d, false)
}

/// The ten-day digest as a briefing; `late` when caught up after downtime (补发).
pub fn briefing(d: &Digest, late: bool) -> String {
    let head = format!("{}\n{}", header(d, "📊", "调度", late), summary(d));
    let mut tail = String::new();
    section(&mut tail, "待协调的困难问题", open_difficulties(d));
    section(&mut tail, "未按时报送", late_units(d));
    if let Some(rest) = rest(d) {
        tail.push_str(&format!("\n\n{rest}"));
    }
    let changes = changes(d).unwrap_or_else(|| "无变化".to_owned());
    let joiner = if changes.starts_with('·') { "\n" } else { "" };
    tail.push_str(&format!("\n\n与上次调度相比：{joiner}{changes}"));
    let mut out = head;
    let listed = attention(d, room(&[&out, &tail]));
    section(&mut out, "需关注", listed);
    out.push_str(&tail);
    out
}

#[cfg(test)]
mod tests;
