//! Screens people read (issue 13): /project N with the project's latest figures against time,
//! and the admin screens in words (/audit, /assign, brackets that never nest, dates).

use crate::helpers::{ADMIN, Person, TestApp};

const ZHANG: Person = Person::with_username(630_001, "张三", "zhangsan");
const WANG: Person = Person::with_username(630_002, "王领导", "wangld");
const LI: Person = Person::with_username(630_003, "李四", "lisi");
const ZHAO: Person = Person::with_username(630_004, "赵六", "zhaoliu");

/// The paragraph of `card` that starts with the line starting with `first`.
fn section<'a>(card: &'a str, first: &str) -> Vec<&'a str> {
    card.lines()
        .skip_while(|line| !line.starts_with(first))
        .take_while(|line| !line.is_empty())
        .collect()
}

/// Whether brackets open inside brackets anywhere in `text`.
fn nests(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '（' | '(' => {
                depth += 1;
                if depth > 1 {
                    return true;
                }
            }
            '）' | ')' => depth -= 1,
            _ => {}
        }
    }
    false
}

/// The token at the end of an invite link in a message.
fn token_in(message: &str) -> String {
    let start = message.find("?start=").expect("an invite link") + "?start=".len();
    message[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

#[tokio::test]
async fn a_project_card_shows_the_latest_figures_against_time_above_the_history() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, "发展改革局", &[12], "lead").await;
    app.contact_on(&LI, "发展软环境保障局", &[5, 6], "lead")
        .await;
    app.admit(&WANG, "leader", None).await;
    app.reports(&ZHANG, "/report 12 1=45 2=8 进展:科技馆西站点完工")
        .await;
    app.reports(&LI, "/report 6 1=80 2=是 3=50 进展:新增托位80个")
        .await;
    app.reports(&LI, "/report 5 进展:继续实施免费筛查").await;
    app.says(&ADMIN, "/leader 王领导 四");
    app.next_reply_to(&ADMIN).await;
    app.skip_replies_to(&WANG, 1).await;

    app.says(&ADMIN, "/project 12");
    let card = app.next_reply_to(&ADMIN).await;
    assert_eq!(
        section(&card, "最新数据"),
        [
            "最新数据：",
            "· 安装充电桩：45/100台（45%）",
            "· 智慧停车场及新能源汽车充电站：8/30处（27%）",
            "序时进度：20%",
            "当前颜色：🔵蓝（按序时推进）",
        ],
        "{card}"
    );
    assert!(card.contains("截止：2024年12月31日"), "{card}");
    assert!(
        card.find("最新数据").unwrap() < card.find("报送记录").unwrap(),
        "the figures come above the history: {card}"
    );

    // The leader in scope and the project's own contact read the same figures.
    app.says(&WANG, "/project 12");
    let leader = app.next_reply_to(&WANG).await;
    app.says(&ZHANG, "/project 12");
    let contact = app.message_to_containing(&ZHANG, "项目 12 · ").await;
    assert_eq!(leader, card);
    assert_eq!(contact, card);

    // A yes/no metric reads as 是/否, without a percent.
    app.says(&ADMIN, "/project 6");
    let card = app.next_reply_to(&ADMIN).await;
    assert_eq!(
        section(&card, "最新数据")[..4],
        [
            "最新数据：",
            "· 新增托位：80/320个（25%）",
            "· 执行市级托育费用标准：是",
            "· 托育服务行业培训：50/200人次（25%）",
        ],
        "{card}"
    );

    // A project tracked without numbers has its colour all the same.
    app.says(&ADMIN, "/project 5");
    let card = app.next_reply_to(&ADMIN).await;
    assert_eq!(
        section(&card, "最新数据"),
        [
            "最新数据：无量化指标（按进度和节点跟踪）",
            "序时进度：20%",
            "当前颜色：🔵蓝（按序时推进）",
        ],
        "{card}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_project_card_without_a_lead_report_shows_no_colour() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, "发展改革局", &[12], "lead").await;
    app.contact_on(&LI, "各街道", &[3], "co").await;
    // A co-unit's report is a contribution: it gives the project no figures and no colour.
    app.reports(&LI, "/report 3 1=2 进展:两处开工").await;

    app.says(&ADMIN, "/project 12");
    let unreported = app.next_reply_to(&ADMIN).await;
    assert_eq!(
        section(&unreported, "最新数据"),
        [
            "最新数据：牵头单位尚未报送",
            "序时进度：20%",
            "当前状态：⚪ 未报送"
        ],
        "{unreported}"
    );
    app.says(&ADMIN, "/project 3");
    let no_contact = app.next_reply_to(&ADMIN).await;
    assert_eq!(
        section(&no_contact, "最新数据"),
        [
            "最新数据：牵头单位尚未报送",
            "序时进度：20%",
            "当前状态：⚪ 未指派联络员",
        ],
        "{no_contact}"
    );
    for card in [&unreported, &no_contact] {
        for colour in ["🔵", "🟡", "🔴", "当前颜色"] {
            assert!(!card.contains(colour), "no colour without a report: {card}");
        }
    }
    assert!(no_contact.contains("联络员：李四（协办）"), "{no_contact}");
    app.stop().await;
}

#[tokio::test]
async fn the_audit_reads_in_words_after_an_invite_a_scope_and_assignments() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, "发展改革局", &[], "lead").await;
    app.admit(&WANG, "leader", None).await;
    app.says(&ADMIN, "/invite 联络员 城乡建设和交通局（交通）");
    app.says(&ADMIN, "/invite 管理员");
    app.says(&ADMIN, "/leader 王领导 一,四");
    app.says(&ADMIN, "/assign 3 张三 协办");
    app.says(&ADMIN, "/assign 3 张三 牵头");
    app.says(&ADMIN, "/unassign 3 张三");
    app.skip_replies_to(&ADMIN, 6).await;

    app.says(&ADMIN, "/audit");
    let audit = app.next_reply_to(&ADMIN).await;
    for words in [
        "设定分管范围：王领导",
        "分管范围：未设定 → 一、四类",
        "指派：项目 3 · 张三",
        "身份：协办 → 牵头",
        "取消指派：项目 3 · 张三",
        "生成邀请：单位联络员",
        "单位：城乡建设和交通局（交通）",
        "有效至：2024年3月20日 09:00",
        "生成邀请：管理员",
    ] {
        assert!(audit.contains(words), "{words:?} in {audit}");
    }
    assert!(
        !audit.chars().any(|c| c.is_ascii_alphabetic()),
        "no English, no JSON keys: {audit}"
    );
    for never in ["{", "#", "2024-", "单位：—"] {
        assert!(!audit.contains(never), "{never:?} in {audit}");
    }
    assert!(!nests(&audit), "{audit}");
    app.stop().await;
}

