//! The "212" weekly cycle (issue 6), driven by the injected clock over real 2024 weeks.

use minsheng::app::App;
use minsheng::bot::texts::{self, schedule};
use serde_json::Value;

use crate::fake_api::Fault;
use crate::helpers::{ADMIN, PATIENCE, Person, TestApp};

const ZHANG: Person = Person::with_username(640_001, "张三", "zhangsan");
const LI: Person = Person::with_username(640_002, "李四", "lisi");
const WANG: Person = Person::with_username(640_003, "王领导", "wangld");
const SOFT: &str = "发展软环境保障局";

fn step(week: &str, name: &str) -> (String, String) {
    (week.to_owned(), name.to_owned())
}

/// A leader over category 一, with its scope set directly.
async fn leader_over_category_one(app: &TestApp) {
    app.admit(&WANG, "leader", None).await;
    sqlx::query(
        "INSERT INTO leader_scopes (person_id, category_id)
         VALUES ((SELECT id FROM people WHERE telegram_id = ?), (SELECT id FROM categories WHERE numeral = '一'))",
    )
    .bind(WANG.id)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// The body of the bot's last message to a chat.
async fn last_body_to(app: &TestApp, chat: i64) -> Value {
    app.api
        .wait_until(PATIENCE, || {
            app.api
                .sent()
                .into_iter()
                .rev()
                .find(|s| s.chat_id == chat)
                .map(|s| s.body)
        })
        .await
        .expect("a message")
}

#[tokio::test]
async fn a_normal_week_prompts_wednesday_reminds_the_silent_thursday_and_escalates_next_tuesday() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-11T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.contact_on(&LI, SOFT, &[4], "lead").await;
    leader_over_category_one(&app).await;

    app.set_time("2024-03-13T08:59:00+08:00");
    assert_eq!(
        app.tick().await.total(),
        0,
        "nothing before 09:00 Wednesday"
    );
    app.set_time("2024-03-13T09:00:00+08:00");
    assert_eq!(app.tick().await.prompts, 2);
    assert_eq!(app.tick().await.total(), 0, "a second beat queues nothing");
    let prompt = app.next_reply_to(&ZHANG).await;
    assert!(
        prompt.starts_with(
            "📋 请报送本周进展：项目 3「建设老年人食堂」\n截止时间：3月15日（周五）17:00"
        ),
        "{prompt}"
    );
    assert_eq!(
        last_body_to(&app, ZHANG.id).await["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        "r:p:3"
    );

    // 李四 reports from the prompt's button; 张三 stays silent.
    app.next_reply_to(&LI).await;
    app.presses(&LI, "r:p:4");
    app.next_reply_to(&LI).await;
    app.presses(&LI, "r:s:on_track");
    app.next_reply_to(&LI).await;
    app.says(&LI, "2");
    // 无 for the progress and the difficulties; the summary follows (no evidence step).
    for _ in 0..2 {
        app.next_reply_to(&LI).await;
        app.presses(&LI, "r:none");
    }
    app.next_reply_to(&LI).await; // the summary
    app.presses(&LI, "r:submit");
    assert!(app.next_reply_to(&LI).await.starts_with("✅ 已提交"));

    app.set_time("2024-03-14T09:00:00+08:00");
    assert_eq!(
        app.tick().await.reminders,
        1,
        "only the silent one is reminded"
    );
    assert!(
        app.next_reply_to(&ZHANG)
            .await
            .starts_with("⏰ 提醒：项目 3「建设老年人食堂」本周进展尚未报送")
    );

    app.set_time("2024-03-15T18:00:00+08:00");
    assert_eq!(app.tick().await.total(), 0);
    app.set_time("2024-03-18T09:00:00+08:00");
    assert_eq!(app.tick().await.escalations, 0, "Monday: not yet");
    app.set_time("2024-03-19T09:00:00+08:00");
    assert_eq!(
        app.tick().await.escalations,
        2,
        "the leader over 一 and the admin"
    );
    assert_eq!(app.tick().await.total(), 0);
    let to_leader = app.next_reply_to(&WANG).await;
    assert!(
        to_leader.starts_with("🚨 逾期未报送督办：3月11日当周"),
        "{to_leader}"
    );
    assert!(
        to_leader.contains("· 项目 3「建设老年人食堂」— 发展软环境保障局 张三"),
        "{to_leader}"
    );
    assert!(!to_leader.contains("项目 4"), "{to_leader}");
    assert_eq!(
        app.steps_of(&ZHANG).await,
        vec![step("2024-03-11", "prompt"), step("2024-03-11", "reminder")]
    );
    assert_eq!(app.steps_of(&LI).await, vec![step("2024-03-11", "prompt")]);
    app.stop().await;
}

#[tokio::test]
async fn the_spring_festival_weeks_follow_the_official_calendar() {
    let app = TestApp::spawn().await;
    app.set_time("2024-01-29T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    for (now, prompts, escalations) in [
        ("2024-01-31T09:00:00+08:00", 1, 0), // week of 01-29
        ("2024-02-04T09:00:00+08:00", 0, 0), // a worked Sunday: the first of the two days
        ("2024-02-05T09:00:00+08:00", 0, 1), // escalation of 01-29 on Monday
        ("2024-02-07T09:00:00+08:00", 1, 0), // week of 02-05
        ("2024-02-14T09:00:00+08:00", 0, 0), // 春节: no report
        ("2024-02-18T09:00:00+08:00", 0, 0), // the worked Sunday after it
        ("2024-02-19T09:00:00+08:00", 0, 1), // escalation of 02-05
        // 国庆: no report. The bot was idle since February, so the last three weeks'
        // escalations are caught up now; the week of 09-30 itself asks nothing.
        ("2024-10-02T09:00:00+08:00", 0, 3),
    ] {
        app.set_time(now);
        let queued = app.tick().await;
        assert_eq!(
            (queued.prompts, queued.escalations),
            (prompts, escalations),
            "at {now}"
        );
    }
    let escalation: String = sqlx::query_scalar("SELECT json_extract(payload, '$.text') FROM outbox WHERE step = 'escalation' AND period = '2024-02-05'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(escalation.contains("已连续 2 周"), "{escalation}");
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE period = '2024-02-12'")
            .await,
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn restarts_before_during_and_after_a_step_lose_nothing_and_double_nothing() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-13T08:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    // Down over 09:00: the prompt is caught up at start, once however often it starts. Each
    // restart returns once the bot's catch-up beat has run, so what follows sees its effect.
    app.set_time("2024-03-13T09:30:00+08:00");
    let app = app.restart_with(|app| app).await;
    assert!(
        app.next_reply_to(&ZHANG)
            .await
            .starts_with("📋 请报送本周进展")
    );
    let app = app.restart_with(|app| app).await;
    let app = app.restart_with(|app| app).await;
    assert_eq!(
        app.steps_of(&ZHANG).await,
        vec![step("2024-03-11", "prompt")]
    );

    // Down from before Thursday's reminder to after the deadline: the reminder is no use now.
    app.set_time("2024-03-16T10:00:00+08:00");
    let app = app.restart_with(|app| app).await;
    assert_eq!(
        app.steps_of(&ZHANG).await,
        vec![step("2024-03-11", "prompt")]
    );
    // …but the escalation always goes out, after its time.
    app.set_time("2024-03-19T11:00:00+08:00");
    let app = app.restart_with(|app| app).await;
    // (The admin also gets the digest of 3月上旬, caught up at the same start.)
    let notice = app.message_to_containing(&ADMIN, "🚨").await;
    assert!(
        notice.starts_with("🚨 逾期未报送督办：3月11日当周"),
        "{notice}"
    );
    let app = app.restart_with(App::without_heartbeat).await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE step = 'escalation'")
            .await,
        1
    );
    assert_eq!(
        app.api.sent_to(ZHANG.id).len(),
        1,
        "one prompt delivered in all"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_prompt_met_by_a_429_goes_out_once_after_the_wait() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-13T08:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.api.fail_next_sends_to(ZHANG.id, [Fault::RetryAfter(5)]);
    app.set_time("2024-03-13T09:00:00+08:00");
    assert_eq!(app.tick().await.prompts, 1);
    app.eventually(
        "SELECT state || ' ' || attempts FROM outbox WHERE step = 'prompt'",
        "pending 1",
    )
    .await;
    app.advance(5);
    assert!(app.next_reply_to(&ZHANG).await.starts_with("📋"));
    assert_eq!(app.tick().await.total(), 0);
    app.eventually(
        "SELECT state || ' ' || attempts FROM outbox WHERE step = 'prompt'",
        "sent 2",
    )
    .await;
    assert_eq!(app.api.sent_to(ZHANG.id).len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_contact_who_blocked_the_bot_is_reported_once_and_not_reminded() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-13T08:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.api.always_fail_sends_to(ZHANG.id, Fault::Blocked);
    app.set_time("2024-03-13T09:00:00+08:00");
    app.tick().await;
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        texts::unreachable_notice("张三")
    );
    app.set_time("2024-03-14T09:00:00+08:00");
    assert_eq!(
        app.tick().await.reminders,
        0,
        "no reminder to a chat that cannot be reached"
    );
    app.set_time("2024-03-19T09:00:00+08:00");
    assert_eq!(
        app.tick().await.escalations,
        1,
        "the escalation still names them"
    );
    assert!(app.next_reply_to(&ADMIN).await.contains("张三"));
    app.stop().await;
}

#[tokio::test]
async fn leave_quiet_and_the_admins_cover_for_absence() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-11T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.contact_on(&LI, SOFT, &[3], "co").await;
    app.says(&ZHANG, "/leave 3-11 3-15");
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        schedule::on_leave("2024-03-11".parse().unwrap(), "2024-03-15".parse().unwrap())
    );
    app.says(&LI, "/quiet");
    assert_eq!(app.next_reply_to(&LI).await, schedule::quiet(true));
    app.set_time("2024-03-13T09:00:00+08:00");
    let queued = app.tick().await;
    assert_eq!(
        (queued.prompts, queued.uncovered),
        (1, 1),
        "the co-unit contact is asked for their part; with the lead contact away the admin is told"
    );
    assert!(app.next_reply_to(&LI).await.starts_with("📋"));
    app.set_time("2024-03-14T09:00:00+08:00");
    assert_eq!(
        app.tick().await.reminders,
        0,
        "a quiet contact gets no reminder"
    );

    app.says(&LI, "/leave 3-18 3-22");
    app.next_reply_to(&LI).await;
    app.says(&ZHANG, "/leave 3-18 3-22");
    app.next_reply_to(&ZHANG).await;
    app.set_time("2024-03-20T09:00:00+08:00");
    let queued = app.tick().await;
    assert_eq!(
        (queued.prompts, queued.uncovered, queued.escalations),
        (0, 1, 0),
        "nobody to ask: the admin is told; last week is excused (the lead contact was on leave \
         at the deadline) and 李四, a co-unit contact, is never escalated"
    );
    let cover = app
        .message_to_containing(&ADMIN, "3月18日当周无人报送")
        .await;
    assert!(
        cover.contains("项目 3「建设老年人食堂」的牵头单位联络员都在请假"),
        "{cover}"
    );
    app.says(&ZHANG, "/back");
    assert_eq!(app.next_reply_to(&ZHANG).await, schedule::welcome_back());
    app.set_time("2024-03-20T09:01:00+08:00");
    assert_eq!(
        app.tick().await.prompts,
        1,
        "back from leave: asked the same week"
    );
    app.stop().await;
}

