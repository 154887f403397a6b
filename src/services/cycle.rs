//! The weekly "212" cycle (SPEC.md §3): what is due now, queued once.
//!
//! [`run_due`] may be called any number of times, at any moment: each step is queued in the
//! outbox under its (plan, week, project, person, step) key, which the database holds unique,
//! so a second call, a restart or two processes never queue it twice. A step missed while the
//! bot was down is queued when it comes back if it still means something: a prompt or a
//! reminder before the deadline, an escalation always.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::{SqliteConnection, SqlitePool};
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::outgoing::Outgoing;
use crate::bot::report::Press;
use crate::bot::texts::cycle as say;
use crate::config::Settings;
use crate::db::cycle::{self as cycle_db, ContactRow};
use crate::db::outbox::StepKey;
use crate::db::plan::{self, PlanRow};
use crate::db::{self, calendar};
use crate::domain::calendar::Calendar;
use crate::domain::cycle::{PlanDates, WeekPlan, to_utc, week_start};
use crate::services::reporting;

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

/// Weeks looked at around today: the coming one (a prompt may fall on the Sunday before) and
/// three back (an escalation may come two weeks after its deadline, over 春节).
const WEEKS_BACK: u64 = 3;

pub async fn run_due(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<Queued> {
    let mut tx = db::begin_write(pool).await?;
    let today = now.with_timezone(&settings.timezone).date_naive();
    let Some(plan) = plan::plan_on(&mut tx, today).await? else {
        return Ok(Queued::default());
    };
    let calendar = calendar::load(&mut tx, plan.id).await?;
    let mut queued = Queued::default();
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
        due_in_week(
            &mut tx,
            settings,
            &plan,
            &week,
            now,
            &mut weeks,
            &mut queued,
        )
        .await?;
    }
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

fn key(plan: &PlanRow, week: &WeekPlan, project: Option<i64>, person: i64, step: &str) -> StepKey {
    StepKey {
        plan_id: plan.id,
        period: week.week_start.to_string(),
        project_id: project,
        person_id: person,
        step: step.to_owned(),
    }
}

/// A step's message to a contact about one project, with the button that starts its report,
/// under the step's key.
fn to_contact(
    contact: &ContactRow,
    text: String,
    plan: &PlanRow,
    week: &WeekPlan,
    step: &str,
) -> Outgoing {
    Outgoing::text(contact.telegram_id, text)
        .with_keyboard(&report_button(contact.project_no))
        .keyed(key(
            plan,
            week,
            Some(contact.project_id),
            contact.person_id,
            step,
        ))
}

fn report_button(no: i64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[InlineKeyboardButton::callback(
        format!("填写项目 {no} 本周进展"),
        Press::Project(no).data(),
    )]])
}

