//! Issue 15, health: the bot records its signs of life, `minsheng status --check` judges them
//! on real databases through the real binary, read-only commands never create a database, and
//! start-up refuses or warns where a mistake would cost a day.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{DateTime, TimeDelta, Utc};
use minsheng::db::{self, health, inbox, outbox};
use minsheng::runtime::lock;

use crate::helpers::{ADMIN, TestApp, minsheng_binary, seeds_dir};

/// The binary with a clean environment: no token, no config file, a 25 s long poll (so the
/// silence limit is 2 × 25 + 60 = 110 s).
fn minsheng(args: &[&str], database: &Path) -> Output {
    minsheng_binary(args, database)
        .env_remove("MINSHENG_ADMINS")
        .env("MINSHENG_TELEGRAM_POLL_TIMEOUT_SECS", "25")
        .output()
        .expect("running minsheng")
}

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A real database with the plan, as `minsheng seed` makes it.
fn seeded(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("m.db");
    let seeding = minsheng_binary(&["seed"], &db).output().unwrap();
    assert!(seeding.status.success(), "{:?}", lines(&seeding.stderr));
    db
}

/// A real database whose listener last polled at `polled`.
async fn database_polled_at(dir: &Path, polled: DateTime<Utc>) -> sqlx::SqlitePool {
    let pool = db::connect(&dir.join("m.db")).await.unwrap();
    health::record_poll(&mut pool.acquire().await.unwrap(), polled)
        .await
        .unwrap();
    pool
}

#[tokio::test]
async fn status_check_passes_on_a_fresh_database_whose_bot_runs_and_polls() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let pool = database_polled_at(dir.path(), Utc::now() - TimeDelta::seconds(30)).await;
    // A message due five minutes ago is on its way, not stuck.
    let mut conn = pool.acquire().await.unwrap();
    let due = Utc::now() - TimeDelta::minutes(5);
    outbox::enqueue(&mut conn, 42, "sendMessage", "{}", None, None, due)
        .await
        .unwrap();
    drop(conn);
    let _bot = lock::acquire(&db).unwrap();
    let output = minsheng(&["status", "--check"], &db);
    assert_eq!(output.status.code(), Some(0), "{:?}", lines(&output.stderr));
    assert_eq!(lines(&output.stdout), ["运行正常"]);
}

#[tokio::test]
async fn status_check_fails_with_one_line_per_problem_on_a_stale_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let polled = Utc::now() - TimeDelta::seconds(200);
    let pool = database_polled_at(dir.path(), polled).await;
    let mut conn = pool.acquire().await.unwrap();
    let long_ago = Utc::now() - TimeDelta::minutes(11);
    let failed = outbox::enqueue(&mut conn, 42, "sendMessage", "{}", None, None, long_ago)
        .await
        .unwrap()
        .unwrap();
    outbox::mark_failed(&mut conn, failed, "Bad Request")
        .await
        .unwrap();
    outbox::enqueue(&mut conn, 43, "sendMessage", "{}", None, None, long_ago)
        .await
        .unwrap();
    inbox::store(&mut conn, 7, Some(42), "{}", long_ago)
        .await
        .unwrap();
    inbox::quarantine(&mut conn, 7, "handler failed", long_ago)
        .await
        .unwrap();
    drop(conn);
    let bot = lock::acquire(&db).unwrap();
    let output = minsheng(&["status", "--check"], &db);
    assert_eq!(output.status.code(), Some(1));
    let since = minsheng::bot::texts::local_time(polled, chrono_tz::Asia::Shanghai);
    assert_eq!(
        lines(&output.stdout),
        [
            format!(
                "机器人在运行，但自 {since} 起未能从 Telegram 拉取更新，请检查网络、代理和令牌"
            ),
            "发件箱有 1 条消息发送失败".to_owned(),
            "发件箱有 1 条消息超过预定时间 10 分钟仍未发出".to_owned(),
            "收件箱有 1 条更新处理失败，已暂存待查".to_owned(),
        ]
    );
    // The bot stopped: its lock is free, and that is the one thing said about polling.
    drop(bot);
    let output = minsheng(&["status", "--check"], &db);
    assert_eq!(output.status.code(), Some(1));
    let said = lines(&output.stdout);
    assert_eq!(
        said[0],
        "没有机器人在使用此数据库运行（minsheng run 未启动）"
    );
    assert_eq!(said.len(), 4, "{said:?}");
}

#[tokio::test]
async fn status_check_fails_when_the_running_bot_never_polled() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    db::connect(&db).await.unwrap().close().await;
    let _bot = lock::acquire(&db).unwrap();
    let output = minsheng(&["status", "--check"], &db);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        lines(&output.stdout),
        ["机器人在运行，但从未成功从 Telegram 拉取更新，请检查网络、代理和令牌"]
    );
}

