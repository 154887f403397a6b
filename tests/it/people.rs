//! People and permissions (issue 4): a closed room that admins run from their phones.

use minsheng::bot::texts;
use minsheng::domain::role::{AssignmentRole, Role};

use crate::helpers::{ADMIN, PATIENCE, Person, STRANGER, TestApp};

const ZHANG: Person = Person::with_username(620_001, "张三", "zhangsan");
const LI: Person = Person::with_username(620_002, "李四", "lisi");
const WANG: Person = Person::with_username(620_003, "王领导", "wangld");

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

/// Counts of what admins' commands change, to show that a refusal changed nothing.
async fn footprint(app: &TestApp) -> [i64; 5] {
    [
        app.scalar("SELECT count(*) FROM people").await,
        app.scalar("SELECT count(*) FROM invites").await,
        app.scalar("SELECT count(*) FROM assignments").await,
        app.scalar("SELECT count(*) FROM leader_scopes").await,
        app.scalar("SELECT count(*) FROM audit_log").await,
    ]
}

/// An admin invites a person and they join with the link; returns the admin's next message count.
async fn invite_and_join(app: &TestApp, person: &Person, invite: &str, admin_seen: usize) -> usize {
    app.says(&ADMIN, invite);
    let link = app.nth_reply_to(&ADMIN, admin_seen + 1).await;
    app.says(person, &format!("/start {}", token_in(&link)));
    app.nth_reply_to(person, 1).await;
    app.nth_reply_to(&ADMIN, admin_seen + 2).await; // "… joined"
    admin_seen + 2
}

#[tokio::test]
async fn an_invited_contact_joins_and_sees_project_3_after_it_is_assigned() {
    let app = TestApp::spawn().await;
    app.says(&ADMIN, "/invite 联络员 发展软环境保障局");
    let link = app.nth_reply_to(&ADMIN, 1).await;
    assert!(
        link.contains("https://t.me/minsheng_test_bot?start="),
        "{link}"
    );
    assert!(link.contains("单位联络员（发展软环境保障局）"), "{link}");
    let token = token_in(&link);
    assert!(token.len() >= 32, "at least 128 bits: {token}");

    app.says(&ZHANG, &format!("/start {token}"));
    let welcome = app.nth_reply_to(&ZHANG, 1).await;
    assert_eq!(
        welcome,
        texts::joined("张三", Role::Contact, Some("发展软环境保障局"))
    );
    let notice = app.nth_reply_to(&ADMIN, 2).await;
    assert_eq!(
        notice,
        texts::joined_notice("张三（@zhangsan）", Role::Contact, Some("发展软环境保障局"))
    );

    app.says(&ZHANG, "/my");
    assert!(
        app.nth_reply_to(&ZHANG, 2)
            .await
            .contains("没有负责报送的项目")
    );

    app.says(&ADMIN, "/assign 3 @zhangsan");
    assert_eq!(
        app.nth_reply_to(&ADMIN, 3).await,
        texts::assigned("张三", 3, "建设老年人食堂", AssignmentRole::Lead)
    );
    assert_eq!(
        app.nth_reply_to(&ZHANG, 3).await,
        texts::you_were_assigned(3, "建设老年人食堂", AssignmentRole::Lead)
    );
    app.says(&ZHANG, "/my");
    let my = app.nth_reply_to(&ZHANG, 4).await;
    assert!(
        my.contains("3. 建设老年人食堂（牵头） — 本周未报送"),
        "{my}"
    );
    assert!(my.contains("截止时间：3月15日（周五）17:00"), "{my}");

    app.says(&ZHANG, "/project 3");
    let card = app.nth_reply_to(&ZHANG, 5).await;
    assert!(
        card.contains("新建老年人食堂：目标 6处（现有10处）"),
        "{card}"
    );
    assert!(card.contains("联络员：张三（牵头）"), "{card}");

    let person: (String, String, String) = sqlx::query_as(
        "SELECT p.role, u.name, p.display_name FROM people p JOIN units u ON u.id = p.unit_id WHERE p.telegram_id = 620001",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        person,
        (
            "contact".to_owned(),
            "发展软环境保障局".to_owned(),
            "张三".to_owned()
        )
    );
    app.stop().await;
}

