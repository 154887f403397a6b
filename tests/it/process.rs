//! The real `minsheng run` process: killed, stopped and restarted against the fake Bot API.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use minsheng::bot::texts;
use tokio::process::{Child, Command};

use crate::fake_api::{FakeApi, Fault};
use crate::helpers::{ADMIN_ID, PATIENCE, TOKEN, seeds_dir};

struct Process {
    child: Child,
    log: PathBuf,
}

fn start(api: &FakeApi, dir: &Path, run: u32) -> Process {
    let log = dir.join(format!("run{run}.log"));
    let child = Command::new(env!("CARGO_BIN_EXE_minsheng"))
        .args(["run", "--database"])
        .arg(dir.join("m.db"))
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &api.url)
        .env("MINSHENG_SEEDS", seeds_dir())
        .env("MINSHENG_ADMINS", ADMIN_ID.to_string())
        .env("MINSHENG_TELEGRAM_POLL_TIMEOUT_SECS", "1")
        // Everything we log, at its most talkative, must still keep the token out.
        .env("RUST_LOG", "debug")
        .env_remove("MINSHENG_CONFIG")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    Process { child, log }
}

/// A fresh database and fake Bot API, and a bot that has started polling them.
async fn polling_bot() -> (FakeApi, tempfile::TempDir, Process) {
    let api = FakeApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bot = start(&api, dir.path(), 1);
    assert!(
        api.first_call_of("getUpdates", PATIENCE).await.is_some(),
        "the bot polls"
    );
    (api, dir, bot)
}

impl Process {
    /// Sends a stop signal and expects a clean exit within 10 s.
    async fn stop(self, signal: &str) -> String {
        self.signal(signal);
        let (code, log) = self.exit_code(Duration::from_secs(10)).await;
        assert_eq!(code, Some(0), "{log}");
        log
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("still running").to_string();
        let status = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap();
        assert!(status.success());
    }

    async fn exit_code(mut self, limit: Duration) -> (Option<i32>, String) {
        let status = tokio::time::timeout(limit, self.child.wait())
            .await
            .expect("exits in time")
            .unwrap();
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        assert!(
            !log.contains(TOKEN) && !log.contains("TEST-token"),
            "the token reached the log:\n{log}"
        );
        (status.code(), log)
    }
}

/// Whatever stage the kill lands in (before the update is stored, before it is handled,
/// before its reply is sent), the restarted bot answers it, and once.
#[tokio::test]
async fn a_bot_killed_after_fetching_an_update_handles_it_exactly_once_after_restart() {
    for (round, delay_ms) in [0u64, 1, 3, 10, 30].into_iter().enumerate() {
        let (api, dir, first) = polling_bot().await;
        let chat = 700_000 + round as i64;
        let update = api.push_private_text(chat, "丁", "/start");
        assert!(
            api.served(update, PATIENCE).await,
            "the bot fetched the update"
        );
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        first.signal("-KILL");
        let (code, _) = first.exit_code(PATIENCE).await;
        assert_eq!(code, None, "killed by a signal");

        let second = start(&api, dir.path(), 2);
        let reply = api
            .nth_message_to(chat, 1, PATIENCE)
            .await
            .expect("answered after the restart");
        assert_eq!(reply, texts::not_admitted(chat));
        // Let the restarted bot poll again: a replay would be handled by now.
        let polls = api.calls_of("getUpdates");
        assert!(api.calls_reach("getUpdates", polls + 2, PATIENCE).await);
        second.stop("-TERM").await;

        let delivered = api.sent_to(chat).len();
        let pool = minsheng::db::connect(&dir.path().join("m.db"))
            .await
            .unwrap();
        let (rows, attempts): (i64, i64) =
            sqlx::query_as("SELECT count(*), max(attempts) FROM outbox WHERE chat_id = ?")
                .bind(chat)
                .fetch_one(&pool)
                .await
                .unwrap();
        let handled: i64 =
            sqlx::query_scalar("SELECT count(*) FROM inbox WHERE update_id = ? AND state = 'done'")
                .bind(update)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(
            (rows, handled),
            (1, 1),
            "round {round}: handled once, one reply queued"
        );
        // A kill in the middle of the send itself is the one ambiguous case: sent again, once.
        assert!(
            delivered == 1 || (delivered == 2 && attempts == 2),
            "round {round}: delivered {delivered} times"
        );
    }
}

