//! The digest's chart: one bar per project, its progress against 序时进度 (the share of its
//! time elapsed), coloured 蓝黄红 (grey for a project without a report), each labelled with its
//! number and whole title. The font is built in (a GB2312 subset of WenQuanYi Micro Hei,
//! Apache 2.0; see `font/README.md`), so the labels render on a host without CJK fonts.
//!
//! The layout is drawn by hand on a pixel canvas, row by row, so that nothing can overlap: the
//! caption, the legend, the tick row (with the axis title in the label column), the bars, the
//! tick row again, and a footer saying how many projects were left out.

use std::io::Cursor;

use ab_glyph::FontRef;
use image::Rgb;

use crate::domain::colour::Colour;
use crate::services::digest::Digest;

mod canvas;
mod label;

use canvas::{Canvas, text_width};

pub const FONT: &[u8] = include_bytes!("font/WenQuanYiMicroHei-gb2312.ttf");
/// A phone screen shows this many bars readably; the red and yellow ones come first.
pub const MAX_BARS: usize = 40;
pub const WIDTH: u32 = 1000;

const PAD: f32 = 20.0;
const CAPTION: (u32, f32) = (64, 32.0);
const LEGEND: (u32, f32) = (48, 22.0);
const TICKS: (u32, f32) = (40, 20.0);
const FOOTER: (u32, f32) = (48, 22.0);
const BOTTOM: u32 = 12;
/// A bar's row holds two lines of its label.
const ROW: u32 = 64;
const LABEL_SIZE: f32 = 24.0;
const LINE: f32 = 29.0;
/// The label column runs from `PAD` to here; the plot from `PLOT.0` to `PLOT.1` (0 to 100 %).
const LABEL_RIGHT: f32 = 470.0;
const PLOT: (f32, f32) = (490.0, 930.0);

const AXIS_TITLE: &str = "完成进度（%）";
const MARKER: &str = "序时进度";
const NO_FIGURES: &str = "按进度跟踪";
const NOT_REPORTED: &str = "未报送";

const INK: Rgb<u8> = Rgb([0x22, 0x22, 0x22]);
const MUTED: Rgb<u8> = Rgb([0x66, 0x66, 0x66]);
const GREY: Rgb<u8> = Rgb([0xB4, 0xB4, 0xB4]);
const STRIPE: Rgb<u8> = Rgb([0xF3, 0xF5, 0xF8]);
const GRID: Rgb<u8> = Rgb([0xD8, 0xD8, 0xD8]);
const AXIS: Rgb<u8> = Rgb([0x88, 0x88, 0x88]);
const WHITE: Rgb<u8> = Rgb([0xFF, 0xFF, 0xFF]);
const BLACK: Rgb<u8> = Rgb([0x00, 0x00, 0x00]);

/// One bar.
#[derive(Debug, Clone)]
pub struct Bar {
    pub no: i64,
    pub title: String,
    /// Progress in percent, `None` for a project without numbers.
    pub actual: Option<f64>,
    /// 序时进度 in percent.
    pub expected: f64,
    /// `None` for a project without a report: a grey "未报送" row with no progress drawn.
    pub colour: Option<Colour>,
}

fn rgb(colour: Option<Colour>) -> Rgb<u8> {
    match colour {
        Some(Colour::Blue) => Rgb([0x2F, 0x6F, 0xD0]),
        Some(Colour::Yellow) => Rgb([0xF2, 0xB7, 0x05]),
        Some(Colour::Red) => Rgb([0xD9, 0x3A, 0x2B]),
        None => GREY,
    }
}

/// What the legend says of a colour.
fn meaning(colour: Option<Colour>) -> &'static str {
    match colour {
        Some(Colour::Blue) => "蓝 按序时推进",
        Some(Colour::Yellow) => "黄 预警",
        Some(Colour::Red) => "红 严重滞后",
        None => NOT_REPORTED,
    }
}

/// The footer under a chart that left `omitted` projects out.
pub fn omitted_note(omitted: usize) -> String {
    format!("另有 {omitted} 项未列出")
}

/// The bars drawn, at most `MAX_BARS`: red, then yellow, then those without a report, then
/// blue, each group in the order given; and how many were left out.
pub fn shown(bars: &[Bar]) -> (Vec<&Bar>, usize) {
    let severity = |bar: &Bar| match bar.colour {
        Some(Colour::Red) => 0,
        Some(Colour::Yellow) => 1,
        None => 2,
        Some(Colour::Blue) => 3,
    };
    let mut shown: Vec<&Bar> = bars.iter().collect();
    shown.sort_by_key(|bar| severity(bar));
    shown.truncate(MAX_BARS);
    let omitted = bars.len() - shown.len();
    (shown, omitted)
}

