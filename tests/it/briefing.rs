//! The digest as a briefing a leader acts on (issue 12): a header with whose scope, one summary
//! line, red and yellow with their reasons against 序时进度, open difficulties, missed deadlines,
//! the rest on one line and what changed; no colour that no report supports; time elapsed at
//! the 旬's end; the same shape for a plan of 1,000 projects.

use std::collections::HashMap;

use chrono::NaiveDate;
use minsheng::bot::outgoing::{MAX_TEXT, split_text};
use minsheng::config::Settings;
use minsheng::domain::metric::{Comparison, MetricKind, Target};
use minsheng::domain::seed::{
    CategorySeed, MetricSeed, PlanInfo, PlanSeed, ProjectSeed, UnitKind, UnitSeed,
};

use crate::helpers::{ADMIN, Person, TestApp, at, settings_of};

const LEADER: Person = Person::with_username(680_001, "王领导", "wangld");
const ZHANG: Person = Person::with_username(680_011, "张三", "zhangsan");
const LI: Person = Person::with_username(680_012, "李四", "lisi");
const WANG: Person = Person::with_username(680_013, "王五", "wangwu");
const ZHAO: Person = Person::with_username(680_014, "赵六", "zhaoliu");
const QIAN: Person = Person::with_username(680_015, "钱七", "qianqi");
const SUN: Person = Person::with_username(680_016, "孙八", "sunba");

/// A quick-form report, confirmed.
/// A leader over categories 一 (projects 1–4) and 四 (10–12). Lead contacts on 1, 2, 3, 4, 10
/// and 11 from 3 June; nobody on 12; 孙八 on 4 never reports. Two weeks of reports: 1 falls
/// behind and raises a difficulty, 3 catches up, 11 misses the second week.
async fn two_weeks_in_june() -> TestApp {
    let app = TestApp::spawn().await;
    app.set_time("2024-06-03T08:00:00+08:00");
    app.contact_on(&ZHANG, "发展软环境保障局", &[1], "lead")
        .await;
    app.contact_on(&LI, "消防救援大队", &[2], "lead").await;
    app.contact_on(&WANG, "发展软环境保障局", &[3], "lead")
        .await;
    app.contact_on(&SUN, "发展软环境保障局", &[4], "lead").await;
    app.contact_on(&ZHAO, "城乡建设和交通局（交通）", &[10], "lead")
        .await;
    app.contact_on(&QIAN, "城乡建设和交通局（交通）", &[11], "lead")
        .await;
    app.admit(&LEADER, "leader", None).await;
    sqlx::query(
        "INSERT INTO leader_scopes (person_id, category_id)
         SELECT (SELECT id FROM people WHERE telegram_id = 680001), id FROM categories WHERE numeral IN ('一', '四')",
    )
    .execute(&app.pool)
    .await
    .unwrap();

    app.set_time("2024-06-05T10:00:00+08:00");
    app.reports(&ZHANG, "/report 1 1=2 进展:完成入户评估").await;
    app.reports(&LI, "/report 2 1=60 进展:按计划安装").await;
    app.reports(&WANG, "/report 3 1=2 进展:两处开工").await;
    app.reports(&ZHAO, "/report 10 1=4 进展:四条线路执行").await;
    app.reports(&QIAN, "/report 11 1=3 进展:王因段完工").await;
    app.set_time("2024-06-11T09:00:00+08:00");
    assert_eq!(
        app.tick_digest().await,
        2,
        "6月上旬: the admin and the leader"
    );

    app.set_time("2024-06-12T10:00:00+08:00");
    app.reports(
        &ZHANG,
        "/report 1 1=3 进展:完成三户 困难:部分老人不同意入户改造",
    )
    .await;
    app.reports(&LI, "/report 2 1=70 进展:按计划安装").await;
    app.reports(&WANG, "/report 3 1=4 进展:四处完工").await;
    app.reports(&ZHAO, "/report 10 1=4 进展:四条线路执行").await;
    app
}

