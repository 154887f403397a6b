//! seeds/2024.toml against the district's notice (seeds/2024-notice.txt, a copy of
//! shared/seed/000_f24cf3da545d42f6.txt), loaded by the same code as `minsheng seed`.

use chrono::Utc;
use minsheng::db;
use minsheng::domain::seed::PlanSeed;
use minsheng::services::seeding;
use sqlx::SqlitePool;

use crate::helpers::seeds_dir;

fn the_2024_seed() -> PlanSeed {
    seeding::read_file(&seeds_dir().join("2024.toml")).expect("seeds/2024.toml parses")
}

async fn seeded_database() -> (tempfile::TempDir, SqlitePool) {
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(&dir.path().join("m.db")).await.unwrap();
    seeding::load(&pool, &the_2024_seed(), Utc::now())
        .await
        .unwrap();
    (dir, pool)
}

/// The lead (first-listed) unit of projects 1 … 27, read off the annex table.
const LEADS: [&str; 27] = [
    "发展软环境保障局",
    "消防救援大队",
    "发展软环境保障局",
    "发展软环境保障局",
    "发展软环境保障局",
    "发展软环境保障局",
    "发展软环境保障局",
    "发展软环境保障局",
    "发展软环境保障局",
    "城乡建设和交通局（交通）",
    "城乡建设和交通局（交通）",
    "发展改革局",
    "城乡建设和交通局",
    "城乡建设和交通局",
    "经济运行局",
    "党政办公室（宣传）",
    "发展软环境保障局",
    "党工委组织部（人力资源部）",
    "发展软环境保障局",
    "发展软环境保障局",
    "发展软环境保障局",
    "发展软环境保障局",
    "发展软环境保障局",
    "交警大队",
    "应急管理局",
    "市场监督管理局",
    "行政审批服务局",
];

/// (project, metric, kind, target, unit, comparison)
type ExpectedMetric = (
    i64,
    &'static str,
    &'static str,
    Option<f64>,
    Option<&'static str>,
    Option<&'static str>,
);

/// Every quantified target in the goals.
const TARGETS: &[ExpectedMetric] = &[
    (
        1,
        "改造失能、经济困难老年人家庭",
        "number",
        Some(20.0),
        Some("名"),
        Some("reach"),
    ),
    (
        2,
        "安装独立式智能感烟火灾探测报警器",
        "number",
        Some(129.0),
        Some("户"),
        Some("reach"),
    ),
    (
        3,
        "新建老年人食堂",
        "number",
        Some(6.0),
        Some("处"),
        Some("reach"),
    ),
    (
        4,
        "打造社区养老服务设施",
        "number",
        Some(5.0),
        Some("处"),
        Some("reach"),
    ),
    (
        6,
        "新增托位",
        "number",
        Some(320.0),
        Some("个"),
        Some("reach"),
    ),
    (6, "执行市级托育费用标准", "yesno", None, None, None),
    (
        6,
        "托育服务行业培训",
        "number",
        Some(200.0),
        Some("人次"),
        Some("reach"),
    ),
    (
        7,
        "新增普通高中招生计划",
        "number",
        Some(500.0),
        Some("个"),
        Some("at_least"),
    ),
    (
        8,
        "心理健康教育针对性培训",
        "number",
        Some(4.0),
        Some("场"),
        Some("at_least"),
    ),
    (
        9,
        "建成公办幼儿园",
        "number",
        Some(7.0),
        Some("所"),
        Some("reach"),
    ),
    (
        10,
        "早晚高峰免费乘车线路",
        "number",
        Some(4.0),
        Some("条"),
        Some("reach"),
    ),
    (
        11,
        "农村公路路网延伸通达和养护大中修",
        "number",
        Some(9.2),
        Some("公里"),
        Some("about"),
    ),
    (
        12,
        "安装充电桩",
        "number",
        Some(100.0),
        Some("台"),
        Some("reach"),
    ),
    (
        12,
        "智慧停车场及新能源汽车充电站",
        "number",
        Some(30.0),
        Some("处"),
        Some("at_least"),
    ),
    (
        13,
        "物业企业项目经理培训",
        "number",
        Some(400.0),
        Some("人次"),
        Some("reach"),
    ),
    (
        13,
        "物业企业一线人员培训",
        "number",
        Some(1000.0),
        Some("人次"),
        Some("reach"),
    ),
    (
        13,
        "选树物管小区",
        "number",
        Some(7.0),
        Some("个"),
        Some("reach"),
    ),
    (
        14,
        "建设口袋公园",
        "number",
        Some(6.0),
        Some("个"),
        Some("reach"),
    ),
    (
        15,
        "建设5G基站",
        "number",
        Some(50.0),
        Some("个"),
        Some("reach"),
    ),
    (
        16,
        "惠民演出活动",
        "number",
        Some(120.0),
        Some("场"),
        Some("reach"),
    ),
    (
        17,
        "面向社会开放学校体育场地",
        "number",
        Some(20.0),
        Some("所"),
        Some("at_least"),
    ),
    (
        18,
        "城镇新增就业",
        "number",
        Some(8700.0),
        Some("人"),
        Some("at_least"),
    ),
    (
        19,
        "盲人按摩培训实训",
        "number",
        Some(8.0),
        Some("名"),
        Some("reach"),
    ),
    (
        21,
        "困难群众救助保障标准提高幅度",
        "percent",
        Some(5.0),
        Some("%"),
        Some("at_least"),
    ),
    (
        23,
        "残疾儿童康复救助",
        "number",
        Some(100.0),
        Some("名"),
        Some("reach"),
    ),
];