async fn due_in_week(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    week: &WeekPlan,
    now: DateTime<Utc>,
    weeks: &mut Weeks<'_>,
    queued: &mut Queued,
) -> anyhow::Result<()> {
    let tz = settings.timezone;
    let local = now.with_timezone(&tz).naive_local();
    let stamp = db::instant(now);
    let before_deadline = local < week.deadline;
    let prompt_due = week.prompt <= local && before_deadline;
    let reminder_due = week.reminder <= local && before_deadline;
    let escalation_due = week.escalation <= local;
    if !(prompt_due || reminder_due || escalation_due) {
        return Ok(());
    }
    let done = cycle_db::done_projects(conn, plan.id).await?;
    let contacts: Vec<ContactRow> = cycle_db::contacts_of_plan(conn, plan.id)
        .await?
        .into_iter()
        .filter(|c| !done.contains(&c.project_id))
        .collect();
    let week_key = week.week_start.to_string();
    let reported = weeks.reported(conn, plan, week.week_start).await?.clone();
    let away = cycle_db::on_leave(conn, local.date()).await?;

    if prompt_due || reminder_due {
        // What earlier beats queued is skipped before any work is spent on it.
        let prompted = cycle_db::queued_steps(conn, plan.id, &week_key, "prompt").await?;
        let reminded = cycle_db::queued_steps(conn, plan.id, &week_key, "reminder").await?;
        for contact in contacts
            .iter()
            .filter(|c| !away.contains(&c.person_id) && c.reachable)
        {
            let no = contact.project_no;
            if prompt_due && !prompted.contains(&(contact.project_id, contact.person_id)) {
                let metrics = plan::metrics_of_project(conn, contact.project_id).await?;
                let (last, _) =
                    reporting::last_values(conn, contact.project_id, contact.person_id, &metrics)
                        .await?;
                let text = say::prompt(no, &contact.title, &metrics, &last, week);
                let message = to_contact(contact, text, plan, week, "prompt");
                queued.prompts += usize::from(message.enqueue(conn, &stamp).await?.is_some());
            }
            if reminder_due
                && !contact.quiet
                && !reminded.contains(&(contact.project_id, contact.person_id))
                && !reported.contains(&(contact.project_id, contact.person_id))
            {
                let message = to_contact(
                    contact,
                    say::reminder(no, &contact.title, week),
                    plan,
                    week,
                    "reminder",
                );
                queued.reminders += usize::from(message.enqueue(conn, &stamp).await?.is_some());
            }
        }
        // A project whose every contact is away: the admins arrange cover.
        let mut by_project: BTreeMap<i64, Vec<&ContactRow>> = BTreeMap::new();
        for contact in &contacts {
            by_project
                .entry(contact.project_no)
                .or_default()
                .push(contact);
        }
        let admins = cycle_db::admins(conn).await?;
        for (no, list) in by_project {
            if list.iter().all(|c| away.contains(&c.person_id)) {
                for (admin, chat) in &admins {
                    let message = Outgoing::text(*chat, say::uncovered(no, &list[0].title, week))
                        .keyed(key(
                            plan,
                            week,
                            Some(list[0].project_id),
                            *admin,
                            "uncovered",
                        ));
                    queued.uncovered += usize::from(message.enqueue(conn, &stamp).await?.is_some());
                }
            }
        }
    }

    // Once every admin and leader has this week's escalation, there is nothing left to work out.
    let recipients =
        cycle_db::admins(conn).await?.len() + cycle_db::leader_scopes(conn, plan.id).await?.len();
    let escalated = cycle_db::escalations_queued(conn, plan.id, &week_key).await? as usize;
    if escalation_due && escalated < recipients {
        let asked = to_utc(tz, week.prompt);
        let excused = cycle_db::on_leave(conn, week.deadline.date()).await?;
        let mut missing = Vec::new();

        for contact in &contacts {
            let assigned_in_time =
                DateTime::parse_from_rfc3339(&contact.assigned_at).is_ok_and(|at| at <= asked);
            if !assigned_in_time
                || excused.contains(&contact.person_id)
                || reported.contains(&(contact.project_id, contact.person_id))
            {
                continue;
            }
            let weeks = weeks_missing(conn, settings, plan, week, contact, weeks).await?;
            missing.push(say::Missing {
                no: contact.project_no,
                title: contact.title.clone(),
                unit: contact.unit.clone(),
                contact: contact.name.clone(),
                weeks,
            });
        }
        if !missing.is_empty() {
            let mut recipients: Vec<(i64, i64, Vec<&say::Missing>)> = cycle_db::admins(conn)
                .await?
                .into_iter()
                .map(|(admin, chat)| (admin, chat, missing.iter().collect()))
                .collect();
            for (leader, (chat, scope)) in cycle_db::leader_scopes(conn, plan.id).await? {
                let project_ids: HashMap<i64, i64> = contacts
                    .iter()
                    .map(|c| (c.project_no, c.project_id))
                    .collect();
                let theirs: Vec<&say::Missing> = missing
                    .iter()
                    .filter(|m| project_ids.get(&m.no).is_some_and(|id| scope.contains(id)))
                    .collect();
                if !theirs.is_empty() {
                    recipients.push((leader, chat, theirs));
                }
            }
            for (person, chat, list) in recipients {
                // A long list goes in several messages, each part under a key of its own.
                for (part, message) in Outgoing::texts(chat, &say::escalation(week, &list))
                    .into_iter()
                    .enumerate()
                {
                    let step = if part == 0 {
                        "escalation".to_owned()
                    } else {
                        format!("escalation#{}", part + 1)
                    };
                    let fresh = message
                        .keyed(key(plan, week, None, person, &step))
                        .enqueue(conn, &stamp)
                        .await?
                        .is_some();
                    queued.escalations += usize::from(fresh && part == 0);
                }
            }
        }
    }
    Ok(())
}

/// Weeks looked at in one run: their plan, and who reported in them. The calendar and the
/// reports are read once per week, not once per contact.
struct Weeks<'a> {
    calendar: &'a Calendar,
    /// Weeks outside the plan's dates do not exist.
    dates: PlanDates,
    plans: HashMap<NaiveDate, Option<WeekPlan>>,
    reported: HashMap<NaiveDate, HashSet<(i64, i64)>>,
}

