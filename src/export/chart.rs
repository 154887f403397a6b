//! The digest's chart: one bar per project, its progress against the time elapsed, coloured
//! 蓝黄红, labelled in Chinese. The font is built in (a GB2312 subset of WenQuanYi Micro Hei,
//! Apache 2.0; see `font/README.md`), so the labels render on a host without CJK fonts.

use std::io::Cursor;
use std::sync::Once;

use anyhow::anyhow;
use plotters::prelude::*;
use plotters::style::{FontFamily, FontStyle, register_font};

use crate::domain::colour::Colour;

pub const FONT: &[u8] = include_bytes!("font/WenQuanYiMicroHei-gb2312.ttf");
const FAMILY: &str = "minsheng-cjk";
/// A phone screen shows this many bars readably; the red and yellow ones come first.
pub const MAX_BARS: usize = 40;
pub const WIDTH: u32 = 1000;
const ROW: u32 = 30;
const MARGIN: u32 = 110;

/// One bar.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    /// Progress in percent, `None` for a project without numbers.
    pub actual: Option<f64>,
    pub expected: f64,
    pub colour: Colour,
}

fn rgb(colour: Colour) -> RGBColor {
    match colour {
        Colour::Blue => RGBColor(0x2F, 0x6F, 0xD0),
        Colour::Yellow => RGBColor(0xF2, 0xB7, 0x05),
        Colour::Red => RGBColor(0xD9, 0x3A, 0x2B),
    }
}

/// The picture's height for `bars` bars.
pub fn height(bars: usize) -> u32 {
    MARGIN + ROW * bars.clamp(1, MAX_BARS) as u32
}

/// Renders the chart as PNG bytes.
pub fn render(title: &str, bars: &[Bar]) -> anyhow::Result<Vec<u8>> {
    static FONT_ONCE: Once = Once::new();
    FONT_ONCE.call_once(|| {
        if register_font(FAMILY, FontStyle::Normal, FONT).is_err() {
            panic!("the built-in font does not load");
        }
    });
    let bars = &bars[..bars.len().min(MAX_BARS)];
    let (width, height) = (WIDTH, height(bars.len()));
    let mut pixels = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
        let font = |size: u32| (FontFamily::Name(FAMILY), size).into_font();
        let rows = bars.len().max(1) as i32;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, font(24))
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(260)
            .build_cartesian_2d(0.0..100.0, (0..rows).into_segmented())
            .map_err(|e| anyhow!("{e}"))?;
        let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc("完成进度（%，竖线为序时进度）")
            .x_label_style(font(14))
            .y_label_style(font(14))
            .y_labels(bars.len().max(1))
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(y) => labels
                    .get((rows - 1 - *y) as usize)
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .axis_desc_style(font(14))
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        for (index, bar) in bars.iter().enumerate() {
            let y = rows - 1 - index as i32;
            let actual = bar.actual.unwrap_or(0.0).clamp(0.0, 100.0);
            let (top, bottom) = (SegmentValue::Exact(y), SegmentValue::Exact(y + 1));
            let mut rectangle = Rectangle::new(
                [(0.0, top.clone()), (actual.max(0.5), bottom.clone())],
                rgb(bar.colour).filled(),
            );
            rectangle.set_margin(5, 5, 0, 0);
            chart
                .draw_series(std::iter::once(rectangle))
                .map_err(|e| anyhow!("{e}"))?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(bar.expected, top), (bar.expected, bottom)],
                    BLACK.stroke_width(2),
                )))
                .map_err(|e| anyhow!("{e}"))?;
            let note = match bar.actual {
                Some(actual) => format!("{actual:.0}%"),
                None => "按进度跟踪".to_owned(),
            };
            chart
                .draw_series(std::iter::once(Text::new(
                    note,
                    ((actual + 1.0).min(88.0), SegmentValue::CenterOf(y)),
                    TextStyle::from(font(13)).pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Left,
                        plotters::style::text_anchor::VPos::Center,
                    )),
                )))
                .map_err(|e| anyhow!("{e}"))?;
        }
        root.present().map_err(|e| anyhow!("{e}"))?;
    }
    let image = image::RgbImage::from_raw(width, height, pixels)
        .ok_or_else(|| anyhow!("the chart's pixels do not fit its size"))?;
    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png)?;
    Ok(png.into_inner())
}

/// Whether the built-in font has a glyph for every character of `text` (else it would show as
/// a box).
pub fn font_covers(text: &str) -> bool {
    use ab_glyph::{Font, FontRef};
    let font = FontRef::try_from_slice(FONT).expect("the built-in font loads");
    text.chars()
        .filter(|c| !c.is_whitespace())
        .all(|c| font.glyph_id(c).0 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(n: usize) -> Vec<Bar> {
        (0..n)
            .map(|i| Bar {
                label: format!("{}. 建设老年人食堂", i + 1),
                actual: (i % 4 != 0).then_some(i as f64 * 7.0 % 100.0),
                expected: 25.0,
                colour: [Colour::Red, Colour::Yellow, Colour::Blue][i % 3],
            })
            .collect()
    }

    #[test]
    fn the_chart_is_a_png_of_the_expected_size() {
        let png = render("2024年3月中旬 进度", &bars(27)).unwrap();
        // To look at it: MINSHENG_CHART_SAMPLE=/tmp/chart.png cargo test --lib chart
        if let Ok(path) = std::env::var("MINSHENG_CHART_SAMPLE") {
            std::fs::write(path, &png).unwrap();
        }
        let image = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
        assert_eq!((image.width(), image.height()), (WIDTH, height(27)));
        // Something other than white was drawn: the bars in their colours.
        let rgb = image.to_rgb8();
        let red = rgb.pixels().filter(|p| p.0 == [0xD9, 0x3A, 0x2B]).count();
        let blue = rgb.pixels().filter(|p| p.0 == [0x2F, 0x6F, 0xD0]).count();
        assert!(red > 100 && blue > 100, "red {red}, blue {blue}");
    }

    #[test]
    fn a_long_plan_is_cut_to_the_bars_a_phone_can_show() {
        let png = render("进度", &bars(300)).unwrap();
        let image = image::load_from_memory(&png).unwrap();
        assert_eq!(image.height(), height(MAX_BARS));
    }

    #[test]
    fn the_built_in_font_has_every_character_of_the_plan() {
        let seed = include_str!("../../seeds/2024.toml");
        let titles: String = seed
            .lines()
            .filter_map(|l| l.strip_prefix("title = "))
            .collect();
        assert!(!titles.is_empty());
        assert!(font_covers(&titles), "a project title would show as boxes");
        assert!(font_covers(
            "完成进度（%，竖线为序时进度）按进度跟踪蓝黄红调度旬"
        ));
    }
}
