//! The `minsheng` binary as an operator runs it.

use std::path::Path;
use std::process::{Command, Output};

use crate::helpers::{minsheng_binary, seeds_dir, stdout};

fn minsheng(args: &[&str], database: &Path) -> Output {
    minsheng_binary(args, database)
        .output()
        .expect("running minsheng")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_lists_every_subcommand() {
    let output = Command::new(env!("CARGO_BIN_EXE_minsheng"))
        .arg("--help")
        .output()
        .unwrap();
    let text = stdout(&output);
    for subcommand in ["run", "seed", "projects", "backup"] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(subcommand)),
            "{subcommand} missing from:\n{text}"
        );
    }
}

#[test]
fn seeding_twice_reports_no_change_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let first = minsheng(&["seed"], &db);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(
        stdout(&first).trim(),
        format!(
            "2024年计划：27 个项目，{} 处变更",
            changes_of(&stdout(&first))
        )
    );
    assert!(changes_of(&stdout(&first)) > 27);
    let second = minsheng(&["seed"], &db);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(stdout(&second).trim(), "2024年计划：27 个项目，0 处变更");
}

fn changes_of(line: &str) -> u64 {
    line.split('，')
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_malformed_seed_is_refused_with_file_line_and_reason_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(seeds_dir().join("2024.toml")).unwrap();
    let line = text
        .lines()
        .position(|l| l == "target = 320")
        .expect("project 6's target line")
        + 1;
    std::fs::write(&bad, text.replace("target = 320", "target = -320")).unwrap();
    let output = minsheng(&["seed", bad.to_str().unwrap()], &db);
    assert!(!output.status.success());
    let message = stderr(&output);
    let metric_line = line - 3; // the [[projects.metrics]] header of 新增托位
    assert!(
        message.contains(&format!(
            "bad.toml:{metric_line}: 项目 6 的指标“新增托位”的目标值 -320 应为正数"
        )),
        "{message}"
    );
    if db.exists() {
        let listing = minsheng(&["projects"], &db);
        assert!(
            stderr(&listing).contains("还没有任何年度计划"),
            "nothing was written"
        );
    }
}

#[test]
fn projects_prints_the_plan_as_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    assert!(minsheng(&["seed"], &db).status.success());
    let output = minsheng(&["projects", "--plan", "2024"], &db);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "2024年计划，共 27 项");
    assert_eq!(lines.len(), 2 + 27);
    let row6 = lines.iter().find(|l| l.starts_with("6 ")).unwrap();
    assert!(row6.contains("丰富托位供给，降低托育费用"), "{row6}");
    assert!(row6.contains("发展软环境保障局"));
    assert!(
        row6.contains("新增托位 320个；执行市级托育费用标准 是/否；托育服务行业培训 200人次"),
        "{row6}"
    );
    let row7 = lines.iter().find(|l| l.starts_with("7 ")).unwrap();
    assert!(row7.contains("500个以上"), "{row7}");
    let row11 = lines.iter().find(|l| l.starts_with("11 ")).unwrap();
    assert!(row11.contains("约9.2公里"), "{row11}");
}

#[test]
fn run_without_a_token_exits_with_one_line_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let output = minsheng(&["run"], &dir.path().join("m.db"));
    assert!(!output.status.success());
    let message = stderr(&output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(message.contains("TELOXIDE_TOKEN"), "{message}");
}

#[test]
fn backup_copies_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    assert!(minsheng(&["seed"], &db).status.success());
    let copy = dir.path().join("copy.db");
    let output = minsheng(&["backup", copy.to_str().unwrap()], &db);
    assert!(output.status.success(), "{}", stderr(&output));
    let listing = minsheng(&["projects"], &copy);
    assert!(stdout(&listing).starts_with("2024年计划，共 27 项"));
}

#[test]
fn calendar_prints_the_years_steps_on_the_working_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    // A read-only command: it needs a database that exists (issue 15).
    assert!(minsheng(&["seed"], &db).status.success());
    let output = minsheng(&["calendar", "--year", "2024"], &db);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let line = |week: &str| {
        text.lines()
            .find(|l| l.starts_with(week))
            .unwrap_or_else(|| panic!("no {week} in\n{text}"))
            .to_owned()
    };
    assert_eq!(
        line("01-29"),
        "01-29 当周  催报 01-31 周三 09:00  提醒 02-01 周四 09:00  截止 02-02 周五 17:00  督办 02-05 周一 09:00"
    );
    assert_eq!(
        line("04-29"),
        "04-29 当周  催报 04-28 周日 09:00  提醒 04-29 周一 09:00  截止 04-30 周二 17:00  督办 05-07 周二 09:00"
    );
    assert_eq!(line("02-12"), "02-12 当周  无需报送（节假日或暂停）");
    assert_eq!(line("09-30"), "09-30 当周  无需报送（节假日或暂停）");
    assert_eq!(
        text.lines().count(),
        1 + 53,
        "a header and every week touching 2024"
    );
}

#[test]
fn digest_preview_prints_the_dekad_just_ended_on_a_digest_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    assert!(minsheng(&["seed"], &db).status.success());
    let output = minsheng(&["digest", "--preview", "--date", "2024-07-01"], &db);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("📊 济宁高新区2024年重点民生实事 · 2024年6月下旬调度（6月21日—6月30日）"),
        "{text}"
    );
    assert_eq!(
        text.lines().nth(2),
        Some("应报 0 · 实报 0；红 0 · 黄 0 · 蓝 0 · 未报送 0 · 未指派 27；待协调问题 0；逾期 0"),
        "nobody assigned, nothing reported: no colour. {text}"
    );
    let refused = minsheng(&["digest", "--preview", "--leader", "12345"], &db);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("没有 Telegram ID 为 12345 的分管负责同志"));
}

#[test]
fn export_writes_the_ledger_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    assert!(minsheng(&["seed"], &db).status.success());
    let out = dir.path().join("台账.xlsx");
    let output = minsheng(
        &["export", "--out", out.to_str().unwrap(), "--plan", "2024"],
        &db,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("27 个项目"));
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an .xlsx is a zip file");
    let missing = minsheng(
        &["export", "--out", out.to_str().unwrap(), "--plan", "2025"],
        &db,
    );
    assert!(
        stderr(&missing).contains("没有 2025 年的计划"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn digest_preview_of_a_quarter() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    assert!(minsheng(&["seed"], &db).status.success());
    let output = minsheng(
        &["digest", "--preview", "--quarter", "--date", "2024-04-01"],
        &db,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output)
            .starts_with("📈 济宁高新区2024年重点民生实事 · 2024年第一季度专题（1月1日—3月31日）")
    );
}

/// A binary started away from the repository (no `seeds/` beside it) still starts on the plan
/// it was built with.
#[tokio::test]
async fn an_empty_database_without_a_seeds_folder_gets_the_built_in_plan() {
    let dir = tempfile::tempdir().unwrap();
    let pool = minsheng::db::connect(&dir.path().join("m.db"))
        .await
        .unwrap();
    let loaded = minsheng::services::seeding::load_if_empty(
        &pool,
        &dir.path().join("no-such-folder"),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(
        (loaded.len(), loaded[0].year, loaded[0].projects),
        (1, 2024, 27)
    );
    let projects: i64 = sqlx::query_scalar("SELECT count(*) FROM projects")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(projects, 27);
}
