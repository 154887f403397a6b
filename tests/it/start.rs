//! The first thing anyone does: /start and /help.

use minsheng::bot::texts;

use crate::helpers::{ADMIN, PATIENCE, STRANGER, TestApp};

#[tokio::test]
async fn a_stranger_who_sends_start_gets_one_polite_refusal_and_no_project_data() {
    let app = TestApp::spawn().await;
    app.says(&STRANGER, "/start");
    let reply = app.nth_reply_to(&STRANGER, 1).await;
    assert_eq!(reply, texts::not_admitted(STRANGER.id));
    assert!(!reply.contains("老年人"), "no project leaks to a stranger");
    app.stop().await;
}

#[tokio::test]
async fn a_bootstrap_admin_is_greeted_by_name_and_role() {
    let app = TestApp::spawn().await;
    app.says(&ADMIN, "/start");
    let reply = app.nth_reply_to(&ADMIN, 1).await;
    assert_eq!(
        reply,
        texts::welcome(ADMIN.first_name, minsheng::db::people::Role::Admin)
    );
    assert!(reply.contains("管理员"));
    app.says(&ADMIN, "/help");
    let help = app.nth_reply_to(&ADMIN, 2).await;
    assert!(help.contains("/help"), "{help}");
    assert!(help.contains("/start"), "{help}");
    app.stop().await;
}

#[tokio::test]
async fn in_a_group_the_bot_keeps_quiet_unless_addressed_with_a_command() {
    let app = TestApp::spawn().await;
    let group = -100_200_300;
    app.api
        .push_group_text(ADMIN.id, ADMIN.first_name, group, "大家好");
    app.api
        .push_group_text(ADMIN.id, ADMIN.first_name, group, "/help");
    let reply = app
        .api
        .nth_message_to(group, 1, PATIENCE)
        .await
        .expect("an answer to /help");
    assert!(reply.contains("/help"));
    assert_eq!(app.api.sent_to(group).len(), 1, "the chatter got no answer");
    app.stop().await;
}

#[tokio::test]
async fn the_bot_seeds_an_empty_database_on_first_start() {
    let app = TestApp::spawn().await;
    let projects: i64 = sqlx::query_scalar("SELECT count(*) FROM projects")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(projects, 27);
    app.stop().await;
}
