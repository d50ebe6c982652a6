//! Settings → Printer on the screen (a manager's, behind the same PIN as Settings): how the
//! receipt printer is reached, paper, mode and drawer, saved as `kv::PRINTER` like
//! `till printer set`; what the printer last said and what waits in the queue; and a test page
//! printed at once, like `till printer test`, off the screen's thread.

use log::info;
use till_display as d;
use till_display::i18n::Arg::{Count, Text};
use till_display::i18n::Words;

use super::{Effect, Ui};
use crate::config::{PrintMode, PrinterSetup};
use crate::net::lock;
use crate::print::device::Target;
use crate::print::docs::Letterhead;
use crate::print::worker::{print_direct, test_page_bytes};
use crate::store::kv;

/// The printer form as a manager changes it; nothing is stored before Save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct PrinterForm {
    link: d::PrinterLink,
    /// The USB and serial targets offered: the saved one of that kind, else the usual device.
    usb: String,
    serial: String,
    /// A network printer's address as typed (without `tcp:`).
    address: String,
    paper_mm: u32,
    raster: bool,
    drawer: bool,
    /// Text mode's code page (not on the screen: kept as saved, `till printer set --codepage`).
    codepage: String,
    /// A test page is going out.
    testing: bool,
}

impl PrinterForm {
    /// The form for the setup saved now (none: no printer, the usual choices offered).
    fn of(saved: Option<&PrinterSetup>) -> PrinterForm {
        let target = saved.map(|p| p.target.as_str()).unwrap_or_default();
        let link = match target.split_once(':').map(|(kind, _)| kind) {
            Some("usb") => d::PrinterLink::Usb,
            Some("serial") => d::PrinterLink::Serial,
            Some("tcp") => d::PrinterLink::Network,
            _ => d::PrinterLink::Off,
        };
        let kept =
            |kind: d::PrinterLink, usual: &str| if kind == link { target.to_string() } else { usual.to_string() };
        PrinterForm {
            usb: kept(d::PrinterLink::Usb, d::USB_PRINTER),
            serial: kept(d::PrinterLink::Serial, d::SERIAL_PRINTER),
            address: if link == d::PrinterLink::Network {
                target.trim_start_matches("tcp:").to_string()
            } else {
                String::new()
            },
            link,
            paper_mm: saved.map_or(58, |p| p.width_mm),
            raster: saved.is_some_and(|p| p.mode == PrintMode::Raster),
            drawer: saved.is_none_or(|p| p.drawer),
            codepage: saved.map_or_else(|| "cp858".into(), |p| p.codepage.clone()),
            testing: false,
        }
    }

    /// The setup the form describes (`None`: no printer), or why it is not one.
    fn setup(&self, w: Words) -> Result<Option<PrinterSetup>, String> {
        let target = match self.link {
            d::PrinterLink::Off => return Ok(None),
            d::PrinterLink::Usb => self.usb.clone(),
            d::PrinterLink::Serial => self.serial.clone(),
            d::PrinterLink::Network => {
                let address = self.address.trim();
                if address.is_empty() {
                    return Err(w.t("machine-printer-address-first"));
                }
                format!("tcp:{address}")
            }
        };
        // Stored as it prints back (`tcp:10.0.0.9:9100`), so what is saved is what was checked.
        let target = target.parse::<Target>().map_err(|e| e.to_string())?.to_string();
        let mut p = PrinterSetup::new(&target)?;
        p.set("width", &self.paper_mm.to_string())?;
        p.set("mode", if self.raster { "raster" } else { "text" })?;
        p.set("codepage", &self.codepage)?;
        p.drawer = self.drawer;
        Ok(Some(p))
    }

    /// Where the printer is, in the screen's words.
    fn device(&self, w: Words) -> String {
        let words = |t: &str| match t.parse::<Target>() {
            Ok(Target::Usb(path)) => path.display().to_string(),
            Ok(Target::Serial { path, baud }) => {
                let (path, baud) = (path.display().to_string(), baud.to_string());
                w.t_with("machine-printer-serial", &[("path", Text(&path)), ("baud", Text(&baud))])
            }
            _ => t.to_string(),
        };
        match self.link {
            d::PrinterLink::Off => String::new(),
            d::PrinterLink::Usb => words(&self.usb),
            d::PrinterLink::Serial => words(&self.serial),
            d::PrinterLink::Network => self.address.clone(),
        }
    }
}

/// Whether a banner is the printer's: it starts with the word and a colon ("Printer: …",
/// in French "Imprimante : …").
pub(super) fn printer_banner(w: Words, text: &str) -> bool {
    text.strip_prefix(&w.t("machine-printer")).is_some_and(|rest| rest.trim_start().starts_with(':'))
}

