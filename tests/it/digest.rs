//! The ten-day digest (issue 7, in part): content in the reader's scope, and one per leader
//! and 旬 whatever the clock and restarts do.

use minsheng::bot::report::Press;

use crate::helpers::{ADMIN, Person, TestApp};

const LI: Person = Person::with_username(650_001, "李四", "lisi");
const ZHAO: Person = Person::with_username(650_002, "赵六", "zhaoliu");
pub const WANG: Person = Person::with_username(650_003, "王领导", "wangld");

/// A leader over category 三 (projects 7, 8, 9) and project 12; 李四 reports on 9 with a
/// difficulty, 赵六 on 12 stays silent.
pub async fn a_reported_week() -> TestApp {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-12T10:00:00+08:00");
    app.contact_on(&LI, "发展软环境保障局", &[9], "lead").await;
    app.contact_on(&ZHAO, "发展改革局", &[12], "lead").await;
    app.admit(&WANG, "leader", None).await;
    sqlx::query(
        "INSERT INTO leader_scopes (person_id, category_id) VALUES ((SELECT id FROM people WHERE telegram_id = 650003), (SELECT id FROM categories WHERE numeral = '三'));
         INSERT INTO leader_scopes (person_id, project_id) VALUES ((SELECT id FROM people WHERE telegram_id = 650003), (SELECT id FROM projects WHERE no = 12));",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.set_time("2024-03-13T10:00:00+08:00");
    app.says(&LI, "/report 9 1=2 进展:两所完成移交 困难:第三所产权待确认");
    app.next_reply_to(&LI).await;
    app.presses(&LI, &Press::Submit.data());
    assert!(app.next_reply_to(&LI).await.starts_with("✅"));
    app
}

#[tokio::test]
async fn a_leader_reads_only_their_scope_with_red_and_yellow_first() {
    let app = a_reported_week().await;
    app.set_time("2024-03-21T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 2, "the admin and the leader");
    let digest = app.next_reply_to(&WANG).await;
    let lines: Vec<&str> = digest.lines().collect();
    assert_eq!(
        lines[0],
        "📊 济宁高新区2024年重点民生实事 · 2024年3月中旬调度（3月11日—3月20日）"
    );
    assert_eq!(
        lines[1],
        "分管：三、基础教育优质提升项目；12. 新能源智慧充电站及智慧停车场项目"
    );
    assert_eq!(
        lines[2],
        "应报 2 · 实报 1 · 报送率 50%；红 0 · 黄 0 · 蓝 1 · 未报送 1 · 未指派 2；待协调问题 1；逾期 1",
        "{digest}"
    );
    // 7 and 8 have no contact, 12 has not reported: no colour; 9 reported and is on track.
    assert!(
        digest.contains("\n需关注：\n⚪ 未报送：12；未指派联络员：7、8\n"),
        "{digest}"
    );
    assert!(digest.contains("\n其余 1 项按序时推进（9）\n"), "{digest}");
    assert!(
        !["🔴", "🟡", "🔵"].iter().any(|c| digest.contains(c)),
        "{digest}"
    );
    assert!(
        digest.contains("\n未按时报送：\n· 12. 发展改革局 赵六，1周\n"),
        "{digest}"
    );
    assert!(
        digest.contains("· 9. 发展软环境保障局：第三所产权待确认（3月13日提出，已8天）"),
        "{digest}"
    );
    let to_admin = app.next_reply_to(&ADMIN).await;
    let whole: Vec<&str> = to_admin.lines().collect();
    assert_eq!(whole[1], "全部项目", "the admins see the whole plan");
    assert!(
        whole[2].contains("红 0 · 黄 0 · 蓝 1 · 未报送 1 · 未指派 25"),
        "{to_admin}"
    );
    assert!(
        app.api
            .calls_reach("sendDocument", 2, crate::helpers::PATIENCE)
            .await,
        "each digest comes with the ledger"
    );
    let stored: i64 = app
        .scalar("SELECT count(*) FROM digests WHERE kind = 'dekad' AND period_start = '2024-03-11'")
        .await;
    assert_eq!(stored, 2);
    app.stop().await;
}

#[tokio::test]
async fn crossing_a_dekad_sends_one_digest_per_reader_across_restarts() {
    let app = a_reported_week().await;
    app.set_time("2024-03-21T08:59:00+08:00");
    assert_eq!(app.tick_digest().await, 0, "not before 09:00");
    app.set_time("2024-03-21T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 2);
    assert_eq!(app.tick_digest().await, 0);
    app.set_time("2024-03-21T10:00:00+08:00");
    // The catch-up beat after a restart, stepped here rather than left to the real heartbeat
    // (which could also fire after the clock is moved below and race the test's own beat).
    let app = app.restart().await;
    assert_eq!(app.tick_digest().await, 0, "the catch-up beat: nothing new");
    app.set_time("2024-03-25T09:00:00+08:00");
    assert_eq!(
        app.tick_digest().await,
        0,
        "the same 旬's digest, days later: already sent"
    );
    app.set_time("2024-04-02T12:00:00+08:00"); // down on 04-01: caught up on the 2nd
    assert_eq!(app.tick_digest().await, 2);
    let steps: i64 = app.scalar("SELECT count(*) FROM outbox WHERE step = 'digest' AND person_id = (SELECT id FROM people WHERE telegram_id = 650003)").await;
    assert_eq!(steps, 2, "one for 3月中旬, one for 3月下旬");
    let second = app.message_to_containing(&WANG, "3月下旬").await;
    assert!(second.contains("与上次调度相比："), "{second}");
    app.stop().await;
}

#[tokio::test]
async fn digest_on_demand_is_in_the_askers_scope() {
    let app = a_reported_week().await;
    app.says(&WANG, "/digest");
    let digest = app.next_reply_to(&WANG).await;
    assert!(
        digest.contains("2024年3月中旬调度（3月11日—3月20日，截至3月13日）"),
        "{digest}"
    );
    let lines: Vec<&str> = digest.lines().collect();
    assert_eq!(
        lines[1],
        "分管：三、基础教育优质提升项目；12. 新能源智慧充电站及智慧停车场项目"
    );
    assert!(
        lines[2].contains("红 0 · 黄 0 · 蓝 1 · 未报送 1 · 未指派 2"),
        "four projects in scope: {digest}"
    );
    app.says(&LI, "/digest");
    assert_eq!(
        app.next_reply_to(&LI).await,
        minsheng::bot::texts::not_allowed()
    );
    app.stop().await;
}

#[tokio::test]
async fn the_quarter_summary_goes_out_on_the_first_working_day_after_the_quarter() {
    let app = a_reported_week().await;
    app.set_time("2024-03-31T09:00:00+08:00");
    assert_eq!(app.tick_quarter().await, 0, "the quarter is not over");
    app.set_time("2024-04-01T08:59:00+08:00");
    assert_eq!(app.tick_quarter().await, 0);
    app.set_time("2024-04-01T09:00:00+08:00");
    assert_eq!(app.tick_quarter().await, 2, "the admin and the leader");
    assert_eq!(app.tick_quarter().await, 0, "once");
    let summary = app.message_to_containing(&WANG, "📈").await;
    assert!(
        summary
            .starts_with("📈 济宁高新区2024年重点民生实事 · 2024年第一季度专题（1月1日—3月31日）"),
        "{summary}"
    );
    assert!(
        summary.contains("\n⚪ 未报送：12；未指派联络员：7、8\n"),
        "{summary}"
    );
    assert!(
        summary.contains("\n· 9. 建成公办幼儿园：2/7所（29%）"),
        "{summary}"
    );
    assert!(
        summary.contains("· 9. 发展软环境保障局：第三所产权待确认（3月13日提出，未解决）"),
        "{summary}"
    );
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(
        lines[1], "分管：三、基础教育优质提升项目；12. 新能源智慧充电站及智慧停车场项目",
        "in the leader's scope only"
    );
    assert_eq!(
        lines[2],
        "季度末：红 1 · 黄 0 · 蓝 0 · 未报送 1 · 未指派 2；本季度提出困难问题 1（已解决 0）",
        "9 missed two weeks; no colour without data: {summary}"
    );

    // The third quarter ends in the National Day holiday: the summary waits for 8 October.
    app.set_time("2024-10-07T09:00:00+08:00");
    assert_eq!(app.tick_quarter().await, 0);
    app.set_time("2024-10-08T09:00:00+08:00");
    assert_eq!(app.tick_quarter().await, 2);
    app.stop().await;
}

#[tokio::test]
async fn a_resolved_difficulty_leaves_the_digest_and_shows_as_resolved_in_the_quarter() {
    let app = a_reported_week().await;
    app.says(&ADMIN, "/resolve 9");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        minsheng::bot::texts::resolved(9, 1)
    );
    app.says(&ADMIN, "/resolve 9");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        minsheng::bot::texts::resolved(9, 0)
    );
    app.set_time("2024-04-01T09:00:00+08:00");
    assert_eq!(app.tick_quarter().await, 2);
    let summary = app.message_to_containing(&WANG, "📈").await;
    assert!(
        summary.contains("· 9. 发展软环境保障局：第三所产权待确认（3月13日提出，已解决）"),
        "{summary}"
    );
    app.says(&WANG, "/digest");
    let digest = app.message_to_containing(&WANG, "2024年4月上旬调度").await;
    assert!(digest.contains("待协调的困难问题：无"), "{digest}");
    app.stop().await;
}