/// The picture's height for a chart of `bars` bars (a footer when some are left out).
pub fn height(bars: usize) -> u32 {
    let footer = if bars > MAX_BARS { FOOTER.0 } else { 0 };
    CAPTION.0 + LEGEND.0 + TICKS.0 * 2 + ROW * bars.clamp(1, MAX_BARS) as u32 + footer + BOTTOM
}

fn font() -> FontRef<'static> {
    FontRef::try_from_slice(FONT).expect("the built-in font loads")
}

/// A bar's label as drawn: its number and whole title on one or two lines (shortened with "…"
/// only when two lines cannot hold it).
pub fn label(no: i64, title: &str) -> Vec<String> {
    label_in(&font(), no, title)
}

fn label_in(font: &FontRef<'_>, no: i64, title: &str) -> Vec<String> {
    let width = |text: &str| text_width(font, LABEL_SIZE, text);
    label::lines(no, title, &width, LABEL_RIGHT - PAD)
}

/// Where `percent` falls on the plot.
fn x(percent: f64) -> f32 {
    PLOT.0 + (PLOT.1 - PLOT.0) * (percent.clamp(0.0, 100.0) as f32) / 100.0
}

/// Renders the chart as PNG bytes.
pub fn render(title: &str, bars: &[Bar]) -> anyhow::Result<Vec<u8>> {
    let (bars, omitted) = shown(bars);
    let mut canvas = Canvas::new(WIDTH, height(bars.len() + omitted), font());
    let mut top = 0.0;
    let caption = canvas.width(CAPTION.1, title);
    canvas.text(
        CAPTION.1,
        ((WIDTH as f32 - caption) / 2.0, top + 16.0),
        title,
        INK,
    );
    top += CAPTION.0 as f32;
    legend(&mut canvas, top, &bars);
    top += LEGEND.0 as f32;
    ticks(&mut canvas, top, true);
    top += TICKS.0 as f32;
    let rows_top = top;
    for (index, bar) in bars.iter().enumerate() {
        row(&mut canvas, top, index, bar);
        top += ROW as f32;
    }
    grid(&mut canvas, rows_top, top);
    for (index, bar) in bars.iter().enumerate() {
        marks(&mut canvas, rows_top + (index as u32 * ROW) as f32, bar);
    }
    ticks(&mut canvas, top, false);
    top += TICKS.0 as f32;
    if omitted > 0 {
        let note = omitted_note(omitted);
        canvas.text(FOOTER.1, (PAD, top + 10.0), &note, MUTED);
    }
    let mut png = Cursor::new(Vec::new());
    canvas.image.write_to(&mut png, image::ImageFormat::Png)?;
    Ok(png.into_inner())
}

/// A swatch and its meaning for each colour drawn, then the 序时进度 marker.
fn legend(canvas: &mut Canvas<'_>, top: f32, bars: &[&Bar]) {
    let size = LEGEND.1;
    let middle = top + LEGEND.0 as f32 / 2.0;
    let mut left = PAD;
    let colours = [
        Some(Colour::Blue),
        Some(Colour::Yellow),
        Some(Colour::Red),
        None,
    ];
    for colour in colours {
        if colour.is_none() && bars.iter().all(|b| b.colour.is_some()) {
            continue;
        }
        let swatch = (left as i32, (middle - 10.0) as i32);
        canvas.fill(swatch, (swatch.0 + 20, swatch.1 + 20), rgb(colour));
        left = canvas.text(
            size,
            (left + 26.0, middle - size / 2.0),
            meaning(colour),
            INK,
        ) + 28.0;
    }
    let marker = (left as i32 + 6, (middle - 15.0) as i32);
    canvas.fill(marker, (marker.0 + 3, marker.1 + 30), BLACK);
    canvas.text(size, (left + 18.0, middle - size / 2.0), MARKER, INK);
}

/// The percent ticks 0 10 … 100 over the plot; the axis title beside them in the label column.
fn ticks(canvas: &mut Canvas<'_>, top: f32, titled: bool) {
    let size = TICKS.1;
    let text_top = top + (TICKS.0 as f32 - size) / 2.0;
    if titled {
        let width = canvas.width(size, AXIS_TITLE);
        canvas.text(size, (LABEL_RIGHT - width, text_top), AXIS_TITLE, MUTED);
    }
    for percent in (0..=100).step_by(10) {
        let text = percent.to_string();
        let width = canvas.width(size, &text);
        canvas.text(
            size,
            (x(f64::from(percent)) - width / 2.0, text_top),
            &text,
            MUTED,
        );
    }
}

