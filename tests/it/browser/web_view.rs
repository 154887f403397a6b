//! The web view in a real browser (issue 16): a leader taps the link `/web` gave them and
//! reads their overview and a project, on a phone and on a desktop; the pages ask nothing of
//! another host and nothing trips their Content-Security-Policy.

use super::{Browser, DESKTOP, PHONE, png_size};
use crate::web_auth::{link_for, token_of};
use crate::web_pages::{LEADER, june_in_category_one};

#[tokio::test]
async fn a_leader_reads_the_overview_and_a_project_on_a_phone_and_a_desktop() {
    let app = june_in_category_one().await;
    let pages: [(&str, &str, &[&str]); 2] = [
        (
            "/",
            "overview",
            &[
                "查看范围：一类",
                "红 1 个",
                "黄 1 个",
                "蓝 1 个",
                "未报送 1 个",
            ],
        ),
        (
            "/projects/1",
            "project",
            &["项目 1", "完成三户", "部分老人不同意入户改造"],
        ),
    ];
    for (size, device) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
        for (path, page, says) in pages {
            // Each visit is a new browser: it signs in with a link of its own, as a tap would.
            let link = link_for(&app, &LEADER).await;
            let url = app.web_url(&format!("/login?t={}&next={path}", token_of(&link)));
            let visit = Browser::visit(&url, size, &format!("web-{page}-{device}")).await;
            let text = visit.text();
            for said in says {
                assert!(
                    text.contains(said),
                    "{page} on a {device}: {said} in {text}"
                );
            }
            assert!(
                !text.contains("登录"),
                "moved on from the sign-in page: {text}"
            );
            assert_eq!(visit.other_hosts(), Vec::<String>::new(), "{page} {device}");
            assert_eq!(visit.console, Vec::<String>::new(), "{page} {device}");
            assert_eq!(png_size(&visit.screenshot), size);
        }
    }
    app.stop().await;
}