#[tokio::test]
async fn an_invite_works_once_and_not_after_it_expires() {
    let app = TestApp::spawn().await;
    app.says(&ADMIN, "/invite 联络员 交警");
    let token = token_in(&app.nth_reply_to(&ADMIN, 1).await);
    app.says(&ZHANG, &format!("/start {token}"));
    app.nth_reply_to(&ZHANG, 1).await;
    app.says(&LI, &format!("/start {token}"));
    assert!(
        app.nth_reply_to(&LI, 1)
            .await
            .contains("无效、已被使用或已过期")
    );
    app.says(&ZHANG, &format!("/start {token}"));
    assert!(app.nth_reply_to(&ZHANG, 2).await.contains("您已加入"));

    app.says(&ADMIN, "/invite 领导");
    let late = token_in(&app.nth_reply_to(&ADMIN, 3).await);
    app.advance(8 * 24 * 3600);
    app.says(&WANG, &format!("/start {late}"));
    assert!(
        app.nth_reply_to(&WANG, 1)
            .await
            .contains("无效、已被使用或已过期")
    );
    app.says(&WANG, "/start 0123456789abcdef0123456789abcdef");
    assert!(
        app.nth_reply_to(&WANG, 2)
            .await
            .contains("无效、已被使用或已过期")
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM people WHERE telegram_id IN (620002, 620003)")
            .await,
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn a_stranger_is_refused_politely_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let before = footprint(&app).await;
    for command in [
        "/projects",
        "/assign 3 @zhangsan",
        "/project 3",
        "/people",
        "/invite 管理员",
        "报送进度",
    ] {
        app.says(&STRANGER, command);
    }
    assert_eq!(
        app.nth_reply_to(&STRANGER, 1).await,
        texts::not_admitted(STRANGER.id)
    );
    app.eventually(
        "SELECT CAST(count(*) AS TEXT) FROM inbox WHERE state = 'done'",
        "6",
    )
    .await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM outbox WHERE chat_id = 555001")
            .await,
        1,
        "answered once: at most once per ten minutes"
    );
    assert_eq!(footprint(&app).await, before);
    app.stop().await;
}

#[tokio::test]
async fn a_contact_may_not_use_admin_commands_nor_see_other_projects() {
    let app = TestApp::spawn().await;
    invite_and_join(&app, &ZHANG, "/invite 联络员 发展软环境保障局", 0).await;
    let before = footprint(&app).await;
    app.says(&ZHANG, "/assign 3 @zhangsan");
    assert_eq!(app.nth_reply_to(&ZHANG, 2).await, texts::not_allowed());
    app.says(&ZHANG, "/projects");
    assert_eq!(app.nth_reply_to(&ZHANG, 3).await, texts::not_allowed());
    app.says(&ZHANG, "/project 12");
    assert_eq!(
        app.nth_reply_to(&ZHANG, 4).await,
        "项目 12 不是您负责报送的项目。您目前没有可查看的项目。"
    );
    assert_eq!(footprint(&app).await, before);
    app.says(&ZHANG, "/help");
    let help = app.nth_reply_to(&ZHANG, 5).await;
    assert!(help.contains("/my") && !help.contains("/assign"), "{help}");
    app.stop().await;
}

#[tokio::test]
async fn audit_shows_who_assigned_what() {
    let app = TestApp::spawn().await;
    invite_and_join(&app, &ZHANG, "/invite 联络员 发展软环境保障局", 0).await;
    app.says(&ADMIN, "/assign 3 zhangsan");
    let reply = app.nth_reply_to(&ADMIN, 3).await;
    assert!(
        reply.contains("没有找到人员"),
        "a bare name that is no one's: {reply}"
    );
    app.says(&ADMIN, "/assign 3 张三 co");
    app.nth_reply_to(&ADMIN, 4).await;
    app.says(&ADMIN, "/audit 3");
    let audit = app.nth_reply_to(&ADMIN, 5).await;
    assert!(audit.contains("专班王"), "{audit}");
    assert!(audit.contains("指派：项目 3 · 张三"), "{audit}");
    assert!(audit.contains("项目：3；身份：协办"), "{audit}");
    assert!(audit.contains("加入"), "{audit}");
    app.stop().await;
}

#[tokio::test]
async fn bad_arguments_get_a_clear_message_and_change_nothing() {
    let app = TestApp::spawn().await;
    invite_and_join(&app, &ZHANG, "/invite 联络员 发展软环境保障局", 0).await;
    let before = footprint(&app).await;
    let cases = [
        ("/assign 99 @zhangsan", "没有序号为 99 的项目"),
        ("/assign 3 12ab", "没有找到人员“12ab”"),
        ("/assign 3 @nobody_here", "没有找到人员“@nobody_here”"),
        ("/assign 3", "用法：/assign"),
        ("/invite 联络员 教育局", "没有找到名称含“教育局”的单位"),
        ("/invite 联络员 街道", "可指多个单位"),
        ("/invite 局长", "用法：/invite"),
        ("/leader @zhangsan 一", "不是分管负责同志"),
        ("/project 三", "没有序号为 三 的项目"),
    ];
    for (n, (command, expected)) in cases.iter().enumerate() {
        app.says(&ADMIN, command);
        let reply = app.nth_reply_to(&ADMIN, 3 + n).await;
        assert!(reply.contains(expected), "{command} → {reply}");
    }
    assert_eq!(footprint(&app).await, before);
    app.stop().await;
}

