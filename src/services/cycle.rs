//! The weekly "212" cycle (SPEC.md §3): what is due now, as data.
//!
//! [`due`] may be called any number of times, at any moment: each step carries its (plan,
//! week, project, person, step) key, under which the outbox holds it unique, so a second call,
//! a restart or two processes never queue it twice. A step missed while the bot was down is
//! due when it comes back if it still means something: a prompt or a reminder before the
//! deadline, an escalation always. What is due is worded and queued one layer up
//! (`crate::jobs::cycle`).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::cycle::{self as cycle_db, ContactRow};
use crate::db::outbox::StepKey;
use crate::db::plan::{self, MetricRow, PlanRow};
use crate::db::{self, calendar};
use crate::domain::calendar::Calendar;
use crate::domain::cycle::{WeekPlan, to_utc, week_start};
use crate::services::reporting;

mod expected;
mod weeks;

pub use expected::{Expected, expected_reports};
use weeks::{Weeks, weeks_missing};

/// What one call queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Queued {
    pub prompts: usize,
    pub reminders: usize,
    pub escalations: usize,
    pub uncovered: usize,
}

impl Queued {
    pub fn total(&self) -> usize {
        self.prompts + self.reminders + self.escalations + self.uncovered
    }
}

/// One step due to one person, under the key that makes it happen once.
#[derive(Debug, Clone)]
pub struct Due {
    pub chat: i64,
    pub key: StepKey,
    pub week: WeekPlan,
    pub step: Step,
}

/// Which step, with what its message needs.
#[derive(Debug, Clone)]
pub enum Step {
    /// 催报 to a contact: their project, its metrics and the figures they last reported.
    Prompt {
        contact: ContactRow,
        metrics: Vec<MetricRow>,
        last: Vec<Option<f64>>,
    },
    /// 提醒 to a contact who has not reported yet (before the deadline, or an admin's /remind).
    Reminder { contact: ContactRow },
    /// To an admin: every contact of a project is away this week.
    Uncovered { no: i64, title: String },
    /// 督办 to an admin or a leader: the projects in their view not reported by the deadline.
    Escalation { overdue: Vec<Overdue> },
}

/// One project a contact did not report for by the deadline.
#[derive(Debug, Clone)]
pub struct Overdue {
    pub no: i64,
    pub title: String,
    pub unit: Option<String>,
    pub contact: String,
    /// Expected weeks in a row, up to this one, without a report.
    pub weeks: u32,
}

/// Weeks looked at around today: the coming one (a prompt may fall on the Sunday before) and
/// three back (an escalation may come two weeks after its deadline, over 春节).
const WEEKS_BACK: u64 = 3;

/// Every step due at `now` and not queued yet, in the order they go out: per week, each
/// contact's prompt and reminder, then uncovered projects, then escalations.
pub async fn due(
    conn: &mut SqliteConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Due>> {
    let today = now.with_timezone(&settings.timezone).date_naive();
    let Some(plan) = plan::plan_on(conn, today).await? else {
        return Ok(Vec::new());
    };
    let calendar = calendar::load(conn, plan.id).await?;
    let mut due = Vec::new();
    let mut weeks = Weeks::new(&calendar, plan.dates());
    let this_monday = week_start(today);
    let mondays = (0..=WEEKS_BACK)
        .rev()
        .filter_map(|n| this_monday.checked_sub_days(Days::new(7 * n)))
        .chain(this_monday.checked_add_days(Days::new(7)));
    for monday in mondays {
        let Some(week) = weeks.plan(settings, monday) else {
            continue;
        };
        due_in_week(conn, settings, &plan, &week, now, &mut weeks, &mut due).await?;
    }
    Ok(due)
}

fn key(plan: &PlanRow, week: &WeekPlan, project: Option<i64>, person: i64, step: &str) -> StepKey {
    StepKey {
        plan_id: plan.id,
        period: week.week_start.to_string(),
        project_id: project,
        person_id: person,
        step: step.to_owned(),
    }
}

/// A step to a contact about their project, under the step's key.
fn to_contact(
    contact: &ContactRow,
    plan: &PlanRow,
    week: &WeekPlan,
    name: &str,
    step: Step,
) -> Due {
    Due {
        chat: contact.telegram_id,
        key: key(
            plan,
            week,
            Some(contact.project_id),
            contact.person_id,
            name,
        ),
        week: *week,
        step,
    }
}

async fn due_in_week(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    week: &WeekPlan,
    now: DateTime<Utc>,
    weeks: &mut Weeks<'_>,
    due: &mut Vec<Due>,
) -> anyhow::Result<()> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    let before_deadline = local < week.deadline;
    let asks = Asks {
        prompt: week.prompt <= local && before_deadline,
        reminder: week.reminder <= local && before_deadline,
    };
    let escalation_due = week.escalation <= local;
    if !(asks.prompt || asks.reminder || escalation_due) {
        return Ok(());
    }
    let done = cycle_db::done_projects(conn, plan.id).await?;
    let contacts: Vec<ContactRow> = cycle_db::contacts_of_plan(conn, plan.id)
        .await?
        .into_iter()
        .filter(|c| !done.contains(&c.project_id))
        .collect();
    let reported = weeks.reported(conn, plan, week.week_start).await?.clone();
    let away = cycle_db::on_leave(conn, local.date()).await?;
    let week_of = WeekOf {
        plan,
        week,
        contacts: &contacts,
        reported: &reported,
    };
    if asks.prompt || asks.reminder {
        prompts_and_reminders(conn, &week_of, asks, &away, due).await?;
        uncovered(conn, &week_of, &away, due).await?;
    }
    if escalation_due {
        escalations(conn, settings, &week_of, weeks, due).await?;
    }
    Ok(())
}

