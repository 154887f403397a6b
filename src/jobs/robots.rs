//! What each group robot gets, queued in `robot_outbox` (another loop sends it): the digest
//! and the quarter's summary of its audience's scope, the escalation of its audience, and a
//! unit's reminder mentioning its silent contacts. Each under (robot, period, step), so a
//! second beat, a restart or two processes queue it once; only what the robot's `sends` lists.

use std::collections::BTreeMap;
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::bot::texts::cycle as cycle_say;
use crate::bot::texts::robots::{self as say, Silent};
use crate::config::Settings;
use crate::db::plan::PlanRow;
use crate::db::{cycle as cycle_db, people, robots, scopes};
use crate::domain::cycle::WeekPlan;
use crate::domain::dekad::Kind;
use crate::jobs::{cycle, digest as digest_job, files};
use crate::robots::message::split;
use crate::robots::{Audience, Robot, RobotMessage, Sends};
use crate::services::cycle::{Due, Overdue, Step};
use crate::services::digest::{self, DuePeriod, PlanReading, Reader};
use crate::services::robots::leader;

/// What marks the parts after the first of a long message.
const CONTINUED: &str = "（续）";

/// Queues a due period's digest (or quarter's summary) to every robot that sends it and has
/// not had it: its audience's scope, as markdown under the platform's limit, with the chart and
/// the ledger where the platform takes files. Returns how many robots were served.
pub async fn digests(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    due: DuePeriod,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let period = due.period;
    let (_, step) = digest::kind_and_step(&period);
    let what = match period.kind {
        Kind::Dekad => Sends::Digest,
        Kind::Quarter => Sends::Quarter,
    };
    let local = now.with_timezone(&settings.timezone).naive_local();
    let key = period.key();
    let mut reading = None;
    let mut served = 0;
    for (index, robot) in settings.robots.iter().enumerate() {
        if !robot.sends(what) || robots::queued(conn, &robot.name, &key, step).await? {
            continue;
        }
        let Some(reader) = reader_of(conn, robot).await? else {
            continue;
        };
        let read = match &mut reading {
            Some(read) => read,
            None => reading.insert(PlanReading::read(conn, settings, plan, now).await?),
        };
        let mut issue = digest::issue_for(conn, settings, plan, &reader, period, read).await?;
        issue.late = due.late(local);
        let text = digest_job::text_of(&issue);
        markdown(conn, robot, &key, step, &text, now).await?;
        if robot.platform.takes_files() {
            // A number of its own in the files' names: the sender releases a reader's files.
            let owner = -(index as i64 + 1);
            let chart = files::chart_for_sending(settings, &issue.digest, owner, now)?;
            let image = RobotMessage::Image { path: chart };
            robots::enqueue(conn, &robot.name, &key, "chart", &image, now).await?;
            let scope = reader.scope.as_ref();
            let (path, name) =
                files::ledger_for_sending(conn, settings, plan, scope, owner, now).await?;
            let file = RobotMessage::File { path, name };
            robots::enqueue(conn, &robot.name, &key, "ledger", &file, now).await?;
        }
        served += 1;
    }
    if served > 0 {
        tracing::info!(period = %period.label(), robots = served, "robot digests queued");
    }
    Ok(served)
}

/// Whose digest a robot gets: the whole plan for the admins' group (compared with the first
/// admin's previous digest), a leader's scope for theirs; `None` for a unit's group, or a
/// leader without a scope.
async fn reader_of(conn: &mut SqliteConnection, robot: &Robot) -> anyhow::Result<Option<Reader>> {
    let reader = |person, scope| Reader {
        person,
        chat: 0,
        joined_at: DateTime::<Utc>::MIN_UTC,
        scope,
    };
    match &robot.audience {
        Audience::Admins => {
            let first = cycle_db::admins(conn).await?.first().map(|a| a.person_id);
            Ok(Some(reader(first.unwrap_or(0), None)))
        }
        Audience::Leader(id) => {
            let Some(person) = leader(conn, *id).await? else {
                return Ok(None);
            };
            let scope: HashSet<i64> = scopes::project_ids(conn, person.id)
                .await?
                .into_iter()
                .collect();
            Ok((!scope.is_empty()).then(|| reader(person.id, Some(scope))))
        }
        Audience::Unit(_) => Ok(None),
    }
}

/// A text as markdown in parts under the robot's limit: `step`, `step#2`, …
async fn markdown(
    conn: &mut SqliteConnection,
    robot: &Robot,
    period: &str,
    step: &str,
    text: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let title = say::title(text);
    let text = say::markdown(text);
    for (part, text) in split(&text, robot.platform.markdown_limit(), CONTINUED)
        .into_iter()
        .enumerate()
    {
        let message = RobotMessage::Markdown {
            title: title.clone(),
            text,
        };
        robots::enqueue(
            conn,
            &robot.name,
            period,
            &part_step(step, part),
            &message,
            now,
        )
        .await?;
    }
    Ok(())
}

