//! The online shop export on the screen (issue 16): the header's badge while entries were refused
//! or wait too long, the export screen it opens (where orders and stock go, what waits, went and
//! was refused, the last error in words), and Retry, which a manager approves on the PIN pad
//! before `Register::retry_export` sends every refused entry again.

use log::info;
use till_display as d;
use till_display::i18n::Arg::{Count, Text};
use till_display::i18n::Words;

use super::Ui;
use super::counter::Pending;
use super::status::span;
use crate::config::Mode;
use crate::net::lock;
use crate::register::{Approval, Register};
use crate::store::{Store, StoreError, kv};

/// How long the oldest entry may wait before the header's badge says the export lags: 5 minutes.
/// The exporter sends within milliseconds of a commit and backs a failing shop off to at most 5
/// minutes between tries, so an entry still waiting after that has met at least one failure.
pub const EXPORT_LAG_BADGE_MS: u64 = 5 * 60 * 1000;

/// The export's setup when this register exports (set up, and not a client: the server exports
/// for the store), as the exporter decides it.
fn exporting(s: &Store) -> Result<Option<crate::config::ExportSetup>, StoreError> {
    if s.get(kv::MODE)? == Some(Mode::Client) {
        return Ok(None);
    }
    s.get(kv::EXPORT)
}

/// How long the oldest waiting entry has waited at `now_ms`, if any waits.
fn waited_ms(s: &Store, now_ms: u64) -> Result<Option<u64>, StoreError> {
    let since = s.reader().export_waiting_since()?;
    Ok(since.map(|t| now_ms.saturating_sub(u64::try_from(t).unwrap_or(0))))
}

/// The header badge's facts: `Some` while this register exports and an entry was refused, or the
/// oldest has waited [`EXPORT_LAG_BADGE_MS`] or longer.
pub(super) fn export_alert(r: &Register, w: Words, now_ms: u64) -> Result<Option<d::ExportAlert>, StoreError> {
    let s = r.store();
    if exporting(s)?.is_none() {
        return Ok(None);
    }
    let (pending, dead) = s.reader().export_backlog()?;
    let waited = waited_ms(s, now_ms)?;
    if dead == 0 && waited.is_none_or(|w| w < EXPORT_LAG_BADGE_MS) {
        return Ok(None);
    }
    Ok(Some(d::ExportAlert {
        refused: dead,
        waiting: pending,
        waited: waited.map(|ms| span(w, ms)).unwrap_or_default(),
    }))
}

/// The export screen's facts.
pub(super) fn load_export(r: &Register, w: Words, now_ms: u64) -> Result<d::ExportView, StoreError> {
    let s = r.store();
    let setup = exporting(s)?;
    let counts = s.reader().export_counts()?;
    // The exporter's last word when it is a failure (it may fail before any entry: a setup the
    // build cannot use), else the last failure an unsent entry met.
    let state = s.get(kv::EXPORT_STATE)?.filter(|st| st != "ok");
    Ok(d::ExportView {
        connector: setup.as_ref().map(|e| e.name().to_string()),
        destination: setup.as_ref().map(|e| e.destination()).unwrap_or_default(),
        pending: counts.pending,
        sent: counts.sent,
        dead: counts.dead,
        oldest_waiting: waited_ms(s, now_ms)?.map(|ms| span(w, ms)),
        last_error: state.or(counts.last_error).map(|e| error_words(w, &e)),
    })
}

/// The status code and what follows it in an error that carries an HTTP answer
/// (`webhook: HTTP 422 {"error": …}`).
fn http_status(raw: &str) -> Option<(u16, &str)> {
    let rest = &raw[raw.find("HTTP ")? + 5..];
    let code = rest.get(..3)?.parse().ok()?;
    Some((code, rest.get(3..).unwrap_or_default().trim_start_matches(':').trim()))
}

/// An error without the entry's key the exporter puts in front of it (`<origin>:<seq>: …`,
/// `conflict:<hex>: …`): a manager cannot use the key, `till export list` shows it.
fn without_key(raw: &str) -> &str {
    let Some((key, rest)) = raw.split_once(": ") else { return raw };
    let keyish = key.split_once(':').is_some_and(|(a, b)| {
        (a == "conflict" || a.len() == 32)
            && !b.is_empty()
            && a.chars().chain(b.chars()).all(|c| c.is_ascii_alphanumeric())
    });
    if keyish { rest } else { raw }
}

