//! The ledger (台账) as an .xlsx workbook a leader would print: A4 landscape, frozen header,
//! columns wide enough for Chinese text, the colour cell filled. Every sheet is written in
//! constant-memory mode (rows go to a temporary file as they come), so a plan of a thousand
//! projects and a year of reports costs no more memory than a small one.

pub mod cells;

use chrono_tz::Tz;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::domain::colour::{Colour, State};
use crate::services::ledger::{LedgerRow, LedgerSink, MissedRecord, ReportLine};

const A4: u8 = 9;

/// The 台账 sheet: the notice annex's columns in its order, then the progress.
const MAIN: [(&str, f64); 12] = [
    ("实事项目", 14.0),
    ("序号", 6.0),
    ("具体事项", 18.0),
    ("内容概述", 30.0),
    ("实施内容及工作目标", 40.0),
    ("承办单位", 16.0),
    ("量化指标进度", 30.0),
    ("颜色", 12.0),
    ("颜色说明", 20.0),
    ("最新进展", 30.0),
    ("待协调问题", 24.0),
    ("最近报送", 12.0),
];

const REPORTS: [(&str, f64); 14] = [
    ("序号", 6.0),
    ("具体事项", 18.0),
    ("周次", 20.0),
    ("版本", 6.0),
    ("报送人", 10.0),
    ("单位", 16.0),
    ("角色", 6.0),
    ("状态", 10.0),
    ("指标数值", 28.0),
    ("本周进展", 30.0),
    ("困难问题", 24.0),
    ("逾期", 6.0),
    ("提交时间", 18.0),
    ("佐证材料", 36.0),
];

const MISSED: [(&str, f64); 6] = [
    ("周次", 20.0),
    ("截止时间", 18.0),
    ("序号", 6.0),
    ("具体事项", 24.0),
    ("单位", 18.0),
    ("联络员", 12.0),
];

fn fill(colour: Colour) -> Color {
    match colour {
        Colour::Blue => Color::RGB(0x9D_C3_E6),
        Colour::Yellow => Color::RGB(0xFF_E6_99),
        Colour::Red => Color::RGB(0xF4_B0_84),
    }
}

/// Sets up a constant-memory sheet for printing and writes its header row.
fn new_sheet(
    workbook: &mut Workbook,
    name: &str,
    title: &str,
    columns: &[(&str, f64)],
    cell: &Format,
) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xD9_D9_D9));
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(name)?;
    sheet
        .set_paper_size(A4)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_header(format!("&C{title}"))
        // Printed gridlines rather than a border on every cell: a cell written without a
        // format then takes its column's, and a large sheet is written much faster.
        .set_print_gridlines(true);
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_freeze_panes(1, 0)?;
    for (column, (label, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *label, &header)?;
        sheet.set_column_width(column as u16, *width)?;
        sheet.set_column_format(column as u16, cell)?;
    }
    Ok(())
}

/// Writes one row of text cells from column `first`, in their columns' format; an empty
/// text leaves its cell empty.
fn write_texts<S: AsRef<str>>(
    sheet: &mut Worksheet,
    row: u32,
    first: u16,
    texts: &[S],
) -> Result<(), XlsxError> {
    for (column, text) in texts.iter().enumerate() {
        let text = text.as_ref();
        if !text.is_empty() {
            sheet.write_string(row, first + column as u16, text)?;
        }
    }
    Ok(())
}

/// A text cell, and a colour cell filled with its colour.
struct Formats {
    cell: Format,
    colours: [(Colour, Format); 3],
}

impl Formats {
    /// A colour's cell filled with it; a project with no colour (no report) left plain.
    fn state(&self, state: State) -> &Format {
        self.colours
            .iter()
            .find(|(c, _)| Some(*c) == state.colour())
            .map_or(&self.cell, |(_, f)| f)
    }
}

/// The ledger workbook, filled line by line as a [`LedgerSink`]: 台账, 报送记录, 未按时报送.
pub struct LedgerBook {
    workbook: Workbook,
    timezone: Tz,
    formats: Formats,
    /// The next row of each sheet.
    next: [u32; 3],
}

