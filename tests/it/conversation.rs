//! The report conversation answers once (issue 13): a wrong answer is one message holding the
//! problem and the question with its buttons; a photo joins the report at any step, or within
//! ten minutes after 提交; a doubtful figure is asked about once; an over-long text is cut on
//! request instead of thrown away. Walked as a contact, counting their actions and the messages
//! they get.

use minsheng::bot::report::Press;
use minsheng::bot::texts::report as say;
use minsheng::domain::report::Status;
use serde_json::json;

use crate::helpers::{Person, TestApp};

const ZHANG: Person = Person::new(650_001, "张三");
const LI: Person = Person::new(650_002, "李四");
const ZHAO: Person = Person::new(650_003, "赵六");

const SOFT: &str = "发展软环境保障局";
const DEVELOPMENT: &str = "发展改革局";

/// A contact on a phone: every action (typed, tapped or sent) counted, every reply read in turn.
struct Phone<'a> {
    app: &'a TestApp,
    person: &'a Person,
    actions: usize,
}

impl<'a> Phone<'a> {
    fn of(app: &'a TestApp, person: &'a Person) -> Self {
        Self {
            app,
            person,
            actions: 0,
        }
    }

    async fn says(&mut self, text: &str) -> String {
        self.actions += 1;
        self.app.says(self.person, text);
        self.app.next_reply_to(self.person).await
    }

    async fn taps(&mut self, press: Press) -> String {
        self.actions += 1;
        self.app.presses(self.person, &press.data());
        self.app.next_reply_to(self.person).await
    }

    async fn sends_photo(&mut self, file_id: &str) -> String {
        self.actions += 1;
        let photo = json!([{ "file_id": file_id, "file_unique_id": file_id, "width": 1280, "height": 960 }]);
        self.app.sends(self.person, "photo", photo);
        self.app.next_reply_to(self.person).await
    }

