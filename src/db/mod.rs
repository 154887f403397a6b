//! Storage: SQL only. One pool per process, WAL, foreign keys on; each query is a small
//! function taking an executor so that callers can compose several in one transaction.

pub mod assignments;
pub mod audit;
pub mod calendar;
pub mod cycle;
pub mod dialogues;
pub mod digests;
pub mod inbox;
pub mod invites;
pub mod outbox;
pub mod people;
pub mod plan;
pub mod refusals;
pub mod reports;
pub mod scopes;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqlitePool, Transaction};

pub type Db = sqlx::Sqlite;
pub type Tx = Transaction<'static, Db>;

pub static MIGRATOR: Migrator = sqlx::migrate!();

/// Opens (creating if needed) the database file and applies the migrations.
pub async fn connect(path: &Path) -> anyhow::Result<SqlitePool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("无法创建数据库目录 {}", dir.display()))?;
    }
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        // Longer than any transaction we hold, so a writer waits instead of failing.
        .busy_timeout(Duration::from_secs(10))
        // FULL: a report confirmed to Telegram must survive a power cut, not only a crash.
        .synchronous(SqliteSynchronous::Full);
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .with_context(|| format!("无法打开数据库 {}", path.display()))?;
    MIGRATOR.run(&pool).await.context("数据库迁移失败")?;
    Ok(pool)
}

/// A write transaction that takes SQLite's write lock up front: a deferred transaction that
/// reads and then writes can fail with SQLITE_BUSY at once, whatever the busy timeout.
pub async fn begin_write(pool: &SqlitePool) -> sqlx::Result<Tx> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Instants are stored as RFC 3339 text in UTC, which sorts in time order.
pub fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A consistent copy of the live database (`VACUUM INTO`), safe while the bot runs.
pub async fn backup(pool: &SqlitePool, out: &Path) -> sqlx::Result<()> {
    let out = out
        .to_str()
        .ok_or_else(|| sqlx::Error::Protocol("备份路径必须是 UTF-8".into()))?;
    sqlx::query("VACUUM INTO ?").bind(out).execute(pool).await?;
    Ok(())
}
