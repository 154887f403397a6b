//! The web view's pages (issue 16, in part): each route limited to the reader's scope, the
//! overview saying what the digest says, a project's reports and difficulties, the digests as
//! sent, the ledger workbook; Chinese throughout. Each reader signs in the real way, with `/web`.

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};

use crate::helpers::{ADMIN, Person, TestApp};

pub(crate) const LEADER: Person = Person::with_username(690_001, "王领导", "wangld");
const ZHANG: Person = Person::with_username(690_011, "张三", "zhangsan");
const LI: Person = Person::with_username(690_012, "李四", "lisi");
const WANG: Person = Person::with_username(690_013, "王五", "wangwu");
const SUN: Person = Person::with_username(690_016, "孙八", "sunba");

/// A reader signed in the real way: `/web` in the chat, the link opened, the session cookie.
struct Session<'a> {
    app: &'a TestApp,
    cookie: String,
}

async fn signed_in<'a>(app: &'a TestApp, person: &Person) -> Session<'a> {
    Session {
        app,
        cookie: crate::web_auth::signed_in(app, person).await,
    }
}

/// A page's status and body, as the signed-in reader gets it.
async fn get(session: &Session<'_>, path: &str) -> (u16, String) {
    let response = crate::web_auth::get(session.app, path, Some(&session.cookie)).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// What a person reads of a page: its text without tags, spaces collapsed.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Neither English words meant for a person nor ISO dates; nothing the CSP would block.
fn assert_chinese(page: &str) {
    for blocked in ["<script", "<style", " style=", "http://", "https://"] {
        assert!(
            !page
                .replace("http://www.w3.org/2000/svg", "")
                .contains(blocked),
            "{blocked}"
        );
    }
    let text = text_of(page);
    let english = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|w| w.len() >= 3);
    assert_eq!(english, None, "an English word: {text}");
    let iso = text.as_bytes().windows(10).any(|w| {
        w[4] == b'-'
            && w[7] == b'-'
            && w.iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
    });
    assert!(!iso, "an ISO date: {text}");
}

