//! The paced sender: the only code that sends messages. It takes due rows from the outbox,
//! keeps within Telegram's limits (about 30 messages a second in all, 1 a second per chat,
//! 20 a minute per group), and records each outcome, so that a restart neither loses nor
//! repeats a send (but for the one ambiguous case: a request that failed after it may have
//! arrived is sent again, marked `uncertain`).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;
use sqlx::SqlitePool;
use tokio::sync::{Notify, watch};

use crate::bot::texts;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::{self, outbox, people};
use crate::runtime::telegram::{CallError, TelegramClient, Upload};
use crate::services::{notify, upkeep};

/// Longest we honour a `retry_after`; Telegram has been seen to ask for hours.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(600);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a stopping bot keeps sending what is due.
const FLUSH_LIMIT: Duration = Duration::from_secs(4);

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

/// Telegram's rate limits, in real (monotonic) time.
#[derive(Debug, Default)]
pub struct Pacer {
    all: VecDeque<Instant>,
    chats: HashMap<i64, Instant>,
    groups: HashMap<i64, VecDeque<Instant>>,
}

impl Pacer {
    pub const PER_SECOND: usize = 30;
    pub const PER_GROUP_MINUTE: usize = 20;

    /// The earliest instant a message to `chat` may go.
    pub fn ready_at(&self, chat: i64, now: Instant) -> Instant {
        let mut at = now;
        if self.all.len() >= Self::PER_SECOND {
            at = at.max(self.all[self.all.len() - Self::PER_SECOND] + Duration::from_secs(1));
        }
        if let Some(last) = self.chats.get(&chat) {
            at = at.max(*last + Duration::from_secs(1));
        }
        if let Some(sent) = self
            .groups
            .get(&chat)
            .filter(|s| s.len() >= Self::PER_GROUP_MINUTE)
        {
            at = at.max(sent[sent.len() - Self::PER_GROUP_MINUTE] + Duration::from_secs(60));
        }
        at
    }

