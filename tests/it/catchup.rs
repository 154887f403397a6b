//! Which digests are still news when the bot starts (issue 12): only the latest 旬 or quarter,
//! ended after the reader was admitted, inside its plan's dates, within three days of its due
//! time; one sent late says 补发.

use crate::helpers::{ADMIN, Person, TestApp};

const WANG: Person = Person::with_username(660_001, "王领导", "wangld");

/// Digests stored for anyone, of either kind.
async fn digests(app: &TestApp) -> i64 {
    app.scalar("SELECT count(*) FROM digests").await
}

/// A leader over category 一, admitted at the clock's time.
async fn leader_admitted_now(app: &TestApp) {
    sqlx::query(
        "INSERT INTO people (telegram_id, display_name, role, joined_at) VALUES (?, ?, 'leader', ?);",
    )
    .bind(WANG.id)
    .bind(WANG.first_name)
    .bind(minsheng::db::instant(app.clock_now()))
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO leader_scopes (person_id, category_id) VALUES ((SELECT id FROM people WHERE telegram_id = ?), (SELECT id FROM categories WHERE numeral = '一'))",
    )
    .bind(WANG.id)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// Moves the admin's admission back, as if the bot had run since the plan began.
async fn admin_admitted_long_ago(app: &TestApp) {
    sqlx::query("UPDATE people SET joined_at = '2023-12-01T00:00:00.000Z' WHERE role = 'admin'")
        .execute(&app.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_fresh_install_in_march_greets_the_admin_without_februarys_digest() {
    // Installed on 6 March: the beat at start-up finds 2月下旬 ended before anyone was
    // admitted.
    let app = TestApp::spawn_at("2024-03-06T10:00:00+08:00").await;
    assert_eq!(app.tick_digest().await, 0);
    assert_eq!(app.tick_quarter().await, 0);
    app.says(&ADMIN, "/start");
    let first = app.next_reply_to(&ADMIN).await;
    assert!(
        first.starts_with("专班王，您好！") && !first.contains("旬调度"),
        "the first message is the welcome, no digest: {first}"
    );
    assert_eq!(digests(&app).await, 0);

    app.set_time("2024-03-06T10:01:00+08:00");
    leader_admitted_now(&app).await;
    assert_eq!(
        app.tick_digest().await,
        0,
        "nor to a leader set a minute later"
    );
    assert_eq!(app.api.calls_of("sendPhoto"), 0, "no chart");
    assert_eq!(app.api.calls_of("sendDocument"), 0, "no ledger");

    // The first 旬 they lived through is theirs.
    app.set_time("2024-03-11T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 2, "the admin and the leader");
    let digest = app.message_to_containing(&WANG, "旬调度").await;
    assert!(digest.contains("2024年3月上旬调度"), "{digest}");
    assert!(!digest.contains("补发"), "on time: {digest}");
    app.stop().await;
}

#[tokio::test]
async fn a_fresh_install_in_september_sends_no_summary_of_the_second_quarter() {
    let app = TestApp::spawn_at("2024-09-13T10:00:00+08:00").await;
    assert_eq!(
        app.tick_quarter().await,
        0,
        "Q2 ended before the admin came"
    );
    assert_eq!(app.tick_digest().await, 0, "9月上旬 too");
    assert_eq!(digests(&app).await, 0);

    // An admin of long standing gets 9月上旬 (due 11 September, two days ago) as 补发, and
    // still no Q2 summary: it fell due on 1 July, long past catching up.
    admin_admitted_long_ago(&app).await;
    assert_eq!(app.tick_quarter().await, 0);
    assert_eq!(app.tick_digest().await, 1);
    let digest = app.message_to_containing(&ADMIN, "旬调度").await;
    let header = digest.lines().next().unwrap();
    assert!(header.contains("2024年9月上旬调度"), "{header}");
    assert!(header.ends_with("（补发）"), "{header}");
    app.stop().await;
}

#[tokio::test]
async fn no_digest_or_summary_falls_outside_its_plans_dates() {
    // Started on 30 November 2026 with only the 2024 plan loaded.
    let app = TestApp::spawn_at("2026-11-30T10:00:00+08:00").await;
    admin_admitted_long_ago(&app).await;
    app.set_time("2026-11-21T09:00:00+08:00");
    assert_eq!(
        app.tick_digest().await,
        0,
        "no 2026年11月中旬 for the 2024 plan"
    );
    app.set_time("2026-10-09T09:00:00+08:00");
    assert_eq!(
        app.tick_quarter().await,
        0,
        "no 2026年第三季度 for the 2024 plan"
    );
    assert_eq!(digests(&app).await, 0);
    // Asked for, the digest of a 旬 outside every plan is none either.
    app.says(&ADMIN, "/digest");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        minsheng::bot::texts::nothing_to_digest()
    );
    assert!(
        app.api
            .sent_to(ADMIN.id)
            .iter()
            .all(|m| !m.contains("2026年")),
        "{:?}",
        app.api.sent_to(ADMIN.id)
    );
    app.stop().await;
}

#[tokio::test]
async fn after_a_two_day_outage_the_missed_digest_goes_out_once_marked_late() {
    // Admitted on 13 March; the bot is down from before the 3月中旬 digest (21 March 09:00)
    // until 23 March.
    let app = TestApp::spawn().await;
    app.set_time("2024-03-20T18:00:00+08:00");
    let app = app.halted_until("2024-03-23T10:00:00+08:00").await;
    assert_eq!(app.tick_digest().await, 1, "the beat at start-up");
    let digest = app.message_to_containing(&ADMIN, "旬调度").await;
    let header = digest.lines().next().unwrap();
    assert!(header.contains("2024年3月中旬调度"), "{header}");
    assert!(header.ends_with("（补发）"), "{header}");
    assert_eq!(app.tick_digest().await, 0, "once");
    assert_eq!(digests(&app).await, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_digest_missed_by_more_than_three_days_is_left_for_the_next() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-20T18:00:00+08:00");
    // Down from before 21 March 09:00 until 24 March 09:01: more than three days late.
    let app = app.halted_until("2024-03-24T09:01:00+08:00").await;
    assert_eq!(app.tick_digest().await, 0);
    assert_eq!(digests(&app).await, 0);
    app.set_time("2024-04-01T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 1, "the next 旬 on its day");
    let digest = app.message_to_containing(&ADMIN, "旬调度").await;
    assert!(digest.contains("2024年3月下旬调度"), "{digest}");
    app.stop().await;
}
