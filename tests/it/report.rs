//! The weekly report conversation (issue 5), walked as a contact would on a phone.

use minsheng::bot::report::Press;
use minsheng::bot::texts::{self, report as say};
use minsheng::domain::report::Status;
use serde_json::json;

use crate::helpers::{PATIENCE, Person, TestApp};

const ZHANG: Person = Person::with_username(630_001, "张三", "zhangsan");
const LI: Person = Person::with_username(630_002, "李四", "lisi");
const ZHAO: Person = Person::with_username(630_003, "赵六", "zhaoliu");

const SOFT: &str = "发展软环境保障局";

fn press(app: &TestApp, person: &Person, press: Press) {
    app.presses(person, &press.data());
}

/// Rows of the reports table for a person: (project no, week, version, status, late).
async fn reports_of(app: &TestApp, person: &Person) -> Vec<(i64, String, i64, String, bool)> {
    sqlx::query_as(
        "SELECT p.no, r.week_start, r.version, r.status, r.late FROM reports r
         JOIN projects p ON p.id = r.project_id JOIN people pe ON pe.id = r.person_id
         WHERE pe.telegram_id = ? ORDER BY r.id",
    )
    .bind(person.id)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn values_of_version(app: &TestApp, person: &Person, version: i64) -> Vec<f64> {
    sqlx::query_scalar(
        "SELECT v.value FROM report_values v JOIN reports r ON r.id = v.report_id JOIN metrics m ON m.id = v.metric_id
         JOIN people pe ON pe.id = r.person_id WHERE pe.telegram_id = ? AND r.version = ? ORDER BY m.position",
    )
    .bind(person.id)
    .bind(version)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_contact_walks_the_whole_report_with_every_mistake_and_a_restart_in_the_middle() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, SOFT, &[3, 6], "lead").await;

    app.says(&ZHANG, "/report");
    assert_eq!(app.next_reply_to(&ZHANG).await, say::choose_project());
    press(&app, &ZHANG, Press::Project(6));
    let status_question = say::ask_status(6, "丰富托位供给，降低托育费用");
    assert_eq!(app.next_reply_to(&ZHANG).await, status_question);

    // A sticker where a status is asked: a clear word and the same question, in one message.
    app.sends(&ZHANG, "sticker", json!({ "file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false }));
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        say::note_and_question(say::bad_status(), &status_question)
    );
    press(&app, &ZHANG, Press::Status(Status::OnTrack));

    let places = app.next_reply_to(&ZHANG).await;
    assert!(
        places.starts_with("（1/3）新增托位：目标 320个。"),
        "{places}"
    );
    app.says(&ZHANG, "很多");
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        say::note_and_question(&say::not_a_number("很多"), &places)
    );
    app.says(&ZHANG, "-5");
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        say::note_and_question(say::negative(), &places)
    );
    app.says(&ZHANG, "120个");

    assert!(
        app.next_reply_to(&ZHANG)
            .await
            .starts_with("（2/3）执行市级托育费用标准：是否已落实？")
    );
    press(&app, &ZHANG, Press::YesNo(true));
    assert!(
        app.next_reply_to(&ZHANG)
            .await
            .starts_with("（3/3）托育服务行业培训：目标 200人次。")
    );
    app.says(&ZHANG, "80");

    assert_eq!(app.next_reply_to(&ZHANG).await, say::ask_progress());
    app.sends(
        &ZHANG,
        "voice",
        json!({ "file_id": "v1", "file_unique_id": "uv1", "duration": 3 }),
    );
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        say::note_and_question(say::text_only(), &say::ask_progress())
    );
    // A photo at any step joins the draft; the question stays.
    app.sends(&ZHANG, "photo", json!([{ "file_id": "ph-small", "file_unique_id": "p1", "width": 90, "height": 90 }, { "file_id": "ph-big", "file_unique_id": "p2", "width": 1280, "height": 960 }]));
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        say::note_and_question(&say::evidence_attached("photo"), &say::ask_progress())
    );
    // Over the limit: its first part is offered; a shorter text typed instead is taken.
    app.says(&ZHANG, &"很".repeat(2001));
    assert_eq!(app.next_reply_to(&ZHANG).await, say::too_long(2001));
    app.says(&ZHANG, "新增两家普惠托育机构");

    assert_eq!(app.next_reply_to(&ZHANG).await, say::ask_difficulties());
    press(&app, &ZHANG, Press::Nothing);

    let summary = app.next_reply_to(&ZHANG).await;
    assert!(summary.contains("推进状态：正常推进"), "{summary}");
    assert!(
        summary.contains("· 新增托位：120个（目标 320个）"),
        "{summary}"
    );
    assert!(
        summary.contains("· 执行市级托育费用标准：是（目标 是/否）"),
        "{summary}"
    );
    assert!(
        summary.contains("本周进展：新增两家普惠托育机构\n困难问题：无\n佐证材料：照片 1 张"),
        "{summary}"
    );

    // 修改 one field, then back to the summary.
    press(&app, &ZHANG, Press::Edit);
    assert_eq!(app.next_reply_to(&ZHANG).await, say::choose_edit());
    press(&app, &ZHANG, Press::EditMetric(0));
    assert_eq!(app.next_reply_to(&ZHANG).await, places);
    app.says(&ZHANG, "130");
    let summary = app.next_reply_to(&ZHANG).await;
    assert!(
        summary.contains("· 新增托位：130个（目标 320个）"),
        "{summary}"
    );

    // The bot restarts with the summary on the screen; the 提交 button still works.
    let app = app.restart().await;
    assert_eq!(
        reports_of(&app, &ZHANG).await.len(),
        0,
        "nothing is saved before 提交"
    );
    press(&app, &ZHANG, Press::Submit);
    let receipt = app.next_reply_to(&ZHANG).await;
    assert!(
        receipt.starts_with("✅ 已提交：项目 6「丰富托位供给，降低托育费用」3月11日当周报送。"),
        "{receipt}"
    );
    assert!(
        receipt.contains("· 新增托位：130/320个（41%）"),
        "{receipt}"
    );
    assert!(
        receipt.contains("· 托育服务行业培训：80/200人次（40%）"),
        "{receipt}"
    );
    assert!(receipt.contains("当前颜色：🔵蓝"), "{receipt}");
    assert_eq!(
        reports_of(&app, &ZHANG).await,
        vec![(6, "2024-03-11".to_owned(), 1, "on_track".to_owned(), false)]
    );
    assert_eq!(
        values_of_version(&app, &ZHANG, 1).await,
        vec![130.0, 1.0, 80.0]
    );
    let evidence: (String, String, String) =
        sqlx::query_as("SELECT evidence_kind, evidence_file_id, progress FROM reports")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        evidence,
        (
            "photo".to_owned(),
            "ph-big".to_owned(),
            "新增两家普惠托育机构".to_owned()
        )
    );

    // A button from an old message is answered as expired, and nothing else happens.
    press(&app, &ZHANG, Press::Status(Status::Behind));
    let alert = app
        .api
        .wait_until(PATIENCE, || {
            app.api
                .requests()
                .into_iter()
                .find(|r| r.method == "answerCallbackQuery" && r.body["show_alert"] == true)
        })
        .await
        .expect("the old button is answered");
    assert_eq!(alert.body["text"], texts::expired_button());
    assert_eq!(reports_of(&app, &ZHANG).await.len(), 1);

    app.says(&ZHANG, "/my");
    let my = app.next_reply_to(&ZHANG).await;
    assert!(
        my.contains("· 6. 丰富托位供给，降低托育费用（牵头） — 本周已报送 ✅"),
        "{my}"
    );
    assert!(
        my.contains("· 3. 建设老年人食堂（牵头） — 本周未报送"),
        "{my}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_correction_below_last_weeks_figure_is_confirmed_and_both_versions_are_kept() {
    let app = TestApp::spawn().await;
    app.contact_on(&LI, SOFT, &[9], "lead").await;
    app.says(&LI, "/report 12 充电桩=1");
    assert!(
        app.next_reply_to(&LI)
            .await
            .contains("“12”不是您负责报送的项目")
    );

    app.says(&LI, "/report 9 1=5 进展:两所完成移交");
    let summary = app.next_reply_to(&LI).await;
    assert!(
        summary.contains("· 建成公办幼儿园：5所（目标 7所）"),
        "{summary}"
    );
    press(&app, &LI, Press::Submit);
    assert!(app.next_reply_to(&LI).await.starts_with("✅ 已提交"));

    app.says(&LI, "/report");
    app.skip_replies_to(&LI, 1).await; // the status question: one project, no choice
    press(&app, &LI, Press::Status(Status::Behind));
    let question = app.next_reply_to(&LI).await;
    assert!(question.contains("上次填报：5"), "{question}");
    app.says(&LI, "4");
    assert_eq!(
        app.next_reply_to(&LI).await,
        say::confirm_decrease("建成公办幼儿园", 4.0, 5.0)
    );
    press(&app, &LI, Press::RetypeDecrease);
    assert_eq!(app.next_reply_to(&LI).await, question);
    app.says(&LI, "4");
    app.skip_replies_to(&LI, 1).await;
    press(&app, &LI, Press::KeepDecrease);
    assert_eq!(app.next_reply_to(&LI).await, say::ask_progress());
    app.says(&LI, "核减一所，数据更正");
    app.skip_replies_to(&LI, 1).await;
    press(&app, &LI, Press::Nothing);
    let summary = app.next_reply_to(&LI).await;
    assert!(
        summary.contains("⚠️比上次少，提交即作更正（上次 5）"),
        "{summary}"
    );
    press(&app, &LI, Press::Submit);
    let receipt = app.next_reply_to(&LI).await;
    assert!(receipt.contains("（第2版，已更正）"), "{receipt}");
    assert!(
        receipt.contains("当前颜色：🟡黄"),
        "a status of 进度滞后 is yellow: {receipt}"
    );

    let rows = reports_of(&app, &LI).await;
    assert_eq!(
        rows,
        vec![
            (9, "2024-03-11".to_owned(), 1, "on_track".to_owned(), false),
            (9, "2024-03-11".to_owned(), 2, "behind".to_owned(), false)
        ]
    );
    assert_eq!(values_of_version(&app, &LI, 1).await, vec![5.0]);
    assert_eq!(values_of_version(&app, &LI, 2).await, vec![4.0]);
    app.stop().await;
}

