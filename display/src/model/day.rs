//! The business day and the printer on the screen (issue 15): the "Drawer & day" menu, a report
//! (an X, a Z, or the Z the day is about to close with), and Settings → Printer.

/// What the "Drawer & day" menu offers, in the order it shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayAction {
    /// Cash put into the drawer (change from the bank): an amount, then a reason.
    PaidIn,
    /// Cash paid out of the drawer (a delivery, stamps): an amount, then a reason.
    PaidOut,
    /// Cash taken from the drawer to the safe: an amount, then a reason.
    Drop,
    /// The drawer opened without a sale: a manager approves, then a reason.
    NoSale,
    /// The day so far at this register (a manager's).
    XReport,
    /// Closing the day: the cash counted, the figures checked, then the Z report (a manager's).
    CloseDay,
}

impl DayAction {
    /// Every action, in the menu's order.
    pub const ALL: [DayAction; 6] = [
        DayAction::PaidIn,
        DayAction::PaidOut,
        DayAction::Drop,
        DayAction::NoSale,
        DayAction::XReport,
        DayAction::CloseDay,
    ];

    /// Whether a manager approves it on the PIN pad first.
    pub fn needs_manager(self) -> bool {
        matches!(self, DayAction::NoSale | DayAction::XReport | DayAction::CloseDay)
    }
}

/// The "Drawer & day" menu's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayView {
    /// Who is signed in: cash movements are recorded with their name.
    pub cashier: String,
    /// Whether a cash drawer hangs off this register's printer (it then opens by itself).
    pub drawer: bool,
}

/// Which report shows, and so what can be done with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportKind {
    /// The day so far (an X report): read on the screen, never printed (only a Z prints).
    X,
    /// A Z report that was made: Print queues a copy for the printer.
    Z,
    /// The Z the day would close with, counted cash included: Close day makes it.
    Closing,
}

/// A report on the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportView {
    /// What it is, and so its buttons.
    pub kind: ReportKind,
    /// Its name on the screen, e.g. "X report", "Z report 3", "Close the day: Z 3".
    pub title: String,
    /// The report as the printer lays it out in its own font (the appliance's
    /// `print::docs::layout`): one string a line, amounts right-aligned with spaces, centred lines
    /// indented with spaces, rules as dashes. The screen keeps amounts right-aligned and centred
    /// lines centred in its own type.
    pub lines: Vec<String>,
    /// The page of lines showing (0-based); clamped to the last page when drawing.
    pub page: usize,
    /// The figures that matter most, beside the report where the panel is wide enough:
    /// a label and an amount, e.g. ("Expected cash", "$62.00").
    pub figures: Vec<(String, String)>,
}

/// How this register reaches its receipt printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrinterLink {
    /// No printer: receipts are not printed and the drawer is opened by its key.
    Off,
    /// A USB printer (the kernel's usblp driver).
    Usb,
    /// A printer on a serial line (a USB serial adapter).
    Serial,
    /// A network printer's raw port.
    Network,
}

impl PrinterLink {
    /// Every choice, in the screen's order.
    pub const ALL: [PrinterLink; 4] = [PrinterLink::Off, PrinterLink::Usb, PrinterLink::Serial, PrinterLink::Network];
}

/// The printer's setup as the screen offers it when USB is chosen.
pub const USB_PRINTER: &str = "usb:/dev/usb/lp0";
/// The printer's setup as the screen offers it when serial is chosen (19200 baud, the usual
/// factory setting).
pub const SERIAL_PRINTER: &str = "serial:/dev/ttyUSB0:19200";

/// One of the printer's yes/no or two-way options, flipped by a tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrinterToggle {
    /// Paper 58 or 80 mm wide.
    Paper,
    /// Text (the printer's font) or raster (the screen's fonts, any alphabet).
    Mode,
    /// Whether a cash drawer hangs off the printer.
    Drawer,
}

/// Settings → Printer: the form, and what the printer last said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterView {
    /// How the printer is reached, as chosen on the form.
    pub link: PrinterLink,
    /// USB or serial: the device, in words ("/dev/usb/lp0", "/dev/ttyUSB0 at 19200 baud");
    /// network: the address as typed ("10.0.0.9", "10.0.0.9:9100"); empty for none.
    pub device: String,
    /// Paper width in mm: 58 or 80.
    pub paper_mm: u32,
    /// Raster mode (the screen's fonts) rather than text mode (the printer's own font).
    pub raster: bool,
    /// A cash drawer hangs off the printer.
    pub drawer: bool,
    /// The setup saved now, in words; `None`: no printer is set up.
    pub saved: Option<String>,
    /// What the printer said last, e.g. "ok" or "printer: paper out"; `None`: nothing yet.
    pub state: Option<String>,
    /// Receipts and reports waiting in the print queue.
    pub waiting: u64,
    /// A test page is going out: Test print is greyed out until it is done.
    pub testing: bool,
}
