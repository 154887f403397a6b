//! A contact's weekly report: which week it answers, storing it with its values in one
//! transaction, and the receipt with the colour it gives.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::plan::{self, MetricRow, PlanRow};
use crate::db::{assignments, calendar as calendar_db, reports};
use crate::domain::calendar::Calendar;
use crate::domain::colour::{self, Facts, Verdict};
use crate::domain::cycle::{PlanDates, WeekPlan, week_start};
use crate::domain::metric::MetricKind;
use crate::domain::report::Status;
use crate::domain::role::AssignmentRole;
use crate::services::{expected, people};

mod plan_facts;
pub use plan_facts::{PlanFacts, facts_given, facts_of_plan, led_projects};

/// The week a report answers: the week's Monday, whether the cycle expects a report for it,
/// and whether this one is late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnsweredWeek {
    pub week_start: NaiveDate,
    pub expected: bool,
    pub late: bool,
}

/// The week a report sent now answers, and whether it is late. The week is the latest of the
/// plan whose prompt has gone out; after its deadline a report is late for it, unless the person
/// already reported for it, in which case the report is early for the next week. When no week
/// of the plan is in reach (a long pause, before or after the plan) the report is still kept,
/// for the week it was written in, as one nobody expected.
pub fn answered_week(
    calendar: &Calendar,
    settings: &Settings,
    dates: PlanDates,
    now: DateTime<Utc>,
    reported: impl Fn(NaiveDate) -> bool,
) -> AnsweredWeek {
    let local = now.with_timezone(&settings.timezone).naive_local();
    let this_monday = week_start(local.date());
    let plan_of = |monday: NaiveDate| WeekPlan::of_plan(calendar, monday, &settings.cycle, dates);
    let prompted = (0..8u64)
        .filter_map(|weeks| {
            this_monday
                .checked_sub_days(Days::new(7 * weeks))
                .and_then(plan_of)
        })
        .find(|plan| plan.prompt <= local);
    let next_after = |monday: NaiveDate| {
        (1..9u64)
            .filter_map(|weeks| {
                monday
                    .checked_add_days(Days::new(7 * weeks))
                    .and_then(plan_of)
            })
            .next()
    };
    let expected = |week: WeekPlan, late: bool| AnsweredWeek {
        week_start: week.week_start,
        expected: true,
        late,
    };
    let answered = match prompted {
        None => plan_of(this_monday).or_else(|| next_after(this_monday)),
        Some(plan) if local <= plan.deadline => Some(plan),
        Some(plan) if !reported(plan.week_start) => return expected(plan, true),
        Some(plan) => next_after(plan.week_start),
    };
    match answered {
        Some(week) => expected(week, false),
        None => AnsweredWeek {
            week_start: this_monday,
            expected: false,
            late: false,
        },
    }
}

/// The figures a person last gave for a project, by metric position; the project's own latest
/// figures when they never reported (a new lead contact taking over).
pub async fn last_values(
    conn: &mut SqliteConnection,
    project_id: i64,
    person_id: i64,
    metrics: &[MetricRow],
) -> sqlx::Result<(Vec<Option<f64>>, Option<Status>)> {
    let latest = match reports::latest_of_person(conn, project_id, person_id).await? {
        Some(own) => Some(own),
        None => reports::lead_reports_by_week(conn, project_id, 1)
            .await?
            .into_iter()
            .next(),
    };
    let Some(latest) = latest else {
        return Ok((vec![None; metrics.len()], None));
    };
    let values = reports::values_of(conn, latest.id).await?;
    Ok((
        metrics.iter().map(|m| values.get(&m.id).copied()).collect(),
        Some(latest.status),
    ))
}

/// A metric's value as a percentage of its target (a yes/no is 0 or 100).
pub fn percent(metric: &MetricRow, value: f64) -> f64 {
    match (metric.kind, metric.target) {
        (MetricKind::YesNo, _) if value > 0.0 => 100.0,
        (MetricKind::YesNo, _) => 0.0,
        (_, Some(target)) if target > 0.0 => value / target * 100.0,
        _ => 0.0,
    }
}

