//! The handler tree (issue 11): the sender is read once, at the top. A failed read fails the
//! update like any endpoint's error; it never takes an admitted person for a stranger.

use crate::helpers::{ADMIN, TestApp};

#[tokio::test]
async fn a_failed_read_of_the_sender_fails_the_update_rather_than_refusing_a_stranger() {
    let app = TestApp::spawn().await;
    // Reading the sender brings their profile up to date: make that write fail.
    sqlx::query(
        "CREATE TRIGGER people_frozen BEFORE UPDATE ON people
         BEGIN SELECT RAISE(ABORT, 'people are frozen'); END",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.says(&ADMIN, "/help");
    app.eventually(
        "SELECT state || ' ' || attempts || ' ' || (last_error LIKE '%people are frozen%')
         FROM inbox",
        "pending 1 1",
    )
    .await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE method = 'sendMessage'")
            .await,
        0,
        "neither help nor a stranger's refusal"
    );
    app.stop().await;
}
