//! The ten-day digest (每旬调度, SPEC.md §6): for a 旬 and a scope, the reporting rate, each
//! project's colour with its reason (red and yellow first), progress against time, missed
//! deadlines, open difficulties and what changed since the last digest.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::json;
use sqlx::{SqliteConnection, SqlitePool};

use crate::bot::outgoing::Outgoing;
use crate::bot::texts::digest as say;
use crate::config::Settings;
use crate::db::cycle as cycle_db;
use crate::db::outbox::StepKey;
use crate::db::plan::{self, PlanRow};
use crate::db::{self, calendar, digests, scopes};
use crate::domain::colour::Colour;
use crate::domain::cycle::{shift_working_days, to_utc};
use crate::domain::dekad::{Kind, Period};
use crate::services::reporting;

/// One project's line in a digest.
#[derive(Debug, Clone)]
pub struct ProjectState {
    pub no: i64,
    pub title: String,
    pub lead_unit: String,
    pub colour: Colour,
    pub reasons: Vec<String>,
    pub expected: f64,
    /// (metric, value shown, percent of target)
    pub metrics: Vec<(String, String, Option<f64>)>,
}

#[derive(Debug, Clone)]
pub struct Missed {
    pub deadline: NaiveDate,
    pub no: i64,
    pub unit: String,
    pub contact: String,
}

#[derive(Debug, Clone)]
pub struct Digest {
    pub period: Period,
    pub plan_name: String,
    pub received: usize,
    pub expected: usize,
    pub projects: Vec<ProjectState>,
    pub missed: Vec<Missed>,
    /// (project no, text, raised on)
    pub difficulties: Vec<(i64, String, String)>,
    /// (project no, colour before, colour now)
    pub changes: Vec<(i64, String, Colour)>,
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
        let metrics = figures
            .iter()
            .map(|(m, v)| {
                let shown = say::figure(m, *v);
                (m.name.clone(), shown, v.map(|v| reporting::percent(m, v)))
            })
            .collect();
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

    // Reports expected in the period: weeks whose deadline fell in it (and has passed).
    let contacts: Vec<_> = cycle_db::contacts_of_plan(conn, plan.id)
        .await?
        .into_iter()
        .filter(|c| in_scope(c.project_id))
        .collect();
    let due = crate::services::cycle::expected_reports(
        conn,
        settings,
        &calendar,
        plan,
        &contacts,
        (period.start, period.end),
        now,
    )
    .await?;
    let expected = due.len();
    let received = due.iter().filter(|e| e.reported).count();
    let missed = due
        .into_iter()
        .filter(|e| !e.reported)
        .map(|e| Missed {
            deadline: e.week.deadline.date(),
            no: e.contact.project_no,
            unit: e.contact.unit.unwrap_or_default(),
            contact: e.contact.name,
        })
        .collect();