/// The facts the colour rule looks at, from the project's lead reports.
pub async fn facts(
    conn: &mut SqliteConnection,
    settings: &Settings,
    calendar: &Calendar,
    plan: &PlanRow,
    project_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<(Facts, Vec<(MetricRow, Option<f64>)>)> {
    let deadline: NaiveDate = reports::deadline_of_project(conn, project_id)
        .await?
        .parse()?;
    let metrics = plan::metrics_of_project(conn, project_id).await?;
    let weekly = reports::lead_reports_by_week(conn, project_id, 60).await?;
    let mut figures = Vec::new();
    for report in weekly
        .iter()
        .take(settings.colours.stagnant_weeks.max(1) as usize)
    {
        figures.push(reports::values_of(conn, report.id).await?);
    }
    let today = now.with_timezone(&settings.timezone).date_naive();
    // Missed weeks come from the one record of who was expected when (`services::expected`),
    // as the digest's 未按时报送, `/missing` and the escalation count them.
    let due = expected::of_plan(conn, settings, calendar, plan, Some(project_id), now).await?;
    let figures: Vec<&HashMap<i64, f64>> = figures.iter().collect();
    Ok(facts_from(
        Observed {
            plan_start: plan.starts_on,
            deadline,
            today,
            status: weekly.first().map(|r| r.status),
            missed_weeks: expected::missed_now(&due, project_id),
        },
        &metrics,
        &figures,
    ))
}

/// What is known of a project besides its figures, for [`facts_from`].
pub(crate) struct Observed {
    pub plan_start: NaiveDate,
    pub deadline: NaiveDate,
    pub today: NaiveDate,
    pub status: Option<Status>,
    pub missed_weeks: u32,
}

/// The colour rule's facts and the latest figure of each metric, from a project's figures of
/// its latest weeks (newest first): what [`facts`] and [`facts_of_plan`] both judge by.
pub(crate) fn facts_from(
    observed: Observed,
    metrics: &[MetricRow],
    figures: &[&HashMap<i64, f64>],
) -> (Facts, Vec<(MetricRow, Option<f64>)>) {
    let latest: Vec<(MetricRow, Option<f64>)> = metrics
        .iter()
        .map(|m| {
            let value = figures.first().and_then(|v| v.get(&m.id).copied());
            (m.clone(), value)
        })
        .collect();
    let unchanged_weeks = match figures.first() {
        Some(first) if !metrics.is_empty() => {
            figures.iter().take_while(|v| *v == first).count() as u32
        }
        _ => 0,
    };
    let facts = Facts {
        today: observed.today,
        plan_start: observed.plan_start,
        deadline: observed.deadline,
        status: observed.status,
        progress: latest
            .iter()
            .map(|(m, v)| percent(m, v.unwrap_or(0.0)))
            .collect(),
        missed_weeks: observed.missed_weeks,
        unchanged_weeks,
    };
    (facts, latest)
}

pub fn verdict(settings: &Settings, facts: &Facts) -> Verdict {
    colour::judge(facts, &settings.colours)
}

/// What a contact submits.
pub struct Submission<'a> {
    pub project_id: i64,
    pub person_id: i64,
    pub role: AssignmentRole,
    pub status: Status,
    pub values: &'a [reports::Value],
    pub progress: &'a str,
    pub difficulties: &'a str,
    pub evidence: Option<(&'a str, &'a str)>,
}

pub struct Saved {
    pub report_id: i64,
    pub version: i64,
    pub week: AnsweredWeek,
}

/// Stores a report and its values in the caller's transaction.
pub async fn save(
    conn: &mut SqliteConnection,
    calendar: &Calendar,
    settings: &Settings,
    dates: PlanDates,
    submission: &Submission<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Saved> {
    let mine: HashSet<String> =
        reports::weeks_of_person(conn, submission.project_id, submission.person_id)
            .await?
            .into_iter()
            .collect();
    let week = answered_week(calendar, settings, dates, now, |monday| {
        mine.contains(&monday.to_string())
    });
    let week_key = week.week_start.to_string();
    let report = reports::NewReport {
        project_id: submission.project_id,
        person_id: submission.person_id,
        week_start: &week_key,
        role: submission.role,
        status: submission.status,
        progress: submission.progress,
        difficulties: submission.difficulties,
        evidence: submission.evidence,
        late: week.late,
    };
    let reports::Inserted {
        id: report_id,
        version,
    } = reports::insert(conn, &report, now).await?;
    for value in submission.values {
        reports::insert_value(conn, report_id, *value).await?;
    }
    if !submission.difficulties.is_empty() {
        reports::insert_difficulty(
            conn,
            submission.project_id,
            report_id,
            submission.difficulties,
            now,
        )
        .await?;
    }
    Ok(Saved {
        report_id,
        version,
        week,
    })
}

/// A report as the conversation collected it, figures by metric position.
pub struct Answers<'a> {
    pub project_id: i64,
    pub person_id: i64,
    pub status: Option<Status>,
    pub values: &'a [Option<f64>],
    pub progress: Option<&'a str>,
    pub difficulties: Option<&'a str>,
    /// ("photo" | "document", Telegram file id)
    pub evidence: Option<(&'a str, &'a str)>,
}

/// A stored report and what its receipt shows: the role it was filed in, the project's figures
/// and colour with it.
pub struct Receipt {
    pub saved: Saved,
    pub role: AssignmentRole,
    pub figures: Vec<(MetricRow, Option<f64>)>,
    pub verdict: Verdict,
}

pub enum Submitted {
    /// The project was taken from the person while they filled in the report: nothing stored.
    NoLongerAssigned,
    Stored(Receipt),
}