impl LedgerBook {
    pub fn new(plan_name: &str, timezone: Tz) -> Result<Self, XlsxError> {
        let mut workbook = Workbook::new();
        // The fastest deflate: most of a large workbook's saving time is compression, and a
        // somewhat larger file is still far under what a chat accepts.
        workbook.set_zip_compression_level(1);
        let cell = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        let sheets = [
            ("台账", &MAIN[..]),
            ("报送记录", &REPORTS[..]),
            ("未按时报送", &MISSED[..]),
        ];
        for (name, columns) in sheets {
            new_sheet(
                &mut workbook,
                name,
                &format!("{plan_name} {name}"),
                columns,
                &cell,
            )?;
        }
        let coloured = |colour: Colour| {
            let format = cell
                .clone()
                .set_background_color(fill(colour))
                .set_align(FormatAlign::Center);
            (colour, format)
        };
        let colours = [
            coloured(Colour::Blue),
            coloured(Colour::Yellow),
            coloured(Colour::Red),
        ];
        Ok(Self {
            workbook,
            timezone,
            formats: Formats { cell, colours },
            next: [1; 3],
        })
    }

    /// The sheet at `index`, the row to write next on it, and the formats.
    fn row_on(&mut self, index: usize) -> Result<(&mut Worksheet, u32, &Formats), XlsxError> {
        let row = self.next[index];
        self.next[index] += 1;
        let sheet = self.workbook.worksheet_from_index(index)?;
        Ok((sheet, row, &self.formats))
    }

    /// The finished workbook's bytes.
    pub fn into_bytes(mut self) -> Result<Vec<u8>, XlsxError> {
        self.workbook.save_to_buffer()
    }

    /// Writes the finished workbook to `path`.
    pub fn save(mut self, path: &std::path::Path) -> Result<(), XlsxError> {
        self.workbook.save(path)
    }
}

impl LedgerSink for LedgerBook {
    fn project(&mut self, row: &LedgerRow) -> anyhow::Result<()> {
        let (sheet, r, formats) = self.row_on(0)?;
        let annex = [
            row.category.clone(),
            row.no.to_string(),
            row.title.clone(),
            row.summary.clone(),
            row.goals.clone(),
            row.units.replace('、', "\n"),
            cells::progress(&row.figures),
        ];
        write_texts(sheet, r, 0, &annex)?;
        sheet.write_string_with_format(r, 7, row.state.label(), formats.state(row.state))?;
        let after = [
            row.reasons.join("；"),
            row.latest_progress.clone(),
            row.difficulties.join("\n"),
            row.last_report.map(cells::day).unwrap_or_default(),
        ];
        write_texts(sheet, r, 8, &after)?;
        Ok(())
    }

    fn report(&mut self, line: &ReportLine<'_>) -> anyhow::Result<()> {
        let timezone = self.timezone;
        let (sheet, r, _) = self.row_on(1)?;
        let report = &line.record;
        let (no, week, version) = (
            line.no.to_string(),
            cells::week(report.week_start),
            report.version.to_string(),
        );
        let figures = cells::reported_all(&line.figures);
        let submitted = cells::local_time(report.submitted_at, timezone);
        let evidence = cells::evidence(
            report.evidence_kind.as_deref(),
            report.evidence_path.as_deref(),
        );
        let texts = [
            no.as_str(),
            line.title,
            &week,
            &version,
            line.person,
            line.unit.unwrap_or_default(),
            report.role.label(),
            report.status.label(),
            &figures,
            &report.progress,
            &report.difficulties,
            cells::yes_no(report.late),
            &submitted,
            &evidence,
        ];
        write_texts(sheet, r, 0, &texts)?;
        Ok(())
    }

    fn missed(&mut self, missed: &MissedRecord) -> anyhow::Result<()> {
        let (sheet, r, _) = self.row_on(2)?;
        let (week, deadline, no) = (
            cells::week(missed.week_start),
            cells::local_minute(missed.deadline),
            missed.no.to_string(),
        );
        let texts = [
            week.as_str(),
            &deadline,
            &no,
            &missed.title,
            &missed.unit,
            &missed.contact,
        ];
        write_texts(sheet, r, 0, &texts)?;
        Ok(())
    }
}
