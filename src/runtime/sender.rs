//! The paced sender: the only code that sends messages. It takes due rows from the outbox,
//! keeps within Telegram's limits (about 30 messages a second in all, 1 a second per chat,
//! 20 a minute per group), and records each outcome, so that a restart neither loses nor
//! repeats a send (but for the one ambiguous case: a request that failed after it may have
//! arrived is sent again, marked `uncertain`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::{Notify, watch};

use crate::bot::outgoing::blank_secrets;
use crate::bot::texts;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::outbox::Claimed;
use crate::db::{self, outbox, people};
use crate::jobs::notify;
pub use crate::runtime::pacer::Pacer;
use crate::runtime::telegram::{CallError, TelegramClient, Upload};
use crate::services::upkeep;

/// Longest we honour a `retry_after`; Telegram has been seen to ask for hours.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(600);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a stopping bot keeps sending what is due.
const FLUSH_LIMIT: Duration = Duration::from_secs(4);
/// How many chats with due rows the sender chooses among at each step.
const HEADS: i64 = 512;
/// A row `sending` for this long (by the clock) lost its outcome: far longer than a request.
pub const STALE_SENDING: TimeDelta = TimeDelta::minutes(2);
/// The longest pause between two tries to store an outcome.
const OUTCOME_RETRY_CAP: Duration = Duration::from_secs(2);

