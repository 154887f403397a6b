//! The ten-day digest (每旬调度, SPEC.md §6): for a 旬 and a scope, the reporting rate, each
//! project's colour with its reason (red and yellow first), progress against time, missed
//! deadlines, open difficulties and what changed since the last digest. It is data: numbers,
//! colours and reasons as values, worded and queued one layer up (`crate::jobs::digest`).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::config::Settings;
use crate::db::digests::DifficultyRow;
use crate::db::plan::{self, PlanRow};
use crate::db::{self, calendar, digests, scopes};
use crate::domain::colour::Colour;
use crate::domain::cycle::to_utc;
use crate::domain::dekad::{Kind, Period};
use crate::domain::metric::Figure;
use crate::services::ledger::figure;
use crate::services::{expected, reporting};

mod due;

pub use due::{Reader, dekad_due, kind_and_step, quarter_due, readers};

/// One project's line in a digest.
#[derive(Debug, Clone)]
pub struct ProjectState {
    pub no: i64,
    pub title: String,
    pub lead_unit: String,
    pub colour: Colour,
    pub reasons: Vec<String>,
    pub expected: f64,
    /// Each metric against its target, in the project's order.
    pub metrics: Vec<Figure>,
}

#[derive(Debug, Clone)]
pub struct Missed {
    pub deadline: NaiveDate,
    pub no: i64,
    /// The project's lead unit.
    pub unit: String,
    /// Its lead contacts ("张三、李四").
    pub contact: String,
    /// Weeks in a row without a lead report, up to this one.
    pub weeks: u32,
}

#[derive(Debug, Clone)]
pub struct Digest {
    pub period: Period,
    pub plan_name: String,
    pub received: usize,
    pub expected: usize,
    pub projects: Vec<ProjectState>,
    pub missed: Vec<Missed>,
    /// Open difficulties, by project and day raised.
    pub difficulties: Vec<Difficulty>,
    /// Projects whose colour changed since the reader's previous digest.
    pub changes: Vec<Change>,
}

/// A difficulty a project reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Difficulty {
    pub no: i64,
    pub text: String,
    /// The day it was raised, as stored (UTC).
    pub raised_on: Option<NaiveDate>,
    pub resolved: bool,
}

impl From<DifficultyRow> for Difficulty {
    fn from(row: DifficultyRow) -> Self {
        Self {
            no: row.no,
            raised_on: Some(row.raised_at.date_naive()),
            text: row.text,
            resolved: row.resolved,
        }
    }
}

/// A project's colour before (in the reader's previous digest) and now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub no: i64,
    pub before: Colour,
    pub now: Colour,
}

impl Digest {
    /// Colours by project number, kept with the digest to compare the next one against.
    pub fn colours(&self) -> BTreeMap<String, String> {
        self.projects
            .iter()
            .map(|p| (p.no.to_string(), p.colour.label().to_owned()))
            .collect()
    }
}

