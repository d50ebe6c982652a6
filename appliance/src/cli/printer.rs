//! `till printer` and `till receipt`: this register's receipt printer, and receipts on demand.

use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;
use serde::Serialize;

use super::{Json, print_json, reg};
use crate::config::PrinterSetup;
use crate::print::device::{Printer, Status, Target};
use crate::print::docs::{Letterhead, layout, sale_receipt};
use crate::print::escpos;
use crate::print::worker::{document_bytes, fallback_notice, paper, print_direct, test_page_bytes};
use crate::register::{Register, RegisterError};
use crate::store::{JobKind, kv};

/// `till printer …`
#[derive(Subcommand, Debug)]
pub enum PrinterCmd {
    /// Set up this register's receipt printer
    Set {
        /// usb:/dev/usb/lp0, serial:/dev/ttyUSB0:19200 or tcp:HOST:9100
        target: String,
        /// Paper width in mm: 58 or 80
        #[arg(long, default_value = "58")]
        width: String,
        /// text (the printer's font, through a code page) or raster (the screen's fonts)
        #[arg(long, default_value = "text")]
        mode: String,
        /// Text mode's code page: cp858 (has €), cp437, cp1252
        #[arg(long, default_value = "cp858")]
        codepage: String,
        /// No cash drawer hangs off this printer
        #[arg(long)]
        no_drawer: bool,
    },
    /// Stop printing on this register (receipts waiting stay queued)
    Off,
    /// Print a test page now, and say whether it went out
    Test,
    /// The store's logo at the top of every receipt: a PNG (any colour; made black and white,
    /// at most 576 dots wide), kept in the data directory
    Logo {
        /// The picture
        #[arg(required_unless_present = "remove")]
        file: Option<PathBuf>,
        /// Print no logo any more
        #[arg(long, conflicts_with = "file")]
        remove: bool,
    },
    /// The printer's setup, what it says about itself, and the receipts waiting
    Status(Json),
}

#[derive(Serialize)]
struct PrinterStatus {
    configured: bool,
    setup: Option<String>,
    /// ok, paper out, cover open, offline, unreachable, no answer (many USB printers), or none.
    state: String,
    /// What the worker last met.
    last: Option<String>,
    waiting: u64,
}

fn refused(why: String) -> anyhow::Error {
    anyhow::Error::new(RegisterError::Invalid(why))
}

fn setup_of(r: &Register) -> anyhow::Result<PrinterSetup> {
    r.store().get(kv::PRINTER)?.ok_or_else(|| refused("no printer is set up: till printer set usb:/dev/usb/lp0".into()))
}

