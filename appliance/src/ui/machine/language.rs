//! Settings → the language button: a manager sets this register's own language (its screen
//! and receipts), the next shipped one at each tap. Saved as the register's setup
//! (`language=…`, as `till setup set` and the flash config write it; docs/LOCALE.md).

use log::{info, warn};
use till_display as d;
use till_display::i18n::{Arg, Language, Words};

use super::Ui;

impl Ui {
    /// Handles `Intent::NextLanguage`: only from Settings, which a manager's PIN opened (checked
    /// here again, not only by the screen offering the button). False for every other intent.
    pub(super) fn language_intent(&mut self, intent: &d::Intent) -> bool {
        if *intent != d::Intent::NextLanguage {
            return false;
        }
        let manager = self.counter.gate.as_ref().map(|a| a.manager.clone());
        let (Some(manager), d::Screen::Settings { .. }) = (manager, &self.screen) else {
            warn!("language change refused: only from Settings, a manager approving");
            return true;
        };
        let all = Language::ALL;
        let at = all.iter().position(|l| *l == self.status.language).unwrap_or(0);
        let next = all[(at + 1) % all.len()];
        if self.save(vec![format!("language={}", next.code())]) {
            info!("this register's language is now {} ({}), set by {manager}", next.name(), next.code());
            self.info(Words(next).t_with("setup-language-set", &[("name", Arg::Text(next.name()))]));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;
    use crate::register::Register;
    use crate::ui::machine::tests::{pin, signed_in};

    #[test]
    fn only_a_manager_in_settings_changes_the_registers_language_and_the_screen_follows() {
        let dir = tempfile::tempdir().expect("test: tempdir");
        let mut r = Register::open(dir.path()).expect("test: open");
        r.set_setting("locale", "de-DE").expect("test: locale");
        r.add_user("ann", Role::Manager, "1234").expect("test: ann");
        let mut ui = signed_in(r);
        ui.refresh();
        assert_eq!(ui.state().status.language, Language::German, "the store's locale's language");
        // Outside Settings the intent changes nothing.
        ui.handle(d::Intent::NextLanguage);
        ui.refresh();
        assert_eq!(ui.state().status.language, Language::German);
        ui.handle(d::Intent::OpenSettings);
        pin(&mut ui, "1234");
        assert!(matches!(ui.state().screen, d::Screen::Settings { .. }));
        ui.handle(d::Intent::NextLanguage);
        assert_eq!(ui.state().status.language, Language::French, "German, then French");
        assert!(
            ui.state().banner.is_some_and(|b| b.text == "Langue de cette caisse : Français"),
            "{:?}",
            ui.state().banner
        );
        for _ in 0..3 {
            ui.handle(d::Intent::NextLanguage);
        }
        assert_eq!(ui.state().status.language, Language::German, "round the four");
        let own = crate::net::lock(&ui.reg).store().setup().expect("test: setup").language;
        assert_eq!(own.as_deref(), Some("de"), "saved as the register's own");
        // Settings left: the manager's approval no longer reaches the language.
        ui.handle(d::Intent::OpenSale);
        ui.handle(d::Intent::NextLanguage);
        assert_eq!(ui.state().status.language, Language::German);
    }
}