    async fn sends_sticker(&mut self) -> String {
        self.actions += 1;
        let sticker = json!({ "file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false });
        self.app.sends(self.person, "sticker", sticker);
        self.app.next_reply_to(self.person).await
    }

    /// The buttons under the last message, by their words.
    async fn buttons(&self) -> Vec<String> {
        self.app.buttons_under_last(self.person).await.labels()
    }

    /// Every message the person got: one per action, none more.
    fn messages(&self) -> usize {
        self.app.messages_to(self.person).len()
    }
}

/// (evidence kind, file id, progress) of every report row, oldest first.
async fn rows(app: &TestApp) -> Vec<(Option<String>, Option<String>, String)> {
    sqlx::query_as("SELECT evidence_kind, evidence_file_id, progress FROM reports ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_wrong_answer_is_one_message_with_the_problem_and_the_question_and_its_buttons() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, SOFT, &[3, 6], "lead").await;
    let mut phone = Phone::of(&app, &ZHANG);

    // The quick form's refusals were one message already.
    assert_eq!(
        phone.says("/report 6 托位=abc").await,
        say::not_a_number("abc")
    );

    assert_eq!(phone.says("/report").await, say::choose_project());
    let not_yours = phone.says("12").await;
    assert!(
        not_yours.starts_with("“12”不是您负责报送的项目"),
        "{not_yours}"
    );
    assert!(not_yours.ends_with(&format!("\n\n{}", say::choose_project())));
    assert_eq!(
        phone.buttons().await.len(),
        2,
        "the projects to choose from"
    );

    let status = say::ask_status(6, "丰富托位供给，降低托育费用");
    assert_eq!(phone.taps(Press::Project(6)).await, status);
    assert_eq!(
        phone.says("还行").await,
        say::note_and_question(say::bad_status(), &status)
    );
    assert!(phone.buttons().await.contains(&"正常推进".to_owned()));
    assert_eq!(
        phone.sends_sticker().await,
        say::note_and_question(say::bad_status(), &status)
    );

    let places = phone.taps(Press::Status(Status::OnTrack)).await;
    assert!(places.starts_with("（1/3）新增托位"), "{places}");
    assert_eq!(
        phone.says("很多").await,
        say::note_and_question(&say::not_a_number("很多"), &places)
    );
    assert_eq!(
        phone.says("-5").await,
        say::note_and_question(say::negative(), &places)
    );

    let fees = phone.says("100").await;
    assert!(fees.starts_with("（2/3）执行市级托育费用标准"), "{fees}");
    assert_eq!(
        phone.says("也许").await,
        say::note_and_question(say::bad_yes_no(), &fees)
    );
    assert_eq!(phone.buttons().await, vec!["是", "否"]);

    phone.taps(Press::YesNo(true)).await;
    assert_eq!(phone.says("80").await, say::ask_progress());
    assert_eq!(
        phone.sends_sticker().await,
        say::note_and_question(say::text_only(), &say::ask_progress())
    );
    assert_eq!(phone.buttons().await, vec!["无"]);
    assert_eq!(phone.says("新增两家").await, say::ask_difficulties());

    let summary = phone.taps(Press::Nothing).await;
    assert!(summary.starts_with("请确认本周报送"), "{summary}");
    assert_eq!(
        phone.says("提交").await,
        say::note_and_question(say::press_a_button(), &summary)
    );
    assert_eq!(phone.buttons().await, vec!["提交", "修改", "取消"]);

    assert_eq!(phone.taps(Press::Edit).await, say::choose_edit());
    assert_eq!(
        phone.says("状态").await,
        say::note_and_question(say::press_a_button(), say::choose_edit())
    );
    assert!(
        !phone.buttons().await.iter().any(|b| b.contains("佐证材料")),
        "no evidence, nothing to take off: {:?}",
        phone.buttons().await
    );
    assert_eq!(phone.taps(Press::BackToSummary).await, summary);
    assert!(phone.taps(Press::Submit).await.starts_with("✅ 已提交"));
    assert_eq!(phone.messages(), phone.actions, "one reply per action");
    app.stop().await;
}

#[tokio::test]
async fn a_photo_at_any_step_joins_the_report_and_the_step_by_step_walk_is_seven_actions() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHAO, DEVELOPMENT, &[12], "lead").await;
    let mut phone = Phone::of(&app, &ZHAO);

    let status = phone.says("/report").await;
    assert!(
        status.contains("可随时发送照片或文件作为佐证材料"),
        "{status}"
    );
    assert_eq!(
        phone.sends_photo("ph-site").await,
        say::note_and_question(&say::evidence_attached("photo"), &status),
        "the photo is taken and the same question stays"
    );
    assert_eq!(phone.buttons().await.len(), Status::ALL.len());
    phone.taps(Press::Status(Status::OnTrack)).await;
    phone.says("45").await;
    assert_eq!(phone.says("8").await, say::ask_progress());
    assert_eq!(phone.taps(Press::Nothing).await, say::ask_difficulties());
    let summary = phone.taps(Press::Nothing).await;
    assert!(
        summary.contains("佐证材料：照片 1 张"),
        "no 跳过 step: the summary follows the difficulties: {summary}"
    );
    let receipt = phone.taps(Press::Submit).await;
    assert!(receipt.starts_with("✅ 已提交"), "{receipt}");
    // /report, status, two figures, 进展, 困难, 提交: 7 (8 with the 跳过 step before).
    assert_eq!(phone.actions - 1, 7, "the photo aside");
    assert_eq!(phone.messages(), phone.actions);
    assert!(
        !app.messages_to(&ZHAO).iter().any(|m| m.contains("跳过")),
        "{:?}",
        app.messages_to(&ZHAO)
    );
    assert_eq!(
        rows(&app).await,
        vec![(Some("photo".into()), Some("ph-site".into()), String::new())]
    );

    // The edit menu takes a photo off; sending another puts one on.
    phone.says("/report 12 充电桩=46").await;
    let with_photo = phone.sends_photo("ph-two").await;
    assert!(with_photo.contains("佐证材料：照片 1 张"), "{with_photo}");
    phone.taps(Press::Edit).await;
    assert!(phone.buttons().await.contains(&"删除佐证材料".to_owned()));
    let without = phone.taps(Press::EditEvidence).await;
    assert!(without.contains("佐证材料：无"), "{without}");
    phone.taps(Press::Submit).await;
    assert_eq!(rows(&app).await[1].0, None);
    assert_eq!(phone.messages(), phone.actions);
    app.stop().await;
}

#[tokio::test]
async fn a_photo_five_minutes_after_submit_joins_the_report_and_one_at_eleven_minutes_does_not() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHAO, DEVELOPMENT, &[12], "lead").await;
    app.contact_on(&LI, SOFT, &[9], "lead").await;
    let mut zhao = Phone::of(&app, &ZHAO);
    let mut li = Phone::of(&app, &LI);

    assert_eq!(
        li.sends_photo("ph-none").await,
        say::evidence_how(),
        "no report yet"
    );

    zhao.says("/report 12 充电桩=45").await;
    let receipt = zhao.taps(Press::Submit).await;
    assert!(
        receipt.contains("如需补充佐证材料，10分钟内直接发送照片或文件即可。"),
        "the receipt tells how: {receipt}"
    );
    li.says("/report 9 1=5").await;
    li.taps(Press::Submit).await;

    app.advance(5 * 60);
    let week = chrono::NaiveDate::from_ymd_opt(2024, 3, 11).unwrap();
    let added = zhao.sends_photo("ph-late").await;
    assert_eq!(added, say::evidence_added("photo", 12, week));
    assert_eq!(
        added,
        "已将照片作为佐证材料补充到项目 12（3月11日当周）的报送。"
    );
    assert_eq!(
        zhao.sends_photo("ph-later").await,
        say::evidence_kept_first("photo", 12, week),
        "the first is kept"
    );

    app.advance(6 * 60);
    assert_eq!(li.sends_photo("ph-11").await, say::evidence_how());
    assert_eq!(
        rows(&app).await,
        vec![
            (Some("photo".into()), Some("ph-late".into()), String::new()),
            (None, None, String::new()),
        ]
    );
    assert_eq!(zhao.messages(), zhao.actions);
    assert_eq!(li.messages(), li.actions);
    app.stop().await;
}

