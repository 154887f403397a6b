//! Every message the bot sends, replies included (RELIABILITY.md, Outbox).
//!
//! A row goes pending → sending → sent | uncertain | failed | unreachable. A scheduled send
//! carries a [`StepKey`]; the unique index `outbox_step_once` makes enqueueing it twice a no-op.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use super::instant;

/// What makes a scheduled send happen once: (plan, period, project, person, step).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepKey {
    pub plan_id: i64,
    pub period: String,
    pub project_id: Option<i64>,
    pub person_id: i64,
    pub step: String,
}

/// Queues a Bot API call. Returns the new row's id, or `None` when its step key was already
/// queued.
pub async fn enqueue(
    conn: &mut SqliteConnection,
    chat_id: i64,
    method: &str,
    payload: &str,
    key: Option<&StepKey>,
    secrets: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    let now = instant(now);
    sqlx::query_scalar(
        "INSERT INTO outbox (chat_id, method, payload, secrets, plan_id, period, project_id, person_id, step, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(chat_id)
    .bind(method)
    .bind(payload)
    .bind(secrets)
    .bind(key.map(|k| k.plan_id))
    .bind(key.map(|k| k.period.as_str()))
    .bind(key.and_then(|k| k.project_id))
    .bind(key.map(|k| k.person_id))
    .bind(key.map(|k| k.step.as_str()))
    .bind(&now)
    .bind(&now)
    .fetch_optional(conn)
    .await
}

/// The first row of a chat that may be sent now.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Head {
    pub id: i64,
    pub chat_id: i64,
}

