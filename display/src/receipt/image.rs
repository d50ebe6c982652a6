//! A receipt's [`Bitmap`] as a PNG: 1-bit grayscale, black on white, for snapshot tests and
//! previews of what the printer would print.

use super::Bitmap;
use crate::DisplayError;

impl Bitmap {
    /// Encodes the bitmap as a 1-bit grayscale PNG, black dots black on white; the same dots
    /// always give the same bytes.
    pub fn to_png(&self) -> Result<Vec<u8>, DisplayError> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        encoder.set_compression(png::Compression::Best);
        let mut writer = encoder.write_header()?;
        // PNG's 1-bit gray is 0 = black; a receipt's dot is 1 = black.
        let gray: Vec<u8> = self.bits.iter().map(|b| !b).collect();
        writer.write_image_data(&gray)?;
        writer.finish()?;
        Ok(out)
    }

    /// A picture (a logo) from a PNG of any colour type, as black and white: a dot is black
    /// when it is darker than mid-grey and not mostly transparent.
    pub fn from_picture(bytes: &[u8]) -> Result<Bitmap, DisplayError> {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info()?;
        let (color, _) = reader.output_color_type();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf)?;
        let channels = match color {
            png::ColorType::Grayscale => 1,
            png::ColorType::GrayscaleAlpha => 2,
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            other => return Err(DisplayError::UnsupportedPng(format!("{other:?}"))),
        };
        if info.width == 0 || info.height == 0 || info.width > 4096 || info.height > 4096 {
            return Err(DisplayError::UnsupportedPng(format!("{}x{} dots", info.width, info.height)));
        }
        let mut bitmap = Bitmap::new(info.width, info.height);
        for y in 0..info.height {
            let row = buf.get(y as usize * info.line_size..).unwrap_or_default();
            for x in 0..info.width {
                let px = row.get(x as usize * channels..(x as usize + 1) * channels).unwrap_or_default();
                let (luma, alpha) = match *px {
                    [g] => (u32::from(g), 255),
                    [g, a] => (u32::from(g), a),
                    [r, g, b] => ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000, 255),
                    [r, g, b, a] => ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000, a),
                    _ => (255, 0),
                };
                bitmap.set(x, y, alpha >= 128 && luma < 128);
            }
        }
        Ok(bitmap)
    }

    /// Decodes a 1-bit grayscale PNG (what [`Bitmap::to_png`] writes). A width that is not a
    /// multiple of 8 is padded with white on the right.
    pub fn from_png(bytes: &[u8]) -> Result<Bitmap, DisplayError> {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info()?;
        let (color, depth) = reader.output_color_type();
        if color != png::ColorType::Grayscale || depth != png::BitDepth::One {
            return Err(DisplayError::UnsupportedPng(format!("{color:?} {depth:?} (a receipt is 1-bit grayscale)")));
        }
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf)?;
        let mut bitmap = Bitmap::new(info.width, info.height);
        let row_bytes = bitmap.row_bytes();
        if info.line_size != row_bytes {
            return Err(DisplayError::UnsupportedPng(format!(
                "{} bytes per row for {} dots",
                info.line_size, info.width
            )));
        }
        for (src, dst) in buf.chunks_exact(row_bytes).zip(bitmap.bits.chunks_exact_mut(row_bytes)) {
            for (s, d) in src.iter().zip(dst.iter_mut()) {
                *d = !s;
            }
        }
        // The padding bits of each row (past `info.width`) were white in the file: keep them white.
        let pad = bitmap.width - info.width;
        if pad > 0 {
            let mask = !((1u8 << pad) - 1);
            for row in bitmap.bits.chunks_exact_mut(row_bytes) {
                if let Some(last) = row.last_mut() {
                    *last &= mask;
                }
            }
        }
        Ok(bitmap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trip_keeps_every_dot() -> Result<(), DisplayError> {
        let mut b = Bitmap::new(24, 5);
        for (x, y) in [(0, 0), (7, 0), (8, 1), (23, 4), (12, 2)] {
            b.set(x, y, true);
        }
        let png = b.to_png()?;
        assert_eq!(png, b.to_png()?, "deterministic");
        assert_eq!(Bitmap::from_png(&png)?, b);
        Ok(())
    }

    #[test]
    fn png_is_black_on_white_gray() -> Result<(), DisplayError> {
        let mut b = Bitmap::new(8, 1);
        b.set(0, 0, true);
        let png = b.to_png()?;
        // Read back as 8-bit gray: the black dot is 0, the rest 255.
        let mut decoder = png::Decoder::new(std::io::Cursor::new(&png));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info()?;
        let mut buf = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut buf)?;
        assert_eq!(buf, [0, 255, 255, 255, 255, 255, 255, 255]);
        Ok(())
    }

    #[test]
    fn a_narrow_png_is_padded_white() -> Result<(), DisplayError> {
        // 5 dots wide, all black.
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 5, 2);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&[0x00, 0x00])?;
        writer.finish()?;
        let b = Bitmap::from_png(&out)?;
        assert_eq!((b.width, b.height), (8, 2));
        assert_eq!(b.bits, [0xF8, 0xF8]);
        Ok(())
    }

    #[test]
    fn other_pngs_are_refused() -> Result<(), DisplayError> {
        let png = crate::Canvas::new(2, 2).to_png()?;
        assert!(matches!(Bitmap::from_png(&png), Err(DisplayError::UnsupportedPng(_))));
        assert!(Bitmap::from_png(b"not a png").is_err());
        Ok(())
    }

    #[test]
    fn a_colour_picture_becomes_black_and_white() {
        // 4×1 RGBA: black, white, dark red, black but transparent.
        let px: [u8; 16] = [0, 0, 0, 255, 255, 255, 255, 255, 120, 0, 0, 255, 0, 0, 0, 0];
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, 4, 1);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc.write_header().unwrap_or_else(|e| panic!("{e}"));
            w.write_image_data(&px).unwrap_or_else(|e| panic!("{e}"));
        }
        let b = Bitmap::from_picture(&out).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((0..4).map(|x| b.get(x, 0)).collect::<Vec<_>>(), [true, false, true, false]);
        assert!(Bitmap::from_picture(b"not a png").is_err());
        let wide = Bitmap::new(1000, 10).centred(384);
        assert_eq!((wide.width, wide.height), (384, 3), "scaled down to the paper");
    }
}
