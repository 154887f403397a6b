//! The briefing's words on hand-made digests.

use chrono::NaiveDate;

use super::*;
use crate::domain::dekad::Period;

fn empty(day: &str) -> Digest {
    let day: NaiveDate = day.parse().unwrap();
    Digest {
        period: Period::dekad_of(day),
        plan_name: "济宁高新区2024年重点民生实事".to_owned(),
        scope: None,
        as_of: day,
        so_far: false,
        received: 0,
        expected: 0,
        projects: Vec::new(),
        missed: Vec::new(),
        difficulties: Vec::new(),
        changes: Vec::new(),
        moves: Vec::new(),
        compared: false,
    }
}

#[test]
fn a_late_digest_says_so_right_after_its_period() {
    let d = empty("2024-03-10");
    let header = |text: String| text.lines().next().unwrap().to_owned();
    assert_eq!(
        header(briefing(&d, true)),
        "📊 济宁高新区2024年重点民生实事 · 2024年3月上旬调度（3月1日—3月10日）（补发）"
    );
    assert_eq!(
        header(briefing(&d, false)),
        "📊 济宁高新区2024年重点民生实事 · 2024年3月上旬调度（3月1日—3月10日）"
    );
    let q = Digest {
        period: Period::quarter_of("2024-03-31".parse().unwrap()),
        ..empty("2024-03-31")
    };
    assert!(
        header(quarter(&q, &[], true)).ends_with("专题（1月1日—3月31日）（补发）"),
        "{}",
        quarter(&q, &[], true)
    );
}

fn project(no: i64, state: State) -> ProjectState {
    ProjectState {
        no,
        title: format!("项目{no}"),
        lead_unit: "发展软环境保障局".to_owned(),
        state,
        reasons: Vec::new(),
        expected: 50.0,
        metrics: Vec::new(),
        missed_weeks: 0,
    }
}

#[test]
fn the_quarter_counts_states_now_and_a_quarter_ago() {
    let red = State::Colour(Colour::Red);
    let blue = State::Colour(Colour::Blue);
    let d = Digest {
        period: Period::quarter_of("2024-06-30".parse().unwrap()),
        projects: vec![
            project(1, red),
            project(2, blue),
            project(3, State::Unreported),
        ],
        changes: vec![crate::services::digest::Change {
            no: 2,
            title: "项目2".to_owned(),
            before: State::Unreported,
            now: blue,
        }],
        compared: true,
        ..empty("2024-06-30")
    };
    let text = quarter(&d, &[], false);
    assert_eq!(
        text.lines().nth(2),
        Some(
            "季度末：红 1 · 黄 0 · 蓝 1 · 未报送 1；上季度末：红 1 · 黄 0 · 蓝 0 · 未报送 2；本季度提出困难问题 0（已解决 0）"
        ),
        "{text}"
    );
    assert!(text.contains("\n· 2. 项目2 由未报送转蓝"), "{text}");
}

#[test]
fn a_long_difficulty_is_cut_after_a_pause_where_it_has_one() {
    assert_eq!(shortened("选址待定"), "选址待定");
    let long = "第三所幼儿园产权尚未移交，需区自然资源部门协调办理不动产登记，预计影响九月开园，请分管领导协调";
    assert_eq!(
        shortened(long),
        "第三所幼儿园产权尚未移交，需区自然资源部门协调办理不动产登记，预计影响九月开园…"
    );
    let unbroken = "一".repeat(60);
    assert_eq!(shortened(&unbroken).chars().count(), DIFFICULTY_CHARS + 1);
    // A cut inside the writer's own bracket is moved before it: the line's "（…提出）" never
    // nests in an open one.
    let bracketed = "产权移交需协调（涉及区自然资源局、住建局、街道办事处及产权单位多方意见尚未统一，正在逐一对接）";
    let cut = shortened(bracketed);
    assert_eq!(cut, "产权移交需协调…");
}

#[test]
fn a_digest_so_far_says_the_day_it_measures_at() {
    let d = Digest {
        so_far: true,
        as_of: "2024-03-06".parse().unwrap(),
        ..empty("2024-03-06")
    };
    assert!(
        briefing(&d, false).starts_with(
            "📊 济宁高新区2024年重点民生实事 · 2024年3月上旬调度（3月1日—3月10日，截至3月6日）\n全部项目\n应报 0 · 实报 0；红 0 · 黄 0 · 蓝 0 · 未报送 0；待协调问题 0；逾期 0"
        ),
        "{}",
        briefing(&d, false)
    );
}
