//! The robot sender: sends what `robot_outbox` holds to the WeCom, DingTalk and Feishu group
//! robots. It runs beside the Telegram sender and never shares its loop, so a robot that is
//! paused, slow or broken never delays a Telegram message. Each robot keeps its platform's pace
//! (counted over its sent rows, so a restart keeps it), sends its rows in id order, and has its
//! own retry time. A row is claimed `sending` before its request and its outcome stored after;
//! a row a stop left `sending` goes again at the next start (at most one duplicate).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;
use tokio::sync::watch;

use crate::bot::texts;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::robots::{self, Claimed};
use crate::db::{self};
use crate::jobs::notify;
use crate::robots::send::{self, Verdict};
use crate::robots::{Robot, RobotMessage};
use crate::services::upkeep;

/// The longest pause between two tries to store an outcome.
const OUTCOME_RETRY_CAP: Duration = Duration::from_secs(2);

/// What one step of the robot sender did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RobotOutcome {
    Sent {
        id: i64,
    },
    /// Not taken now (rate limit, network, 5xx): queued again for later.
    Retrying {
        id: i64,
    },
    /// Refused for good; the reason is kept on the row.
    Failed {
        id: i64,
    },
    /// The robot's key was refused: the row waits, the robot is paused.
    Broken {
        id: i64,
    },
    /// Rows are waiting, none may go yet by the clock; look again after this long.
    Waiting(Duration),
    Empty,
}

pub struct RobotSender {
    pool: SqlitePool,
    clock: SharedClock,
    settings: Arc<Settings>,
    http: reqwest::Client,
}

impl RobotSender {
    pub fn new(
        pool: SqlitePool,
        clock: SharedClock,
        settings: Arc<Settings>,
    ) -> anyhow::Result<Self> {
        let http = crate::runtime::http::client(&settings.network)?;
        Ok(Self {
            pool,
            clock,
            settings,
            http,
        })
    }

