//! The ledger workbook (issue 7, in part), read back cell by cell.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use minsheng::bot::report::Press;
use minsheng::export::ledger::LedgerBook;
use minsheng::services::{ledger, reporting};

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
    app.reports(&LI, "/report 9 1=2 进展:两所完成移交 困难:第三所产权待确认")
        .await;
    app.set_time("2024-03-21T09:00:00+08:00");

    let mut workbook = workbook_of(&app).await;
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
            "实事项目",
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
    assert_eq!(cell(&main, row9, 11), "3月13日");
    // No colour without a report: 赵六 never reported on 12, and nobody was assigned to 1.
    let row_of = |no: &str| (1..=27).find(|r| cell(&main, *r, 1) == no).unwrap();
    let (row12, row1) = (row_of("12"), row_of("1"));
    assert_eq!(
        (cell(&main, row12, 7), cell(&main, row12, 8)),
        ("未报送".to_owned(), String::new())
    );
    assert_eq!(
        (cell(&main, row1, 7), cell(&main, row1, 8)),
        ("未指派联络员".to_owned(), String::new())
    );

    let reports = workbook.worksheet_range("报送记录").unwrap();
    assert_eq!(reports.height(), 2);
    assert_eq!(
        (
            cell(&reports, 1, 0),
            cell(&reports, 1, 2),
            cell(&reports, 1, 4)
        ),
        (
            "9".to_owned(),
            "3月11日—3月15日当周".to_owned(),
            "李四".to_owned()
        )
    );
    assert_eq!(cell(&reports, 1, 8), "建成公办幼儿园 2所");

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
            "3月11日—3月15日当周".to_owned(),
            "2024-03-15 17:00".to_owned(),
            "12".to_owned(),
            "赵六".to_owned()
        )
    );
    app.stop().await;
}

const WANG: Person = Person::with_username(660_003, "王五", "wangwu");

/// The workbook of the plan at `now`, opened for reading.
async fn workbook_of(app: &TestApp) -> Xlsx<Cursor<Vec<u8>>> {
    let settings = settings_of(app);
    let mut conn = app.pool.acquire().await.unwrap();
    let plan = ledger::plan_for(&mut conn, &settings, Some(2024), app.clock_now())
        .await
        .unwrap();
    let mut book = LedgerBook::new(&plan.name, settings.timezone).unwrap();
    ledger::write(
        &mut conn,
        &settings,
        &plan,
        None,
        app.clock_now(),
        &mut book,
    )
    .await
    .unwrap();
    open_workbook_from_rs(Cursor::new(book.into_bytes().unwrap())).unwrap()
}

/// Whether a cell's text is a machine's rather than a person's: an ISO stamp or bare ISO
/// date, a "name=value" pair, a float's ".0", or English beyond the plan's own DNA and 5G.
fn machine_words(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    for (i, c) in chars.iter().enumerate() {
        let after_digit = i > 0 && digit(i - 1);
        if *c == '=' || (after_digit && *c == '.' && chars.get(i + 1) == Some(&'0')) {
            return Some(format!("{c} in {text:?}"));
        }
        if after_digit && (*c == 'T' || *c == 'Z') {
            return Some(format!("a stamp in {text:?}"));
        }
    }
    let bare_date = chars.len() == 10 && chars[4] == '-' && chars[7] == '-';
    if bare_date {
        return Some(format!("a bare ISO date {text:?}"));
    }
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|word| !word.is_empty())
        .find(|word| !["DNA", "G"].contains(word))
        .map(|word| format!("English {word:?} in {text:?}"))
}

