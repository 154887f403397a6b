//! The harness proved on pages of our own, served by a tiny axum app on 127.0.0.1: what it
//! reads, what it records, and that its screenshots show the page after the sign-in redirect.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Request;
use axum::http::header::{self, CONTENT_SECURITY_POLICY as CSP_HEADER};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use tokio::net::TcpListener;

use super::{Browser, DESKTOP, PHONE, Visit, chromium, chromium_at, png_size};

/// The stylesheet paints the page this colour: a screenshot showing it shows the page, with
/// its stylesheet carried through the proxy.
const GREEN: [u8; 3] = [0x1f, 0x6f, 0x43];
const STYLE: &str = "body { background: #1f6f43; color: #ffffff; }";

const CLEAN: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
    <meta name=\"viewport\" content=\"width=device-width\">\
    <link rel=\"stylesheet\" href=\"/assets/style.css\"><title>督查</title></head>\
    <body><h1>重点民生实事调度</h1><p>城区污水管网改造：已完成 46台，3月6日报送。</p></body></html>";

/// The policy the web view sends with every page (issue 16's shared decisions).
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; \
                   form-action 'none'; frame-ancestors 'none'";

/// A test site: its base URL and every path (with query) it was asked for.
struct Site {
    base: String,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Site {
    async fn start(router: Router) -> Self {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&asked);
        let router = router.layer(middleware::from_fn(move |request: Request, next: Next| {
            log.lock().unwrap().push(request.uri().to_string());
            next.run(request)
        }));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { base, asked }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }

    fn authority(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }
}

fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css")], STYLE)
}

/// The colour of the screenshot's bottom-right corner, away from any text.
fn corner(visit: &Visit) -> [u8; 3] {
    let image = image::open(&visit.screenshot).unwrap().to_rgb8();
    image.get_pixel(image.width() - 5, image.height() - 5).0
}

#[tokio::test]
async fn a_clean_page_shows_its_text_at_phone_size_and_asks_only_its_own_host() {
    let site = Site::start(
        Router::new()
            .route("/", get(|| async { ([(CSP_HEADER, CSP)], Html(CLEAN)) }))
            .route("/assets/style.css", get(|| async { stylesheet() })),
    )
    .await;

    let visit = Browser::visit(&format!("{}/", site.base), PHONE, "harness-clean-phone").await;

    assert!(
        visit
            .text()
            .contains("重点民生实事调度 城区污水管网改造：已完成 46台，3月6日报送。"),
        "{}",
        visit.text()
    );
    assert_eq!(
        visit.hosts,
        vec![site.authority()],
        "Chromium's own calls, set apart: {:?}",
        visit.chromium_hosts
    );
    assert!(visit.other_hosts().is_empty());
    assert!(site.asked().contains(&"/assets/style.css".to_owned()));
    assert_eq!(visit.console, Vec::<String>::new());
    assert_eq!(png_size(&visit.screenshot), (390, 844));
    assert_eq!(
        corner(&visit),
        GREEN,
        "the screenshot shows the styled page"
    );
}

#[tokio::test]
async fn every_other_host_a_page_asks_for_is_named_and_none_is_reached() {
    // Another server on this very machine: loopback too must go through the proxy, and stop.
    let elsewhere = Site::start(Router::new().route("/x.png", get(|| async { "" }))).await;
    let page = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <link rel=\"stylesheet\" href=\"https://fonts.example.net/a.css\"></head>\
         <body><p>外部资源页</p><img src=\"http://cdn.example.com/x.png\">\
         <img src=\"{}/x.png\"></body></html>",
        elsewhere.base
    );
    let site = Site::start(Router::new().route("/", get(|| async { Html(page) }))).await;

    let visit = Browser::visit(
        &format!("{}/", site.base),
        DESKTOP,
        "harness-foreign-desktop",
    )
    .await;

    assert!(visit.text().contains("外部资源页"), "{}", visit.text());
    let mut others = visit.other_hosts();
    others.sort();
    let mut expected = vec![
        "cdn.example.com:80".to_owned(),
        "fonts.example.net:443".to_owned(),
        elsewhere.authority(),
    ];
    expected.sort();
    assert_eq!(others, expected);
    assert!(visit.hosts.contains(&site.authority()));
    assert_eq!(elsewhere.asked(), Vec::<String>::new());
    assert_eq!(png_size(&visit.screenshot), (1280, 800));
}

