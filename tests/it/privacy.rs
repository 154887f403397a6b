//! Privacy and privilege (issue 10): each reader gets their own scope, groups see no ledger,
//! a deactivated person stays out, and what people do to their own schedule is on record.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use minsheng::bot::report::Press;
use minsheng::bot::texts::{self, schedule};
use minsheng::domain::role::Role;
use serde_json::{Value, json};

use crate::fake_api::{private_chat, user};
use crate::helpers::{ADMIN, PATIENCE, Person, STRANGER, TestApp};

const LI: Person = Person::with_username(680_001, "李四", "lisi");
const ZHAO: Person = Person::with_username(680_002, "赵六", "zhaoliu");
const ZHANG: Person = Person::with_username(680_003, "张三", "zhangsan");
const WANG: Person = Person::with_username(680_004, "王领导", "wangld");
const LIU: Person = Person::with_username(680_005, "刘专班", "liuzb");
const SOFT: &str = "发展软环境保障局";
const GROUP: i64 = -100_777;

/// The token at the end of an invite link in a message.
fn token_in(message: &str) -> String {
    let start = message
        .find("?start=")
        .unwrap_or_else(|| panic!("no invite link in: {message}"))
        + "?start=".len();
    message[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

/// A leader over category 一 (projects 1 to 4), with its scope set directly.
async fn leader_over_category_one(app: &TestApp) {
    app.admit(&WANG, "leader", None).await;
    sqlx::query(
        "INSERT INTO leader_scopes (person_id, category_id)
         VALUES ((SELECT id FROM people WHERE telegram_id = ?), (SELECT id FROM categories WHERE numeral = '一'))",
    )
    .bind(WANG.id)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// The workbooks uploaded to a chat so far, waiting until there are `count`.
async fn workbooks_to(app: &TestApp, chat: i64, count: usize) -> Vec<Xlsx<Cursor<Vec<u8>>>> {
    let files = app
        .api
        .wait_until(PATIENCE, || {
            let files: Vec<Vec<u8>> = app
                .api
                .uploads()
                .into_iter()
                .filter(|u| u.method == "sendDocument" && u.chat_id == chat)
                .map(|u| u.bytes)
                .collect();
            (files.len() >= count).then_some(files)
        })
        .await
        .unwrap_or_else(|| panic!("{count} workbook(s) to {chat}"));
    files
        .into_iter()
        .map(|bytes| open_workbook_from_rs(Cursor::new(bytes)).expect("an .xlsx workbook"))
        .collect()
}

/// The values of one column of a sheet, below its header.
fn column(workbook: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str, column: u32) -> Vec<String> {
    let range = workbook.worksheet_range(sheet).unwrap();
    (1..range.height() as u32)
        .map(|row| match range.get_value((row, column)) {
            Some(Data::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        })
        .collect()
}

/// 李四 reports on project 3 (category 一) and 赵六 on 12 (outside it); 张三 (project 1) and
/// 钱七 (project 13) stay silent in the week of 11 March.
async fn a_week_inside_and_outside_category_one() -> TestApp {
    const QIAN: Person = Person::with_username(680_006, "钱七", "qianqi");
    let app = TestApp::spawn().await;
    app.set_time("2024-03-12T10:00:00+08:00");
    app.contact_on(&LI, SOFT, &[3], "lead").await;
    app.contact_on(&ZHAO, "发展改革局", &[12], "lead").await;
    app.contact_on(&ZHANG, SOFT, &[1], "lead").await;
    app.contact_on(&QIAN, "发展改革局", &[13], "lead").await;
    leader_over_category_one(&app).await;
    app.set_time("2024-03-13T10:00:00+08:00");
    for (person, report) in [
        (&LI, "/report 3 1=2 进展:两处食堂开工 困难:选址待定"),
        (&ZHAO, "/report 12 进展:按计划推进"),
    ] {
        app.says(person, report);
        app.next_reply_to(person).await;
        app.presses(person, &Press::Submit.data());
        assert!(app.next_reply_to(person).await.starts_with("✅"));
    }
    app
}

/// The command menus the bot set (setMyCommands bodies) that `wanted` keeps, once there are at
/// least `count` of them.
async fn menus_set(
    app: &TestApp,
    count: usize,
    wanted: impl Fn(&Value) -> bool,
) -> Option<Vec<Value>> {
    app.api
        .wait_until(PATIENCE, || {
            let menus: Vec<Value> = app
                .api
                .requests()
                .into_iter()
                .filter(|r| r.method == "setMyCommands" && wanted(&r.body))
                .map(|r| r.body)
                .collect();
            (menus.len() >= count).then_some(menus)
        })
        .await
}

#[tokio::test]
async fn a_leader_exports_and_receives_only_the_ledger_of_their_scope() {
    let app = a_week_inside_and_outside_category_one().await;
    app.set_time("2024-03-21T09:00:00+08:00");
    app.says(&WANG, "/export");
    assert_eq!(app.next_reply_to(&WANG).await, texts::ledger_on_its_way());
    let mut exported = workbooks_to(&app, WANG.id, 1).await.remove(0);
    assert_eq!(column(&mut exported, "台账", 1), ["1", "2", "3", "4"]);
    assert_eq!(column(&mut exported, "报送记录", 0), ["3"]);
    assert_eq!(column(&mut exported, "未按时报送", 2), ["1"]);

    assert_eq!(app.tick_digest().await, 2, "the admin and the leader");
    let mut digest = workbooks_to(&app, WANG.id, 2).await.remove(1);
    assert_eq!(
        column(&mut digest, "台账", 1),
        ["1", "2", "3", "4"],
        "the digest's workbook is the leader's scope too"
    );
    assert_eq!(column(&mut digest, "报送记录", 0), ["3"]);
    assert_eq!(column(&mut digest, "未按时报送", 2), ["1"]);

    let mut whole = workbooks_to(&app, ADMIN.id, 1).await.remove(0);
    assert_eq!(column(&mut whole, "台账", 1).len(), 27, "admins: the plan");
    assert_eq!(column(&mut whole, "报送记录", 0), ["3", "12"]);
    assert_eq!(column(&mut whole, "未按时报送", 2), ["1", "13"]);
    app.stop().await;
}

#[tokio::test]
async fn in_a_group_private_views_are_refused_with_one_line_whoever_asks() {
    let app = TestApp::spawn().await;
    app.contact_on(&LI, SOFT, &[3], "lead").await;
    leader_over_category_one(&app).await;
    let asked = [
        (ADMIN, "/export"),
        (ADMIN, "/people"),
        (ADMIN, "/audit"),
        (ADMIN, "/digest"),
        (ADMIN, "/project 3"),
        (ADMIN, "/missing"),
        (ADMIN, "/invite 管理员"),
        (WANG, "/export"),
        (WANG, "/project 1"),
        (WANG, "/digest"),
        (LI, "/my"),
        (LI, "/project 3"),
        (STRANGER, "/export@minsheng_test_bot"),
    ];
    // One group each: Telegram allows one message a second per chat.
    for (group, (person, command)) in (GROUP - 20..).zip(asked) {
        app.says_in_group(&person, group, command);
    }
    // A command for another bot is not ours to answer: the group's first answer is to /help.
    app.says_in_group(&ADMIN, GROUP, "/export@other_bot");
    app.says_in_group(&ADMIN, GROUP, "/help");
    let help = app.api.nth_message_to(GROUP, 1, PATIENCE).await.unwrap();
    assert!(help.contains("/invite"), "{help}");
    for group in (GROUP - 20..).take(asked.len()) {
        assert_eq!(
            app.api.nth_message_to(group, 1, PATIENCE).await.unwrap(),
            texts::private_chat_only()
        );
    }
    let sent_to_groups = app.api.sent().iter().filter(|s| s.chat_id < 0).count();
    assert_eq!(sent_to_groups, asked.len() + 1, "one line each");
    assert_eq!(
        app.scalar("SELECT count(*) FROM invites").await,
        0,
        "no invite link is made for a group to read"
    );
    assert_eq!(
        app.api.calls_of("sendDocument"),
        0,
        "no ledger in the group"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE method <> 'sendMessage' AND chat_id < 0")
            .await,
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn an_invite_button_pressed_in_a_group_makes_no_link() {
    let app = TestApp::spawn().await;
    let data = minsheng::bot::keyboards::Press::InviteRole(Role::Admin).data();
    app.api.push_update(
        "callback_query",
        json!({
            "id": "forged",
            "from": ADMIN.user(),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": 1, "date": 1_706_668_800,
                "chat": { "id": GROUP, "type": "group", "title": "民生实事调度群" },
                "text": "…",
            },
        }),
    );
    assert_eq!(
        app.api.nth_message_to(GROUP, 1, PATIENCE).await.unwrap(),
        texts::private_chat_only()
    );
    assert_eq!(app.scalar("SELECT count(*) FROM invites").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn deactivating_an_admin_revokes_their_links_and_no_link_brings_them_back() {
    let app = TestApp::spawn().await;
    app.says(&ADMIN, "/invite 管理员");
    let link = app.next_reply_to(&ADMIN).await;
    app.says(&LIU, &format!("/start {}", token_in(&link)));
    app.next_reply_to(&LIU).await; // welcome
    app.next_reply_to(&ADMIN).await; // "… joined"
    app.says(&LIU, "/invite 管理员");
    let kept_for_later = token_in(&app.next_reply_to(&LIU).await);
    app.says(&LIU, "/invite 领导");
    let given_away = token_in(&app.next_reply_to(&LIU).await);

    app.says(&ADMIN, "/deactivate @liuzb");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        texts::deactivated("刘专班", 0) + &texts::invites_revoked(2)
    );
    let revoked = app
        .scalar(
            "SELECT count(*) FROM invites i JOIN people p ON p.id = i.created_by
             WHERE p.telegram_id = 680005 AND i.used_at IS NULL AND i.revoked_at IS NOT NULL",
        )
        .await;
    assert_eq!(revoked, 2, "both unused links are revoked");

    app.says(&LIU, &format!("/start {kept_for_later}"));
    assert_eq!(
        app.next_reply_to(&LIU).await,
        texts::deactivated_cannot_rejoin()
    );
    app.says(&STRANGER, &format!("/start {given_away}"));
    assert_eq!(app.next_reply_to(&STRANGER).await, texts::invite_invalid());
    app.says(&ADMIN, "/invite 管理员");
    let fresh = token_in(&app.next_reply_to(&ADMIN).await);
    app.says(&LIU, &format!("/start {fresh}"));
    assert_eq!(
        app.next_reply_to(&LIU).await,
        texts::deactivated_cannot_rejoin(),
        "not even a fresh link"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM people WHERE telegram_id = 680005 AND active = 0")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM people WHERE telegram_id = 555001")
            .await,
        0
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM invites WHERE used_at IS NOT NULL")
            .await,
        1,
        "only the first link was used"
    );

    app.says(&ADMIN, "/reactivate 刘专班");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        texts::reactivated("刘专班", Role::Admin)
    );
    assert_eq!(
        app.next_reply_to(&LIU).await,
        texts::you_were_reactivated(Role::Admin)
    );
    let audit: (String, String) = sqlx::query_as(
        "SELECT a.action, p.display_name FROM audit_log a JOIN people p ON p.id = a.actor_id
         ORDER BY a.id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audit, ("reactivate".to_owned(), "专班王".to_owned()));
    app.says(&ADMIN, "/reactivate @liuzb");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        texts::already_active("刘专班")
    );
    app.says(&LIU, "/people");
    assert!(app.next_reply_to(&LIU).await.contains("刘专班"));
    app.stop().await;
}

#[tokio::test]
async fn a_deactivated_bootstrap_admin_gets_no_admin_notice_digest_nor_menu() {
    let app = TestApp::spawn().await;
    app.admit(&LIU, "admin", None).await;
    app.says(&LIU, &format!("/deactivate {}", ADMIN.id));
    assert!(app.next_reply_to(&LIU).await.contains("已停用"));
    app.says(&LIU, "/invite 联络员 发展软环境保障局");
    let link = app.next_reply_to(&LIU).await;
    app.says(&ZHANG, &format!("/start {}", token_in(&link)));
    app.next_reply_to(&ZHANG).await;
    assert!(
        app.next_reply_to(&LIU).await.contains("张三"),
        "LIU is told"
    );
    let to_bootstrap = app
        .scalar("SELECT count(*) FROM outbox WHERE chat_id = 900001 AND method = 'sendMessage'")
        .await;
    assert_eq!(
        to_bootstrap, 0,
        "the deactivated bootstrap admin is told nothing"
    );

    app.set_time("2024-03-21T09:00:00+08:00");
    assert_eq!(
        app.tick_digest().await,
        1,
        "the digest goes to 刘专班 alone"
    );
    app.says(&ADMIN, "/people");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        texts::not_admitted(ADMIN.id)
    );

    let app = app.restart().await;
    let menus = menus_set(&app, 3, |menu| menu["scope"]["chat_id"] == ADMIN.id)
        .await
        .expect("the menus of the first start, of the deactivation and of the restart");
    assert!(menus[0]["commands"].to_string().contains("invite"));
    assert!(
        menus[1..].iter().all(|m| {
            let text = m["commands"].to_string();
            !text.contains("invite") && !text.contains("people")
        }),
        "no admin menu for a deactivated bootstrap admin: {menus:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn leave_cannot_start_in_the_past_and_leave_back_quiet_are_audited() {
    let app = TestApp::spawn().await;
    app.set_time("2024-01-02T10:00:00+08:00");
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.set_time("2024-01-08T10:00:00+08:00");
    app.says(&ZHANG, "/leave 1-5 1-5");
    let today = "2024-01-08".parse().unwrap();
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        schedule::leave_starts_too_early(today)
    );
    assert_eq!(app.scalar("SELECT count(*) FROM leaves").await, 0);

    app.says(&ZHANG, "/leave 1-8 1-10");
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        schedule::on_leave(today, "2024-01-10".parse().unwrap())
    );
    app.says(&ZHANG, "/back");
    assert_eq!(app.next_reply_to(&ZHANG).await, schedule::welcome_back());
    app.says(&ZHANG, "/quiet");
    assert_eq!(app.next_reply_to(&ZHANG).await, schedule::quiet(true));
    let actions: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.action, p.display_name FROM audit_log a JOIN people p ON p.id = a.actor_id ORDER BY a.id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            ("leave".to_owned(), "张三".to_owned()),
            ("back".to_owned(), "张三".to_owned()),
            ("quiet".to_owned(), "张三".to_owned()),
        ]
    );

    app.says(&ADMIN, "/audit 3");
    let audit = app.next_reply_to(&ADMIN).await;
    for line in [
        "张三（@zhangsan） 请假：张三（@zhangsan）\n   起：2024年1月8日；止：2024年1月10日",
        "销假：张三（@zhangsan）\n   请假：1段；销假日期：2024年1月8日",
        "开关提醒：张三（@zhangsan）\n   截止前提醒：开启 → 关闭",
    ] {
        assert!(audit.contains(line), "{line} in {audit}");
    }
    assert!(
        !audit.contains('{') && !audit.contains("2024-01") && !audit.is_ascii(),
        "people read Chinese, not JSON: {audit}"
    );

    app.set_time("2024-01-09T09:00:00+08:00");
    assert!(app.tick().await.escalations >= 1);
    let escalation = app.message_to_containing(&ADMIN, "逾期未报送督办").await;
    assert!(
        escalation.contains("项目 3「建设老年人食堂」— 发展软环境保障局 张三"),
        "{escalation}"
    );
    app.stop().await;
}