/// The exporter's or a shop's failure in words a manager can act on, the shop's own words after.
pub(super) fn error_words(w: Words, raw: &str) -> String {
    let raw = without_key(raw.trim());
    let with = |words: String, detail: &str| if detail.is_empty() { words } else { format!("{words}: {detail}") };
    if let Some((code, body)) = http_status(raw) {
        let id = match code {
            401 | 403 => "machine-shop-credentials",
            404 => "machine-shop-not-found",
            408 | 425 | 429 => "machine-shop-wait",
            500..=599 => "machine-shop-fault",
            _ => "machine-shop-refused",
        };
        return with(w.t_with(id, &[("code", Text(&code.to_string()))]), body);
    }
    if raw.contains("does not resolve") {
        w.t("machine-shop-no-dns")
    } else if let Some(i) = raw.find("no answer within ") {
        w.t_with("machine-shop-no-answer", &[("time", Text(&raw[i + 17..]))])
    } else if let Some(i) = raw.find(": TLS: ") {
        with(w.t("machine-shop-tls"), &raw[i + 7..])
    } else if raw.contains("is not in the database") {
        with(w.t("machine-shop-gone"), raw)
    } else if raw.contains("is not in this build") {
        w.t("machine-shop-no-connector")
    } else {
        raw.to_string()
    }
}

impl Ui {
    /// Shows the export screen with what the database says now.
    pub(super) fn show_export(&mut self) {
        let read = load_export(&lock(&self.reg), self.words(), crate::net::unix_ms());
        match read {
            Ok(view) => self.screen = d::Screen::Export(view),
            Err(e) => self.error(self.words().t_with("machine-export-unreadable", &[("error", Text(&e.to_string()))])),
        }
    }

    /// Acts on the export screen's intents and on the PIN pad while it asks for Retry's approval;
    /// false for everything else.
    pub(super) fn export_intent(&mut self, intent: &d::Intent) -> bool {
        use d::Intent as I;
        let on = matches!(self.screen, d::Screen::Export(_));
        let pin =
            matches!(self.screen, d::Screen::PinPad(_)) && matches!(self.counter.pending, Some(Pending::RetryExport));
        match intent {
            I::OpenExport => {
                // From the sale screen or the status screen (the header's badge); Back returns there.
                if !on {
                    self.export_from_sale = matches!(self.screen, d::Screen::Sale(_));
                }
                // Retry's approval is asked for here, never brought from another screen.
                self.counter.gate = None;
                self.refresh();
                self.show_export();
            }
            I::RetryExport if on => self.ask_retry(),
            I::ConfirmRetryExport if on => self.retry_export(),
            // A stale tap (the export screen is no longer showing) does nothing.
            I::RetryExport | I::ConfirmRetryExport => {}
            I::CancelPin if pin => {
                self.counter.pending = None;
                self.counter.pin.digits.clear();
                self.show_export();
            }
            I::Back if on => {
                self.refresh();
                if self.export_from_sale {
                    self.show_sale();
                } else {
                    self.screen = d::Screen::Status;
                }
            }
            _ => return false,
        }
        true
    }

    /// Retry: a manager approves on the PIN pad (while an approval given here stands, it is not
    /// asked again); with nothing refused there is nothing to approve.
    fn ask_retry(&mut self) {
        let dead = match &self.screen {
            d::Screen::Export(v) => v.dead,
            _ => 0,
        };
        if dead == 0 {
            self.info(self.words().t("machine-export-nothing"));
        } else if self.counter.gate.is_some() {
            self.retry_export();
        } else {
            let count = Count(i64::try_from(dead).unwrap_or(i64::MAX));
            self.ask_manager(Pending::RetryExport, self.words().t_with("machine-export-retry", &[("count", count)]));
        }
    }

    /// A manager approved Retry: the approval stands while the export screen shows, and the
    /// retry goes through [`Ui::allowed`] like a tap would.
    pub(super) fn export_approved(&mut self, a: Approval) {
        self.counter.gate = Some(a);
        self.show_export();
        self.act(d::Intent::ConfirmRetryExport);
    }

    /// Sends every refused entry again with the approval that stands (the register checks it
    /// again), and says how many in the banner.
    fn retry_export(&mut self) {
        let Some(a) = self.counter.gate.clone() else { return };
        let done = lock(&self.reg).retry_export(Some(&a));
        match done {
            Ok(0) => self.info(self.words().t("machine-export-nothing")),
            Ok(n) => {
                info!("{} approved sending {n} refused export entries again on the screen", a.manager);
                let args = [("manager", Text(&a.manager)), ("count", Count(i64::try_from(n).unwrap_or(i64::MAX)))];
                self.info(self.words().t_with("machine-export-retried", &args));
            }
            Err(e) => self.error(self.words().t_with("machine-export-not-retried", &[("error", Text(&e.to_string()))])),
        }
        self.refresh();
    }
}
