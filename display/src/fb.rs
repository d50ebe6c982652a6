//! A `DrawTarget` over raw framebuffer memory in the kernel's pixel formats (RGB565, XRGB8888, any
//! bitfield offsets), so the same code draws into /dev/fb0's mapping or a test buffer.

use std::convert::Infallible;

use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

/// Where one colour channel sits in a pixel (the kernel's `struct fb_bitfield`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bitfield {
    /// Bit position of the channel's least significant bit.
    pub offset: u32,
    /// Number of bits (≤ 8).
    pub length: u32,
}

/// The framebuffer's geometry and pixel layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FbFormat {
    /// Visible width in pixels.
    pub width: u32,
    /// Visible height in pixels.
    pub height: u32,
    /// Bytes from one row to the next (may include padding).
    pub line_length_bytes: u32,
    /// 16 or 32.
    pub bits_per_pixel: u32,
    /// Red channel.
    pub red: Bitfield,
    /// Green channel.
    pub green: Bitfield,
    /// Blue channel.
    pub blue: Bitfield,
}

impl FbFormat {
    /// RGB565, rows packed (no padding).
    pub fn rgb565(width: u32, height: u32) -> Self {
        FbFormat {
            width,
            height,
            line_length_bytes: width * 2,
            bits_per_pixel: 16,
            red: Bitfield { offset: 11, length: 5 },
            green: Bitfield { offset: 5, length: 6 },
            blue: Bitfield { offset: 0, length: 5 },
        }
    }

    /// XRGB8888, rows packed (no padding).
    pub fn xrgb8888(width: u32, height: u32) -> Self {
        FbFormat {
            width,
            height,
            line_length_bytes: width * 4,
            bits_per_pixel: 32,
            red: Bitfield { offset: 16, length: 8 },
            green: Bitfield { offset: 8, length: 8 },
            blue: Bitfield { offset: 0, length: 8 },
        }
    }

    /// Bytes of memory the visible area needs.
    pub fn bytes_needed(&self) -> usize {
        self.line_length_bytes as usize * self.height as usize
    }

    /// The pixel value for a colour, as a native-endian word.
    pub fn encode(&self, c: Rgb888) -> u32 {
        let chan = |v: u8, f: Bitfield| (u32::from(v) >> (8 - f.length)) << f.offset;
        chan(c.r(), self.red) | chan(c.g(), self.green) | chan(c.b(), self.blue)
    }

    fn validate(&self, buf_len: usize) -> Result<(), FbError> {
        if self.bits_per_pixel != 16 && self.bits_per_pixel != 32 {
            return Err(FbError::UnsupportedDepth(self.bits_per_pixel));
        }
        for f in [self.red, self.green, self.blue] {
            if f.length == 0 || f.length > 8 || f.offset + f.length > self.bits_per_pixel {
                return Err(FbError::BadBitfield { offset: f.offset, length: f.length });
            }
        }
        if (self.line_length_bytes as u64) < u64::from(self.width) * u64::from(self.bits_per_pixel / 8) {
            return Err(FbError::ShortLine { line_length: self.line_length_bytes, width: self.width });
        }
        if buf_len < self.bytes_needed() {
            return Err(FbError::ShortBuffer { len: buf_len, needed: self.bytes_needed() });
        }
        Ok(())
    }
}

/// Why a framebuffer cannot be drawn to.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FbError {
    /// Only 16 and 32 bits per pixel are drawn.
    #[error("the display uses {0} bits per pixel; only 16 (RGB565) and 32 (XRGB8888) are supported")]
    UnsupportedDepth(u32),
    /// A colour channel is wider than 8 bits or outside the pixel.
    #[error("the display reports an unusable colour channel (offset {offset}, length {length})")]
    BadBitfield {
        /// Reported offset.
        offset: u32,
        /// Reported length.
        length: u32,
    },
    /// A row is shorter than its pixels.
    #[error("the display's row length {line_length} bytes is too short for {width} pixels")]
    ShortLine {
        /// Reported row length.
        line_length: u32,
        /// Reported width.
        width: u32,
    },
    /// The memory is smaller than the geometry says.
    #[error("the display memory is {len} bytes but {needed} are needed")]
    ShortBuffer {
        /// Bytes available.
        len: usize,
        /// Bytes needed.
        needed: usize,
    },
}

/// A `DrawTarget` writing pixels straight into framebuffer-format memory.
#[derive(Debug)]
pub struct FrameBuffer<'a> {
    buf: &'a mut [u8],
    format: FbFormat,
}

impl<'a> FrameBuffer<'a> {
    /// Wraps `buf`, checking it is large enough and the format is drawable.
    pub fn new(buf: &'a mut [u8], format: FbFormat) -> Result<Self, FbError> {
        format.validate(buf.len())?;
        Ok(FrameBuffer { buf, format })
    }

    /// The pixel format.
    pub fn format(&self) -> FbFormat {
        self.format
    }

    fn bpp(&self) -> usize {
        self.format.bits_per_pixel as usize / 8
    }

    fn write_span(&mut self, x: u32, y: u32, n: u32, value: u32) {
        let bpp = self.bpp();
        let start = y as usize * self.format.line_length_bytes as usize + x as usize * bpp;
        let span = &mut self.buf[start..start + n as usize * bpp];
        if bpp == 2 {
            let bytes = (value as u16).to_ne_bytes();
            for px in span.chunks_exact_mut(2) {
                px.copy_from_slice(&bytes);
            }
        } else {
            let bytes = value.to_ne_bytes();
            for px in span.chunks_exact_mut(4) {
                px.copy_from_slice(&bytes);
            }
        }
    }
}

