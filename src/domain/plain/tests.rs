//! The table: sentences as contacts write them, against the projects and metrics of the
//! seeded 2024 plan (济高新管发〔2024〕1号), with what each yields.

use super::*;
use crate::domain::metric::format_number;

mod table;

fn metric(name: &str, kind: MetricKind, unit: &str, target: f64, last: Option<f64>) -> PlainMetric {
    PlainMetric {
        name: name.to_owned(),
        kind,
        unit: Some(unit.to_owned()).filter(|u| !u.is_empty()),
        target: (kind != MetricKind::YesNo).then_some(target),
        last,
    }
}

fn number(name: &str, unit: &str, target: f64, last: Option<f64>) -> PlainMetric {
    metric(name, MetricKind::Number, unit, target, last)
}

fn project(no: i64, title: &str, metrics: Vec<PlainMetric>, last: Status) -> PlainProject {
    PlainProject {
        no,
        title: title.to_owned(),
        metrics,
        last_status: Some(last),
    }
}

fn p3() -> PlainProject {
    let m = number("新建老年人食堂", "处", 6.0, Some(2.0));
    project(3, "建设老年人食堂", vec![m], Status::OnTrack)
}

fn p6() -> PlainProject {
    let metrics = vec![
        number("新增托位", "个", 320.0, Some(200.0)),
        metric(
            "执行市级托育费用标准",
            MetricKind::YesNo,
            "",
            0.0,
            Some(0.0),
        ),
        number("托育服务行业培训", "人次", 200.0, Some(120.0)),
    ];
    project(6, "丰富托位供给，降低托育费用", metrics, Status::OnTrack)
}

fn p11() -> PlainProject {
    let m = number("农村公路路网延伸通达和养护大中修", "公里", 9.2, Some(6.5));
    project(
        11,
        "提升农村道路，改善农村交通出行条件",
        vec![m],
        Status::OnTrack,
    )
}

fn p12() -> PlainProject {
    let metrics = vec![
        number("安装充电桩", "台", 100.0, Some(40.0)),
        number("智慧停车场及新能源汽车充电站", "处", 30.0, Some(6.0)),
    ];
    project(
        12,
        "新能源智慧充电站及智慧停车场项目",
        metrics,
        Status::OnTrack,
    )
}

fn p13() -> PlainProject {
    let metrics = vec![
        number("物业企业项目经理培训", "人次", 400.0, Some(300.0)),
        number("物业企业一线人员培训", "人次", 1000.0, Some(800.0)),
        number("选树物管小区", "个", 7.0, Some(5.0)),
    ];
    project(13, "物业服务提升", metrics, Status::OnTrack)
}

fn p14() -> PlainProject {
    let m = number("建设口袋公园", "个", 6.0, Some(5.0));
    project(14, "建设6个口袋公园", vec![m], Status::OnTrack)
}

fn p15() -> PlainProject {
    let m = number("建设5G基站", "个", 50.0, Some(30.0));
    project(15, "通信基础设施提升", vec![m], Status::OnTrack)
}

fn p18() -> PlainProject {
    let m = number("城镇新增就业", "人", 8700.0, Some(8000.0));
    project(18, "支持城镇新增就业", vec![m], Status::OnTrack)
}

fn p21() -> PlainProject {
    let m = metric(
        "困难群众救助保障标准提高幅度",
        MetricKind::Percent,
        "%",
        5.0,
        None,
    );
    project(21, "提高困难群众救助保障标准", vec![m], Status::OnTrack)
}

fn p24() -> PlainProject {
    project(
        24,
        "道路交通安全隐患大排查大整治",
        vec![],
        Status::Difficult,
    )
}

/// The reading in one line: project | values (metric positions from 1) | status | 进展 |
/// 困难 | unplaced. `40+5` is Added, `是/否` a 是/否 value, `-` nothing.
fn line(r: &Reading) -> String {
    let project = match &r.project {
        ProjectPick::Number(no) => format!("#{no}"),
        ProjectPick::Words(no) => format!("w{no}"),
        ProjectPick::Only(no) => format!("o{no}"),
        ProjectPick::NotTheirs(no) => format!("x{no}"),
        ProjectPick::Ambiguous(nos) => format!("?{}", join(nos.iter().map(|n| n.to_string()))),
        ProjectPick::Unnamed => "?".to_owned(),
    };
    let values = r
        .values
        .iter()
        .map(|v| format!("{}={}", v.metric + 1, obtained(v.obtained)));
    let status = r.status.map_or("-", |s| s.as_str());
    let difficulties = match r.difficulties.as_deref() {
        None => "-",
        Some("") => "无",
        Some(text) => text,
    };
    let unplaced = r.unplaced.iter().map(|u| match u {
        Unplaced::NoMetric {
            said, candidates, ..
        } => format!("none({}:{})", said_text(*said), positions(candidates)),
        Unplaced::SeveralMetrics {
            said, candidates, ..
        } => format!("several({}:{})", said_text(*said), positions(candidates)),
        Unplaced::TwoValues { metric, values } => format!(
            "two({}:{})",
            metric + 1,
            join(values.iter().map(|v| obtained(*v)))
        ),
    });
    format!(
        "{project} | {} | {status} | {} | {difficulties} | {}",
        or_dash(join(values)),
        r.progress.as_deref().unwrap_or("-"),
        or_dash(join(unplaced))
    )
}