/// Builds the digest of `period` as of `now`, for the projects in `scope` (all when `None`),
/// against the colours of the reader's previous digest.
pub async fn build(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    scope: Option<&HashSet<i64>>,
    period: Period,
    now: DateTime<Utc>,
    previous: &BTreeMap<String, String>,
) -> anyhow::Result<Digest> {
    let calendar = calendar::load(conn, plan.id).await?;
    let in_scope = |id: i64| scope.is_none_or(|s| s.contains(&id));
    let rows: Vec<_> = plan::projects_of_plan(conn, plan.id)
        .await?
        .into_iter()
        .filter(|p| in_scope(p.id))
        .collect();
    let mut projects = Vec::new();
    for row in &rows {
        let (facts, figures) =
            reporting::facts(conn, settings, &calendar, plan, row.id, now).await?;
        let verdict = reporting::verdict(settings, &facts);
        let metrics = figures.iter().map(|(m, v)| figure(m, *v)).collect();
        projects.push(ProjectState {
            no: row.no,
            title: row.title.clone(),
            lead_unit: row.lead_unit.clone(),
            colour: verdict.colour,
            reasons: verdict.reasons,
            expected: verdict.expected,
            metrics,
        });
    }
    // Red first, then yellow, then blue; by number within a colour.
    projects.sort_by_key(|p| (std::cmp::Reverse(p.colour), p.no));

    // Reports expected in the period (weeks whose deadline falls in it), from the one record
    // of who was expected when (`services::expected`): reported or overdue weeks count.
    let due: Vec<_> = expected::of_plan(conn, settings, &calendar, plan, None, now)
        .await?
        .into_iter()
        .filter(|e| in_scope(e.project_id) && e.due_in(period.start, period.end) && e.counted())
        .collect();
    let expected = due.len();
    let received = due.iter().filter(|e| e.reported).count();
    let missed = due
        .into_iter()
        .filter(|e| e.overdue)
        .map(|e| Missed {
            deadline: e.week.deadline.date(),
            no: e.no,
            contact: e.contacts(),
            unit: e.lead_unit.unwrap_or_default(),
            weeks: e.missed_in_row,
        })
        .collect();

    let difficulties = digests::open_difficulties(conn, plan.id).await?;
    let numbers: HashSet<i64> = rows.iter().map(|r| r.no).collect();
    let difficulties = difficulties
        .into_iter()
        .filter(|row| numbers.contains(&row.no))
        .map(Difficulty::from)
        .collect();

    let changes = projects
        .iter()
        .filter_map(|p| {
            previous
                .get(&p.no.to_string())
                .and_then(|before| Colour::from_label(before))
                .filter(|before| *before != p.colour)
                .map(|before| Change {
                    no: p.no,
                    before,
                    now: p.colour,
                })
        })
        .collect();
    Ok(Digest {
        period,
        plan_name: plan.name.clone(),
        received,
        expected,
        projects,
        missed,
        difficulties,
        changes,
    })
}

/// A period's digest for one reader: the ten-day digest, or the quarter's summary with the
/// difficulties raised in the quarter.
#[derive(Debug, Clone)]
pub struct Issue {
    pub digest: Digest,
    /// The difficulties raised in the quarter, oldest first; `None` for a 旬.
    pub raised: Option<Vec<Difficulty>>,
}

/// The plan a period's digests belong to, if it had started by the period's end.
pub async fn plan_of(conn: &mut SqliteConnection, period: Period) -> sqlx::Result<Option<PlanRow>> {
    Ok(plan::plan_on(conn, period.end)
        .await?
        .filter(|plan| period.end >= plan.starts_on))
}

/// Whether `reader` has had the period's digest already.
pub async fn had(
    conn: &mut SqliteConnection,
    plan: &PlanRow,
    reader: &Reader,
    period: Period,
) -> sqlx::Result<bool> {
    let (kind, _) = kind_and_step(&period);
    digests::exists(conn, plan.id, reader.person, kind, period.start).await
}

/// Builds the period's digest for `reader`, against their previous digest's colours.
pub async fn issue_for(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    reader: &Reader,
    period: Period,
    now: DateTime<Utc>,
) -> anyhow::Result<Issue> {
    let scope = reader.scope.as_ref();
    match period.kind {
        Kind::Dekad => {
            let previous = digests::last_colours(conn, reader.person).await?;
            let digest = build(conn, settings, plan, scope, period, now, &previous).await?;
            Ok(Issue {
                digest,
                raised: None,
            })
        }
        Kind::Quarter => quarter(conn, settings, plan, scope, period).await,
    }
}

/// Stores a digest as sent to `reader`: its text, and its colours for the next to compare.
pub async fn record(
    conn: &mut SqliteConnection,
    plan: &PlanRow,
    reader: &Reader,
    issue: &Issue,
    text: &str,
    now: &str,
) -> sqlx::Result<()> {
    let (kind, _) = kind_and_step(&issue.digest.period);
    let colours = serde_json::json!(issue.digest.colours());
    digests::insert(
        conn,
        plan.id,
        kind,
        issue.digest.period,
        Some(reader.person),
        text,
        &colours,
        now,
    )
    .await
}

