//! What each group robot gets (issue 14, content): rows queued in `robot_outbox` for its
//! audience, once; /mobile and /robots; a robot's `to` that names nobody refuses the start.

use std::sync::Arc;

use minsheng::app::App;
use minsheng::bot::texts::robots::markdown;
use minsheng::clock::ManualClock;
use minsheng::robots::RobotMessage;

use crate::digest::{WANG, a_reported_week};
use crate::fake_api::FakeApi;
use crate::helpers::{ADMIN, Person, TestApp, at, settings_configured, settings_of_configured};

const LI: Person = Person::with_username(650_001, "李四", "lisi");

/// An admins' WeCom group and a unit's Feishu group ([`TWO_ROBOTS`]), and a leader's DingTalk
/// group.
fn three_robots() -> String {
    format!(
        r#"{TWO_ROBOTS}
[[robots]]
name = "分管领导群"
kind = "dingtalk"
url = "http://127.0.0.1:9/robot/send?access_token=dingtoken123456"
secret = "SECdingsecret"
to = "leader:650003"
sends = ["digest", "escalation"]
"#
    )
}

/// A robot's queued rows: (period, step, message), in the order queued.
async fn rows_of(app: &TestApp, robot: &str) -> Vec<(String, String, RobotMessage)> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT period, step, payload FROM robot_outbox WHERE robot = ? ORDER BY id",
    )
    .bind(robot)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(period, step, payload)| (period, step, serde_json::from_str(&payload).unwrap()))
        .collect()
}

fn steps(rows: &[(String, String, RobotMessage)]) -> Vec<(&str, &str)> {
    rows.iter()
        .map(|(period, step, _)| (period.as_str(), step.as_str()))
        .collect()
}