#[tokio::test]
async fn cancel_leaves_at_any_step_and_saves_nothing() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.says(&ZHANG, "/report 3");
    app.skip_replies_to(&ZHANG, 1).await;
    press(&app, &ZHANG, Press::Status(Status::OnTrack));
    app.skip_replies_to(&ZHANG, 1).await;
    app.says(&ZHANG, "2");
    app.skip_replies_to(&ZHANG, 1).await;
    app.says(&ZHANG, "/cancel");
    assert_eq!(app.next_reply_to(&ZHANG).await, say::cancelled());
    app.says(&ZHANG, "2");
    let anew = app.next_reply_to(&ZHANG).await;
    assert!(
        anew.starts_with("请确认本周报送 · 项目 3"),
        "the conversation is over: a bare figure is read afresh as plain words, to confirm: {anew}"
    );
    app.says(&ZHANG, "/cancel");
    assert_eq!(app.next_reply_to(&ZHANG).await, say::cancelled());
    app.says(&ZHANG, "/cancel");
    assert_eq!(app.next_reply_to(&ZHANG).await, say::nothing_to_cancel());
    assert_eq!(app.scalar("SELECT count(*) FROM reports").await, 0);
    assert_eq!(app.scalar("SELECT count(*) FROM report_values").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn the_quick_form_saves_in_one_message_after_confirmation() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHAO, "发展改革局", &[12], "lead").await;
    app.says(&ZHAO, "/report 12 桩=abc");
    assert_eq!(app.next_reply_to(&ZHAO).await, say::not_a_number("abc"));
    app.says(&ZHAO, "/report 12 停车=-3");
    assert_eq!(app.next_reply_to(&ZHAO).await, say::negative());
    app.says(&ZHAO, "/report 12 充电桩=45 进展:科技馆西站点完工");
    let summary = app.next_reply_to(&ZHAO).await;
    assert!(
        summary.contains("· 安装充电桩：45台（目标 100台）"),
        "{summary}"
    );
    assert!(
        summary.contains("· 智慧停车场及新能源汽车充电站：未填"),
        "{summary}"
    );
    assert!(summary.contains("本周进展：科技馆西站点完工"), "{summary}");
    assert_eq!(
        app.scalar("SELECT count(*) FROM reports").await,
        0,
        "not before the confirmation"
    );
    press(&app, &ZHAO, Press::Submit);
    let receipt = app.next_reply_to(&ZHAO).await;
    assert!(
        receipt.contains("· 安装充电桩：45/100台（45%）"),
        "{receipt}"
    );
    assert_eq!(values_of_version(&app, &ZHAO, 1).await, vec![45.0]);
    app.stop().await;
}

