//! The weekly "212" cycle (SPEC.md §3): what is due now, as data.
//!
//! [`due`] may be called any number of times, at any moment: each step carries its (plan,
//! week, project, person, step) key, under which the outbox holds it unique, so a second call,
//! a restart or two processes never queue it twice. A step missed while the bot was down is
//! due when it comes back if it still means something: a prompt or a reminder before the
//! deadline, an escalation always. What is due is worded and queued one layer up
//! (`crate::jobs::cycle`).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::calendar;
use crate::db::cycle::{self as cycle_db, ContactRow};
use crate::db::expected as expected_db;
use crate::db::outbox::StepKey;
use crate::db::plan::{self, MetricRow, PlanRow};
use crate::domain::calendar::Calendar;
use crate::domain::cycle::{WeekPlan, week_start};
use crate::domain::role::AssignmentRole;
use crate::services::expected::{self, Expected};

mod asks;
mod weeks;

use asks::prompts_and_reminders;
pub use asks::{Example, example_of, reminders_now};
use weeks::Weeks;

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
    /// 催报 to a contact: every project they owe this week's report on and were not asked
    /// about yet, in one message.
    Prompt { projects: Vec<Owed> },
    /// 提醒 to a contact who has not reported yet (before the deadline, or an admin's
    /// /remind): every project they still owe, in one message.
    Reminder { projects: Vec<Owed> },
    /// To an admin: every lead contact of a project is away this week.
    Uncovered { no: i64, title: String },
    /// 督办 to an admin or a leader: the projects in their view whose lead contacts did not
    /// report by the deadline.
    Escalation { overdue: Vec<Overdue> },
}

/// One project a contact owes this week's report on: the assignment, the project's metrics and
/// the figures the contact last reported (by metric position).
#[derive(Debug, Clone)]
pub struct Owed {
    pub contact: ContactRow,
    pub metrics: Vec<MetricRow>,
    pub last: Vec<Option<f64>>,
}

/// One project whose lead contacts did not report for it by the deadline.
#[derive(Debug, Clone)]
pub struct Overdue {
    pub project_id: i64,
    pub no: i64,
    pub title: String,
    /// The project's lead unit.
    pub unit: Option<String>,
    /// Its lead contacts, by name ("张三、李四").
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
    let lead_reported = expected_db::lead_reported_in_week(conn, plan.id, week.week_start).await?;
    let away = cycle_db::on_leave(conn, local.date()).await?;
    let week_of = WeekOf {
        plan,
        week,
        contacts: &contacts,
        reported: &reported,
        lead_reported: &lead_reported,
    };
    if asks.prompt || asks.reminder {
        prompts_and_reminders(conn, &week_of, asks, &away, due).await?;
        uncovered(conn, &week_of, &away, due).await?;
    }
    if escalation_due {
        escalations(conn, settings, &week_of, now, due).await?;
    }
    Ok(())
}

/// Which of a week's asks to contacts are due.
#[derive(Clone, Copy)]
struct Asks {
    prompt: bool,
    reminder: bool,
}

/// One week of the plan as a beat sees it: its contacts (of projects not done yet), who of
/// them reported, and which projects a lead report answers for.
struct WeekOf<'a> {
    plan: &'a PlanRow,
    week: &'a WeekPlan,
    contacts: &'a [ContactRow],
    reported: &'a HashSet<(i64, i64)>,
    lead_reported: &'a HashSet<i64>,
}

/// Whether a contact still owes this week's report: a lead contact until any lead report
/// answers for the project, a co-unit contact until they sent their own contribution.
fn owes(
    contact: &ContactRow,
    reported: &HashSet<(i64, i64)>,
    lead_reported: &HashSet<i64>,
) -> bool {
    let answered = match contact.role {
        AssignmentRole::Lead => lead_reported.contains(&contact.project_id),
        AssignmentRole::Co => false,
    };
    !answered && !reported.contains(&(contact.project_id, contact.person_id))
}

/// A project whose every lead contact is away: nobody can answer for it (a co-unit contact's
/// report is a contribution), so the admins arrange cover.
async fn uncovered(
    conn: &mut SqliteConnection,
    w: &WeekOf<'_>,
    away: &HashSet<i64>,
    due: &mut Vec<Due>,
) -> anyhow::Result<()> {
    let mut by_project: BTreeMap<i64, Vec<&ContactRow>> = BTreeMap::new();
    for contact in w.contacts.iter().filter(|c| c.role == AssignmentRole::Lead) {
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
/// had it, when some project expected this week was not reported by its lead contacts.
async fn escalations(
    conn: &mut SqliteConnection,
    settings: &Settings,
    w: &WeekOf<'_>,
    now: DateTime<Utc>,
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
    let overdue = overdue(conn, settings, w, now).await?;
    if overdue.is_empty() {
        return Ok(());
    }
    let mut recipients: Vec<(i64, i64, Vec<Overdue>)> = cycle_db::admins(conn)
        .await?
        .into_iter()
        .map(|admin| (admin.person_id, admin.chat_id, overdue.clone()))
        .collect();
    for (leader, (chat, scope)) in cycle_db::leader_scopes(conn, w.plan.id).await? {
        let theirs: Vec<Overdue> = overdue
            .iter()
            .filter(|m| scope.contains(&m.project_id))
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

/// The projects expected this week that no lead contact reported for by the deadline (and not
/// excused by leave), each with its lead contacts and weeks in a row.
async fn overdue(
    conn: &mut SqliteConnection,
    settings: &Settings,
    w: &WeekOf<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Overdue>> {
    let calendar = calendar::load(conn, w.plan.id).await?;
    let all = expected::of_plan(conn, settings, &calendar, w.plan, None, now).await?;
    Ok(all
        .into_iter()
        .filter(|e| e.week.week_start == w.week.week_start && e.overdue)
        .map(|e| Overdue {
            project_id: e.project_id,
            no: e.no,
            contact: e.contacts(),
            title: e.title,
            unit: e.lead_unit,
            weeks: e.missed_in_row,
        })
        .collect())
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

/// This week's plan, or `Err` with its Monday when it expects no report.
async fn this_week(
    conn: &mut SqliteConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(PlanRow, Calendar, WeekPlan), NaiveDate>> {
    let today = now.with_timezone(&settings.timezone).date_naive();
    let Some(plan) = plan::plan_on(conn, today).await? else {
        return Ok(Err(week_start(today)));
    };
    let calendar = calendar::load(conn, plan.id).await?;
    let Some(week) = WeekPlan::of_plan(&calendar, today, &settings.cycle, plan.dates()) else {
        return Ok(Err(week_start(today)));
    };
    Ok(Ok((plan, calendar, week)))
}

/// The projects expected this week (before the prompt: as their lead assignments stand now)
/// that no lead contact has reported for yet, with the plan and the week. `Err` when this week
/// expects no report.
pub async fn missing_now(
    conn: &mut SqliteConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(PlanRow, WeekPlan, Vec<Expected>), NaiveDate>> {
    let (plan, calendar, week) = match this_week(conn, settings, now).await? {
        Ok(found) => found,
        Err(monday) => return Ok(Err(monday)),
    };
    let weeks = expected::plan_weeks(&calendar, settings, &plan, week.week_start);
    let record = expected::load(conn, &plan, None).await?;
    let missing = expected::compute(&weeks, &record, settings.timezone, now)
        .into_iter()
        .filter(|e| e.week.week_start == week.week_start && !e.reported)
        .collect();
    Ok(Ok((plan, week, missing)))
}