/// A person edits a message they sent earlier in their private chat.
fn edits(app: &TestApp, person: &Person, message_id: i64, text: &str) {
    app.api.push_update(
        "edited_message",
        json!({
            "message_id": message_id,
            "date": 1_706_668_800,
            "edit_date": 1_706_668_900,
            "from": user(person.id, person.first_name, person.username),
            "chat": private_chat(person.id, person.first_name),
            "text": text,
        }),
    );
}

#[tokio::test]
async fn an_edited_message_is_answered_with_how_to_correct_and_a_strangers_edit_is_not() {
    let app = TestApp::spawn().await;
    app.contact_on(&ZHANG, SOFT, &[3], "lead").await;
    app.says(&ZHANG, "/report 3 1=2 进展:已开工");
    app.next_reply_to(&ZHANG).await;
    app.presses(&ZHANG, &Press::Submit.data());
    assert!(app.next_reply_to(&ZHANG).await.starts_with("✅"));
    let reports = app.scalar("SELECT count(*) FROM reports").await;

    edits(&app, &ZHANG, 1, "/report 3 1=3 进展:已开工");
    assert_eq!(
        app.next_reply_to(&ZHANG).await,
        texts::edit_not_taken(Role::Contact)
    );
    assert_eq!(app.scalar("SELECT count(*) FROM reports").await, reports);
    edits(&app, &ADMIN, 3, "/people");
    assert_eq!(
        app.next_reply_to(&ADMIN).await,
        texts::edit_not_taken(Role::Admin)
    );

    edits(&app, &STRANGER, 2, "/people");
    app.says(&STRANGER, "/help");
    app.nth_reply_to(&STRANGER, 1).await;
    assert_eq!(
        app.messages_to(&STRANGER),
        [texts::not_admitted(STRANGER.id)],
        "the stranger's edit got nothing"
    );
    app.stop().await;
}

#[tokio::test]
async fn help_is_in_every_menu_and_a_bootstrap_admin_gets_their_menu_at_start() {
    let app = TestApp::spawn().await;
    let menus = menus_set(&app, 2, |_| true)
        .await
        .expect("the default menu and the bootstrap admin's");
    let names = |menu: &Value| -> Vec<String> {
        menu["commands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["command"].as_str().unwrap().to_owned())
            .collect()
    };
    let default = menus
        .iter()
        .find(|m| m["scope"]["type"] == "default")
        .expect("a default menu");
    assert_eq!(names(default), ["start", "help"]);
    let admin = menus
        .iter()
        .find(|m| m["scope"]["chat_id"] == ADMIN.id)
        .expect("the bootstrap admin's own menu");
    let admin = names(admin);
    assert!(
        ["invite", "reactivate", "export", "help"]
            .iter()
            .all(|c| admin.contains(&c.to_string())),
        "{admin:?}"
    );
    app.stop().await;
}