#[tokio::test]
async fn two_contacts_report_at_the_same_time_on_different_projects() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, SOFT, &[4], "lead").await;
    app.contact_on(&LI, "城乡建设和交通局", &[14], "lead").await;
    app.says(&ZHANG, "/report");
    app.says(&LI, "/report");
    app.skip_replies_to(&ZHANG, 1).await;
    app.skip_replies_to(&LI, 1).await;
    press(&app, &ZHANG, Press::Status(Status::OnTrack));
    press(&app, &LI, Press::Status(Status::Difficult));
    app.skip_replies_to(&ZHANG, 1).await;
    app.skip_replies_to(&LI, 1).await;
    app.says(&ZHANG, "3");
    app.says(&LI, "2");
    app.skip_replies_to(&ZHANG, 1).await;
    app.skip_replies_to(&LI, 1).await;
    app.says(&ZHANG, "完成3处设施改造");
    app.says(&LI, "红星7号口袋公园完工");
    app.skip_replies_to(&ZHANG, 1).await;
    app.skip_replies_to(&LI, 1).await;
    press(&app, &ZHANG, Press::Nothing);
    app.says(&LI, "保利口袋公园用地待协调");
    app.skip_replies_to(&ZHANG, 1).await;
    app.skip_replies_to(&LI, 1).await;
    press(&app, &ZHANG, Press::Submit);
    press(&app, &LI, Press::Submit);
    assert!(
        app.next_reply_to(&ZHANG)
            .await
            .contains("· 打造社区养老服务设施：3/5处（60%）")
    );
    assert!(
        app.next_reply_to(&LI)
            .await
            .contains("· 建设口袋公园：2/6个（33%）")
    );
    assert_eq!(values_of_version(&app, &ZHANG, 1).await, vec![3.0]);
    assert_eq!(values_of_version(&app, &LI, 1).await, vec![2.0]);
    assert_eq!(
        app.scalar("SELECT count(*) FROM difficulties WHERE text = '保利口袋公园用地待协调'")
            .await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn a_project_without_numbers_skips_the_metrics_and_a_late_report_is_marked_late() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, SOFT, &[22], "lead").await;
    app.advance(3 * 24 * 3600); // Saturday 16 March, after Friday's deadline
    app.says(&ZHANG, "/report");
    app.skip_replies_to(&ZHANG, 1).await;
    press(&app, &ZHANG, Press::Status(Status::OnTrack));
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        say::ask_progress(),
        "no metric step"
    );
    app.says(&ZHANG, "完成两例急难救助");
    app.skip_replies_to(&ZHANG, 1).await;
    press(&app, &ZHANG, Press::Nothing);
    app.skip_replies_to(&ZHANG, 1).await;
    press(&app, &ZHANG, Press::Submit);
    let receipt = app.next_reply_to(&ZHANG).await;
    assert!(
        receipt.contains("已过本周截止时间，记为逾期报送"),
        "{receipt}"
    );
    assert_eq!(
        reports_of(&app, &ZHANG).await,
        vec![(22, "2024-03-11".to_owned(), 1, "on_track".to_owned(), true)]
    );
    app.stop().await;
}

#[tokio::test]
async fn a_co_unit_contact_reports_a_contribution_and_a_contact_without_projects_is_told_whom_to_ask()
 {
    let app = TestApp::spawn().await;
    app.contact_on(&LI, "王因街道", &[11], "co").await;
    app.contact_on(&ZHAO, "黄屯街道", &[], "co").await;
    app.says(&ZHAO, "/report");
    assert_eq!(app.next_reply_to(&ZHAO).await, say::nothing_assigned());
    app.says(&LI, "/report 11 1=1.5");
    app.skip_replies_to(&LI, 1).await;
    press(&app, &LI, Press::Submit);
    let receipt = app.next_reply_to(&LI).await;
    assert!(receipt.contains("作为协办单位的贡献记录"), "{receipt}");
    let role: String = sqlx::query_scalar("SELECT role FROM reports")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(role, "co");
    app.stop().await;
}
