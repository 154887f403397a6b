//! Issue 14 end to end: a digest day with three group robots configured (the task force's
//! WeCom group, a leader's DingTalk group, the task force's Feishu group) delivers to each,
//! exactly once and through the running bot, what its audience may see.

use minsheng::bot::texts::robots::markdown;

use crate::digest::{WANG, a_reported_week};
use crate::fake_robots::{FakeRobots, Got};
use crate::helpers::{ADMIN, PATIENCE, TestApp, settings_of_configured};

const WECOM: &str = "wecom-ROBOTKEY-e2e1";
const DINGTALK: &str = "dingtalk-ROBOTKEY-e2e2";
const DINGTALK_SECRET: &str = "SEC-ROBOTKEY-e2e-dingtalk";
const FEISHU: &str = "feishu-ROBOTKEY-e2e3";
const FEISHU_SECRET: &str = "ROBOTKEY-e2e-feishu";

fn config(robots: &FakeRobots) -> String {
    format!(
        r#"
[[robots]]
name = "民生实事专班群"
kind = "wecom"
url = "{}"
to = "admins"
sends = ["digest", "quarter", "escalation"]

[[robots]]
name = "分管领导群"
kind = "dingtalk"
url = "{}"
secret = "{DINGTALK_SECRET}"
to = "leader:{}"
sends = ["digest"]

[[robots]]
name = "专班飞书群"
kind = "feishu"
url = "{}"
secret = "{FEISHU_SECRET}"
to = "admins"
sends = ["digest"]
"#,
        robots.wecom_url(WECOM),
        robots.dingtalk_url(DINGTALK),
        WANG.id,
        robots.feishu_url(FEISHU),
    )
}

/// What a robot's group got, once `count` messages have arrived (and a moment more, in which
/// nothing else may come).
async fn got(app: &TestApp, robots: &FakeRobots, key: &str, count: usize) -> Vec<Got> {
    let arrived = app
        .api
        .wait_until(PATIENCE, || (robots.got(key).len() >= count).then_some(()))
        .await;
    assert!(arrived.is_some(), "{key} got {:?}", robots.got(key));
    robots.got(key)
}

fn text_of(got: &[Got]) -> String {
    got.iter()
        .filter_map(|g| match g {
            Got::Markdown { text, .. } => Some(text.trim_start_matches("（续）\n").to_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_digest_day_with_three_robots_delivers_to_each_exactly_once_what_its_audience_may_see() {
    let app = a_reported_week().await;
    let robots = FakeRobots::start(app.clock.clone()).await;
    robots.signs(DINGTALK, DINGTALK_SECRET);
    robots.signs(FEISHU, FEISHU_SECRET);
    let config = config(&robots);
    let app = app.restart_configured(&config).await;

    // The digest day: the Telegram readers and the robots from one beat.
    app.set_time("2024-03-21T09:00:00+08:00");
    let settings = settings_of_configured(&app, &config);
    minsheng::jobs::digest::run_due(&app.pool, &settings, app.clock_now())
        .await
        .unwrap();
    let to_admin = markdown(&app.message_to_containing(&ADMIN, "📊").await);
    let to_leader = markdown(&app.message_to_containing(&WANG, "📊").await);

    // The task force's WeCom group: the whole plan as the admins read it, the chart (its md5
    // checked by the fake), the ledger workbook.
    let wecom = got(&app, &robots, WECOM, 3).await;
    assert_eq!(text_of(&wecom), to_admin);
    assert!(
        matches!(&wecom[1], Got::Image { size, .. } if *size > 1000),
        "{wecom:?}"
    );
    match &wecom[2] {
        Got::File { name, bytes } => {
            assert_eq!(name, "2024年台账（3月21日）.xlsx");
            assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
        }
        other => panic!("not the ledger: {other:?}"),
    }
    // The leader's DingTalk group: the leader's own digest, signed; nothing outside the scope.
    let dingtalk = got(&app, &robots, DINGTALK, 1).await;
    assert_eq!(text_of(&dingtalk), to_leader);
    assert_ne!(to_leader, to_admin);
    // The task force's Feishu group: the admins' digest, signed, no files.
    let feishu = got(&app, &robots, FEISHU, 1).await;
    assert_eq!(text_of(&feishu), to_admin);
    assert!(feishu.iter().all(|g| matches!(g, Got::Markdown { .. })));
    assert!(robots.refusals().is_empty(), "{:?}", robots.refusals());

    // A second beat and a restart send nothing twice.
    let counts = |robots: &FakeRobots| [WECOM, DINGTALK, FEISHU].map(|key| robots.got(key).len());
    let before = counts(&robots);
    minsheng::jobs::digest::run_due(&app.pool, &settings, app.clock_now())
        .await
        .unwrap();
    let app = app.restart_configured(&config).await;
    app.advance(600);
    minsheng::jobs::digest::run_due(&app.pool, &settings, app.clock_now())
        .await
        .unwrap();
    // The running bot's robot sender has had its chance: every row is sent, none again.
    app.eventually(
        "SELECT CAST(count(*) AS TEXT) FROM robot_outbox WHERE state != 'sent'",
        "0",
    )
    .await;
    assert_eq!(counts(&robots), before);
    app.stop().await;
}