/// A leader over category 一 (projects 1–4). In the first half of June: 1 falls behind
/// (red) and raises a difficulty, 2 keeps pace (blue), 3 misses its second week (yellow), 孙八
/// never reports on 4 (未报送, no colour).
pub(crate) async fn june_in_category_one() -> TestApp {
    let app = TestApp::spawn_with_web(&[]).await;
    app.set_time("2024-06-03T08:00:00+08:00");
    app.contact_on(&ZHANG, "发展软环境保障局", &[1], "lead")
        .await;
    app.contact_on(&LI, "消防救援大队", &[2], "lead").await;
    app.contact_on(&WANG, "发展软环境保障局", &[3], "lead")
        .await;
    app.contact_on(&SUN, "发展软环境保障局", &[4], "lead").await;
    app.admit(&LEADER, "leader", None).await;
    sqlx::query(
        "INSERT INTO leader_scopes (person_id, category_id)
         SELECT (SELECT id FROM people WHERE telegram_id = 690001), id FROM categories WHERE numeral = '一'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.set_time("2024-06-05T10:00:00+08:00");
    app.reports(&ZHANG, "/report 1 1=2 进展:完成入户评估").await;
    app.reports(&LI, "/report 2 1=60 进展:按计划安装").await;
    app.reports(&WANG, "/report 3 1=2 进展:两处开工").await;
    app.set_time("2024-06-12T10:00:00+08:00");
    app.reports(
        &ZHANG,
        "/report 1 1=3 进展:完成三户 困难:部分老人不同意入户改造",
    )
    .await;
    app.reports(&LI, "/report 2 1=70 进展:按计划安装").await;
    app.set_time("2024-06-20T10:00:00+08:00");
    app
}

#[tokio::test]
async fn a_leader_over_one_gets_the_same_404_for_project_12_as_for_99() {
    let app = june_in_category_one().await;
    let base = signed_in(&app, &LEADER).await;
    let (status12, body12) = get(&base, "/projects/12").await;
    let (status99, body99) = get(&base, "/projects/99").await;
    assert_eq!((status12, status99), (404, 404));
    assert_eq!(body12, body99, "outside the scope reads as not existing");
    assert!(text_of(&body12).contains("没有这个项目"), "{body12}");
    let (status, body) = get(&base, "/no-such-page").await;
    assert_eq!(status, 404);
    assert!(
        text_of(&body).contains(minsheng::web::pages::layout::NO_PAGE),
        "{body}"
    );
    let (status, body) = get(&base, "/projects/%E5%8D%81%E4%BA%8C").await;
    assert_eq!((status, body), (404, body99), "a number not written as one");
    let (status, page) = get(&base, "/projects/1").await;
    assert_eq!(status, 200);
    assert!(text_of(&page).contains("项目 1 对困难老年人家庭设施进行适老化改造"));
    let style = crate::web_auth::get(base.app, "/assets/style.css", None).await;
    assert_eq!(style.headers()["content-type"], "text/css; charset=utf-8");
    assert!(style.text().await.unwrap().contains("\"PingFang SC\""));
    app.stop().await;
}

#[tokio::test]
async fn the_overview_counts_what_the_digest_says_for_the_leaders_scope() {
    let app = june_in_category_one().await;
    app.says(&LEADER, "/digest");
    let digest = app.next_reply_to(&LEADER).await;
    assert!(
        digest.contains("应报 4 · 实报 2 · 报送率 50%；红 1 · 黄 1 · 蓝 1 · 未报送 1；"),
        "{digest}"
    );
    let base = signed_in(&app, &LEADER).await;
    let (status, page) = get(&base, "/").await;
    assert_eq!(status, 200);
    assert_chinese(&page);
    let text = text_of(&page);
    assert!(text.contains("查看范围：一类"), "{text}");
    assert!(text.contains("已报 2 / 应报 4 （报送率 50%）"), "{text}");
    for count in ["红 1 个", "黄 1 个", "蓝 1 个", "未报送 1 个"] {
        assert!(text.contains(count), "{count}: {text}");
    }
    // Red, then yellow, then unreported, each linking to its page; 4 has no colour.
    let attention = text.split("需关注的项目").nth(1).unwrap();
    let at = |needle: &str| attention.find(needle).unwrap_or(usize::MAX);
    assert!(
        at("1. 对困难") < at("3. ") && at("3. ") < at("4. "),
        "{attention}"
    );
    assert!(
        !attention
            .split("进度与序时进度")
            .next()
            .unwrap()
            .contains("2. ")
    );
    assert!(
        attention.contains("滞后序时进度"),
        "the reason: {attention}"
    );
    assert!(page.contains("<a href=\"/projects/1\">"));
    assert!(page.contains("<span class=\"label none\">未报送</span>"));
    assert!(page.contains("<svg"), "the chart");
    for outside in ["/projects/5\"", "/projects/12\"", "/projects/27\""] {
        assert!(!page.contains(outside), "{outside} is outside the scope");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_project_page_shows_every_report_version_and_the_difficulty() {
    let app = june_in_category_one().await;
    // 张三 corrects the second week's report: a second version of the same week.
    app.set_time("2024-06-13T10:00:00+08:00");
    app.reports(&ZHANG, "/report 1 1=4 进展:完成四户").await;
    app.set_time("2024-06-20T10:00:00+08:00");
    let base = signed_in(&app, &LEADER).await;
    let (status, page) = get(&base, "/projects/1").await;
    assert_eq!(status, 200);
    assert_chinese(&page);
    let text = text_of(&page);
    for said in [
        "完成入户评估",
        "完成三户",
        "完成四户",
        "部分老人不同意入户改造",
    ] {
        assert!(text.contains(said), "{said}: {text}");
    }
    assert!(text.contains("报送记录（3份）"), "{text}");
    assert!(text.contains("修改稿（第2版）"), "{text}");
    assert!(text.contains("待协调（1项）"), "{text}");
    assert!(text.contains("牵头联络员：张三"), "{text}");
    assert!(text.contains("牵头单位：发展软环境保障局"), "{text}");
    assert!(text.contains("6月10日—6月14日当周"), "{text}");
    assert!(page.contains("<polyline"), "the weekly chart");
    // The chart runs from the plan's first week to this one; the two reported weeks are its
    // points, the others gaps.
    assert!(text.contains("1月1日当周"), "{text}");
    assert!(text.contains("6月17日当周"), "{text}");
    assert_eq!(page.matches("<circle").count(), 2, "{page}");
    app.stop().await;
}

#[tokio::test]
async fn a_contact_sees_only_their_own_projects_and_no_digests() {
    let app = june_in_category_one().await;
    let base = signed_in(&app, &ZHANG).await;
    let (_, page) = get(&base, "/").await;
    let text = text_of(&page);
    assert!(
        text.contains("查看范围：本人负责的项目：1. 对困难老年人家庭设施进行适老化改造"),
        "{text}"
    );
    assert!(!page.contains("/projects/2\""), "{text}");
    assert_eq!(get(&base, "/projects/1").await.0, 200);
    assert_eq!(get(&base, "/projects/2").await.0, 404);
    let (status, digests) = get(&base, "/digests").await;
    assert_eq!(status, 200);
    assert!(text_of(&digests).contains("联络员不接收调度通报"));
    app.stop().await;
}

#[tokio::test]
async fn the_digests_page_shows_each_reader_what_was_sent_to_them() {
    let app = june_in_category_one().await;
    app.set_time("2024-06-21T09:00:00+08:00");
    assert_eq!(app.tick_digest().await, 2, "the admin and the leader");
    let to_leader = app.message_to_containing(&LEADER, "6月中旬").await;

    let base = signed_in(&app, &LEADER).await;
    let (status, page) = get(&base, "/digests").await;
    assert_eq!(status, 200);
    assert_chinese(&page);
    let text = text_of(&page);
    assert!(text.contains("最近一期：2024年6月中旬"), "{text}");
    assert!(text.contains("每旬调度（1期）"), "only their own: {text}");
    assert!(text.contains("分管：一、助老扶老提升改造项目"), "{text}");
    assert!(!text.contains("全部项目"), "not the admin's: {text}");
    // The text as sent, escaped, its lines kept.
    let first = to_leader.lines().next().unwrap();
    assert!(page.contains(first), "{first}");
    assert!(page.contains("\n需关注：\n"), "line breaks kept");
    // Each period has a page of its own, linked from the index.
    assert!(
        page.contains("href=\"/digests/dekad/2024-06-11\""),
        "{page}"
    );
    let (status, period) = get(&base, "/digests/dekad/2024-06-11").await;
    assert_eq!(status, 200);
    assert_chinese(&period);
    assert!(period.contains(first), "{period}");
    assert!(
        !text_of(&period).contains("全部项目"),
        "not the admin's copy: {period}"
    );

    // Telegram text is shown as text, never as markup.
    sqlx::query(
        "INSERT INTO digests (plan_id, kind, period_start, period_end, person_id, text, created_at)
         SELECT plan_id, 'quarter', '2024-04-01', '2024-06-30', person_id, '困难：<b>用地</b> & 资金', created_at
         FROM digests WHERE person_id = (SELECT id FROM people WHERE telegram_id = 690001)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let (_, index) = get(&base, "/digests").await;
    assert!(
        text_of(&index).contains("季度汇总（1期） 2024年第二季度"),
        "{index}"
    );
    let (_, page) = get(&base, "/digests/quarter/2024-04-01").await;
    assert!(
        page.contains("困难：&lt;b&gt;用地&lt;/b&gt; &amp; 资金"),
        "{page}"
    );
    // A period never sent to them and made-up addresses: the same 404.
    let (status, none) = get(&base, "/digests/dekad/2024-06-01").await;
    assert_eq!(status, 404);
    assert!(text_of(&none).contains(minsheng::web::pages::digests::NO_SUCH_DIGEST));
    assert_eq!(
        get(&base, "/digests/weekly/2024-06-11").await,
        (404, none.clone())
    );
    assert_eq!(get(&base, "/digests/dekad/2024-13-01").await, (404, none));

    let base = signed_in(&app, &ADMIN).await;
    let text = text_of(&get(&base, "/digests").await.1);
    assert!(text.contains("每旬调度（1期）"), "one period: {text}");
    assert!(text.contains("2份"), "two copies of it: {text}");
    assert!(text.contains("发送对象：王领导"), "{text}");
    let period = text_of(&get(&base, "/digests/dekad/2024-06-11").await.1);
    assert!(period.contains("发送对象：王领导"), "{period}");
    let text = text_of(&get(&base, "/").await.1);
    assert!(text.contains("查看范围：全部项目"), "{text}");
    assert!(text.contains("未指派联络员 23 个"), "{text}");
    app.stop().await;
}

#[tokio::test]
async fn the_ledger_download_holds_only_the_scope() {
    let app = june_in_category_one().await;
    let base = signed_in(&app, &LEADER).await;
    let mut book = ledger_of(&base).await;
    assert_eq!(numbers_in(&mut book), ["1", "2", "3", "4"]);
    let reports = book.worksheet_range("报送记录").unwrap();
    assert_eq!(reports.height(), 1 + 5, "the five reports on 1–3");

    let base = signed_in(&app, &ZHANG).await;
    let mut book = ledger_of(&base).await;
    assert_eq!(numbers_in(&mut book), ["1"], "a contact's own project");
    app.stop().await;
}

/// The workbook `/ledger.xlsx` answers, its headers checked.
async fn ledger_of(base: &Session<'_>) -> Xlsx<Cursor<Vec<u8>>> {
    let response = crate::web_auth::get(base.app, "/ledger.xlsx", Some(&base.cookie)).await;
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = headers["content-disposition"].to_str().unwrap().to_owned();
    // 2024年台账（6月20日）.xlsx
    assert_eq!(
        disposition,
        "attachment; filename*=UTF-8''2024%E5%B9%B4%E5%8F%B0%E8%B4%A6%EF%BC%886%E6%9C%8820%E6%97%A5%EF%BC%89.xlsx"
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

/// The project numbers of the 台账 sheet, in order.
fn numbers_in(book: &mut Xlsx<Cursor<Vec<u8>>>) -> Vec<String> {
    let main = book.worksheet_range("台账").unwrap();
    (1..main.height() as u32)
        .map(|r| match main.get_value((r, 1)) {
            Some(Data::Float(n)) => n.to_string(),
            Some(other) => other.to_string(),
            None => String::new(),
        })
        .collect()
}