/// The quarter's summary: the colours at its end against the previous quarter's end, every
/// project's completion against the year's targets, and the difficulties raised in it.
pub async fn quarter(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    scope: Option<&HashSet<i64>>,
    period: Period,
) -> anyhow::Result<Issue> {
    let end_of = |day: NaiveDate| {
        to_utc(
            settings.timezone,
            day.and_hms_opt(23, 59, 59).expect("a valid time"),
        )
    };
    let before = Period::quarter_before(period.start);
    let previous = if before.end >= plan.starts_on {
        build(
            conn,
            settings,
            plan,
            scope,
            before,
            end_of(before.end),
            &BTreeMap::new(),
        )
        .await?
        .colours()
    } else {
        BTreeMap::new()
    };
    let digest = build(
        conn,
        settings,
        plan,
        scope,
        period,
        end_of(period.end),
        &previous,
    )
    .await?;
    let numbers: HashSet<i64> = digest.projects.iter().map(|p| p.no).collect();
    let start = period.start.and_hms_opt(0, 0, 0).expect("a valid time");
    let raised = digests::difficulties_raised(
        conn,
        plan.id,
        &db::instant(to_utc(settings.timezone, start)),
        &db::instant(end_of(period.end)),
    )
    .await?;
    let raised = raised
        .into_iter()
        .filter(|row| numbers.contains(&row.no))
        .map(Difficulty::from)
        .collect();
    Ok(Issue {
        digest,
        raised: Some(raised),
    })
}

/// The digest of the current 旬 so far, for /digest and `minsheng digest --preview`.
pub async fn on_demand(
    conn: &mut SqliteConnection,
    settings: &Settings,
    person: Option<(i64, bool)>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Digest>> {
    let today = now.with_timezone(&settings.timezone).date_naive();
    let Some(plan) = plan::plan_on(conn, today).await? else {
        return Ok(None);
    };
    let scope = match person {
        Some((leader, true)) => Some(
            scopes::project_ids(conn, leader)
                .await?
                .into_iter()
                .collect::<HashSet<i64>>(),
        ),
        _ => None,
    };
    let previous = match person {
        Some((id, _)) => digests::last_colours(conn, id).await?,
        None => BTreeMap::new(),
    };
    Ok(Some(
        build(
            conn,
            settings,
            &plan,
            scope.as_ref(),
            Period::dekad_of(today),
            now,
            &previous,
        )
        .await?,
    ))
}

/// `minsheng digest --preview`: the digest as of `date` at the digest time (or `now`), for a
/// leader's scope or the whole plan. On a digest day it is the 旬 just ended.
pub async fn preview(
    pool: &SqlitePool,
    settings: &Settings,
    date: Option<NaiveDate>,
    leader: Option<i64>,
    quarter_summary: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<Issue> {
    let now = match date {
        Some(day) => to_utc(settings.timezone, day.and_time(settings.digest.time)),
        None => now,
    };
    let today = now.with_timezone(&settings.timezone).date_naive();
    let period = if quarter_summary {
        Period::quarter_before(today)
    } else if settings.digest.days.contains(&today.day()) {
        Period::dekad_before(today)
    } else {
        Period::dekad_of(today)
    };
    let mut conn = pool.acquire().await?;
    let plan = plan::plan_on(&mut conn, period.end)
        .await?
        .ok_or_else(|| anyhow::anyhow!("数据库中还没有任何年度计划"))?;
    let (scope, previous) = match leader {
        Some(telegram_id) => {
            let person = crate::db::people::by_telegram_id(&mut conn, telegram_id)
                .await?
                .filter(|p| p.role == crate::domain::role::Role::Leader)
                .ok_or_else(|| {
                    anyhow::anyhow!("没有 Telegram ID 为 {telegram_id} 的分管负责同志")
                })?;
            let scope: HashSet<i64> = scopes::project_ids(&mut conn, person.id)
                .await?
                .into_iter()
                .collect();
            (
                Some(scope),
                digests::last_colours(&mut conn, person.id).await?,
            )
        }
        None => (None, BTreeMap::new()),
    };
    if quarter_summary {
        return quarter(&mut conn, settings, &plan, scope.as_ref(), period).await;
    }
    let digest = build(
        &mut conn,
        settings,
        &plan,
        scope.as_ref(),
        period,
        now,
        &previous,
    )
    .await?;
    Ok(Issue {
        digest,
        raised: None,
    })
}
