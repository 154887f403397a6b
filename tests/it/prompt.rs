//! One weekly prompt per person (issue 13): every owed project in one message, 与上周相同 for a
//! quiet week, the fast ways taught with the contact's own project. Each walk counts what the
//! contact does (taps, typed messages) and what the bot sends them.

use minsheng::bot::report::Press;
use minsheng::bot::texts::schedule;

use crate::helpers::{ADMIN, Person, TestApp};

const ZHANG: Person = Person::with_username(670_001, "张三", "zhangsan");
const LI: Person = Person::with_username(670_002, "李四", "lisi");
const SOFT: &str = "发展软环境保障局";
const DEV: &str = "发展改革局";

/// What a contact did: buttons pressed and messages typed.
#[derive(Debug, Default, PartialEq)]
struct Actions {
    taps: usize,
    typed: usize,
}

impl Actions {
    fn tap(&mut self, app: &TestApp, person: &Person, press: Press) {
        self.taps += 1;
        app.presses(person, &press.data());
    }
}

/// The callback data of the buttons on the bot's last message to a person, row by row.
async fn buttons_of_last(app: &TestApp, person: &Person) -> Vec<Vec<String>> {
    app.buttons_under_last(person).await.data()
}

/// A person's reports of a week: (project no, status, progress, difficulties), by project.
async fn reports_in_week(
    app: &TestApp,
    person: &Person,
    week: &str,
) -> Vec<(i64, String, String, String)> {
    sqlx::query_as(
        "SELECT p.no, r.status, r.progress, r.difficulties FROM reports r
         JOIN projects p ON p.id = r.project_id JOIN people pe ON pe.id = r.person_id
         WHERE pe.telegram_id = ? AND r.week_start = ? ORDER BY p.no",
    )
    .bind(person.id)
    .bind(week)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// The figures of a person's latest report on a project, by metric position.
async fn latest_values(app: &TestApp, person: &Person, no: i64) -> Vec<f64> {
    sqlx::query_scalar(
        "SELECT v.value FROM report_values v JOIN metrics m ON m.id = v.metric_id
         WHERE v.report_id = (SELECT r.id FROM reports r JOIN projects p ON p.id = r.project_id
                              JOIN people pe ON pe.id = r.person_id
                              WHERE pe.telegram_id = ? AND p.no = ? ORDER BY r.id DESC LIMIT 1)
         ORDER BY m.position",
    )
    .bind(person.id)
    .bind(no)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// One more lead assignment of a contact already admitted, at the clock's time.
async fn assign(app: &TestApp, person: &Person, no: i64) {
    sqlx::query(
        "INSERT INTO assignments (project_id, person_id, role, assigned_at)
         VALUES ((SELECT id FROM projects WHERE no = ?), (SELECT id FROM people WHERE telegram_id = ?), 'lead', ?)",
    )
    .bind(no)
    .bind(person.id)
    .bind(minsheng::db::instant(app.clock_now()))
    .execute(&app.pool)
    .await
    .unwrap();
}

fn row(no: i64) -> Vec<String> {
    vec![Press::Project(no).data(), Press::SameAsLast(no).data()]
}

#[tokio::test]
async fn a_quiet_week_with_one_project_takes_two_taps_and_nothing_typed() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-04T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.reports(
        &ZHANG,
        "/report 3 2 状态:滞后 进展:完成选址 困难:用地审批慢",
    )
    .await;
    let before = app.messages_to(&ZHANG).len();

    app.set_time("2024-03-13T09:00:00+08:00");
    assert_eq!(app.tick().await.prompts, 1);
    let prompt = app.nth_reply_to(&ZHANG, before + 1).await;
    assert!(prompt.contains("项目 3「建设老年人食堂」"), "{prompt}");
    assert!(prompt.contains("新建老年人食堂：2/6处"), "{prompt}");
    assert_eq!(buttons_of_last(&app, &ZHANG).await, vec![row(3)]);

    let mut did = Actions::default();
    did.tap(&app, &ZHANG, Press::SameAsLast(3));
    let summary = app.nth_reply_to(&ZHANG, before + 2).await;
    assert!(summary.starts_with("请确认本周报送 · 项目 3"), "{summary}");
    assert!(summary.contains("推进状态：进度滞后"), "{summary}");
    assert!(summary.contains("本周进展：与上周相同"), "{summary}");
    assert!(summary.contains("困难问题：用地审批慢"), "{summary}");
    did.tap(&app, &ZHANG, Press::Submit);
    let receipt = app.nth_reply_to(&ZHANG, before + 3).await;
    assert!(receipt.starts_with("✅"), "{receipt}");

    assert_eq!(did, Actions { taps: 2, typed: 0 });
    assert_eq!(
        app.messages_to(&ZHANG).len(),
        before + 3,
        "the prompt, the summary, the receipt"
    );
    assert_eq!(
        reports_in_week(&app, &ZHANG, "2024-03-11").await,
        vec![(
            3,
            "behind".to_owned(),
            "与上周相同".to_owned(),
            "用地审批慢".to_owned()
        )]
    );
    assert_eq!(latest_values(&app, &ZHANG, 3).await, vec![2.0]);
    app.stop().await;
}

#[tokio::test]
async fn two_projects_get_one_prompt_and_four_taps_store_both() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-04T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3, 4], "lead").await;
    app.reports(&ZHANG, "/report 3 2 进展:完成选址").await;
    app.reports(&ZHANG, "/report 4 1 进展:设施开工").await;
    let before = app.messages_to(&ZHANG).len();

    app.set_time("2024-03-13T09:00:00+08:00");
    assert_eq!(app.tick().await.prompts, 1, "one prompt for the person");
    let prompt = app.nth_reply_to(&ZHANG, before + 1).await;
    assert!(
        prompt.contains("项目 3「建设老年人食堂」")
            && prompt.contains("项目 4「增加社区养老服务设施」"),
        "{prompt}"
    );
    assert!(prompt.contains("打造社区养老服务设施：1/5处"), "{prompt}");
    assert_eq!(buttons_of_last(&app, &ZHANG).await, vec![row(3), row(4)]);
    assert_eq!(app.tick().await.total(), 0);

    let mut did = Actions::default();
    for (no, n) in [(3, 2), (4, 4)] {
        did.tap(&app, &ZHANG, Press::SameAsLast(no));
        let summary = app.nth_reply_to(&ZHANG, before + n).await;
        assert!(
            summary.starts_with(&format!("请确认本周报送 · 项目 {no}")),
            "{summary}"
        );
        did.tap(&app, &ZHANG, Press::Submit);
        assert!(
            app.nth_reply_to(&ZHANG, before + n + 1)
                .await
                .starts_with("✅")
        );
    }
    assert_eq!(did, Actions { taps: 4, typed: 0 });
    assert_eq!(app.messages_to(&ZHANG).len(), before + 5);
    let stored = reports_in_week(&app, &ZHANG, "2024-03-11").await;
    assert_eq!(
        stored
            .iter()
            .map(|(no, status, progress, _)| (*no, status.as_str(), progress.as_str()))
            .collect::<Vec<_>>(),
        vec![(3, "on_track", "与上周相同"), (4, "on_track", "与上周相同")]
    );
    assert_eq!(latest_values(&app, &ZHANG, 4).await, vec![1.0]);
    app.stop().await;
}