#[tokio::test]
async fn the_running_bot_records_each_poll_and_each_send() {
    let app = TestApp::spawn_stepped().await;
    app.says(&ADMIN, "/help");
    app.drain().await;
    let mut conn = app.pool.acquire().await.unwrap();
    let start = app.clock_now();
    assert_eq!(health::last_poll(&mut conn).await.unwrap(), Some(start));
    assert_eq!(health::last_send(&mut conn).await.unwrap(), Some(start));
    // A later poll that brings nothing still counts: the bot is alive.
    app.clock.advance(TimeDelta::seconds(90));
    app.drain().await;
    assert_eq!(
        health::last_poll(&mut conn).await.unwrap(),
        Some(start + TimeDelta::seconds(90))
    );
    assert_eq!(health::last_send(&mut conn).await.unwrap(), Some(start));
}

#[test]
fn read_only_commands_on_a_missing_file_say_so_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typo.db");
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let commands: [&[&str]; 8] = [
        &["calendar", "set", "2024-10-12", "work"],
        &["status"],
        &["status", "--check"],
        &["backup", out],
        &["digest", "--preview"],
        &["export", "--out", out],
        &["projects"],
        &["calendar", "--year", "2024"],
    ];
    for args in commands {
        let output = minsheng(args, &db);
        assert!(!output.status.success(), "{args:?}");
        assert_eq!(
            lines(&output.stderr),
            [format!(
                "minsheng: 数据库文件不存在：{}，请检查 --database 或 MINSHENG_DATABASE",
                db.display()
            )],
            "{args:?}"
        );
        assert!(!db.exists(), "{args:?} created the database");
        assert!(!Path::new(out).exists(), "{args:?} wrote its output");
    }
}

/// The commands that report open the database read-only: they never migrate it under the bot
/// that runs on it. One older than the binary is refused with what to do, and left as it was.
#[tokio::test]
async fn reporting_commands_never_migrate_a_database_older_than_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    // Plain SQLite, without the migrations `db::connect` would run.
    let plain = sqlx::SqlitePool::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    let applied = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM _sqlx_migrations")
            .fetch_one(&plain)
            .await
            .unwrap()
    };
    let current = applied().await;
    assert!(minsheng(&["status"], &db).status.success());
    assert_eq!(applied().await, current, "status changed nothing");
    // As if the binary had been upgraded while the database stayed at the previous version.
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)",
    )
    .execute(&plain)
    .await
    .unwrap();
    for args in [&["status"][..], &["projects"], &["digest"]] {
        let output = minsheng(args, &db);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(
            lines(&output.stderr),
            [format!(
                "minsheng: 数据库 {} 的版本早于本程序：请先用新版本启动一次机器人（minsheng run）完成升级，再执行此命令",
                db.display()
            )]
        );
        assert_eq!(
            applied().await,
            current - 1,
            "{args:?} migrated the database"
        );
    }
}

#[test]
fn seed_without_a_seeds_folder_loads_the_plan_built_into_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let output = Command::new(env!("CARGO_BIN_EXE_minsheng"))
        .args(["seed", "--database"])
        .arg(&db)
        .env_remove("MINSHENG_CONFIG")
        .env("MINSHENG_SEEDS", dir.path().join("no-seeds-here"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{:?}", lines(&output.stderr));
    let said = lines(&output.stdout);
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said[1].starts_with("2024年计划：27 个项目，"), "{said:?}");
    let listing = minsheng(&["projects"], &db);
    assert_eq!(lines(&listing.stdout)[0], "2024年计划，共 27 项");
}

#[test]
fn run_without_admins_refuses_to_start_and_a_mistyped_variable_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let output = Command::new(env!("CARGO_BIN_EXE_minsheng"))
        .args(["run", "--database"])
        .arg(&db)
        .env("TELOXIDE_TOKEN", crate::helpers::TOKEN)
        .env("TELOXIDE_API_URL", "http://127.0.0.1:9")
        .env_remove("MINSHENG_CONFIG")
        .env_remove("MINSHENG_ADMINS")
        .env("MINSHENG_ADMIN", "900001")
        .env("MINSHENG_SEEDS", seeds_dir())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        lines(&output.stderr),
        [
            "minsheng: 警告：未知的环境变量 MINSHENG_ADMIN，是否想设置 MINSHENG_ADMINS？",
            "minsheng: 没有配置管理员，机器人会拒绝所有人：请设置环境变量 MINSHENG_ADMINS=管理员的 Telegram 用户 ID（多个以逗号分隔）",
        ]
    );
    assert!(!db.exists(), "refused before opening the database");
}