#[tokio::test]
async fn what_the_policy_blocks_asks_no_host_but_is_in_the_console() {
    let page = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head>\
        <body><p class=\"x\" style=\"color: red\">红色</p>\
        <img src=\"http://cdn.example.com/x.png\"></body></html>";
    let site = Site::start(Router::new().route(
        "/",
        get(move || async move { ([(CSP_HEADER, CSP)], Html(page)) }),
    ))
    .await;

    let visit = Browser::visit(&format!("{}/", site.base), PHONE, "harness-policy").await;

    // The image never left the browser: only the console tells.
    assert_eq!(visit.other_hosts(), Vec::<String>::new());
    let said = |what: &str| visit.console.iter().any(|line| line.contains(what));
    assert_eq!(visit.console.len(), 2, "{:#?}", visit.console);
    assert!(said("inline style"), "{:#?}", visit.console);
    assert!(
        said("'http://cdn.example.com/x.png'"),
        "{:#?}",
        visit.console
    );
}

#[tokio::test]
async fn a_sign_in_page_sets_a_cookie_and_its_meta_refresh_is_followed_with_it() {
    // The shape of the real /login: a 200 that sets the session and refreshes to the overview.
    let login = || async {
        (
            [(
                header::SET_COOKIE,
                "minsheng_session=abc123; HttpOnly; SameSite=Strict; Path=/",
            )],
            Html(
                "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
                 <meta http-equiv=\"refresh\" content=\"0;url=/\"></head>\
                 <body><p>正在登录</p></body></html>",
            ),
        )
    };
    let overview = |request: Request| async move {
        let cookies = request.headers().get(header::COOKIE);
        let signed_in = cookies.is_some_and(|c| c.as_bytes() == b"minsheng_session=abc123");
        Html(if signed_in {
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
             <link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\
             <body><p>已登录：张三</p></body></html>"
        } else {
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head>\
             <body><p>未登录，请向机器人发送 /web</p></body></html>"
        })
    };
    let site = Site::start(
        Router::new()
            .route("/login", get(login))
            .route("/", get(overview))
            .route("/assets/style.css", get(|| async { stylesheet() })),
    )
    .await;

    let visit = Browser::visit(
        &format!("{}/login?t=tok", site.base),
        PHONE,
        "harness-sign-in",
    )
    .await;

    assert_eq!(visit.text(), "已登录：张三");
    assert_eq!(
        site.asked()[..2],
        ["/login?t=tok".to_owned(), "/".to_owned()]
    );
    assert!(visit.other_hosts().is_empty());
    assert_eq!(
        corner(&visit),
        GREEN,
        "the screenshot is of the page after the refresh"
    );
}

#[test]
fn without_chromium_the_tests_say_how_to_install_it() {
    let missing = chromium_at(std::path::Path::new("/nowhere/chromium")).unwrap_err();
    assert!(missing.contains("apt-get install chromium"), "{missing}");
    assert!(missing.contains("/nowhere/chromium"), "{missing}");
}

#[tokio::test]
async fn without_the_proxy_no_name_resolves() {
    // The same flags, no proxy: `localhost` is this very site, yet Chromium may not find it.
    let site = Site::start(Router::new().route("/", get(|| async { Html(CLEAN) }))).await;
    let by_name = site.base.replace("127.0.0.1", "localhost");

    let output = chromium(&["--dump-dom".to_owned()], &format!("{by_name}/")).await;

    assert!(!String::from_utf8_lossy(&output.stdout).contains("重点民生实事调度"));
    assert_eq!(site.asked(), Vec::<String>::new());
}