/// The oldest due row of each chat with one, oldest first: the sender chooses among chats, so
/// one chat's long queue never hides another's message.
pub async fn due_heads(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<Head>> {
    let now = instant(now);
    sqlx::query_as(
        "SELECT min(id) AS id, chat_id FROM outbox
         WHERE state IN ('pending', 'uncertain') AND next_attempt_at <= ?
         GROUP BY chat_id ORDER BY id LIMIT ?",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// A row taken for sending.
#[derive(Debug, Clone, FromRow)]
pub struct Claimed {
    pub id: i64,
    pub chat_id: i64,
    pub method: String,
    pub payload: String,
    /// Counting this one.
    pub attempts: i64,
    pub secrets: Option<String>,
}

/// When the next waiting row becomes due.
pub async fn next_due_at(conn: &mut SqliteConnection) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar(
        "SELECT min(next_attempt_at) FROM outbox WHERE state IN ('pending', 'uncertain')",
    )
    .fetch_one(conn)
    .await
}

/// Takes a row for sending; `None` when another sender took it first.
pub async fn claim(
    conn: &mut SqliteConnection,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Claimed>> {
    let now = instant(now);
    sqlx::query_as(
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, claimed_at = ?
         WHERE id = ? AND state IN ('pending', 'uncertain')
         RETURNING id, chat_id, method, payload, attempts, secrets",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// How many rows were taken for sending before `before` and are still `sending`.
pub async fn stale_sending(
    conn: &mut SqliteConnection,
    before: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let before = instant(before);
    sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE state = 'sending' AND ifnull(claimed_at, '') < ?",
    )
    .bind(before)
    .fetch_one(conn)
    .await
}

/// While running: rows taken for sending before `before` whose outcome was never written go
/// back to the queue, as `uncertain` (they may have arrived).
pub async fn reclaim_stale(
    conn: &mut SqliteConnection,
    before: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let before = instant(before);
    let done = sqlx::query(
        "UPDATE outbox SET state = 'uncertain' WHERE state = 'sending' AND ifnull(claimed_at, '') < ?",
    )
    .bind(before)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn mark_sent(
    conn: &mut SqliteConnection,
    id: i64,
    message_id: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let now = instant(now);
    sqlx::query("UPDATE outbox SET state = 'sent', sent_at = ?, telegram_message_id = ?, last_error = NULL WHERE id = ?")
        .bind(now)
        .bind(message_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Back to the queue, to be tried at `at`. `uncertain` when the failed attempt may have been
/// delivered all the same.
pub async fn retry_at(
    conn: &mut SqliteConnection,
    id: i64,
    uncertain: bool,
    at: DateTime<Utc>,
    error: &str,
) -> sqlx::Result<()> {
    let at = instant(at);
    sqlx::query("UPDATE outbox SET state = ?, next_attempt_at = ?, last_error = ? WHERE id = ?")
        .bind(if uncertain { "uncertain" } else { "pending" })
        .bind(at)
        .bind(error)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// After a 429 for a chat, none of its waiting rows goes before `at`.
pub async fn hold_chat_until(
    conn: &mut SqliteConnection,
    chat_id: i64,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let at = instant(at);
    sqlx::query(
        "UPDATE outbox SET next_attempt_at = ?
         WHERE chat_id = ? AND state IN ('pending', 'uncertain') AND next_attempt_at < ?",
    )
    .bind(&at)
    .bind(chat_id)
    .bind(&at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn mark_failed(conn: &mut SqliteConnection, id: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?")
        .bind(error)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Every waiting row to a chat that cannot be reached, and the one that found out.
pub async fn mark_chat_unreachable(
    conn: &mut SqliteConnection,
    chat_id: i64,
    error: &str,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE outbox SET state = 'unreachable', last_error = ?
         WHERE chat_id = ? AND state IN ('pending', 'uncertain', 'sending')",
    )
    .bind(error)
    .bind(chat_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Finished rows older than `before` lose their payload (the text people were sent), but keep
/// their row and step key, so a scheduled step is still never queued twice.
pub async fn drop_old_payloads(
    conn: &mut SqliteConnection,
    before: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let before = instant(before);
    let done = sqlx::query(
        "UPDATE outbox SET payload = '{}'
         WHERE state IN ('sent', 'failed', 'unreachable') AND payload <> '{}'
           AND ifnull(sent_at, created_at) < ?",
    )
    .bind(before)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Whether a row not yet sent still needs the file at `path` (one ledger serves many readers),
/// a group robot's row included (a paused or broken robot keeps its chart and ledger).
pub async fn file_still_needed(conn: &mut SqliteConnection, path: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM outbox
         WHERE state IN ('pending', 'sending', 'uncertain') AND json_extract(payload, '$._file.path') = ?1)
         OR EXISTS (SELECT 1 FROM robot_outbox
         WHERE state IN ('pending', 'sending') AND json_extract(payload, '$.path') = ?1)",
    )
    .bind(path)
    .fetch_one(conn)
    .await
}

/// The files that rows not yet sent will upload, to Telegram or to a group robot.
pub async fn files_still_needed(conn: &mut SqliteConnection) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT json_extract(payload, '$._file.path') FROM outbox
         WHERE state IN ('pending', 'sending', 'uncertain') AND json_extract(payload, '$._file.path') IS NOT NULL
         UNION
         SELECT json_extract(payload, '$.path') FROM robot_outbox
         WHERE state IN ('pending', 'sending') AND json_extract(payload, '$.path') IS NOT NULL",
    )
    .fetch_all(conn)
    .await
}

/// A group became a supergroup with a new id: its waiting rows go to the new chat. The body's
/// `chat_id` (and a menu's `scope.chat_id`) follow; `json_replace` adds no key a body lacks.
pub async fn redirect_chat(conn: &mut SqliteConnection, from: i64, to: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE outbox SET chat_id = ?2,
             payload = json_replace(json_replace(payload, '$.chat_id', ?2), '$.scope.chat_id', ?2)
         WHERE chat_id = ?1 AND state IN ('pending', 'uncertain')",
    )
    .bind(from)
    .bind(to)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The row that met the upgraded group goes back to the queue, to the new chat, due at `at`.
pub async fn requeue_to_chat(
    conn: &mut SqliteConnection,
    id: i64,
    to: i64,
    at: DateTime<Utc>,
    error: &str,
) -> sqlx::Result<()> {
    let at = instant(at);
    sqlx::query(
        "UPDATE outbox SET chat_id = ?2, state = 'pending', next_attempt_at = ?3, last_error = ?4,
             payload = json_replace(json_replace(payload, '$.chat_id', ?2), '$.scope.chat_id', ?2)
         WHERE id = ?1",
    )
    .bind(id)
    .bind(to)
    .bind(at)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}

/// At start-up: a row left `sending` by a crash may or may not have reached Telegram.
pub async fn recover_interrupted(conn: &mut SqliteConnection) -> sqlx::Result<u64> {
    let done = sqlx::query("UPDATE outbox SET state = 'uncertain' WHERE state = 'sending'")
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// A row done with that still holds secrets: its payload and the secrets (a JSON list) in it.
#[derive(Debug, Clone, FromRow)]
pub struct SpentSecrets {
    pub id: i64,
    pub payload: String,
    pub secrets: String,
}

/// Rows done with (sent, failed, unreachable) that still hold secrets.
pub async fn spent_secrets(conn: &mut SqliteConnection) -> sqlx::Result<Vec<SpentSecrets>> {
    sqlx::query_as(
        "SELECT id, payload, secrets FROM outbox
         WHERE secrets IS NOT NULL AND state IN ('sent', 'failed', 'unreachable')",
    )
    .fetch_all(conn)
    .await
}

/// Stores a payload whose secrets were blanked, and forgets them.
pub async fn forget_secrets(
    conn: &mut SqliteConnection,
    id: i64,
    payload: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET payload = ?, secrets = NULL WHERE id = ?")
        .bind(payload)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn counts_by_state(
    conn: &mut SqliteConnection,
) -> sqlx::Result<Vec<super::inbox::StateCount>> {
    sqlx::query_as("SELECT state, count(*) AS count FROM outbox GROUP BY state ORDER BY state")
        .fetch_all(conn)
        .await
}

pub async fn last_sent(conn: &mut SqliteConnection) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar("SELECT max(sent_at) FROM outbox")
        .fetch_one(conn)
        .await
}
