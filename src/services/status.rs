//! `minsheng status`: what an operator checks first, as data (worded by
//! `bot::texts::status`).

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::db::inbox::StateCount;
use crate::db::people::UnreachableRow;
use crate::db::{evidence, health, inbox, outbox, people};

#[derive(Debug, Clone)]
pub struct Health {
    pub inbox: Vec<StateCount>,
    pub outbox: Vec<StateCount>,
    pub last_received: Option<DateTime<Utc>>,
    pub last_sent: Option<DateTime<Utc>>,
    /// The running bot's last successful `getUpdates`.
    pub last_polled: Option<DateTime<Utc>>,
    pub unreachable: Vec<UnreachableRow>,
    /// Evidence files by state: stored, waiting, given up on.
    pub evidence: Vec<StateCount>,
}

pub async fn health(pool: &SqlitePool) -> sqlx::Result<Health> {
    let mut conn = pool.acquire().await?;
    Ok(Health {
        inbox: inbox::counts_by_state(&mut conn).await?,
        outbox: outbox::counts_by_state(&mut conn).await?,
        last_received: inbox::last_received(&mut conn).await?,
        last_sent: outbox::last_sent(&mut conn).await?,
        last_polled: health::last_poll(&mut conn).await?,
        unreachable: people::unreachable(&mut conn).await?,
        evidence: evidence::counts_by_state(&mut conn).await?,
    })
}

/// One thing `minsheng status --check` finds wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The bot runs but has had no successful `getUpdates` since `since` (never, if `None`).
    NotPolling { since: Option<DateTime<Utc>> },
    /// Outbox rows that gave up (`failed`).
    SendsFailed(i64),
    /// Outbox rows still waiting more than [`OVERDUE_GRACE`] after their time.
    SendsOverdue(i64),
    /// Updates set aside after repeated failures.
    Quarantined(i64),
    /// Nobody holds this database's instance lock.
    NotRunning,
    /// Evidence downloads that failed at least [`EVIDENCE_FAILING_TRIES`] times in a row and
    /// are still retried: the way to Telegram's files is broken now. Those given up on are
    /// counted by `status`, not raised by every check for the rest of the year.
    EvidenceFailing(i64),
}

/// Failures in a row after which a download still being retried counts as a problem.
pub const EVIDENCE_FAILING_TRIES: i64 = 3;

/// How long a message may wait past its time before it counts as stuck.
pub const OVERDUE_GRACE: TimeDelta = TimeDelta::minutes(10);

/// The longest silence of a healthy listener: two long polls and a minute of retries.
pub fn poll_silence_limit(poll_timeout_secs: u32) -> TimeDelta {
    TimeDelta::seconds(2 * i64::from(poll_timeout_secs) + 60)
}

/// Everything wrong at `now`; empty when healthy. `running`: the instance lock is held.
pub async fn check(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    poll_timeout_secs: u32,
    running: bool,
) -> sqlx::Result<Vec<Problem>> {
    let mut problems = Vec::new();
    if running {
        let since = health::last_poll(conn).await?;
        if since.is_none_or(|at| now - at > poll_silence_limit(poll_timeout_secs)) {
            problems.push(Problem::NotPolling { since });
        }
    } else {
        problems.push(Problem::NotRunning);
    }
    let count = |rows: &[StateCount], state: &str| {
        rows.iter()
            .filter(|row| row.state == state)
            .map(|row| row.count)
            .sum::<i64>()
    };
    let failed = count(&outbox::counts_by_state(conn).await?, "failed");
    if failed > 0 {
        problems.push(Problem::SendsFailed(failed));
    }
    let overdue = health::overdue_outbox(conn, now - OVERDUE_GRACE).await?;
    if overdue > 0 {
        problems.push(Problem::SendsOverdue(overdue));
    }
    let quarantined = count(&inbox::counts_by_state(conn).await?, "quarantined");
    if quarantined > 0 {
        problems.push(Problem::Quarantined(quarantined));
    }
    let failing = evidence::failing(conn, EVIDENCE_FAILING_TRIES).await?;
    if failing > 0 {
        problems.push(Problem::EvidenceFailing(failing));
    }
    Ok(problems)
}
