//! The weekly cycle's messages: what [`crate::services::cycle`] finds due, worded and queued
//! in the same transaction as it was read, each under its step key.

use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::bot::keyboards;
use crate::bot::outgoing::Outgoing;
use crate::bot::texts::cycle as say;
use crate::config::Settings;
use crate::db::{self, outbox::StepKey};
use crate::jobs::robots;
use crate::services::cycle::{self, Due, Overdue, Owed, Queued, Step};

/// Queues every step of the weekly cycle due at `now`, once each; may be called any number of
/// times (the heartbeat calls it every minute, and at start-up to catch up).
pub async fn run_due(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<Queued> {
    let mut tx = db::begin_write(pool).await?;
    let due = cycle::due(&mut tx, settings, now).await?;
    let mut queued = Queued::default();
    for step in &due {
        let fresh = enqueue(&mut tx, step, now).await?;
        match step.step {
            Step::Prompt { .. } => queued.prompts += fresh,
            Step::Reminder { .. } => queued.reminders += fresh,
            Step::Uncovered { .. } => queued.uncovered += fresh,
            Step::Escalation { .. } => queued.escalations += fresh,
        }
    }
    robots::cycle_steps(&mut tx, settings, &due, now).await?;
    tx.commit().await?;
    if queued.total() > 0 {
        tracing::info!(
            prompts = queued.prompts,
            reminders = queued.reminders,
            escalations = queued.escalations,
            uncovered = queued.uncovered,
            "cycle steps queued"
        );
    }
    Ok(queued)
}

/// An admin's reminder now to the contacts who have not reported this week (of one project, or
/// all), one message per person. A second tap within a minute sends nothing more. Returns how
/// many people were reminded; `None`
/// when this week expects no report.
pub async fn remind_now(
    conn: &mut SqliteConnection,
    settings: &Settings,
    project_no: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<usize>> {
    let Some(due) = cycle::reminders_now(conn, settings, project_no, now).await? else {
        return Ok(None);
    };
    let mut queued = 0;
    for step in &due {
        queued += enqueue(conn, step, now).await?;
    }
    Ok(Some(queued))
}

/// Queues one due step; 1 when it is new, 0 when its key was queued before.
async fn enqueue(
    conn: &mut SqliteConnection,
    due: &Due,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    let week = &due.week;
    let message = match &due.step {
        Step::Prompt { projects } => to_contact(due, say::prompt(projects, week), projects),
        Step::Reminder { projects } => to_contact(due, say::reminder(projects, week), projects),
        Step::Uncovered { no, title } => {
            Outgoing::text(due.chat, say::uncovered(*no, title, week)).keyed(due.key.clone())
        }
        Step::Escalation { overdue } => return escalation(conn, due, overdue, now).await,
    };
    Ok(usize::from(message.enqueue(conn, now).await?.is_some()))
}

/// A step's message to a contact about their projects, with per project the buttons that
/// start its report or confirm last week's.
fn to_contact(due: &Due, text: String, projects: &[Owed]) -> Outgoing {
    let nos: Vec<i64> = projects.iter().map(|p| p.contact.project_no).collect();
    Outgoing::text(due.chat, text)
        .with_keyboard(&keyboards::weekly_prompt(&nos))
        .keyed(due.key.clone())
}

/// An escalation: a long list goes in several messages, each part under a key of its own
/// (`escalation`, `escalation#2`, …); counted once, by its first part.
async fn escalation(
    conn: &mut SqliteConnection,
    due: &Due,
    overdue: &[Overdue],
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    let lines = missing(overdue);
    let lines: Vec<&say::Missing> = lines.iter().collect();
    let mut fresh = 0;
    for (part, message) in Outgoing::texts(due.chat, &say::escalation(&due.week, &lines))
        .into_iter()
        .enumerate()
    {
        let key = part_key(&due.key, part);
        let new = message.keyed(key).enqueue(conn, now).await?.is_some();
        fresh += usize::from(new && part == 0);
    }
    Ok(fresh)
}

/// The overdue projects as an escalation's lines.
pub fn missing(overdue: &[Overdue]) -> Vec<say::Missing> {
    overdue
        .iter()
        .map(|o| say::Missing {
            no: o.no,
            title: o.title.clone(),
            unit: o.unit.clone(),
            contact: o.contact.clone(),
            weeks: o.weeks,
        })
        .collect()
}

/// The key of a message's `part` (from 0): the step's own for the first, `step#n` after.
pub fn part_key(key: &StepKey, part: usize) -> StepKey {
    let mut key = key.clone();
    if part > 0 {
        key.step = format!("{}#{}", key.step, part + 1);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_part_keeps_the_steps_key_and_later_parts_are_numbered_from_two() {
        let key = StepKey {
            plan_id: 1,
            period: "2024-03-11".to_owned(),
            project_id: None,
            person_id: 7,
            step: "escalation".to_owned(),
        };
        assert_eq!(part_key(&key, 0), key);
        assert_eq!(part_key(&key, 1).step, "escalation#2");
        assert_eq!(part_key(&key, 2).step, "escalation#3");
        assert_eq!(part_key(&key, 2).person_id, 7);
    }
}