/// What stops this register's receipts from printing, while some wait (none: nothing waits, or
/// no printer is set up). A banner only: what cannot be read shows no banner (the printer
/// screen and the console say why), since a banner about a banner would hide the sale's own.
pub(super) fn printer_trouble(r: &crate::register::Register, w: Words) -> Option<String> {
    let (waiting, last) = r.store().reader().print_backlog().ok()?;
    r.store().get(crate::store::kv::PRINTER).ok()??;
    let state = r.store().get(crate::store::kv::PRINTER_STATE).ok().flatten().or(last)?;
    (waiting > 0 && state != "ok").then(|| {
        let why = state.trim_start_matches("printer: ");
        let printer = w.t("machine-printer");
        w.t_with(
            "machine-printer-waiting",
            &[
                ("printer", Text(&printer)),
                ("why", Text(why)),
                ("count", Count(i64::try_from(waiting).unwrap_or(i64::MAX))),
            ],
        )
    })
}

impl Ui {
    /// Settings → Printer, with the setup saved now.
    fn open_printer(&mut self) {
        let saved = lock(&self.reg).store().get(kv::PRINTER);
        match saved {
            Ok(saved) => {
                self.printer = Some(PrinterForm::of(saved.as_ref()));
                self.show_printer();
            }
            Err(e) => self.error(self.words().t_with("machine-printer-unreadable", &[("error", Text(&e.to_string()))])),
        }
    }

    /// Shows the printer form with what is saved, what the printer said last and what waits.
    pub(super) fn show_printer(&mut self) {
        if self.printer.is_none() {
            return;
        }
        // What the queue and the printer last said, shown on the form: a value that cannot be
        // read is said as that, not shown as "nothing waits" or "no printer".
        let read = {
            let r = lock(&self.reg);
            let s = r.store();
            s.get(kv::PRINTER).map(|saved| {
                let (waiting, last) = s
                    .reader()
                    .print_backlog()
                    .unwrap_or_else(|e| (0, Some(format!("cannot read the print queue: {e}"))));
                let state = saved.as_ref().and_then(|_| {
                    last.or_else(|| s.get(kv::PRINTER_STATE).unwrap_or_else(|e| Some(format!("cannot read: {e}"))))
                });
                (saved.map(|p| p.to_string()), state, waiting)
            })
        };
        let (saved, state, waiting) = match read {
            Ok(r) => r,
            Err(e) => {
                let e = e.to_string();
                return self.error(self.words().t_with("machine-printer-setup-unreadable", &[("error", Text(&e))]));
            }
        };
        let Some(form) = &self.printer else { return };
        self.screen = d::Screen::Printer(d::PrinterView {
            link: form.link,
            device: form.device(self.words()),
            paper_mm: form.paper_mm,
            raster: form.raster,
            drawer: form.drawer,
            saved,
            state,
            waiting,
            testing: form.testing,
        });
    }

    /// Acts on the printer screen's intents (and its address keyboard's); `None` for intents
    /// that are not its, else the slow work started.
    pub(super) fn printer_intent(&mut self, intent: &d::Intent) -> Option<Option<Effect>> {
        use d::Intent as I;
        let on_form = matches!(self.screen, d::Screen::Printer(_)) && self.printer.is_some();
        let typing = matches!(&self.screen, d::Screen::Keyboard(kb) if kb.field == d::Field::PrinterAddress);
        match intent {
            I::OpenPrinter => self.open_printer(),
            I::PrinterLink(link) if on_form => self.change_printer(|f| f.link = *link),
            I::PrinterToggle(t) if on_form => self.change_printer(|f| match t {
                d::PrinterToggle::Paper => f.paper_mm = if f.paper_mm == 80 { 58 } else { 80 },
                d::PrinterToggle::Mode => f.raster = !f.raster,
                d::PrinterToggle::Drawer => f.drawer = !f.drawer,
            }),
            I::EditField(d::Field::PrinterAddress) if on_form => {
                let value = self.printer.as_ref().map(|f| f.address.clone()).unwrap_or_default();
                self.keyboard_from = None;
                self.screen = d::Screen::Keyboard(d::KeyboardView {
                    field: d::Field::PrinterAddress,
                    label: self.words().t("machine-printer-address"),
                    value,
                    masked: false,
                    layer: d::KeyLayer::Symbols,
                });
            }
            I::DoneTyping if typing => {
                if let d::Screen::Keyboard(kb) = self.screen.clone() {
                    self.change_printer(|f| f.address = kb.value.trim().to_string());
                }
            }
            I::CancelTyping | I::Back if typing => self.show_printer(),
            I::Save if on_form => self.save_printer(),
            I::TestPrint if on_form => return Some(self.start_test_print()),
            I::Back if on_form => {
                self.printer = None;
                match self.config() {
                    Some(cfg) => self.screen = d::Screen::Settings { current: super::to_display_mode(cfg.mode) },
                    None => self.screen = d::Screen::Status,
                }
            }
            I::PrinterLink(_) | I::PrinterToggle(_) | I::TestPrint => {}
            _ => return None,
        }
        Some(None)
    }