pub(super) fn printer(r: &mut Register, c: PrinterCmd) -> anyhow::Result<()> {
    match c {
        PrinterCmd::Set { target, width, mode, codepage, no_drawer } => {
            target.parse::<Target>().map_err(|e| refused(e.to_string()))?;
            let mut p = PrinterSetup::new(&target).map_err(refused)?;
            p.set("width", &width).map_err(refused)?;
            p.set("mode", &mode).map_err(refused)?;
            p.set("codepage", &codepage).map_err(refused)?;
            p.drawer = !no_drawer;
            r.store_mut().set(kv::PRINTER, &p)?;
            outln!("printer: {p}");
            Ok(())
        }
        PrinterCmd::Logo { file, remove } => {
            let path = r.store().reader().data_dir().join(crate::print::docs::LOGO_FILE);
            let Some(file) = file.filter(|_| !remove) else {
                match std::fs::remove_file(&path) {
                    Ok(()) => outln!("logo: none"),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => outln!("logo: none"),
                    Err(e) => return Err(anyhow::anyhow!("cannot remove {}: {e}", path.display())),
                }
                return Ok(());
            };
            let bytes = std::fs::read(&file).map_err(|e| refused(format!("cannot read {}: {e}", file.display())))?;
            let picture = till_display::receipt::Bitmap::from_picture(&bytes)
                .map_err(|e| refused(format!("{} is not a picture Till can print: {e}", file.display())))?;
            // As wide as 80 mm paper at most; narrower paper scales it again when printing.
            let width = picture.width.min(till_display::receipt::Paper::Mm80.dots());
            let logo = if picture.width > width { picture.centred(width) } else { picture };
            let png = logo.to_png()?;
            let tmp = path.with_extension("png.tmp");
            std::fs::write(&tmp, png)
                .and_then(|()| std::fs::rename(&tmp, &path))
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            outln!("logo: {}x{} dots, at the top of every receipt", logo.width, logo.height);
            Ok(())
        }
        PrinterCmd::Off => {
            r.store_mut().clear(kv::PRINTER)?;
            outln!("printer: none");
            Ok(())
        }
        PrinterCmd::Test => {
            let setup = setup_of(r)?;
            let target: Target =
                setup.target.parse().map_err(|e: crate::print::device::TargetError| refused(e.to_string()))?;
            let h = reg(Letterhead::of(&r.store().reader(), &reg(r.name())?).map_err(Into::into))?;
            print_direct(&target, &test_page_bytes(&h, &setup))
                .map_err(|e| anyhow::Error::new(Unprintable(e.to_string())))?;
            outln!("printed a test page on {}", setup.target);
            Ok(())
        }
        PrinterCmd::Status(json) => {
            let setup = r.store().get(kv::PRINTER)?;
            let (waiting, last_error) = r.store().reader().print_backlog()?;
            let state = match &setup {
                None => "none".to_string(),
                Some(s) => match s.target.parse::<Target>() {
                    Err(e) => e.to_string(),
                    Ok(t) => match Printer::open(&t, Duration::from_secs(2)) {
                        Err(e) => e.to_string(),
                        Ok(mut p) => match p.status() {
                            Status::Unknown => "no answer (it does not report its status)".into(),
                            s => s.problem().map_or_else(|| "ok".into(), |e| e.to_string()),
                        },
                    },
                },
            };
            let st = PrinterStatus {
                configured: setup.is_some(),
                setup: setup.as_ref().map(ToString::to_string),
                state,
                last: last_error.or(r.store().get(kv::PRINTER_STATE)?),
                waiting,
            };
            if json.json {
                return print_json(&st);
            }
            outln!("printer: {}", st.setup.as_deref().unwrap_or("none"));
            outln!("state:   {}", st.state);
            outln!("waiting: {} job(s){}", st.waiting, st.last.map(|l| format!(" (last: {l})")).unwrap_or_default());
            Ok(())
        }
    }
}

/// The printer could not print (exit 8).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Unprintable(pub String);

/// `till receipt ORDER [--out FILE] [--png FILE] [--print]`
#[derive(clap::Args, Debug)]
pub struct ReceiptArgs {
    /// Order number (R1-000042) or id
    order: String,
    /// Write the printer's bytes (ESC/POS, as this register's printer is set up) to FILE
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write a picture of the receipt (PNG, as a raster printer prints it) to FILE
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
    /// Print it again on this register's printer, marked as a copy
    #[arg(long)]
    print: bool,
    /// Paper width for --out/--png without a printer set up: 58 or 80
    #[arg(long)]
    width: Option<String>,
}

pub(super) fn receipt(r: &mut Register, a: ReceiptArgs) -> anyhow::Result<()> {
    let o = reg(r.order_by_number(&a.order))?;
    let mut setup = r
        .store()
        .get(kv::PRINTER)?
        .unwrap_or_else(|| PrinterSetup::new("usb:/dev/usb/lp0").unwrap_or_else(|_| unreachable!()));
    if let Some(w) = &a.width {
        setup.set("width", w).map_err(refused)?;
    }
    let h = reg(Letterhead::of(&r.store().reader(), &reg(r.name())?).map_err(Into::into))?;
    let doc = sale_receipt(&h, &o, a.print);
    if let Some(path) = &a.out {
        let (mut bytes, replaced) = document_bytes(&doc, &setup);
        bytes.extend(escpos::FEED_AND_CUT);
        if let Some(n) = fallback_notice(replaced, &setup) {
            eprintln!("till: {n}");
        }
        std::fs::write(path, bytes).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = &a.png {
        let png = till_display::receipt::render(&doc, paper(&setup)).to_png()?;
        std::fs::write(path, png).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    if a.print {
        setup_of(r)?;
        let id: crate::model::EventId = o.id.parse().map_err(|_| RegisterError::UnknownOrder(o.id.clone()))?;
        reg(r.reprint(JobKind::Sale, id))?;
        outln!("queued a copy of {} for the printer", o.number);
    }
    if a.out.is_none() && a.png.is_none() && !a.print {
        for line in layout(&doc, paper(&setup).chars()) {
            outln!("{line}");
        }
    }
    Ok(())
}