/// Stores a report, if its author still holds the project in the current plan, and judges the
/// project with it, in the caller's transaction.
pub async fn submit(
    conn: &mut SqliteConnection,
    settings: &Settings,
    answers: &Answers<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Submitted> {
    let plan = people::current_plan(conn, now, settings.timezone).await?;
    let still_assigned = assignments::of_plan(conn, plan.id)
        .await?
        .iter()
        .any(|a| a.person_id == answers.person_id && a.project_id == answers.project_id);
    if !still_assigned {
        return Ok(Submitted::NoLongerAssigned);
    }
    let metrics = plan::metrics_of_project(conn, answers.project_id).await?;
    let role = assignments::current_role(conn, answers.project_id, answers.person_id)
        .await?
        .unwrap_or(AssignmentRole::Lead);
    let values: Vec<reports::Value> = metrics
        .iter()
        .zip(answers.values)
        .filter_map(|(m, v)| {
            v.map(|value| reports::Value {
                metric_id: m.id,
                value,
            })
        })
        .collect();
    let calendar = calendar_db::load(conn, plan.id).await?;
    let submission = Submission {
        project_id: answers.project_id,
        person_id: answers.person_id,
        role,
        status: answers.status.unwrap_or(Status::OnTrack),
        values: &values,
        progress: answers.progress.unwrap_or_default(),
        difficulties: answers.difficulties.unwrap_or_default(),
        evidence: answers.evidence,
    };
    let saved = save(conn, &calendar, settings, plan.dates(), &submission, now).await?;
    let (facts, figures) = facts(conn, settings, &calendar, &plan, answers.project_id, now).await?;
    Ok(Submitted::Stored(Receipt {
        saved,
        role,
        verdict: verdict(settings, &facts),
        figures,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    const YEAR_2024: PlanDates = PlanDates {
        starts_on: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        ends_on: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    };

    fn answer(calendar: &Calendar, now: &str, reported: &[&str]) -> AnsweredWeek {
        let settings = Settings::from_layers(None, &std::collections::HashMap::new()).unwrap();
        answered_week(calendar, &settings, YEAR_2024, at(now), |d| {
            reported.contains(&d.to_string().as_str())
        })
    }

    fn week_of(now: &str, reported: &[&str]) -> (String, bool) {
        let answered = answer(&Calendar::official(), now, reported);
        assert!(answered.expected, "{now}");
        (answered.week_start.to_string(), answered.late)
    }

    #[test]
    fn a_report_before_the_plans_first_prompt_answers_its_first_week_on_time() {
        assert_eq!(
            week_of("2024-01-02T10:00:00+08:00", &[]),
            ("2024-01-01".to_owned(), false),
            "not late for the week of 25 December, which is not the plan's"
        );
    }

    #[test]
    fn a_report_with_no_expected_week_in_reach_is_kept_for_the_week_it_was_written_in() {
        use crate::domain::calendar::Pause;
        let paused = Calendar::new(
            [],
            [Pause {
                from: NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
                to: NaiveDate::from_ymd_opt(2024, 9, 30).unwrap(),
            }],
        );
        let expected_none = |week: &str| AnsweredWeek {
            week_start: week.parse().unwrap(),
            expected: false,
            late: false,
        };
        assert_eq!(
            answer(&paused, "2024-07-10T10:00:00+08:00", &[]),
            expected_none("2024-07-08"),
            "deep in a long pause"
        );
        assert_eq!(
            answer(
                &Calendar::official(),
                "2025-02-12T10:00:00+08:00",
                &["2024-12-30"]
            ),
            expected_none("2025-02-10"),
            "after the plan's last week"
        );
    }

    #[test]
    fn a_report_answers_the_week_whose_prompt_went_out() {
        assert_eq!(
            week_of("2024-03-13T10:00:00+08:00", &[]),
            ("2024-03-11".to_owned(), false),
            "Wednesday after the prompt"
        );
        assert_eq!(
            week_of("2024-03-15T16:59:00+08:00", &[]),
            ("2024-03-11".to_owned(), false),
            "just before the deadline"
        );
        assert_eq!(
            week_of("2024-03-15T17:01:00+08:00", &[]),
            ("2024-03-11".to_owned(), true),
            "just after: late"
        );
        assert_eq!(
            week_of("2024-03-18T10:00:00+08:00", &[]),
            ("2024-03-11".to_owned(), true),
            "Monday, nothing filed yet"
        );
        assert_eq!(
            week_of("2024-03-18T10:00:00+08:00", &["2024-03-11"]),
            ("2024-03-18".to_owned(), false),
            "Monday, last week filed"
        );
        assert_eq!(
            week_of("2024-03-12T10:00:00+08:00", &["2024-03-04"]),
            ("2024-03-11".to_owned(), false),
            "Tuesday before the prompt"
        );
    }

    #[test]
    fn a_report_in_the_spring_festival_answers_the_week_before_it() {
        assert_eq!(
            week_of("2024-02-14T10:00:00+08:00", &[]),
            ("2024-02-05".to_owned(), true)
        );
        assert_eq!(
            week_of("2024-02-14T10:00:00+08:00", &["2024-02-05"]),
            ("2024-02-19".to_owned(), false)
        );
    }
}
