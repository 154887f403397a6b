//! A pixel canvas with text set by `ab_glyph` directly. plotters 0.3.7's `ab_glyph` text drops
//! each glyph's left side bearing (it draws the glyph's ink box at the pen position) and rounds
//! the pen to whole pixels, so CJK labels came out unevenly spaced; here each glyph is placed at
//! its pen position with its bearing, at sub-pixel precision.

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use image::{Rgb, RgbImage};

pub struct Canvas<'f> {
    pub image: RgbImage,
    font: FontRef<'f>,
}

impl<'f> Canvas<'f> {
    pub fn new(width: u32, height: u32, font: FontRef<'f>) -> Self {
        Self {
            image: RgbImage::from_pixel(width, height, Rgb([0xFF, 0xFF, 0xFF])),
            font,
        }
    }

    /// Fills the rectangle from (x0, y0) up to, not including, (x1, y1), clipped to the canvas.
    pub fn fill(&mut self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), colour: Rgb<u8>) {
        let (w, h) = (self.image.width() as i32, self.image.height() as i32);
        let (x0, x1) = (x0.clamp(0, w) as usize, x1.clamp(0, w) as usize);
        if x0 >= x1 {
            return;
        }
        let stride = w as usize * 3;
        let pixels: &mut [u8] = &mut self.image;
        for y in y0.clamp(0, h) as usize..y1.clamp(0, h) as usize {
            let row = &mut pixels[y * stride + x0 * 3..y * stride + x1 * 3];
            for pixel in row.chunks_exact_mut(3) {
                pixel.copy_from_slice(&colour.0);
            }
        }
    }

    pub fn font(&self) -> &FontRef<'f> {
        &self.font
    }

    /// How wide `text` is at `size` pixels.
    pub fn width(&self, size: f32, text: &str) -> f32 {
        text_width(&self.font, size, text)
    }

    /// Draws `text` with its line box's top left corner at (x, top); returns where it ends.
    pub fn text(&mut self, size: f32, (x, top): (f32, f32), text: &str, colour: Rgb<u8>) -> f32 {
        let scale = PxScale::from(size);
        let scaled = self.font.as_scaled(scale);
        let baseline = top + scaled.ascent();
        let mut pen = x;
        let mut previous = None;
        for c in text.chars() {
            let id = glyph(&self.font, c);
            if let Some(previous) = previous {
                pen += scaled.kern(previous, id);
            }
            previous = Some(id);
            let glyph = id.with_scale_and_position(scale, point(pen, baseline));
            if let Some(outline) = self.font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                let image = &mut self.image;
                outline.draw(|gx, gy, coverage| {
                    let px = bounds.min.x as i32 + gx as i32;
                    let py = bounds.min.y as i32 + gy as i32;
                    if px >= 0
                        && py >= 0
                        && (px as u32) < image.width()
                        && (py as u32) < image.height()
                    {
                        let pixel = image.get_pixel_mut(px as u32, py as u32);
                        blend(pixel, colour, coverage);
                    }
                });
            }
            pen += scaled.h_advance(id);
        }
        pen
    }
}

/// How wide `text` is at `size` pixels in `font`: advances and kerning, as `Canvas::text` sets it.
pub fn text_width(font: &FontRef<'_>, size: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut width = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = glyph(font, c);
        if let Some(previous) = previous {
            width += scaled.kern(previous, id);
        }
        previous = Some(id);
        width += scaled.h_advance(id);
    }
    width
}

/// The glyph for `c`, or for its look-alike when the GB2312 subset lacks it: the middle dot of
/// headers like "2024年重点民生实事 · 3月中旬" is U+00B7, which GB2312 maps to U+30FB.
pub fn glyph(font: &FontRef<'_>, c: char) -> GlyphId {
    let id = font.glyph_id(c);
    match c {
        '·' | '•' | '‧' if id.0 == 0 => font.glyph_id('・'),
        _ => id,
    }
}

fn blend(pixel: &mut Rgb<u8>, colour: Rgb<u8>, coverage: f32) {
    let coverage = coverage.clamp(0.0, 1.0);
    for (channel, ink) in pixel.0.iter_mut().zip(colour.0) {
        *channel =
            (f32::from(*channel) * (1.0 - coverage) + f32::from(ink) * coverage).round() as u8;
    }
}
