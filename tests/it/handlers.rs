//! The handler tree (issue 11): the sender is read once, at the top. A failed read fails the
//! update like any endpoint's error; it never takes an admitted person for a stranger.

use minsheng::bot::texts;

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
    // Three tries, then set aside as any failing endpoint's update is, with one apology.
    app.eventually(
        "SELECT state || ' ' || attempts || ' ' || (last_error LIKE '%people are frozen%')
         FROM inbox",
        "quarantined 3 1",
    )
    .await;
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        texts::apology(),
        "neither help nor a stranger's refusal"
    );
    app.stop().await;
}