/// The real `minsheng run` against the fake Bot API, as systemd runs it: it says READY=1 once
/// its database is there, `status --check` passes while it polls, SIGTERM stops it gracefully
/// (STOPPING=1, exit 0), and the check fails once it is gone.
#[tokio::test]
async fn status_check_follows_the_real_bot_from_running_to_stopped() {
    let api = crate::fake_api::FakeApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let notify = dir.path().join("notify");
    let systemd = tokio::net::UnixDatagram::bind(&notify).unwrap();
    let bot = tokio::process::Command::new(env!("CARGO_BIN_EXE_minsheng"))
        .args(["run", "--database"])
        .arg(&db)
        .env("NOTIFY_SOCKET", &notify)
        .env("TELOXIDE_TOKEN", crate::helpers::TOKEN)
        .env("TELOXIDE_API_URL", &api.url)
        .env("MINSHENG_ADMINS", crate::helpers::ADMIN_ID.to_string())
        .env("MINSHENG_SEEDS", seeds_dir())
        .env("MINSHENG_TELEGRAM_POLL_TIMEOUT_SECS", "1")
        .env_remove("MINSHENG_CONFIG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let patience = crate::helpers::PATIENCE;
    let told = || async {
        let mut said = [0u8; 64];
        let n = tokio::time::timeout(patience, systemd.recv(&mut said))
            .await
            .expect("the bot tells systemd")
            .unwrap();
        String::from_utf8_lossy(&said[..n]).into_owned()
    };
    assert_eq!(told().await.trim(), "READY=1");
    assert!(db.exists(), "ready once its database is there");
    // Its first poll has come back (the second has begun), and what it queued at start is sent.
    assert!(api.calls_reach("getUpdates", 2, patience).await);
    assert!(api.calls_reach("setMyCommands", 2, patience).await);
    let output = minsheng(&["status", "--check"], &db);
    assert_eq!(lines(&output.stdout), ["运行正常"]);
    assert_eq!(output.status.code(), Some(0));
    // The shell's own kill: no package to count on.
    let term = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -TERM {}", bot.id().unwrap()))
        .status()
        .unwrap();
    assert!(term.success());
    assert_eq!(told().await.trim(), "STOPPING=1");
    let stopped = bot.wait_with_output().await.unwrap();
    assert!(stopped.status.success(), "a graceful stop");
    let logged = String::from_utf8_lossy(&stopped.stderr);
    assert!(logged.contains("bot stopped"), "{logged}");
    assert!(
        !logged.contains('\u{1b}'),
        "no colour codes for the journal: {logged}"
    );
    let output = minsheng(&["status", "--check"], &db);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        lines(&output.stdout),
        ["没有机器人在使用此数据库运行（minsheng run 未启动）"]
    );
}

/// Evidence whose download keeps failing is a problem while it lasts (the bot retries it);
/// what was given up on, failed or too big, is counted by `status` for the operator, not
/// repeated by every check for the rest of the year.
#[tokio::test]
async fn evidence_that_keeps_failing_is_a_problem_and_status_counts_each_kind() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded(dir.path());
    let pool = database_polled_at(dir.path(), Utc::now()).await;
    sqlx::query(
        "INSERT INTO people (telegram_id, display_name, role, unit_id, joined_at)
         VALUES (5001, '张三', 'contact', (SELECT min(id) FROM units), '2024-03-01T00:00:00Z');
         INSERT INTO reports (project_id, person_id, week_start, role, status, progress, submitted_at)
         SELECT p.id, (SELECT id FROM people WHERE telegram_id = 5001), '2024-03-04', 'lead',
                'on_track', '按计划推进', '2024-03-06T02:00:00Z'
         FROM projects p WHERE p.no <= 5;
         INSERT INTO evidence_files (report_id, file_id, state, tries, next_try_at, path, sha256)
         SELECT r.id, 'file-' || p.no,
                CASE p.no WHEN 1 THEN 'stored' WHEN 2 THEN 'failed' WHEN 3 THEN 'too_big' ELSE 'pending' END,
                CASE p.no WHEN 4 THEN 3 WHEN 5 THEN 1 ELSE 0 END,
                '2024-03-06T02:00:00Z',
                CASE p.no WHEN 1 THEN 'evidence/2024/1/a.jpg' END,
                CASE p.no WHEN 1 THEN 'ab' END
         FROM reports r JOIN projects p ON p.id = r.project_id;",
    )
    .execute(&pool)
    .await
    .unwrap();
    let _bot = lock::acquire(&db).unwrap();
    let output = minsheng(&["status", "--check"], &db);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        lines(&output.stdout),
        ["佐证材料有 1 份连续 3 次以上下载失败，仍在重试：请检查与 Telegram 的网络"],
        "the file failing now, not the one failed once, nor those given up on"
    );
    let report = lines(&minsheng(&["status"], &db).stdout);
    assert!(
        report.contains(&"佐证材料：已保存 1，待下载 2，下载失败 1，超过 20 MB 1".to_owned()),
        "{report:?}"
    );
}
