//! Sign-in to the read-only web view (issue 16): `/web` through the fake Bot API, the link read
//! from the message out, then HTTP against the address the bot bound. Cookies are handled by
//! hand so that their attributes can be asserted.

use minsheng::bot::texts;
use minsheng::services::web_access::{LINK_VALID, SESSION_VALID};
use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};

use crate::helpers::{ADMIN, Person, STRANGER, TOKEN, TestApp, log_path, settings_with};

const LEADER: Person = Person::with_username(631_001, "李副区长", "lifuquzhang");
const CONTACT: Person = Person::new(631_002, "刘联络");

/// A page that needs a session: a project every admitted reader of these tests may see.
const PAGE: &str = "/projects/1";

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// A person asks for a link: the link as the message shows it.
pub(crate) async fn link_for(app: &TestApp, person: &Person) -> String {
    // The reply to this /web: the first message with a link after those already sent (a
    // digest or prompt sent earlier may still be unread).
    let before = app.messages_to(person).len();
    app.says(person, "/web");
    let reply = app
        .api
        .wait_until(crate::helpers::PATIENCE, || {
            app.messages_to(person)
                .into_iter()
                .skip(before)
                .find(|m| m.contains("/login?t="))
        })
        .await
        .unwrap_or_else(|| panic!("no link; {:?}", app.messages_to(person)));
    assert!(reply.contains(texts::WEB_LINK_TERMS), "{reply}");
    reply
        .split_whitespace()
        .find(|word| word.contains("/login?t="))
        .unwrap_or_else(|| panic!("a link in {reply}"))
        .to_owned()
}

/// The link's token.
pub(crate) fn token_of(link: &str) -> &str {
    link.split_once("?t=").unwrap().1
}

/// Opens the link (on the bound address, whatever host the link names).
async fn open(app: &TestApp, link: &str) -> reqwest::Response {
    let url = app.web_url(&format!("/login?t={}", token_of(link)));
    client().get(url).send().await.unwrap()
}

