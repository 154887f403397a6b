//! Reports in plain words (issue 13), written as contacts write them on a phone: one typed
//! message and one tap for a week whose figures changed; one question for what the bot could
//! not place; a pointer, never "没有听懂", for a message that is not a report.

use minsheng::bot::report::Press;
use minsheng::bot::texts::{self, plain as words};

use crate::helpers::{ADMIN, Person, TestApp};

const ZHAO: Person = Person::with_username(640_001, "赵六", "zhaoliu");
const QIAN: Person = Person::with_username(640_002, "钱七", "qianqi");

const DEVELOPMENT: &str = "发展改革局";
const SOFT: &str = "发展软环境保障局";

/// The values of a person's latest report, by metric position, and its progress.
async fn latest(app: &TestApp, person: &Person, no: i64) -> (Vec<f64>, Option<String>) {
    let report: (i64, Option<String>) = sqlx::query_as(
        "SELECT r.id, r.progress FROM reports r JOIN projects p ON p.id = r.project_id
         JOIN people pe ON pe.id = r.person_id
         WHERE pe.telegram_id = ? AND p.no = ? ORDER BY r.id DESC LIMIT 1",
    )
    .bind(person.id)
    .bind(no)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let values = sqlx::query_scalar(
        "SELECT v.value FROM report_values v JOIN metrics m ON m.id = v.metric_id
         WHERE v.report_id = ? ORDER BY m.position",
    )
    .bind(report.0)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    (values, report.1)
}

/// The number of messages the bot has sent a person, once the last one expected arrived.
async fn messages_after(app: &TestApp, person: &Person, expected: usize) -> usize {
    app.nth_reply_to(person, expected).await;
    app.messages_to(person).len()
}

#[tokio::test]
async fn a_week_whose_figures_changed_takes_one_typed_message_and_one_tap() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHAO, DEVELOPMENT, &[12], "lead").await;
    app.reports(&ZHAO, "/report 12 40 6").await;
    let before = app.messages_to(&ZHAO).len();

    // The action count: one typed message…
    app.says(
        &ZHAO,
        "12号项目本周新增5台充电桩，累计45台，停车场完成8处，科技馆西站点完工",
    );
    let summary = app.next_reply_to(&ZHAO).await;
    assert!(
        summary.starts_with("请确认本周报送 · 项目 12「新能源智慧充电站及智慧停车场项目」"),
        "{summary}"
    );
    assert!(
        summary.contains("· 安装充电桩：45台（上周40 + 本周新增5）（目标 100台）"),
        "{summary}"
    );
    assert!(
        summary.contains("· 智慧停车场及新能源汽车充电站：8处"),
        "{summary}"
    );
    assert!(summary.contains("本周进展：科技馆西站点完工"), "{summary}");
    // …and one tap.
    app.presses(&ZHAO, &Press::Submit.data());
    assert!(app.next_reply_to(&ZHAO).await.starts_with("✅ 已提交"));
    assert_eq!(
        messages_after(&app, &ZHAO, before + 2).await - before,
        2,
        "the summary and the receipt, nothing more"
    );

    let (values, progress) = latest(&app, &ZHAO, 12).await;
    assert_eq!(values, vec![45.0, 8.0]);
    assert_eq!(progress.as_deref(), Some("科技馆西站点完工"));
    app.stop().await;
}

#[tokio::test]
async fn with_one_project_the_words_need_no_project_and_chinese_numerals_read() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHAO, DEVELOPMENT, &[12], "lead").await;

    app.says(&ZHAO, "累计四十五台，无困难");
    let summary = app.next_reply_to(&ZHAO).await;
    assert!(summary.contains("· 安装充电桩：45台"), "{summary}");
    assert!(summary.contains("困难问题：无"), "{summary}");
    app.presses(&ZHAO, &Press::Submit.data());
    assert!(app.next_reply_to(&ZHAO).await.starts_with("✅"));
    assert_eq!(latest(&app, &ZHAO, 12).await.0[0], 45.0);
    app.stop().await;
}

#[tokio::test]
async fn a_number_that_fits_two_metrics_is_asked_once_never_guessed() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHAO, DEVELOPMENT, &[12], "lead").await;

    app.says(&ZHAO, "累计45");
    let question = app.next_reply_to(&ZHAO).await;
    assert_eq!(
        question,
        format!(
            "项目 12「新能源智慧充电站及智慧停车场项目」：“累计45”没能对应到具体指标。请问是哪一项？"
        )
    );
    let buttons = app.buttons_under_last(&ZHAO).await.labels();
    assert_eq!(
        buttons,
        vec![
            "安装充电桩：45台",
            "智慧停车场及新能源汽车充电站：45处",
            "都不是（不计入）"
        ]
    );
    assert_eq!(app.scalar("SELECT count(*) FROM reports").await, 0);

    app.presses(&ZHAO, &Press::Place(0).data());
    let summary = app.next_reply_to(&ZHAO).await;
    assert!(summary.contains("· 安装充电桩：45台"), "{summary}");
    assert!(
        summary.contains("· 智慧停车场及新能源汽车充电站：未填"),
        "{summary}"
    );
    app.presses(&ZHAO, &Press::Submit.data());
    assert!(app.next_reply_to(&ZHAO).await.starts_with("✅"));
    assert_eq!(latest(&app, &ZHAO, 12).await.0, vec![45.0]);
    app.stop().await;
}