/// Which of a week's asks to contacts are due.
#[derive(Clone, Copy)]
struct Asks {
    prompt: bool,
    reminder: bool,
}

/// One week of the plan as a beat sees it: its contacts (of projects not done yet) and who of
/// them reported.
struct WeekOf<'a> {
    plan: &'a PlanRow,
    week: &'a WeekPlan,
    contacts: &'a [ContactRow],
    reported: &'a HashSet<(i64, i64)>,
}

/// Each reachable contact's prompt and reminder not queued yet.
async fn prompts_and_reminders(
    conn: &mut SqliteConnection,
    w: &WeekOf<'_>,
    asks: Asks,
    away: &HashSet<i64>,
    due: &mut Vec<Due>,
) -> anyhow::Result<()> {
    let week_key = w.week.week_start.to_string();
    // What earlier beats queued is skipped before any work is spent on it.
    let prompted = cycle_db::queued_steps(conn, w.plan.id, &week_key, "prompt").await?;
    let reminded = cycle_db::queued_steps(conn, w.plan.id, &week_key, "reminder").await?;
    for contact in w
        .contacts
        .iter()
        .filter(|c| !away.contains(&c.person_id) && c.reachable)
    {
        let pair = (contact.project_id, contact.person_id);
        if asks.prompt && !prompted.contains(&pair) {
            let metrics = plan::metrics_of_project(conn, contact.project_id).await?;
            let (last, _) =
                reporting::last_values(conn, contact.project_id, contact.person_id, &metrics)
                    .await?;
            let step = Step::Prompt {
                contact: contact.clone(),
                metrics,
                last,
            };
            due.push(to_contact(contact, w.plan, w.week, "prompt", step));
        }
        if asks.reminder
            && !contact.quiet
            && !reminded.contains(&pair)
            && !w.reported.contains(&pair)
        {
            let step = Step::Reminder {
                contact: contact.clone(),
            };
            due.push(to_contact(contact, w.plan, w.week, "reminder", step));
        }
    }
    Ok(())
}

/// A project whose every contact is away: the admins arrange cover.
async fn uncovered(
    conn: &mut SqliteConnection,
    w: &WeekOf<'_>,
    away: &HashSet<i64>,
    due: &mut Vec<Due>,
) -> anyhow::Result<()> {
    let mut by_project: BTreeMap<i64, Vec<&ContactRow>> = BTreeMap::new();
    for contact in w.contacts {
        by_project
            .entry(contact.project_no)
            .or_default()
            .push(contact);
    }
    let admins = cycle_db::admins(conn).await?;
    for (no, list) in by_project {
        if list.iter().all(|c| away.contains(&c.person_id)) {
            for admin in &admins {
                due.push(Due {
                    chat: admin.chat_id,
                    key: key(
                        w.plan,
                        w.week,
                        Some(list[0].project_id),
                        admin.person_id,
                        "uncovered",
                    ),
                    week: *w.week,
                    step: Step::Uncovered {
                        no,
                        title: list[0].title.clone(),
                    },
                });
            }
        }
    }
    Ok(())
}

/// The week's escalation to every admin (all projects) and leader (their scope) who has not
/// had it, when some contact asked in time did not report.
async fn escalations(
    conn: &mut SqliteConnection,
    settings: &Settings,
    w: &WeekOf<'_>,
    weeks: &mut Weeks<'_>,
    due: &mut Vec<Due>,
) -> anyhow::Result<()> {
    // Once every admin and leader has this week's escalation, there is nothing left to work out.
    let week_key = w.week.week_start.to_string();
    let recipients =
        cycle_db::admins(conn).await?.len() + cycle_db::leader_scopes(conn, w.plan.id).await?.len();
    let escalated = cycle_db::escalations_queued(conn, w.plan.id, &week_key).await? as usize;
    if escalated >= recipients {
        return Ok(());
    }
    let overdue = overdue(conn, settings, w, weeks).await?;
    if overdue.is_empty() {
        return Ok(());
    }
    let mut recipients: Vec<(i64, i64, Vec<Overdue>)> = cycle_db::admins(conn)
        .await?
        .into_iter()
        .map(|admin| (admin.person_id, admin.chat_id, overdue.clone()))
        .collect();
    let project_ids: HashMap<i64, i64> = w
        .contacts
        .iter()
        .map(|c| (c.project_no, c.project_id))
        .collect();
    for (leader, (chat, scope)) in cycle_db::leader_scopes(conn, w.plan.id).await? {
        let theirs: Vec<Overdue> = overdue
            .iter()
            .filter(|m| project_ids.get(&m.no).is_some_and(|id| scope.contains(id)))
            .cloned()
            .collect();
        if !theirs.is_empty() {
            recipients.push((leader, chat, theirs));
        }
    }
    for (person, chat, overdue) in recipients {
        due.push(Due {
            chat,
            key: key(w.plan, w.week, None, person, "escalation"),
            week: *w.week,
            step: Step::Escalation { overdue },
        });
    }
    Ok(())
}

