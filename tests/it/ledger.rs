//! The ledger workbook (issue 7, in part), read back cell by cell.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use minsheng::bot::report::Press;
use minsheng::services::ledger;

use crate::helpers::{Person, TestApp, settings_of};

const LI: Person = Person::with_username(660_001, "李四", "lisi");
const ZHAO: Person = Person::with_username(660_002, "赵六", "zhaoliu");

fn cell(range: &calamine::Range<Data>, row: u32, column: u32) -> String {
    match range.get_value((row, column)) {
        Some(Data::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

#[tokio::test]
async fn the_ledger_holds_the_plan_every_report_and_every_missed_deadline() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-12T10:00:00+08:00");
    app.contact_on(&LI, "发展软环境保障局", &[9], "lead").await;
    app.contact_on(&ZHAO, "发展改革局", &[12], "lead").await;
    app.set_time("2024-03-13T10:00:00+08:00");
    app.says(&LI, "/report 9 1=2 进展:两所完成移交 困难:第三所产权待确认");
    app.next_reply_to(&LI).await;
    app.presses(&LI, &Press::Submit.data());
    assert!(app.next_reply_to(&LI).await.starts_with("✅"));
    app.set_time("2024-03-21T09:00:00+08:00");

    let settings = settings_of(&app);
    let mut conn = app.pool.acquire().await.unwrap();
    let plan = ledger::plan_for(&mut conn, &settings, Some(2024), app.clock_now())
        .await
        .unwrap();
    let data = ledger::collect(&mut conn, &settings, &plan, app.clock_now())
        .await
        .unwrap();
    let bytes = minsheng::export::ledger::workbook(&data).unwrap();
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        vec!["台账", "报送记录", "未按时报送"]
    );

    let main = workbook.worksheet_range("台账").unwrap();
    assert_eq!(main.height(), 1 + 27);
    let header: Vec<String> = (0..12).map(|c| cell(&main, 0, c)).collect();
    assert_eq!(
        header[..6],
        [
            "类别",
            "序号",
            "具体事项",
            "内容概述",
            "实施内容及工作目标",
            "承办单位"
        ]
    );
    let row9 = (1..=27).find(|r| cell(&main, *r, 1) == "9").unwrap();
    assert_eq!(cell(&main, row9, 0), "三、基础教育优质提升项目");
    assert_eq!(cell(&main, row9, 2), "建成公办幼儿园");
    assert_eq!(cell(&main, row9, 5), "发展软环境保障局");
    assert_eq!(cell(&main, row9, 6), "建成公办幼儿园：2/7所（29%）");
    assert!(["蓝", "黄", "红"].contains(&cell(&main, row9, 7).as_str()));
    assert_eq!(cell(&main, row9, 9), "两所完成移交");
    assert_eq!(cell(&main, row9, 10), "第三所产权待确认");
    assert_eq!(cell(&main, row9, 11), "2024-03-13");

    let reports = workbook.worksheet_range("报送记录").unwrap();
    assert_eq!(reports.height(), 2);
    assert_eq!(
        (
            cell(&reports, 1, 0),
            cell(&reports, 1, 2),
            cell(&reports, 1, 4)
        ),
        ("9".to_owned(), "2024-03-11".to_owned(), "李四".to_owned())
    );
    assert_eq!(cell(&reports, 1, 8), "建成公办幼儿园=2.0");

    let missed = workbook.worksheet_range("未按时报送").unwrap();
    assert_eq!(missed.height(), 2, "赵六 missed the deadline of 15 March");
    assert_eq!(
        (
            cell(&missed, 1, 0),
            cell(&missed, 1, 1),
            cell(&missed, 1, 2),
            cell(&missed, 1, 5)
        ),
        (
            "2024-03-11".to_owned(),
            "2024-03-15 17:00".to_owned(),
            "12".to_owned(),
            "赵六".to_owned()
        )
    );
    drop(conn);
    app.stop().await;
}

#[tokio::test]
async fn export_sends_the_workbook_as_a_document() {
    let app = TestApp::spawn().await;
    app.says(&crate::helpers::ADMIN, "/export");
    assert_eq!(
        app.next_reply_to(&crate::helpers::ADMIN).await,
        minsheng::bot::texts::ledger_on_its_way()
    );
    let upload = app
        .api
        .wait_until(crate::helpers::PATIENCE, || {
            app.api
                .requests()
                .into_iter()
                .find(|r| r.method == "sendDocument")
        })
        .await
        .expect("a document is sent");
    assert_eq!(upload.body["chat_id"], crate::helpers::ADMIN.id);
    assert_eq!(upload.body["has_xlsx"], true, "{}", upload.body);
    assert_eq!(
        upload.body["caption"],
        minsheng::bot::texts::ledger_caption()
    );
    app.says(&LI, "/export");
    assert_eq!(
        app.next_reply_to(&LI).await,
        minsheng::bot::texts::not_admitted()
    );
    app.stop().await;
}