#[tokio::test]
async fn a_figure_past_half_again_its_target_or_below_the_last_is_asked_once() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHAO, DEVELOPMENT, &[12], "lead").await;
    let mut phone = Phone::of(&app, &ZHAO);

    // Step by step: one question, with its two buttons.
    phone.says("/report").await;
    let piles = phone.taps(Press::Status(Status::OnTrack)).await;
    let asked = phone.says("200").await;
    assert_eq!(
        asked,
        "安装充电桩填写的 200台 超过目标（100台）的1.5倍。请核对：数字和单位都无误吗？"
    );
    assert_eq!(phone.buttons().await, vec!["是，确为 200", "重新填写"]);
    assert_eq!(
        phone.says("对").await,
        say::note_and_question(say::press_a_button(), &asked)
    );
    assert_eq!(phone.taps(Press::RetypeDecrease).await, piles);
    let parking = phone.says("150").await;
    assert!(
        parking.starts_with("（2/2）智慧停车场"),
        "1.5 × target is no doubt: {parking}"
    );
    phone.says("/cancel").await;

    let clean = phone.says("/report 12 充电桩=100 停车场=20").await;
    assert!(!clean.contains("⚠️"), "{clean}");
    assert!(!clean.contains("请核对"), "{clean}");
    phone.taps(Press::Cancel).await;

    // A name that fits two metrics, or none, lists them; none is picked.
    let two = phone.says("/report 12 充电=45").await;
    assert_eq!(
        two,
        "“充电”可指多项指标。本项目的指标：\n1 安装充电桩\n2 智慧停车场及新能源汽车充电站\n请写名称中能区分的一段或序号，例如 1=45。"
    );
    let none = phone.says("/report 12 路灯=45").await;
    assert!(
        none.starts_with("找不到指标“路灯”。本项目的指标：\n1 安装充电桩\n2 智慧停车场"),
        "{none}"
    );

    // The quick form shows its summary at once: the doubt is flagged there, no extra message.
    let summary = phone.says("/report 12 充电桩=450 停车场=20").await;
    assert!(
        summary.contains("· 安装充电桩：450台（目标 100台） ⚠️超过目标的1.5倍"),
        "{summary}"
    );
    assert!(summary.contains("请核对后提交"), "{summary}");
    phone.taps(Press::Submit).await;

    let drop = phone.says("/report 12 停车场=12").await;
    assert!(
        drop.contains("⚠️比上次少，提交即作更正（上次 20）"),
        "{drop}"
    );
    assert!(
        drop.contains("· 安装充电桩：450台（目标 100台） ⚠️超过目标的1.5倍"),
        "{drop}"
    );
    phone.taps(Press::Cancel).await;
    assert_eq!(phone.messages(), phone.actions);
    app.stop().await;
}

#[tokio::test]
async fn an_over_long_progress_is_offered_in_its_first_2000_characters_and_stored_so() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, SOFT, &[22], "lead").await;
    let mut phone = Phone::of(&app, &ZHANG);
    let long = format!("{}{}", "进".repeat(2000), "尾".repeat(500));

    phone.says("/report").await;
    assert_eq!(
        phone.taps(Press::Status(Status::OnTrack)).await,
        say::ask_progress()
    );
    let offer = phone.says(&long).await;
    assert_eq!(offer, say::too_long(2500));
    assert!(offer.contains("内容有 2500 字"), "{offer}");
    assert_eq!(phone.buttons().await, vec!["保留前2000字"]);
    assert_eq!(
        phone.sends_sticker().await,
        say::note_and_question(say::text_only(), &offer)
    );
    assert_eq!(phone.taps(Press::KeepFirst).await, say::ask_difficulties());
    phone.taps(Press::Nothing).await;
    phone.taps(Press::Submit).await;
    assert_eq!(rows(&app).await[0].2, "进".repeat(2000));

    // The quick form offers the same, then its summary.
    let offer = phone.says(&format!("/report 22 进展:{long}")).await;
    assert_eq!(offer, say::too_long(2500));
    let summary = phone.taps(Press::KeepFirst).await;
    assert!(summary.starts_with("请确认本周报送"), "{summary}");
    assert!(summary.contains(&format!("本周进展：{}\n", "进".repeat(2000))));
    phone.taps(Press::Submit).await;
    assert_eq!(rows(&app).await[1].2, "进".repeat(2000));
    assert_eq!(phone.messages(), phone.actions);
    app.stop().await;
}