    /// At start: rows a stop left `sending` go again, and each configured robot's webhook is
    /// recorded by its hash (a new webhook clears a broken robot).
    pub async fn start(&self) -> anyhow::Result<()> {
        let mut tx = db::begin_write(&self.pool).await?;
        let interrupted = robots::recover_interrupted(&mut tx).await?;
        if interrupted > 0 {
            tracing::warn!(
                interrupted,
                "robot messages in flight at the last stop will be sent again"
            );
        }
        for robot in &self.settings.robots {
            robots::sync_state(&mut tx, &robot.name, &webhook_hash(robot)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sends at most one robot message: the single step of the robot sender's loop.
    pub async fn try_send_next(&self) -> anyhow::Result<RobotOutcome> {
        let now = self.clock.now();
        let mut conn = self.pool.acquire().await?;
        let heads = robots::heads(&mut conn).await?;
        let broken = robots::broken(&mut conn).await?;
        let mut soonest: Option<DateTime<Utc>> = None;
        let mut later = |at: DateTime<Utc>| soonest = Some(soonest.map_or(at, |s| s.min(at)));
        for head in heads {
            // A robot no longer configured: its rows are left as they are.
            let Some(robot) = self.settings.robots.iter().find(|r| r.name == head.robot) else {
                continue;
            };
            if head.state != "pending" || broken.contains(&head.robot) {
                continue;
            }
            if head.next_attempt_at > now {
                later(head.next_attempt_at);
                continue;
            }
            let window =
                robots::sent_since(&mut conn, &robot.name, now - TimeDelta::minutes(1)).await?;
            if let Some(wait) = pace_wait(&window, now, robot.platform.pace()) {
                later(now + TimeDelta::from_std(wait).unwrap_or_default());
                continue;
            }
            let Some(row) = robots::claim(&mut conn, head.id).await? else {
                continue;
            };
            drop(conn); // no connection is held across the network call
            let verdict = self.deliver(robot, &row).await;
            self.store(robot, &row, &verdict).await;
            if matches!(verdict, Verdict::Delivered | Verdict::Refused(_)) {
                self.release_file(&row).await;
            }
            let id = row.id;
            return Ok(match verdict {
                Verdict::Delivered => RobotOutcome::Sent { id },
                Verdict::RateLimited { .. } | Verdict::Retry(_) => RobotOutcome::Retrying { id },
                Verdict::Broken(_) => RobotOutcome::Broken { id },
                Verdict::Refused(_) => RobotOutcome::Failed { id },
            });
        }
        Ok(match soonest {
            Some(at) => RobotOutcome::Waiting((at - now).to_std().unwrap_or(Duration::ZERO)),
            None => RobotOutcome::Empty,
        })
    }

    /// Sends every robot message that may go by the clock; stops at the first that waits for
    /// the clock (its retry time or its robot's pace). Returns how many rows were tried.
    pub async fn send_due(&self) -> anyhow::Result<usize> {
        let mut tried = 0;
        loop {
            match self.try_send_next().await? {
                RobotOutcome::Empty | RobotOutcome::Waiting(_) => return Ok(tried),
                _ => tried += 1,
            }
        }
    }

    async fn deliver(&self, robot: &Robot, row: &Claimed) -> Verdict {
        let message: RobotMessage = match serde_json::from_str(&row.payload) {
            Ok(message) => message,
            Err(error) => return Verdict::Refused(format!("unreadable payload: {error}")),
        };
        let started = std::time::Instant::now();
        // Signed with the injected clock, at the moment of sending.
        let verdict = send::deliver(&self.http, robot, &message, self.clock.now()).await;
        let latency_ms = started.elapsed().as_millis() as u64;
        let (id, name, attempts) = (row.id, robot.name.as_str(), row.attempts);
        match &verdict {
            Verdict::Delivered => {
                tracing::info!(
                    robot_outbox_id = id,
                    robot = name,
                    attempts,
                    latency_ms,
                    "robot message sent"
                );
            }
            Verdict::RateLimited { error, .. } | Verdict::Retry(error) => {
                tracing::warn!(robot_outbox_id = id, robot = name, attempts, %error, "robot message not taken; will retry");
            }
            Verdict::Broken(error) => {
                tracing::error!(robot_outbox_id = id, robot = name, %error, "the robot's webhook was refused; robot paused");
            }
            Verdict::Refused(error) => {
                tracing::error!(robot_outbox_id = id, robot = name, %error, "the platform refused a robot message");
            }
        }
        verdict
    }

    /// A chart or ledger sent, or refused for good, is deleted unless a message not yet sent
    /// (to Telegram or another robot) needs it.
    async fn release_file(&self, row: &Claimed) {
        let path = match serde_json::from_str(&row.payload) {
            Ok(RobotMessage::Image { path } | RobotMessage::File { path, .. }) => path,
            _ => return,
        };
        let released = match self.pool.acquire().await {
            Ok(mut conn) => upkeep::release_file(&mut conn, &path.to_string_lossy()).await,
            Err(error) => Err(error.into()),
        };
        if let Err(error) = released {
            // The daily prune removes what is left behind.
            tracing::warn!(error = %format!("{error:#}"), "could not delete a file a robot sent");
        }
    }

    /// Writes an outcome, trying again until it is stored: a row left `sending` would go
    /// again after a restart.
    async fn store(&self, robot: &Robot, row: &Claimed, verdict: &Verdict) {
        let mut delay = Duration::from_millis(50);
        loop {
            match self.try_store(robot, row, verdict).await {
                Ok(()) => return,
                Err(error) => {
                    tracing::warn!(robot_outbox_id = row.id, error = %format!("{error:#}"), retry_in = ?delay, "storing a robot send's outcome failed; trying again");
                }
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(OUTCOME_RETRY_CAP);
        }
    }

    async fn try_store(
        &self,
        robot: &Robot,
        row: &Claimed,
        verdict: &Verdict,
    ) -> anyhow::Result<()> {
        let now = self.clock.now();
        let (id, name) = (row.id, robot.name.as_str());
        let after = |wait: Duration| now + TimeDelta::from_std(wait).unwrap_or_default();
        let mut tx = db::begin_write(&self.pool).await?;
        match verdict {
            Verdict::Delivered => {
                robots::mark_sent(&mut tx, id, now).await?;
                robots::record_outcome(&mut tx, name, None, now).await?;
            }
            Verdict::RateLimited { wait, error } => {
                robots::retry_at(&mut tx, id, after(*wait), error).await?;
                robots::record_outcome(&mut tx, name, Some(error), now).await?;
            }
            Verdict::Retry(error) => {
                robots::retry_at(&mut tx, id, after(backoff(row.attempts)), error).await?;
                robots::record_outcome(&mut tx, name, Some(error), now).await?;
            }
            Verdict::Broken(error) => {
                // The row is kept for when the webhook is replaced.
                robots::retry_at(&mut tx, id, now, error).await?;
                if robots::mark_broken(&mut tx, name, error, now).await? {
                    let text = texts::robots::robot_broken(
                        robot.platform.label(),
                        name,
                        robot.secret.is_some(),
                    );
                    notify::admins(&mut tx, &self.settings, &text, None, now).await?;
                }
            }
            Verdict::Refused(error) => {
                robots::mark_failed(&mut tx, id, error).await?;
                robots::record_outcome(&mut tx, name, Some(error), now).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sends until `shutdown`. Rows left at the stop stay pending for the next start.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        while !*shutdown.borrow() {
            let pause = match self.try_send_next().await {
                Ok(RobotOutcome::Waiting(wait)) => wait.min(Duration::from_secs(1)),
                // A clock moved by a test or `--now` may make a row due: look every second.
                Ok(RobotOutcome::Empty) => Duration::from_secs(1),
                Ok(_) => continue,
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "the robot sender failed a step");
                    Duration::from_secs(1)
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!("robot sender stopped");
    }
}

/// SHA-256 of the webhook URL, hex: the database knows whether it changed, never what it is.
pub fn webhook_hash(robot: &Robot) -> String {
    send::hex(&Sha256::digest(robot.url.expose().as_bytes()))
}

/// How long a robot must wait before its next message, by the times (oldest first) of what it
/// sent in the last minute and its platform's (per minute, per second) limits.
pub fn pace_wait(
    sent: &[DateTime<Utc>],
    now: DateTime<Utc>,
    (per_minute, per_second): (u32, u32),
) -> Option<Duration> {
    let free_at = |times: &[DateTime<Utc>], limit: u32, span: TimeDelta| {
        let limit = limit as usize;
        (times.len() >= limit).then(|| times[times.len() - limit] + span)
    };
    let minute: Vec<_> = sent
        .iter()
        .copied()
        .filter(|t| *t > now - TimeDelta::minutes(1))
        .collect();
    let second: Vec<_> = minute
        .iter()
        .copied()
        .filter(|t| *t > now - TimeDelta::seconds(1))
        .collect();
    let at = [
        free_at(&minute, per_minute, TimeDelta::minutes(1)),
        free_at(&second, per_second, TimeDelta::seconds(1)),
    ]
    .into_iter()
    .flatten()
    .max()?;
    (at - now).to_std().ok().filter(|wait| !wait.is_zero())
}

/// 5 s, 30 s, 2 min, 10 min, then every 30 min: a platform down for a day is still tried.
fn backoff(attempts: i64) -> Duration {
    const STEPS: [u64; 5] = [5, 30, 120, 600, 1800];
    let at = usize::try_from(attempts.max(1) - 1)
        .unwrap_or(0)
        .min(STEPS.len() - 1);
    Duration::from_secs(STEPS[at])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn a_robot_keeps_its_platforms_pace() {
        let now = t(100);
        // 19 in the last minute: the 20th may go.
        let nineteen: Vec<_> = (0..19).map(|i| t(41 + i)).collect();
        assert_eq!(pace_wait(&nineteen, now, (20, 20)), None);
        // 20: wait until the oldest is a minute old.
        let twenty: Vec<_> = (0..20).map(|i| t(41 + i)).collect();
        assert_eq!(
            pace_wait(&twenty, now, (20, 20)),
            Some(Duration::from_secs(1))
        );
        // Feishu: 5 a second.
        let burst = vec![now; 5];
        assert_eq!(
            pace_wait(&burst, now, (100, 5)),
            Some(Duration::from_secs(1))
        );
        assert_eq!(pace_wait(&burst[..4], now, (100, 5)), None);
    }

    #[test]
    fn network_errors_back_off_up_to_half_an_hour() {
        assert_eq!(backoff(1), Duration::from_secs(5));
        assert_eq!(backoff(2), Duration::from_secs(30));
        assert_eq!(backoff(40), Duration::from_secs(1800));
    }
}
