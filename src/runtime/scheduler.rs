//! The heartbeat: tokio-cron-scheduler wakes the due-step functions once a minute. It decides
//! nothing: it compares against the real clock and keeps jobs in memory, so what is due is read
//! from the database and the injected clock on every beat (RELIABILITY.md, fact 8).

use std::sync::Arc;

use sqlx::SqlitePool;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::clock::SharedClock;
use crate::config::Settings;
use crate::jobs::{cycle, digest};
use crate::services::upkeep;

/// Named jobs and their cron strings (seconds first).
pub const JOBS: [(&str, &str); 1] = [("heartbeat", "0 * * * * *")];

/// One beat: every due step of the week and every due digest, queued once, and the daily
/// prune when a day has passed since the last. Also run at start-up to catch up.
pub async fn beat(pool: &SqlitePool, settings: &Settings, clock: &SharedClock) {
    let now = clock.now();
    if let Err(error) = cycle::run_due(pool, settings, now).await {
        tracing::error!(error = %format!("{error:#}"), "the weekly cycle failed a beat");
    }
    if let Err(error) = digest::run_due(pool, settings, now).await {
        tracing::error!(error = %format!("{error:#}"), "the digest failed a beat");
    }
    if let Err(error) = digest::run_quarter_due(pool, settings, now).await {
        tracing::error!(error = %format!("{error:#}"), "the quarterly summary failed a beat");
    }
    if let Err(error) = crate::jobs::calendar::run_due(pool, settings, now).await {
        tracing::error!(error = %format!("{error:#}"), "the calendar's look at next year failed");
    }
    if let Err(error) = upkeep::run_due(pool, settings, now).await {
        tracing::error!(error = %format!("{error:#}"), "the daily prune failed");
    }
}

pub async fn start(
    pool: SqlitePool,
    settings: Arc<Settings>,
    clock: SharedClock,
    sender: Arc<tokio::sync::Notify>,
) -> anyhow::Result<JobScheduler> {
    let scheduler = JobScheduler::new().await?;
    for (name, schedule) in JOBS {
        let (pool, settings, clock, sender) = (
            pool.clone(),
            settings.clone(),
            clock.clone(),
            sender.clone(),
        );
        let job = Job::new_async(schedule, move |_, _| {
            let (pool, settings, clock, sender) = (
                pool.clone(),
                settings.clone(),
                clock.clone(),
                sender.clone(),
            );
            Box::pin(async move {
                tracing::debug!(job = name, "heartbeat");
                beat(&pool, &settings, &clock).await;
                sender.notify_one();
            })
        })?;
        scheduler.add(job).await?;
    }
    scheduler.start().await?;
    Ok(scheduler)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_cron_string_parses_and_every_job_name_is_unique() {
        for (name, schedule) in JOBS {
            assert!(
                Job::new_async(schedule, |_, _| Box::pin(async {})).is_ok(),
                "{name}: {schedule}"
            );
        }
        let names: HashSet<&str> = JOBS.iter().map(|(name, _)| *name).collect();
        assert_eq!(names.len(), JOBS.len());
    }
}