    pub fn record(&mut self, chat: i64, now: Instant) {
        let second_ago = now.checked_sub(Duration::from_secs(1));
        let minute_ago = now.checked_sub(Duration::from_secs(60));
        self.all.push_back(now);
        while self.all.len() > Self::PER_SECOND && second_ago.is_some_and(|t| self.all[0] <= t) {
            self.all.pop_front();
        }
        self.chats.insert(chat, now);
        if self.chats.len() > 4096 {
            self.chats
                .retain(|_, last| second_ago.is_none_or(|t| *last > t));
        }
        // Groups and supergroups have negative ids.
        if chat < 0 {
            let sent = self.groups.entry(chat).or_default();
            sent.push_back(now);
            while sent.len() > Self::PER_GROUP_MINUTE && minute_ago.is_some_and(|t| sent[0] <= t) {
                sent.pop_front();
            }
        }
    }
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
        let due = outbox::due(&mut conn, &db::instant(now), 64).await?;
        if due.is_empty() {
            return Ok(match outbox::next_due_at(&mut conn).await? {
                Some(at) => SendOutcome::Waiting(until(now, &at)),
                None => SendOutcome::Empty,
            });
        }
        let instant = Instant::now();
        let pick = {
            let pacer = self.pacer.lock().expect("pacer lock");
            match due
                .iter()
                .find(|row| pacer.ready_at(row.chat_id, instant) <= instant)
            {
                Some(row) => row.clone(),
                None => {
                    let soonest = due
                        .iter()
                        .map(|row| pacer.ready_at(row.chat_id, instant))
                        .min()
                        .expect("due is not empty");
                    return Ok(SendOutcome::Waiting(soonest - instant));
                }
            }
        };
        if !outbox::claim(&mut conn, pick.id).await? {
            return Ok(SendOutcome::Waiting(Duration::ZERO));
        }
        drop(conn); // no connection is held across the network call
        self.pacer
            .lock()
            .expect("pacer lock")
            .record(pick.chat_id, instant);
        let mut body: Value = serde_json::from_str(&pick.payload)?;
        let file = body
            .as_object_mut()
            .and_then(|fields| fields.remove("_file"));
        let file_path = file
            .as_ref()
            .and_then(|f| f["path"].as_str())
            .map(str::to_owned);
        let result = match file {
            // A document or photo on disk: uploaded with the call.
            Some(file) => match std::fs::read(file["path"].as_str().unwrap_or_default()) {
                Ok(bytes) => {
                    let upload = Upload {
                        field: file["field"].as_str().unwrap_or("document").to_owned(),
                        name: file["name"].as_str().unwrap_or("file").to_owned(),
                        bytes,
                    };
                    self.client
                        .call_with_file(&pick.method, &body, upload, REQUEST_TIMEOUT)
                        .await
                }
                Err(error) => Err(CallError::Api {
                    code: 0,
                    description: format!("the file to send is gone: {error}"),
                }),
            },
            None => self.client.call(&pick.method, &body, REQUEST_TIMEOUT).await,
        };
        let latency_ms = instant.elapsed().as_millis() as u64;
        let now = self.clock.now();
        let mut conn = self.pool.acquire().await?;
        let (id, chat) = (pick.id, pick.chat_id);
        let outcome = match result {
            Ok(message) => {
                outbox::mark_sent(
                    &mut conn,
                    id,
                    message["message_id"].as_i64(),
                    &db::instant(now),
                )
                .await?;
                tracing::info!(outbox_id = id, chat, method = %pick.method, attempts = pick.attempts + 1, latency_ms, "message sent");
                tracing::debug!(outbox_id = id, text = %prefix(&body), "message sent");
                Ok(SendOutcome::Sent { id })
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
                let at = db::instant(now + TimeDelta::from_std(asked.min(RETRY_AFTER_CAP))?);
                outbox::retry_at(&mut conn, id, false, &at, "429").await?;
                outbox::hold_chat_until(&mut conn, chat, &at).await?;
                tracing::warn!(
                    outbox_id = id,
                    chat,
                    retry_after = secs,
                    "Telegram asked this chat to wait"
                );
                Ok(SendOutcome::Retrying { id })
            }
            Err(CallError::Migrated { to }) => {
                drop(conn);
                self.follow_upgrade(id, chat, to).await?;
                Ok(SendOutcome::Retrying { id })
            }
            Err(error) if error.is_unreachable() => {
                drop(conn);
                self.mark_unreachable(chat, &error.to_string()).await?;
                tracing::warn!(outbox_id = id, chat, %error, "chat unreachable");
                Ok(SendOutcome::Unreachable { id })
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
                let wait = backoff(pick.attempts + 1);
                let at = db::instant(now + TimeDelta::from_std(wait)?);
                outbox::retry_at(&mut conn, id, uncertain, &at, &error.to_string()).await?;
                outbox::hold_chat_until(&mut conn, chat, &at).await?;
                tracing::warn!(outbox_id = id, chat, %error, retry_in = ?wait, "sending failed; will retry");
                Ok(SendOutcome::Retrying { id })
            }
            Err(error) => {
                outbox::mark_failed(&mut conn, id, &error.to_string()).await?;
                tracing::error!(outbox_id = id, chat, method = %pick.method, %error, "Telegram refused a message");
                Ok(SendOutcome::Failed { id })
            }
        };
        if let (
            Some(path),
            Ok(
                SendOutcome::Sent { .. }
                | SendOutcome::Failed { .. }
                | SendOutcome::Unreachable { .. },
            ),
        ) = (file_path, &outcome)
        {
            self.release_file(&path).await;
        }
        outcome
    }

    /// A file sent, or refused for good, is deleted unless a message not yet sent needs it.
    async fn release_file(&self, path: &str) {
        let released = match self.pool.acquire().await {
            Ok(mut conn) => upkeep::release_file(&mut conn, path).await,
            Err(error) => Err(error.into()),
        };
        if let Err(error) = released {
            // The daily prune removes what is left behind.
            tracing::warn!(error = %format!("{error:#}"), "could not delete a sent file");
        }
    }

    /// The group became a supergroup: this row, the group's other waiting rows and the leaders'
    /// digest chat move to the new id, and the row goes again at once.
    async fn follow_upgrade(&self, id: i64, from: i64, to: i64) -> anyhow::Result<()> {
        let now = db::instant(self.clock.now());
        let mut tx = db::begin_write(&self.pool).await?;
        outbox::requeue_to_chat(&mut tx, id, to, &now, "group upgraded to a supergroup").await?;
        crate::bot::groups::follow_upgrade(&mut tx, &self.settings, from, to, &now).await?;
        tx.commit().await?;
        tracing::warn!(
            outbox_id = id,
            from,
            to,
            "the group became a supergroup; sending there"
        );
        Ok(())
    }

    /// Nothing more goes to this chat; if it is a person we know, the admins are told, once.
    async fn mark_unreachable(&self, chat: i64, error: &str) -> anyhow::Result<()> {
        let now = db::instant(self.clock.now());
        let mut tx = db::begin_write(&self.pool).await?;
        outbox::mark_chat_unreachable(&mut tx, chat, error).await?;
        if people::mark_unreachable(&mut tx, chat).await? {
            let name = people::display_name(&mut tx, chat)
                .await?
                .unwrap_or_else(|| chat.to_string());
            notify::admins(
                &mut tx,
                &self.settings,
                &texts::unreachable_notice(&name),
                Some(chat),
                &now,
            )
            .await?;
        }
        // A group is nobody's own chat, but it may be a leader's digest group.
        crate::bot::groups::follow_loss(&mut tx, &self.settings, chat, &now).await?;
        tx.commit().await?;
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

/// 2, 4, 8 … seconds, at most five minutes.
fn backoff(attempts: i64) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempts.clamp(1, 20) as u32).min(300))
}

fn until(now: DateTime<Utc>, at: &str) -> Duration {
    DateTime::parse_from_rfc3339(at)
        .map(|at| {
            (at.with_timezone(&Utc) - now)
                .to_std()
                .unwrap_or(Duration::ZERO)
        })
        .unwrap_or(Duration::from_secs(1))
}

/// The first characters of a message, for debug logs only.
fn prefix(body: &Value) -> String {
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
    fn one_chat_gets_one_message_a_second() {
        let mut pacer = Pacer::default();
        let start = Instant::now();
        assert_eq!(pacer.ready_at(1, start), start);
        pacer.record(1, start);
        assert_eq!(pacer.ready_at(1, start), start + Duration::from_secs(1));
        assert_eq!(
            pacer.ready_at(2, start),
            start,
            "another chat is not held up"
        );
    }

    #[test]
    fn thirty_messages_a_second_in_all() {
        let mut pacer = Pacer::default();
        let start = Instant::now();
        for chat in 0..30 {
            pacer.record(chat + 1, start + Duration::from_millis(chat as u64));
        }
        let now = start + Duration::from_millis(40);
        assert_eq!(pacer.ready_at(99, now), start + Duration::from_secs(1));
    }

    #[test]
    fn a_group_gets_twenty_messages_a_minute() {
        let mut pacer = Pacer::default();
        let start = Instant::now();
        for n in 0..20 {
            pacer.record(-5, start + Duration::from_secs(n * 2));
        }
        let now = start + Duration::from_secs(41);
        assert_eq!(pacer.ready_at(-5, now), start + Duration::from_secs(60));
    }

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(30), Duration::from_secs(300));
    }
}
