//! Evidence kept (issue 15): a photo attached to a report is downloaded from Telegram
//! (`getFile`, then the file) into `evidence/<year>/<project no>/` beside the database, its
//! SHA-256 in the database; a failed download is tried again by the clock, not lost.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_from_rs};
use minsheng::bot::report::Press;
use minsheng::export::ledger::LedgerBook;
use minsheng::runtime::evidence::EvidenceOutcome;
use minsheng::services::evidence::sha256_hex;
use minsheng::services::ledger;
use serde_json::json;

use crate::fake_api::Fault;
use crate::helpers::{Person, TOKEN, TestApp, settings_of};

const ZHAO: Person = Person::new(650_101, "赵六");
const DEVELOPMENT: &str = "发展改革局";

/// The 佐证材料 cell of the ledger's 报送记录 sheet, first report.
async fn ledger_evidence(app: &TestApp) -> String {
    let settings = settings_of(app);
    let mut conn = app.pool.acquire().await.unwrap();
    let now = app.clock_now();
    let plan = ledger::plan_for(&mut conn, &settings, Some(2024), now)
        .await
        .unwrap();
    let mut book = LedgerBook::new(&plan.name, settings.timezone).unwrap();
    ledger::write(&mut conn, &settings, &plan, None, now, &mut book)
        .await
        .unwrap();
    let mut workbook =
        open_workbook_from_rs::<calamine::Xlsx<_>, _>(Cursor::new(book.into_bytes().unwrap()))
            .unwrap();
    let reports = workbook.worksheet_range("报送记录").unwrap();
    let column = (0..reports.width() as u32)
        .find(|c| reports.get_value((0, *c)) == Some(&Data::String("佐证材料".into())))
        .expect("a 佐证材料 column");
    match reports.get_value((1, column)) {
        Some(Data::String(text)) => text.clone(),
        other => panic!("{other:?}"),
    }
}

/// 赵六 reports project 12 with a photo and submits it.
async fn report_with_photo(app: &TestApp, file_id: &str) -> i64 {
    app.contact_on(&ZHAO, DEVELOPMENT, &[12], "lead").await;
    app.says(&ZHAO, "/report 12 充电桩=45");
    app.drain().await;
    let photo =
        json!([{ "file_id": file_id, "file_unique_id": file_id, "width": 1280, "height": 960 }]);
    app.sends(&ZHAO, "photo", photo);
    app.drain().await;
    app.presses(&ZHAO, &Press::Submit.data());
    app.drain().await;
    assert!(
        app.messages_to(&ZHAO)
            .iter()
            .any(|m| m.starts_with("✅ 已提交")),
        "{:?}",
        app.messages_to(&ZHAO)
    );
    app.scalar("SELECT id FROM reports WHERE evidence_file_id IS NOT NULL")
        .await
}

#[tokio::test]
async fn a_photo_is_downloaded_with_its_sha256_and_a_failed_download_is_tried_again() {
    let app = TestApp::spawn_stepped().await;
    let bytes: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    app.api.add_file("ph-site", bytes.clone());
    let report = report_with_photo(&app, "ph-site").await;

    assert_eq!(ledger_evidence(&app).await, "照片（尚未下载）");

    // Telegram is having trouble: the download waits a minute by the clock, nothing is lost.
    app.api.fail_next_calls_of("getFile", [Fault::Status(502)]);
    assert_eq!(
        app.keep_evidence_next().await,
        EvidenceOutcome::Retrying { report_id: report }
    );
    let (state, tries, path): (String, i64, Option<String>) =
        sqlx::query_as("SELECT state, tries, path FROM evidence_files WHERE report_id = ?")
            .bind(report)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), tries, path), ("pending", 1, None));
    assert!(matches!(
        app.keep_evidence_next().await,
        EvidenceOutcome::Waiting(wait) if wait.as_secs() == 60
    ));

    app.advance(60);
    assert_eq!(
        app.keep_evidence_next().await,
        EvidenceOutcome::Stored { report_id: report }
    );
    assert_eq!(app.keep_evidence_next().await, EvidenceOutcome::Empty);
    let (state, path, sha256, size): (String, String, String, i64) =
        sqlx::query_as("SELECT state, path, sha256, size FROM evidence_files WHERE report_id = ?")
            .bind(report)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(state, "stored");
    assert_eq!(path, format!("evidence/2024/12/2024-03-11-{report}.jpg"));
    assert_eq!(sha256, sha256_hex(&bytes));
    assert_eq!(size, bytes.len() as i64);
    let data = settings_of(&app).database.parent().unwrap().to_path_buf();
    assert_eq!(std::fs::read(data.join(&path)).unwrap(), bytes);
    assert_eq!(
        ledger_evidence(&app).await,
        path,
        "the ledger names the file"
    );

    let asked: Vec<_> = app
        .api
        .requests()
        .into_iter()
        .filter(|r| r.method == "getFile")
        .map(|r| r.body["file_id"].clone())
        .collect();
    assert_eq!(asked, vec![json!("ph-site"), json!("ph-site")]);
    let log = std::fs::read_to_string(crate::helpers::log_path()).unwrap_or_default();
    assert!(!log.contains(TOKEN), "the token never reaches a log");
    app.stop().await;
}

#[tokio::test]
async fn a_file_over_twenty_megabytes_is_not_downloaded_and_not_tried_again() {
    let app = TestApp::spawn_stepped().await;
    app.api.add_file("big", vec![0; 20 * 1024 * 1024 + 1]);
    let report = report_with_photo(&app, "big").await;
    assert_eq!(
        app.keep_evidence_next().await,
        EvidenceOutcome::GaveUp { report_id: report }
    );
    app.advance(24 * 3600);
    assert_eq!(app.keep_evidence_next().await, EvidenceOutcome::Empty);
    assert_eq!(
        app.scalar("SELECT count(*) FROM evidence_files WHERE state = 'too_big' AND path IS NULL")
            .await,
        1
    );
    app.stop().await;
}

#[test]
fn backup_copies_the_database_and_the_evidence_folder() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let run = |args: &[&str], database: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_minsheng"))
            .args(args)
            .arg("--database")
            .arg(database)
            .env_remove("TELOXIDE_TOKEN")
            .env_remove("MINSHENG_CONFIG")
            .env("MINSHENG_SEEDS", crate::helpers::seeds_dir())
            .output()
            .expect("running minsheng")
    };
    assert!(run(&["seed"], &db).status.success());
    let kept = dir.path().join("evidence/2024/12/2024-03-11-1.jpg");
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    std::fs::write(&kept, b"a photo of the site").unwrap();

    let copy = dir.path().join("backups/copy.db");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    let output = run(&["backup", copy.to_str().unwrap()], &db);
    let said = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("佐证材料 1 个文件已复制到"), "{said}");
    assert_eq!(
        std::fs::read(
            dir.path()
                .join("backups/copy.db.evidence/2024/12/2024-03-11-1.jpg")
        )
        .unwrap(),
        b"a photo of the site"
    );
    assert!(copy.is_file());
}