/// What became of a send, as the outbox records it.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Sent(Option<i64>),
    /// Back to the queue at `at`, the chat held until then.
    Retry {
        uncertain: bool,
        at: DateTime<Utc>,
        error: String,
    },
    Failed(String),
    Unreachable(String),
    /// The group became a supergroup: the row goes again at once, to the new id.
    Migrated(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendOutcome {
    Sent {
        id: i64,
    },
    /// Telegram did not take it now; it is queued again.
    Retrying {
        id: i64,
    },
    Unreachable {
        id: i64,
    },
    Failed {
        id: i64,
    },
    /// Rows are waiting, none may go yet; look again after this long.
    Waiting(Duration),
    Empty,
}

pub struct Sender {
    pool: SqlitePool,
    client: TelegramClient,
    clock: SharedClock,
    settings: Arc<Settings>,
    pacer: Mutex<Pacer>,
}

impl Sender {
    pub fn new(
        pool: SqlitePool,
        client: TelegramClient,
        clock: SharedClock,
        settings: Arc<Settings>,
    ) -> Self {
        Self {
            pool,
            client,
            clock,
            settings,
            pacer: Mutex::new(Pacer::default()),
        }
    }

    /// Sends at most one message: the single step of the sender's loop.
    pub async fn try_send_next(&self) -> anyhow::Result<SendOutcome> {
        let now = self.clock.now();
        let mut conn = self.pool.acquire().await?;
        self.reclaim_stale(&mut conn, now).await?;
        let heads = outbox::due_heads(&mut conn, now, HEADS).await?;
        if heads.is_empty() {
            return Ok(match outbox::next_due_at(&mut conn).await? {
                Some(at) => SendOutcome::Waiting(until(now, at)),
                None => SendOutcome::Empty,
            });
        }
        let instant = Instant::now();
        let pick = match self
            .pacer
            .lock()
            .expect("pacer lock")
            .choose(&heads, instant)
        {
            Ok(head) => head,
            Err(wait) => return Ok(SendOutcome::Waiting(wait)),
        };
        let Some(row) = outbox::claim(&mut conn, pick.id, now).await? else {
            return Ok(SendOutcome::Waiting(Duration::ZERO));
        };
        drop(conn); // no connection is held across the network call
        // Paced from the moment the request leaves, after the claim's write.
        let instant = Instant::now();
        self.pacer
            .lock()
            .expect("pacer lock")
            .record(row.chat_id, instant);
        let result = self.call(&row).await;
        let latency_ms = instant.elapsed().as_millis() as u64;
        let outcome = outcome_of(&row, result, self.clock.now(), latency_ms);
        self.store(&row, &outcome).await;
        let id = row.id;
        Ok(match outcome {
            Outcome::Sent(_) => {
                self.release_file(&row).await;
                SendOutcome::Sent { id }
            }
            Outcome::Retry { .. } | Outcome::Migrated(_) => SendOutcome::Retrying { id },
            Outcome::Failed(_) => {
                self.release_file(&row).await;
                SendOutcome::Failed { id }
            }
            Outcome::Unreachable(_) => {
                self.release_file(&row).await;
                SendOutcome::Unreachable { id }
            }
        })
    }

    /// Sends every row that is due by the clock, waiting out Telegram's limits in real time
    /// between them, and stops at the first row that waits for the clock: the loop's steps for a
    /// caller that drives them itself. Returns how many rows were tried.
    pub async fn send_due(&self) -> anyhow::Result<usize> {
        let mut tried = 0;
        loop {
            match self.try_send_next().await? {
                SendOutcome::Empty => return Ok(tried),
                SendOutcome::Waiting(wait) => {
                    if !self.anything_due().await? {
                        return Ok(tried);
                    }
                    // Held back by the pacer, or another sender took the row first.
                    tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
                }
                _ => tried += 1,
            }
        }
    }

    /// Whether a row may go now by the clock (whatever the pacer says).
    async fn anything_due(&self) -> anyhow::Result<bool> {
        let now = self.clock.now();
        let mut conn = self.pool.acquire().await?;
        Ok(!outbox::due_heads(&mut conn, now, 1).await?.is_empty())
    }

    /// A file sent, or refused for good, is deleted unless a message not yet sent needs it.
    async fn release_file(&self, row: &Claimed) {
        let Some(path) = file_path(&row.payload) else {
            return;
        };
        let released = match self.pool.acquire().await {
            Ok(mut conn) => upkeep::release_file(&mut conn, &path).await,
            Err(error) => Err(error.into()),
        };
        if let Err(error) = released {
            // The daily prune removes what is left behind.
            tracing::warn!(error = %format!("{error:#}"), "could not delete a sent file");
        }
    }

    /// Makes the row's Bot API call, uploading its file if it has one.
    async fn call(&self, row: &Claimed) -> Result<Value, CallError> {
        let mut body: Value =
            serde_json::from_str(&row.payload).map_err(|error| CallError::Api {
                code: 0,
                description: format!("unreadable payload: {error}"),
            })?;
        let Some(file) = body
            .as_object_mut()
            .and_then(|fields| fields.remove("_file"))
        else {
            return self.client.call(&row.method, &body, REQUEST_TIMEOUT).await;
        };
        // A document or photo on disk: uploaded with the call.
        match std::fs::read(file["path"].as_str().unwrap_or_default()) {
            Ok(bytes) => {
                let upload = Upload {
                    field: file["field"].as_str().unwrap_or("document").to_owned(),
                    name: file["name"].as_str().unwrap_or("file").to_owned(),
                    bytes,
                };
                self.client
                    .call_with_file(&row.method, &body, upload, REQUEST_TIMEOUT)
                    .await
            }
            Err(error) => Err(CallError::Api {
                code: 0,
                description: format!("the file to send is gone: {error}"),
            }),
        }
    }

    /// A row left `sending` for longer than any call takes lost its outcome (the step that took
    /// it stopped half-way): it goes back to the queue while we run, not only at the next start.
    async fn reclaim_stale(
        &self,
        conn: &mut SqliteConnection,
        now: DateTime<Utc>,
    ) -> sqlx::Result<()> {
        let before = now - STALE_SENDING;
        // Read first: the write would take the lock on every step.
        if outbox::stale_sending(conn, before).await? > 0 {
            let reclaimed = outbox::reclaim_stale(conn, before).await?;
            tracing::warn!(
                reclaimed,
                "messages whose outcome was lost will be sent again"
            );
        }
        Ok(())
    }

    /// Writes an outcome, trying again until it is stored: a row left `sending` would be sent
    /// again after a restart, so a locked database (an operator's `sqlite3` holding the write
    /// lock past our busy timeout) is waited out rather than given up on.
    async fn store(&self, row: &Claimed, outcome: &Outcome) {
        let mut delay = Duration::from_millis(50);
        loop {
            match self.try_store(row, outcome).await {
                Ok(()) => return,
                Err(error) => {
                    tracing::warn!(outbox_id = row.id, error = %format!("{error:#}"), retry_in = ?delay, "storing a send's outcome failed; trying again");
                }
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(OUTCOME_RETRY_CAP);
        }
    }

    async fn try_store(&self, row: &Claimed, outcome: &Outcome) -> anyhow::Result<()> {
        let now = self.clock.now();
        let (id, chat) = (row.id, row.chat_id);
        let mut tx = db::begin_write(&self.pool).await?;
        match outcome {
            Outcome::Sent(message_id) => {
                outbox::mark_sent(&mut tx, id, *message_id, now).await?;
                db::health::record_send(&mut tx, now).await?;
            }
            Outcome::Retry {
                uncertain,
                at,
                error,
            } => {
                outbox::retry_at(&mut tx, id, *uncertain, *at, error).await?;
                outbox::hold_chat_until(&mut tx, chat, *at).await?;
            }
            Outcome::Failed(error) => outbox::mark_failed(&mut tx, id, error).await?,
            Outcome::Unreachable(error) => self.mark_unreachable(&mut tx, chat, error, now).await?,
            Outcome::Migrated(to) => {
                let why = "group upgraded to a supergroup";
                outbox::requeue_to_chat(&mut tx, id, *to, now, why).await?;
                crate::bot::groups::follow_upgrade(&mut tx, &self.settings, chat, *to, now).await?;
            }
        }
        forget_spent_secrets(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Nothing more goes to this chat; if it is a person we know, the admins are told, once.
    async fn mark_unreachable(
        &self,
        tx: &mut SqliteConnection,
        chat: i64,
        error: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        outbox::mark_chat_unreachable(tx, chat, error).await?;
        if people::mark_unreachable(tx, chat).await? {
            let name = people::display_name(tx, chat)
                .await?
                .unwrap_or_else(|| chat.to_string());
            notify::admins(
                tx,
                &self.settings,
                &texts::unreachable_notice(&name),
                Some(chat),
                now,
            )
            .await?;
        }
        // A group is nobody's own chat, but it may be a leader's digest group.
        crate::bot::groups::follow_loss(tx, &self.settings, chat, now).await?;
        Ok(())
    }

    /// Sends until `shutdown`, waking at once for a new row; then flushes what is due.
    pub async fn run(self: Arc<Self>, wake: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
        while !*shutdown.borrow() {
            let pause = match self.try_send_next().await {
                Ok(SendOutcome::Waiting(wait)) => wait.min(Duration::from_secs(1)),
                // A clock moved by a test or `--now` may make a queued row due: look every second.
                Ok(SendOutcome::Empty) => Duration::from_secs(1),
                Ok(_) => continue,
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "the sender failed a step");
                    Duration::from_secs(1)
                }
            };
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
        }
        let deadline = Instant::now() + FLUSH_LIMIT;
        while Instant::now() < deadline {
            match self.try_send_next().await {
                Ok(SendOutcome::Empty) | Err(_) => break,
                Ok(SendOutcome::Waiting(wait)) if wait > Duration::from_secs(1) => break,
                Ok(SendOutcome::Waiting(wait)) => tokio::time::sleep(wait).await,
                Ok(_) => {}
            }
        }
        tracing::info!("sender stopped");
    }
}

/// What a call's result means for its row, logged.
fn outcome_of(
    row: &Claimed,
    result: Result<Value, CallError>,
    now: DateTime<Utc>,
    latency_ms: u64,
) -> Outcome {
    let (id, chat) = (row.id, row.chat_id);
    let later = |wait: Duration| now + TimeDelta::from_std(wait).unwrap_or_default();
    match result {
        Ok(message) => {
            tracing::info!(outbox_id = id, chat, method = %row.method, attempts = row.attempts, latency_ms, "message sent");
            tracing::debug!(outbox_id = id, text = %prefix(row), "message sent");
            Outcome::Sent(message["message_id"].as_i64())
        }
        Err(CallError::RetryAfter(secs)) => {
            let asked = Duration::from_secs(secs);
            if asked > RETRY_AFTER_CAP {
                tracing::warn!(
                    chat,
                    retry_after = secs,
                    cap = RETRY_AFTER_CAP.as_secs(),
                    "retry_after capped"
                );
            }
            tracing::warn!(
                outbox_id = id,
                chat,
                retry_after = secs,
                "Telegram asked this chat to wait"
            );
            Outcome::Retry {
                uncertain: false,
                at: later(asked.min(RETRY_AFTER_CAP)),
                error: "429".to_owned(),
            }
        }
        Err(CallError::Migrated { to }) => {
            tracing::warn!(
                outbox_id = id,
                from = chat,
                to,
                "the group became a supergroup; sending there"
            );
            Outcome::Migrated(to)
        }
        Err(error) if error.is_unreachable() => {
            tracing::warn!(outbox_id = id, chat, %error, "chat unreachable");
            Outcome::Unreachable(error.to_string())
        }
        Err(error @ (CallError::Server { .. } | CallError::Network { .. })) => {
            let uncertain = matches!(
                error,
                CallError::Server { .. }
                    | CallError::Network {
                        maybe_delivered: true,
                        ..
                    }
            );
            let wait = backoff(row.attempts);
            tracing::warn!(outbox_id = id, chat, %error, retry_in = ?wait, "sending failed; will retry");
            Outcome::Retry {
                uncertain,
                at: later(wait),
                error: error.to_string(),
            }
        }
        Err(error) => {
            tracing::error!(outbox_id = id, chat, method = %row.method, %error, "Telegram refused a message");
            Outcome::Failed(error.to_string())
        }
    }
}

/// The file on disk a row uploads, if it has one.
fn file_path(payload: &str) -> Option<String> {
    let body: Value = serde_json::from_str(payload).ok()?;
    body["_file"]["path"].as_str().map(str::to_owned)
}

/// 2, 4, 8 … seconds, at most five minutes.
fn backoff(attempts: i64) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempts.clamp(1, 20) as u32).min(300))
}

fn until(now: DateTime<Utc>, at: DateTime<Utc>) -> Duration {
    (at - now).to_std().unwrap_or(Duration::ZERO)
}

/// Blanks the secrets of every row that is done with them (sent, or failed for good).
pub async fn forget_spent_secrets(conn: &mut SqliteConnection) -> anyhow::Result<u64> {
    let spent = outbox::spent_secrets(conn).await?;
    for row in &spent {
        let secrets: Vec<String> = serde_json::from_str(&row.secrets).unwrap_or_default();
        outbox::forget_secrets(conn, row.id, &blank_secrets(&row.payload, &secrets)).await?;
    }
    Ok(spent.len() as u64)
}

/// The first characters of a message, its secrets blanked, for debug logs only.
fn prefix(row: &Claimed) -> String {
    let secrets: Vec<String> = row
        .secrets
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let body: Value =
        serde_json::from_str(&blank_secrets(&row.payload, &secrets)).unwrap_or_default();
    body["text"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .take(16)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(30), Duration::from_secs(300));
    }
}
