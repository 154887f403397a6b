//! The quarter's summary (每季度专题会议), under the digest's rules: data-backed states, the
//! summary first, long lists cut and counted.

use super::{
    attention, capped, day, figures, header, room, section, shortened, state_change, states, tally,
};
use crate::services::digest::{Difficulty, Digest};

/// The quarter's summary, under the same rules: states at its end and the difficulties of the
/// quarter first, then the projects at risk, completion against the year's targets, changes
/// against the quarter before, and the difficulties raised in it.
pub fn quarter(d: &Digest, raised: &[Difficulty], late: bool) -> String {
    let mut out = header(d, "📈", "专题", late);
    let resolved = raised.iter().filter(|x| x.resolved).count();
    // A quarter ago: each project's state then, where it changed, else the same as now.
    let before = d.projects.iter().map(|p| {
        d.changes
            .iter()
            .find(|c| c.no == p.no)
            .map_or(p.state, |c| c.before)
    });
    let before = if d.compared {
        format!("；上季度末：{}", tally(before))
    } else {
        String::new()
    };
    out.push_str(&format!(
        "\n季度末：{}{before}；本季度提出困难问题 {}（已解决 {resolved}）",
        states(d),
        raised.len()
    ));
    let mut tail = String::new();
    let completion: Vec<String> = d
        .projects
        .iter()
        .filter(|p| p.state.colour().is_some() && !p.metrics.is_empty())
        .map(|p| format!("· {}. {}：{}", p.no, p.title, figures(&p.metrics)))
        .collect();
    section(
        &mut tail,
        "全年目标完成情况",
        capped(completion, "项，详见台账"),
    );
    let changes = if d.compared {
        d.changes.iter().map(state_change).collect()
    } else {
        Vec::new()
    };
    section(
        &mut tail,
        "颜色变化（与上季度末相比）",
        capped(changes, "项"),
    );
    let raised: Vec<String> = raised
        .iter()
        .map(|x| {
            let state = if x.resolved { "已解决" } else { "未解决" };
            format!(
                "· {}. {}：{}（{}提出，{state}）",
                x.no,
                x.unit,
                shortened(&x.text),
                day(x.raised_on)
            )
        })
        .collect();
    section(&mut tail, "本季度提出的困难问题", capped(raised, "条"));
    let listed = attention(d, room(&[&out, &tail]));
    section(&mut out, "可能无法按期完成的项目", listed);
    out.push_str(&tail);
    out
}
