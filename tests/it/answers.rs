//! Answers and time (issue 10): a report always finds its week, a disk that is full for a
//! moment costs nobody their answer, and a timezone with daylight saving keeps its schedule.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::TimeDelta;
use minsheng::app::App;
use minsheng::bot::report::Press;
use minsheng::bot::texts;
use minsheng::bot::turn::Turn;
use minsheng::clock::ManualClock;
use minsheng::config::Settings;
use teloxide::dispatching::UpdateHandler;
use teloxide::dptree;
use teloxide::types::Message;

use crate::fake_api::FakeApi;
use crate::helpers::{ADMIN, ADMIN_ID, PATIENCE, Person, TestApp, at, settings_with, the_bot_plus};

const SOFT: &str = "发展软环境保障局";
const ZHAO: Person = Person::new(640_002, "赵六");
const ALICE: Person = Person::new(640_003, "甲");
const BOB: Person = Person::new(640_004, "乙");

/// Rows of the reports table: (week, late).
async fn reports(app: &TestApp) -> Vec<(String, bool)> {
    sqlx::query_as("SELECT week_start, late FROM reports ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// Zhao reports 45 charging piles for project 12 with the quick form, and reads the receipt.
async fn zhao_reports(app: &TestApp) -> String {
    app.says(&ZHAO, "/report 12 充电桩=45");
    app.next_reply_to(&ZHAO).await;
    app.presses(&ZHAO, &Press::Submit.data());
    app.next_reply_to(&ZHAO).await
}

#[tokio::test]
async fn a_report_before_the_plans_first_prompt_answers_the_first_week_on_time() {
    let app = TestApp::spawn().await;
    app.set_time("2023-12-28T10:00:00+08:00");
    app.contact_on(&ZHAO, "发展改革局", &[12], "lead").await;
    // Tuesday 2 January: the plan's first prompt goes out tomorrow; last week is not the plan's.
    app.set_time("2024-01-02T10:00:00+08:00");
    let receipt = zhao_reports(&app).await;
    assert!(receipt.contains("1月1日当周报送"), "{receipt}");
    assert!(!receipt.contains("记为逾期"), "{receipt}");
    assert_eq!(reports(&app).await, vec![("2024-01-01".to_owned(), false)]);
    app.stop().await;
}

#[tokio::test]
async fn a_report_during_a_long_pause_is_kept_for_the_week_it_was_written_in() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHAO, "发展改革局", &[12], "lead").await;
    sqlx::query(
        "INSERT INTO pauses (plan_id, from_date, to_date, reason, created_at)
         SELECT id, '2024-05-01', '2024-09-30', '集中整改', '2024-04-20T00:00:00Z' FROM plans",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.set_time("2024-07-10T10:00:00+08:00");
    let receipt = zhao_reports(&app).await;
    assert!(receipt.contains("7月8日当周报送"), "{receipt}");
    assert!(
        receipt.contains(texts::report::not_expected_week()),
        "{receipt}"
    );
    assert!(!receipt.contains("记为逾期"), "{receipt}");
    assert_eq!(reports(&app).await, vec![("2024-07-08".to_owned(), false)]);
    assert_eq!(
        app.scalar("SELECT count(*) FROM inbox WHERE state <> 'done'")
            .await,
        0,
        "nothing set aside"
    );
    assert!(
        !app.messages_to(&ADMIN)
            .iter()
            .any(|m| m.contains("处理失败")),
        "no alarm: {:?}",
        app.messages_to(&ADMIN)
    );
    assert!(
        !app.messages_to(&ZHAO)
            .contains(&texts::apology().to_owned())
    );
    app.stop().await;
}

/// A deployment in New York whose Tuesday deadline puts the prompt on a make-up Sunday, 02:30.
fn new_york(dir: &Path, api_url: &str) -> Settings {
    settings_with(
        dir,
        api_url,
        &[
            ("MINSHENG_TIMEZONE", "America/New_York"),
            ("MINSHENG_CYCLE_DEADLINE_WEEKDAY", "Tue"),
            ("MINSHENG_CYCLE_STEP_TIME", "02:30"),
        ],
    )
}

/// The created_at of the outbox rows queued for a step.
async fn queued_at(pool: &sqlx::SqlitePool, step: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT created_at FROM outbox WHERE step = ? ORDER BY id")
        .bind(step)
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_step_in_the_spring_forward_gap_goes_out_at_three_and_the_start_up_beat_survives_it() {
    let api = FakeApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let settings = new_york(dir.path(), &api.url);
    let clock = Arc::new(ManualClock::new(at("2024-03-10T01:59:00-05:00")));
    let app = App::build(settings.clone(), clock.clone()).await.unwrap();
    let pool = app.pool().clone();
    // Sunday 10 March is worked: the week of 11 March (deadline Tuesday) is prompted on it.
    sqlx::query(
        "INSERT INTO calendar_days (day, working, note, created_at) VALUES ('2024-03-10', 1, '调休上班', '2024-03-01T00:00:00Z');
         INSERT INTO people (telegram_id, display_name, role, unit_id, joined_at)
         VALUES (640001, '纽约', 'contact', (SELECT id FROM units WHERE name = ?), '2024-03-01T00:00:00Z');
         INSERT INTO assignments (project_id, person_id, role, assigned_at)
         VALUES ((SELECT id FROM projects WHERE no = 3), (SELECT id FROM people WHERE telegram_id = 640001), 'lead', '2024-03-01T00:00:00.000Z');",
    )
    .bind(SOFT)
    .execute(&pool)
    .await
    .unwrap();

    let run_due = |now| minsheng::jobs::cycle::run_due(&pool, &settings, now);
    assert_eq!(
        run_due(clock_now(&clock)).await.unwrap().prompts,
        0,
        "01:59 EST"
    );
    // The next minute on the wall is 03:00 EDT: 02:30 never comes, so the prompt goes then.
    clock.set(at("2024-03-10T03:00:00-04:00"));
    assert_eq!(run_due(clock_now(&clock)).await.unwrap().prompts, 1);
    assert_eq!(
        queued_at(&pool, "prompt").await,
        vec!["2024-03-10T07:00:00.000Z".to_owned()]
    );

    // Thursday 02:30, after the missed deadline: the escalation asks when the prompt went out.
    clock.set(at("2024-03-14T03:00:00-04:00"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let escalation = api
        .wait_until(PATIENCE, || {
            api.sent_to(ADMIN_ID)
                .into_iter()
                .find(|m| m.contains("3月11日当周") && m.contains("纽约"))
        })
        .await;
    assert!(
        escalation.is_some(),
        "the admin is told who missed the deadline of the week prompted in the gap; got {:?}",
        api.sent_to(ADMIN_ID)
    );
    let escalated: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE step = 'escalation' AND period = '2024-03-11'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(escalated, 1, "the week prompted in the gap is escalated");
    let _ = stop.send(());
    tokio::time::timeout(PATIENCE, running)
        .await
        .expect("the bot stops in time")
        .expect("the start-up beat does not panic")
        .expect("the bot stops cleanly");
}

fn clock_now(clock: &ManualClock) -> chrono::DateTime<chrono::Utc> {
    use minsheng::clock::Clock;
    clock.now()
}

/// Waits until a handler has been called `n` times.
async fn called(calls: &AtomicU32, n: u32) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while calls.load(Ordering::SeqCst) < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the handler was called {} times, not {n}",
            calls.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `/full` finds the disk full on its first `failures` attempts, then answers 已收到. The full
/// disk is real: the handler's database may not grow while it writes a megabyte.
fn disk_full_for(failures: u32, calls: Arc<AtomicU32>) -> UpdateHandler<anyhow::Error> {
    dptree::endpoint(move |turn: Turn, msg: Message| {
        let calls = calls.clone();
        async move {
            if calls.fetch_add(1, Ordering::SeqCst) < failures {
                let mut conn = turn.conn().await;
                sqlx::query("PRAGMA max_page_count = 1")
                    .execute(&mut *conn)
                    .await?;
                let full = sqlx::query(
                    "INSERT INTO calendar_days (day, working, note, created_at)
                     VALUES ('2099-01-01', 0, zeroblob(1000000), 'now')",
                )
                .execute(&mut *conn)
                .await;
                sqlx::query("PRAGMA max_page_count = 1073741823")
                    .execute(&mut *conn)
                    .await?;
                full?;
            }
            turn.reply(msg.chat.id.0, "已收到").await?;
            Ok(())
        }
    })
}

#[tokio::test]
async fn a_disk_full_for_a_while_is_waited_out_and_the_person_is_answered() {
    let calls = Arc::new(AtomicU32::new(0));
    let full = disk_full_for(4, calls.clone());
    let app = TestApp::spawn_with(|app| {
        app.without_heartbeat()
            .with_handler(the_bot_plus("/full", full))
    })
    .await;
    app.says(&ALICE, "/full");
    for (setback, wait) in [(1, 1), (2, 2), (3, 4), (4, 8)] {
        called(&calls, setback).await;
        app.eventually(
            "SELECT state || ' ' || attempts || ' ' || (last_error LIKE '%full%') FROM inbox",
            "pending 0 1",
        )
        .await;
        // Tried again on the injected clock, never before.
        let due = minsheng::db::instant(app.clock_now() + TimeDelta::seconds(wait));
        app.eventually(
            "SELECT setbacks || ' ' || next_attempt_at FROM inbox",
            &format!("{setback} {due}"),
        )
        .await;
        assert_eq!(
            calls.load(Ordering::SeqCst),
            setback,
            "not before it is due"
        );
        app.advance(wait);
    }
    assert_eq!(app.nth_reply_to(&ALICE, 1).await, "已收到");
    app.eventually("SELECT state || ' ' || setbacks FROM inbox", "done 4")
        .await;
    assert_eq!(
        app.messages_to(&ALICE),
        vec!["已收到".to_owned()],
        "no apology"
    );
    assert!(app.messages_to(&ADMIN).is_empty(), "no alarm");
    app.stop().await;
}

/// `/slow` hangs with the write lock held on its first attempt, then answers 已收到.
fn hangs_once(calls: Arc<AtomicU32>) -> UpdateHandler<anyhow::Error> {
    dptree::endpoint(move |turn: Turn, msg: Message| {
        let calls = calls.clone();
        async move {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            turn.reply(msg.chat.id.0, "已收到").await?;
            Ok(())
        }
    })
}

#[tokio::test]
async fn a_hung_handler_lets_go_of_the_write_lock_before_another_writer_gives_up() {
    let calls = Arc::new(AtomicU32::new(0));
    let slow = hangs_once(calls.clone());
    let app = TestApp::spawn_with(|app| {
        app.without_heartbeat()
            .with_handler(the_bot_plus("/slow", slow))
    })
    .await;
    app.says(&ALICE, "/slow");
    called(&calls, 1).await;
    // The handler holds the write lock: this write waits for it, within the busy timeout.
    app.queue_message(BOB.id, "请报送本周进度").await;
    assert_eq!(app.nth_reply_to(&BOB, 1).await, "请报送本周进度");
    app.eventually("SELECT state FROM outbox WHERE chat_id = 640004", "sent")
        .await;
    app.eventually(
        "SELECT state || ' ' || attempts || ' ' || last_error FROM inbox",
        "pending 1 the handler timed out",
    )
    .await;
    // The hung update is tried again once the others had their turn.
    app.advance(5);
    assert_eq!(app.nth_reply_to(&ALICE, 1).await, "已收到");
    app.eventually("SELECT state FROM inbox", "done").await;
    app.stop().await;
}
