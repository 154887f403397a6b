//! Who is expected to report, once (issue 12): the project's lead contacts answer for it, any
//! one of them; co-unit contacts are asked for their contribution but never counted missing.
//! The digest's rate, reasons and 未按时报送, `/missing`, the escalation, the reminders and the
//! ledger's 未按时报送 sheet all read the same computation.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use minsheng::bot::texts::schedule;
use minsheng::domain::dekad::Period;
use minsheng::services::digest::Digest;
use minsheng::services::{digest, ledger};

use crate::helpers::{ADMIN, Person, TestApp, settings_of};

const ZHANG: Person = Person::with_username(670_001, "张三", "zhangsan");
const LI: Person = Person::with_username(670_002, "李四", "lisi");
const ZHAO: Person = Person::with_username(670_003, "赵六", "zhaoliu");
const SOFT: &str = "发展软环境保障局";
const DEV: &str = "发展改革局";

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Ends a person's assignment to a project now, as /unassign does.
async fn unassign(app: &TestApp, person: &Person, no: i64) {
    sqlx::query(
        "UPDATE assignments SET removed_at = ?
         WHERE project_id = (SELECT id FROM projects WHERE no = ?)
           AND person_id = (SELECT id FROM people WHERE telegram_id = ?) AND removed_at IS NULL",
    )
    .bind(minsheng::db::instant(app.clock_now()))
    .bind(no)
    .bind(person.id)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// A person reports on a project with /report and submits it.
/// The whole plan's digest of the 旬 holding `day`, as of the clock's time.
async fn digest_of(app: &TestApp, day: &str) -> Digest {
    let settings = settings_of(app);
    let mut conn = app.pool.acquire().await.unwrap();
    let plan = minsheng::db::plan::plan_on(&mut conn, date(day))
        .await
        .unwrap()
        .unwrap();
    digest::build(
        &mut conn,
        &settings,
        &plan,
        None,
        Period::dekad_of(date(day)),
        app.clock_now(),
        &BTreeMap::new(),
    )
    .await
    .unwrap()
}

/// The project numbers on the ledger's 未按时报送 sheet, as of the clock's time.
async fn ledger_missed(app: &TestApp) -> Vec<i64> {
    let settings = settings_of(app);
    let mut conn = app.pool.acquire().await.unwrap();
    let plan = ledger::plan_for(&mut conn, &settings, Some(2024), app.clock_now())
        .await
        .unwrap();
    let mut sink = MissedOnly(Vec::new());
    ledger::write(
        &mut conn,
        &settings,
        &plan,
        None,
        app.clock_now(),
        &mut sink,
    )
    .await
    .unwrap();
    sink.0
}

/// Keeps the project numbers of the 未按时报送 sheet, and nothing else.
struct MissedOnly(Vec<i64>);

impl ledger::LedgerSink for MissedOnly {
    fn project(&mut self, _: &ledger::LedgerRow) -> anyhow::Result<()> {
        Ok(())
    }
    fn report(&mut self, _: &ledger::ReportLine) -> anyhow::Result<()> {
        Ok(())
    }
    fn missed(&mut self, missed: &ledger::MissedRecord) -> anyhow::Result<()> {
        self.0.push(missed.no);
        Ok(())
    }
}

/// The weeks in a row a digest's reason counts for project `no`.
fn missed_weeks(digest: &Digest, no: i64) -> u32 {
    digest
        .projects
        .iter()
        .find(|p| p.no == no)
        .unwrap_or_else(|| panic!("no project {no}"))
        .missed_weeks
}

/// What follows a digest's 未按时报送 heading, up to the next heading.
fn missed_section(text: &str) -> String {
    let after = text
        .split("未按时报送")
        .nth(1)
        .unwrap_or_else(|| panic!("no 未按时报送: {text}"));
    after.split("\n\n").next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_lead_assigned_and_unassigned_before_the_prompt_is_counted_nowhere_and_a_silent_lead_everywhere()
 {
    let app = TestApp::spawn().await;
    // 李四 leads project 4 from the week of 3月4日 and never reports.
    app.set_time("2024-03-04T10:00:00+08:00");
    app.contact_on(&LI, DEV, &[4], "lead").await;
    // 张三 leads project 3 for one day, before the week's prompt (3月13日 09:00).
    app.set_time("2024-03-11T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.set_time("2024-03-12T09:00:00+08:00");
    assert_eq!(app.tick().await.escalations, 1, "the week of 3月4日");
    app.set_time("2024-03-12T10:00:00+08:00");
    unassign(&app, &ZHANG, 3).await;

    app.set_time("2024-03-14T10:00:00+08:00");
    app.says(&ADMIN, "/missing");
    let missing = app.message_to_containing(&ADMIN, "当周").await;
    assert!(missing.contains("项目 4"), "{missing}");
    assert!(!missing.contains("项目 3"), "{missing}");

    app.set_time("2024-03-19T09:00:00+08:00");
    assert_eq!(app.tick().await.escalations, 1, "the admin's");
    let escalation = app
        .message_to_containing(&ADMIN, "🚨 逾期未报送督办：3月11日当周")
        .await;
    assert!(
        escalation.contains("项目 4「") && escalation.contains("已连续 2 周"),
        "{escalation}"
    );
    assert!(!escalation.contains("项目 3"), "{escalation}");

    app.set_time("2024-03-21T09:00:00+08:00");
    app.tick_digest().await;
    let text = app.message_to_containing(&ADMIN, "3月中旬调度").await;
    let listed = missed_section(&text);
    assert!(
        listed.contains("· 4. ") && listed.contains("李四，连续2周") && !listed.contains("· 3. "),
        "{listed}"
    );
    let data = digest_of(&app, "2024-03-21").await;
    assert_eq!(
        (missed_weeks(&data, 3), missed_weeks(&data, 4)),
        (0, 2),
        "no reason for a project nobody was asked about; the same two weeks for the silent lead"
    );

    let data = digest_of(&app, "2024-03-15").await;
    assert_eq!(
        (data.received, data.expected),
        (0, 1),
        "the week of 3月11日"
    );
    let missed: Vec<(i64, u32)> = data.missed.iter().map(|m| (m.no, m.weeks)).collect();
    assert_eq!(
        missed,
        vec![(4, 2)],
        "the same weeks in a row as the reason"
    );
    assert_eq!(ledger_missed(&app).await, vec![4, 4], "3月8日 and 3月15日");
    app.stop().await;
}

#[tokio::test]
async fn a_co_unit_contact_who_never_reports_is_reminded_but_never_counted_missing() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-11T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[9], "lead").await;
    app.contact_on(&LI, DEV, &[9], "co").await;
    // A project with a co-unit contact only expects no report.
    app.contact_on(&ZHAO, DEV, &[12], "co").await;

    app.set_time("2024-03-13T09:00:00+08:00");
    assert_eq!(app.tick().await.prompts, 3, "co-units are asked too");
    assert!(app.next_reply_to(&ZHANG).await.starts_with("📋"));
    app.set_time("2024-03-13T10:00:00+08:00");
    app.reports(&ZHANG, "/report 9 1=2 进展:两所完成移交").await;

    app.set_time("2024-03-14T09:00:00+08:00");
    assert_eq!(
        app.tick().await.reminders,
        2,
        "the silent co-unit contacts are reminded of their contribution"
    );
    app.says(&ADMIN, "/missing");
    let missing = app.message_to_containing(&ADMIN, "当周").await;
    assert!(
        !missing.contains("李四") && !missing.contains("赵六"),
        "{missing}"
    );
    assert!(!missing.contains("项目 12"), "{missing}");

    app.set_time("2024-03-19T09:00:00+08:00");
    assert_eq!(app.tick().await.escalations, 0, "nobody is escalated");

    app.set_time("2024-03-21T09:00:00+08:00");
    app.tick_digest().await;
    let text = app.message_to_containing(&ADMIN, "3月中旬调度").await;
    let listed = missed_section(&text);
    assert!(
        !listed.contains("李四") && !listed.contains("赵六"),
        "{listed}"
    );
    assert!(!listed.contains("· 12. "), "{listed}");
    assert_eq!(missed_weeks(&digest_of(&app, "2024-03-21").await, 12), 0);
    let data = digest_of(&app, "2024-03-15").await;
    assert_eq!((data.received, data.expected), (1, 1));
    assert!(data.missed.is_empty());
    assert!(ledger_missed(&app).await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn one_of_two_lead_contacts_reporting_answers_for_the_project() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-11T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[9], "lead").await;
    app.contact_on(&LI, SOFT, &[9], "lead").await;
    app.set_time("2024-03-13T10:00:00+08:00");
    app.reports(&ZHANG, "/report 9 1=2 进展:两所完成移交").await;

    app.set_time("2024-03-14T09:00:00+08:00");
    assert_eq!(
        app.tick().await.reminders,
        0,
        "the other lead contact is not reminded"
    );
    app.says(&ADMIN, "/remind");
    assert_eq!(app.next_reply_to(&ADMIN).await, schedule::reminded(0));
    app.says(&ADMIN, "/missing");
    let missing = app.next_reply_to(&ADMIN).await;
    assert!(!missing.contains("项目 9"), "{missing}");
    app.says(&LI, "/my");
    let mine = app.message_to_containing(&LI, "您负责报送的项目").await;
    assert!(mine.contains("本周已报送 ✅"), "{mine}");

    app.set_time("2024-03-19T09:00:00+08:00");
    assert_eq!(app.tick().await.escalations, 0);
    // The first beat after the prompt time came once 张三 had answered for the project: 李四
    // is asked nothing that week, neither the caught-up prompt nor a reminder.
    assert_eq!(app.steps_of(&LI).await, Vec::<(String, String)>::new());
    app.set_time("2024-03-21T09:00:00+08:00");
    let data = digest_of(&app, "2024-03-15").await;
    assert_eq!((data.received, data.expected), (1, 1));
    assert!(data.missed.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn an_on_demand_digest_mid_week_counts_the_reports_already_in() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-04T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[9], "lead").await;
    app.contact_on(&LI, DEV, &[12], "lead").await;
    app.set_time("2024-03-06T10:00:00+08:00");
    app.reports(&ZHANG, "/report 9 1=2 进展:两所完成移交").await;
    app.reports(&LI, "/report 12 进展:按计划推进").await;

    app.set_time("2024-03-06T11:00:00+08:00");
    app.says(&ADMIN, "/digest");
    let text = app.message_to_containing(&ADMIN, "3月上旬调度").await;
    assert!(!text.contains("没有应报"), "{text}");
    assert!(text.contains("100%"), "{text}");
    let data = digest_of(&app, "2024-03-06").await;
    assert_eq!((data.received, data.expected), (2, 2));
    app.stop().await;
}
