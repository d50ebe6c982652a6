//! An in-memory Rgb888 target that saves PNGs: snapshots, docs and `till screens`.

use std::convert::Infallible;
use std::path::Path;

use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

use crate::DisplayError;

/// A width×height RGB image to draw into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canvas {
    size: Size,
    pixels: Vec<Rgb888>,
}

impl Canvas {
    /// A canvas of this size, black.
    pub fn new(width: u32, height: u32) -> Self {
        Canvas { size: Size::new(width, height), pixels: vec![Rgb888::BLACK; width as usize * height as usize] }
    }

    /// The colour at (x, y), or `None` outside.
    pub fn pixel(&self, x: u32, y: u32) -> Option<Rgb888> {
        (x < self.size.width && y < self.size.height).then(|| self.pixels[(y * self.size.width + x) as usize])
    }

    /// Tightly packed RGB bytes, row by row.
    pub fn rgb_bytes(&self) -> Vec<u8> {
        self.pixels.iter().flat_map(|c| [c.r(), c.g(), c.b()]).collect()
    }

    /// Encodes the canvas as an 8-bit RGB PNG; the same pixels always give the same bytes.
    pub fn to_png(&self) -> Result<Vec<u8>, DisplayError> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.size.width, self.size.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.rgb_bytes())?;
        writer.finish()?;
        Ok(out)
    }

    /// Writes the canvas as a PNG file.
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<(), DisplayError> {
        let path = path.as_ref();
        std::fs::write(path, self.to_png()?)
            .map_err(|source| DisplayError::Io { path: path.display().to_string(), source })
    }

    /// Decodes an 8-bit RGB or RGBA PNG (snapshot fixtures).
    pub fn from_png(bytes: &[u8]) -> Result<Self, DisplayError> {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info()?;
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf)?;
        let channels = match info.color_type {
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            other => return Err(DisplayError::UnsupportedPng(format!("{other:?}"))),
        };
        if info.bit_depth != png::BitDepth::Eight {
            return Err(DisplayError::UnsupportedPng(format!("{:?} bits", info.bit_depth)));
        }
        let pixels = buf[..info.buffer_size()].chunks_exact(channels).map(|p| Rgb888::new(p[0], p[1], p[2])).collect();
        Ok(Canvas { size: Size::new(info.width, info.height), pixels })
    }
}

impl OriginDimensions for Canvas {
    fn size(&self) -> Size {
        self.size
    }
}

impl DrawTarget for Canvas {
    type Color = Rgb888;
    type Error = Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<Rgb888>>>(&mut self, pixels: I) -> Result<(), Infallible> {
        let (w, h) = (self.size.width as i32, self.size.height as i32);
        for Pixel(p, c) in pixels {
            if p.x >= 0 && p.y >= 0 && p.x < w && p.y < h {
                self.pixels[(p.y * w + p.x) as usize] = c;
            }
        }
        Ok(())
    }

    fn fill_solid(&mut self, area: &Rectangle, color: Rgb888) -> Result<(), Infallible> {
        let area = area.intersection(&self.bounding_box());
        let Some(br) = area.bottom_right() else { return Ok(()) };
        let w = self.size.width as usize;
        for y in area.top_left.y..=br.y {
            let row = y as usize * w;
            self.pixels[row + area.top_left.x as usize..=row + br.x as usize].fill(color);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trip_is_deterministic() -> Result<(), DisplayError> {
        let mut c = Canvas::new(7, 5);
        let _ = c.fill_solid(&Rectangle::new(Point::new(2, 1), Size::new(3, 2)), Rgb888::new(10, 200, 30));
        let _ = c.draw_iter([Pixel(Point::new(6, 4), Rgb888::WHITE), Pixel(Point::new(9, 9), Rgb888::WHITE)]);
        let png = c.to_png()?;
        assert_eq!(png, c.to_png()?);
        let back = Canvas::from_png(&png)?;
        assert_eq!(back, c);
        assert_eq!(back.pixel(3, 2), Some(Rgb888::new(10, 200, 30)));
        assert_eq!(back.pixel(6, 4), Some(Rgb888::WHITE));
        assert_eq!(back.pixel(7, 0), None);
        Ok(())
    }
}
