//! This register's receipt printer as set up (`till printer set`, the flash config, the screen):
//! where it is, the paper, how receipts are drawn, and whether a cash drawer hangs off it.
//!
//! Stored as one device-local value: the target, then `key=value` options
//! (`tcp:10.0.0.9:9100 width=80 mode=raster codepage=cp858 drawer=yes`). The target's own syntax
//! is checked where the printer is opened (`print::device::Target`); here only its kind.

use std::fmt;
use std::str::FromStr;

/// How a receipt reaches the paper.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PrintMode {
    /// In the printer's own font, through a code page.
    #[default]
    Text,
    /// Drawn with the screen's fonts into a 1-bit image.
    Raster,
}

impl fmt::Display for PrintMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PrintMode::Text => "text",
            PrintMode::Raster => "raster",
        })
    }
}

impl FromStr for PrintMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(PrintMode::Text),
            "raster" => Ok(PrintMode::Raster),
            _ => Err(format!("mode {s:?}: use text or raster")),
        }
    }
}

/// The code pages text mode can select (ESC t).
pub const CODE_PAGES: &[&str] = &["cp437", "cp858", "cp1252"];

/// A printer's setup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrinterSetup {
    /// `usb:/dev/usb/lp0`, `serial:/dev/ttyUSB0:19200` or `tcp:HOST:9100`.
    pub target: String,
    /// Paper width: 58 or 80 (mm).
    pub width_mm: u32,
    /// Text or raster.
    pub mode: PrintMode,
    /// Text mode's code page.
    pub codepage: String,
    /// A cash drawer is plugged into the printer (kicked on cash sales, refunds, cash movements
    /// and no-sales).
    pub drawer: bool,
}

impl PrinterSetup {
    /// A printer at `target` with the defaults: 58 mm, text, cp858 (has €), a drawer.
    pub fn new(target: &str) -> Result<PrinterSetup, String> {
        let target = target.trim();
        let kind_ok = ["usb:", "serial:", "tcp:"].iter().any(|p| target.starts_with(p) && target.len() > p.len());
        if !kind_ok || target.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "printer {target:?}: write usb:/dev/usb/lp0, serial:/dev/ttyUSB0:19200 or tcp:HOST:9100"
            ));
        }
        Ok(PrinterSetup {
            target: target.to_string(),
            width_mm: 58,
            mode: PrintMode::Text,
            codepage: "cp858".into(),
            drawer: true,
        })
    }

    /// Applies one `key=value` option.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        match key {
            "width" => match value.trim_end_matches("mm") {
                "58" => self.width_mm = 58,
                "80" => self.width_mm = 80,
                _ => return Err(format!("width {value:?}: use 58 or 80")),
            },
            "mode" => self.mode = value.parse()?,
            "codepage" => {
                if !CODE_PAGES.contains(&value) {
                    return Err(format!("code page {value:?}: use one of {}", CODE_PAGES.join(", ")));
                }
                self.codepage = value.to_string();
            }
            "drawer" => {
                self.drawer = match value {
                    "yes" | "true" => true,
                    "no" | "false" => false,
                    _ => return Err(format!("drawer {value:?}: use yes or no")),
                }
            }
            _ => return Err(format!("unknown printer option {key:?} (width, mode, codepage, drawer)")),
        }
        Ok(())
    }
}

impl fmt::Display for PrinterSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} width={} mode={} codepage={} drawer={}",
            self.target,
            self.width_mm,
            self.mode,
            self.codepage,
            if self.drawer { "yes" } else { "no" }
        )
    }
}

impl FromStr for PrinterSetup {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut parts = s.split_whitespace();
        let mut p = PrinterSetup::new(parts.next().unwrap_or(""))?;
        for opt in parts {
            let (k, v) = opt.split_once('=').ok_or_else(|| format!("printer option {opt:?} is not key=value"))?;
            p.set(k, v)?;
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_nonsense() {
        let mut p = PrinterSetup::new("tcp:127.0.0.1:9100").unwrap_or_else(|e| panic!("{e}"));
        p.set("width", "80").unwrap_or_else(|e| panic!("{e}"));
        p.set("mode", "raster").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.to_string().parse::<PrinterSetup>(), Ok(p.clone()));
        for bad in ["", "lpt:1", "usb:", "tcp:a b", "usb:/dev/usb/lp0 width=57", "usb:/dev/usb/lp0 mode=fancy"] {
            assert!(bad.parse::<PrinterSetup>().is_err(), "{bad}");
        }
    }
}
