//! A photo or a file sent with no report under way: it joins the report the person sent in the
//! last minutes (the photo taken after 提交 is the usual one), or they are told how to attach.

use crate::bot::texts::report as say;
use crate::bot::turn::Turn;
use crate::db::people::Person;
use crate::db::reports;
use crate::domain::report::joins_report;

/// A contact's photo or file (`kind` "photo" | "document") outside a conversation.
pub async fn on_file(
    turn: &Turn,
    person: &Person,
    chat: i64,
    kind: &str,
    file_id: &str,
) -> anyhow::Result<()> {
    let mut conn = turn.conn().await;
    let sent = reports::last_sent_by(&mut conn, person.id)
        .await?
        .filter(|sent| joins_report(sent.submitted_at, turn.now()));
    let text = match sent {
        None => say::evidence_how(),
        Some(sent) if reports::add_evidence(&mut conn, sent.id, kind, file_id).await? => {
            tracing::info!(
                person = person.id,
                report = sent.id,
                "evidence added after 提交"
            );
            say::evidence_added(kind, sent.project_no, sent.week_start)
        }
        Some(sent) => say::evidence_kept_first(kind, sent.project_no, sent.week_start),
    };
    drop(conn);
    turn.reply(chat, text).await?;
    Ok(())
}