#[tokio::test]
async fn the_seed_holds_27_projects_in_10_categories() {
    let (_dir, pool) = seeded_database().await;
    let projects: i64 = sqlx::query_scalar("SELECT count(*) FROM projects")
        .fetch_one(&pool)
        .await
        .unwrap();
    let categories: Vec<(String, String)> =
        sqlx::query_as("SELECT numeral, name FROM categories ORDER BY position")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(projects, 27);
    let numerals: Vec<&str> = categories.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        numerals,
        ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
    );
    assert_eq!(categories[0].1, "助老扶老提升改造项目");
    assert_eq!(categories[1].1, "“优生优育”服务项目");
    assert_eq!(categories[6].1, "稳就业、促就业项目");
    assert_eq!(categories[9].1, "政务服务“就近办”项目");
    let per_category: Vec<i64> = sqlx::query_scalar(
        "SELECT count(p.id) FROM categories c LEFT JOIN projects p ON p.category_id = c.id GROUP BY c.id ORDER BY c.position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(per_category, [4, 2, 3, 3, 3, 2, 3, 3, 3, 1]);
}

#[tokio::test]
async fn each_project_has_the_lead_unit_the_document_lists_first() {
    let (_dir, pool) = seeded_database().await;
    let leads: Vec<String> = sqlx::query_scalar(
        "SELECT u.name FROM projects p JOIN project_units pu ON pu.project_id = p.id AND pu.role = 'lead'
         JOIN units u ON u.id = pu.unit_id ORDER BY p.no",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(leads, LEADS);
}

#[tokio::test]
async fn co_units_keep_the_documents_order_and_street_offices_belong_to_the_group() {
    let (_dir, pool) = seeded_database().await;
    let units_of = |no: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT u.name FROM project_units pu JOIN units u ON u.id = pu.unit_id
                 JOIN projects p ON p.id = pu.project_id WHERE p.no = ? ORDER BY pu.position",
            )
            .bind(no)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(
        units_of(2).await,
        ["消防救援大队", "发展软环境保障局", "各街道"]
    );
    assert_eq!(
        units_of(11).await,
        [
            "城乡建设和交通局（交通）",
            "王因街道",
            "柳行街道",
            "接庄街道",
            "黄屯街道"
        ]
    );
    assert_eq!(
        units_of(10).await,
        ["城乡建设和交通局（交通）", "济宁高新正义公共汽车有限公司"]
    );
    assert_eq!(units_of(24).await, ["交警大队"]);
    let streets: Vec<String> = sqlx::query_scalar(
        "SELECT s.name FROM units s JOIN units g ON g.id = s.group_id WHERE g.name = '各街道' ORDER BY s.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(streets, ["王因街道", "柳行街道", "接庄街道", "黄屯街道"]);
    let broken: i64 =
        sqlx::query_scalar("SELECT count(*) FROM units WHERE instr(name, char(10)) > 0")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(broken, 0, "no unit name keeps a layout break");
}

#[tokio::test]
async fn every_quantified_target_is_a_metric_with_its_number_and_unit() {
    let (_dir, pool) = seeded_database().await;
    type Row = (
        i64,
        String,
        String,
        Option<f64>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT p.no, m.name, m.kind, m.target, m.unit, m.comparison FROM metrics m
         JOIN projects p ON p.id = m.project_id ORDER BY p.no, m.position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let expected: Vec<Row> = TARGETS
        .iter()
        .map(|(no, name, kind, target, unit, cmp)| {
            (
                *no,
                (*name).to_owned(),
                (*kind).to_owned(),
                *target,
                unit.map(str::to_owned),
                cmp.map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(rows, expected);
    let baseline: Option<f64> = sqlx::query_scalar(
        "SELECT m.baseline FROM metrics m JOIN projects p ON p.id = m.project_id WHERE p.no = 3",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        baseline,
        Some(10.0),
        "project 3 counts 6 new canteens beside the 10 existing"
    );
}

#[tokio::test]
async fn titles_are_mended_and_deadlines_run_to_the_end_of_2024() {
    let (_dir, pool) = seeded_database().await;
    let (title3, title9): (String, String) = sqlx::query_as(
        "SELECT (SELECT title FROM projects WHERE no = 3), (SELECT title FROM projects WHERE no = 9)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(title3, "建设老年人食堂");
    assert_eq!(title9, "建成公办幼儿园");
    let deadline14: String = sqlx::query_scalar("SELECT deadline FROM projects WHERE no = 14")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(deadline14, "2024-12-31");
    let plan: (i64, String, String, String) =
        sqlx::query_as("SELECT year, name, starts_on, ends_on FROM plans")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        plan,
        (
            2024,
            "济宁高新区2024年重点民生实事".to_owned(),
            "2024-01-01".to_owned(),
            "2024-12-31".to_owned()
        )
    );
}

/// Every title, summary and goal is the document's own text, but for its layout breaks.
#[test]
fn every_text_in_the_seed_is_found_in_the_notice() {
    let squash = |text: &str| {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
    };
    let notice = squash(&std::fs::read_to_string(seeds_dir().join("2024-notice.txt")).unwrap());
    let seed = the_2024_seed();
    for project in &seed.projects {
        for (field, text) in [
            ("title", &project.title),
            ("summary", &project.summary),
            ("goals", &project.goals),
        ] {
            assert!(
                notice.contains(&squash(text)),
                "project {} {field} differs from the notice: {text}",
                project.no
            );
        }
        for unit in &project.units {
            assert!(
                notice.contains(&squash(unit)),
                "unit {unit} is not in the notice"
            );
        }
    }
    for category in &seed.categories {
        assert!(
            notice.contains(&format!("{}、{}", category.numeral, category.name)),
            "{}",
            category.name
        );
    }
}

#[tokio::test]
async fn loading_the_same_seed_twice_changes_nothing() {
    let (_dir, pool) = seeded_database().await;
    let before = dump(&pool).await;
    let again = seeding::load(&pool, &the_2024_seed(), Utc::now())
        .await
        .unwrap();
    assert_eq!(again.changes, 0);
    assert_eq!(dump(&pool).await, before);
}

#[tokio::test]
async fn an_edited_seed_updates_only_what_changed_and_keeps_ids() {
    let (_dir, pool) = seeded_database().await;
    let id_before: i64 = sqlx::query_scalar("SELECT m.id FROM metrics m JOIN projects p ON p.id = m.project_id WHERE p.no = 12 AND m.position = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut seed = the_2024_seed();
    seed.projects[11].metrics[0].target.value = Some(120.0);
    let outcome = seeding::load(&pool, &seed, Utc::now()).await.unwrap();
    assert_eq!(outcome.changes, 1);
    let (id_after, target): (i64, f64) = sqlx::query_as(
        "SELECT m.id, m.target FROM metrics m JOIN projects p ON p.id = m.project_id WHERE p.no = 12 AND m.position = 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((id_after, target), (id_before, 120.0));
}

#[tokio::test]
async fn the_schema_refuses_impossible_rows() {
    let (_dir, pool) = seeded_database().await;
    let negative =
        sqlx::query("UPDATE metrics SET target = -1 WHERE id = (SELECT min(id) FROM metrics)")
            .execute(&pool)
            .await;
    assert!(negative.is_err(), "a negative target is refused");
    let orphan = sqlx::query(
        "INSERT INTO reports (project_id, person_id, week_start, status, submitted_at) VALUES (9999, 9999, '2024-03-11', 'on_track', 'x')",
    )
    .execute(&pool)
    .await;
    assert!(
        orphan.is_err(),
        "a report for a project that does not exist is refused"
    );
    let two_leads = sqlx::query(
        "INSERT INTO project_units (project_id, unit_id, position, role)
         SELECT p.id, (SELECT id FROM units WHERE name = '交警大队'), 9, 'lead' FROM projects p WHERE p.no = 1",
    )
    .execute(&pool)
    .await;
    assert!(two_leads.is_err(), "a project has one lead unit");
}

/// Every seed table as text, to compare two states of the database.
async fn dump(pool: &SqlitePool) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT json_group_array(json_array(id, year, name, document, issued_on, starts_on, ends_on, timezone, created_at)) FROM plans",
        "SELECT json_group_array(json_array(id, plan_id, position, numeral, name)) FROM categories",
        "SELECT json_group_array(json_array(id, name, kind, group_id, active)) FROM units",
        "SELECT json_group_array(json_array(id, plan_id, category_id, no, title, summary, goals, deadline)) FROM projects",
        "SELECT json_group_array(json_array(project_id, unit_id, position, role)) FROM project_units",
        "SELECT json_group_array(json_array(id, project_id, position, name, kind, target, unit, comparison, baseline)) FROM metrics",
    ] {
        out.push(sqlx::query_scalar(sql).fetch_one(pool).await.unwrap());
    }
    out
}