/// The step of a message's `part` (from 0): `step` for the first, `step#n` after.
fn part_step(step: &str, part: usize) -> String {
    if part == 0 {
        step.to_owned()
    } else {
        format!("{step}#{}", part + 1)
    }
}

/// What the weekly cycle found due, for the robots: the escalation to the admins' and leaders'
/// groups, the reminder to a unit's group.
pub async fn cycle_steps(
    conn: &mut SqliteConnection,
    settings: &Settings,
    due: &[Due],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    // Most beats find nothing due: no robot's audience is looked up then.
    if due.is_empty() {
        return Ok(());
    }
    for robot in &settings.robots {
        if robot.sends(Sends::Escalation) {
            escalations(conn, robot, due, now).await?;
        }
        if robot.sends(Sends::Reminder)
            && let Audience::Unit(unit) = &robot.audience
        {
            reminders(conn, robot, unit, due, now).await?;
        }
    }
    Ok(())
}

/// Each week's escalation in the robot's audience: every overdue project for the admins', the
/// leader's own escalation (their scope) for a leader's; nothing when there is none.
async fn escalations(
    conn: &mut SqliteConnection,
    robot: &Robot,
    due: &[Due],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let person = match &robot.audience {
        Audience::Admins => None,
        Audience::Leader(id) => match leader(conn, *id).await? {
            Some(person) => Some(person.id),
            None => return Ok(()),
        },
        Audience::Unit(_) => return Ok(()),
    };
    let mut weeks: BTreeMap<_, (WeekPlan, BTreeMap<i64, Overdue>)> = BTreeMap::new();
    for d in due {
        let Step::Escalation { overdue } = &d.step else {
            continue;
        };
        if person.is_some_and(|p| p != d.key.person_id) {
            continue;
        }
        let (_, projects) = weeks
            .entry(d.week.week_start)
            .or_insert_with(|| (d.week, BTreeMap::new()));
        for o in overdue {
            projects.insert(o.no, o.clone());
        }
    }
    for (week_start, (week, projects)) in weeks {
        let overdue: Vec<Overdue> = projects.into_values().collect();
        let lines = cycle::missing(&overdue);
        let lines: Vec<_> = lines.iter().collect();
        let text = cycle_say::escalation(&week, &lines);
        let period = week_start.to_string();
        markdown(conn, robot, &period, "escalation", &text, now).await?;
    }
    Ok(())
}

/// A unit's reminder: its contacts the cycle reminds this week, with their projects, one
/// message a week mentioning those whose mobile number is known.
async fn reminders(
    conn: &mut SqliteConnection,
    robot: &Robot,
    unit: &str,
    due: &[Due],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut weeks: BTreeMap<_, (WeekPlan, Vec<(i64, Silent)>)> = BTreeMap::new();
    for d in due {
        let Step::Reminder { projects } = &d.step else {
            continue;
        };
        // An admin's reminder now (`remind:…`) is theirs to send, not the T−1 one.
        if d.key.step != "reminder" {
            continue;
        }
        let theirs: Vec<(i64, String)> = projects
            .iter()
            .filter(|o| o.contact.unit.as_deref() == Some(unit))
            .map(|o| (o.contact.project_no, o.contact.title.clone()))
            .collect();
        let Some(first) = projects.first().filter(|_| !theirs.is_empty()) else {
            continue;
        };
        let silent = Silent {
            name: first.contact.name.clone(),
            projects: theirs,
        };
        weeks
            .entry(d.week.week_start)
            .or_insert_with(|| (d.week, Vec::new()))
            .1
            .push((d.key.person_id, silent));
    }
    for (week_start, (week, silent)) in weeks {
        let period = week_start.to_string();
        if robots::queued(conn, &robot.name, &period, "reminder").await? {
            continue;
        }
        let mut mobiles = Vec::new();
        for (person, _) in &silent {
            mobiles.extend(people::mobile_of(conn, *person).await?);
        }
        let silent: Vec<Silent> = silent.into_iter().map(|(_, s)| s).collect();
        let text = say::reminder(unit, &week, &silent);
        for (part, text) in split(&text, robot.platform.text_limit(), CONTINUED)
            .into_iter()
            .enumerate()
        {
            // Mentioned once, with the first part.
            let mobiles = if part == 0 {
                mobiles.clone()
            } else {
                Vec::new()
            };
            let message = RobotMessage::Text { text, mobiles };
            let step = part_step("reminder", part);
            robots::enqueue(conn, &robot.name, &period, &step, &message, now).await?;
        }
    }
    Ok(())
}
