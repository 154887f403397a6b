//! Sending what `robot_outbox` holds to WeCom, DingTalk and Feishu group robots, through a fake
//! of their webhook APIs: shapes and signatures, images and files, rate limits, retries, a
//! broken key, a restart, and keys kept out of the logs and the database.

mod rig;

use chrono::TimeDelta;
use minsheng::bot::outgoing::Outgoing;
use minsheng::bot::texts;
use minsheng::clock::Clock;
use minsheng::db::robots::enqueue;
use minsheng::robots::RobotMessage;

use crate::fake_robots::{Got, Trouble};
use crate::helpers::{ADMIN_ID, log_path};
use rig::*;

#[tokio::test]
async fn each_platform_gets_its_markdown_and_text_signed_and_well_formed() {
    let rig = Rig::start().await;
    let digest = "## 3月上旬民生实事进展\n- 已完工 3 项\n- 滞后 1 项";
    for robot in [TASK_FORCE, LEADERS, UNIT] {
        rig.queue(robot, "digest:1", markdown(digest)).await;
        rig.queue(robot, "reminder", reminder()).await;
    }
    // Over WeCom's 4,096 bytes: the platform refuses it, and it is not tried again.
    rig.queue(TASK_FORCE, "too-long", markdown(&"困".repeat(1400)))
        .await;
    rig.drain().await;

    let text = "⏰ 明日报送截止，请尚未报送的同志抓紧报送。";
    let mobile = vec!["13800000001".to_owned()];
    assert_eq!(
        rig.robots.got(WECOM),
        vec![
            got_markdown("", digest),
            Got::Text {
                text: text.to_owned(),
                mobiles: mobile.clone()
            },
        ]
    );
    assert_eq!(
        rig.robots.got(DINGTALK),
        vec![
            got_markdown("民生实事旬报", digest),
            Got::Text {
                text: format!("{text} @13800000001"),
                mobiles: mobile
            },
        ]
    );
    assert_eq!(
        rig.robots.got(FEISHU),
        vec![
            got_markdown("民生实事旬报", digest),
            Got::Text {
                text: text.to_owned(),
                mobiles: Vec::new()
            },
        ]
    );
    assert_eq!(
        rig.robots.refusals(),
        vec![format!("{WECOM}: markdown over 4096 bytes")]
    );
    assert_eq!(rig.states(TASK_FORCE).await, ["sent", "sent", "failed"]);
    assert_eq!(rig.states(LEADERS).await, ["sent", "sent"]);
    assert_eq!(rig.states(UNIT).await, ["sent", "sent"]);
    let reason: String =
        sqlx::query_scalar("SELECT last_error FROM robot_outbox WHERE state = 'failed'")
            .fetch_one(&rig.pool)
            .await
            .unwrap();
    assert!(reason.contains("40058"), "{reason}");
    let last_sent: Option<String> =
        sqlx::query_scalar("SELECT last_sent_at FROM robot_state WHERE robot = ?")
            .bind(UNIT)
            .fetch_one(&rig.pool)
            .await
            .unwrap();
    assert!(last_sent.is_some());
    let mut conn = rig.pool.acquire().await.unwrap();
    let health = minsheng::db::robots::health(&mut conn).await.unwrap();
    let names: Vec<&str> = health.iter().map(|h| h.robot.as_str()).collect();
    assert_eq!(names, [LEADERS, UNIT, TASK_FORCE]);
    assert!(health.iter().all(|h| h.broken_at.is_none()));
    let task_force = health.iter().find(|h| h.robot == TASK_FORCE).unwrap();
    assert!(
        task_force
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("40058"))
    );
}

#[tokio::test]
async fn wecom_gets_the_chart_as_an_image_and_the_ledger_as_a_file() {
    let rig = Rig::start().await;
    let chart: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let ledger: Vec<u8> = (0..20_000u32).map(|i| (i * 13 % 256) as u8).collect();
    let chart_path = rig.dir.path().join("chart.png");
    let ledger_path = rig.dir.path().join("ledger.xlsx");
    std::fs::write(&chart_path, &chart).unwrap();
    std::fs::write(&ledger_path, &ledger).unwrap();
    rig.queue(
        TASK_FORCE,
        "chart",
        RobotMessage::Image {
            path: chart_path.clone(),
        },
    )
    .await;
    let name = "2024年3月上旬民生实事台账.xlsx".to_owned();
    let file = RobotMessage::File {
        path: ledger_path,
        name: name.clone(),
    };
    rig.queue(TASK_FORCE, "ledger", file.clone()).await;
    // DingTalk takes no images or files: such a row fails with its reason, nothing is sent.
    rig.queue(LEADERS, "chart", RobotMessage::Image { path: chart_path })
        .await;
    rig.drain().await;

    let md5 = minsheng::robots::send::md5_hex(&chart);
    assert_eq!(
        rig.robots.got(WECOM),
        vec![
            Got::Image {
                md5,
                size: chart.len()
            },
            Got::File {
                name,
                bytes: ledger
            },
        ]
    );
    assert_eq!(rig.states(TASK_FORCE).await, ["sent", "sent"]);
    assert_eq!(rig.states(LEADERS).await, ["failed"]);
    assert_eq!(rig.robots.requests(DINGTALK), 0);
    assert!(
        rig.robots.refusals().is_empty(),
        "{:?}",
        rig.robots.refusals()
    );
}

