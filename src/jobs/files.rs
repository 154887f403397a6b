//! Files made for sending: the ledger workbook and the digest's chart, written beside the
//! database for the sender to upload (and release once it has).

use std::collections::HashSet;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::plan::PlanRow;
use crate::export;
use crate::export::ledger::LedgerBook;
use crate::export::ledger::cells::day;
use crate::services::digest::Digest;
use crate::services::ledger::{self, exports_dir};

/// Writes the ledger of `reader`'s scope (the whole plan when `None`) under the database's
/// folder, for the sender to upload. Returns the file and the name people see
/// ("2024年台账（3月21日）.xlsx").
pub async fn ledger_for_sending(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    scope: Option<&HashSet<i64>>,
    reader: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<(PathBuf, String)> {
    let mut book = LedgerBook::new(&plan.name, settings.timezone)?;
    ledger::write(conn, settings, plan, scope, now, &mut book).await?;
    let dir = exports_dir(settings);
    std::fs::create_dir_all(&dir)?;
    let local = now.with_timezone(&settings.timezone);
    let path = dir.join(format!(
        "ledger-{}-{reader}-{}.xlsx",
        plan.year,
        now.timestamp_millis()
    ));
    book.save(&path)?;
    Ok((
        path,
        format!("{}年台账（{}）.xlsx", plan.year, day(local.date_naive())),
    ))
}

/// Renders a digest's chart into the exports folder for the sender to upload.
pub fn chart_for_sending(
    settings: &Settings,
    digest: &Digest,
    person: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<PathBuf> {
    let png = export::chart::render(
        &format!("{} 进度", digest.period.label()),
        &export::chart::of_digest(digest),
    )?;
    let dir = exports_dir(settings);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!(
        "chart-{}-{person}-{}.png",
        digest.period.key().replace(':', "-"),
        now.timestamp_millis()
    ));
    std::fs::write(&path, png)?;
    Ok(path)
}
