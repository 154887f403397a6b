//! The calendar beyond the data (issue 15): admins set a day by hand with /workday and
//! /dayoff, the operator with `minsheng calendar set`; the week's steps follow, and each change
//! is audited.

use std::path::Path;
use std::process::{Command, Output};

use crate::helpers::{ADMIN, TestApp, minsheng_binary, seeds_dir, settings_of, stdout};

#[tokio::test]
async fn a_day_off_on_friday_moves_the_weeks_deadline_and_prompt_and_is_audited() {
    let app = TestApp::spawn().await;
    app.says(&ADMIN, "/cycle");
    let before = app.next_reply_to(&ADMIN).await;
    assert!(before.contains("催报 3月13日（周三）09:00"), "{before}");
    assert!(before.contains("截止 3月15日（周五）17:00"), "{before}");

    app.says(&ADMIN, "/dayoff 3-15 临时停电");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        "已将2024年3月15日设为休息日（临时停电）。催报、提醒、截止、督办时间按新的工作日重新计算。"
    );
    app.says(&ADMIN, "/cycle");
    let after = app.next_reply_to(&ADMIN).await;
    assert!(
        after.contains("催报 3月12日（周二）09:00"),
        "the prompt moves: {after}"
    );
    assert!(after.contains("截止 3月14日（周四）17:00"), "{after}");

    app.says(&ADMIN, "/dayoff 明天");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        minsheng::bot::texts::calendar::DAYOFF_USAGE,
        "a date it cannot read: the usage, nothing set"
    );
    app.says(&ADMIN, "/workday 3-15");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        "已将2024年3月15日设为工作日。此前设为休息日。催报、提醒、截止、督办时间按新的工作日重新计算。"
    );
    app.says(&ADMIN, "/cycle");
    assert_eq!(app.next_reply_to(&ADMIN).await, before, "back as it was");
    let audited: Vec<(String, String)> =
        sqlx::query_as("SELECT action, target FROM audit_log ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        audited,
        vec![
            ("dayoff".to_owned(), "2024年3月15日".to_owned()),
            ("workday".to_owned(), "2024年3月15日".to_owned()),
        ]
    );
    app.stop().await;
}

fn minsheng(args: &[&str], database: &Path) -> Output {
    minsheng_binary(args, database)
        .output()
        .expect("running minsheng")
}

#[test]
fn calendar_set_makes_a_day_off_and_the_years_steps_follow() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    assert!(minsheng(&["seed"], &db).status.success());
    let before = stdout(&minsheng(&["calendar", "--year", "2024"], &db));

    let set = minsheng(
        &["calendar", "set", "2024-03-15", "off", "--note", "临时停电"],
        &db,
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert_eq!(
        stdout(&set).trim(),
        "已将2024年3月15日设为休息日（临时停电）。催报、提醒、截止、督办时间按新的工作日重新计算。"
    );
    let after = stdout(&minsheng(&["calendar", "--year", "2024"], &db));
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(b, a)| b != a)
        .collect();
    assert_eq!(
        changed,
        vec![(
            "03-11 当周  催报 03-13 周三 09:00  提醒 03-14 周四 09:00  截止 03-15 周五 17:00  督办 03-19 周二 09:00",
            "03-11 当周  催报 03-12 周二 09:00  提醒 03-13 周三 09:00  截止 03-14 周四 17:00  督办 03-19 周二 09:00"
        )],
        "the week of the day off, and no other, moves"
    );

    let wrong = minsheng(&["calendar", "set", "2024-03-15", "holiday"], &db);
    assert!(!wrong.status.success());
    assert_eq!(
        String::from_utf8_lossy(&wrong.stderr).lines().next(),
        Some("minsheng：参数 <类型> 的值“holiday”无效，可选：work、off"),
        "in Chinese, with the values it takes"
    );
}

#[tokio::test]
async fn in_december_the_admins_are_told_once_that_an_uncovered_next_year_falls_back_to_weekdays() {
    let app = TestApp::spawn_at("2098-11-30T09:00:00+08:00").await;
    let settings = settings_of(&app);
    let look = || minsheng::jobs::calendar::run_due(&app.pool, &settings, app.clock_now());
    assert_eq!(look().await.unwrap(), 0, "not December yet");

    app.set_time("2098-12-01T09:00:00+08:00");
    assert_eq!(look().await.unwrap(), 1);
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        minsheng::bot::texts::calendar::next_year_uncovered(2099)
    );
    assert!(
        minsheng::bot::texts::calendar::next_year_uncovered(2099)
            .contains("2099年各周按周一至周五工作计算")
    );
    app.advance(86_400);
    assert_eq!(look().await.unwrap(), 0, "told once");
    app.stop().await;
}

