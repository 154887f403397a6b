//! [`super::facts`] for every project of a plan at once, from a handful of plan-wide queries:
//! the same facts, in the time of a few queries rather than seven a project. A test holds
//! the two equal project by project (tests/it/ledger.rs).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::{Observed, facts_from};
use crate::config::Settings;
use crate::db::assignments;
use crate::db::facts as facts_db;
use crate::db::plan::{self, MetricRow, PlanRow};
use crate::domain::calendar::Calendar;
use crate::domain::colour::Facts;
use crate::domain::role::AssignmentRole;
use crate::services::expected::{self, Expected};

/// Each project's facts and latest figures, by project id.
pub type PlanFacts = HashMap<i64, (Facts, Vec<(MetricRow, Option<f64>)>)>;

/// The projects of `plan` with a lead contact today: without one, a project with no report is
/// 未指派联络员 rather than 未报送.
pub async fn led_projects(
    conn: &mut SqliteConnection,
    plan: &PlanRow,
) -> sqlx::Result<HashSet<i64>> {
    Ok(assignments::of_plan(conn, plan.id)
        .await?
        .into_iter()
        .filter(|a| a.role == AssignmentRole::Lead)
        .map(|a| a.project_id)
        .collect())
}

/// The facts of every project of `plan` on `now`, as [`super::facts`] gives them one by one.
pub async fn facts_of_plan(
    conn: &mut SqliteConnection,
    settings: &Settings,
    calendar: &Calendar,
    plan: &PlanRow,
    now: DateTime<Utc>,
) -> anyhow::Result<PlanFacts> {
    let due = expected::of_plan(conn, settings, calendar, plan, None, now).await?;
    facts_given(conn, settings, plan, &due, now).await
}

/// The same, from the plan's record of who was expected when (`expected::of_plan` at `now`),
/// for a caller that needs that record too and reads it once.
pub async fn facts_given(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    expected: &[Expected],
    now: DateTime<Utc>,
) -> anyhow::Result<PlanFacts> {
    let stagnant = settings.colours.stagnant_weeks.max(1) as usize;
    let mut metrics: HashMap<i64, Vec<MetricRow>> = HashMap::new();
    for metric in plan::metrics_of_plan(conn, plan.id).await? {
        metrics.entry(metric.project_id).or_default().push(metric);
    }
    let mut weekly: HashMap<i64, Vec<facts_db::LeadWeek>> = HashMap::new();
    for week in facts_db::lead_weeks(conn, plan.id, stagnant as i64).await? {
        weekly.entry(week.project_id).or_default().push(week);
    }
    let mut values: HashMap<i64, HashMap<i64, f64>> = HashMap::new();
    for (report, metric, value) in
        facts_db::recent_lead_values(conn, plan.id, stagnant as i64).await?
    {
        values.entry(report).or_default().insert(metric, value);
    }
    // Missed weeks from the one record of who was expected when, as `facts` reads them.
    let mut due: HashMap<i64, Vec<&Expected>> = HashMap::new();
    for expected in expected {
        due.entry(expected.project_id).or_default().push(expected);
    }
    let today = now.with_timezone(&settings.timezone).date_naive();
    let no_values = HashMap::new();
    let mut all = PlanFacts::new();
    for (project, deadline) in facts_db::deadlines(conn, plan.id).await? {
        let deadline: NaiveDate = deadline.parse()?;
        let metrics = metrics.remove(&project).unwrap_or_default();
        let weekly = weekly.remove(&project).unwrap_or_default();
        let figures: Vec<&HashMap<i64, f64>> = weekly
            .iter()
            .take(stagnant)
            .map(|w| values.get(&w.id).unwrap_or(&no_values))
            .collect();
        let missed_weeks = due
            .get(&project)
            .map_or(0, |due| expected::missed_now(due.iter().copied(), project));
        let observed = Observed {
            plan_start: plan.starts_on,
            deadline,
            today,
            status: weekly.first().map(|r| r.status),
            missed_weeks,
        };
        all.insert(project, facts_from(observed, &metrics, &figures));
    }
    Ok(all)
}
