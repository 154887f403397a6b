//! The digest's messages: each reader's digest of a period (or the quarter's summary) worded,
//! queued with its chart and the ledger of the reader's scope, and stored, in one transaction.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::bot::outgoing::Outgoing;
use crate::bot::texts::{self, digest as say};
use crate::config::Settings;
use crate::db::outbox::StepKey;
use crate::db::{self, plan::PlanRow};
use crate::domain::dekad::Period;
use crate::jobs::cycle::part_key;
use crate::jobs::{files, robots};
use crate::services::digest::{self, DuePeriod, Issue, Reader};

/// Queues the digest of the 旬 just ended to every leader (in their scope, to their digest
/// chat) and every admin (the whole plan), once each; caught up if the bot was down on the day.
pub async fn run_due(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    match digest::dekad_due(settings, now) {
        Some(due) => deliver(pool, settings, due, now).await,
        None => Ok(0),
    }
}

/// Queues the quarter's summary (每季度专题会议) on the first working day after the quarter,
/// to the same readers as the digest, once each.
pub async fn run_quarter_due(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    match digest::quarter_due(pool, settings, now).await? {
        Some(due) => deliver(pool, settings, due, now).await,
        None => Ok(0),
    }
}

/// The words of a digest or a quarter's summary.
pub fn text_of(issue: &Issue) -> String {
    match &issue.raised {
        Some(raised) => say::quarter(&issue.digest, raised, issue.late),
        None => say::briefing(&issue.digest, issue.late),
    }
}

/// `minsheng digest --preview`: the digest as of `date` at the digest time (or `now`), for a
/// leader's scope or the whole plan, as it would be sent. On a digest day it is the 旬 just
/// ended.
pub async fn preview(
    pool: &SqlitePool,
    settings: &Settings,
    date: Option<NaiveDate>,
    leader: Option<i64>,
    quarter_summary: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let issue = digest::preview(pool, settings, date, leader, quarter_summary, now).await?;
    Ok(text_of(&issue))
}

/// Builds, queues (with the chart and the ledger) and stores a period's digest for every
/// reader who has not had it yet, if it is still news: within [`digest::CATCH_UP`] of its due
/// time, inside its plan's dates, after the plan's first prompt, and for readers admitted
/// before it ended. One sent after its due day says 补发.
async fn deliver(
    pool: &SqlitePool,
    settings: &Settings,
    due: DuePeriod,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    if !due.still_news(local) {
        return Ok(0);
    }
    let period = due.period;
    let mut tx = db::begin_write(pool).await?;
    let Some(plan) = digest::plan_of(&mut tx, period).await? else {
        return Ok(0);
    };
    if !digest::after_first_prompt(&mut tx, settings, &plan, period).await? {
        return Ok(0);
    }
    // The robots' first: a leader's robot compares with the leader's previous digest, which
    // the loop below replaces with this one.
    robots::digests(&mut tx, settings, &plan, due, now).await?;
    let ended = digest::end_of(settings, period);
    let mut sent = 0;
    // Admins share one workbook of the whole plan.
    let mut whole_plan: Option<(PathBuf, String)> = None;
    // The plan is read once, for the first reader still owed the digest (the beat comes every
    // minute, and most find everyone served); each reader's digest is their scope of it.
    let mut reading = None;
    for reader in digest::readers(&mut tx).await? {
        if reader.joined_at >= ended || digest::had(&mut tx, &plan, &reader, period).await? {
            continue;
        }
        let read = match &mut reading {
            Some(read) => read,
            None => reading.insert(digest::PlanReading::read(&mut tx, settings, &plan, now).await?),
        };
        let mut issue = digest::issue_for(&mut tx, settings, &plan, &reader, period, read).await?;
        issue.late = due.late(local);
        let text = text_of(&issue);
        let out = Delivery {
            period,
            settings,
            plan: &plan,
            reader: &reader,
            now,
        };
        out.text(&mut tx, &text).await?;
        out.chart(&mut tx, &issue).await?;
        out.ledger(&mut tx, &mut whole_plan).await?;
        digest::record(&mut tx, &plan, &reader, &issue, &text, now).await?;
        sent += 1;
    }
    tx.commit().await?;
    if sent > 0 {
        tracing::info!(period = %period.label(), sent, "digests queued");
    }
    Ok(sent)
}

/// One reader's digest on its way: the messages under the period's keys for that reader.
struct Delivery<'a> {
    period: Period,
    settings: &'a Settings,
    plan: &'a PlanRow,
    reader: &'a Reader,
    now: DateTime<Utc>,
}

impl Delivery<'_> {
    /// The key of the reader's `suffix` message of the period (`digest`, `digest-chart`, …).
    fn key(&self, suffix: &str) -> StepKey {
        let (_, step) = digest::kind_and_step(&self.period);
        StepKey {
            plan_id: self.plan.id,
            period: self.period.key(),
            project_id: None,
            person_id: self.reader.person,
            step: format!("{step}{suffix}"),
        }
    }

    /// The text, in as many messages as it needs, each part under a key of its own.
    async fn text(&self, conn: &mut SqliteConnection, text: &str) -> sqlx::Result<()> {
        for (part, message) in Outgoing::texts(self.reader.chat, text)
            .into_iter()
            .enumerate()
        {
            let key = part_key(&self.key(""), part);
            message.keyed(key).enqueue(conn, self.now).await?;
        }
        Ok(())
    }

    /// The digest's chart, red and yellow first as in its text.
    async fn chart(&self, conn: &mut SqliteConnection, issue: &Issue) -> anyhow::Result<()> {
        let digest = &issue.digest;
        let chart = files::chart_for_sending(self.settings, digest, self.reader.person, self.now)?;
        Outgoing::photo(
            self.reader.chat,
            &chart,
            &texts::chart_caption(&digest.period.label()),
        )
        .keyed(self.key("-chart"))
        .enqueue(conn, self.now)
        .await?;
        Ok(())
    }

    /// The ledger of the reader's own scope; admins share one workbook of the whole plan.
    async fn ledger(
        &self,
        conn: &mut SqliteConnection,
        whole_plan: &mut Option<(PathBuf, String)>,
    ) -> anyhow::Result<()> {
        let scope = self.reader.scope.as_ref();
        let (path, name) = match (scope, &whole_plan) {
            (None, Some(file)) => file.clone(),
            _ => {
                let file = files::ledger_for_sending(
                    conn,
                    self.settings,
                    self.plan,
                    scope,
                    self.reader.person,
                    self.now,
                )
                .await?;
                if scope.is_none() {
                    *whole_plan = Some(file.clone());
                }
                file
            }
        };
        Outgoing::document(self.reader.chat, &path, &name, texts::ledger_caption())
            .keyed(self.key("-ledger"))
            .enqueue(conn, self.now)
            .await?;
        Ok(())
    }
}
