//! Delivery (issue 10): what reaches Telegram fits its limits, nobody's queue holds up anyone
//! else's, a stored outcome survives a locked database, and no working invite link rests in
//! the database or its backups.

use std::str::FromStr;
use std::time::{Duration, Instant};

use minsheng::bot::report::Press;
use minsheng::bot::texts::{self, report as say};
use minsheng::domain::report::Status;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::fake_api::{Fault, MAX_TEXT};
use crate::helpers::{ADMIN, PATIENCE, Person, STRANGER, TestApp, settings_of};

const ZHANG: Person = Person::with_username(640_001, "张三", "zhangsan");
const ALICE: Person = Person::new(640_002, "甲");
const BOB: Person = Person::new(640_003, "乙");
const SOFT: &str = "发展软环境保障局";

/// The longest reply allowed with every character an emoji: twice as many UTF-16 code units.
fn longest_answer(emoji: &str) -> String {
    emoji.repeat(minsheng::domain::report::MAX_TEXT)
}

fn token_in(message: &str) -> String {
    let start = message.find("?start=").expect("an invite link") + "?start=".len();
    message[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

/// The states of the messages to a person (menus are not messages), oldest first.
async fn states_to(app: &TestApp, person: &Person) -> String {
    sqlx::query_scalar::<_, Option<String>>(
        "SELECT group_concat(state || ' ' || attempts) FROM (SELECT state, attempts FROM outbox WHERE chat_id = ? AND method LIKE 'send%' ORDER BY id)",
    )
    .bind(person.id)
    .fetch_one(&app.pool)
    .await
    .unwrap()
    .unwrap_or_default()
}

/// Waits until every row to a chat is in a final state, and returns them.
async fn settled_states_to(app: &TestApp, person: &Person) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let states = states_to(app, person).await;
        let settled = !states.is_empty()
            && !["pending", "sending", "uncertain"]
                .iter()
                .any(|s| states.contains(s));
        if settled || Instant::now() > deadline {
            return states;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_longest_answers_at_every_step_are_shown_in_parts_and_the_report_is_submitted() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, SOFT, &[6], "lead").await;
    let progress = longest_answer("😀");
    let difficulties = longest_answer("🚧");

    app.says(&ZHANG, "/report");
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        say::ask_status(6, "丰富托位供给，降低托育费用")
    );
    app.presses(&ZHANG, &Press::Status(Status::OnTrack).data());
    app.next_reply_to(&ZHANG).await;
    app.says(&ZHANG, "320");
    app.next_reply_to(&ZHANG).await;
    app.presses(&ZHANG, &Press::YesNo(true).data());
    app.next_reply_to(&ZHANG).await;
    app.says(&ZHANG, "200");
    assert_eq!(app.next_reply_to(&ZHANG).await, say::ask_progress());
    app.says(&ZHANG, &progress);
    assert_eq!(app.next_reply_to(&ZHANG).await, say::ask_difficulties());
    app.says(&ZHANG, &difficulties);

    // About 8,200 UTF-16 code units: three messages, cut between lines, 提交 under the last.
    let parts = [
        app.next_reply_to(&ZHANG).await,
        app.next_reply_to(&ZHANG).await,
        app.next_reply_to(&ZHANG).await,
    ];
    assert!(
        parts[0].starts_with("请确认本周报送 · 项目 6"),
        "{}",
        parts[0]
    );
    assert_eq!(parts[1], format!("本周进展：{progress}"));
    assert_eq!(parts[2], format!("困难问题：{difficulties}\n佐证材料：无"));
    let bodies: Vec<serde_json::Value> = app
        .api
        .sent()
        .into_iter()
        .filter(|s| s.chat_id == ZHANG.id)
        .map(|s| s.body)
        .collect();
    let summary = &bodies[bodies.len() - 3..];
    for body in summary {
        let units = body["text"].as_str().unwrap().encode_utf16().count();
        assert!(units <= MAX_TEXT, "{units} code units");
    }
    assert!(summary[0].get("reply_markup").is_none());
    assert!(summary[1].get("reply_markup").is_none());
    assert_eq!(
        summary[2]["reply_markup"]["inline_keyboard"][0][0]["text"],
        "提交"
    );

    app.presses(&ZHANG, &Press::Submit.data());
    let receipt = app.next_reply_to(&ZHANG).await;
    assert!(receipt.starts_with("✅ 已提交：项目 6"), "{receipt}");
    let saved: (String, String) = sqlx::query_as("SELECT progress, difficulties FROM reports")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(saved, (progress, difficulties));
    assert!(
        !states_to(&app, &ZHANG).await.contains("failed"),
        "no message was refused"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_invite_link_leaves_no_working_token_in_the_outbox_the_inbox_or_a_backup() {
    let app = TestApp::spawn().await;
    app.says(&ADMIN, "/invite 联络员 发展软环境保障局");
    let link = app.nth_reply_to(&ADMIN, 1).await;
    let token = token_in(&link);
    assert!(token.len() >= 32, "{token}");
    assert_eq!(settled_states_to(&app, &ADMIN).await, "sent 1");

    // Once used, the link's update is handled; its reply and the admins' notice go out.
    app.says(&ZHANG, &format!("/start {token}"));
    app.nth_reply_to(&ZHANG, 1).await;
    app.nth_reply_to(&ADMIN, 2).await;

    // A second link whose message fails for good: the admin blocked the bot meanwhile.
    app.api.fail_next_sends_to(ADMIN.id, [Fault::Blocked]);
    app.says(&ADMIN, "/invite 分管领导");
    app.eventually(
        "SELECT state FROM outbox WHERE payload LIKE '%分管负责同志%' AND method = 'sendMessage' ORDER BY id DESC LIMIT 1",
        "unreachable",
    )
    .await;

    let resting: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM outbox WHERE payload LIKE '%?start=%' AND payload NOT LIKE '%?start=[已清除]%')
              + (SELECT count(*) FROM inbox WHERE payload LIKE '%' || ? || '%')",
    )
    .bind(&token)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        resting, 0,
        "no invite token rests in the outbox or the inbox"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE payload LIKE '%?start=%'")
            .await,
        2,
        "the rows are kept, blanked"
    );

    let backup = tempfile::tempdir().unwrap();
    let path = backup.path().join("backup.db");
    minsheng::db::backup(&app.pool, &path).await.unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(
        !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
        "the backup holds no working link"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_long_queue_to_one_chat_does_not_hold_up_another_chats_reply() {
    let app = TestApp::spawn().await;
    for n in 1..=200 {
        app.queue_message(ALICE.id, &format!("第{n}条通知")).await;
    }
    let asked = Instant::now();
    app.says(&ADMIN, "/help");
    let help = app.nth_reply_to(&ADMIN, 1).await;
    assert!(help.starts_with("您的身份："), "{help}");
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "the admin waited {:?}",
        asked.elapsed()
    );
    assert_eq!(
        app.api.sent_to(ALICE.id)[0],
        "第1条通知",
        "Alice's in order"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_stranger_who_floods_the_bot_is_answered_once_per_ten_minutes() {
    let app = TestApp::spawn().await;
    for n in 1..=200 {
        app.says(&STRANGER, &format!("你好{n}"));
    }
    let asked = Instant::now();
    app.says(&ADMIN, "/help");
    app.nth_reply_to(&ADMIN, 1).await;
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "the admin waited {:?}",
        asked.elapsed()
    );
    app.eventually(
        "SELECT CAST(count(*) AS TEXT) FROM inbox WHERE state = 'done'",
        "201",
    )
    .await;
    assert_eq!(
        app.nth_reply_to(&STRANGER, 1).await,
        texts::not_admitted(STRANGER.id)
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE chat_id = 555001")
            .await,
        1,
        "one answer for 200 messages"
    );

    app.advance(9 * 60);
    app.says(&STRANGER, "在吗");
    app.eventually(
        "SELECT CAST(count(*) AS TEXT) FROM inbox WHERE state = 'done'",
        "202",
    )
    .await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE chat_id = 555001")
            .await,
        1,
        "still quiet after nine minutes"
    );
    app.advance(60);
    app.says(&STRANGER, "在吗？");
    assert_eq!(
        app.nth_reply_to(&STRANGER, 2).await,
        texts::not_admitted(STRANGER.id)
    );
    app.stop().await;
}