fn obtained(o: Obtained) -> String {
    match o {
        Obtained::Total(v) => format_number(v),
        Obtained::Added { last, added } => {
            format!("{}+{}", format_number(last), format_number(added))
        }
        Obtained::YesNo(yes) => (if yes { "是" } else { "否" }).to_owned(),
    }
}

fn said_text(said: Said) -> String {
    match said {
        Said::Number {
            value,
            added,
            percent,
        } => format!(
            "{}{}{}",
            if added { "+" } else { "" },
            format_number(value),
            if percent { "%" } else { "" }
        ),
        Said::YesNo(yes) => (if yes { "是" } else { "否" }).to_owned(),
    }
}

fn positions(metrics: &[usize]) -> String {
    join(metrics.iter().map(|m| (m + 1).to_string()))
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(",")
}

fn or_dash(text: String) -> String {
    if text.is_empty() {
        "-".to_owned()
    } else {
        text
    }
}

#[test]
fn with_no_project_picked_the_numbers_wait_for_the_chosen_one() {
    let reading = read("累计3处，正常推进", &[p3(), p12()]);
    assert_eq!(reading.project, ProjectPick::Unnamed);
    assert!(reading.values.is_empty() && reading.unplaced.is_empty());
    assert_eq!(reading.status, Some(Status::OnTrack));
    assert_eq!(reading.progress, None, "the value clause is not progress");
    let again = read("累计3处，正常推进", &[p3()]);
    assert_eq!(line(&again), "o3 | 1=3 | on_track | - | - | -");
}

#[test]
fn an_obtained_value_is_what_is_stored() {
    assert_eq!(Obtained::Total(45.0).value(), 45.0);
    let added = Obtained::Added {
        last: 40.0,
        added: 5.0,
    };
    assert_eq!(added.value(), 45.0);
    assert_eq!(Obtained::YesNo(true).value(), 1.0);
    assert_eq!(Obtained::YesNo(false).value(), 0.0);
}

#[test]
fn a_text_that_says_nothing_of_a_report_is_told_apart() {
    let several = vec![p3(), p12()];
    assert!(!read("你好", &several).says_anything());
    assert!(!read("", &several).says_anything());
    assert!(!read("你好", &[p3()]).says_anything());
    assert!(read("3号项目", &several).says_anything());
    assert!(read("累计3处", &[p3()]).says_anything());
    assert!(read("无困难", &several).says_anything());
}

#[test]
fn the_unplaced_keep_their_clause_for_the_question() {
    let reading = read("累计45，无困难", &[p12()]);
    assert_eq!(
        reading.unplaced,
        vec![Unplaced::SeveralMetrics {
            clause: "累计45".to_owned(),
            said: Said::Number {
                value: 45.0,
                added: false,
                percent: false
            },
            candidates: vec![0, 1],
        }]
    );
}

#[test]
fn any_text_reads_without_a_panic() {
    // Pieces that sit at the edges of the rules, strung together at random (a fixed seed).
    const PIECES: &[&str] = &[
        "12号",
        "号",
        "项目",
        "第",
        "项",
        "累计",
        "新增",
        "本周",
        "上周",
        "共",
        "公共",
        "4",
        "45",
        "9.2",
        "1.2万",
        "万",
        "千",
        "十",
        "两",
        "一百零五",
        "百分之",
        "%",
        "台",
        "处",
        "人次",
        "个月",
        "困难",
        "无",
        "问题",
        "：",
        ":",
        "，",
        " ",
        "。",
        "已完成",
        "完工",
        "未",
        "滞后",
        "充电桩",
        "停车场",
        "5G",
        "8,7",
        "００",
        "．",
        "点",
        "已执行",
        "未执行",
        "进展:",
        "状态:",
        "困难:",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let who = [p3(), p6(), p12(), p21(), p24()];
    for _ in 0..3000 {
        let length = next() % 12;
        let text: String = (0..length).map(|_| PIECES[next() % PIECES.len()]).collect();
        let reading = read(&text, &who[..1 + next() % who.len()]);
        let Some(no) = reading.project.no() else {
            assert!(reading.values.is_empty(), "{text}");
            continue;
        };
        let project = who.iter().find(|p| p.no == no).expect("one of theirs");
        for value in &reading.values {
            assert!(value.metric < project.metrics.len(), "{text}");
        }
    }
}

#[test]
fn a_text_about_two_projects_reads_as_two() {
    let both = [p3(), p12()];
    let readings = read_each(
        "12号项目累计45台，无困难；3号项目本周新建1处，进度正常",
        &both,
    );
    let lines: Vec<String> = readings.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            "#12 | 1=45 | - | - | 无 | -",
            "#3 | 1=2+1 | on_track | - | - | -",
        ]
    );
    let one = read_each("12号项目累计45台，12号项目停车场8处", &both);
    assert_eq!(one.len(), 1, "one project named twice is one part");
    assert_eq!(line(&one[0]), "#12 | 1=45,2=8 | - | - | - | -");
    let unnamed = read_each("累计45台", &both);
    assert_eq!(unnamed.len(), 1);
    assert_eq!(line(&unnamed[0]), "w12 | 1=45 | - | - | - | -");
}
