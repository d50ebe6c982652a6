//! The print worker: works off this register's print queue after each commit, on its own thread
//! and its own database connection, so printing never sits on the path of a sale.
//!
//! For each job, oldest first: it asks the printer how it is (when the printer answers status
//! queries); paper out, cover open or an unplugged printer leave the job queued, say so in
//! `printer_state` (the screen's banner, `till printer status`) and are retried every
//! [`RETRY`]. Before the first byte goes out the job is marked `sending` and committed; after the
//! last it is marked done. A job found `sending` (the register died mid-job, or a write failed
//! part way) may have printed, so it prints again marked as a copy, without kicking the drawer.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use event_listener::Listener;
use log::{info, warn};
use till_display::receipt::Paper;

use super::codepage::CodePage;
use super::device::{PrintError, Printer, Status, Target};
use super::docs::{Letterhead, report, return_receipt, sale_receipt, void_receipt, x_head, z_head};
use super::escpos;
use crate::config::{PrintMode, PrinterSetup};
use crate::model::EventId;
use crate::store::{DbWatcher, JobKind, PrintJob, Reader, Store, StoreError, kv};
use crate::sync::{Event, EventKind};
use till_display::i18n::Arg;

/// How often a printer that could not print is tried again.
pub const RETRY: Duration = Duration::from_secs(2);
/// How long one job may take to go out.
const SEND_DEADLINE: Duration = Duration::from_secs(20);
/// How long connecting to a network printer may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Why a job's bytes could not be made.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The event the job prints is not (or no longer) in the database.
    #[error("nothing to print for job {0}: its order, return or report is missing")]
    Missing(i64),
}

/// The bytes that print `job` on a printer set up as `setup`: the document, the cut, and the
/// drawer kick when asked (never on a copy).
pub fn job_bytes(
    reader: &Reader<'_>,
    register: &str,
    setup: &PrinterSetup,
    job: &PrintJob,
) -> Result<Vec<u8>, JobError> {
    let copy = job.copy || job.interrupted;
    let h = Letterhead::of(reader, register)?;
    let missing = || JobError::Missing(job.id);
    let doc = match (job.what, job.event) {
        (JobKind::Kick, _) => None,
        (JobKind::Sale, Some(id)) => Some(sale_receipt(&h, &reader.order(&id)?.ok_or_else(missing)?, copy)),
        (JobKind::Void, Some(id)) => {
            let (order, by) = match event(reader, &id)?.map(|e| e.kind) {
                Some(EventKind::VoidRecorded { order, cashier, .. }) => (order, cashier),
                Some(EventKind::OrderVoided { order, .. }) => (order, None),
                _ => return Err(missing()),
            };
            Some(void_receipt(&h, &reader.order(&order)?.ok_or_else(missing)?, by.as_deref()))
        }
        (JobKind::Return, Some(id)) => {
            let rid = id.to_string();
            let r = reader.returns()?.into_iter().find(|r| r.id == rid).ok_or_else(missing)?;
            let products = reader.products(true)?;
            let names =
                |sku: &str| products.iter().find(|p| p.sku == sku).map_or_else(|| sku.to_string(), |p| p.name.clone());
            Some(return_receipt(&h, &r, &names))
        }
        (JobKind::Report, Some(id)) => {
            let z =
                reader.z_reports(Some(id.origin))?.into_iter().find(|z| z.id == id.to_string()).ok_or_else(missing)?;
            let head = z_head(&h, &z, copy);
            Some(report(&h, &head, &z.totals))
        }
        (JobKind::Report, None) => {
            // An X report: this register's day so far, as it stands when it prints.
            let me = reader.register_id()?;
            let p = reader.period(me)?;
            let totals = reader.day_totals(me, p.after_seq, u64::MAX)?;
            let date = crate::store::date_of(p.first_ms.unwrap_or_else(now_ms));
            let mut head = x_head(h.words, &date, p.last_number + 1, p.grand_total_cents.0 + totals.net_cents().0);
            let printed = crate::store::format_ms(now_ms() as i64);
            head.lines.push(h.words.t_with("report-printed", &[("when", Arg::Text(&printed))]));
            Some(report(&h, &head, &totals))
        }
        (JobKind::Test, _) => Some(test_page(&h, setup)),
        (_, None) => return Err(missing()),
    };
    let mut out = Vec::new();
    if let Some(doc) = doc {
        let (bytes, replaced) = document_bytes(&doc, setup);
        if let Some(n) = fallback_notice(replaced, setup) {
            warn!("print job {}: {n}", job.id);
        }
        out.extend(bytes);
        out.extend(escpos::FEED_AND_CUT);
    }
    if job.kick && !copy {
        out.extend(escpos::KICK);
    }
    Ok(out)
}