#[tokio::test]
async fn a_rate_limit_delays_only_that_robot() {
    let rig = Rig::start().await;
    rig.robots.trouble(WECOM, Trouble::RateLimitOnce);
    rig.queue(TASK_FORCE, "digest:1", markdown("第一部分"))
        .await;
    rig.queue(TASK_FORCE, "digest:2", markdown("（续）\n第二部分"))
        .await;
    rig.queue(LEADERS, "digest:1", markdown("领导版")).await;
    {
        let mut conn = rig.pool.acquire().await.unwrap();
        Outgoing::text(ADMIN_ID, "Telegram 照常")
            .enqueue(&mut conn, rig.clock.now())
            .await
            .unwrap();
    }
    let limited_at = rig.clock.now();
    rig.drain().await;

    assert!(rig.robots.got(WECOM).is_empty());
    assert_eq!(
        rig.robots.got(DINGTALK),
        vec![got_markdown("民生实事旬报", "领导版")]
    );
    assert!(
        rig.api
            .sent_to(ADMIN_ID)
            .iter()
            .any(|m| m == "Telegram 照常")
    );
    assert_eq!(rig.states(TASK_FORCE).await, ["pending", "pending"]);
    assert!(rig.next_attempt_at(TASK_FORCE).await >= limited_at + TimeDelta::seconds(60));

    rig.advance(30);
    rig.drain().await;
    assert!(rig.robots.got(WECOM).is_empty(), "still paused");
    assert_eq!(rig.robots.requests(WECOM), 1);

    rig.advance(31);
    rig.drain().await;
    assert_eq!(
        rig.robots.got(WECOM),
        vec![
            got_markdown("", "第一部分"),
            got_markdown("", "（续）\n第二部分")
        ],
        "in order, once each"
    );
    assert_eq!(rig.states(TASK_FORCE).await, ["sent", "sent"]);
}

#[tokio::test]
async fn a_server_error_is_retried_then_delivered_once() {
    let rig = Rig::start().await;
    rig.robots.trouble(FEISHU, Trouble::ServerErrorOnce);
    rig.queue(UNIT, "reminder", reminder()).await;
    rig.drain().await;
    assert!(rig.robots.got(FEISHU).is_empty());
    assert_eq!(rig.states(UNIT).await, ["pending"]);

    rig.advance(5);
    rig.drain().await;
    rig.advance(600);
    rig.drain().await;
    assert_eq!(rig.robots.got(FEISHU).len(), 1);
    assert_eq!(rig.robots.requests(FEISHU), 2);
    assert_eq!(rig.states(UNIT).await, ["sent"]);
}

#[tokio::test]
async fn a_feishu_robot_keeps_five_a_second_across_a_restart() {
    let mut rig = Rig::start().await;
    for n in 0..7 {
        rig.queue(UNIT, &format!("part:{n}"), markdown(&format!("第{n}部分")))
            .await;
    }
    rig.drain().await;
    assert_eq!(rig.robots.got(FEISHU).len(), 5);

    let config = rig.config.clone();
    rig.restart_with(config).await;
    rig.drain().await;
    assert_eq!(
        rig.robots.got(FEISHU).len(),
        5,
        "the pace is kept over a restart"
    );

    rig.advance(1);
    rig.drain().await;
    assert_eq!(rig.robots.got(FEISHU).len(), 7);
    assert_eq!(
        rig.robots.requests(FEISHU),
        7,
        "the platform never had to refuse one"
    );
}