#[tokio::test]
async fn words_that_name_no_project_wait_while_the_contact_chooses_one() {
    let app = TestApp::spawn().await;
    app.contact_on(&QIAN, SOFT, &[3, 12], "lead").await;

    // 处 fits project 3's 食堂 and project 12's 停车场 alike.
    app.says(&QIAN, "累计3处");
    assert_eq!(app.next_reply_to(&QIAN).await, words::which_project());
    app.presses(&QIAN, &Press::Project(3).data());
    let summary = app.next_reply_to(&QIAN).await;
    assert!(
        summary.starts_with("请确认本周报送 · 项目 3「"),
        "{summary}"
    );
    assert!(summary.contains("· 新建老年人食堂：3处"), "{summary}");
    app.presses(&QIAN, &Press::Submit.data());
    assert!(app.next_reply_to(&QIAN).await.starts_with("✅"));
    assert_eq!(latest(&app, &QIAN, 3).await.0, vec![3.0]);
    app.stop().await;
}

#[tokio::test]
async fn one_message_about_two_projects_is_confirmed_project_by_project() {
    let app = TestApp::spawn().await;
    app.contact_on(&QIAN, SOFT, &[3, 12], "lead").await;

    app.says(&QIAN, "12号项目累计45台；3号项目累计建成4处");
    let first = app.next_reply_to(&QIAN).await;
    assert!(first.contains("项目 12"), "{first}");
    assert!(first.ends_with("提交后接着确认项目 3。"), "{first}");
    app.presses(&QIAN, &Press::Submit.data());
    assert!(
        app.next_reply_to(&QIAN)
            .await
            .starts_with("✅ 已提交：项目 12")
    );
    let second = app.next_reply_to(&QIAN).await;
    assert!(second.contains("项目 3「"), "{second}");
    assert!(second.contains("· 新建老年人食堂：4处"), "{second}");
    app.presses(&QIAN, &Press::Submit.data());
    assert!(
        app.next_reply_to(&QIAN)
            .await
            .starts_with("✅ 已提交：项目 3")
    );
    assert_eq!(latest(&app, &QIAN, 12).await.0[0], 45.0);
    assert_eq!(latest(&app, &QIAN, 3).await.0, vec![4.0]);
    app.stop().await;
}

#[tokio::test]
async fn plain_words_typed_where_a_status_is_asked_become_the_summary() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHAO, DEVELOPMENT, &[12], "lead").await;
    app.says(&ZHAO, "/report 12");
    assert!(app.next_reply_to(&ZHAO).await.contains("本周推进状态是？"));
    // Words with no figure, typed in the middle of a report, are the step's answer or its
    // refusal, never a new report.
    app.says(&ZHAO, "进度还行");
    assert!(
        app.next_reply_to(&ZHAO)
            .await
            .starts_with(texts::report::bad_status())
    );
    app.says(&ZHAO, "累计45台，停车场8处，需协调供电公司增容");
    let summary = app.message_to_containing(&ZHAO, "请确认本周报送").await;
    assert!(summary.contains("推进状态：存在困难"), "{summary}");
    assert!(
        summary.contains("困难问题：需协调供电公司增容"),
        "{summary}"
    );
    assert!(summary.contains("· 安装充电桩：45台"), "{summary}");
    app.stop().await;
}

#[tokio::test]
async fn a_project_that_is_not_theirs_is_named_with_the_ones_that_are() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHAO, DEVELOPMENT, &[12], "lead").await;
    app.says(&ZHAO, "5号项目累计45台");
    let reply = app.next_reply_to(&ZHAO).await;
    assert!(reply.starts_with("“5”不是您负责报送的项目。"), "{reply}");
    assert!(
        reply.contains("12. 新能源智慧充电站及智慧停车场项目"),
        "{reply}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_message_that_is_not_a_report_gets_a_pointer_with_the_contacts_own_project() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHAO, DEVELOPMENT, &[12], "lead").await;
    app.admit(&QIAN, "leader", None).await;

    for text in ["你好", "收到"] {
        app.says(&ZHAO, text);
        let reply = app.next_reply_to(&ZHAO).await;
        assert_eq!(
            reply,
            words::pointer("12号项目累计100台，无困难"),
            "one line, with the contact's own project and unit"
        );
        assert!(!reply.contains("没有听懂"));
    }
    app.says(&QIAN, "你好");
    assert_eq!(app.next_reply_to(&QIAN).await, texts::unknown_input());
    app.says(&ADMIN, "今天开会吗");
    let reply = app.next_reply_to(&ADMIN).await;
    assert!(
        reply.contains("/help") && !reply.contains("没有听懂"),
        "{reply}"
    );
    assert_eq!(app.scalar("SELECT count(*) FROM reports").await, 0);
    app.stop().await;
}