#[tokio::test]
async fn a_covered_next_year_or_one_with_days_entered_brings_no_warning() {
    let app = TestApp::spawn_at("2024-12-02T09:00:00+08:00").await;
    let settings = settings_of(&app);
    let look = || minsheng::jobs::calendar::run_due(&app.pool, &settings, app.clock_now());
    assert_eq!(look().await.unwrap(), 0, "the data covers 2025");

    app.set_time("2098-12-02T09:00:00+08:00");
    app.says(&ADMIN, "/dayoff 2099-01-01 元旦");
    assert!(
        app.next_reply_to(&ADMIN)
            .await
            .starts_with("已将2099年1月1日设为休息日")
    );
    assert_eq!(
        look().await.unwrap(),
        0,
        "the admins are entering next year's days"
    );
    app.stop().await;
}

#[test]
fn a_mistyped_subcommand_is_refused_with_the_nearest_one_suggested() {
    let dir = tempfile::tempdir().unwrap();
    let output = minsheng(&["bakcup", "x.db"], &dir.path().join("m.db"));
    assert!(!output.status.success());
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        said.lines().next(),
        Some("minsheng：没有“bakcup”这个命令，是否想用：backup"),
        "{said}"
    );
    assert!(said.contains("用法：minsheng [选项] <命令>"), "{said}");
    assert!(!said.contains("error") && !said.contains("tip"), "{said}");
    let option = minsheng(&["status", "--chek"], &dir.path().join("m.db"));
    assert_eq!(
        String::from_utf8_lossy(&option.stderr).lines().next(),
        Some("minsheng：不认识的参数“--chek”，是否想用：--check")
    );
    let date = minsheng(
        &["digest", "--date", "2024-13-01"],
        &dir.path().join("m.db"),
    );
    assert_eq!(
        String::from_utf8_lossy(&date.stderr).lines().next(),
        Some("minsheng：参数 --date <日期> 的值“2024-13-01”无法识别，日期写作 2025-10-11")
    );
    assert!(
        !dir.path().join("m.db").exists(),
        "nothing opened on a mistyped command"
    );
}

#[test]
fn digest_prints_without_the_preview_flag_as_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    assert!(minsheng(&["seed"], &db).status.success());
    let bare = minsheng(&["digest", "--date", "2024-03-11"], &db);
    assert!(
        bare.status.success(),
        "{}",
        String::from_utf8_lossy(&bare.stderr)
    );
    assert!(
        stdout(&bare).contains("2024年3月上旬调度"),
        "{}",
        stdout(&bare)
    );
    let flagged = minsheng(&["digest", "--preview", "--date", "2024-03-11"], &db);
    assert_eq!(stdout(&bare), stdout(&flagged));
}

#[test]
fn database_may_come_before_the_subcommand_like_config() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_minsheng"))
            .arg("--database")
            .arg(&db)
            .args(args)
            .env_remove("TELOXIDE_TOKEN")
            .env_remove("MINSHENG_CONFIG")
            .env_remove("MINSHENG_DATABASE")
            .env("MINSHENG_SEEDS", seeds_dir())
            .current_dir(dir.path())
            .output()
            .expect("running minsheng")
    };
    assert!(run(&["seed"]).status.success());
    assert!(db.is_file(), "the database named before the subcommand");
    assert!(stdout(&run(&["projects"])).starts_with("2024年计划，共 27 项"));
    let set = run(&["calendar", "set", "2024-10-12", "work"]);
    assert!(
        stdout(&set).starts_with("已将2024年10月12日设为工作日"),
        "{}",
        stdout(&set)
    );
}

#[test]
fn help_is_in_chinese_with_an_example_and_the_environment_variable_of_each_command() {
    let help = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_minsheng"))
            .args(args)
            .arg("--help")
            .env_remove("MINSHENG_CONFIG")
            .env_remove("MINSHENG_DATABASE")
            .output()
            .expect("running minsheng");
        assert!(output.status.success());
        stdout(&output)
    };
    let top = help(&[]);
    assert!(top.contains("用法：minsheng [选项] <命令>"), "{top}");
    assert!(top.contains("环境变量 MINSHENG_DATABASE"), "{top}");
    assert!(top.contains("环境变量 MINSHENG_CONFIG"), "{top}");
    for command in [
        &["run"][..],
        &["seed"],
        &["projects"],
        &["calendar"],
        &["calendar", "set"],
        &["digest"],
        &["export"],
        &["status"],
        &["backup"],
    ] {
        let text = help(command);
        assert!(
            text.contains(&format!("用法：minsheng {}", command.join(" "))),
            "{command:?}: {text}"
        );
        assert!(
            text.contains("环境变量 MINSHENG_DATABASE"),
            "{command:?} does not name the database's variable: {text}"
        );
        // None of clap's own English.
        for english in [
            "OPTIONS",
            "[env:",
            "possible values",
            "Usage",
            "Options",
            "Print help",
        ] {
            assert!(
                !text.contains(english),
                "{command:?} shows {english}: {text}"
            );
        }
        let examples = text
            .split_once("示例：\n")
            .map(|(_, e)| e)
            .unwrap_or_default();
        assert!(
            examples.contains(&format!("minsheng {}", command.join(" "))),
            "{command:?}: {text}"
        );
        assert!(text.contains("显示帮助"), "{command:?}: {text}");
    }
}