#[tokio::test]
async fn the_ledger_reads_as_people_write_it() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-12T10:00:00+08:00");
    app.contact_on(&LI, "发展软环境保障局", &[9], "lead").await;
    app.contact_on(&WANG, "发展改革局", &[12], "lead").await;
    app.contact_on(&ZHAO, "发展改革局", &[12], "co").await;
    app.set_time("2024-03-13T10:00:00+08:00");
    app.reports(&WANG, "/report 12 1=46 状态:滞后 进展:西站完工")
        .await;
    app.set_time("2024-03-21T09:00:00+08:00");
    let mut workbook = workbook_of(&app).await;

    let main = workbook.worksheet_range("台账").unwrap();
    let header: Vec<String> = (0..main.width() as u32)
        .map(|c| cell(&main, 0, c))
        .collect();
    assert_eq!(
        header[..6],
        [
            "实事项目",
            "序号",
            "具体事项",
            "内容概述",
            "实施内容及工作目标",
            "承办单位"
        ],
        "the annex's columns in its order"
    );
    let row12 = (1..=27).find(|r| cell(&main, *r, 1) == "12").unwrap();
    assert_eq!(
        cell(&main, row12, 5),
        "发展改革局\n济宁高新控股集团有限公司"
    );
    let last = header.iter().position(|h| h == "最近报送").unwrap() as u32;
    assert_eq!(cell(&main, row12, last), "3月13日");

    let reports = workbook.worksheet_range("报送记录").unwrap();
    let header: Vec<String> = (0..reports.width() as u32)
        .map(|c| cell(&reports, 0, c))
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap() as u32;
    assert_eq!(cell(&reports, 1, column("周次")), "3月11日—3月15日当周");
    assert_eq!(cell(&reports, 1, column("状态")), "进度滞后");
    assert_eq!(cell(&reports, 1, column("指标数值")), "安装充电桩 46台");
    assert_eq!(cell(&reports, 1, column("提交时间")), "2024-03-13 10:00");

    let missed = workbook.worksheet_range("未按时报送").unwrap();
    assert_eq!(cell(&missed, 1, 0), "3月11日—3月15日当周");
    assert_eq!(cell(&missed, 1, 1), "2024-03-15 17:00");

    for sheet in ["台账", "报送记录", "未按时报送"] {
        let range = workbook.worksheet_range(sheet).unwrap();
        for (row, column, value) in range.cells() {
            let text = match value {
                Data::String(text) => text.clone(),
                Data::Empty => continue,
                other => panic!("{sheet} ({row}, {column}) holds a non-text {other:?}"),
            };
            if let Some(found) = machine_words(&text) {
                panic!("{sheet} ({row}, {column}): {found}");
            }
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn the_ledger_shows_a_yes_or_no_as_a_word() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-12T10:00:00+08:00");
    app.contact_on(&LI, "发展软环境保障局", &[6], "lead").await;
    app.set_time("2024-03-13T10:00:00+08:00");
    app.reports(&LI, "/report 6 1=120 2=是 3=80 进展:新增两家普惠托育机构")
        .await;
    let mut workbook = workbook_of(&app).await;
    let reports = workbook.worksheet_range("报送记录").unwrap();
    let figures = (0..reports.width() as u32)
        .find(|c| cell(&reports, 0, *c) == "指标数值")
        .unwrap();
    assert_eq!(
        cell(&reports, 1, figures),
        "新增托位 120个\n执行市级托育费用标准 是\n托育服务行业培训 80人次"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_ledger_file_is_named_in_words() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-21T09:00:00+08:00");
    let settings = settings_of(&app);
    let mut conn = app.pool.acquire().await.unwrap();
    let now = app.clock_now();
    let plan = ledger::plan_for(&mut conn, &settings, Some(2024), now)
        .await
        .unwrap();
    let (path, name) =
        minsheng::jobs::files::ledger_for_sending(&mut conn, &settings, &plan, None, 1, now)
            .await
            .unwrap();
    assert_eq!(name, "2024年台账（3月21日）.xlsx");
    let mut workbook: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(workbook.worksheet_range("台账").unwrap().height(), 1 + 27);
    std::fs::remove_file(path).unwrap();
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
        minsheng::bot::texts::not_admitted(LI.id)
    );
    app.stop().await;
}

/// The ledger reads every project's facts in a few plan-wide queries; they must be the facts
/// the digest and the receipt read project by project.
#[tokio::test]
async fn the_plan_wide_facts_are_each_projects_facts() {
    let app = TestApp::spawn().await;
    app.set_time("2024-03-04T10:00:00+08:00");
    app.contact_on(&LI, "发展软环境保障局", &[9, 6], "lead")
        .await;
    app.contact_on(&ZHAO, "发展改革局", &[12], "lead").await;
    app.contact_on(&WANG, "发展改革局", &[12], "co").await;
    let reports = [
        (
            "2024-03-06T10:00:00+08:00",
            &LI,
            "/report 9 1=2 进展:两所完成移交",
        ),
        (
            "2024-03-06T11:00:00+08:00",
            &ZHAO,
            "/report 12 1=30 进展:开工",
        ),
        (
            "2024-03-13T10:00:00+08:00",
            &ZHAO,
            "/report 12 1=31 进展:推进",
        ),
        (
            "2024-03-13T11:00:00+08:00",
            &ZHAO,
            "/report 12 1=30 进展:推进",
        ),
        (
            "2024-03-13T12:00:00+08:00",
            &WANG,
            "/report 12 1=99 进展:配合",
        ),
        (
            "2024-03-13T13:00:00+08:00",
            &LI,
            "/report 6 1=120 2=是 3=80",
        ),
    ];
    for (at, person, text) in reports {
        app.set_time(at);
        app.says(person, text);
        app.next_reply_to(person).await;
        app.presses(person, &Press::Submit.data());
        assert!(app.next_reply_to(person).await.starts_with("✅"));
    }
    for at in ["2024-03-14T09:00:00+08:00", "2024-04-10T09:00:00+08:00"] {
        app.set_time(at);
        let settings = settings_of(&app);
        let mut conn = app.pool.acquire().await.unwrap();
        let now = app.clock_now();
        let plan = ledger::plan_for(&mut conn, &settings, Some(2024), now)
            .await
            .unwrap();
        let calendar = minsheng::db::calendar::load(&mut conn, plan.id)
            .await
            .unwrap();
        let all = reporting::facts_of_plan(&mut conn, &settings, &calendar, &plan, now)
            .await
            .unwrap();
        assert_eq!(all.len(), 27);
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM projects")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        for id in ids {
            let one = reporting::facts(&mut conn, &settings, &calendar, &plan, id, now)
                .await
                .unwrap();
            let (facts, figures) = &all[&id];
            assert_eq!(facts, &one.0, "project {id} at {at}");
            let values = |f: &[(minsheng::db::plan::MetricRow, Option<f64>)]| {
                f.iter().map(|(m, v)| (m.id, *v)).collect::<Vec<_>>()
            };
            assert_eq!(values(figures), values(&one.1), "project {id} at {at}");
        }
    }
    app.stop().await;
}
