//! Settings → Multi-Register → "Make this register the server" (issue 17; docs/ARCHITECTURE.md,
//! "Promotion and terms"): on a client, a manager's PIN (it doubles as the confirmation), then
//! the last pull from the old server (what it can still give, within [`LAST_PULL`]), then the
//! promotion `till setup promote` makes. The running register sees the setup change and serves.
//! Also the banner of a server that stepped down for a higher term.

use std::time::Duration;

use log::{info, warn};
use till_display as d;
use till_display::i18n::Arg::Text;

use super::counter::Pending;
use super::{Effect, Ui};
use crate::net::lock;
use crate::net::poller::{PollerTuning, SyncPoller};
use crate::register::Approval;
use crate::store::{DbWatcher, kv};

/// How long the last pull may take before the promotion goes on without it (the CLI's
/// `--wait` default).
pub const LAST_PULL: Duration = Duration::from_secs(5);

impl Ui {
    /// Handles `Intent::Promote` (the Settings gate already checked it is a manager's); false
    /// for every other intent.
    pub(super) fn promote_intent(&mut self, intent: &d::Intent) -> bool {
        if *intent != d::Intent::Promote {
            return false;
        }
        // Only from a client's Settings: the button shows nowhere else.
        if matches!(self.screen, d::Screen::Settings { current: d::Mode::Client }) {
            self.ask_manager(Pending::Promote, self.words().t("machine-promote"));
        }
        true
    }

    /// A manager typed the PIN: the slow part runs as an effect, with the banner saying so.
    pub(super) fn promote_approved(&mut self, approval: Approval) {
        self.promoting = Some(approval);
        self.queued = Some(Effect::Promote);
        self.screen = d::Screen::Status;
        let seconds = LAST_PULL.as_secs().to_string();
        self.info(self.words().t_with("machine-taking-over", &[("seconds", Text(&seconds))]));
    }

    /// The last pull, then the promotion; the status screen shows the outcome.
    pub(super) async fn promote(&mut self) {
        let Some(approval) = self.promoting.take() else { return };
        let Some(cfg) = self.config() else { return };
        let dir = lock(&self.reg).store().path().parent().map(std::path::Path::to_path_buf);
        let w = self.words();
        let pulled = match dir
            .and_then(|dir| SyncPoller::new(self.reg.clone(), DbWatcher::start(&dir), &cfg, PollerTuning::default()))
        {
            Some(poller) => match poller.last_pull(LAST_PULL).await {
                Ok(n) => w.t_with("machine-pulled", &[("count", Text(&n.to_string()))]),
                Err(e) => {
                    warn!("last pull before the promotion: {e}");
                    w.t("machine-old-server-silent")
                }
            },
            None => w.t("machine-no-old-server"),
        };
        let promoted = lock(&self.reg).promote(Some(&approval));
        self.refresh();
        self.screen = d::Screen::Status;
        match promoted {
            Ok(p) => {
                info!("promoted on the screen by {}: term {}", approval.manager, p.term);
                let (term, port) = (p.term.to_string(), p.port.to_string());
                let args = [("term", Text(&term)), ("port", Text(&port)), ("pulled", Text(&pulled))];
                self.info(w.t_with("machine-promoted", &args));
            }
            Err(e) => self.error(w.t_with("machine-not-promoted", &[("error", Text(&e.to_string()))])),
        }
    }

    /// A server that stepped down for a higher term says so in the banner (and in `till status`
    /// and the log, from `modes/term.rs`) until someone dismisses it.
    pub(super) fn stepped_down_banner(&mut self) {
        let note = lock(&self.reg).store().get(kv::STEPPED_DOWN);
        match note {
            Ok(Some(note)) if self.stepped_down_seen.as_ref() != Some(&note) && self.banner.is_none() => {
                self.info(self.stepped_down_words(&note));
            }
            Ok(_) => {}
            Err(e) => warn!("cannot read whether this register stepped down: {e}"),
        }
    }

    /// The banner is dismissed: a step-down note it showed is not shown again.
    pub(super) fn dismissed(&mut self) {
        let note = lock(&self.reg).store().get(kv::STEPPED_DOWN).ok().flatten();
        if let Some(note) = note
            && self.banner.as_ref().is_some_and(|b| b.text == self.stepped_down_words(&note))
        {
            self.stepped_down_seen = Some(note);
        }
        self.banner = None;
    }