/// A row's stripe and label.
fn row(canvas: &mut Canvas<'_>, top: f32, index: usize, bar: &Bar) {
    if index % 2 == 1 {
        canvas.fill(
            (0, top as i32),
            (WIDTH as i32, (top + ROW as f32) as i32),
            STRIPE,
        );
    }
    let lines = label_in(canvas.font(), bar.no, &bar.title);
    let indent = canvas.width(LABEL_SIZE, &format!("{}. ", bar.no));
    let mut y = top + (ROW as f32 - LINE * lines.len() as f32) / 2.0 + (LINE - LABEL_SIZE) / 2.0;
    for (n, line) in lines.iter().enumerate() {
        let left = if n == 0 { PAD } else { PAD + indent };
        canvas.text(LABEL_SIZE, (left, y), line, INK);
        y += LINE;
    }
}

/// The vertical lines at every 10 %, under the bars.
fn grid(canvas: &mut Canvas<'_>, top: f32, bottom: f32) {
    for percent in (10..=100).step_by(10) {
        let at = x(f64::from(percent)) as i32;
        canvas.fill((at, top as i32), (at + 1, bottom as i32), GRID);
    }
    let zero = x(0.0) as i32;
    canvas.fill((zero - 1, top as i32), (zero + 1, bottom as i32), AXIS);
}

/// A row's bar, its 序时进度 marker and its figure.
fn marks(canvas: &mut Canvas<'_>, top: f32, bar: &Bar) {
    let top = top as i32;
    let row = ROW as i32;
    let zero = x(0.0) as i32 + 1;
    let reported = bar.colour.is_some();
    let end = match (reported, bar.actual) {
        (true, Some(actual)) => (x(actual) as i32).max(zero + 3),
        _ => zero + 4,
    };
    canvas.fill((zero, top + 19), (end, top + row - 19), rgb(bar.colour));
    let marker = x(bar.expected) as i32;
    canvas.fill((marker - 1, top + 11), (marker + 2, top + row - 11), BLACK);
    let (note, colour) = match (reported, bar.actual) {
        (true, Some(actual)) => (format!("{:.0}%", actual.clamp(0.0, 100.0)), INK),
        (true, None) => (NO_FIGURES.to_owned(), MUTED),
        (false, _) => (NOT_REPORTED.to_owned(), MUTED),
    };
    let size = 20.0;
    let width = canvas.width(size, &note);
    let text_top = top as f32 + (ROW as f32 - size) / 2.0;
    let mut left = end as f32 + 6.0;
    // Clear of the marker, and inside the picture (else inside the bar's end, in white).
    if left < marker as f32 + 4.0 && left + width > marker as f32 - 4.0 {
        left = marker as f32 + 8.0;
    }
    if left + width > WIDTH as f32 - 8.0 {
        canvas.text(size, (end as f32 - 6.0 - width, text_top), &note, WHITE);
    } else {
        canvas.text(size, (left, text_top), &note, colour);
    }
}

/// Whether the built-in font has a glyph for every character of `text` (else it would show as
/// a box).
pub fn font_covers(text: &str) -> bool {
    let font = font();
    text.chars()
        .filter(|c| !c.is_whitespace())
        .all(|c| canvas::glyph(&font, c).0 != 0)
}

