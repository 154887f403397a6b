//! The asks to contacts: one prompt and one reminder per person per week, each listing every
//! project the person still owes; an admin's reminder now; the example the prompt and /help
//! teach the fast ways with.
//!
//! A person's first prompt of a week is keyed without a project, so it is queued once however
//! many beats, restarts or processes ask. A project assigned after that prompt was queued still
//! gets its own, caught up under the key of the first project of that later batch. Whether a
//! (project, person) was prompted is read from the outbox: some prompt to the person that week
//! queued at or after the assignment.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::SqliteConnection;

use super::{Asks, Due, Owed, Step, WeekOf, key, owes, this_week};
use crate::config::Settings;
use crate::db::cycle::{self as cycle_db, ContactRow};
use crate::db::expected as expected_db;
use crate::db::plan::{self, MetricRow, PlanRow};
use crate::db::{self, assignments};
use crate::domain::cycle::WeekPlan;
use crate::services::reporting;

/// Each reachable contact's prompt and reminder not queued yet, one of each per person.
pub(super) async fn prompts_and_reminders(
    conn: &mut SqliteConnection,
    w: &WeekOf<'_>,
    asks: Asks,
    away: &HashSet<i64>,
    due: &mut Vec<Due>,
) -> anyhow::Result<()> {
    let week_key = w.week.week_start.to_string();
    // What earlier beats queued is skipped before any work is spent on it.
    let prompted = cycle_db::prompted_in_week(conn, w.plan.id, &week_key).await?;
    let prompt_keys = cycle_db::step_keys(conn, w.plan.id, &week_key, "prompt").await?;
    let reminded: HashSet<i64> = cycle_db::step_keys(conn, w.plan.id, &week_key, "reminder")
        .await?
        .into_iter()
        .map(|(person, _)| person)
        .collect();
    let reachable = w
        .contacts
        .iter()
        .filter(|c| !away.contains(&c.person_id) && c.reachable);
    for (person, theirs) in by_person(reachable) {
        // Someone who already answered for a project is asked nothing more about it: a prompt
        // caught up after a late assignment, or one after an early report.
        let owed: Vec<&ContactRow> = theirs
            .into_iter()
            .filter(|c| owes(c, w.reported, w.lead_reported))
            .collect();
        let Some(first) = owed.first() else {
            continue;
        };
        let (chat, quiet) = (first.telegram_id, first.quiet);
        if asks.prompt {
            let fresh: Vec<&ContactRow> = owed
                .iter()
                .copied()
                .filter(|c| !prompted.contains(&(c.project_id, c.person_id)))
                .collect();
            if let Some(project) = prompt_key(&prompt_keys, person, &fresh) {
                let projects = owed_projects(conn, &fresh).await?;
                let step = Step::Prompt { projects };
                due.push(to_person(
                    chat, w.plan, w.week, project, person, "prompt", step,
                ));
            }
        }
        if asks.reminder && !quiet && !reminded.contains(&person) {
            let projects = owed_projects(conn, &owed).await?;
            let step = Step::Reminder { projects };
            due.push(to_person(
                chat, w.plan, w.week, None, person, "reminder", step,
            ));
        }
    }
    Ok(())
}

/// The key of a person's prompt about `fresh` projects: none for the week's first; for a later
/// batch (a project assigned after that), its first project whose key is still free (one left
/// by a project assigned, removed and assigned again the same week is taken). `None` when there
/// is nothing to ask, or every key it could take is taken: it was asked before.
fn prompt_key(
    keys: &HashSet<(i64, Option<i64>)>,
    person: i64,
    fresh: &[&ContactRow],
) -> Option<Option<i64>> {
    if fresh.is_empty() {
        return None;
    }
    if !keys.iter().any(|(p, _)| *p == person) {
        return Some(None);
    }
    fresh
        .iter()
        .map(|c| Some(c.project_id))
        .find(|project| !keys.contains(&(person, *project)))
}

/// Contacts grouped by person, each person's projects in the order given.
fn by_person<'a>(
    contacts: impl Iterator<Item = &'a ContactRow>,
) -> BTreeMap<i64, Vec<&'a ContactRow>> {
    let mut people: BTreeMap<i64, Vec<&ContactRow>> = BTreeMap::new();
    for contact in contacts {
        people.entry(contact.person_id).or_default().push(contact);
    }
    people
}

/// Each project with its metrics and the person's last figures, for the lines of a message.
async fn owed_projects(
    conn: &mut SqliteConnection,
    contacts: &[&ContactRow],
) -> anyhow::Result<Vec<Owed>> {
    let mut projects = Vec::with_capacity(contacts.len());
    for contact in contacts {
        let metrics = plan::metrics_of_project(conn, contact.project_id).await?;
        let (last, _) =
            reporting::last_values(conn, contact.project_id, contact.person_id, &metrics).await?;
        projects.push(Owed {
            contact: (*contact).clone(),
            metrics,
            last,
        });
    }
    Ok(projects)
}