/// The session cookie's `name=value` of a sign-in's answer.
fn session_of(response: &reqwest::Response) -> String {
    let set = response.headers()[SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

pub(crate) async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = client().get(app.web_url(path));
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.unwrap()
}

/// A person signs in: their session cookie.
pub(crate) async fn signed_in(app: &TestApp, person: &Person) -> String {
    let link = link_for(app, person).await;
    let response = open(app, &link).await;
    assert_eq!(response.status(), 200);
    session_of(&response)
}

fn assert_security_headers(headers: &HeaderMap, what: &str) {
    assert_eq!(headers["content-security-policy"], CSP, "{what}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(headers["referrer-policy"], "no-referrer", "{what}");
    assert_eq!(headers["x-frame-options"], "DENY", "{what}");
    assert_eq!(headers["cache-control"], "no-store", "{what}");
}

#[tokio::test]
async fn a_web_link_signs_in_once_with_a_strict_cookie_and_the_sign_in_is_audited() {
    let app = TestApp::spawn_with_web(&[]).await;
    let link = link_for(&app, &ADMIN).await;
    assert!(
        link.starts_with(&app.web_url("/login?t=")),
        "the default public address is the bound one: {link}"
    );
    let token = token_of(&link);
    assert!(token.len() >= 32, "at least 128 bits: {token}");
    let sent = app
        .api
        .sent()
        .into_iter()
        .rev()
        .find(|s| s.chat_id == ADMIN.id)
        .unwrap();
    assert_eq!(
        sent.body["link_preview_options"]["is_disabled"], true,
        "no preview: Telegram fetching the link would spend it"
    );

    assert_eq!(get(&app, PAGE, None).await.status(), 401);
    let first = open(&app, &link).await;
    assert_eq!(first.status(), 200);
    let set = first.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    let cookie = session_of(&first);
    assert!(
        cookie.starts_with("minsheng_session=") && cookie.len() > 40,
        "{set}"
    );
    assert_eq!(
        set,
        format!("{cookie}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200"),
        "no Secure over http"
    );
    let page = first.text().await.unwrap();
    assert!(
        page.contains(r#"http-equiv="refresh" content="0;url=/""#),
        "{page}"
    );
    assert!(page.contains(">进入</a>"), "{page}");

    assert_ne!(get(&app, PAGE, Some(&cookie)).await.status(), 401);
    let again = open(&app, &link).await;
    assert_eq!(again.status(), 401, "a link works once");
    assert!(again.headers().get(SET_COOKIE).is_none());
    assert_eq!(
        again.text().await.unwrap(),
        "链接已失效：请重新向机器人发送 /web。"
    );

    let audited: (String, String) = sqlx::query_as(
        "SELECT a.action, p.telegram_id FROM audit_log a JOIN people p ON p.id = a.actor_id
         ORDER BY a.id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .map(|(action, id): (String, i64)| (action, id.to_string()))
    .unwrap();
    assert_eq!(audited, ("web_sign_in".to_owned(), ADMIN.id.to_string()));
    app.says(&ADMIN, "/audit 1");
    app.message_to_containing(&ADMIN, "登录网页查看").await;

    let session_token = cookie.split_once('=').unwrap().1;
    let stored: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM web_links WHERE token_hash = ?)
              + (SELECT count(*) FROM web_sessions WHERE token_hash = ?)",
    )
    .bind(token)
    .bind(session_token)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, 0, "only hashes are stored");
    app.stop().await;
}

#[tokio::test]
async fn a_web_link_expires_after_ten_minutes() {
    let app = TestApp::spawn_with_web(&[]).await;
    let link = link_for(&app, &ADMIN).await;
    app.advance(LINK_VALID.num_seconds());
    assert_eq!(open(&app, &link).await.status(), 401);

    let link = link_for(&app, &ADMIN).await;
    app.advance(LINK_VALID.num_seconds() - 1);
    assert_eq!(
        open(&app, &link).await.status(),
        200,
        "a fresh one still works"
    );
    app.stop().await;
}

#[tokio::test]
async fn after_sign_in_the_page_moves_on_to_a_path_of_this_site_only() {
    let app = TestApp::spawn_with_web(&[]).await;
    for (next, goes_to) in [
        ("/projects/3", "/projects/3"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
    ] {
        let link = link_for(&app, &ADMIN).await;
        let url = app.web_url(&format!("/login?t={}&next={next}", token_of(&link)));
        let page = client()
            .get(url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(&format!(r#"content="0;url={goes_to}""#))
                && page.contains(&format!(r#"href="{goes_to}""#)),
            "{next}: {page}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_forged_cookie_or_none_answers_401_with_one_chinese_line() {
    let app = TestApp::spawn_with_web(&[]).await;
    let cookie = signed_in(&app, &ADMIN).await;
    let stored_hash: String = sqlx::query_scalar("SELECT token_hash FROM web_sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for forged in [
        "minsheng_session=00112233445566778899aabbccddeeff0011223344556677".to_owned(),
        // Someone who read a backup holds only the hash: it opens nothing.
        format!("minsheng_session={stored_hash}"),
        format!("other={}", cookie.split_once('=').unwrap().1),
        "minsheng_session=".to_owned(),
    ] {
        let response = get(&app, PAGE, Some(&forged)).await;
        assert_eq!(response.status(), 401, "{forged}");
        assert_eq!(
            response.text().await.unwrap(),
            "未登录或登录已过期：请在 Telegram 中向机器人发送 /web，点开回复的链接。"
        );
    }
    assert_eq!(get(&app, "/", None).await.status(), 401);
    assert_eq!(get(&app, "/no-such-page", None).await.status(), 401);
    assert_ne!(get(&app, PAGE, Some(&cookie)).await.status(), 401);
    app.stop().await;
}

#[tokio::test]
async fn a_deactivated_persons_session_ends_at_once() {
    let app = TestApp::spawn_with_web(&[]).await;
    app.admit(&LEADER, "leader", None).await;
    app.admit(&CONTACT, "contact", Some("发展软环境保障局"))
        .await;
    let leader = signed_in(&app, &LEADER).await;
    let contact = signed_in(&app, &CONTACT).await;
    assert_ne!(get(&app, PAGE, Some(&leader)).await.status(), 401);
    assert_ne!(get(&app, PAGE, Some(&contact)).await.status(), 401);
    let unused = link_for(&app, &LEADER).await;

    app.says(&ADMIN, "/deactivate @lifuquzhang");
    app.message_to_containing(&ADMIN, "李副区长").await;
    assert_eq!(get(&app, PAGE, Some(&leader)).await.status(), 401);
    assert_eq!(
        open(&app, &unused).await.status(),
        401,
        "nor a link asked before"
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM web_sessions s JOIN people p ON p.id = s.person_id
             WHERE p.telegram_id = 631001"
        )
        .await,
        0,
        "their sessions are deleted"
    );

    // However they stop being active, the next request sees it.
    sqlx::query("UPDATE people SET active = 0 WHERE telegram_id = ?")
        .bind(CONTACT.id)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(get(&app, PAGE, Some(&contact)).await.status(), 401);
    app.stop().await;
}

#[tokio::test]
async fn a_session_ends_after_twelve_hours_and_the_daily_prune_forgets_it() {
    let app = TestApp::spawn_with_web(&[]).await;
    let cookie = signed_in(&app, &ADMIN).await;
    let spare = link_for(&app, &ADMIN).await;
    app.advance(SESSION_VALID.num_seconds() - 1);
    assert_ne!(get(&app, PAGE, Some(&cookie)).await.status(), 401);
    app.advance(1);
    assert_eq!(get(&app, PAGE, Some(&cookie)).await.status(), 401);
    assert_eq!(open(&app, &spare).await.status(), 401);

    let settings = crate::helpers::settings_of(&app);
    let pruned = minsheng::services::upkeep::prune(&app.pool, &settings, app.clock_now())
        .await
        .unwrap();
    assert_eq!(
        pruned.web_sign_ins, 3,
        "the session, the used link, the spare"
    );
    assert_eq!(
        app.scalar("SELECT (SELECT count(*) FROM web_links) + (SELECT count(*) FROM web_sessions)")
            .await,
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_healthz_needs_no_session() {
    let app = TestApp::spawn_with_web(&[]).await;
    let health = get(&app, "/healthz", None).await;
    assert_eq!(health.status(), 200);
    assert_security_headers(health.headers(), "/healthz");
    assert_eq!(health.text().await.unwrap(), "ok");

    let refused = get(&app, PAGE, None).await;
    assert_eq!(refused.status(), 401);
    assert_security_headers(refused.headers(), "a 401");
    assert!(
        refused.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; charset=utf-8")
    );

    let cookie = signed_in(&app, &ADMIN).await;
    let missing = get(&app, "/no-such-page", Some(&cookie)).await;
    assert_eq!(missing.status(), 404);
    assert_security_headers(missing.headers(), "a 404");

    let link = link_for(&app, &ADMIN).await;
    let login = open(&app, &link).await;
    assert_security_headers(login.headers(), "the sign-in page");
    let spent = open(&app, &link).await;
    assert_security_headers(spent.headers(), "a spent link");
    app.stop().await;
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_public_url_is_https() {
    let app = TestApp::spawn_with_web(&[(
        "MINSHENG_WEB_PUBLIC_URL",
        "https://minsheng.example.gov.cn/",
    )])
    .await;
    let link = link_for(&app, &ADMIN).await;
    assert!(
        link.starts_with("https://minsheng.example.gov.cn/login?t="),
        "{link}"
    );
    let response = open(&app, &link).await;
    assert_eq!(response.status(), 200);
    let set = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(set.ends_with("; Secure"), "{set}");
    assert!(
        set.contains("; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200"),
        "{set}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_sent_link_is_blanked_in_the_outbox_and_never_logged() {
    let app = TestApp::spawn_with_web(&[]).await;
    let link = link_for(&app, &ADMIN).await;
    let token = token_of(&link).to_owned();
    let response = open(&app, &link).await;
    assert_eq!(response.status(), 200);
    let session = session_of(&response).split_once('=').unwrap().1.to_owned();
    app.eventually(
        "SELECT CAST(count(*) AS TEXT) FROM outbox WHERE payload LIKE '%login?t=[已清除]%'",
        "1",
    )
    .await;
    let resting: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM outbox WHERE payload LIKE '%' || ? || '%')
              + (SELECT count(*) FROM inbox WHERE payload LIKE '%' || ? || '%')",
    )
    .bind(&token)
    .bind(&token)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        resting, 0,
        "no sign-in token rests in the outbox or the inbox"
    );
    app.stop().await;
    let log = std::fs::read_to_string(log_path()).unwrap();
    assert!(
        log.contains("signed in to the web view"),
        "the log is written"
    );
    assert!(!log.contains(&token), "the sign-in token is never logged");
    assert!(!log.contains(&session), "nor the session's");
    assert!(!log.contains(TOKEN), "nor the bot's");
}

#[tokio::test]
async fn web_is_for_private_chats_of_admitted_people_and_says_when_it_is_off() {
    let app = TestApp::spawn_with_web(&[]).await;
    app.says_in_group(&ADMIN, -100_777, "/web");
    app.api
        .nth_message_to(-100_777, 1, crate::helpers::PATIENCE)
        .await
        .filter(|text| text == texts::private_chat_only())
        .expect("asked to use it in private");
    app.says(&STRANGER, "/web");
    assert_eq!(
        app.next_reply_to(&STRANGER).await,
        texts::not_admitted(STRANGER.id)
    );
    assert_eq!(app.scalar("SELECT count(*) FROM web_links").await, 0);
    app.stop().await;

    let off = TestApp::spawn().await;
    off.says(&ADMIN, "/web");
    assert_eq!(off.next_reply_to(&ADMIN).await, texts::web_not_enabled());
    off.stop().await;
}

#[tokio::test]
async fn a_port_in_use_stops_the_start_with_one_chinese_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_with(
        dir.path(),
        "http://127.0.0.1:9",
        &[("MINSHENG_WEB_LISTEN", &address)],
    );
    let clock = std::sync::Arc::new(minsheng::clock::ManualClock::new(crate::helpers::at(
        "2024-03-13T09:00:00+08:00",
    )));
    let refused = minsheng::app::App::build(settings, clock).await;
    let message = format!("{:#}", refused.err().expect("refused"));
    assert!(
        message.starts_with(&format!("网页查看无法监听 {address}")),
        "{message}"
    );
}

#[tokio::test]
async fn healthz_is_503_while_telegram_is_unreachable_and_the_server_stops_with_the_bot() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 9: the bot waits for Telegram, its loops not running.
    let settings = settings_with(
        dir.path(),
        "http://127.0.0.1:9",
        &[("MINSHENG_WEB_LISTEN", "127.0.0.1:0")],
    );
    let clock = std::sync::Arc::new(minsheng::clock::ManualClock::new(crate::helpers::at(
        "2024-03-13T09:00:00+08:00",
    )));
    let app = minsheng::app::App::build(settings, clock).await.unwrap();
    let address = app.web_address().expect("listening");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let health = client()
        .get(format!("http://{address}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 503);
    assert_security_headers(health.headers(), "a 503");

    stop.send(()).unwrap();
    tokio::time::timeout(crate::helpers::PATIENCE, running)
        .await
        .expect("stops in time")
        .unwrap()
        .unwrap();
    assert!(
        client()
            .get(format!("http://{address}/healthz"))
            .send()
            .await
            .is_err(),
        "no longer served"
    );
}