#[tokio::test]
async fn a_stranger_who_presses_forged_buttons_is_answered_once_per_ten_minutes() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        app.presses(&STRANGER, "inv:admin");
    }
    assert_eq!(
        app.nth_reply_to(&STRANGER, 1).await,
        texts::not_admitted(STRANGER.id)
    );
    app.eventually(
        "SELECT CAST(count(*) AS TEXT) FROM inbox WHERE state = 'done'",
        "5",
    )
    .await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE chat_id = 555001")
            .await,
        1
    );
    assert_eq!(app.scalar("SELECT count(*) FROM invites").await, 0);
    app.stop().await;
}

/// An operator's `sqlite3` session holds the write lock longer than our busy timeout while a
/// message is in flight.
#[tokio::test]
async fn a_sent_message_whose_outcome_meets_a_locked_database_ends_sent_and_arrives_once() {
    let app = TestApp::spawn().await;
    app.api.hold_answers();
    app.queue_message(ALICE.id, "请报送本周进度").await;
    assert!(
        app.api
            .nth_message_to(ALICE.id, 1, PATIENCE)
            .await
            .is_some()
    );

    let database = settings_of(&app).database;
    let mut operator = SqliteConnectOptions::from_str("sqlite:")
        .unwrap()
        .filename(&database)
        .connect()
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut operator)
        .await
        .unwrap();
    app.api.release_answers();
    // Past the pool's 10 s busy timeout: the sender's first write gives up meanwhile.
    tokio::time::sleep(Duration::from_secs(11)).await;
    sqlx::query("COMMIT").execute(&mut operator).await.unwrap();
    operator.close().await.unwrap();

    assert_eq!(settled_states_to(&app, &ALICE).await, "sent 1");
    let app = app.restart().await;
    app.queue_message(ALICE.id, "请报送下周进度").await;
    assert!(
        app.api
            .nth_message_to(ALICE.id, 2, PATIENCE)
            .await
            .is_some()
    );
    assert_eq!(
        app.api.sent_to(ALICE.id),
        vec!["请报送本周进度", "请报送下周进度"],
        "delivered once, also across the restart"
    );
    assert_eq!(settled_states_to(&app, &ALICE).await, "sent 1,sent 1");
    app.stop().await;
}

