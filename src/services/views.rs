//! What people read: the project list, a project's card, a contact's week, the people list.
//! Each view is limited to what the reader may see.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::people::{self, Person};
use crate::db::plan::{self, MetricRow, PlanRow, ProjectCard, ProjectRow};
use crate::db::{assignments, calendar as calendar_db, digests, reports, scopes};
use crate::domain::calendar::Calendar;
use crate::domain::colour::{Facts, State};
use crate::domain::cycle::WeekPlan;
use crate::domain::metric::Figure;
use crate::domain::role::{AssignmentRole, Role};
use crate::services::ledger::figure;
use crate::services::plan::NamedTarget;
use crate::services::reporting;

/// A contact of a project, as people see them: name and lead or co.
#[derive(Debug, Clone)]
pub struct Contact {
    pub name: String,
    pub role: AssignmentRole,
}

impl From<assignments::Assignment> for Contact {
    fn from(a: assignments::Assignment) -> Self {
        Self {
            name: a.person_name,
            role: a.role,
        }
    }
}

pub struct ProjectLine {
    pub project: ProjectRow,
    pub contacts: Vec<Contact>,
    pub last_report: Option<DateTime<Utc>>,
}

/// The projects a person may see: all for admins, their scope for leaders, their own for
/// contacts.
pub async fn visible_project_ids(
    conn: &mut SqliteConnection,
    plan: &PlanRow,
    person: &Person,
) -> sqlx::Result<Vec<i64>> {
    match person.role {
        Role::Admin => Ok(plan::projects_of_plan(conn, plan.id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect()),
        Role::Leader => scopes::project_ids(conn, person.id).await,
        Role::Contact => Ok(assignments::of_plan(conn, plan.id)
            .await?
            .into_iter()
            .filter(|a| a.person_id == person.id)
            .map(|a| a.project_id)
            .collect()),
    }
}

pub async fn project_lines(
    conn: &mut SqliteConnection,
    plan: &PlanRow,
    visible: &[i64],
) -> sqlx::Result<Vec<ProjectLine>> {
    let projects = plan::projects_of_plan(conn, plan.id).await?;
    let assigned = assignments::of_plan(conn, plan.id).await?;
    let last = reports::last_report_per_project(conn, plan.id).await?;
    Ok(projects
        .into_iter()
        .filter(|p| visible.contains(&p.id))
        .map(|project| ProjectLine {
            contacts: assigned
                .iter()
                .filter(|a| a.project_id == project.id)
                .cloned()
                .map(Contact::from)
                .collect(),
            last_report: last.get(&project.id).cloned(),
            project,
        })
        .collect())
}

pub struct Card {
    pub project: ProjectCard,
    pub units: Vec<plan::ProjectUnit>,
    pub metrics: Vec<NamedTarget>,
    pub contacts: Vec<Contact>,
    pub standing: Standing,
    pub history: Vec<reports::ReportLine>,
}

/// Where a project stands today, judged as the digest and the receipt judge it: the lead
/// unit's latest figures, 序时进度, and its state: a colour with its reasons only once a lead
/// report backs one (`domain::colour::State`).
#[derive(Debug, Clone)]
pub struct Standing {
    pub state: State,
    /// Why the colour: empty when there is no colour.
    pub reasons: Vec<String>,
    /// 序时进度: the share of the project's time elapsed today, in percent.
    pub expected: f64,
    /// Each metric's latest lead figure against its target, in the project's order.
    pub figures: Vec<Figure>,
}

/// Today's [`Standing`] of a project with a lead contact (`led`) or without.
pub async fn standing(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    project_id: i64,
    led: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<Standing> {
    let calendar = calendar_db::load(conn, plan.id).await?;
    let (facts, figures) =
        reporting::facts(conn, settings, &calendar, plan, project_id, now).await?;
    Ok(judged(settings, &facts, &figures, led))
}

/// A project's [`Standing`] from its facts and latest figures: the one judgement the card and
/// the digest both show.
pub fn judged(
    settings: &Settings,
    facts: &Facts,
    figures: &[(MetricRow, Option<f64>)],
    led: bool,
) -> Standing {
    let verdict = reporting::verdict(settings, facts);
    let state = State::of(&verdict, facts.status.is_some(), led);
    Standing {
        state,
        reasons: if state.colour().is_some() {
            verdict.reasons
        } else {
            Vec::new()
        },
        expected: verdict.expected,
        figures: figures.iter().map(|(m, v)| figure(m, *v)).collect(),
    }
}

/// A project's card as of `now`: what it is, who reports it, where it stands, its history.
pub async fn card(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    project: ProjectCard,
    now: DateTime<Utc>,
) -> anyhow::Result<Card> {
    let units = plan::project_units(conn, project.id).await?;
    let metrics = plan::metrics_of_project(conn, project.id)
        .await?
        .into_iter()
        .map(|m| NamedTarget::from(&m))
        .collect();
    let contacts = assignments::of_plan(conn, plan.id)
        .await?
        .into_iter()
        .filter(|a| a.project_id == project.id)
        .map(Contact::from)
        .collect::<Vec<_>>();
    let led = contacts.iter().any(|c| c.role == AssignmentRole::Lead);
    let standing = standing(conn, settings, plan, project.id, led, now).await?;
    let history = reports::history(conn, project.id, 5).await?;
    Ok(Card {
        project,
        units,
        metrics,
        contacts,
        standing,
        history,
    })
}

pub struct MyWeek {
    pub week: Option<WeekPlan>,
    pub projects: Vec<MyProject>,
}

/// One of a contact's projects in their week.
pub struct MyProject {
    pub no: i64,
    pub title: String,
    pub role: AssignmentRole,
    pub reported: bool,
}

pub async fn my_week(
    conn: &mut SqliteConnection,
    settings: &Settings,
    calendar: &Calendar,
    plan: &PlanRow,
    person: &Person,
    now: DateTime<Utc>,
) -> sqlx::Result<MyWeek> {
    let today: NaiveDate = now.with_timezone(&settings.timezone).date_naive();
    let week = WeekPlan::of_plan(calendar, today, &settings.cycle, plan.dates());
    let monday = crate::domain::cycle::week_start(today);
    let week_start = monday.to_string();
    // Any lead contact's report answers for the project (`services::expected`).
    let lead_reported = crate::db::expected::lead_reported_in_week(conn, plan.id, monday).await?;
    let mut projects = Vec::new();
    for a in assignments::of_plan(conn, plan.id)
        .await?
        .into_iter()
        .filter(|a| a.person_id == person.id)
    {
        let reported = (a.role == AssignmentRole::Lead && lead_reported.contains(&a.project_id))
            || reports::has_reported(conn, a.project_id, person.id, &week_start).await?;
        projects.push(MyProject {
            no: a.project_no,
            title: a.title,
            role: a.role,
            reported,
        });
    }
    Ok(MyWeek { week, projects })
}

pub struct PersonLine {
    pub person: Person,
    pub projects: Vec<i64>,
    pub scope: String,
    pub joined_at: DateTime<Utc>,
}

pub async fn people_lines(
    conn: &mut SqliteConnection,
    plan: &PlanRow,
) -> sqlx::Result<Vec<PersonLine>> {
    let assigned = assignments::of_plan(conn, plan.id).await?;
    let mut lines = Vec::new();
    for person in people::all_active(conn).await? {
        let scope = if person.role == Role::Leader {
            scopes::describe(conn, person.id).await?
        } else {
            String::new()
        };
        let projects = assigned
            .iter()
            .filter(|a| a.person_id == person.id)
            .map(|a| a.project_no)
            .collect();
        lines.push(PersonLine {
            joined_at: digests::joined_at(conn, person.id).await?,
            person,
            projects,
            scope,
        });
    }
    Ok(lines)
}
