//! The data of the web view's pages (issue 16), each limited to the reader's scope: the
//! overview (this 旬's digest for the scope, judged as the chat's digest judges), a project
//! with every report version and its figures week by week, the digests as sent. Values only:
//! the web view's pages word them.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::pages::{self as pages_db, DifficultyLine, ReportVersion, SentDigest, SentPeriod};
use crate::db::people::Person;
use crate::db::plan::{self, MetricRow, PlanRow};
use crate::db::scopes;
use crate::domain::colour::expected_progress;
use crate::domain::cycle::week_start;
use crate::domain::dekad::Period;
use crate::domain::metric::{Figure, MetricKind};
use crate::domain::role::{AssignmentRole, Role};
use crate::services::digest::{self, Digest, PlanReading};
use crate::services::ledger::figure;
use crate::services::views::{self, Card};

/// The plan in force on the reader's day, if any.
pub async fn current_plan(
    conn: &mut SqliteConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<PlanRow>> {
    plan::plan_on(conn, now.with_timezone(&settings.timezone).date_naive()).await
}

/// Whose projects a reader sees, read fresh on every request.
pub struct Scope {
    pub person: Person,
    /// The project ids, as `views::visible_project_ids` gives them.
    pub ids: HashSet<i64>,
    pub reach: Reach,
}

/// The scope as the page names it.
pub enum Reach {
    /// An admin: the whole plan.
    All,
    /// A leader: "一、三类；项目 12" (`db::scopes::describe`).
    Leader(String),
    /// A contact: their own projects, by number and title.
    Own(Vec<(i64, String)>),
}

impl Scope {
    pub async fn of(
        conn: &mut SqliteConnection,
        plan: &PlanRow,
        person: &Person,
    ) -> sqlx::Result<Self> {
        let ids: HashSet<i64> = views::visible_project_ids(conn, plan, person)
            .await?
            .into_iter()
            .collect();
        let reach = match person.role {
            Role::Admin => Reach::All,
            Role::Leader => Reach::Leader(scopes::describe(conn, person.id).await?),
            Role::Contact => Reach::Own(
                plan::projects_of_plan(conn, plan.id)
                    .await?
                    .into_iter()
                    .filter(|p| ids.contains(&p.id))
                    .map(|p| (p.no, p.title))
                    .collect(),
            ),
        };
        Ok(Self {
            person: person.clone(),
            ids,
            reach,
        })
    }

    /// The scope as the digest and the ledger take it: `None` (the whole plan) for an admin.
    pub fn limit(&self) -> Option<&HashSet<i64>> {
        (self.person.role != Role::Admin).then_some(&self.ids)
    }
}

/// The overview: this 旬 so far, for the reader's scope, exactly as `/digest` builds it.
pub async fn overview(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    scope: &Scope,
    now: DateTime<Utc>,
) -> anyhow::Result<Digest> {
    let today = now.with_timezone(&settings.timezone).date_naive();
    // The whole plan is read once (a few plan-wide queries), whatever the scope's size.
    let reading = PlanReading::read(conn, settings, plan, now).await?;
    let digest = digest::build_from(
        conn,
        settings,
        plan,
        &reading,
        scope.limit(),
        Period::dekad_of(today),
        &BTreeMap::new(),
    )
    .await?;
    Ok(Digest {
        so_far: true,
        ..digest
    })
}

/// A project's page: its card, every report version with its figures, its difficulties open
/// and resolved, and each numeric metric's cumulative value by week against 序时进度.
pub struct ProjectPage {
    pub card: Card,
    pub lead_unit: String,
    pub versions: Vec<Version>,
    pub difficulties: Vec<DifficultyLine>,
    pub series: Vec<Series>,
}

/// One report version and its figures.
pub struct Version {
    pub report: ReportVersion,
    pub figures: Vec<Figure>,
}

/// A metric's lead figures week by week, with what 序时进度 asks by each week's Friday.
pub struct Series {
    pub metric: MetricRow,
    pub points: Vec<Point>,
}

pub struct Point {
    pub week: NaiveDate,
    /// The lead unit's value that week (its latest version); `None` if not reported.
    pub value: Option<f64>,
    /// The target times 序时进度 at the week's Friday.
    pub expected: f64,
}

/// The project numbered `no` in the plan, if the reader may see it: `None` both when it does
/// not exist and when it is outside the scope, so the two cannot be told apart.
pub async fn project(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    scope: &Scope,
    no: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<ProjectPage>> {
    let Some(found) = plan::project_card(conn, plan.id, no).await? else {
        return Ok(None);
    };
    if !scope.ids.contains(&found.id) {
        return Ok(None);
    }
    let id = found.id;
    let card = views::card(conn, settings, plan, found, now).await?;
    let metrics = plan::metrics_of_project(conn, id).await?;
    let values = pages_db::report_values(conn, id).await?;
    let mut by_report: HashMap<i64, HashMap<i64, f64>> = HashMap::new();
    for v in values {
        by_report
            .entry(v.report_id)
            .or_default()
            .insert(v.metric_id, v.value);
    }
    let versions: Vec<Version> = pages_db::report_versions(conn, id)
        .await?
        .into_iter()
        .map(|report| {
            let own = by_report.get(&report.id);
            let figures = metrics
                .iter()
                .map(|m| figure(m, own.and_then(|v| v.get(&m.id).copied())))
                .collect();
            Version { report, figures }
        })
        .collect();
    let deadline: NaiveDate = card.project.deadline.parse()?;
    let today = now.with_timezone(&settings.timezone).date_naive();
    let weeks = Weeks {
        start: plan.starts_on,
        deadline,
        today,
    };
    let series = series(&metrics, &versions, &by_report, weeks);
    let lead_unit = card
        .units
        .iter()
        .find(|u| u.role == AssignmentRole::Lead)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    Ok(Some(ProjectPage {
        card,
        lead_unit,
        versions,
        difficulties: pages_db::difficulties_of_project(conn, id).await?,
        series,
    }))
}

/// The span of a project's weekly chart: from the plan's first week to this week (or the
/// project's deadline, if that came first).
#[derive(Clone, Copy)]
struct Weeks {
    start: NaiveDate,
    deadline: NaiveDate,
    today: NaiveDate,
}

impl Weeks {
    /// Every week's Monday in the span: a week nobody reported shows as a gap, not hidden.
    fn mondays(self) -> impl Iterator<Item = NaiveDate> {
        let last = week_start(self.today.min(self.deadline));
        std::iter::successors(Some(week_start(self.start)), |w| Some(*w + Days::new(7)))
            .take_while(move |w| *w <= last)
    }
}

/// Each numeric metric's series, week by week over the span, with the lead's figure where the
/// week has a lead report.
fn series(
    metrics: &[MetricRow],
    versions: &[Version],
    values: &HashMap<i64, HashMap<i64, f64>>,
    weeks: Weeks,
) -> Vec<Series> {
    let Weeks {
        start, deadline, ..
    } = weeks;
    // The lead's latest version of each week answers for the week (versions come oldest first).
    let mut reported: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for v in versions
        .iter()
        .filter(|v| v.report.role == AssignmentRole::Lead)
    {
        reported.insert(v.report.week_start, v.report.id);
    }
    let mut weekly: BTreeMap<NaiveDate, Option<i64>> =
        weeks.mondays().map(|week| (week, None)).collect();
    for (week, report) in reported {
        weekly.insert(week, Some(report));
    }
    metrics
        .iter()
        .filter(|m| m.kind != MetricKind::YesNo && m.target.is_some_and(|t| t > 0.0))
        .map(|m| Series {
            metric: m.clone(),
            points: weekly
                .iter()
                .map(|(week, report)| Point {
                    week: *week,
                    value: report
                        .and_then(|report| values.get(&report))
                        .and_then(|v| v.get(&m.id).copied()),
                    expected: m.target.unwrap_or_default()
                        * expected_progress(*week + Days::new(4), start, deadline)
                        / 100.0,
                })
                .collect(),
        })
        .collect()
}

/// Whose digests a person reads: an admin every reader's (`Some(None)`), a leader their own,
/// a contact none (`None`: contacts receive no digest).
fn digest_reader(person: &Person) -> Option<Option<i64>> {
    match person.role {
        Role::Admin => Some(None),
        Role::Leader => Some(Some(person.id)),
        Role::Contact => None,
    }
}

/// The periods of the digests as sent to the reader (to anyone, for an admin), newest first.
pub async fn digest_periods(
    conn: &mut SqliteConnection,
    person: &Person,
) -> sqlx::Result<Vec<SentPeriod>> {
    match digest_reader(person) {
        Some(reader) => pages_db::periods_sent(conn, reader).await,
        None => Ok(Vec::new()),
    }
}

/// The digests of one period as sent to the reader (every reader's, for an admin): empty when
/// the reader had none of it.
pub async fn digests_of(
    conn: &mut SqliteConnection,
    person: &Person,
    kind: &str,
    period_start: NaiveDate,
) -> sqlx::Result<Vec<SentDigest>> {
    match digest_reader(person) {
        Some(reader) => pages_db::sent_in_period(conn, reader, kind, period_start).await,
        None => Ok(Vec::new()),
    }
}
