//! The ledger (台账) as an .xlsx workbook a leader would print: A4 landscape, frozen header,
//! columns wide enough for Chinese text, the colour cell filled.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::domain::colour::Colour;
use crate::domain::metric::Figure;
use crate::services::ledger::{Ledger, LedgerRow};

const A4: u8 = 9;

fn fill(colour: Colour) -> Color {
    match colour {
        Colour::Blue => Color::RGB(0x9D_C3_E6),
        Colour::Yellow => Color::RGB(0xFF_E6_99),
        Colour::Red => Color::RGB(0xF4_B0_84),
    }
}

/// Sets up a sheet for printing and writes its header row.
fn new_sheet<'a>(
    workbook: &'a mut Workbook,
    name: &str,
    title: &str,
    columns: &[(&str, f64)],
) -> Result<&'a mut Worksheet, XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xD9_D9_D9));
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    sheet
        .set_paper_size(A4)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_header(format!("&C{title}"));
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_freeze_panes(1, 0)?;
    for (column, (label, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *label, &header)?;
        sheet.set_column_width(column as u16, *width)?;
    }
    Ok(sheet)
}

/// The 量化指标进度 cell: each metric as "name：figure（percent%）", one a line.
fn progress(figures: &[Figure]) -> String {
    if figures.is_empty() {
        return "—（按进度跟踪）".to_owned();
    }
    figures
        .iter()
        .map(|f| match f.percent {
            Some(percent) => format!("{}：{}（{percent:.0}%）", f.name, f.shown()),
            None => format!("{}：{}", f.name, f.shown()),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text cells of a project's line after its colour: 颜色说明, 最新进展, 待协调问题, 最近报送.
fn after_colour(row: &LedgerRow) -> [String; 4] {
    [
        row.reasons.join("；"),
        row.latest_progress.clone(),
        row.difficulties.join("\n"),
        row.last_report
            .map(|day| day.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    ]
}

pub fn workbook(ledger: &Ledger) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let cell = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);

    let columns = [
        ("类别", 14.0),
        ("序号", 6.0),
        ("具体事项", 18.0),
        ("内容概述", 30.0),
        ("实施内容及工作目标", 40.0),
        ("承办单位", 16.0),
        ("量化指标进度", 30.0),
        ("颜色", 6.0),
        ("颜色说明", 20.0),
        ("最新进展", 30.0),
        ("待协调问题", 24.0),
        ("最近报送", 12.0),
    ];
    let title = format!("{} 台账", ledger.plan_name);
    let sheet = new_sheet(&mut workbook, "台账", &title, &columns)?;
    for (index, row) in ledger.rows.iter().enumerate() {
        let r = index as u32 + 1;
        let texts = [
            &row.category,
            &row.no.to_string(),
            &row.title,
            &row.summary,
            &row.goals,
            &row.units.replace('、', "\n"),
            &progress(&row.figures),
        ];
        for (column, text) in texts.iter().enumerate() {
            sheet.write_string_with_format(r, column as u16, text.as_str(), &cell)?;
        }
        sheet.write_string_with_format(
            r,
            7,
            row.colour.label(),
            &cell
                .clone()
                .set_background_color(fill(row.colour))
                .set_align(FormatAlign::Center),
        )?;
        for (column, text) in after_colour(row).iter().enumerate() {
            sheet.write_string_with_format(r, column as u16 + 8, text.as_str(), &cell)?;
        }
    }

    let columns = [
        ("序号", 6.0),
        ("具体事项", 18.0),
        ("周次", 12.0),
        ("版本", 6.0),
        ("报送人", 10.0),
        ("单位", 16.0),
        ("角色", 6.0),
        ("状态", 10.0),
        ("指标数值", 28.0),
        ("本周进展", 30.0),
        ("困难问题", 24.0),
        ("逾期", 6.0),
        ("提交时间", 20.0),
    ];
    let sheet = new_sheet(
        &mut workbook,
        "报送记录",
        &format!("{} 报送记录", ledger.plan_name),
        &columns,
    )?;
    for (index, report) in ledger.reports.iter().enumerate() {
        let r = index as u32 + 1;
        let texts = [
            report.no.to_string(),
            report.title.clone(),
            report.week_start.clone(),
            report.version.to_string(),
            report.person.clone(),
            report.unit.clone().unwrap_or_default(),
            report.role.label().to_owned(),
            report.status.label().to_owned(),
            report.figures.clone().unwrap_or_default(),
            report.progress.clone(),
            report.difficulties.clone(),
            if report.late { "是" } else { "" }.to_owned(),
            report.submitted_at.clone(),
        ];
        for (column, text) in texts.iter().enumerate() {
            sheet.write_string_with_format(r, column as u16, text.as_str(), &cell)?;
        }
    }

    let columns = [
        ("周次", 12.0),
        ("截止时间", 18.0),
        ("序号", 6.0),
        ("具体事项", 24.0),
        ("单位", 18.0),
        ("联络员", 12.0),
    ];
    let sheet = new_sheet(
        &mut workbook,
        "未按时报送",
        &format!("{} 未按时报送", ledger.plan_name),
        &columns,
    )?;
    for (index, missed) in ledger.missed.iter().enumerate() {
        let r = index as u32 + 1;
        let texts = [
            missed.week_start.to_string(),
            missed.deadline.format("%Y-%m-%d %H:%M").to_string(),
            missed.no.to_string(),
            missed.title.clone(),
            missed.unit.clone(),
            missed.contact.clone(),
        ];
        for (column, text) in texts.iter().enumerate() {
            sheet.write_string_with_format(r, column as u16, text.as_str(), &cell)?;
        }
    }
    workbook.save_to_buffer()
}