impl<'a> Weeks<'a> {
    fn new(calendar: &'a Calendar, dates: PlanDates) -> Self {
        Self {
            calendar,
            dates,
            plans: HashMap::new(),
            reported: HashMap::new(),
        }
    }

    fn plan(&mut self, settings: &Settings, monday: NaiveDate) -> Option<WeekPlan> {
        let (calendar, dates) = (self.calendar, self.dates);
        *self
            .plans
            .entry(monday)
            .or_insert_with(|| WeekPlan::of_plan(calendar, monday, &settings.cycle, dates))
    }

    async fn reported(
        &mut self,
        conn: &mut SqliteConnection,
        plan: &PlanRow,
        monday: NaiveDate,
    ) -> sqlx::Result<&HashSet<(i64, i64)>> {
        if let Entry::Vacant(slot) = self.reported.entry(monday) {
            slot.insert(cycle_db::reported_in_week(conn, plan.id, &monday.to_string()).await?);
        }
        Ok(&self.reported[&monday])
    }
}

/// Expected weeks in a row, up to and including `week`, that this contact did not report.
async fn weeks_missing(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    week: &WeekPlan,
    contact: &ContactRow,
    weeks: &mut Weeks<'_>,
) -> sqlx::Result<u32> {
    let assigned = DateTime::parse_from_rfc3339(&contact.assigned_at)
        .map(|at| at.with_timezone(&settings.timezone).naive_local())
        .ok();
    let mut count = 0;
    let mut monday = week.week_start;
    for _ in 0..12 {
        if let Some(earlier) = weeks.plan(settings, monday) {
            if assigned.is_some_and(|at| at > earlier.prompt) {
                break;
            }
            if weeks
                .reported(conn, plan, monday)
                .await?
                .contains(&(contact.project_id, contact.person_id))
            {
                break;
            }
            count += 1;
        }
        let Some(previous) = monday.checked_sub_days(Days::new(7)) else {
            break;
        };
        monday = previous;
    }
    Ok(count.max(1))
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
/// all). A second tap within a minute sends nothing more. Returns how many were queued.
pub async fn remind_now(
    conn: &mut SqliteConnection,
    settings: &Settings,
    project_no: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<usize>> {
    let Ok((plan, week, missing)) = missing_now(conn, settings, now).await? else {
        return Ok(None);
    };
    let stamp = db::instant(now);
    let minute_ago = db::instant(now - chrono::TimeDelta::seconds(60));
    let mut queued = 0;
    for contact in missing
        .iter()
        .filter(|c| project_no.is_none_or(|no| c.project_no == no) && c.reachable)
    {
        if cycle_db::reminded_since(conn, contact.project_id, contact.person_id, &minute_ago)
            .await?
        {
            continue;
        }
        let text = say::reminder(contact.project_no, &contact.title, &week);
        let message = to_contact(contact, text, &plan, &week, &format!("remind:{stamp}"));
        queued += usize::from(message.enqueue(conn, &stamp).await?.is_some());
    }
    Ok(Some(queued))
}

/// A weekly report that was due: a week whose deadline fell in a date range and has passed, a
/// contact its prompt asked, and whether they reported.
pub struct Expected {
    pub week: WeekPlan,
    pub contact: ContactRow,
    pub reported: bool,
}

/// Every report due from `contacts` for the weeks whose deadline fell between `from` and `to`
/// (and before `now`): what the reporting rate, the digest's missed deadlines and the ledger's
/// 未按时报送 sheet all count.
pub async fn expected_reports(
    conn: &mut SqliteConnection,
    settings: &Settings,
    calendar: &Calendar,
    plan: &PlanRow,
    contacts: &[ContactRow],
    (from, to): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Expected>> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    let mut expected = Vec::new();
    let mut monday = week_start(from);
    while monday <= to {
        if let Some(week) = WeekPlan::of_plan(calendar, monday, &settings.cycle, plan.dates())
            && (from..=to).contains(&week.deadline.date())
            && week.deadline <= local
        {
            let reported =
                cycle_db::reported_in_week(conn, plan.id, &week.week_start.to_string()).await?;
            let asked = to_utc(settings.timezone, week.prompt);
            for contact in contacts.iter().filter(|c| {
                DateTime::parse_from_rfc3339(&c.assigned_at).is_ok_and(|at| at <= asked)
            }) {
                let done = reported.contains(&(contact.project_id, contact.person_id));
                expected.push(Expected {
                    week,
                    contact: contact.clone(),
                    reported: done,
                });
            }
        }
        monday = monday + Days::new(7);
    }
    Ok(expected)
}