#[tokio::test]
async fn invite_buttons_ask_for_the_role_then_the_unit() {
    let app = TestApp::spawn().await;
    app.says(&ADMIN, "/invite");
    assert_eq!(
        app.nth_reply_to(&ADMIN, 1).await,
        texts::invite_choose_role()
    );
    app.presses(&ADMIN, "inv:contact");
    assert_eq!(
        app.nth_reply_to(&ADMIN, 2).await,
        texts::invite_choose_unit()
    );
    let unit: i64 = app
        .scalar("SELECT id FROM units WHERE name = '应急管理局'")
        .await;
    app.presses(&ADMIN, &format!("inv:contact:{unit}"));
    let link = app.nth_reply_to(&ADMIN, 3).await;
    assert!(link.contains("单位联络员（应急管理局）"), "{link}");
    assert!(
        app.api
            .calls_reach("answerCallbackQuery", 2, PATIENCE)
            .await,
        "every press is answered"
    );

    // A forged press from someone not admitted does nothing but tell them how to get in.
    app.presses(&STRANGER, "inv:admin");
    assert_eq!(
        app.nth_reply_to(&STRANGER, 1).await,
        texts::not_admitted(STRANGER.id)
    );
    app.presses(&ADMIN, "inv:contact:99999");
    assert_eq!(app.nth_reply_to(&ADMIN, 4).await, texts::expired_button());
    assert_eq!(app.scalar("SELECT count(*) FROM invites").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn a_leader_sees_only_their_scope_and_a_group_becomes_their_digest_chat() {
    let app = TestApp::spawn().await;
    invite_and_join(&app, &WANG, "/invite 领导", 0).await;
    let group = -100_777;
    app.says_in_group(&ADMIN, group, "/leader @wangld 三,12");
    let set = app.api.nth_message_to(group, 1, PATIENCE).await.unwrap();
    assert_eq!(
        set,
        texts::leader_scope_set("王领导", "三类；项目 12", true)
    );
    assert_eq!(
        app.scalar("SELECT digest_chat_id FROM people WHERE telegram_id = 620003")
            .await,
        group
    );
    assert_eq!(
        app.nth_reply_to(&WANG, 2).await,
        texts::your_scope("三类；项目 12")
    );

    app.says(&WANG, "/projects");
    let list = app.nth_reply_to(&WANG, 3).await;
    let numbers: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split_once(". ").map(|(n, _)| n))
        .collect();
    assert_eq!(numbers, ["7", "8", "9", "12"], "{list}");
    app.says(&WANG, "/project 3");
    assert_eq!(
        app.nth_reply_to(&WANG, 4).await,
        "项目 3 不在您的分管范围内。您可查看：7、8、9、12"
    );
    app.says(&WANG, "/project 12");
    assert!(
        app.nth_reply_to(&WANG, 5)
            .await
            .starts_with("项目 12 · 新能源智慧充电站及智慧停车场项目")
    );

    // In private, the destination goes back to the leader's own chat.
    app.says(&ADMIN, "/leader 王领导 一");
    assert_eq!(
        app.nth_reply_to(&ADMIN, 3).await,
        texts::leader_scope_set("王领导", "一类", false)
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM people WHERE telegram_id = 620003 AND digest_chat_id IS NULL"
        )
        .await,
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn a_deactivated_person_is_refused_at_once_and_loses_their_projects() {
    let app = TestApp::spawn().await;
    invite_and_join(&app, &ZHANG, "/invite 联络员 发展软环境保障局", 0).await;
    app.says(&ADMIN, "/assign 3 @zhangsan");
    app.nth_reply_to(&ADMIN, 3).await;
    app.says(&ADMIN, "/deactivate @zhangsan");
    assert_eq!(
        app.nth_reply_to(&ADMIN, 4).await,
        texts::deactivated("张三", 1)
    );
    app.says(&ZHANG, "/my");
    // A deactivated contact is a stranger now.
    app.message_to_containing(&ZHANG, &texts::not_admitted(ZHANG.id))
        .await;
    app.says(&ADMIN, "/projects");
    let list = app.nth_reply_to(&ADMIN, 5).await;
    assert!(
        list.contains("3. 建设老年人食堂 — 发展软环境保障局\n   联络员：未指派"),
        "{list}"
    );
    app.stop().await;
}

#[tokio::test]
async fn people_lists_everyone_with_role_unit_projects_and_reachability() {
    let app = TestApp::spawn().await;
    let seen = invite_and_join(&app, &ZHANG, "/invite 联络员 发展软环境保障局", 0).await;
    let seen = invite_and_join(&app, &WANG, "/invite 领导", seen).await;
    app.says(&ADMIN, "/assign 6 @zhangsan");
    app.says(&ADMIN, "/people");
    let list = app.nth_reply_to(&ADMIN, seen + 2).await;
    assert!(list.contains("人员名单 · 3 人"), "{list}");
    assert!(
        list.contains("张三 @zhangsan（ID 620001）· 单位联络员 · 发展软环境保障局\n   项目：6"),
        "{list}"
    );
    assert!(
        list.contains("王领导 @wangld（ID 620003）· 分管负责同志\n   分管：未设定"),
        "{list}"
    );
    app.stop().await;
}

#[tokio::test]
async fn menus_are_set_per_role_and_messages_on_behalf_of_a_chat_are_refused() {
    let app = TestApp::spawn().await;
    invite_and_join(&app, &ZHANG, "/invite 联络员 发展软环境保障局", 0).await;
    let menus: Vec<serde_json::Value> = app
        .api
        .requests()
        .into_iter()
        .filter(|r| r.method == "setMyCommands")
        .map(|r| r.body)
        .collect();
    let default = menus
        .iter()
        .find(|m| m["scope"]["type"] == "default")
        .expect("a default menu");
    assert_eq!(
        default["commands"].as_array().unwrap().len(),
        2,
        "strangers see /start and /help"
    );
    let zhang = menus
        .iter()
        .find(|m| m["scope"]["chat_id"] == ZHANG.id)
        .expect("the contact's own menu");
    let names: Vec<&str> = zhang["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "report", "my", "project", "cycle", "leave", "back", "quiet", "web", "start", "help",
            "cancel"
        ]
    );

    let group = -100_888;
    app.api.push_message(serde_json::json!({
        "from": { "id": 136817688, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot" },
        "sender_chat": { "id": group, "type": "supergroup", "title": "某群" },
        "chat": { "id": group, "type": "supergroup", "title": "某群" },
        "text": "/people",
    }));
    assert_eq!(
        app.api.nth_message_to(group, 1, PATIENCE).await.unwrap(),
        texts::on_behalf_of_chat()
    );
    app.says_in_group(&STRANGER, group, "/projects");
    app.says_in_group(&ADMIN, group, "/help");
    let help = app.api.nth_message_to(group, 2, PATIENCE).await.unwrap();
    assert!(
        help.contains("/invite"),
        "the admin is answered in the group: {help}"
    );
    assert_eq!(
        app.api.sent_to(group).len(),
        2,
        "the stranger is not answered in the group"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_contact_is_told_when_a_project_is_taken_away() {
    let app = TestApp::spawn().await;
    invite_and_join(&app, &LI, "/invite 联络员 城乡建设和交通局（交通）", 0).await;
    app.says(&ADMIN, "/assign 11 @lisi");
    assert_eq!(
        app.nth_reply_to(&LI, 2).await,
        texts::you_were_assigned(
            11,
            "提升农村道路，改善农村交通出行条件",
            AssignmentRole::Lead
        )
    );
    app.says(&ADMIN, "/unassign 11 @lisi");
    assert_eq!(
        app.nth_reply_to(&ADMIN, 4).await,
        texts::unassigned("李四", 11)
    );
    assert_eq!(
        app.nth_reply_to(&LI, 3).await,
        texts::you_were_unassigned(11, "提升农村道路，改善农村交通出行条件")
    );
    app.says(&ADMIN, "/unassign 11 @lisi");
    assert_eq!(
        app.nth_reply_to(&ADMIN, 5).await,
        texts::not_assigned("李四", 11)
    );
    app.says(&LI, "/my");
    assert!(
        app.nth_reply_to(&LI, 4)
            .await
            .contains("没有负责报送的项目")
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM assignments WHERE removed_at IS NOT NULL")
            .await,
        1
    );
    app.stop().await;
}