    fn change_printer(&mut self, change: impl FnOnce(&mut PrinterForm)) {
        if let Some(f) = &mut self.printer {
            change(f);
        }
        self.show_printer();
    }

    /// Save: the form's setup is stored as `till printer set` stores it (none: printing stops,
    /// as `till printer off`; receipts waiting stay queued).
    fn save_printer(&mut self) {
        let Some(form) = &self.printer else { return };
        let result = form.setup(self.words()).and_then(|setup| {
            let mut r = lock(&self.reg);
            match &setup {
                Some(p) => r.store_mut().set(kv::PRINTER, p),
                None => r.store_mut().clear(kv::PRINTER),
            }
            .map_err(|e| e.to_string())?;
            Ok(setup)
        });
        match result {
            Ok(Some(p)) => {
                info!("printer set on the screen: {p}");
                let w = self.words();
                let mode =
                    w.t(if p.mode == PrintMode::Raster { "machine-printer-raster" } else { "machine-printer-text" });
                let width = p.width_mm.to_string();
                let args = [("target", Text(&p.target)), ("width", Text(&width)), ("mode", Text(&mode))];
                let id = if p.drawer { "machine-printer-saved-drawer" } else { "machine-printer-saved" };
                self.info(w.t_with(id, &args));
                // The saved target is what the form shows from now on.
                self.printer = Some(PrinterForm::of(Some(&p)));
            }
            Ok(None) => {
                info!("printer turned off on the screen");
                self.info(self.words().t("machine-printer-off"));
            }
            Err(e) => self.error(self.words().t_with("machine-printer-not-saved", &[("error", Text(&e))])),
        }
        self.show_printer();
    }

    /// Test print: checks the form, says so, and leaves the printing to [`Ui::test_print`].
    fn start_test_print(&mut self) -> Option<Effect> {
        let setup = self.printer.as_ref().map(|f| f.setup(self.words()));
        match setup {
            Some(Ok(Some(p))) => {
                self.info(self.words().t_with("machine-test-printing", &[("target", Text(&p.target))]));
                self.change_printer(|f| f.testing = true);
                Some(Effect::TestPrint)
            }
            Some(Ok(None)) => {
                self.error(self.words().t("machine-printer-link-first"));
                None
            }
            Some(Err(e)) => {
                self.error(self.words().t_with("machine-no-test-page", &[("error", Text(&e))]));
                None
            }
            None => None,
        }
    }

    /// Prints the test page with the form's setup, on a blocking thread (the printer may take
    /// seconds to answer, or never), and says in the banner how it went.
    pub(super) async fn test_print(&mut self) {
        let Some(Ok(Some(setup))) = self.printer.as_ref().map(|f| f.setup(self.words())) else { return };
        let page = {
            let r = lock(&self.reg);
            r.name().map_err(|e| e.to_string()).and_then(|name| {
                Letterhead::of(&r.store().reader(), &name)
                    .map(|h| test_page_bytes(&h, &setup))
                    .map_err(|e| e.to_string())
            })
        };
        let result = match (page, setup.target.parse::<Target>()) {
            (Ok(bytes), Ok(target)) => {
                smol::unblock(move || print_direct(&target, &bytes).map_err(|e| e.to_string())).await
            }
            (Err(e), _) => Err(e),
            (_, Err(e)) => Err(e.to_string()),
        };
        match result {
            Ok(()) => {
                info!("test page printed on {}", setup.target);
                self.info(self.words().t_with("machine-test-printed", &[("target", Text(&setup.target))]));
            }
            Err(e) => {
                info!("test page on {}: {e}", setup.target);
                self.error(self.words().t_with("machine-no-test-page", &[("error", Text(&format!("{e}.")))]));
            }
        }
        if let Some(f) = &mut self.printer {
            f.testing = false;
        }
        if matches!(self.screen, d::Screen::Printer(_)) {
            self.show_printer();
        }
    }
}
