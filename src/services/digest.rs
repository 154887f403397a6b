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
use crate::db::{calendar, digests, scopes};
use crate::domain::cycle::to_utc;
use crate::domain::dekad::{Kind, Period};
use crate::services::expected::{self, Expected};
use crate::services::reporting::{self, PlanFacts};
use crate::services::views;

mod data;
mod due;

pub use data::{
    Change, Difficulty, Digest, Missed, Moved, ProjectState, ScopePart, Snapshot, snapshots,
};
pub use due::{
    CATCH_UP, DuePeriod, Reader, after_first_prompt, dekad_due, end_of, kind_and_step, quarter_due,
    readers,
};

/// What a digest reads of the whole plan at one moment: who was expected when, every
/// project's facts, and which projects have a lead contact. Read once, it serves the digest of
/// every reader of that moment, whatever their scope.
pub struct PlanReading {
    now: DateTime<Utc>,
    expected: Vec<Expected>,
    facts: PlanFacts,
    led: HashSet<i64>,
}

impl PlanReading {
    pub async fn read(
        conn: &mut SqliteConnection,
        settings: &Settings,
        plan: &PlanRow,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Self> {
        let calendar = calendar::load(conn, plan.id).await?;
        // Every project's facts from a few plan-wide reads, not seven queries a project.
        let expected = expected::of_plan(conn, settings, &calendar, plan, None, now).await?;
        let facts = reporting::facts_given(conn, settings, plan, &expected, now).await?;
        Ok(Self {
            now,
            led: reporting::led_projects(conn, plan).await?,
            expected,
            facts,
        })
    }
}

/// Builds the digest of `period` as of `now`, for the projects in `scope` (all when `None`),
/// against the reader's previous digest. 序时进度 is measured at the period's last day (or
/// today, for the period so far).
pub async fn build(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    scope: Option<&HashSet<i64>>,
    period: Period,
    now: DateTime<Utc>,
    previous: &BTreeMap<String, Snapshot>,
) -> anyhow::Result<Digest> {
    let reading = PlanReading::read(conn, settings, plan, now).await?;
    build_from(conn, settings, plan, &reading, scope, period, previous).await
}

/// [`build`] from a reading of the plan already made at the digest's moment.
pub async fn build_from(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    reading: &PlanReading,
    scope: Option<&HashSet<i64>>,
    period: Period,
    previous: &BTreeMap<String, Snapshot>,
) -> anyhow::Result<Digest> {
    let in_scope = |id: i64| scope.is_none_or(|s| s.contains(&id));
    let all = plan::projects_of_plan(conn, plan.id).await?;
    let rows: Vec<_> = all.iter().filter(|p| in_scope(p.id)).collect();
    let today = reading.now.with_timezone(&settings.timezone).date_naive();
    let as_of = today.min(period.end);
    let mut projects = Vec::new();
    for row in &rows {
        let (facts, figures) = reading
            .facts
            .get(&row.id)
            .ok_or_else(|| anyhow::anyhow!("项目 {} 的事实缺失", row.no))?;
        let mut facts = facts.clone();
        facts.today = as_of;
        // The same judgement as a project's card (`/project N`) shows.
        let standing = views::judged(settings, &facts, figures, reading.led.contains(&row.id));
        projects.push(ProjectState {
            no: row.no,
            title: row.title.clone(),
            lead_unit: row.lead_unit.clone(),
            state: standing.state,
            reasons: standing.reasons,
            expected: standing.expected,
            metrics: standing.figures,
            missed_weeks: facts.missed_weeks,
        });
    }
    projects.sort_by_key(|p| (p.state.rank(), p.no));

    // Reports expected in the period (weeks whose deadline falls in it), from the one record
    // of who was expected when (`services::expected`): reported or overdue weeks count.
    let due: Vec<&Expected> = reading
        .expected
        .iter()
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
            unit: e.lead_unit.clone().unwrap_or_default(),
            weeks: e.missed_in_row,
        })
        .collect();

    let units: BTreeMap<i64, &str> = rows.iter().map(|r| (r.no, r.lead_unit.as_str())).collect();
    let difficulties = digests::open_difficulties(conn, plan.id)
        .await?
        .into_iter()
        .filter_map(|row| difficulty(settings, &units, row, today))
        .collect();

    let (changes, moves) = data::compare(&projects, previous);
    Ok(Digest {
        period,
        plan_name: plan.name.clone(),
        scope: scope.map(|_| data::scope_parts(&all, in_scope)),
        as_of,
        so_far: false,
        received,
        expected,
        projects,
        missed,
        difficulties,
        changes,
        moves,
        compared: !previous.is_empty(),
    })
}