#[tokio::test]
async fn with_no_last_report_the_same_button_opens_the_step_by_step_report_saying_why() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-11T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.set_time("2024-03-13T09:00:00+08:00");
    app.tick().await;
    app.next_reply_to(&ZHANG).await;
    app.presses(&ZHANG, &Press::SameAsLast(3).data());
    let question = app.next_reply_to(&ZHANG).await;
    assert!(question.contains("尚无上次报送"), "{question}");
    assert!(question.contains("本周推进状态是？"), "{question}");
    assert_eq!(buttons_of_last(&app, &ZHANG).await.len(), 2, "the statuses");
    // A project not theirs is refused as the 填写 button would be.
    app.presses(&ZHANG, &Press::SameAsLast(9).data());
    let refused = app.next_reply_to(&ZHANG).await;
    assert!(refused.contains('9'), "{refused}");
    app.stop().await;
}

#[tokio::test]
async fn the_prompt_is_queued_once_across_beats_and_restarts_and_a_late_project_gets_its_own() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-11T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.set_time("2024-03-13T09:00:00+08:00");
    assert_eq!(app.tick().await.prompts, 1);
    assert_eq!(app.tick().await.total(), 0);
    let app = app.restart().await;
    assert_eq!(app.tick().await.total(), 0);

    // Assigned to project 4 on Wednesday afternoon, after the prompt went out.
    app.set_time("2024-03-13T15:00:00+08:00");
    assign(&app, &ZHANG, 4).await;
    app.set_time("2024-03-13T15:01:00+08:00");
    assert_eq!(app.tick().await.prompts, 1, "the caught-up prompt");
    assert_eq!(app.tick().await.total(), 0);
    let app = app.restart().await;
    assert_eq!(app.tick().await.total(), 0);

    let sent = app.messages_to(&ZHANG);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[0].contains("项目 3") && !sent[0].contains("项目 4"));
    assert!(
        sent[1].contains("项目 4") && !sent[1].contains("项目 3"),
        "only the new project: {}",
        sent[1]
    );
    assert_eq!(buttons_of_last(&app, &ZHANG).await, vec![row(4)]);
    app.stop().await;
}