    let difficulties: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT p.no, d.text, d.raised_at FROM difficulties d JOIN projects p ON p.id = d.project_id
         WHERE p.plan_id = ? AND d.resolved_at IS NULL
           AND d.id = (SELECT max(d2.id) FROM difficulties d2 WHERE d2.project_id = d.project_id AND d2.text = d.text)
         ORDER BY p.no, d.raised_at",
    )
    .bind(plan.id)
    .fetch_all(&mut *conn)
    .await?;
    let numbers: HashSet<i64> = rows.iter().map(|r| r.no).collect();
    let difficulties = difficulties
        .into_iter()
        .filter(|(no, ..)| numbers.contains(no))
        .collect();

    let changes = projects
        .iter()
        .filter_map(|p| {
            previous
                .get(&p.no.to_string())
                .filter(|before| before.as_str() != p.colour.label())
                .map(|before| (p.no, before.clone(), p.colour))
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

/// The digest day on or before `today` in its 旬, if the configured days have one.
fn digest_day(settings: &Settings, today: NaiveDate) -> Option<NaiveDate> {
    let dekad = Period::dekad_of(today);
    settings
        .digest
        .days
        .iter()
        .filter_map(|d| today.with_day(*d))
        .filter(|d| dekad.start <= *d && *d <= today)
        .max()
}

/// Queues the digest of the 旬 just ended to every leader (in their scope, to their digest
/// chat) and every admin (the whole plan), once each; caught up if the bot was down on the day.
pub async fn run_due(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    let Some(day) = digest_day(settings, local.date()) else {
        return Ok(0);
    };
    if local < day.and_time(settings.digest.time) {
        return Ok(0);
    }
    deliver(pool, settings, Period::dekad_before(day), now).await
}

/// Queues the quarter's summary (每季度专题会议) on the first working day after the quarter,
/// to the same readers as the digest, once each.
pub async fn run_quarter_due(
    pool: &SqlitePool,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    let quarter = Period::quarter_before(local.date());
    let mut conn = pool.acquire().await?;
    let Some(plan) = plan::plan_on(&mut conn, quarter.end).await? else {
        return Ok(0);
    };
    let calendar = calendar::load(&mut conn, plan.id).await?;
    drop(conn);
    let first_working = shift_working_days(&calendar, quarter.end, 1);
    if local < first_working.and_time(settings.digest.time) {
        return Ok(0);
    }
    deliver(pool, settings, quarter, now).await
}

/// Everyone who reads digests: admins (the whole plan) and leaders with a scope, each with the
/// chat their digest goes to.
async fn readers(
    conn: &mut SqliteConnection,
) -> sqlx::Result<Vec<(i64, i64, Option<HashSet<i64>>)>> {
    let mut readers: Vec<(i64, i64, Option<HashSet<i64>>)> = cycle_db::admins(conn)
        .await?
        .into_iter()
        .map(|(id, chat)| (id, chat, None))
        .collect();
    for (leader, chat) in digests::leaders(conn).await? {
        let projects: HashSet<i64> = scopes::project_ids(conn, leader)
            .await?
            .into_iter()
            .collect();
        if !projects.is_empty() {
            readers.push((leader, chat, Some(projects)));
        }
    }
    Ok(readers)
}

/// Builds, queues (with the ledger) and stores a period's digest for every reader who has not
/// had it yet.
async fn deliver(
    pool: &SqlitePool,
    settings: &Settings,
    period: Period,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut tx = db::begin_write(pool).await?;
    let Some(plan) = plan::plan_on(&mut tx, period.end).await? else {
        return Ok(0);
    };
    if period.end < plan.starts_on {
        return Ok(0);
    }
    let (kind, step) = match period.kind {
        Kind::Dekad => ("dekad", "digest"),
        Kind::Quarter => ("quarter", "quarter"),
    };
    let stamp = db::instant(now);
    let mut sent = 0;
    let mut whole_plan: Option<(std::path::PathBuf, String)> = None;
    for (person, chat, scope) in readers(&mut tx).await? {
        if digests::exists(&mut tx, plan.id, person, kind, period.start).await? {
            continue;
        }
        let key = |step: String| StepKey {
            plan_id: plan.id,
            period: period.key(),
            project_id: None,
            person_id: person,
            step,
        };
        let (digest, text) = match period.kind {
            Kind::Dekad => {
                let previous = digests::last_colours(&mut tx, person).await?;
                let digest = build(
                    &mut tx,
                    settings,
                    &plan,
                    scope.as_ref(),
                    period,
                    now,
                    &previous,
                )
                .await?;
                let text = say::digest(&digest);
                (digest, text)
            }
            Kind::Quarter => quarter(&mut tx, settings, &plan, scope.as_ref(), period).await?,
        };
        for (part, message) in Outgoing::texts(chat, &text).into_iter().enumerate() {
            let step = if part == 0 {
                step.to_owned()
            } else {
                format!("{step}#{}", part + 1)
            };
            message.keyed(key(step)).enqueue(&mut tx, &stamp).await?;
        }
        // Each comes with its chart and the ledger of the reader's own scope; admins share one
        // workbook of the whole plan.
        let chart = chart_file(settings, &digest, person, now)?;
        Outgoing::photo(
            chat,
            &chart,
            &crate::bot::texts::chart_caption(&digest.period.label()),
        )
        .keyed(key(format!("{step}-chart")))
        .enqueue(&mut tx, &stamp)
        .await?;
        let (path, name) = match (&scope, &whole_plan) {
            (None, Some(file)) => file.clone(),
            _ => {
                let file = crate::services::ledger::write_for_sending(
                    &mut tx,
                    settings,
                    &plan,
                    scope.as_ref(),
                    person,
                    now,
                )
                .await?;
                if scope.is_none() {
                    whole_plan = Some(file.clone());
                }
                file
            }
        };
        Outgoing::document(chat, &path, &name, crate::bot::texts::ledger_caption())
            .keyed(key(format!("{step}-ledger")))
            .enqueue(&mut tx, &stamp)
            .await?;
        digests::insert(
            &mut tx,
            plan.id,
            kind,
            period,
            Some(person),
            &text,
            &json!(digest.colours()),
            &stamp,
        )
        .await?;
        sent += 1;
    }
    tx.commit().await?;
    if sent > 0 {
        tracing::info!(period = %period.label(), sent, "digests queued");
    }
    Ok(sent)
}

/// The quarter's summary: the colours at its end against the previous quarter's end, every
/// project's completion against the year's targets, and the difficulties raised in it.
pub async fn quarter(
    conn: &mut SqliteConnection,
    settings: &Settings,
    plan: &PlanRow,
    scope: Option<&HashSet<i64>>,
    period: Period,
) -> anyhow::Result<(Digest, String)> {
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
    let raised: Vec<(i64, String, String, bool)> = sqlx::query_as(
        "SELECT p.no, d.text, d.raised_at, d.resolved_at IS NOT NULL FROM difficulties d JOIN projects p ON p.id = d.project_id
         WHERE p.plan_id = ? AND d.raised_at >= ? AND d.raised_at <= ? ORDER BY d.raised_at",
    )
    .bind(plan.id)
    .bind(db::instant(to_utc(settings.timezone, period.start.and_hms_opt(0, 0, 0).expect("a valid time"))))
    .bind(db::instant(end_of(period.end)))
    .fetch_all(&mut *conn)
    .await?;
    let raised: Vec<_> = raised
        .into_iter()
        .filter(|(no, ..)| numbers.contains(no))
        .collect();
    let text = say::quarter(&digest, &raised);
    Ok((digest, text))
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
) -> anyhow::Result<String> {
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
                .filter(|p| p.role() == crate::domain::role::Role::Leader)
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
        return Ok(quarter(&mut conn, settings, &plan, scope.as_ref(), period)
            .await?
            .1);
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
    Ok(say::digest(&digest))
}

/// The digest's bars, red and yellow first as in its text.
pub fn bars(digest: &Digest) -> Vec<crate::export::chart::Bar> {
    digest
        .projects
        .iter()
        .map(|p| crate::export::chart::Bar {
            label: format!("{}. {}", p.no, p.title.chars().take(14).collect::<String>()),
            actual: p
                .metrics
                .iter()
                .filter_map(|(_, _, percent)| *percent)
                .map(|v| v.min(100.0))
                .reduce(f64::min)
                .or(if p.metrics.is_empty() {
                    None
                } else {
                    Some(0.0)
                }),
            expected: p.expected,
            colour: p.colour,
        })
        .collect()
}

/// Renders a digest's chart into the exports folder for the sender to upload.
fn chart_file(
    settings: &Settings,
    digest: &Digest,
    person: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<std::path::PathBuf> {
    let png =
        crate::export::chart::render(&format!("{} 进度", digest.period.label()), &bars(digest))?;
    let dir = crate::services::ledger::exports_dir(settings);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!(
        "chart-{}-{person}-{}.png",
        digest.period.key().replace(':', "-"),
        now.timestamp_millis()
    ));
    std::fs::write(&path, png)?;
    Ok(path)
}
