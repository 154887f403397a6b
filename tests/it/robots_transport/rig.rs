//! The bot stepped by a test, with three group robots pointing at the fake webhook APIs.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use minsheng::app::App;
use minsheng::clock::{Clock, ManualClock};
use minsheng::config::Settings;
use minsheng::db::robots::enqueue;
use minsheng::robots::RobotMessage;
use minsheng::runtime::steps::Steps;
use sqlx::SqlitePool;
use tempfile::TempDir;

use crate::fake_api::FakeApi;
use crate::fake_robots::{FakeRobots, Got};
use crate::helpers::{ADMIN_ID, at, log_to_file, settings_configured_with};

/// Every key and secret carries this, so the logs and the database can be searched for it.
pub const MARK: &str = "ROBOTKEY";
pub const WECOM: &str = "wecom-ROBOTKEY-0001";
pub const DINGTALK: &str = "dingtalk-ROBOTKEY-0002";
pub const DINGTALK_SECRET: &str = "SEC-ROBOTKEY-dingtalk-secret";
pub const FEISHU: &str = "feishu-ROBOTKEY-0003";
pub const FEISHU_SECRET: &str = "ROBOTKEY-feishu-secret";
pub const SECOND_ADMIN: i64 = 900_002;

pub const TASK_FORCE: &str = "民生实事专班群";
pub const LEADERS: &str = "分管领导群";
pub const UNIT: &str = "发展改革局工作群";

/// The bot stepped by the test, with three robots pointing at the fake.
pub struct Rig {
    pub api: FakeApi,
    pub robots: FakeRobots,
    pub clock: Arc<ManualClock>,
    pub dir: TempDir,
    pub config: String,
    pub steps: Option<Steps>,
    pub pool: SqlitePool,
}

pub fn config(robots: &FakeRobots, wecom_key: &str) -> String {
    format!(
        r#"
[[robots]]
name = "{TASK_FORCE}"
kind = "wecom"
url = "{}"
to = "admins"
sends = ["digest", "escalation"]

[[robots]]
name = "{LEADERS}"
kind = "dingtalk"
url = "{}"
secret = "{DINGTALK_SECRET}"
to = "admins"
sends = ["digest"]

[[robots]]
name = "{UNIT}"
kind = "feishu"
url = "{}"
secret = "{FEISHU_SECRET}"
to = "unit:发展改革局"
sends = ["reminder"]
"#,
        robots.wecom_url(wecom_key),
        robots.dingtalk_url(DINGTALK),
        robots.feishu_url(FEISHU),
    )
}

pub fn settings(dir: &Path, api_url: &str, config: &str) -> Settings {
    let admins = format!("{ADMIN_ID},{SECOND_ADMIN}");
    settings_configured_with(dir, api_url, config, &[("MINSHENG_ADMINS", &admins)])
        .expect("settings with robots")
}

pub async fn steps(dir: &Path, api: &FakeApi, config: &str, clock: &Arc<ManualClock>) -> Steps {
    let app = App::build(settings(dir, &api.url, config), clock.clone())
        .await
        .expect("building the app");
    app.into_steps().await.expect("starting the steps")
}

impl Rig {
    pub async fn start() -> Self {
        log_to_file();
        let api = FakeApi::start().await;
        let clock = Arc::new(ManualClock::new(at("2024-03-13T09:00:00+08:00")));
        let robots = FakeRobots::start(clock.clone()).await;
        robots.signs(DINGTALK, DINGTALK_SECRET);
        robots.signs(FEISHU, FEISHU_SECRET);
        let dir = tempfile::tempdir().unwrap();
        let config = config(&robots, WECOM);
        let steps = steps(dir.path(), &api, &config, &clock).await;
        let pool = steps.context().pool.clone();
        Self {
            api,
            robots,
            clock,
            dir,
            config,
            steps: Some(steps),
            pool,
        }
    }

    pub async fn drain(&self) {
        self.steps.as_ref().unwrap().drain().await.expect("a drain");
    }

    /// Stops the bot and starts it again on the same database, with `config`.
    pub async fn restart_with(&mut self, config: String) {
        self.steps.take().unwrap().stop().await;
        self.config = config;
        let steps = steps(self.dir.path(), &self.api, &self.config, &self.clock).await;
        self.pool = steps.context().pool.clone();
        self.steps = Some(steps);
    }

    pub async fn queue(&self, robot: &str, step: &str, message: RobotMessage) {
        let mut conn = self.pool.acquire().await.unwrap();
        let new = enqueue(
            &mut conn,
            robot,
            "2024-03上旬",
            step,
            &message,
            self.clock.now(),
        )
        .await
        .unwrap();
        assert!(new, "{robot} {step} queued once");
    }

    pub async fn states(&self, robot: &str) -> Vec<String> {
        sqlx::query_scalar("SELECT state FROM robot_outbox WHERE robot = ? ORDER BY id")
            .bind(robot)
            .fetch_all(&self.pool)
            .await
            .unwrap()
    }

    pub async fn next_attempt_at(&self, robot: &str) -> DateTime<Utc> {
        sqlx::query_scalar(
            "SELECT next_attempt_at FROM robot_outbox WHERE robot = ? AND state = 'pending'
             ORDER BY id LIMIT 1",
        )
        .bind(robot)
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    pub fn advance(&self, seconds: i64) {
        self.clock.advance(TimeDelta::seconds(seconds));
    }
}

pub fn markdown(text: &str) -> RobotMessage {
    RobotMessage::Markdown {
        title: "民生实事旬报".to_owned(),
        text: text.to_owned(),
    }
}

pub fn got_markdown(title: &str, text: &str) -> Got {
    Got::Markdown {
        title: title.to_owned(),
        text: text.to_owned(),
    }
}

pub fn reminder() -> RobotMessage {
    RobotMessage::Text {
        text: "⏰ 明日报送截止，请尚未报送的同志抓紧报送。".to_owned(),
        mobiles: vec!["13800000001".to_owned()],
    }
}
