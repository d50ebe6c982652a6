//! Settings → "Update to V now" (issue 18; docs/ARCHITECTURE.md, "Updates over the store's
//! LAN"): a client keeps an update fetched from its server for the store's update window; a
//! manager may apply it at once. The updater (`net::updater`) then writes the inactive slot and
//! `till run` restarts into it (exit 22).

use log::{info, warn};
use till_display as d;
use till_display::i18n::Arg::Text;

use super::Ui;
use crate::update::rollout;

impl Ui {
    /// Handles `Intent::UpdateNow`: only from a client's Settings, which a manager's PIN opened
    /// (checked here again, not only by hiding the button). False for every other intent.
    pub(super) fn update_now_intent(&mut self, intent: &d::Intent) -> bool {
        if *intent != d::Intent::UpdateNow {
            return false;
        }
        let manager = self.counter.gate.as_ref().map(|a| a.manager.clone());
        let (Some(manager), d::Screen::Settings { current: d::Mode::Client }) = (manager, &self.screen) else {
            warn!("Update now refused: only from a client's Settings, a manager approving");
            return true;
        };
        match rollout::ready() {
            Some(v) => {
                info!("update: {v} now, approved by {manager}");
                rollout::apply_now();
                self.info(self.words().t_with("machine-updating", &[("version", Text(&v.to_string()))]));
            }
            None => self.error(self.words().t("machine-no-update")),
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigUpdate;
    use crate::model::Role;
    use crate::register::Register;
    use crate::ui::machine::tests::{pin, signed_in};

    #[test]
    fn only_a_manager_in_a_clients_settings_applies_the_waiting_update_now() {
        let dir = tempfile::tempdir().expect("test: tempdir");
        let mut r = Register::open(dir.path()).expect("test: open");
        let words = ["mode=client", "name=Patio", "server=127.0.0.1:9", "secret=corner-shop-4Kq9-zX2m-Wp7"];
        let cfg = r.store().setup().expect("test: setup");
        let cfg = cfg.with(ConfigUpdate::parse(&words).expect("test: words")).expect("test: with");
        r.store_mut().write(|tx| tx.save_setup(&cfg)).expect("test: save");
        r.add_user("ann", Role::Manager, "1234").expect("test: ann");
        let mut ui = signed_in(r);
        rollout::set_ready(Some("9.9.9".into()));
        // Outside Settings the intent is refused in the code path.
        ui.handle(d::Intent::UpdateNow);
        assert!(!rollout::now_asked());
        ui.handle(d::Intent::OpenSettings);
        pin(&mut ui, "1234");
        assert_eq!(ui.state().screen, d::Screen::Settings { current: d::Mode::Client });
        ui.refresh();
        assert_eq!(ui.state().status.update_ready.as_deref(), Some("9.9.9"), "the button shows");
        ui.handle(d::Intent::UpdateNow);
        assert!(rollout::now_asked());
        assert!(ui.state().banner.is_some_and(|b| b.text.starts_with("Updating to 9.9.9")));
        // The window no longer holds it back (an open cart still would).
        assert_eq!(rollout::busy(Some("00:00-00:01"), 12 * 3_600_000), None);
        rollout::set_ready(None);
    }
}