#[tokio::test]
async fn admins_remind_once_per_double_tap_see_who_is_missing_and_pause_the_cycle() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-11T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.set_time("2024-03-13T10:00:00+08:00");
    app.says(&ADMIN, "/missing");
    let missing = app.next_reply_to(&ADMIN).await;
    assert!(
        missing.contains(
            "3月11日当周尚未报送（1 项）：\n· 项目 3「建设老年人食堂」— 发展软环境保障局 张三"
        ),
        "{missing}"
    );
    app.says(&ADMIN, "/remind 3");
    app.says(&ADMIN, "/remind 3");
    assert_eq!(app.next_reply_to(&ADMIN).await, schedule::reminded(1));
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        schedule::reminded(0),
        "a double tap sends once"
    );
    assert!(app.next_reply_to(&ZHANG).await.starts_with("⏰ 提醒"));

    app.says(&ADMIN, "/pause 3-18 3-24");
    app.next_reply_to(&ADMIN).await;
    app.set_time("2024-03-20T09:00:00+08:00");
    assert_eq!(app.tick().await.total(), 0, "a paused week asks nothing");
    app.says(&ZHANG, "/cycle");
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        texts::cycle::no_report_week("2024-03-18".parse().unwrap())
    );
    app.says(&ADMIN, "/resume");
    assert_eq!(app.next_reply_to(&ADMIN).await, schedule::resumed());
    assert_eq!(app.tick().await.prompts, 1);
    assert!(app.next_reply_to(&ZHANG).await.starts_with("📋"));
    app.says(&ZHANG, "/cycle");
    let dates = app.next_reply_to(&ZHANG).await;
    assert!(
        dates.contains("催报 3月20日（周三）09:00") && dates.contains("督办 3月26日（周二）09:00"),
        "{dates}"
    );
    // The resumed cycle also catches up last week's escalation, due on a day that was paused.
    app.says(&ADMIN, "/audit 2");
    let audit = app.message_to_containing(&ADMIN, "最近 2 条变更记录").await;
    assert!(
        audit.contains("恢复周报") && audit.contains("暂停周报"),
        "{audit}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_contact_who_already_reported_gets_no_caught_up_prompt_nor_reminder() {
    let app = TestApp::spawn().await;
    // Assigned on Thursday, after the week's prompt went out (Wednesday 09:00), and reporting
    // at once: the beat that catches up the prompt finds the week answered.
    app.set_time("2024-03-14T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[9], "lead").await;
    app.reports(&ZHANG, "/report 9 1=2 进展:两所完成移交").await;
    app.set_time("2024-03-14T10:01:00+08:00");
    let queued = app.tick().await;
    assert_eq!(
        (queued.prompts, queued.reminders),
        (0, 0),
        "nothing to ask of a week already reported"
    );
    let prompts: i64 = app
        .scalar("SELECT count(*) FROM outbox WHERE step IN ('prompt', 'reminder')")
        .await;
    assert_eq!(prompts, 0);
    app.stop().await;
}
