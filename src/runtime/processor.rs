//! Feeds handlers from the inbox: the updates of one chat in order, different chats in
//! parallel. Each update is handled in one transaction that also marks it done; a failure rolls
//! everything back and the update is tried again. Bad luck with the machine (a full disk, a
//! busy database) is waited out with backoff on the injected clock; a bug gets three attempts,
//! then the update is set aside (quarantined) and the admins told. A panic or a hung handler
//! costs one apology, not the process.

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use teloxide::dispatching::UpdateHandler;
use teloxide::dptree;
use teloxide::types::{Me, Update};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use crate::bot::dialogue_storage::TxStorage;
use crate::bot::turn::{DirectCall, Turn};
use crate::bot::{BotContext, secrets, texts};
use crate::clock::SharedClock;
use crate::db::{self, inbox, inbox::InboxRow, people};
use crate::jobs::notify;
use crate::runtime::failure::Failure;
use crate::runtime::telegram::{CallError, TelegramClient};

/// Attempts that fail by a bug before an update is set aside.
pub const MAX_ATTEMPTS: i64 = 3;
/// Setbacks (failures of the machine) before an update is set aside: with the backoff below,
/// about a day of a full disk or a locked database. A person's answer waits that out; only an
/// error misread as the machine's, failing for a whole day, is set aside and the admins told.
pub const MAX_SETBACKS: i64 = 24 * 60;
/// The longest wait between two attempts after a setback.
const MAX_BACKOFF_SECS: i64 = 60;
/// A handler taking longer than this is stopped and its update tried again. Its transaction
/// holds SQLite's write lock all along, so it lets go well within another writer's busy
/// timeout: the sender recording an outcome, the heartbeat queueing steps.
pub const HANDLER_TIMEOUT: Duration = Duration::from_secs(5);
const _: () = assert!(2 * HANDLER_TIMEOUT.as_millis() <= db::BUSY_TIMEOUT.as_millis());

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Done,
    /// Failed; left pending for another attempt.
    Retry,
    Quarantined,
}

pub struct Processor {
    ctx: BotContext,
    handler: Arc<UpdateHandler<anyhow::Error>>,
    me: Me,
    client: TelegramClient,
    /// Woken when the outbox has something new.
    sender: Arc<Notify>,
    busy: Mutex<HashSet<Option<i64>>>,
}

impl Processor {
    pub fn new(
        ctx: BotContext,
        handler: Arc<UpdateHandler<anyhow::Error>>,
        me: Me,
        client: TelegramClient,
        sender: Arc<Notify>,
    ) -> Self {
        Self {
            ctx,
            handler,
            me,
            client,
            sender,
            busy: Mutex::new(HashSet::new()),
        }
    }

