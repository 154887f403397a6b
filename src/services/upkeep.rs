//! Upkeep: what the bot may forget, so that its tables and its exports folder do not grow for
//! ever. [`run_due`] is called on every heartbeat and prunes once a day (the last run is kept in
//! the database); [`release_file`] deletes an uploaded file as soon as no queued message needs
//! it.

use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::config::Settings;
use crate::db::{self, inbox, jobs, outbox};
use crate::services::ledger::exports_dir;
use crate::services::web_access;

/// The job's name in the `job_runs` ledger.
pub const PRUNE_JOB: &str = "prune";
const PRUNE_EVERY: TimeDelta = TimeDelta::days(1);

/// What one prune forgot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub handled_updates: u64,
    pub quarantined_updates: u64,
    pub payloads: u64,
    pub files: u64,
    /// Expired or spent sign-in links and expired sessions of the web view.
    pub web_sign_ins: u64,
}

/// Prunes when a day has passed since the last prune (or there never was one); `None` when it
/// is not yet time.
pub async fn run_due(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Pruned>> {
    let mut conn = pool.acquire().await?;
    let last = jobs::last_run(&mut conn, PRUNE_JOB).await?;
    drop(conn);
    let due = match last.as_deref().map(DateTime::parse_from_rfc3339) {
        Some(Ok(last)) => now - last.with_timezone(&Utc) >= PRUNE_EVERY,
        // Never ran, or an unreadable stamp: run, and write a good one.
        _ => true,
    };
    if !due {
        return Ok(None);
    }
    // Pruning twice is harmless, so the run is recorded after it, not claimed before.
    let pruned = prune(pool, settings, now).await?;
    let mut conn = pool.acquire().await?;
    jobs::record_run(&mut conn, PRUNE_JOB, now).await?;
    Ok(Some(pruned))
}

/// One prune by the configured retention: handled and quarantined updates, the payloads of
/// finished messages (their rows and step keys stay), and files in the exports folder that
/// nothing queued needs any more.
pub async fn prune(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<Pruned> {
    let keep = settings.retention;
    let before = |days: u32| now - TimeDelta::days(days.into());
    let mut tx = db::begin_write(pool).await?;
    let handled_updates = inbox::prune_done(&mut tx, before(keep.inbox_days)).await?;
    let quarantined_updates =
        inbox::prune_quarantined(&mut tx, before(keep.quarantined_days)).await?;
    let payloads = outbox::drop_old_payloads(&mut tx, before(keep.outbox_payload_days)).await?;
    let needed = outbox::files_still_needed(&mut tx).await?;
    let web_sign_ins = web_access::prune(&mut tx, now).await?;
    tx.commit().await?;
    let files = sweep_exports(
        &exports_dir(settings),
        now - TimeDelta::days(keep.exports_days.into()),
        &needed,
    )?;
    let pruned = Pruned {
        handled_updates,
        quarantined_updates,
        payloads,
        files,
        web_sign_ins,
    };
    tracing::info!(?pruned, "daily prune done");
    Ok(pruned)
}

/// Deletes files last written before `before` that no queued message will upload. Leftovers
/// come from sends that stopped half-way (a crash between writing and queueing, a chat that
/// became unreachable).
fn sweep_exports(dir: &Path, before: DateTime<Utc>, needed: &[String]) -> anyhow::Result<u64> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error.into()),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let meta = entry.metadata()?;
        let path = entry.path();
        let written: DateTime<Utc> = meta.modified()?.into();
        if !meta.is_file() || written >= before || needed.contains(&path.display().to_string()) {
            continue;
        }
        remove(&path)?;
        removed += 1;
    }
    Ok(removed)
}

/// After a file's message was sent (or refused for good): deletes the file unless another
/// message not yet sent refers to it. Returns whether it was deleted.
pub async fn release_file(conn: &mut SqliteConnection, path: &str) -> anyhow::Result<bool> {
    if path.is_empty() || outbox::file_still_needed(conn, path).await? {
        return Ok(false);
    }
    remove(Path::new(path))?;
    Ok(true)
}

/// Deletes a file; one already gone is no error.
fn remove(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}