#[tokio::test]
async fn the_briefing_for_a_leader_over_one_and_four_reads_line_by_line() {
    let app = two_weeks_in_june().await;
    app.set_time("2024-06-21T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 2, "6月中旬");
    let briefing = app.message_to_containing(&LEADER, "6月中旬").await;
    // 序时进度 at the end of 20 June: 171 of 365 days, 47%.
    assert_eq!(
        briefing.lines().collect::<Vec<_>>(),
        [
            "📊 济宁高新区2024年重点民生实事 · 2024年6月中旬调度（6月11日—6月20日）",
            "分管：一、助老扶老提升改造项目；四、交通出行便利工程项目",
            "应报 6 · 实报 4 · 报送率 67%；红 1 · 黄 1 · 蓝 3 · 未报送 1 · 未指派 1；待协调问题 1；逾期 2",
            "",
            "需关注：",
            "🔴 1. 对困难老年人家庭设施进行适老化改造（发展软环境保障局）",
            "   滞后序时进度32个百分点；3/20名（15%），序时进度47%",
            "🟡 11. 提升农村道路，改善农村交通出行条件 · 城乡建设和交通局（交通）",
            "   1周未报送；滞后序时进度14个百分点；3/9.2公里（33%），序时进度47%",
            "⚪ 未报送：4；未指派联络员：12",
            "",
            "待协调的困难问题：",
            "· 1. 发展软环境保障局：部分老人不同意入户改造（6月12日提出，已9天）",
            "",
            "未按时报送：",
            "· 4. 发展软环境保障局 孙八，连续2周",
            "· 11. 城乡建设和交通局（交通） 钱七，1周",
            "",
            "其余 3 项按序时推进（2、3、10）",
            "",
            "与上次调度相比：",
            "· 3. 建设老年人食堂 由黄转蓝",
            "· 数据变化：1. 2→3名；2. 60→70户；3. 2→4处",
        ],
        "{briefing}"
    );
    assert!(
        split_text(&briefing, MAX_TEXT).len() == 1,
        "one message: {briefing}"
    );

    let whole = app.message_to_containing(&ADMIN, "6月中旬").await;
    let lines: Vec<&str> = whole.lines().collect();
    assert_eq!(lines[1], "全部项目", "{whole}");
    assert!(
        lines[2].contains("红 1 · 黄 1 · 蓝 3 · 未报送 1 · 未指派 21"),
        "{whole}"
    );
    assert!(
        split_text(&whole, MAX_TEXT).len() == 1,
        "the 27-project plan in one message: {whole}"
    );
    app.stop().await;
}

#[tokio::test]
async fn no_colour_without_a_report() {
    // Installed on 1 March: the admin reads the 上旬 they lived through.
    let app = TestApp::spawn_at("2024-03-01T08:00:00+08:00").await;
    app.set_time("2024-03-04T08:00:00+08:00");
    app.contact_on(&LI, "发展软环境保障局", &[9], "lead").await;
    app.set_time("2024-03-11T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 1, "the admin");
    let first = app.message_to_containing(&ADMIN, "3月上旬").await;
    assert!(
        first.contains("红 0 · 黄 0 · 蓝 0 · 未报送 1 · 未指派 26"),
        "{first}"
    );
    assert!(
        !["🔴", "🟡", "🔵", "时序", "按序时推进"]
            .iter()
            .any(|c| first.contains(c)),
        "no colour, no progress without a report: {first}"
    );
    assert!(
        first.contains("⚪ 未报送：9；未指派联络员：1、2、3、4、5、6、7、8、10、"),
        "{first}"
    );
    let settings = settings_of(&app);
    let day = |d: &str| Some(d.parse::<NaiveDate>().unwrap());
    let issue = minsheng::services::digest::preview(
        &app.pool,
        &settings,
        day("2024-03-11"),
        None,
        false,
        app.clock_now(),
    )
    .await
    .unwrap();
    let bars = minsheng::export::chart::of_digest(&issue.digest);
    assert_eq!(bars.len(), 27, "every project has its row");
    assert!(
        bars.iter().all(|bar| bar.colour.is_none()),
        "the chart colours no unreported project: {bars:?}"
    );
    let summary = minsheng::services::digest::preview(
        &app.pool,
        &settings,
        day("2024-04-01"),
        None,
        true,
        app.clock_now(),
    )
    .await
    .unwrap();
    let summary = minsheng::jobs::digest::text_of(&summary);
    assert!(
        !["🔴", "🟡", "🔵"].iter().any(|c| summary.contains(c)),
        "nor in the quarter's summary: {summary}"
    );

    // The first report: 未报送 becomes blue, and that is news.
    app.set_time("2024-03-13T10:00:00+08:00");
    app.reports(&LI, "/report 9 1=2 进展:两所完成移交").await;
    app.set_time("2024-03-21T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 1);
    let second = app.message_to_containing(&ADMIN, "3月中旬").await;
    assert!(
        second.contains("红 0 · 黄 0 · 蓝 1 · 未报送 0 · 未指派 26"),
        "{second}"
    );
    assert!(second.contains("其余 1 项按序时推进（9）"), "{second}");
    assert!(
        second.contains("· 9. 建成公办幼儿园 由未报送转蓝"),
        "{second}"
    );
    let issue = minsheng::services::digest::preview(
        &app.pool,
        &settings,
        day("2024-03-21"),
        None,
        false,
        app.clock_now(),
    )
    .await
    .unwrap();
    let bars = minsheng::export::chart::of_digest(&issue.digest);
    let coloured: Vec<i64> = bars
        .iter()
        .filter(|bar| bar.colour.is_some())
        .map(|bar| bar.no)
        .collect();
    assert_eq!(coloured, [9], "only the reported project has a colour");
    app.stop().await;
}

#[tokio::test]
async fn time_elapsed_is_taken_at_the_end_of_the_dekad_or_now_on_demand() {
    // Installed on 1 March: the admin reads the 上旬 they lived through.
    let app = TestApp::spawn_at("2024-03-01T08:00:00+08:00").await;
    app.set_time("2024-03-04T08:00:00+08:00");
    app.contact_on(&LI, "发展软环境保障局", &[9], "lead").await;
    app.set_time("2024-03-06T10:00:00+08:00");
    app.reports(&LI, "/report 9 1=0 进展:完成选址").await;
    // Down on 11 March: the 上旬's digest goes out on the 13th, measured at the 10th's end
    // (69 of 365 days, 19%; the 13th would be 20%).
    app.set_time("2024-03-13T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 1);
    let late = app.message_to_containing(&ADMIN, "3月上旬").await;
    assert!(
        late.contains("🟡 9. 建成公办幼儿园（发展软环境保障局）\n   滞后序时进度19个百分点；0/7所（0%），序时进度19%"),
        "{late}"
    );
    assert!(!late.contains("截至"), "{late}");

    app.says(&ADMIN, "/digest");
    let now = app.message_to_containing(&ADMIN, "3月中旬").await;
    assert!(
        now.starts_with(
            "📊 济宁高新区2024年重点民生实事 · 2024年3月中旬调度（3月11日—3月20日，截至3月13日）"
        ),
        "{now}"
    );
    assert!(now.contains("0/7所（0%），序时进度20%"), "{now}");
    app.stop().await;
}

/// A plan of 1,000 projects, 10 categories, one metric each, one lead contact each; a quarter
/// report red figures, a quarter yellow, a quarter blue, a quarter nothing.
fn large_plan() -> PlanSeed {
    let date = |s: &str| s.parse::<NaiveDate>().unwrap();
    let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    PlanSeed {
        plan: PlanInfo {
            year: 2024,
            name: "千项测试计划".to_owned(),
            document: None,
            issued_on: None,
            starts_on: date("2024-01-01"),
            ends_on: date("2024-12-31"),
            timezone: "Asia/Shanghai".to_owned(),
        },
        units: (0..50)
            .map(|n| UnitSeed {
                name: format!("单位{n}"),
                kind: UnitKind::Department,
                group: None,
            })
            .collect(),
        categories: numerals
            .iter()
            .map(|n| CategorySeed {
                numeral: (*n).to_owned(),
                name: format!("第{n}类"),
            })
            .collect(),
        projects: (1..=1000u32)
            .map(|no| ProjectSeed {
                no,
                category: numerals[(no % 10) as usize].to_owned(),
                title: format!("第{no}项民生实事推进项目"),
                summary: "概述".to_owned(),
                goals: "目标".to_owned(),
                units: vec![format!("单位{}", no % 50)],
                deadline: date("2024-12-31"),
                metrics: vec![MetricSeed {
                    name: "完成量".to_owned(),
                    target: Target {
                        kind: MetricKind::Number,
                        value: Some(100.0),
                        unit: Some("个".to_owned()),
                        comparison: Some(Comparison::Reach),
                        baseline: None,
                    },
                }],
            })
            .collect(),
    }
}

#[tokio::test]
async fn a_plan_of_a_thousand_projects_keeps_the_briefing_shape() {
    let dir = tempfile::tempdir().unwrap();
    let env: HashMap<String, String> = [(
        "MINSHENG_DATABASE".to_owned(),
        dir.path().join("k.db").display().to_string(),
    )]
    .into();
    let settings = Settings::from_layers(None, &env).unwrap();
    let pool = minsheng::db::connect(&settings.database).await.unwrap();
    minsheng::services::seeding::load(&pool, &large_plan(), at("2024-01-01T00:00:00+08:00"))
        .await
        .unwrap();
    sqlx::query(
        "WITH RECURSIVE n(no) AS (SELECT 1 UNION ALL SELECT no + 1 FROM n WHERE no < 1000)
         INSERT INTO people (telegram_id, display_name, role, unit_id, joined_at)
         SELECT 2000000 + no, '联络员' || no, 'contact', (SELECT id FROM units WHERE name = '单位' || (no % 50)), '2024-12-01T00:00:00Z' FROM n;
         INSERT INTO assignments (project_id, person_id, role, assigned_at)
         SELECT p.id, pe.id, 'lead', '2024-12-01T00:00:00Z' FROM projects p JOIN people pe ON pe.telegram_id = 2000000 + p.no;
         INSERT INTO reports (project_id, person_id, week_start, role, status, progress, submitted_at)
         SELECT a.project_id, a.person_id, '2024-12-16', 'lead', 'on_track', '按计划推进', '2024-12-18T02:00:00Z'
         FROM assignments a JOIN projects p ON p.id = a.project_id WHERE p.no % 4 != 3;
         INSERT INTO report_values (report_id, metric_id, value)
         SELECT r.id, m.id, CASE p.no % 4 WHEN 0 THEN 10 WHEN 1 THEN 80 ELSE 100 END
         FROM reports r JOIN metrics m ON m.project_id = r.project_id JOIN projects p ON p.id = r.project_id;",
    )
    .execute(&pool)
    .await
    .unwrap();
    let text = minsheng::jobs::digest::preview(
        &pool,
        &settings,
        Some("2024-12-21".parse().unwrap()),
        None,
        false,
        at("2024-12-21T09:00:00+08:00"),
    )
    .await
    .unwrap();
    let messages = split_text(&text, MAX_TEXT).len();
    assert_eq!(messages, 1, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[2].contains("红 250 · 黄 250 · 蓝 250 · 未报送 250"),
        "{}",
        lines[2]
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("另有红色 ") && l.contains("黄色 250 项")),
        "the red and yellow not listed are counted: {text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("其余 250 项按序时推进（2、6、10、")),
        "{text}"
    );
    let listed = lines
        .iter()
        .filter(|l| l.starts_with("🔴") || l.starts_with("🟡"))
        .count();
    assert!((10..250).contains(&listed), "{listed} listed");
}