#[tokio::test]
async fn one_reminder_per_person_lists_only_the_unanswered_projects() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-11T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3, 4, 9], "lead").await;
    app.set_time("2024-03-13T09:00:00+08:00");
    assert_eq!(app.tick().await.prompts, 1);
    app.next_reply_to(&ZHANG).await;
    app.set_time("2024-03-13T10:00:00+08:00");
    app.reports(&ZHANG, "/report 9 2 进展:两所完成移交").await;

    app.set_time("2024-03-14T09:00:00+08:00");
    assert_eq!(app.tick().await.reminders, 1, "one reminder for the person");
    assert_eq!(app.tick().await.total(), 0);
    let reminder = app.next_reply_to(&ZHANG).await;
    assert!(reminder.starts_with("⏰ 提醒"), "{reminder}");
    assert!(
        reminder.contains("项目 3") && reminder.contains("项目 4") && !reminder.contains("项目 9"),
        "{reminder}"
    );
    assert_eq!(buttons_of_last(&app, &ZHANG).await, vec![row(3), row(4)]);

    // The admin's /remind: one message to the person, listing the same two.
    app.set_time("2024-03-14T11:00:00+08:00");
    app.says(&ADMIN, "/remind");
    assert_eq!(app.next_reply_to(&ADMIN).await, schedule::reminded(1));
    let again = app.next_reply_to(&ZHANG).await;
    assert!(
        again.contains("项目 3") && again.contains("项目 4") && !again.contains("项目 9"),
        "{again}"
    );
    app.says(&ADMIN, "/remind 4");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        schedule::reminded(0),
        "reminded a minute ago"
    );
    assert_eq!(
        app.messages_to(&ZHANG).len(),
        5,
        "the prompt, the quick report and its receipt, the reminder, the admin's"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_prompt_and_help_teach_the_fast_ways_with_the_contacts_own_project() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-04T10:00:00+08:00");
    app.contact_on(&LI, DEV, &[12], "lead").await;
    app.reports(&LI, "/report 12 45 进展:西站完工").await;
    app.set_time("2024-03-13T09:00:00+08:00");
    app.tick().await;
    let prompt = app.message_to_containing(&LI, "📋").await;
    assert!(
        prompt.contains("也可直接回复：12号项目累计45台，无困难"),
        "{prompt}"
    );
    assert!(prompt.contains("/report 12 45 进展:"), "{prompt}");

    app.says(&LI, "/help");
    let help = app.message_to_containing(&LI, "您的身份").await;
    assert!(help.contains("12号项目累计45台，无困难"), "{help}");
    assert!(help.contains("/report 12 45 进展:"), "{help}");
    assert!(help.contains("提交后10分钟内直接发送照片"), "{help}");

    // A project followed by its status only: the example carries no figure.
    app.contact_on(&ZHANG, SOFT, &[5], "lead").await;
    app.says(&ZHANG, "/help");
    let help = app.message_to_containing(&ZHANG, "您的身份").await;
    assert!(help.contains("也可直接回复：5号项目"), "{help}");
    assert!(help.contains("/report 5 进展:"), "{help}");
    app.stop().await;
}

#[tokio::test]
async fn the_same_button_works_in_the_middle_of_another_report() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-04T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3, 4], "lead").await;
    app.reports(&ZHANG, "/report 4 3 状态:滞后 进展:设施开工")
        .await;
    app.set_time("2024-03-13T10:00:00+08:00");
    // Halfway through project 3 step by step, the contact presses 4 与上周相同 on the prompt.
    let before = app.messages_to(&ZHANG).len();
    app.says(&ZHANG, "/report 3");
    let status = app.nth_reply_to(&ZHANG, before + 1).await;
    assert!(
        status.contains("项目 3") && status.contains("本周推进状态是？"),
        "{status}"
    );
    app.presses(&ZHANG, &Press::SameAsLast(4).data());
    let summary = app.nth_reply_to(&ZHANG, before + 2).await;
    assert!(summary.starts_with("请确认本周报送 · 项目 4"), "{summary}");
    assert!(summary.contains("推进状态：进度滞后"), "{summary}");
    app.presses(&ZHANG, &Press::Submit.data());
    let receipt = app.nth_reply_to(&ZHANG, before + 3).await;
    assert!(receipt.starts_with("✅ 已提交"), "{receipt}");
    assert_eq!(
        reports_in_week(&app, &ZHANG, "2024-03-11").await,
        vec![(
            4,
            "behind".to_owned(),
            "与上周相同".to_owned(),
            String::new()
        )]
    );
    assert_eq!(latest_values(&app, &ZHANG, 4).await, vec![3.0]);
    app.stop().await;
}