/// The digest's bars, red and yellow first as in its text: each project's lowest metric
/// against the share of its time elapsed. A project without a report has no colour: a grey
/// 未报送 row without progress.
pub fn of_digest(digest: &Digest) -> Vec<Bar> {
    digest
        .projects
        .iter()
        .map(|p| Bar {
            no: p.no,
            title: p.title.clone(),
            actual: p
                .metrics
                .iter()
                .filter_map(|f| f.percent)
                .map(|v| v.min(100.0))
                .reduce(f64::min)
                .or(if p.metrics.is_empty() {
                    None
                } else {
                    Some(0.0)
                }),
            expected: p.expected,
            colour: p.colour(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 2024 plan's projects, as the notice's annex lists them.
    fn plan() -> Vec<(i64, String)> {
        let seed = include_str!("../../seeds/2024.toml");
        let numbers = seed.lines().filter_map(|l| l.strip_prefix("no = "));
        let titles = seed.lines().filter_map(|l| l.strip_prefix("title = "));
        numbers
            .zip(titles)
            .map(|(no, title)| (no.parse().unwrap(), title.trim_matches('"').to_owned()))
            .collect()
    }

    fn bars(n: usize) -> Vec<Bar> {
        let plan = plan();
        (0..n)
            .map(|i| {
                let (no, title) = &plan[i % plan.len()];
                Bar {
                    no: if i < plan.len() { *no } else { i as i64 + 1 },
                    title: title.clone(),
                    actual: (i % 4 != 0).then_some(i as f64 * 7.0 % 100.0),
                    expected: 18.0 + (i % 3) as f64 * 5.0,
                    colour: [
                        Some(Colour::Red),
                        Some(Colour::Yellow),
                        Some(Colour::Blue),
                        Some(Colour::Blue),
                        None,
                    ][i % 5],
                }
            })
            .collect()
    }

    /// Renders, writes the picture where MINSHENG_CHART_SAMPLE says (to look at it:
    /// `MINSHENG_CHART_SAMPLE=/tmp/chart cargo test --lib chart`), and decodes it.
    fn rendered(name: &str, bars: &[Bar]) -> image::RgbImage {
        let png = render("2024年重点民生实事 · 3月中旬调度 进度", bars).unwrap();
        if let Ok(prefix) = std::env::var("MINSHENG_CHART_SAMPLE") {
            std::fs::write(format!("{prefix}-{name}.png"), &png).unwrap();
        }
        image::load_from_memory_with_format(&png, image::ImageFormat::Png)
            .unwrap()
            .to_rgb8()
    }

    fn count(image: &image::RgbImage, colour: Option<Colour>) -> usize {
        image.pixels().filter(|p| **p == rgb(colour)).count()
    }

    #[test]
    fn the_plan_renders_at_its_size_with_every_title_whole() {
        let plan = plan();
        assert_eq!(plan.len(), 27);
        for (no, title) in &plan {
            let lines = label(*no, title);
            assert!(lines.len() <= 2, "{lines:?}");
            assert_eq!(lines.concat(), format!("{no}. {title}"), "not whole");
            let font = font();
            for line in &lines {
                assert!(
                    text_width(&font, LABEL_SIZE, line) <= LABEL_RIGHT - PAD,
                    "{line}"
                );
            }
        }
        assert_eq!(
            label(1, "对困难老年人家庭设施进行适老化改造"),
            ["1. 对困难老年人家庭设施进行适老化改造"]
        );
        let image = rendered("27", &bars(27));
        assert_eq!((image.width(), image.height()), (WIDTH, height(27)));
        let (red, blue, grey) = (
            count(&image, Some(Colour::Red)),
            count(&image, Some(Colour::Blue)),
            count(&image, None),
        );
        assert!(red > 100 && blue > 100 && grey > 100, "{red} {blue} {grey}");
    }

    #[test]
    fn a_long_plan_shows_red_and_yellow_first_and_counts_the_rest() {
        let mut many = bars(1000);
        for bar in &mut many {
            bar.colour = Some(Colour::Blue);
        }
        for bar in many.iter_mut().skip(961) {
            bar.colour = Some(Colour::Red);
        }
        many[500].colour = Some(Colour::Yellow);
        let (shown, omitted) = shown(&many);
        assert_eq!((shown.len(), omitted), (MAX_BARS, 960));
        assert!(
            shown[..MAX_BARS - 1]
                .iter()
                .all(|b| b.colour == Some(Colour::Red))
        );
        assert_eq!(shown[MAX_BARS - 1].colour, Some(Colour::Yellow));
        assert_eq!(omitted_note(omitted), "另有 960 项未列出");
        let image = rendered("1000", &many);
        assert_eq!(image.height(), height(1000));
        assert!(height(1000) > height(MAX_BARS));
        let image = rendered("40", &bars(40));
        assert_eq!(image.height(), height(40));
    }

    /// plotters' text put each glyph's ink where the pen was, dropping its left side bearing,
    /// so glyphs with different bearings sat unevenly; each glyph's ink must start at its pen
    /// position plus its bearing.
    #[test]
    fn glyphs_sit_at_their_advance_and_bearing() {
        use ab_glyph::{Font, PxScale, ScaleFont};
        let font = font();
        let scaled = font.as_scaled(PxScale::from(LABEL_SIZE));
        let mut largest = 0.0f32;
        for c in "口丨人一1i进、".chars() {
            let mut canvas = Canvas::new(200, 40, self::font());
            canvas.text(LABEL_SIZE, (100.0, 5.0), &c.to_string(), BLACK);
            let ink = canvas
                .image
                .enumerate_pixels()
                .filter(|(_, _, p)| p.0[0] < 0xC0)
                .map(|(x, _, _)| x)
                .min()
                .unwrap();
            let bearing = scaled.h_side_bearing(font.glyph_id(c));
            largest = largest.max(bearing);
            assert!(
                (ink as f32 - (100.0 + bearing)).abs() <= 1.0,
                "{c}: ink at {ink}, bearing {bearing}"
            );
        }
        assert!(
            largest >= 3.0,
            "the sample should have glyphs with a visible bearing"
        );
    }

    #[test]
    fn the_built_in_font_has_every_character_of_the_plan() {
        let titles: String = plan().into_iter().map(|(_, t)| t).collect();
        assert!(!titles.is_empty());
        assert!(font_covers(&titles), "a project title would show as boxes");
        assert!(font_covers(
            "完成进度（%）序时进度按进度跟踪未报送蓝按序时推进黄预警红严重滞后另有项未列出…·"
        ));
    }
}