#[tokio::test]
async fn sigterm_during_a_burst_exits_promptly_and_loses_nothing_confirmed() {
    let (api, dir, first) = polling_bot().await;
    let chats: Vec<i64> = (0..40).map(|n| 710_000 + n).collect();
    for chat in &chats {
        api.push_private_text(*chat, "戊", "/start");
    }
    assert!(
        api.calls_reach("sendMessage", 5, PATIENCE).await,
        "the burst is under way"
    );
    first.stop("-TERM").await;

    let second = start(&api, dir.path(), 2);
    for chat in &chats {
        assert!(
            api.nth_message_to(*chat, 1, PATIENCE).await.is_some(),
            "chat {chat} got no answer"
        );
    }
    let polls = api.calls_of("getUpdates");
    assert!(api.calls_reach("getUpdates", polls + 2, PATIENCE).await);
    second.stop("-INT").await;
    for chat in &chats {
        assert_eq!(api.sent_to(*chat).len(), 1, "chat {chat} answered once");
    }
}

#[tokio::test]
async fn a_second_bot_on_the_same_database_refuses_to_start() {
    let (api, dir, first) = polling_bot().await;
    let second = start(&api, dir.path(), 2);
    let (code, log) = second.exit_code(PATIENCE).await;
    assert_eq!(code, Some(1));
    assert!(log.contains("另一个 minsheng run 正在使用数据库"), "{log}");
    first.stop("-TERM").await;
}

#[tokio::test]
async fn status_reports_the_queues_and_unreachable_people() {
    let (api, dir, bot) = polling_bot().await;
    api.always_fail_sends_to(720_001, Fault::Blocked);
    let pool = minsheng::db::connect(&dir.path().join("m.db"))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO people (telegram_id, display_name, role, unit_id, joined_at)
         VALUES (720001, '己', 'contact', (SELECT id FROM units WHERE name = '交警大队'), '2024-03-01T00:00:00Z')",
    )
    .execute(&pool)
    .await
    .unwrap();
    api.push_private_text(720_002, "庚", "/start");
    api.push_private_text(720_001, "己", "/start");
    assert!(api.nth_message_to(720_002, 1, PATIENCE).await.is_some());
    assert!(api.calls_reach("sendMessage", 2, PATIENCE).await);
    bot.stop("-TERM").await;

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_minsheng"))
        .args(["status", "--database"])
        .arg(dir.path().join("m.db"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(text.contains("收件箱：已处理 2"), "{text}");
    // Two more than before: `run` now needs an admin (MINSHENG_ADMINS), and admins are sent
    // their own menu and notices.
    assert!(text.contains("发件箱：已发送 5，无法送达 1"), "{text}");
    assert!(!text.contains("最近成功拉取更新：无"), "{text}");
    assert!(text.contains("己 · 单位联络员 · Telegram 720001"), "{text}");
    assert!(!text.contains("最近发出消息：无"), "{text}");
}

/// The real process, on an empty database: it seeds itself, polls, and answers /start.
#[tokio::test]
async fn the_binary_seeds_an_empty_database_and_answers_start() {
    let (api, dir, bot) = polling_bot().await;
    api.push_private_text(555_002, "路人乙", "/start");
    let reply = api
        .nth_message_to(555_002, 1, PATIENCE)
        .await
        .expect("an answer to /start");
    assert_eq!(reply, texts::not_admitted(555_002));
    let log = bot.stop("-TERM").await;
    assert!(log.contains("empty database seeded"), "{log}");
    let pool = minsheng::db::connect(&dir.path().join("m.db"))
        .await
        .unwrap();
    let projects: i64 = sqlx::query_scalar("SELECT count(*) FROM projects")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(projects, 27);
}