/// The contacts asked in time, not excused on the deadline, who did not report for the week.
async fn overdue(
    conn: &mut SqliteConnection,
    settings: &Settings,
    w: &WeekOf<'_>,
    weeks: &mut Weeks<'_>,
) -> anyhow::Result<Vec<Overdue>> {
    let asked = to_utc(settings.timezone, w.week.prompt);
    let excused = cycle_db::on_leave(conn, w.week.deadline.date()).await?;
    let mut overdue = Vec::new();
    for contact in w.contacts {
        let assigned_in_time = contact.assigned_at <= asked;
        if !assigned_in_time
            || excused.contains(&contact.person_id)
            || w.reported
                .contains(&(contact.project_id, contact.person_id))
        {
            continue;
        }
        let weeks = weeks_missing(conn, settings, w.plan, w.week, contact, weeks).await?;
        overdue.push(Overdue {
            no: contact.project_no,
            title: contact.title.clone(),
            unit: contact.unit.clone(),
            contact: contact.name.clone(),
            weeks,
        });
    }
    Ok(overdue)
}

/// The week people are working towards now: this week until its deadline, then the next. `Err`
/// carries the Monday of a week that expects no report.
pub fn coming_week(
    calendar: &Calendar,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<WeekPlan, NaiveDate> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    let monday = week_start(local.date());
    match WeekPlan::for_week(calendar, monday, &settings.cycle) {
        Some(week) if local <= week.deadline => Ok(week),
        Some(_) => {
            let next = monday + Days::new(7);
            WeekPlan::for_week(calendar, next, &settings.cycle).ok_or(next)
        }
        None => Err(monday),
    }
}

/// Contacts who have not reported for the current week, with the plan and the week. `Err` when
/// this week expects no report.
pub async fn missing_now(
    conn: &mut SqliteConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(PlanRow, WeekPlan, Vec<ContactRow>), NaiveDate>> {
    let today = now.with_timezone(&settings.timezone).date_naive();
    let Some(plan) = plan::plan_on(conn, today).await? else {
        return Ok(Err(week_start(today)));
    };
    let calendar = calendar::load(conn, plan.id).await?;
    let Some(week) = WeekPlan::of_plan(&calendar, today, &settings.cycle, plan.dates()) else {
        return Ok(Err(week_start(today)));
    };
    let done = cycle_db::done_projects(conn, plan.id).await?;
    let reported = cycle_db::reported_in_week(conn, plan.id, &week.week_start.to_string()).await?;
    let missing = cycle_db::contacts_of_plan(conn, plan.id)
        .await?
        .into_iter()
        .filter(|c| {
            !done.contains(&c.project_id) && !reported.contains(&(c.project_id, c.person_id))
        })
        .collect();
    Ok(Ok((plan, week, missing)))
}

/// An admin's reminder now to the contacts who have not reported this week (of one project, or
/// all), each under a key of this moment; a contact reminded within the last minute is left
/// out, so a second tap sends nothing more. `None` when this week expects no report.
pub async fn reminders_now(
    conn: &mut SqliteConnection,
    settings: &Settings,
    project_no: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Vec<Due>>> {
    let Ok((plan, week, missing)) = missing_now(conn, settings, now).await? else {
        return Ok(None);
    };
    // The step name carries the instant in its stored form, as the keys already queued do.
    let stamp = db::instant(now);
    let minute_ago = now - chrono::TimeDelta::seconds(60);
    let mut due = Vec::new();
    for contact in missing
        .iter()
        .filter(|c| project_no.is_none_or(|no| c.project_no == no) && c.reachable)
    {
        if cycle_db::reminded_since(conn, contact.project_id, contact.person_id, minute_ago).await?
        {
            continue;
        }
        let step = Step::Reminder {
            contact: contact.clone(),
        };
        let name = format!("remind:{stamp}");
        due.push(to_contact(contact, &plan, &week, &name, step));
    }
    Ok(Some(due))
}