#[tokio::test]
async fn assign_speaks_of_lead_and_co_units_in_chinese() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, "发展改革局", &[], "lead").await;
    app.says(&ADMIN, "/assign");
    let usage = app.next_reply_to(&ADMIN).await;
    assert!(usage.contains("[牵头|协办]"), "{usage}");
    assert!(
        !usage.contains("lead") && !usage.contains("co"),
        "no English roles: {usage}"
    );
    app.says(&ADMIN, "/assign 12 张三 协办");
    let reply = app.next_reply_to(&ADMIN).await;
    assert!(reply.contains("协办"), "{reply}");
    app.stop().await;
}

#[tokio::test]
async fn brackets_nest_nowhere_a_person_reads() {
    let app = TestApp::spawn().await;
    app.says(&ADMIN, "/invite 联络员 城乡建设和交通局（交通）");
    let link = app.next_reply_to(&ADMIN).await;
    assert!(
        link.contains("单位联络员 · 城乡建设和交通局（交通）"),
        "{link}"
    );
    app.says(&ZHAO, &format!("/start {}", token_in(&link)));
    let joined = app.next_reply_to(&ZHAO).await;
    let notice = app.next_reply_to(&ADMIN).await;
    app.says(&ADMIN, "/invite 管理员");
    let admin_link = app.next_reply_to(&ADMIN).await;
    app.says(&ADMIN, "/assign 10 赵六");
    app.next_reply_to(&ADMIN).await;
    app.says(&ADMIN, "/project 10");
    let card = app.next_reply_to(&ADMIN).await;
    assert!(
        card.contains("承办单位：牵头 城乡建设和交通局（交通）；协办 济宁高新正义公共汽车有限公司"),
        "{card}"
    );
    app.says(&ADMIN, "/people");
    let people = app.next_reply_to(&ADMIN).await;
    app.says(&ADMIN, "/projects");
    let projects = app.next_reply_to(&ADMIN).await;
    app.says(&ADMIN, "/audit");
    let audit = app.next_reply_to(&ADMIN).await;
    for text in [
        &link,
        &joined,
        &notice,
        &admin_link,
        &card,
        &people,
        &projects,
        &audit,
    ] {
        assert!(!nests(text), "brackets inside brackets: {text}");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_people_list_says_when_each_person_joined_with_the_year() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, "发展改革局", &[12], "lead").await;
    app.says(&ADMIN, "/people");
    let people = app.next_reply_to(&ADMIN).await;
    assert!(
        people.contains(
            "张三（ID 630001）· 单位联络员 · 发展改革局\n   项目：12\n   加入：2024年3月1日"
        ),
        "{people}"
    );
    assert!(
        people.contains("专班王（ID 900001）· 管理员（工作专班）\n   加入：2024年3月13日"),
        "{people}"
    );
    assert!(!people.contains("2024-"), "{people}");
    app.stop().await;
}