#[tokio::test]
async fn an_invalid_key_marks_the_robot_broken_and_tells_each_admin_once() {
    let mut rig = Rig::start().await;
    rig.robots.trouble(WECOM, Trouble::InvalidKey);
    rig.queue(TASK_FORCE, "digest:1", markdown("第一部分"))
        .await;
    rig.queue(LEADERS, "digest:1", markdown("领导版")).await;
    rig.drain().await;

    let notice = texts::robots::robot_broken("企业微信", TASK_FORCE, false);
    for admin in [ADMIN_ID, SECOND_ADMIN] {
        let told: Vec<String> = rig
            .api
            .sent_to(admin)
            .into_iter()
            .filter(|m| *m == notice)
            .collect();
        assert_eq!(told.len(), 1, "admin {admin} told once");
    }
    assert!(!notice.contains(MARK));
    assert_eq!(rig.robots.got(DINGTALK).len(), 1, "another robot goes on");

    rig.queue(TASK_FORCE, "digest:2", markdown("第二部分"))
        .await;
    rig.queue(TASK_FORCE, "escalation", markdown("逾期督办"))
        .await;
    rig.advance(600);
    rig.drain().await;
    let config = rig.config.clone();
    rig.restart_with(config).await;
    rig.drain().await;
    for admin in [ADMIN_ID, SECOND_ADMIN] {
        let told = rig
            .api
            .sent_to(admin)
            .into_iter()
            .filter(|m| *m == notice)
            .count();
        assert_eq!(told, 1, "admin {admin} still told once");
    }
    assert_eq!(rig.robots.requests(WECOM), 1, "not tried while broken");
    assert_eq!(
        rig.states(TASK_FORCE).await,
        ["pending", "pending", "pending"]
    );
    let broken: Option<String> =
        sqlx::query_scalar("SELECT broken_at FROM robot_state WHERE robot = ?")
            .bind(TASK_FORCE)
            .fetch_one(&rig.pool)
            .await
            .unwrap();
    assert!(broken.is_some());

    // The robot added again in the group: a new webhook in the configuration, and the kept
    // rows go, in order.
    let renewed = config_with_wecom(&rig, "wecom-ROBOTKEY-0004");
    rig.restart_with(renewed).await;
    rig.drain().await;
    assert_eq!(
        rig.robots.got("wecom-ROBOTKEY-0004"),
        vec![
            got_markdown("", "第一部分"),
            got_markdown("", "第二部分"),
            got_markdown("", "逾期督办"),
        ]
    );
    assert_eq!(rig.states(TASK_FORCE).await, ["sent", "sent", "sent"]);
}

fn config_with_wecom(rig: &Rig, key: &str) -> String {
    config(&rig.robots, key)
}

#[tokio::test]
async fn a_restart_sends_nothing_twice() {
    let mut rig = Rig::start().await;
    for robot in [TASK_FORCE, LEADERS, UNIT] {
        rig.queue(robot, "digest:1", markdown("旬报")).await;
    }
    rig.drain().await;
    // A row a crash left in flight: it goes again at the start (it may have arrived).
    rig.queue(UNIT, "reminder", reminder()).await;
    sqlx::query("UPDATE robot_outbox SET state = 'sending' WHERE step = 'reminder'")
        .execute(&rig.pool)
        .await
        .unwrap();
    // A robot no longer configured: its rows are left alone.
    rig.queue("已撤销的群", "digest:1", markdown("旬报")).await;

    let config = rig.config.clone();
    rig.restart_with(config).await;
    rig.drain().await;
    rig.advance(3600);
    rig.drain().await;

    assert_eq!(rig.robots.got(WECOM).len(), 1);
    assert_eq!(rig.robots.got(DINGTALK).len(), 1);
    assert_eq!(
        rig.robots.got(FEISHU).len(),
        2,
        "the digest once, the reminder once"
    );
    assert_eq!(rig.states(UNIT).await, ["sent", "sent"]);
    assert_eq!(rig.states("已撤销的群").await, ["pending"]);
    // Queued again under the same key: nothing new.
    let mut conn = rig.pool.acquire().await.unwrap();
    let again = enqueue(
        &mut conn,
        TASK_FORCE,
        "2024-03上旬",
        "digest:1",
        &markdown("旬报"),
        rig.clock.now(),
    )
    .await
    .unwrap();
    assert!(!again);
}