fn to_person(
    chat: i64,
    plan: &PlanRow,
    week: &WeekPlan,
    project: Option<i64>,
    person: i64,
    name: &str,
    step: Step,
) -> Due {
    Due {
        chat,
        key: key(plan, week, project, person, name),
        week: *week,
        step,
    }
}

/// An admin's reminder now to the contacts who still owe this week's report (of one project,
/// or all): lead contacts of projects no lead report answered for yet, co-unit contacts who
/// sent nothing; one message per person listing their projects, each under a key of this
/// moment. A person reminded within the last minute is left out, so a second tap sends nothing
/// more. `None` when this week expects no report.
pub async fn reminders_now(
    conn: &mut SqliteConnection,
    settings: &Settings,
    project_no: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Vec<Due>>> {
    let Ok((plan, _, week)) = this_week(conn, settings, now).await? else {
        return Ok(None);
    };
    let done = cycle_db::done_projects(conn, plan.id).await?;
    let reported = cycle_db::reported_in_week(conn, plan.id, &week.week_start.to_string()).await?;
    let lead_reported = expected_db::lead_reported_in_week(conn, plan.id, week.week_start).await?;
    // The step name carries the instant in its stored form, as the keys already queued do.
    let name = format!("remind:{}", db::instant(now));
    let minute_ago = now - TimeDelta::seconds(60);
    let contacts = cycle_db::contacts_of_plan(conn, plan.id).await?;
    let owing = contacts.iter().filter(|c| {
        !done.contains(&c.project_id)
            && owes(c, &reported, &lead_reported)
            && project_no.is_none_or(|no| c.project_no == no)
            && c.reachable
    });
    let mut due = Vec::new();
    for (person, theirs) in by_person(owing) {
        if cycle_db::reminded_since(conn, person, minute_ago).await? {
            continue;
        }
        let chat = theirs[0].telegram_id;
        let step = Step::Reminder {
            projects: owed_projects(conn, &theirs).await?,
        };
        due.push(to_person(chat, &plan, &week, None, person, &name, step));
    }
    Ok(Some(due))
}

/// The project the fast ways are taught with: a person's first assigned project (its number),
/// its first metric and the person's last figure for it.
#[derive(Debug, Clone)]
pub struct Example {
    pub no: i64,
    pub metric: Option<MetricRow>,
    pub last: Option<f64>,
}

/// The example for a person's /help; `None` when they have no project.
pub async fn example_of(
    conn: &mut SqliteConnection,
    person_id: i64,
) -> anyhow::Result<Option<Example>> {
    let mine = assignments::of_person(conn, person_id).await?;
    let Some(first) = mine.first() else {
        return Ok(None);
    };
    let metrics = plan::metrics_of_project(conn, first.project_id).await?;
    let (last, _) = reporting::last_values(conn, first.project_id, person_id, &metrics).await?;
    Ok(Some(Example {
        no: first.project_no,
        last: last.first().copied().flatten(),
        metric: metrics.into_iter().next(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::role::AssignmentRole;

    fn contact(project_id: i64) -> ContactRow {
        ContactRow {
            project_id,
            project_no: project_id,
            title: "建设老年人食堂".to_owned(),
            person_id: 7,
            telegram_id: 70,
            name: "张三".to_owned(),
            unit: None,
            quiet: false,
            reachable: true,
            assigned_at: DateTime::UNIX_EPOCH,
            role: AssignmentRole::Lead,
        }
    }

    #[test]
    fn the_weeks_first_prompt_has_no_project_and_a_later_batch_a_free_one() {
        let (three, four) = (contact(3), contact(4));
        let none = HashSet::new();
        assert_eq!(prompt_key(&none, 7, &[]), None, "nothing to ask");
        assert_eq!(prompt_key(&none, 7, &[&three, &four]), Some(None));
        let first = HashSet::from([(7, None)]);
        assert_eq!(prompt_key(&first, 7, &[&three, &four]), Some(Some(3)));
        assert_eq!(
            prompt_key(&first, 8, &[&three]),
            Some(None),
            "another person's prompt is theirs"
        );
        let again = HashSet::from([(7, None), (7, Some(3))]);
        assert_eq!(prompt_key(&again, 7, &[&three, &four]), Some(Some(4)));
        assert_eq!(prompt_key(&again, 7, &[&three]), None, "asked before");
    }
}