/// The markdown of a robot's parts of one step, joined again without the "（续）" marks.
fn markdown_of(rows: &[(String, String, RobotMessage)], step: &str) -> String {
    rows.iter()
        .filter(|(_, s, _)| s == step || s.starts_with(&format!("{step}#")))
        .map(|(_, _, message)| match message {
            RobotMessage::Markdown { text, .. } => {
                assert!(
                    text.len() <= 4096,
                    "a part over WeCom's limit: {}",
                    text.len()
                );
                text.trim_start_matches("（续）\n").to_owned()
            }
            other => panic!("not markdown: {other:?}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn robot_rows(app: &TestApp) -> i64 {
    app.scalar("SELECT count(*) FROM robot_outbox").await
}

#[tokio::test]
async fn a_digest_day_queues_each_robot_its_audiences_digest_once() {
    let app = a_reported_week().await;
    let config = three_robots();
    let settings = settings_of_configured(&app, &config);
    app.set_time("2024-03-21T09:00:00+08:00");
    let now = app.clock_now();
    let queued = minsheng::jobs::digest::run_due(&app.pool, &settings, now)
        .await
        .unwrap();
    assert_eq!(queued, 2, "Telegram: the admin and the leader, as before");

    // The admins' WeCom group: the whole plan's digest, word for word the admin's, as
    // markdown; then the chart and the ledger.
    let admins = rows_of(&app, "民生实事专班群").await;
    assert_eq!(
        steps(&admins),
        [
            ("dekad:2024-03-11", "digest"),
            ("dekad:2024-03-11", "chart"),
            ("dekad:2024-03-11", "ledger")
        ]
    );
    let to_admin = app.message_to_containing(&ADMIN, "📊").await;
    assert_eq!(markdown_of(&admins, "digest"), markdown(&to_admin));
    assert!(markdown_of(&admins, "digest").starts_with("### 📊 "));
    match &admins[1].2 {
        RobotMessage::Image { path } => {
            assert!(std::fs::read(path).unwrap().starts_with(b"\x89PNG"));
        }
        other => panic!("not the chart: {other:?}"),
    }
    match &admins[2].2 {
        RobotMessage::File { path, name } => {
            assert!(path.exists());
            assert_eq!(name, "2024年台账（3月21日）.xlsx");
        }
        other => panic!("not the ledger: {other:?}"),
    }

    // The leader's DingTalk group: the leader's own digest (their scope only), no files.
    let leader = rows_of(&app, "分管领导群").await;
    assert_eq!(steps(&leader), [("dekad:2024-03-11", "digest")]);
    let to_leader = app.next_reply_to(&WANG).await;
    let text = markdown_of(&leader, "digest");
    assert_eq!(text, markdown(&to_leader));
    assert!(
        text.contains("\n分管：三、基础教育优质提升项目；12. 新能源智慧充电站及智慧停车场项目\n"),
        "{text}"
    );
    assert_ne!(text, markdown_of(&admins, "digest"));
    assert!(
        rows_of(&app, "发展改革局工作群").await.is_empty(),
        "a unit's group gets reminders only"
    );

    // A second beat, and a restart's catch-up, queue nothing more.
    let before = robot_rows(&app).await;
    minsheng::jobs::digest::run_due(&app.pool, &settings, now)
        .await
        .unwrap();
    let app = app.restart().await;
    app.advance(3600);
    minsheng::jobs::digest::run_due(&app.pool, &settings, app.clock_now())
        .await
        .unwrap();
    assert_eq!(robot_rows(&app).await, before);

    // The quarter's summary to the robots that send it: the admins' only.
    app.set_time("2024-04-01T09:00:00+08:00");
    let queued = minsheng::jobs::digest::run_quarter_due(&app.pool, &settings, app.clock_now())
        .await
        .unwrap();
    assert_eq!(queued, 2);
    let quarter: Vec<_> = rows_of(&app, "民生实事专班群")
        .await
        .into_iter()
        .filter(|(period, _, _)| period == "quarter:2024-01-01")
        .collect();
    assert_eq!(
        steps(&quarter),
        [
            ("quarter:2024-01-01", "quarter"),
            ("quarter:2024-01-01", "chart"),
            ("quarter:2024-01-01", "ledger")
        ]
    );
    assert!(markdown_of(&quarter, "quarter").starts_with("### 📈 "));
    assert!(
        rows_of(&app, "分管领导群")
            .await
            .iter()
            .all(|(period, _, _)| !period.starts_with("quarter")),
        "the leader's robot does not send the quarter"
    );
    app.stop().await;
}

const ZHANG: Person = Person::with_username(640_001, "张三", "zhangsan");
const QIAN: Person = Person::with_username(640_004, "钱七", "qianqi");

#[tokio::test]
async fn escalations_go_to_the_admins_and_leaders_robots_and_a_units_reminder_mentions_its_silent()
{
    let app = TestApp::spawn().await;
    app.set_time("2024-03-11T10:00:00+08:00");
    // 张三 and 钱七 of 发展改革局, 李四 of another unit: all silent.
    app.contact_on(&ZHANG, "发展改革局", &[3], "lead").await;
    app.contact_on(&QIAN, "发展改革局", &[5], "lead").await;
    app.contact_on(&LI, "发展软环境保障局", &[4], "lead").await;
    app.admit(&WANG, "leader", None).await;
    sqlx::query(
        "INSERT INTO leader_scopes (person_id, project_id) VALUES ((SELECT id FROM people WHERE telegram_id = 650003), (SELECT id FROM projects WHERE no = 3))",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.says(&ADMIN, "/mobile 张三 13800001234");
    assert!(
        app.message_to_containing(&ADMIN, "手机号")
            .await
            .contains("138****1234")
    );
    let config = three_robots();
    let settings = settings_of_configured(&app, &config);
    let tick = |at: &'static str| {
        app.set_time(at);
        let (pool, settings, now) = (&app.pool, &settings, app.clock_now());
        async move {
            minsheng::jobs::cycle::run_due(pool, settings, now)
                .await
                .unwrap()
        }
    };

    tick("2024-03-13T09:00:00+08:00").await;
    assert_eq!(robot_rows(&app).await, 0, "prompts are not for groups");
    assert_eq!(tick("2024-03-14T09:00:00+08:00").await.reminders, 3);
    let unit = rows_of(&app, "发展改革局工作群").await;
    assert_eq!(steps(&unit), [("2024-03-11", "reminder")]);
    let RobotMessage::Text { text, mobiles } = &unit[0].2 else {
        panic!("not a text: {unit:?}");
    };
    assert!(
        text.starts_with("⏰ 截止前提醒：发展改革局以下同志3月11日当周进展尚未报送"),
        "{text}"
    );
    assert!(
        text.contains("\n· 张三：项目 3「建设老年人食堂」"),
        "{text}"
    );
    assert!(text.contains("\n· 钱七：项目 5"), "{text}");
    assert!(!text.contains("李四") && !text.contains("项目 4"), "{text}");
    assert_eq!(
        mobiles,
        &["13800001234".to_owned()],
        "only 张三 has a number"
    );
    tick("2024-03-14T09:01:00+08:00").await;
    assert_eq!(robot_rows(&app).await, 1, "once a week");

    let escalated = tick("2024-03-19T09:00:00+08:00").await.escalations;
    assert_eq!(escalated, 2, "Telegram: the admin and the leader");
    let admins = rows_of(&app, "民生实事专班群").await;
    assert_eq!(steps(&admins), [("2024-03-11", "escalation")]);
    let all = markdown_of(&admins, "escalation");
    assert!(
        all.starts_with("### 🚨 逾期未报送督办：3月11日当周"),
        "{all}"
    );
    for no in ["项目 3「", "项目 4「", "项目 5「"] {
        assert!(all.contains(no), "{all}");
    }
    let leader = rows_of(&app, "分管领导群").await;
    assert_eq!(steps(&leader), [("2024-03-11", "escalation")]);
    let theirs = markdown_of(&leader, "escalation");
    assert!(
        theirs.contains("· 项目 3「建设老年人食堂」—") && theirs.contains("张三"),
        "{theirs}"
    );
    assert!(
        !theirs.contains("项目 4") && !theirs.contains("项目 5"),
        "{theirs}"
    );
    assert!(
        rows_of(&app, "发展改革局工作群").await.len() == 1,
        "no escalation to a unit's group"
    );

    let before = robot_rows(&app).await;
    tick("2024-03-19T09:01:00+08:00").await;
    let app = app.restart().await;
    minsheng::jobs::cycle::run_due(&app.pool, &settings, app.clock_now())
        .await
        .unwrap();
    assert_eq!(robot_rows(&app).await, before, "nothing twice");
    app.stop().await;
}

#[tokio::test]
async fn mobile_is_checked_audited_and_for_admins_only() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, "发展改革局", &[3], "lead").await;
    let mobile = || async {
        sqlx::query_scalar::<_, Option<String>>("SELECT mobile FROM people WHERE telegram_id = ?")
            .bind(ZHANG.id)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };

    app.says(&ADMIN, "/mobile 张三 1380000");
    let refused = app.next_reply_to(&ADMIN).await;
    assert!(refused.contains("不是有效的手机号"), "{refused}");
    app.says(&ADMIN, "/mobile 张三");
    assert!(app.next_reply_to(&ADMIN).await.starts_with("用法：/mobile"));
    assert_eq!(mobile().await, None);

    app.says(&ADMIN, "/mobile 张三 138 0000 1234");
    let set = app.next_reply_to(&ADMIN).await;
    assert!(
        set.contains("张三") && set.contains("未设定 → 138****1234"),
        "{set}"
    );
    assert!(!set.contains("13800001234"), "{set}");
    assert_eq!(mobile().await.as_deref(), Some("13800001234"));

    app.says(&ADMIN, "/audit 1");
    let audit = app.next_reply_to(&ADMIN).await;
    assert!(audit.contains("手机号：未设定 → 138****1234"), "{audit}");
    assert!(!audit.contains("13800001234"), "{audit}");

    app.says(&ZHANG, "/mobile 张三 13900000000");
    let refusal = app.next_reply_to(&ZHANG).await;
    assert!(!refusal.contains("已设定"), "{refusal}");
    assert_eq!(mobile().await.as_deref(), Some("13800001234"));

    app.says(&ADMIN, "/mobile 张三 清除");
    assert!(
        app.next_reply_to(&ADMIN)
            .await
            .contains("已删除 张三 的手机号")
    );
    assert_eq!(mobile().await, None);
    let audited = app
        .scalar("SELECT count(*) FROM audit_log WHERE action = 'mobile'")
        .await;
    assert_eq!(audited, 2);
    app.stop().await;
}

/// The admins' and a unit's robots (a leader's needs the leader admitted before the start).
const TWO_ROBOTS: &str = r#"
[[robots]]
name = "民生实事专班群"
kind = "wecom"
url = "http://127.0.0.1:9/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
to = "admins"
sends = ["digest", "quarter", "escalation"]

[[robots]]
name = "发展改革局工作群"
kind = "feishu"
url = "http://127.0.0.1:9/open-apis/bot/v2/hook/0a1b2c3d-9f9f"
to = "unit:发展改革局"
sends = ["reminder"]
"#;

#[tokio::test]
async fn robots_lists_each_robot_without_its_key_and_test_queues_one_line() {
    let app = TestApp::spawn_configured(TWO_ROBOTS).await;
    app.says(&ADMIN, "/robots");
    let list = app.next_reply_to(&ADMIN).await;
    assert!(
        list.contains("民生实事专班群\n企业微信 · 127.0.0.1（…5aaa）"),
        "{list}"
    );
    assert!(
        list.contains("发送：旬调度、季度小结、逾期督办；接收：工作专班"),
        "{list}"
    );
    assert!(
        list.contains("发展改革局工作群\n飞书 · 127.0.0.1（…9f9f）"),
        "{list}"
    );
    assert!(
        list.contains("发送：截止前提醒；接收：发展改革局"),
        "{list}"
    );
    assert!(list.contains("尚未发送"), "{list}");
    assert!(
        !list.contains("693a91f6") && !list.contains("0a1b2c3d"),
        "{list}"
    );

    sqlx::query(
        "INSERT INTO robot_state (robot, webhook_hash, broken_at, last_sent_at)
         VALUES ('民生实事专班群', 'x', '2024-03-12T02:00:00Z', '2024-03-11T01:00:00Z')
         ON CONFLICT (robot) DO UPDATE SET broken_at = excluded.broken_at,
             last_sent_at = excluded.last_sent_at",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.says(&ADMIN, "/robots");
    let list = app.next_reply_to(&ADMIN).await;
    assert!(
        list.contains("民生实事专班群（已失效）") && list.contains("最近送达：3月11日 09:00"),
        "{list}"
    );

    app.says(&ADMIN, "/robots test 民生实事专班群");
    assert_eq!(app.next_reply_to(&ADMIN).await, "已发送测试消息");
    let rows = rows_of(&app, "民生实事专班群").await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].1.starts_with("test:"));
    assert_eq!(
        rows[0].2,
        RobotMessage::Text {
            text: "✅ 民生实事专班群 测试消息：机器人配置正确。".to_owned(),
            mobiles: Vec::new()
        }
    );
    app.says(&ADMIN, "/robots test 不存在的群");
    let unknown = app.next_reply_to(&ADMIN).await;
    assert!(
        unknown.contains("民生实事专班群") && unknown.contains("发展改革局工作群"),
        "{unknown}"
    );
    assert_eq!(robot_rows(&app).await, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_robot_whose_to_names_nobody_refuses_the_start_with_its_line() {
    let api = FakeApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(at("2024-03-13T09:00:00+08:00")));
    let config = three_robots();
    let line = config
        .lines()
        .position(|l| l == "to = \"leader:650003\"")
        .unwrap()
        + 1;
    let settings = settings_configured(dir.path(), &api.url, &config).unwrap();
    let error = match App::build(settings, clock.clone()).await {
        Ok(_) => panic!("started with a leader nobody is"),
        Err(error) => format!("{error:#}"),
    };
    assert_eq!(
        error,
        format!("配置文件第 {line} 行：机器人“分管领导群”的 to = leader:650003 不是在册的分管领导")
    );

    let no_unit = TWO_ROBOTS.replace("unit:发展改革局", "unit:不存在局");
    let line = no_unit
        .lines()
        .position(|l| l == "to = \"unit:不存在局\"")
        .unwrap()
        + 1;
    let settings = settings_configured(dir.path(), &api.url, &no_unit).unwrap();
    let error = match App::build(settings, clock).await {
        Ok(_) => panic!("started with a unit nobody is"),
        Err(error) => format!("{error:#}"),
    };
    assert!(
        error.starts_with(&format!(
            "配置文件第 {line} 行：机器人“发展改革局工作群”的 to = unit:不存在局"
        )),
        "{error}"
    );
}
