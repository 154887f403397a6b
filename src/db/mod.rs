//! Storage: SQL only. One pool per process, WAL, foreign keys on; each query is a small
//! function taking an executor so that callers can compose several in one transaction.

pub mod assignments;
pub mod audit;
pub mod calendar;
pub mod cycle;
pub mod dialogues;
pub mod digests;
pub mod evidence;
pub mod expected;
pub mod facts;
pub mod health;
pub mod inbox;
pub mod invites;
pub mod jobs;
pub mod ledger;
pub mod outbox;
pub mod pages;
pub mod people;
pub mod plan;
pub mod refusals;
pub mod reports;
pub mod robots;
pub mod scopes;
pub mod types;
pub mod web;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqlitePool, Transaction};

pub type Db = sqlx::Sqlite;
pub type Tx = Transaction<'static, Db>;

pub static MIGRATOR: Migrator = sqlx::migrate!();

/// How long a writer waits for SQLite's write lock before it fails with SQLITE_BUSY. Longer
/// than any transaction we hold (the processor's handler timeout is held below it).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens (creating if needed) the database file and applies the migrations.
pub async fn connect(path: &Path) -> anyhow::Result<SqlitePool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("无法创建数据库目录 {}", dir.display()))?;
    }
    open(path, Mode::Create).await
}

/// Opens a database that must already exist: a mistyped path for a command that only reads
/// would otherwise leave a new empty database behind and report on it.
pub async fn connect_existing(path: &Path) -> anyhow::Result<SqlitePool> {
    if !path.is_file() {
        bail!(
            "数据库文件不存在：{}，请检查 --database 或 MINSHENG_DATABASE",
            path.display()
        );
    }
    open(path, Mode::Existing).await
}

/// Opens an existing database for reading only: the operator's commands that report (`status`,
/// `projects`, `digest`, `export`, `backup`) change nothing in it, not even its schema, so a
/// newer binary's report never migrates the database under the bot that runs on it. A database
/// older than this binary is refused with what to do.
pub async fn connect_read_only(path: &Path) -> anyhow::Result<SqlitePool> {
    if !path.is_file() {
        bail!(
            "数据库文件不存在：{}，请检查 --database 或 MINSHENG_DATABASE",
            path.display()
        );
    }
    let pool = open(path, Mode::ReadOnly).await?;
    let newest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&pool)
            .await
            .unwrap_or(None);
    if applied.unwrap_or(0) < newest {
        bail!(
            "数据库 {} 的版本早于本程序：请先用新版本启动一次机器人（minsheng run）完成升级，再执行此命令",
            path.display()
        );
    }
    Ok(pool)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Create,
    Existing,
    ReadOnly,
}

async fn open(path: &Path, mode: Mode) -> anyhow::Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(mode == Mode::Create)
        .read_only(mode == Mode::ReadOnly);
    // A read-only connection may not set the journal mode; the bot's own opening keeps it WAL.
    let options = match mode {
        Mode::ReadOnly => options,
        _ => options.journal_mode(SqliteJournalMode::Wal),
    };
    let options = options
        .foreign_keys(true)
        // Longer than any transaction we hold, so a writer waits instead of failing.
        .busy_timeout(BUSY_TIMEOUT)
        // FULL: a report confirmed to Telegram must survive a power cut, not only a crash.
        .synchronous(SqliteSynchronous::Full);
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        // On some errors (a full disk: SQLITE_FULL) SQLite rolls the transaction back by itself;
        // sqlx still counts it open and every later BEGIN on that connection fails. Such a
        // connection is closed instead of going back to the pool. The ping first runs the
        // rollback a dropped transaction queued.
        .after_release(|conn, _| {
            Box::pin(async move {
                conn.ping().await?;
                Ok(!conn.is_in_transaction())
            })
        })
        .connect_with(options)
        .await
        .with_context(|| format!("无法打开数据库 {}", path.display()))?;
    if mode != Mode::ReadOnly {
        MIGRATOR.run(&pool).await.context("数据库迁移失败")?;
    }
    Ok(pool)
}

/// A write transaction that takes SQLite's write lock up front: a deferred transaction that
/// reads and then writes can fail with SQLITE_BUSY at once, whatever the busy timeout.
pub async fn begin_write(pool: &SqlitePool) -> sqlx::Result<Tx> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// The UNIQUE constraint a write broke, as SQLite names it: the columns after "UNIQUE
/// constraint failed: " ("assignments.project_id, assignments.person_id"). SQLite reports no
/// index name, so callers compare with the columns their table's constraint lists.
pub fn unique_violation(error: &sqlx::Error) -> Option<&str> {
    let error = error.as_database_error()?;
    (error.kind() == sqlx::error::ErrorKind::UniqueViolation).then(|| {
        let message = error.message();
        message
            .strip_prefix("UNIQUE constraint failed: ")
            .unwrap_or(message)
    })
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

/// Real errors from SQLite, for the tests of code that tells them apart.
#[cfg(test)]
pub(crate) mod faults {
    use sqlx::{Connection, SqliteConnection};

    /// A real SQLITE_FULL: a database not allowed to grow, asked to store a megabyte.
    pub async fn disk_full() -> sqlx::Error {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        sqlx::query("CREATE TABLE t (x)")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("PRAGMA max_page_count = 1")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("INSERT INTO t VALUES (zeroblob(1000000))")
            .execute(&mut conn)
            .await
            .unwrap_err()
    }

    /// A statement the database refuses: a table that does not exist.
    pub async fn refused_statement() -> sqlx::Error {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        sqlx::query("SELECT * FROM no_such_table")
            .execute(&mut conn)
            .await
            .unwrap_err()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real SQLITE_FULL in a write transaction: the database may not grow by a megabyte.
    async fn fill_the_disk(pool: &SqlitePool) {
        let mut tx = begin_write(pool).await.expect("a usable connection");
        sqlx::query("PRAGMA max_page_count = 1")
            .execute(&mut *tx)
            .await
            .unwrap();
        let full = sqlx::query(
            "INSERT INTO calendar_days (day, working, note, created_at)
             VALUES ('2099-01-01', 0, zeroblob(1000000), 'now')",
        )
        .execute(&mut *tx)
        .await;
        assert!(full.is_err(), "the disk is full");
        sqlx::query("PRAGMA max_page_count = 1073741823")
            .execute(&mut *tx)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_transaction_that_sqlite_rolled_back_by_itself_leaves_the_pool_usable() {
        let dir = tempfile::tempdir().unwrap();
        let pool = connect(&dir.path().join("minsheng.db")).await.unwrap();
        // More times than the pool has connections.
        for _ in 0..6 {
            fill_the_disk(&pool).await;
        }
        let mut tx = begin_write(&pool).await.expect("a usable connection");
        sqlx::query("INSERT INTO calendar_days (day, working, note, created_at) VALUES ('2099-01-02', 0, '', 'now')")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
}
