//! Digest groups that change under the bot. A group upgraded to a supergroup gets a new chat
//! id, and Telegram refuses every send to the old one: what the bot keeps about the group
//! follows it (the leaders' digest chat, the messages still waiting). A group that removed the
//! bot, or is gone, can no longer be a digest chat.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::SqliteConnection;

use crate::db::{audit, outbox, people};

/// Who made a change that no person made (shown in /audit).
pub const SYSTEM_ACTOR: &str = "系统";

/// Moves group `from`'s business to `to`. Returns the names of the leaders whose digest chat
/// moved: empty when it had moved already (the service message and a refused send both tell).
pub async fn upgraded(
    conn: &mut SqliteConnection,
    from: i64,
    to: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<String>> {
    let leaders = people::move_digest_chat(conn, from, to).await?;
    let waiting = outbox::redirect_chat(conn, from, to).await?;
    tracing::info!(
        from,
        to,
        leaders = leaders.len(),
        waiting,
        "a group became a supergroup"
    );
    if !leaders.is_empty() {
        let entry = audit::Entry {
            actor_id: None,
            actor_label: SYSTEM_ACTOR,
            action: "group_upgraded",
            target: &leaders.join("、"),
            before: Some(json!({ "digest_chat": from })),
            after: Some(json!({ "digest_chat": to })),
        };
        audit::record(conn, entry, now).await?;
    }
    Ok(leaders)
}

/// Group `chat` cannot be reached: its leaders get their digest in their own chat again.
/// Returns their names, empty when no leader's digest went there (or it was moved already).
pub async fn lost(
    conn: &mut SqliteConnection,
    chat: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<String>> {
    let leaders = people::drop_digest_chat(conn, chat).await?;
    if !leaders.is_empty() {
        let entry = audit::Entry {
            actor_id: None,
            actor_label: SYSTEM_ACTOR,
            action: "group_lost",
            target: &leaders.join("、"),
            before: Some(json!({ "digest_chat": chat })),
            after: Some(json!({ "digest_chat": null })),
        };
        audit::record(conn, entry, now).await?;
    }
    Ok(leaders)
}
