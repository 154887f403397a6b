//! Who was expected to report, when: the one computation the digest's rate, reasons and
//! 未按时报送, `/missing`, the escalation and the ledger's 未按时报送 sheet all read.
//!
//! The notice puts the weekly update on the lead unit (主要责任单位…每周更新); co-units
//! cooperate. So, for a plan week:
//! - a project's report is **expected** when, at the week's prompt, the project had at least one
//!   lead assignment (assigned by then, not removed by then) and was not done (its latest lead
//!   report by then did not say 已完成);
//! - any one lead contact's report for the week (a report as lead, for that Monday) answers for
//!   the project: it is **reported**, whenever it came;
//! - it is **excused** when the deadline passed unreported and every lead contact active at
//!   the deadline (those of the prompt, if none is left) was on leave on the deadline day;
//! - it is **overdue** when the deadline passed, unreported and not excused;
//! - **missed_in_row** counts the overdue weeks in a row up to an overdue one (an excused week
//!   or a week without a report plan is skipped; a reported week, or one that expected nothing,
//!   ends the run); 0 for a week that is not overdue.
//!
//! Co-unit contacts are prompted and reminded for their contribution but are never expected,
//! missing or escalated. A week belongs to a date range when its deadline falls in it. For a
//! rate, a week counts once it is overdue or reported ([`Expected::counted`]), so a week whose
//! prompt went out and whose deadline has not passed yet counts the reports already in.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use sqlx::SqliteConnection;

use crate::config::Settings;
use crate::db::expected::{self as expected_db, LeadReport, LeadSpan, Leave};
use crate::db::plan::PlanRow;
use crate::domain::calendar::Calendar;
use crate::domain::cycle::{WeekPlan, to_utc, week_start};
use crate::domain::report::Status;

/// A lead contact answering for a project in a week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    pub person_id: i64,
    pub name: String,
}

/// One project's report expected for one plan week.
#[derive(Debug, Clone)]
pub struct Expected {
    pub week: WeekPlan,
    pub project_id: i64,
    pub no: i64,
    pub title: String,
    /// The project's lead unit (牵头单位).
    pub lead_unit: Option<String>,
    /// The lead contacts active at the prompt (or now, before it).
    pub leads: Vec<Lead>,
    pub reported: bool,
    pub excused: bool,
    pub overdue: bool,
    pub missed_in_row: u32,
}

impl Expected {
    /// Whether the week counts in a reporting rate: reported, or overdue.
    pub fn counted(&self) -> bool {
        self.reported || self.overdue
    }

    /// Whether the week's deadline falls between `from` and `to`.
    pub fn due_in(&self, from: NaiveDate, to: NaiveDate) -> bool {
        (from..=to).contains(&self.week.deadline.date())
    }

    /// The lead contacts' names, as one text ("张三、李四").
    pub fn contacts(&self) -> String {
        let names: Vec<&str> = self.leads.iter().map(|l| l.name.as_str()).collect();
        names.join("、")
    }
}

/// What the computation reads, loaded once.
pub struct Record {
    pub spans: Vec<LeadSpan>,
    /// Every (project, week) a lead report answered.
    pub reported: HashSet<(i64, NaiveDate)>,
    /// The lead reports that can show a project done by a prompt, oldest first: those of
    /// projects that some lead report called 已完成 (a project never called done never was).
    pub reports: Vec<LeadReport>,
    pub leaves: Vec<Leave>,
}

impl Record {
    /// A record from the lead reports themselves (one project's few, or a test's).
    pub fn of_reports(spans: Vec<LeadSpan>, reports: Vec<LeadReport>, leaves: Vec<Leave>) -> Self {
        Self {
            spans,
            reported: reports
                .iter()
                .map(|r| (r.project_id, r.week_start))
                .collect(),
            reports,
            leaves,
        }
    }
}

/// The weeks of a plan with a report plan, from its first up to the one of `last_monday`.
pub fn plan_weeks(
    calendar: &Calendar,
    settings: &Settings,
    plan: &PlanRow,
    last_monday: NaiveDate,
) -> Vec<WeekPlan> {
    let mut weeks = Vec::new();
    let mut monday = week_start(plan.starts_on);
    while monday <= last_monday && monday <= plan.ends_on {
        if let Some(week) = WeekPlan::of_plan(calendar, monday, &settings.cycle, plan.dates()) {
            weeks.push(week);
        }
        monday = monday + Days::new(7);
    }
    weeks
}

