//! Till's register screens: drawing and hit-testing as pure functions of a [`UiState`], onto any
//! embedded-graphics `DrawTarget` (the Linux framebuffer, or a PNG canvas), plus input decoding
//! (evdev, scripts) into [`Intent`]s and telling a barcode scanner's keys from typing
//! ([`ScanDetector`]); and receipts drawn with the same fonts into 1-bit images for raster
//! printing ([`receipt::render`]).
//!
//! This crate owns pixels and taps only. The appliance (`till`) owns the state machine and its
//! effects — scanning, testing, saving, ringing sales — and must stay the only one that acts on an
//! intent. Layout is computed once per state and size and read by drawing, partial redraw and
//! hit-testing alike, so what is tapped is what is drawn.

pub mod canvas;
pub mod evdev;
pub mod fb;
pub mod i18n;
mod input;
mod layout;
pub mod model;
pub mod money;
mod paint;
pub mod receipt;
mod render;
mod samples;
pub mod scanner;
pub mod script;
mod sys;
mod text;

pub use canvas::Canvas;
pub use fb::{Bitfield, FbError, FbFormat, FrameBuffer};
pub use input::{hit_map, hit_test, key_intent};
pub use layout::Region;
pub use model::*;
pub use money::{Currency, LOCALES, Locale, MoneyFormat, format_cents};
pub use render::{draw, draw_region, region_rect};
pub use samples::passed::samples_in;
pub use samples::samples;
pub use scanner::{Detected, ScanDetector};
pub use sys::{FbDevice, ext4_resize, lp_status, resize_partition, watchdog_set_timeout};
pub use text::missing_glyphs;

/// Errors from files and PNG encoding.
#[derive(Debug, thiserror::Error)]
pub enum DisplayError {
    /// Writing or reading an image file failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// PNG encoding failed.
    #[error("cannot encode PNG: {0}")]
    Encode(#[from] png::EncodingError),
    /// PNG decoding failed.
    #[error("cannot read PNG: {0}")]
    Decode(#[from] png::DecodingError),
    /// A PNG in a format the snapshot tests do not read.
    #[error("unsupported PNG format: {0}")]
    UnsupportedPng(String),
}

/// Errors opening the display or input devices, worded for the person installing the register.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The device file could not be opened.
    #[error("cannot open {path}: {source} (is the device present and is `till` allowed to use it?)")]
    Open {
        /// The device file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// An ioctl or mmap on the device failed.
    #[error("{path}: {what} failed: {errno} (is this really a framebuffer / input device?)")]
    Ioctl {
        /// The device file.
        path: String,
        /// Which call.
        what: &'static str,
        /// The kernel's error.
        errno: nix::errno::Errno,
    },
    /// The framebuffer reports a format this crate cannot draw.
    #[error("{path}: {source}")]
    Format {
        /// The device file.
        path: String,
        /// What is wrong with the format.
        source: FbError,
    },
}
