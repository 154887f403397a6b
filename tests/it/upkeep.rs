//! Upkeep (issue 10): tables and the exports folder are pruned by retention, files go once
//! uploaded, and a group upgraded to a supergroup keeps its leaders' digests.

use std::path::{Path, PathBuf};
use std::time::Duration;

use minsheng::bot::outgoing::Outgoing;
use minsheng::bot::texts;
use minsheng::services::{ledger, upkeep};

use crate::fake_api::{Fault, group_chat, user};
use crate::helpers::{ADMIN, PATIENCE, Person, TestApp, settings_of};

const LI: Person = Person::with_username(680_001, "李四", "lisi");
const WANG: Person = Person::with_username(680_003, "王领导", "wangld");
const STRANGER: Person = Person::new(680_009, "路人乙");
const OLD_GROUP: i64 = -4_100_001;
const NEW_GROUP: i64 = -1_004_100_001;

fn exports(app: &TestApp) -> PathBuf {
    ledger::exports_dir(&settings_of(app))
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Waits for the background sender to bring `probe` about.
async fn until(what: &str, probe: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !probe() {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A leader over category 三 whose digest goes to `chat` (their own chat when `None`).
async fn leader(app: &TestApp, chat: Option<i64>) {
    app.admit(&WANG, "leader", None).await;
    sqlx::query(
        "INSERT INTO leader_scopes (person_id, category_id) VALUES ((SELECT id FROM people WHERE telegram_id = 680003), (SELECT id FROM categories WHERE numeral = '三'));
         UPDATE people SET digest_chat_id = ? WHERE telegram_id = 680003;",
    )
    .bind(chat)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn an_exported_ledger_leaves_the_exports_folder_once_uploaded() {
    let app = TestApp::spawn().await;
    app.says(&ADMIN, "/export");
    assert_eq!(app.next_reply_to(&ADMIN).await, texts::ledger_on_its_way());
    app.eventually(
        "SELECT state FROM outbox WHERE method = 'sendDocument'",
        "sent",
    )
    .await;
    let upload = app
        .api
        .requests()
        .into_iter()
        .find(|r| r.method == "sendDocument")
        .unwrap();
    assert_eq!(upload.body["has_xlsx"], true, "the file was there to send");
    let dir = exports(&app);
    until("the ledger is deleted", || files_in(&dir).is_empty()).await;
    app.stop().await;
}

#[tokio::test]
async fn a_refused_upload_deletes_its_file_too() {
    let app = TestApp::spawn().await;
    app.api
        .fail_next_calls_of("sendDocument", [Fault::Status(400)]);
    app.says(&ADMIN, "/export");
    app.eventually(
        "SELECT state FROM outbox WHERE method = 'sendDocument'",
        "failed",
    )
    .await;
    let dir = exports(&app);
    until("the refused ledger is deleted", || {
        files_in(&dir).is_empty()
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn one_ledger_for_two_readers_stays_until_the_second_upload() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-12T10:00:00+08:00");
    // Two admins: both read the whole plan, so one workbook serves them (a leader gets a
    // workbook of their own scope).
    app.admit(&LI, "admin", None).await;
    // Whichever reader's ledger goes first, the other's is held back a minute.
    app.api
        .fail_next_calls_of("sendDocument", [Fault::RetryAfter(60)]);
    app.set_time("2024-03-21T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 2, "the two admins");
    app.eventually(
        "SELECT group_concat(state, ' ') FROM (SELECT state FROM outbox WHERE method = 'sendDocument' ORDER BY state)",
        "pending sent",
    )
    .await;
    let dir = exports(&app);
    until("both charts are sent and deleted", || {
        files_in(&dir).iter().all(|f| !f.starts_with("chart-"))
    })
    .await;
    let left = files_in(&dir);
    assert!(
        left.len() == 1 && left[0].starts_with("ledger-"),
        "the ledger waits for its second reader: {left:?}"
    );

    app.advance(61);
    app.eventually(
        "SELECT group_concat(state, ' ') FROM outbox WHERE method = 'sendDocument'",
        "sent sent",
    )
    .await;
    until("the ledger is deleted after its last upload", || {
        files_in(&dir).is_empty()
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn the_daily_prune_forgets_old_updates_texts_and_files_but_never_resends_a_step() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-11T10:00:00+08:00");
    app.says(&STRANGER, "/start");
    assert_eq!(
        app.next_reply_to(&STRANGER).await,
        texts::not_admitted(STRANGER.id)
    );
    app.contact_on(&LI, "发展软环境保障局", &[9], "lead").await;
    app.set_time("2024-03-13T09:00:00+08:00");
    assert_eq!(app.tick().await.prompts, 1);
    assert!(app.next_reply_to(&LI).await.starts_with("📋"));
    app.eventually(
        "SELECT group_concat(DISTINCT state) FROM outbox WHERE chat_id IN (680001, 680009)",
        "sent",
    )
    .await;
    let sent_rows = app.scalar("SELECT count(*) FROM outbox").await;
    // Two updates set aside by a failing handler, 100 and 10 days before the prune.
    sqlx::query(
        "INSERT INTO inbox (update_id, chat_id, payload, state, attempts, received_at, handled_at, last_error) VALUES
             (9001, 680009, '{}', 'quarantined', 3, '2024-01-04T00:00:00.000Z', '2024-01-04T00:00:00.000Z', 'x'),
             (9002, 680009, '{}', 'quarantined', 3, '2024-04-03T00:00:00.000Z', '2024-04-03T00:00:00.000Z', 'x')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // In the exports folder: a leftover of 8 days, a file of yesterday, and an old file a
    // message scheduled for later still needs.
    let dir = exports(&app);
    std::fs::create_dir_all(&dir).unwrap();
    let prune_at = minsheng::db::instant(app.clock_now() + chrono::TimeDelta::days(31));
    let aged = |name: &str, days: i64| {
        let path = dir.join(name);
        std::fs::write(&path, b"x").unwrap();
        let at = app.clock_now() + chrono::TimeDelta::days(31 - days);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(at.into())
            .unwrap();
        path
    };
    aged("chart-leftover.png", 8);
    aged("chart-yesterday.png", 1);
    let needed = aged("ledger-needed.xlsx", 8);
    let later = Outgoing::document(ADMIN.id, &needed, "台账.xlsx", texts::ledger_caption());
    sqlx::query(
        "INSERT INTO outbox (chat_id, method, payload, next_attempt_at, created_at)
         VALUES (?, 'sendDocument', ?, '2099-01-01T00:00:00.000Z', '2024-03-13T01:00:00.000Z')",
    )
    .bind(ADMIN.id)
    .bind(later.body.to_string())
    .execute(&app.pool)
    .await
    .unwrap();

    app.clock.set(crate::helpers::at(&prune_at));
    let settings = settings_of(&app);
    let pruned = upkeep::run_due(&app.pool, &settings, app.clock_now())
        .await
        .unwrap()
        .expect("the first prune is due at once");
    assert_eq!(pruned.quarantined_updates, 1);
    assert_eq!(pruned.files, 1);
    assert_eq!(
        app.scalar("SELECT count(*) FROM inbox WHERE state = 'done'")
            .await,
        0,
        "handled updates of a month ago are gone"
    );
    assert_eq!(
        app.scalar("SELECT sum(update_id) FROM inbox").await,
        9002,
        "the recent quarantined update is kept"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox").await,
        sent_rows + 1,
        "every row stays"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE state = 'sent' AND payload <> '{}'")
            .await,
        0,
        "sent texts of a month ago are dropped"
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM outbox WHERE state = 'pending' AND payload LIKE '%ledger-needed%'"
        )
        .await,
        1,
        "a waiting message keeps its text"
    );
    assert_eq!(
        files_in(&dir),
        ["chart-yesterday.png", "ledger-needed.xlsx"]
    );

    // The step's key stays: the same moment again queues nothing, sends nothing.
    app.set_time("2024-03-13T09:00:00+08:00");
    assert_eq!(app.tick().await.total(), 0);
    assert_eq!(app.messages_to(&LI).len(), 1);

    // Once a day, from the heartbeat.
    app.clock.set(crate::helpers::at(&prune_at));
    let clock: minsheng::clock::SharedClock = app.clock.clone();
    assert!(
        upkeep::run_due(&app.pool, &settings, app.clock_now())
            .await
            .unwrap()
            .is_none(),
        "not twice a day"
    );
    app.advance(24 * 3600);
    minsheng::runtime::scheduler::beat(&app.pool, &settings, &clock).await;
    let ran_at: String = sqlx::query_scalar("SELECT ran_at FROM job_runs WHERE job = ?")
        .bind(upkeep::PRUNE_JOB)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        ran_at,
        minsheng::db::instant(app.clock_now()),
        "the heartbeat pruned again a day later"
    );
    app.stop().await;
}

/// The leader's digest group was upgraded: the digest, its chart and ledger follow to the new id.
#[tokio::test]
async fn a_digest_to_an_upgraded_group_moves_there_and_the_admins_are_told() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-12T10:00:00+08:00");
    leader(&app, Some(OLD_GROUP)).await;
    app.api.upgrade_group(OLD_GROUP, NEW_GROUP);
    app.set_time("2024-03-21T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 2);

    let digest = app
        .api
        .nth_message_to(NEW_GROUP, 1, PATIENCE)
        .await
        .expect("the digest reaches the supergroup");
    assert!(digest.starts_with("📊"), "{digest}");
    let notice = texts::group_upgraded_notice(&["王领导".to_owned()]);
    assert_eq!(app.message_to_containing(&ADMIN, "超级群").await, notice);
    app.eventually(
        "SELECT group_concat(DISTINCT state) FROM outbox WHERE chat_id = -1004100001",
        "sent",
    )
    .await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE chat_id = -4100001")
            .await,
        0,
        "nothing is left addressed to the old group"
    );
    let uploads: Vec<(String, i64)> = app
        .api
        .requests()
        .into_iter()
        .filter(|r| r.method == "sendPhoto" || r.method == "sendDocument")
        .filter(|r| r.body["chat_id"] == NEW_GROUP)
        .map(|r| (r.method, r.body["chat_id"].as_i64().unwrap()))
        .collect();
    assert_eq!(uploads.len(), 2, "the chart and the ledger: {uploads:?}");
    assert_eq!(
        app.scalar("SELECT digest_chat_id FROM people WHERE telegram_id = 680003")
            .await,
        NEW_GROUP
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'group_upgraded'")
            .await,
        1
    );
    let told = app
        .messages_to(&ADMIN)
        .iter()
        .filter(|m| **m == notice)
        .count();
    assert_eq!(told, 1, "the admins are told once");
    app.stop().await;
}

/// Telegram's service messages announce the upgrade before any send fails.
#[tokio::test]
async fn the_upgrade_service_message_moves_the_digest_chat_once() {
    let app = TestApp::spawn().await;
    leader(&app, Some(OLD_GROUP)).await;
    app.api.push_message(serde_json::json!({
        "from": ADMIN.user(),
        "chat": group_chat(OLD_GROUP),
        "migrate_to_chat_id": NEW_GROUP,
    }));
    app.api.push_message(serde_json::json!({
        "from": user(1_087_968_824, "Group", Some("GroupAnonymousBot")),
        "sender_chat": { "id": NEW_GROUP, "type": "supergroup", "title": "民生实事调度群" },
        "chat": { "id": NEW_GROUP, "type": "supergroup", "title": "民生实事调度群" },
        "migrate_from_chat_id": OLD_GROUP,
    }));
    let notice = texts::group_upgraded_notice(&["王领导".to_owned()]);
    assert_eq!(app.message_to_containing(&ADMIN, "超级群").await, notice);
    app.eventually("SELECT group_concat(state) FROM inbox", "done,done")
        .await;
    assert_eq!(
        app.scalar("SELECT digest_chat_id FROM people WHERE telegram_id = 680003")
            .await,
        NEW_GROUP
    );
    app.eventually(
        "SELECT CAST(count(*) AS TEXT) FROM outbox WHERE payload LIKE '%超级群%'",
        "1",
    )
    .await;
    assert!(app.api.sent_to(OLD_GROUP).is_empty());
    assert!(
        app.api.sent_to(NEW_GROUP).is_empty(),
        "nothing said in the groups"
    );
    app.stop().await;
}

/// The bot was removed from the digest group: the digest goes to the leader again.
#[tokio::test]
async fn a_digest_group_that_removed_the_bot_falls_back_to_the_leaders_own_chat() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-12T10:00:00+08:00");
    leader(&app, Some(OLD_GROUP)).await;
    app.api.always_fail_sends_to(OLD_GROUP, Fault::Blocked);
    app.set_time("2024-03-21T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 2);
    let notice = texts::group_lost_notice(&["王领导".to_owned()]);
    assert_eq!(app.message_to_containing(&ADMIN, "无法送达").await, notice);
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM people WHERE telegram_id = 680003 AND digest_chat_id IS NULL"
        )
        .await,
        1
    );

    app.set_time("2024-04-01T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 2);
    let digest = app.next_reply_to(&WANG).await;
    assert!(
        digest.starts_with("📊"),
        "the next digest reaches the leader: {digest}"
    );
    let told = app
        .messages_to(&ADMIN)
        .iter()
        .filter(|m| **m == notice)
        .count();
    assert_eq!(told, 1, "the admins are told once");
    assert!(app.api.sent_to(OLD_GROUP).is_empty());
    app.stop().await;
}