/// A document as the printer's mode wants it, and how many characters the code page lacked
/// (printed as `?`; always 0 in raster mode, which draws any character the fonts have).
pub fn document_bytes(doc: &till_display::receipt::Receipt, setup: &PrinterSetup) -> (Vec<u8>, usize) {
    let paper = paper(setup);
    match setup.mode {
        PrintMode::Text => {
            // The setup only holds code pages this build knows (config::CODE_PAGES).
            let cp = setup.codepage.parse::<CodePage>().unwrap_or(CodePage::Cp858);
            let e = escpos::encode_text(doc, paper, cp);
            (e.bytes, e.replaced)
        }
        PrintMode::Raster => (escpos::encode_raster(&till_display::receipt::render(doc, paper)), 0),
    }
}

/// The one-line notice for characters a code page lacks.
pub fn fallback_notice(replaced: usize, setup: &PrinterSetup) -> Option<String> {
    (replaced > 0).then(|| {
        format!(
            "{replaced} character(s) are not in the printer's code page {} and printed as '?': \
             use --mode raster to print any language",
            setup.codepage
        )
    })
}

/// The paper a setup names.
pub fn paper(setup: &PrinterSetup) -> Paper {
    Paper::from_mm(setup.width_mm).unwrap_or_default()
}

/// A page that shows the setup and every character the store's receipts need.
pub fn test_page(h: &Letterhead, setup: &PrinterSetup) -> till_display::receipt::Receipt {
    use till_display::receipt::{Block, Receipt};
    let mut blocks = vec![
        Block::Title(h.store_name.clone().unwrap_or_else(|| "Till".into())),
        Block::Center("PRINTER TEST".into()),
        Block::Text(format!("Register {}", h.register)),
        Block::Text(setup.to_string()),
        Block::Rule,
        Block::Pair { left: "Prices in € / £ / $".into(), right: "12.50".into(), bold: false },
        Block::Text("äöü ß éèê ñ ç".into()),
        Block::Pair { left: "TOTAL".into(), right: "12.50".into(), bold: true },
        Block::Rule,
        Block::Barcode("R1-000042".into()),
    ];
    blocks.push(Block::Feed);
    Receipt { blocks }
}

/// The bytes of the test page for a printer set up as `setup`, cut.
pub fn test_page_bytes(h: &Letterhead, setup: &PrinterSetup) -> Vec<u8> {
    let (mut bytes, replaced) = document_bytes(&test_page(h, setup), setup);
    if let Some(n) = fallback_notice(replaced, setup) {
        warn!("test page: {n}");
    }
    bytes.extend(escpos::FEED_AND_CUT);
    bytes
}

/// Prints `bytes` at once, outside the queue (a test page): opens the printer (3 s at most),
/// refuses when its status tells of a problem (paper out, cover open), and sends them within
/// 20 s. Blocks: the screen runs it off its thread.
pub fn print_direct(target: &Target, bytes: &[u8]) -> Result<(), PrintError> {
    let mut p = Printer::open(target, Duration::from_secs(3))?;
    if let Some(problem) = p.status().problem() {
        return Err(problem);
    }
    p.send(bytes, Instant::now() + SEND_DEADLINE)
}

fn event(reader: &Reader<'_>, id: &EventId) -> Result<Option<Event>, StoreError> {
    Ok(reader.event_body(id)?.and_then(|b| Event::decode(&b).ok()))
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// What one round of the worker did.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing to print (or no printer set up).
    Idle,
    /// A job printed.
    Printed,
    /// The printer could not print; the job waits.
    Waiting(String),
}

/// The worker's state: the open printer link, kept between jobs.
#[derive(Debug, Default)]
pub struct Worker {
    link: Option<(String, Printer)>,
    /// Whether this printer answers status queries (asked once per link).
    answers: Option<bool>,
}