    /// The step-down banner for `note`.
    fn stepped_down_words(&self, note: &str) -> String {
        self.words().t_with("machine-stepped-down", &[("note", Text(note))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigUpdate, Mode};
    use crate::model::Role;
    use crate::register::Register;
    use crate::ui::machine::tests::{pin, signed_in};

    /// A client of a server that is gone (nothing listens on port 9), with manager ann (1234)
    /// and cashier cy (5678).
    fn orphaned_client(dir: &std::path::Path) -> Register {
        let mut r = Register::open(dir).expect("test: open");
        let words = ["mode=client", "name=Patio", "server=127.0.0.1:9", "secret=corner-shop-4Kq9-zX2m-Wp7"];
        let cfg = r.store().setup().expect("test: setup");
        let cfg = cfg.with(ConfigUpdate::parse(&words).expect("test: words")).expect("test: with");
        r.store_mut().write(|tx| tx.save_setup(&cfg)).expect("test: save");
        r.add_user("ann", Role::Manager, "1234").expect("test: ann");
        r.add_user("cy", Role::Cashier, "5678").expect("test: cy");
        r
    }

    fn mode(ui: &Ui) -> Mode {
        lock(&ui.reg).store().setup().expect("test: setup").mode
    }

    /// Types a PIN and returns the effect its OK started.
    fn pin_effect(ui: &mut Ui, digits: &str) -> Option<Effect> {
        for c in digits.bytes() {
            ui.handle(d::Intent::PinDigit(c - b'0'));
        }
        ui.handle(d::Intent::PinEnter)
    }

    #[test]
    fn a_manager_makes_a_client_the_server_from_settings_and_nobody_else_can() {
        let dir = tempfile::tempdir().expect("test: tempdir");
        let mut ui = signed_in(orphaned_client(dir.path()));
        assert_eq!((ui.state().status.term, ui.state().status.mode), (0, d::Mode::Client));

        // Outside Settings' approval the intent is refused in the code path, not only hidden.
        assert_eq!(ui.handle(d::Intent::Promote), None);
        assert_eq!((ui.state().screen.name(), mode(&ui)), ("sale", Mode::Client));

        // In Settings, the button asks for a manager's PIN again: a cashier's does not do.
        ui.handle(d::Intent::OpenSettings);
        pin(&mut ui, "1234");
        assert_eq!(ui.state().screen, d::Screen::Settings { current: d::Mode::Client });
        ui.handle(d::Intent::Promote);
        let d::Screen::PinPad(pad) = ui.state().screen else { panic!("no PIN pad: {:?}", ui.state().screen) };
        assert!(matches!(&pad.purpose, d::PinPurpose::Approve { reason } if reason.contains("server")));
        assert_eq!(pin_effect(&mut ui, "5678"), None, "a cashier's PIN approves nothing");
        assert_eq!(mode(&ui), Mode::Client);

        // The manager's PIN: the last pull (nothing answers), then the promotion.
        let effect = pin_effect(&mut ui, "1234");
        assert_eq!(effect, Some(Effect::Promote));
        assert_eq!(ui.state().screen, d::Screen::Status);
        smol::block_on(ui.perform(Effect::Promote));
        assert_eq!(mode(&ui), Mode::Server);
        let st = ui.state();
        assert_eq!(
            (st.status.mode, st.status.term, st.status.server_name.as_deref()),
            (d::Mode::Server, 1, Some("Patio"))
        );
        let banner = st.banner.map(|b| (b.kind, b.text)).unwrap_or((d::BannerKind::Error, String::new()));
        assert_eq!(banner.0, d::BannerKind::Info, "{}", banner.1);
        assert!(banner.1.contains("term 1") && banner.1.contains("did not answer"), "{}", banner.1);
        let term = lock(&ui.reg).store().reader().server_term().expect("test: term");
        assert_eq!(term.term, 1);

        // A server has no such button, and the intent does nothing there.
        ui.handle(d::Intent::OpenSettings);
        pin(&mut ui, "1234");
        ui.handle(d::Intent::Promote);
        assert_eq!(ui.state().screen, d::Screen::Settings { current: d::Mode::Server });
    }

    #[test]
    fn a_register_that_stepped_down_says_so_until_dismissed() {
        let dir = tempfile::tempdir().expect("test: tempdir");
        let mut r = orphaned_client(dir.path());
        let note = "register B serves the store at term 2 (stepped down 2026-12-04 10:00:00)".to_string();
        r.store_mut().set(kv::STEPPED_DOWN, &note).expect("test: note");
        let mut ui = signed_in(r);
        // Signing in cleared the banner, not the news: it shows until dismissed.
        ui.refresh();
        let banner = ui.state().banner.map(|b| b.text).unwrap_or_default();
        assert!(banner.contains("stopped serving") && banner.contains("term 2"), "{banner}");
        ui.refresh();
        assert!(ui.state().banner.is_some_and(|b| b.text == banner));
        ui.handle(d::Intent::DismissBanner);
        ui.refresh();
        assert_eq!(ui.state().banner, None, "dismissed, it stays away");
    }
}