/// A difficulty of a project in `units` (the projects in scope, with their lead unit), with
/// the local day it was raised and the days it has been open by `today`.
fn difficulty(
    settings: &Settings,
    units: &BTreeMap<i64, &str>,
    row: DifficultyRow,
    today: NaiveDate,
) -> Option<Difficulty> {
    let unit = units.get(&row.no)?;
    let raised_on = row.raised_at.with_timezone(&settings.timezone).date_naive();
    Some(Difficulty {
        no: row.no,
        unit: (*unit).to_owned(),
        text: row.text,
        raised_on,
        days_open: (today - raised_on).num_days().max(0),
        resolved: row.resolved,
    })
}

/// A period's digest for one reader: the ten-day digest, or the quarter's summary with the
/// difficulties raised in the quarter.
#[derive(Debug, Clone)]
pub struct Issue {
    pub digest: Digest,
    /// The difficulties raised in the quarter, oldest first; `None` for a 旬.
    pub raised: Option<Vec<Difficulty>>,
    /// Sent after its due day (the bot was down): its header says 补发.
    pub late: bool,
}

/// The plan a period's digests belong to: one whose dates the period falls within (a
/// period after the plan's end, or before its start, has no digest).
pub async fn plan_of(conn: &mut SqliteConnection, period: Period) -> sqlx::Result<Option<PlanRow>> {
    Ok(plan::plan_on(conn, period.end)
        .await?
        .filter(|plan| period.end >= plan.starts_on && period.start <= plan.ends_on))
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

/// Builds the period's digest for `reader`, against their previous digest's colours; a 旬's
/// from `reading`, the plan as read at `now` for every reader.
pub async fn issue_for(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    reader: &Reader,
    period: Period,
    reading: &PlanReading,
) -> anyhow::Result<Issue> {
    let scope = reader.scope.as_ref();
    match period.kind {
        Kind::Dekad => {
            let previous = snapshots(digests::last_summary(conn, reader.person).await?.as_deref());
            let digest =
                build_from(conn, settings, plan, reading, scope, period, &previous).await?;
            Ok(Issue {
                digest,
                raised: None,
                late: false,
            })
        }
        Kind::Quarter => quarter(conn, settings, plan, scope, period).await,
    }
}

/// Stores a digest as sent to `reader`: its text, and its states and figures for the next to
/// compare.
pub async fn record(
    conn: &mut SqliteConnection,
    plan: &PlanRow,
    reader: &Reader,
    issue: &Issue,
    text: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let (kind, _) = kind_and_step(&issue.digest.period);
    let colours = serde_json::json!(issue.digest.snapshot());
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
        .snapshot()
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
    let start = period.start.and_hms_opt(0, 0, 0).expect("a valid time");
    let raised = digests::difficulties_raised(
        conn,
        plan.id,
        to_utc(settings.timezone, start),
        end_of(period.end),
    )
    .await?;
    let units: BTreeMap<i64, &str> = digest
        .projects
        .iter()
        .map(|p| (p.no, p.lead_unit.as_str()))
        .collect();
    let raised = raised
        .into_iter()
        .filter_map(|row| difficulty(settings, &units, row, period.end))
        .collect();
    Ok(Issue {
        digest,
        raised: Some(raised),
        late: false,
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
    let Some(plan) = plan_of(conn, Period::dekad_of(today)).await? else {
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
        Some((id, _)) => snapshots(digests::last_summary(conn, id).await?.as_deref()),
        None => BTreeMap::new(),
    };
    let digest = build(
        conn,
        settings,
        &plan,
        scope.as_ref(),
        Period::dekad_of(today),
        now,
        &previous,
    )
    .await?;
    Ok(Some(Digest {
        so_far: true,
        ..digest
    }))
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
            let summary = digests::last_summary(&mut conn, person.id).await?;
            (Some(scope), snapshots(summary.as_deref()))
        }
        None => (None, BTreeMap::new()),
    };
    let plan = plan_of(&mut conn, period)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{}不在任何年度计划的起止日期内", period.label()))?;
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
        digest: Digest {
            so_far: today <= period.end,
            ..digest
        },
        raised: None,
        late: false,
    })
}
