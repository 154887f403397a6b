//! The ledger of named background jobs: when each last ran (triagebot keeps one the same way).

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use super::instant;

pub async fn last_run(conn: &mut SqliteConnection, job: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT ran_at FROM job_runs WHERE job = ?")
        .bind(job)
        .fetch_optional(conn)
        .await
}

pub async fn record_run(
    conn: &mut SqliteConnection,
    job: &str,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let at = instant(at);
    sqlx::query(
        "INSERT INTO job_runs (job, ran_at) VALUES (?, ?)
         ON CONFLICT (job) DO UPDATE SET ran_at = excluded.ran_at",
    )
    .bind(job)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}