#[tokio::test]
async fn the_webhook_keys_reach_neither_the_log_nor_the_database() {
    let mut rig = Rig::start().await;
    // Every way a send can go wrong, each logged and stored.
    rig.robots.trouble(FEISHU, Trouble::ServerErrorOnce);
    rig.robots.trouble(DINGTALK, Trouble::InvalidKey);
    rig.queue(UNIT, "reminder", reminder()).await;
    rig.queue(LEADERS, "digest:1", markdown("旬报")).await;
    rig.queue(TASK_FORCE, "too-long", markdown(&"困".repeat(1400)))
        .await;
    rig.drain().await;
    // A host that does not answer: a network error.
    let closed = rig.config.replace(&rig.robots.url, "http://127.0.0.1:9");
    rig.restart_with(closed).await;
    rig.queue(TASK_FORCE, "digest:1", markdown("旬报")).await;
    rig.drain().await;

    let errors: Vec<String> = sqlx::query_scalar(
        "SELECT coalesce(last_error, '') FROM robot_outbox
         UNION ALL SELECT coalesce(last_error, '') || coalesce(broken_reason, '') || webhook_hash
         FROM robot_state",
    )
    .fetch_all(&rig.pool)
    .await
    .unwrap();
    assert!(
        errors.iter().any(|e| e.contains("network error")),
        "{errors:?}"
    );
    assert!(errors.iter().all(|e| !e.contains(MARK)), "{errors:?}");
    let dump: Vec<String> = sqlx::query_scalar("SELECT payload FROM robot_outbox")
        .fetch_all(&rig.pool)
        .await
        .unwrap();
    assert!(dump.iter().all(|p| !p.contains(MARK)));
    let log = std::fs::read_to_string(log_path()).unwrap();
    assert!(
        log.contains("robot message not taken"),
        "the failures were logged"
    );
    assert!(
        !log.contains(MARK),
        "a webhook key or secret reached the log"
    );
}

#[tokio::test]
async fn a_chart_sent_on_telegram_stays_until_the_robot_has_sent_it_too() {
    let rig = Rig::start().await;
    rig.robots.trouble(WECOM, Trouble::RateLimitOnce);
    let chart_path = rig.dir.path().join("shared-chart.png");
    let chart: Vec<u8> = (0..4_000u32).map(|i| (i % 199) as u8).collect();
    std::fs::write(&chart_path, &chart).unwrap();
    {
        let mut conn = rig.pool.acquire().await.unwrap();
        Outgoing::photo(ADMIN_ID, &chart_path, "3月上旬进度图")
            .enqueue(&mut conn, rig.clock.now())
            .await
            .unwrap();
    }
    let image = RobotMessage::Image {
        path: chart_path.clone(),
    };
    rig.queue(TASK_FORCE, "chart", image).await;
    rig.drain().await;
    assert!(rig.robots.got(WECOM).is_empty(), "the robot is paused");
    assert!(chart_path.exists(), "the robot still needs the chart");

    rig.advance(61);
    rig.drain().await;
    let md5 = minsheng::robots::send::md5_hex(&chart);
    assert_eq!(
        rig.robots.got(WECOM),
        vec![Got::Image {
            md5,
            size: chart.len()
        }]
    );
    assert!(!chart_path.exists(), "released once every reader has it");
}

#[tokio::test]
async fn the_running_bot_sends_robot_messages_beside_telegram() {
    crate::helpers::log_to_file();
    let api = crate::fake_api::FakeApi::start().await;
    let clock = std::sync::Arc::new(minsheng::clock::ManualClock::new(crate::helpers::at(
        "2024-03-13T09:00:00+08:00",
    )));
    let robots = crate::fake_robots::FakeRobots::start(clock.clone()).await;
    robots.signs(FEISHU, FEISHU_SECRET);
    let dir = tempfile::tempdir().unwrap();
    let app = minsheng::app::App::build(
        settings(dir.path(), &api.url, &config(&robots, WECOM)),
        clock.clone(),
    )
    .await
    .unwrap()
    .without_heartbeat();
    let pool = app.pool().clone();
    // Queued while the bot was down.
    let mut conn = pool.acquire().await.unwrap();
    enqueue(
        &mut conn,
        UNIT,
        "2024-03上旬",
        "reminder",
        &reminder(),
        clock.now(),
    )
    .await
    .unwrap();
    drop(conn);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let deadline = std::time::Instant::now() + crate::helpers::PATIENCE;
    // The outcome is stored after the platform answered: wait for the row, not the request.
    let mut states: Vec<String> = Vec::new();
    while states != ["sent"] && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        states = sqlx::query_scalar("SELECT state FROM robot_outbox")
            .fetch_all(&pool)
            .await
            .unwrap();
    }
    assert_eq!(states, ["sent"]);
    assert_eq!(robots.got(FEISHU).len(), 1);
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
}
