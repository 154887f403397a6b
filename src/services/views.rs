//! What people read: the project list, a project's card, a contact's week, the people list.
//! Each view is limited to what the reader may see.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::people::{self, Person};
use crate::db::plan::{self, PlanRow, ProjectCard, ProjectRow};
use crate::db::{assignments, reports, scopes};
use crate::domain::calendar::Calendar;
use crate::domain::cycle::WeekPlan;
use crate::domain::role::{AssignmentRole, Role};
use crate::services::plan::NamedTarget;

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
    pub history: Vec<reports::ReportLine>,
}

pub async fn card(
    conn: &mut SqliteConnection,
    plan: &PlanRow,
    project: ProjectCard,
) -> sqlx::Result<Card> {
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
        .collect();
    let history = reports::history(conn, project.id, 5).await?;
    Ok(Card {
        project,
        units,
        metrics,
        contacts,
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
            person,
            projects,
            scope,
        });
    }
    Ok(lines)
}