/// Every report expected of the plan's projects (of one project when given) in the weeks whose
/// prompt has gone out by `now`.
pub async fn of_plan(
    conn: &mut SqliteConnection,
    settings: &Settings,
    calendar: &Calendar,
    plan: &PlanRow,
    project_id: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Expected>> {
    let local = now.with_timezone(&settings.timezone).naive_local();
    // A prompt may fall on the Sunday before its week.
    let next_monday = week_start(local.date()) + Days::new(7);
    let weeks: Vec<WeekPlan> = plan_weeks(calendar, settings, plan, next_monday)
        .into_iter()
        .filter(|w| w.prompt <= local)
        .collect();
    let record = load(conn, plan, project_id).await?;
    Ok(compute(&weeks, &record, settings.timezone, now))
}

/// What the computation reads, for a plan (or one project of it).
pub async fn load(
    conn: &mut SqliteConnection,
    plan: &PlanRow,
    project_id: Option<i64>,
) -> sqlx::Result<Record> {
    let leaves = expected_db::leaves(conn).await?;
    Ok(match project_id {
        Some(id) => Record::of_reports(
            expected_db::lead_spans_of_project(conn, id).await?,
            expected_db::lead_reports_of_project(conn, id).await?,
            leaves,
        ),
        // A whole plan's year of reports is read as the weeks each project reported, plus the
        // reports of projects ever called done: a thousand rows, not fifty thousand.
        None => Record {
            spans: expected_db::lead_spans(conn, plan.id).await?,
            reported: expected_db::lead_weeks_reported(conn, plan.id).await?,
            reports: expected_db::lead_reports_of_done(conn, plan.id).await?,
            leaves,
        },
    })
}

/// Weeks in a row a project has left unreported as of `now`: the run of its latest week that
/// was reported or overdue (0 when that one was reported, or nothing was ever expected).
pub fn missed_now<'a, I>(expected: I, project_id: i64) -> u32
where
    I: IntoIterator<Item = &'a Expected>,
    I::IntoIter: DoubleEndedIterator,
{
    expected
        .into_iter()
        .rev()
        .find(|e| e.project_id == project_id && e.counted())
        .map_or(0, |e| e.missed_in_row)
}

/// The pure part: each project's expected weeks among `weeks` (in order), as of `now`.
pub fn compute(weeks: &[WeekPlan], record: &Record, tz: Tz, now: DateTime<Utc>) -> Vec<Expected> {
    let local = now.with_timezone(&tz).naive_local();
    let mut by_project: BTreeMap<(i64, i64), Vec<&LeadSpan>> = BTreeMap::new();
    for span in &record.spans {
        by_project
            .entry((span.project_no, span.project_id))
            .or_default()
            .push(span);
    }
    let reported = &record.reported;
    // Each project's lead reports, oldest first as loaded.
    let mut reports_of: HashMap<i64, Vec<&LeadReport>> = HashMap::new();
    for report in &record.reports {
        reports_of
            .entry(report.project_id)
            .or_default()
            .push(report);
    }
    let mut out = Vec::new();
    for ((no, project_id), spans) in by_project {
        let reports = reports_of.remove(&project_id).unwrap_or_default();
        let mut streak = 0;
        for week in weeks {
            let at = to_utc(tz, week.prompt).min(now);
            let leads = active(&spans, at);
            if leads.is_empty() || done_by(&reports, at) {
                streak = 0;
                continue;
            }
            let is_reported = reported.contains(&(project_id, week.week_start));
            let passed = week.deadline < local;
            let excused = passed
                && !is_reported
                && excused(&spans, &leads, &record.leaves, tz, week.deadline);
            let overdue = passed && !is_reported && !excused;
            if is_reported {
                streak = 0;
            } else if overdue {
                streak += 1;
            }
            out.push(Expected {
                week: *week,
                project_id,
                no,
                title: spans[0].title.clone(),
                lead_unit: spans[0].lead_unit.clone(),
                leads,
                reported: is_reported,
                excused,
                overdue,
                missed_in_row: if overdue { streak } else { 0 },
            });
        }
    }
    out
}

/// The lead contacts whose assignment held at `at`, once each.
fn active(spans: &[&LeadSpan], at: DateTime<Utc>) -> Vec<Lead> {
    let mut leads: Vec<Lead> = Vec::new();
    for span in spans {
        let holds = span.assigned_at <= at && span.removed_at.is_none_or(|end| end > at);
        if holds && leads.iter().all(|l| l.person_id != span.person_id) {
            leads.push(Lead {
                person_id: span.person_id,
                name: span.name.clone(),
            });
        }
    }
    leads
}

/// Whether the project's latest lead report by `at` said 已完成 (`reports` oldest first).
fn done_by(reports: &[&LeadReport], at: DateTime<Utc>) -> bool {
    reports
        .iter()
        .rev()
        .find(|r| r.submitted_at <= at)
        .is_some_and(|r| r.status == Status::Done)
}

/// Whether every lead contact active at the deadline (those of the prompt, if none is left)
/// was on leave on the deadline day.
fn excused(
    spans: &[&LeadSpan],
    at_prompt: &[Lead],
    leaves: &[Leave],
    tz: Tz,
    deadline: NaiveDateTime,
) -> bool {
    let mut leads = active(spans, to_utc(tz, deadline));
    if leads.is_empty() {
        leads = at_prompt.to_vec();
    }
    let day = deadline.date();
    let away = |person: i64| {
        leaves
            .iter()
            .any(|l| l.person_id == person && l.from_date <= day && day <= l.to_date)
    };
    !leads.is_empty() && leads.iter().all(|l| away(l.person_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TZ: Tz = chrono_tz::Asia::Shanghai;

    fn at(local: &str) -> DateTime<Utc> {
        to_utc(TZ, local.parse().unwrap())
    }

    /// A week of March 2024 with the default 212 times.
    fn week(monday: &str) -> WeekPlan {
        let start: NaiveDate = monday.parse().unwrap();
        let time =
            |days: u64, hour: u32| (start + Days::new(days)).and_hms_opt(hour, 0, 0).unwrap();
        WeekPlan {
            week_start: start,
            prompt: time(2, 9),
            reminder: time(3, 9),
            deadline: time(4, 17),
            escalation: time(8, 9),
        }
    }

    fn span(person: i64, from: &str, until: Option<&str>) -> LeadSpan {
        LeadSpan {
            project_id: 30,
            project_no: 3,
            title: "建设老年人食堂".into(),
            lead_unit: Some("民政局".into()),
            person_id: person,
            name: format!("联络员{person}"),
            assigned_at: at(from),
            removed_at: until.map(at),
        }
    }

    fn report(monday: &str, when: &str, status: Status) -> LeadReport {
        LeadReport {
            project_id: 30,
            week_start: monday.parse().unwrap(),
            submitted_at: at(when),
            status,
        }
    }

    fn record(spans: Vec<LeadSpan>, reports: Vec<LeadReport>, leaves: Vec<Leave>) -> Record {
        Record::of_reports(spans, reports, leaves)
    }

    fn weeks() -> Vec<WeekPlan> {
        ["2024-03-04", "2024-03-11", "2024-03-18"]
            .into_iter()
            .map(week)
            .collect()
    }

    #[test]
    fn a_lead_gone_before_the_prompt_expects_nothing() {
        let r = record(
            vec![span(1, "2024-03-11T10:00:00", Some("2024-03-12T10:00:00"))],
            vec![],
            vec![],
        );
        assert!(compute(&weeks(), &r, TZ, at("2024-03-25T09:00:00")).is_empty());
    }

    #[test]
    fn a_silent_lead_misses_weeks_in_a_row_from_their_first_prompt() {
        let r = record(vec![span(1, "2024-03-05T10:00:00", None)], vec![], vec![]);
        let all = compute(&weeks(), &r, TZ, at("2024-03-21T09:00:00"));
        let runs: Vec<(bool, u32)> = all.iter().map(|e| (e.overdue, e.missed_in_row)).collect();
        assert_eq!(
            runs,
            vec![(true, 1), (true, 2), (false, 0)],
            "3-18 not due yet"
        );
        assert_eq!(missed_now(&all, 30), 2);
        assert!(!all[2].counted());
    }

    #[test]
    fn any_lead_report_answers_and_ends_the_run() {
        let r = record(
            vec![
                span(1, "2024-03-01T10:00:00", None),
                span(2, "2024-03-01T10:00:00", None),
            ],
            vec![report("2024-03-11", "2024-03-13T10:00:00", Status::OnTrack)],
            vec![],
        );
        let all = compute(&weeks(), &r, TZ, at("2024-03-25T09:00:00"));
        let flags: Vec<(bool, u32)> = all.iter().map(|e| (e.reported, e.missed_in_row)).collect();
        assert_eq!(flags, vec![(false, 1), (true, 0), (false, 1)]);
        assert_eq!(all[0].contacts(), "联络员1、联络员2");
    }

    #[test]
    fn a_report_in_before_the_deadline_counts_mid_week() {
        let r = record(
            vec![span(1, "2024-03-01T10:00:00", None)],
            vec![report("2024-03-04", "2024-03-06T10:00:00", Status::OnTrack)],
            vec![],
        );
        let mid_week = vec![week("2024-03-04")];
        let all = compute(&mid_week, &r, TZ, at("2024-03-06T11:00:00"));
        assert!(all[0].reported && all[0].counted() && !all[0].overdue);
    }

    #[test]
    fn every_lead_on_leave_at_the_deadline_excuses_the_week_without_breaking_the_run() {
        let leave = Leave {
            person_id: 1,
            from_date: "2024-03-11".parse().unwrap(),
            to_date: "2024-03-15".parse().unwrap(),
        };
        let r = record(
            vec![span(1, "2024-03-01T10:00:00", None)],
            vec![],
            vec![leave],
        );
        let all = compute(&weeks(), &r, TZ, at("2024-03-25T09:00:00"));
        let flags: Vec<(bool, bool, u32)> = all
            .iter()
            .map(|e| (e.excused, e.overdue, e.missed_in_row))
            .collect();
        assert_eq!(
            flags,
            vec![(false, true, 1), (true, false, 0), (false, true, 2)]
        );
    }

    #[test]
    fn a_project_done_by_the_prompt_expects_nothing_more() {
        let r = record(
            vec![span(1, "2024-03-01T10:00:00", None)],
            vec![report("2024-03-04", "2024-03-06T10:00:00", Status::Done)],
            vec![],
        );
        let all = compute(&weeks(), &r, TZ, at("2024-03-25T09:00:00"));
        assert_eq!(all.len(), 1);
        assert_eq!(missed_now(&all, 30), 0);
    }
}