    /// Handles pending updates until `shutdown`; then lets the chats in hand finish their
    /// current update (what is left stays in the inbox for the next start).
    pub async fn run(self: Arc<Self>, wake: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
        let mut chats = JoinSet::new();
        let done = Arc::new(Notify::new());
        loop {
            if *shutdown.borrow() {
                break;
            }
            match self
                .start_idle_chats(&mut chats, &done, shutdown.clone())
                .await
            {
                Ok(()) => {}
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "reading the inbox failed")
                }
            }
            while chats.try_join_next().is_some() {}
            tokio::select! {
                _ = wake.notified() => {}
                _ = done.notified() => {}
                // A retried update waits for no wake-up.
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => {}
            }
        }
        while chats.join_next().await.is_some() {}
        tracing::info!("processor stopped");
    }

    async fn start_idle_chats(
        self: &Arc<Self>,
        chats: &mut JoinSet<()>,
        done: &Arc<Notify>,
        shutdown: watch::Receiver<bool>,
    ) -> anyhow::Result<()> {
        let now = self.ctx.clock.now();
        let heads = inbox::heads_of_pending(&mut *self.ctx.pool.acquire().await?, now, 256).await?;
        for head in heads {
            if !self.busy.lock().expect("busy lock").insert(head.chat_id) {
                continue;
            }
            let this = Arc::clone(self);
            let done = Arc::clone(done);
            let shutdown = shutdown.clone();
            chats.spawn(async move {
                let chat = head.chat_id;
                this.drain_chat(head, &shutdown).await;
                this.busy.lock().expect("busy lock").remove(&chat);
                done.notify_one();
            });
        }
        Ok(())
    }

    /// Handles one chat's pending updates in order, until there are none due or we are stopping.
    async fn drain_chat(&self, head: InboxRow, shutdown: &watch::Receiver<bool>) {
        let (chat, first) = (head.chat_id, head.update_id);
        let mut next = Some(head);
        while let Some(row) = next {
            if let Err(error) = self.handle(row).await {
                tracing::error!(error = %format!("{error:#}"), chat, "recording an update's outcome failed");
                return;
            }
            if *shutdown.borrow() {
                return;
            }
            // An update that failed by bad luck is not due yet: the run loop comes back for it.
            let now = self.ctx.clock.now();
            next = match self.ctx.pool.acquire().await {
                Ok(mut conn) => inbox::next_pending_of_chat(&mut conn, chat, first, now)
                    .await
                    .unwrap_or(None),
                Err(_) => None,
            };
        }
    }

    /// Handles the oldest due update of the inbox, if there is one: the loop's single step for
    /// a caller that drives it itself (one chat's updates stay in order, as in [`Self::run`]).
    pub async fn handle_next(&self) -> anyhow::Result<Option<Handled>> {
        let now = self.ctx.clock.now();
        let heads = inbox::heads_of_pending(&mut *self.ctx.pool.acquire().await?, now, 1).await?;
        match heads.into_iter().next() {
            Some(row) => Ok(Some(self.handle(row).await?)),
            None => Ok(None),
        }
    }

    /// Handles one update from the inbox.
    pub async fn handle(&self, row: InboxRow) -> anyhow::Result<Handled> {
        let started = Instant::now();
        let update: Update = match serde_json::from_str(&row.payload) {
            Ok(update) => update,
            Err(error) => {
                return self
                    .set_aside(&row, &format!("unreadable update: {error}"), false)
                    .await;
            }
        };
        let kind = update_kind(&row.payload);
        let user_id = update.from().map(|u| u.id.0 as i64);
        let turn = Turn::new(db::begin_write(&self.ctx.pool).await?, self.ctx.clock.now());
        let failed = self.run_handler(update, &turn).await;
        let (tx, direct) = turn.finish().await;
        let latency_ms = started.elapsed().as_millis() as u64;
        let failed = match failed {
            Some(failed) => {
                drop(tx); // rolls back everything the handler wrote
                failed
            }
            None => match self
                .commit(tx.expect("the transaction is returned once"), &row, user_id)
                .await
            {
                Ok(()) => {
                    self.sender.notify_one();
                    self.call_directly(direct);
                    tracing::info!(
                        update_id = row.update_id,
                        chat = row.chat_id,
                        kind,
                        latency_ms,
                        "update handled"
                    );
                    return Ok(Handled::Done);
                }
                // A full disk shows itself at the commit as often as in the handler.
                Err(error) => Failed::from(error),
            },
        };
        tracing::error!(update_id = row.update_id, chat = row.chat_id, kind, latency_ms, cause = ?failed.cause, error = %failed.error, "handling an update failed");
        self.record(&row, failed).await
    }

    /// Runs the handler tree on an update, within the handler timeout; `None` when it succeeded.
    async fn run_handler(&self, update: Update, turn: &Turn) -> Option<Failed> {
        let storage = TxStorage::new(turn.clone());
        let deps = dptree::deps![
            update,
            self.ctx.clone(),
            turn.clone(),
            storage,
            self.me.clone()
        ];
        let handler = Arc::clone(&self.handler);
        let mut task = tokio::spawn(async move { handler.dispatch(deps).await });
        match tokio::time::timeout(HANDLER_TIMEOUT, &mut task).await {
            Ok(Ok(ControlFlow::Break(Ok(())) | ControlFlow::Continue(_))) => None,
            Ok(Ok(ControlFlow::Break(Err(error)))) => Some(Failed::from(error)),
            Ok(Err(join)) if join.is_panic() => Some(Failed {
                error: panic_text(join.into_panic()),
                cause: Cause::Panic,
            }),
            Ok(Err(join)) => Some(Failed {
                error: join.to_string(),
                cause: Cause::Failure(Failure::Bug),
            }),
            Err(_) => {
                task.abort();
                let _ = task.await;
                Some(Failed {
                    error: "the handler timed out".to_owned(),
                    cause: Cause::TimedOut,
                })
            }
        }
    }

    /// Marks the update done in the handler's transaction and commits it.
    async fn commit(
        &self,
        mut tx: db::Tx,
        row: &InboxRow,
        user_id: Option<i64>,
    ) -> anyhow::Result<()> {
        let now = self.ctx.clock.now();
        inbox::mark_done(&mut tx, row.update_id, now).await?;
        forget_start_payload(&mut tx, row).await?;
        if let Some(user) = user_id {
            // Someone who writes to us can be reached again.
            people::mark_reachable(&mut tx, user).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Counts a failed attempt and sets when to try again, or sets the update aside.
    async fn record(&self, row: &InboxRow, failed: Failed) -> anyhow::Result<Handled> {
        let now = self.ctx.clock.now();
        let at = |delay: TimeDelta| now + delay;
        let mut conn = self.ctx.pool.acquire().await?;
        let error = failed.error.as_str();
        let give_up = match failed.cause {
            // A panic is a bug, not bad luck: trying again would only panic again.
            Cause::Panic => {
                inbox::record_failure(&mut conn, row.update_id, error, at(TimeDelta::zero()))
                    .await?;
                true
            }
            Cause::Failure(Failure::Bug) => {
                inbox::record_failure(&mut conn, row.update_id, error, at(TimeDelta::zero()))
                    .await?
                    >= MAX_ATTEMPTS
            }
            // A hung handler held the write lock all along: others get a turn before the next try.
            Cause::TimedOut => {
                let pause = TimeDelta::from_std(HANDLER_TIMEOUT).unwrap_or(TimeDelta::zero());
                inbox::record_failure(&mut conn, row.update_id, error, at(pause)).await?
                    >= MAX_ATTEMPTS
            }
            Cause::Failure(Failure::Transient) => {
                let next = at(backoff(row.setbacks + 1));
                inbox::record_setback(&mut conn, row.update_id, error, next).await? >= MAX_SETBACKS
            }
        };
        drop(conn);
        if give_up {
            return self.set_aside(row, error, true).await;
        }
        Ok(Handled::Retry)
    }

    /// Quarantines an update; the person gets one apology and the admins are told.
    async fn set_aside(
        &self,
        row: &InboxRow,
        error: &str,
        apologise: bool,
    ) -> anyhow::Result<Handled> {
        let now = self.ctx.clock.now();
        let mut tx = db::begin_write(&self.ctx.pool).await?;
        inbox::quarantine(&mut tx, row.update_id, error, now).await?;
        forget_start_payload(&mut tx, row).await?;
        forget_start_payload(&mut tx, row).await?;
        if apologise && let Some(chat) = row.chat_id {
            crate::bot::outgoing::Outgoing::text(chat, texts::apology())
                .enqueue(&mut tx, now)
                .await?;
        }
        let who = match row.chat_id {
            Some(chat) => people::display_name(&mut tx, chat)
                .await?
                .unwrap_or_else(|| format!("会话 {chat}")),
            None => "未知会话".to_owned(),
        };
        notify::admins(
            &mut tx,
            &self.ctx.settings,
            &texts::quarantined_notice(&who, row.update_id),
            None,
            now,
        )
        .await?;
        tx.commit().await?;
        self.sender.notify_one();
        tracing::warn!(
            update_id = row.update_id,
            chat = row.chat_id,
            "update quarantined"
        );
        Ok(Handled::Quarantined)
    }

    /// Answers to button presses and edits: worthless after a crash, so they skip the outbox,
    /// but a 429 is still waited out (a few times at most) off the handler's path, on the
    /// injected clock.
    fn call_directly(&self, calls: Vec<DirectCall>) {
        if calls.is_empty() {
            return;
        }
        let client = self.client.clone();
        let clock = self.ctx.clock.clone();
        tokio::spawn(async move {
            for call in calls {
                for _ in 0..3 {
                    match client
                        .call(call.method, &call.body, Duration::from_secs(15))
                        .await
                    {
                        Err(CallError::RetryAfter(secs)) => {
                            let wait = TimeDelta::seconds(secs.min(30) as i64);
                            wait_until(&clock, clock.now() + wait).await
                        }
                        Err(error) => {
                            tracing::warn!(method = call.method, %error, "a direct call failed");
                            break;
                        }
                        Ok(_) => break,
                    }
                }
            }
        });
    }
}

/// Waits until the clock reads `at`: real time with the system's clock, the test's steps with a
/// manual one (looked at often enough that a real wait ends within a few milliseconds of `at`).
async fn wait_until(clock: &SharedClock, at: DateTime<Utc>) {
    const LOOK_EVERY: Duration = Duration::from_millis(50);
    while let Ok(left) = (at - clock.now()).to_std() {
        if left.is_zero() {
            return;
        }
        tokio::time::sleep(left.min(LOOK_EVERY)).await;
    }
}

/// Why an attempt failed, with the error's text for the inbox row and the log.
struct Failed {
    error: String,
    cause: Cause,
}

#[derive(Debug, Clone, Copy)]
enum Cause {
    Failure(Failure),
    Panic,
    TimedOut,
}

impl From<anyhow::Error> for Failed {
    fn from(error: anyhow::Error) -> Self {
        Self {
            cause: Cause::Failure(Failure::of(&error)),
            error: format!("{error:#}"),
        }
    }
}

/// The wait before the next attempt after the `n`th setback: 1 s, 2 s, 4 s … up to a minute.
fn backoff(n: i64) -> TimeDelta {
    let exponent = u32::try_from(n.clamp(1, 7) - 1).unwrap_or(0);
    TimeDelta::seconds(2i64.pow(exponent).min(MAX_BACKOFF_SECS))
}

/// An invite token must not rest in the inbox once its update is handled or set aside.
async fn forget_start_payload(
    conn: &mut sqlx::SqliteConnection,
    row: &InboxRow,
) -> sqlx::Result<()> {
    match secrets::start_payload_blanked(&row.payload) {
        Some(blanked) => inbox::replace_payload(conn, row.update_id, &blanked).await,
        None => Ok(()),
    }
}

/// `message`, `callback_query` …: the update's one key besides its id.
fn update_kind(payload: &str) -> String {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(payload)
        .ok()
        .and_then(|map| map.keys().find(|k| *k != "update_id").cloned())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned());
    format!("panicked: {text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setbacks_back_off_from_a_second_to_a_minute_and_outlast_a_minute_in_all() {
        let waits: Vec<i64> = (1..=8).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        let total: i64 = (1..MAX_SETBACKS).map(|n| backoff(n).num_seconds()).sum();
        assert!(total >= 60, "waited {total} s in all");
    }
}
