//! The evidence keeper: downloads each report's photo or file from Telegram (`getFile`, then
//! the file itself, within the Bot API's 20 MB) into the data folder and records its SHA-256.
//! A failed download is tried again later by the clock; one that can never succeed (too big,
//! or refused for good after many tries) is marked so and left. It runs beside the senders.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use sqlx::SqlitePool;
use tokio::sync::watch;

use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::evidence::{self, Pending};
use crate::runtime::telegram::{CallError, DownloadError, TelegramClient};
use crate::services::evidence as keep;

/// The longest the loop sleeps before it looks again (new reports bring new evidence).
const LOOK_AGAIN: Duration = Duration::from_secs(60);
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// What one step of the keeper did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceOutcome {
    Stored {
        report_id: i64,
    },
    /// Not had now: tried again later.
    Retrying {
        report_id: i64,
    },
    /// Never to be had (too big, or refused for good).
    GaveUp {
        report_id: i64,
    },
    /// Downloads are pending, none due yet by the clock.
    Waiting(Duration),
    Empty,
}

/// Why a try failed, and whether another could succeed.
enum Failure {
    Again(String),
    Never(&'static str, String),
}

pub struct EvidenceKeeper {
    pool: SqlitePool,
    client: TelegramClient,
    clock: SharedClock,
    settings: Arc<Settings>,
}

impl EvidenceKeeper {
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
        }
    }

    /// Tries the oldest due download, after noting reports whose evidence has no row yet.
    pub async fn keep_next(&self) -> anyhow::Result<EvidenceOutcome> {
        let now = self.clock.now();
        let mut conn = self.pool.acquire().await?;
        evidence::discover(&mut conn, now).await?;
        let Some(pending) = evidence::next_due(&mut conn, now).await? else {
            return Ok(match evidence::next_try_at(&mut conn).await? {
                Some(at) => EvidenceOutcome::Waiting((at - now).to_std().unwrap_or_default()),
                None => EvidenceOutcome::Empty,
            });
        };
        let report_id = pending.report_id;
        if let Some((path, sha256, size)) =
            evidence::stored_copy(&mut conn, &pending.file_id).await?
        {
            evidence::mark_stored(&mut conn, report_id, &path, &sha256, size, now).await?;
            return Ok(EvidenceOutcome::Stored { report_id });
        }
        drop(conn);
        let fetched = self.fetch(&pending).await;
        let mut conn = self.pool.acquire().await?;
        let now = self.clock.now();
        match fetched {
            Ok((path, bytes)) => {
                let sha256 = keep::sha256_hex(&bytes);
                evidence::mark_stored(
                    &mut conn,
                    report_id,
                    &path,
                    &sha256,
                    bytes.len() as i64,
                    now,
                )
                .await?;
                tracing::info!(report_id, bytes = bytes.len(), "evidence kept");
                Ok(EvidenceOutcome::Stored { report_id })
            }
            Err(Failure::Never(state, error)) => {
                evidence::mark_failed(&mut conn, report_id, &error, None, state).await?;
                tracing::warn!(report_id, %error, "evidence cannot be kept");
                Ok(EvidenceOutcome::GaveUp { report_id })
            }
            Err(Failure::Again(error)) if pending.tries + 1 >= keep::MAX_TRIES => {
                evidence::mark_failed(&mut conn, report_id, &error, None, "failed").await?;
                tracing::warn!(report_id, %error, "evidence given up after its last try");
                Ok(EvidenceOutcome::GaveUp { report_id })
            }
            Err(Failure::Again(error)) => {
                let retry_at = now + keep::retry_after(pending.tries);
                evidence::mark_failed(&mut conn, report_id, &error, Some(retry_at), "pending")
                    .await?;
                tracing::warn!(report_id, %error, "evidence download failed; will try again");
                Ok(EvidenceOutcome::Retrying { report_id })
            }
        }
    }

    /// `getFile`, the download, the file written: its path relative to the data folder.
    async fn fetch(&self, pending: &Pending) -> Result<(String, Vec<u8>), Failure> {
        let body = json!({ "file_id": pending.file_id });
        let file = match self.client.call("getFile", &body, CALL_TIMEOUT).await {
            Ok(file) => file,
            Err(CallError::Api { description, .. })
                if description.to_lowercase().contains("too big") =>
            {
                return Err(Failure::Never("too_big", description));
            }
            Err(error) => return Err(Failure::Again(error.to_string())),
        };
        if file["file_size"]
            .as_u64()
            .is_some_and(|n| n > keep::MAX_BYTES)
        {
            return Err(Failure::Never("too_big", "file over 20 MB".into()));
        }
        let Some(file_path) = file["file_path"].as_str() else {
            return Err(Failure::Again("getFile gave no file_path".into()));
        };
        let bytes = match self
            .client
            .download(file_path, keep::MAX_BYTES, DOWNLOAD_TIMEOUT)
            .await
        {
            Ok(bytes) => bytes,
            Err(DownloadError::TooBig) => {
                return Err(Failure::Never("too_big", "file over 20 MB".into()));
            }
            Err(error) => return Err(Failure::Again(error.to_string())),
        };
        let relative = keep::relative_path(
            &pending.week_start,
            pending.project_no,
            pending.report_id,
            file_path,
        );
        keep::write(&keep::data_dir(&self.settings), &relative, &bytes)
            .map_err(|error| Failure::Again(format!("writing the file: {error}")))?;
        Ok((relative, bytes))
    }

    /// Keeps what is due until asked to stop, looking again at least once a minute.
    pub async fn run(self: Arc<Self>, mut stopped: watch::Receiver<bool>) {
        loop {
            if *stopped.borrow() {
                return;
            }
            let pause = match self.keep_next().await {
                Ok(EvidenceOutcome::Stored { .. } | EvidenceOutcome::Retrying { .. })
                | Ok(EvidenceOutcome::GaveUp { .. }) => continue,
                Ok(EvidenceOutcome::Waiting(wait)) => wait.min(LOOK_AGAIN),
                Ok(EvidenceOutcome::Empty) => LOOK_AGAIN,
                Err(error) => {
                    tracing::error!(error = %error, "the evidence keeper failed a step");
                    LOOK_AGAIN
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = stopped.changed() => return,
            }
        }
    }
}
