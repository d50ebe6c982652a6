//! Settings → "Back up to USB" (issue 17; docs/ARCHITECTURE.md, "Backups to a USB stick"): a
//! manager backs the store up to the stick labelled TILL-BACKUP. The stick module mounts it,
//! writes the sealed backup, syncs and unmounts it, on its own database connection off the
//! screen's thread; the banner says what happened, in words, and when the stick may come out.

use log::{info, warn};
use till_display as d;
use till_display::i18n::Arg::{Count, Text};

use super::{Effect, Ui};
use crate::net::lock;
use crate::stick::{StickPaths, Trigger, back_up_data_dir_to_stick};

/// How the banner of a backup under way starts in English (`machine-stick-under-way`).
#[cfg(test)]
const UNDER_WAY: &str = "Backing up to the USB stick";

impl Ui {
    /// Handles `Intent::BackupToStick` (Settings' approval already checked it is a manager's):
    /// the slow part is an effect; `None` for every other intent.
    pub(super) fn stick_intent(&mut self, intent: &d::Intent) -> Option<Option<Effect>> {
        if *intent != d::Intent::BackupToStick {
            return None;
        }
        if !matches!(self.screen, d::Screen::Settings { .. }) {
            return Some(None);
        }
        self.info(self.words().t("machine-stick-under-way"));
        Some(Some(Effect::StickBackup))
    }

    /// Runs the backup off the screen's thread and says how it went.
    pub(super) async fn stick_backup(&mut self) {
        let dir = lock(&self.reg).store().path().parent().map(std::path::Path::to_path_buf);
        let Some(dir) = dir else {
            self.error(self.words().t("machine-stick-no-folder"));
            return;
        };
        let paths = self.stick_paths.clone().unwrap_or_else(StickPaths::system);
        let done = smol::unblock(move || back_up_data_dir_to_stick(&dir, &paths, Trigger::Screen)).await;
        match done {
            Ok(b) => {
                info!("stick backup from the screen: {} ({} bytes) on {}", b.file, b.bytes, b.device.display());
                let w = self.words();
                let older = match b.kept.saturating_sub(1) {
                    0 => w.t("machine-stick-none-older"),
                    n => w.t_with("machine-stick-older", &[("count", Count(i64::try_from(n).unwrap_or(i64::MAX)))]),
                };
                let size = size(b.bytes);
                let args = [("file", Text(&b.file)), ("size", Text(&size)), ("older", Text(&older))];
                self.info(w.t_with("machine-stick-done", &args));
            }
            Err(e) => {
                warn!("stick backup from the screen failed: {e}");
                self.error(self.words().t_with("machine-stick-failed", &[("error", Text(&e.to_string()))]));
            }
        }
    }
}

/// "840 KB", "12.4 MB".
fn size(bytes: u64) -> String {
    if bytes < 1_000_000 { format!("{} KB", bytes.div_ceil(1000)) } else { format!("{:.1} MB", bytes as f64 / 1e6) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::Register;
    use crate::ui::machine::tests::{pin, signed_in};

    #[test]
    fn the_button_needs_settings_and_says_plainly_when_no_stick_is_in() {
        let dir = tempfile::tempdir().expect("test: tempdir");
        let sys = tempfile::tempdir().expect("test: sysfs");
        let mut ui = signed_in(Register::open(dir.path()).expect("test: open"));
        ui.stick_paths = Some(StickPaths {
            sys_block: sys.path().to_path_buf(),
            dev: sys.path().to_path_buf(),
            mount_at: sys.path().join("mnt"),
        });
        // Outside Settings' approval it is refused in the code path.
        assert_eq!(ui.handle(d::Intent::BackupToStick), None);
        assert_eq!(ui.state().screen.name(), "sale");
        ui.handle(d::Intent::OpenSettings);
        pin(&mut ui, "1234");
        assert_eq!(ui.handle(d::Intent::BackupToStick), Some(Effect::StickBackup));
        assert!(ui.state().banner.is_some_and(|b| b.text.starts_with(UNDER_WAY)));
        smol::block_on(ui.perform(Effect::StickBackup));
        let b = ui.state().banner.expect("test: a banner");
        assert_eq!(b.kind, d::BannerKind::Error);
        assert!(b.text.contains("No USB stick labelled TILL-BACKUP is plugged in"), "{}", b.text);
        assert_eq!(ui.state().screen.name(), "settings", "the manager stays in Settings");
    }

    #[test]
    fn sizes_read_as_a_person_says_them() {
        assert_eq!((size(0), size(840_100), size(12_400_000)), ("0 KB".into(), "841 KB".into(), "12.4 MB".into()));
    }
}