impl OriginDimensions for FrameBuffer<'_> {
    fn size(&self) -> Size {
        Size::new(self.format.width, self.format.height)
    }
}

impl DrawTarget for FrameBuffer<'_> {
    type Color = Rgb888;
    type Error = Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<Rgb888>>>(&mut self, pixels: I) -> Result<(), Infallible> {
        let (w, h) = (self.format.width as i32, self.format.height as i32);
        for Pixel(p, c) in pixels {
            if p.x >= 0 && p.y >= 0 && p.x < w && p.y < h {
                let v = self.format.encode(c);
                self.write_span(p.x as u32, p.y as u32, 1, v);
            }
        }
        Ok(())
    }

    fn fill_solid(&mut self, area: &Rectangle, color: Rgb888) -> Result<(), Infallible> {
        let area = area.intersection(&self.bounding_box());
        if area.size.width == 0 || area.size.height == 0 {
            return Ok(());
        }
        // Encode once per fill; whole rows are the fast path for backgrounds and panels.
        let v = self.format.encode(color);
        for y in 0..area.size.height {
            self.write_span(area.top_left.x as u32, area.top_left.y as u32 + y, area.size.width, v);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(mut f: FbFormat, pad: u32) -> FbFormat {
        f.line_length_bytes += pad;
        f
    }

    #[test]
    fn rgb565_exact_bytes_and_padding_untouched() -> Result<(), FbError> {
        let f = padded(FbFormat::rgb565(4, 3), 6);
        let mut mem = vec![0xAAu8; f.bytes_needed()];
        {
            let mut fb = FrameBuffer::new(&mut mem, f)?;
            let _ = fb.fill_solid(&Rectangle::new(Point::zero(), Size::new(4, 3)), Rgb888::new(255, 0, 0));
            let _ = fb.draw_iter([
                Pixel(Point::new(1, 1), Rgb888::new(0, 255, 0)),
                Pixel(Point::new(2, 1), Rgb888::new(0, 0, 255)),
                Pixel(Point::new(3, 2), Rgb888::new(0x84, 0x82, 0x08)),
                Pixel(Point::new(4, 0), Rgb888::WHITE), // outside: ignored
            ]);
        }
        let px = |x: usize, y: usize| u16::from_ne_bytes([mem[y * 14 + x * 2], mem[y * 14 + x * 2 + 1]]);
        assert_eq!(px(0, 0), 0xF800);
        assert_eq!(px(1, 1), 0x07E0);
        assert_eq!(px(2, 1), 0x001F);
        assert_eq!(px(3, 2), (0x10 << 11) | (0x20 << 5) | 0x01);
        #[cfg(target_endian = "little")]
        assert_eq!(&mem[0..2], &[0x00, 0xF8]);
        for row in 0..3 {
            assert_eq!(&mem[row * 14 + 8..row * 14 + 14], &[0xAA; 6], "padding of row {row}");
        }
        Ok(())
    }

    #[test]
    fn xrgb8888_exact_bytes_and_padding_untouched() -> Result<(), FbError> {
        let f = padded(FbFormat::xrgb8888(3, 2), 4);
        let mut mem = vec![0x55u8; f.bytes_needed()];
        {
            let mut fb = FrameBuffer::new(&mut mem, f)?;
            let _ = fb.fill_solid(&Rectangle::new(Point::new(1, 0), Size::new(5, 5)), Rgb888::new(0x12, 0x34, 0x56));
            let _ = fb.draw_iter([Pixel(Point::new(0, 1), Rgb888::new(0xFF, 0x80, 0x01))]);
        }
        let px = |x: usize, y: usize| {
            u32::from_ne_bytes(mem[y * 16 + x * 4..y * 16 + x * 4 + 4].try_into().unwrap_or([0; 4]))
        };
        assert_eq!(px(1, 0), 0x0012_3456);
        assert_eq!(px(2, 1), 0x0012_3456);
        assert_eq!(px(0, 1), 0x00FF_8001);
        assert_eq!(px(0, 0), 0x5555_5555, "not drawn");
        #[cfg(target_endian = "little")]
        assert_eq!(&mem[4..8], &[0x56, 0x34, 0x12, 0x00]);
        for row in 0..2 {
            assert_eq!(&mem[row * 16 + 12..row * 16 + 16], &[0x55; 4], "padding of row {row}");
        }
        Ok(())
    }

    #[test]
    fn bgr_offsets_are_honoured() -> Result<(), FbError> {
        let mut f = FbFormat::xrgb8888(1, 1);
        f.red = Bitfield { offset: 0, length: 8 };
        f.blue = Bitfield { offset: 16, length: 8 };
        let mut mem = vec![0u8; 4];
        let _ = FrameBuffer::new(&mut mem, f)?
            .fill_solid(&Rectangle::new(Point::zero(), Size::new(1, 1)), Rgb888::new(1, 2, 3));
        assert_eq!(u32::from_ne_bytes([mem[0], mem[1], mem[2], mem[3]]), 0x0003_0201);
        Ok(())
    }

    #[test]
    fn rejects_bad_formats() {
        let mut mem = vec![0u8; 10];
        assert_eq!(
            FrameBuffer::new(&mut mem, FbFormat::rgb565(4, 4)).err(),
            Some(FbError::ShortBuffer { len: 10, needed: 32 })
        );
        let mut f = FbFormat::rgb565(1, 1);
        f.bits_per_pixel = 24;
        assert_eq!(FrameBuffer::new(&mut mem, f).err(), Some(FbError::UnsupportedDepth(24)));
    }
}
