//! The runtime against a fake Bot API that fails on demand: every message arrives, once.

use std::time::Duration;

use minsheng::bot::dialogue_storage::TxStorage;
use minsheng::bot::texts;
use minsheng::bot::turn::Turn;
use teloxide::dispatching::dialogue::{self, Dialogue};
use teloxide::dispatching::{UpdateFilterExt, UpdateHandler};
use teloxide::dptree;
use teloxide::types::{Message, Update};

use crate::fake_api::Fault;
use crate::helpers::{ADMIN, PATIENCE, Person, TestApp, the_bot_plus};

const ALICE: Person = Person::new(610_001, "甲");
const BOB: Person = Person::new(610_002, "乙");
const CAROL: Person = Person::new(610_003, "丙");

/// Alice's one outbox row: its state and attempts.
const OUTBOX_ROW: &str = "SELECT state || ' ' || attempts FROM outbox WHERE chat_id = 610001";

/// How long a test looks for a call it has made due, before it moves the clock on again.
const A_MOMENT: Duration = Duration::from_millis(300);

#[tokio::test]
async fn a_429_holds_back_that_chat_only_and_every_message_arrives_once() {
    let app = TestApp::spawn_stepped().await;
    app.api.fail_next_sends_to(ALICE.id, [Fault::RetryAfter(3)]);
    app.says(&ALICE, "/start");
    app.says(&BOB, "/start");
    app.drain().await;
    assert_eq!(
        app.nth_reply_to(&BOB, 1).await,
        texts::not_admitted(BOB.id),
        "Bob is not held up by Alice's 429"
    );
    assert!(
        app.api.sent_to(ALICE.id).is_empty(),
        "Alice waits out retry_after"
    );

    app.advance(3);
    app.drain().await;
    assert_eq!(
        app.nth_reply_to(&ALICE, 1).await,
        texts::not_admitted(ALICE.id)
    );
    assert_eq!(app.api.sent_to(ALICE.id).len(), 1);
    assert_eq!(app.api.sent_to(BOB.id).len(), 1);
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE state <> 'sent'")
            .await,
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_and_delivered_once() {
    let app = TestApp::spawn_stepped().await;
    app.api
        .fail_next_sends_to(ALICE.id, [Fault::Status(500), Fault::Status(502)]);
    app.says(&ALICE, "/start");
    // 2 s after the first failure, 4 s after the second; a 5xx may have had effect.
    app.drain().await;
    app.eventually(OUTBOX_ROW, "uncertain 1").await;
    app.advance(2);
    app.drain().await;
    app.eventually(OUTBOX_ROW, "uncertain 2").await;
    assert!(
        app.api.sent_to(ALICE.id).is_empty(),
        "not before its backoff"
    );
    app.advance(4);
    app.drain().await;
    assert_eq!(
        app.nth_reply_to(&ALICE, 1).await,
        texts::not_admitted(ALICE.id)
    );
    app.eventually(OUTBOX_ROW, "sent 3").await;
    assert_eq!(app.api.sent_to(ALICE.id).len(), 1);
    app.stop().await;
}

/// The one case the design allows a duplicate: the request arrived, the answer was lost.
#[tokio::test]
async fn a_dropped_connection_is_retried_and_doubles_at_most_once() {
    let app = TestApp::spawn_stepped().await;
    app.api
        .fail_next_sends_to(ALICE.id, [Fault::DeliverThenDrop]);
    app.says(&ALICE, "/start");
    app.drain().await;
    assert!(
        app.api
            .nth_message_to(ALICE.id, 1, PATIENCE)
            .await
            .is_some()
    );
    // A lost answer is marked uncertain, not sent.
    app.eventually(OUTBOX_ROW, "uncertain 1").await;
    app.advance(2);
    app.drain().await;
    assert!(
        app.api
            .nth_message_to(ALICE.id, 2, PATIENCE)
            .await
            .is_some()
    );
    app.eventually(OUTBOX_ROW, "sent 2").await;
    assert_eq!(
        app.api.sent_to(ALICE.id).len(),
        2,
        "one ambiguous duplicate, no more"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_person_who_blocked_the_bot_is_marked_unreachable_and_admins_are_told_once() {
    let app = TestApp::spawn_stepped().await;
    app.admit(&CAROL, "contact", Some("发展软环境保障局")).await;
    app.api.always_fail_sends_to(CAROL.id, Fault::Blocked);
    app.queue_message(CAROL.id, "请报送本周进度（一）").await;
    app.queue_message(CAROL.id, "请报送本周进度（二）").await;
    app.drain().await;
    let notice = app.nth_reply_to(&ADMIN, 1).await;
    assert_eq!(notice, texts::unreachable_notice(CAROL.first_name));
    assert_eq!(
        app.api.sent_to(ADMIN.id).len(),
        1,
        "the admins are told once"
    );
    assert_eq!(
        app.api.calls_of("sendMessage"),
        2,
        "the second message is not tried against a blocked chat"
    );
    assert_eq!(
        app.scalar("SELECT reachable FROM people WHERE telegram_id = 610003")
            .await,
        0
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE chat_id = 610003 AND state = 'unreachable'")
            .await,
        2
    );
    app.stop().await;
}

#[tokio::test]
async fn a_handler_that_panics_costs_one_apology_and_the_chat_is_still_answered() {
    let boom = dptree::endpoint(|| async { panic!("a bug in a handler") });
    let app = TestApp::spawn_with(|app| {
        app.without_heartbeat()
            .with_handler(the_bot_plus("/boom", boom))
    })
    .await;
    app.says(&ALICE, "/boom");
    app.says(&ALICE, "/start");
    assert_eq!(app.nth_reply_to(&ALICE, 1).await, texts::apology());
    assert_eq!(
        app.nth_reply_to(&ALICE, 2).await,
        texts::not_admitted(ALICE.id)
    );
    let notice = app.nth_reply_to(&ADMIN, 1).await;
    assert!(notice.contains("处理失败"), "{notice}");
    assert_eq!(
        app.scalar("SELECT count(*) FROM inbox WHERE state = 'quarantined'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM inbox WHERE state = 'done'")
            .await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn a_handler_that_fails_is_retried_then_set_aside_after_three_attempts() {
    let flaky =
        dptree::endpoint(|| async { Err(anyhow::anyhow!("the database is having a bad day")) });
    let app = TestApp::spawn_with(|app| {
        app.without_heartbeat()
            .with_handler(the_bot_plus("/flaky", flaky))
    })
    .await;
    app.says(&BOB, "/flaky");
    app.says(&BOB, "/start");
    assert_eq!(app.nth_reply_to(&BOB, 1).await, texts::apology());
    assert_eq!(
        app.nth_reply_to(&BOB, 2).await,
        texts::not_admitted(BOB.id),
        "the chat goes on, in order"
    );
    assert_eq!(
        app.scalar("SELECT attempts FROM inbox WHERE state = 'quarantined'")
            .await,
        3
    );
    app.stop().await;
}

#[tokio::test]
async fn an_update_is_confirmed_only_after_it_is_stored() {
    let app = TestApp::spawn().await;
    let id = app.says_and_id(&ALICE, "/start");
    assert!(app.api.confirmed(id, PATIENCE).await);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM inbox WHERE update_id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1, "confirmed means stored");
    app.stop().await;
}

/// A toy conversation that counts a person's messages, to show where its state lives.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
enum Tally {
    #[default]
    Start,
    Counting(u32),
}

fn tally_tree() -> UpdateHandler<anyhow::Error> {
    dialogue::enter::<Update, TxStorage, Tally, _>()
        .branch(Update::filter_message().endpoint(count))
}

async fn count(
    dialogue: Dialogue<Tally, TxStorage>,
    turn: Turn,
    msg: Message,
) -> anyhow::Result<()> {
    if msg.text() == Some("/fail") {
        dialogue.update(Tally::Counting(999)).await?;
        anyhow::bail!("failing after the state was changed");
    }
    let n = match dialogue.get_or_default().await? {
        Tally::Start => 1,
        Tally::Counting(n) => n + 1,
    };
    dialogue.update(Tally::Counting(n)).await?;
    turn.reply(msg.chat.id.0, format!("第{n}条")).await?;
    Ok(())
}

#[tokio::test]
async fn a_conversation_survives_a_restart_and_a_failed_step_leaves_no_trace() {
    let app = TestApp::spawn_with(|app| app.without_heartbeat().with_handler(tally_tree())).await;
    app.says(&ALICE, "一");
    assert_eq!(app.nth_reply_to(&ALICE, 1).await, "第1条");
    app.says(&ALICE, "二");
    assert_eq!(app.nth_reply_to(&ALICE, 2).await, "第2条");

    let app = app
        .restart_with(|app| app.without_heartbeat().with_handler(tally_tree()))
        .await;
    app.says(&ALICE, "三");
    assert_eq!(
        app.nth_reply_to(&ALICE, 3).await,
        "第3条",
        "the state was kept across the restart"
    );

    app.says(&ALICE, "/fail");
    assert_eq!(app.nth_reply_to(&ALICE, 4).await, texts::apology());
    app.says(&ALICE, "四");
    assert_eq!(
        app.nth_reply_to(&ALICE, 5).await,
        "第4条",
        "the failed step's state change was rolled back"
    );
    let stored: String = sqlx::query_scalar("SELECT state FROM dialogues WHERE chat_id = ?")
        .bind(ALICE.id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, r#"{"Counting":4}"#);
    app.stop().await;
}

async fn edit_after_reply(turn: Turn, msg: Message) -> anyhow::Result<()> {
    turn.reply(msg.chat.id.0, "已收到").await?;
    turn.call_after_commit(
        "editMessageText",
        serde_json::json!({ "chat_id": msg.chat.id.0, "message_id": 1, "text": "已处理" }),
    )
    .await;
    Ok(())
}

#[tokio::test]
async fn a_direct_call_waits_out_a_429_and_goes_through() {
    let app = TestApp::spawn_with(|app| {
        app.without_heartbeat()
            .with_handler(Update::filter_message().endpoint(edit_after_reply))
    })
    .await;
    app.api
        .fail_next_calls_of("editMessageText", [Fault::RetryAfter(1)]);
    app.says(&BOB, "好");
    assert_eq!(app.nth_reply_to(&BOB, 1).await, "已收到");
    assert!(app.api.calls_reach("editMessageText", 1, PATIENCE).await);
    // The wait is on the injected clock: moved on a second at a time (the test cannot see the
    // moment the 429 is read), the call goes again without the real second passing.
    let mut retried = false;
    for _ in 0..10 {
        app.advance(1);
        if app.api.calls_reach("editMessageText", 2, A_MOMENT).await {
            retried = true;
            break;
        }
    }
    assert!(retried, "tried again after retry_after");
    app.stop().await;
}