impl Worker {
    /// Prints the oldest job, if any and if the printer can.
    pub fn step(&mut self, store: &mut Store) -> Result<Step, JobError> {
        let Some(setup) = store.get(kv::PRINTER)? else {
            self.link = None;
            return Ok(Step::Idle);
        };
        let Some(job) = store.reader().next_print_job()? else { return Ok(Step::Idle) };
        let name = store.get(kv::REGISTER_NAME)?.unwrap_or_else(|| crate::config::DEFAULT_REGISTER_NAME.to_string());
        let bytes = match job_bytes(&store.reader(), &name, &setup, &job) {
            Ok(b) => b,
            Err(JobError::Missing(id)) => {
                // The event behind it is gone (a re-key rewrote ids): nothing will ever print it.
                warn!("print job {id}: its order, return or report is missing; dropped");
                store.print_done(id, now_ms())?;
                return Ok(Step::Printed);
            }
            Err(e) => return Err(e),
        };
        match self.send(&setup, &job, &bytes, store) {
            Ok(()) => {
                store.print_done(job.id, now_ms())?;
                self.set_state(store, "ok")?;
                if job.id % 256 == 0 {
                    store.print_prune(1000)?;
                }
                info!(
                    "printed job {} ({:?}{})",
                    job.id,
                    job.what,
                    if job.copy || job.interrupted { ", copy" } else { "" }
                );
                Ok(Step::Printed)
            }
            Err((e, sent_nothing)) => {
                self.link = None;
                self.answers = None;
                let why = e.to_string();
                store.print_failed(job.id, &why, sent_nothing)?;
                self.set_state(store, &why)?;
                Ok(Step::Waiting(why))
            }
        }
    }

    fn set_state(&self, store: &mut Store, state: &str) -> Result<(), StoreError> {
        if store.get(kv::PRINTER_STATE)?.as_deref() != Some(state) {
            store.set(kv::PRINTER_STATE, &state.to_string())?;
        }
        Ok(())
    }

    /// Sends a job; on failure, the error and whether nothing can have reached the paper.
    fn send(
        &mut self,
        setup: &PrinterSetup,
        job: &PrintJob,
        bytes: &[u8],
        store: &mut Store,
    ) -> Result<(), (PrintError, bool)> {
        let target: Target = setup
            .target
            .parse()
            .map_err(|e: super::device::TargetError| (PrintError::Unreachable(e.to_string()), true))?;
        if self.link.as_ref().is_none_or(|(t, _)| *t != setup.target) {
            let p = Printer::open(&target, CONNECT_TIMEOUT).map_err(|e| (e, true))?;
            self.link = Some((setup.target.clone(), p));
            self.answers = None;
        }
        let Some((_, printer)) = self.link.as_mut() else {
            return Err((PrintError::Unreachable(setup.target.clone()), true));
        };
        // Ask before sending when the printer answers: paper out or the cover open keep the job.
        if self.answers != Some(false) {
            let status = printer.status();
            self.answers = Some(status != Status::Unknown);
            if let Some(problem) = status.problem() {
                return Err((problem, true));
            }
        }
        store.print_sending(job.id).map_err(|e| (PrintError::Unreachable(e.to_string()), true))?;
        printer.send(bytes, Instant::now() + SEND_DEADLINE).map_err(|e| (e, false))
    }
}

/// Runs the worker until `stop`: woken by every commit to the database, and every [`RETRY`]
/// while a job waits for the printer.
pub fn spawn(
    dir: PathBuf,
    watcher: Arc<DbWatcher>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("till-print".into()).spawn(move || {
        let mut store = match Store::open(&dir) {
            Ok(s) => s,
            Err(e) => {
                warn!("the printer is not served: {e}");
                return;
            }
        };
        let mut worker = Worker::default();
        let mut last_wait = String::new();
        while !stop.load(Ordering::SeqCst) {
            let listener = watcher.listen();
            match worker.step(&mut store) {
                Ok(Step::Printed) => {
                    last_wait.clear();
                    continue;
                }
                Ok(Step::Idle) => {
                    listener.wait_timeout(Duration::from_secs(5));
                }
                Ok(Step::Waiting(why)) => {
                    if why != last_wait {
                        warn!("{why}; receipts wait and print when it is back");
                        last_wait = why;
                    }
                    std::thread::sleep(RETRY);
                }
                Err(e) => {
                    warn!("printing: {e}");
                    std::thread::sleep(RETRY);
                }
            }
        }
    })
}