/// A step that stopped between taking a row and storing its outcome left it `sending`.
#[tokio::test]
async fn a_row_left_sending_is_sent_again_once_it_is_old_while_the_bot_runs() {
    let app = TestApp::spawn().await;
    // The bot is up (past its start-up recovery, which takes back every row left `sending`).
    app.queue_message(BOB.id, "请报送上周进度").await;
    app.nth_reply_to(&BOB, 1).await;
    let now = minsheng::db::instant(app.clock_now());
    sqlx::query(
        "INSERT INTO outbox (chat_id, method, payload, state, attempts, next_attempt_at, created_at, claimed_at)
         VALUES (?, 'sendMessage', ?, 'sending', 1, ?, ?, ?)",
    )
    .bind(ALICE.id)
    .bind(serde_json::json!({ "chat_id": ALICE.id, "text": "请报送本周进度" }).to_string())
    .bind(&now)
    .bind(&now)
    .bind(&now)
    .execute(&app.pool)
    .await
    .unwrap();
    // The sender is at work, and leaves a row in flight this recent alone.
    app.queue_message(BOB.id, "请报送本周进度").await;
    app.nth_reply_to(&BOB, 2).await;
    assert_eq!(states_to(&app, &ALICE).await, "sending 1");

    app.advance(121);
    assert_eq!(app.nth_reply_to(&ALICE, 1).await, "请报送本周进度");
    assert_eq!(settled_states_to(&app, &ALICE).await, "sent 2");
    assert_eq!(app.api.sent_to(ALICE.id).len(), 1);
    app.stop().await;
}
