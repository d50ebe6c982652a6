//! The online shop export at the register (issue 16): a manager sends the entries the shop
//! refused again. The exporter (`export::worker`) does the sending; this only puts them back in
//! its queue, with the manager's approval checked here like every other manager's operation.

use log::info;

use super::{Approval, Register, Result};

impl Register {
    /// Sends every export entry the shop refused for good (dead) again at once: a manager
    /// approves (a store with no manager yet needs none, like the CLI on a fresh store). Returns
    /// how many will be sent again; the exporter is woken by the commit.
    pub fn retry_export(&mut self, approval: Option<&Approval>) -> Result<u64> {
        self.retry_export_entry(None, approval)
    }

    /// Sends one entry (by key) again now, or every refused one (`None`), once a manager's
    /// approval holds (`till export retry`).
    pub fn retry_export_entry(&mut self, key: Option<&str>, approval: Option<&Approval>) -> Result<u64> {
        let by = self.required_approval(approval, "sending refused export entries again")?;
        let n = self.store.export_retry(key)?;
        info!(
            "{n} refused export entr{} sent again, approved by {}",
            if n == 1 { "y" } else { "ies" },
            by.as_deref().unwrap_or("nobody (no manager yet)")
        );
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ExportSetup;
    use crate::model::{Cents, Payment, Role};
    use crate::register::RegisterError;
    use crate::store::{EntryState, kv};

    #[test]
    fn only_a_managers_approval_sends_refused_entries_again() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut r = Register::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let words = ["url=https://shop.example/till".into(), "secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()];
        let setup = ExportSetup::parse("webhook", &words, 0).unwrap_or_else(|e| panic!("{e}"));
        r.store_mut().set(kv::EXPORT, &setup).unwrap_or_else(|e| panic!("{e}"));
        let tea = "TEA".parse().unwrap_or_else(|_| unreachable!());
        r.add_product(tea, "Tea", Cents(300), None, None).unwrap_or_else(|e| panic!("{e}"));
        r.create_order(&[("TEA".parse().unwrap_or_else(|_| unreachable!()), 1)], Payment::Cash, None)
            .unwrap_or_else(|e| panic!("{e}"));
        let entries = |r: &Register, s| r.store().reader().export_entries(Some(s), 10).unwrap_or_default();
        let id = entries(&r, EntryState::Pending)[0].id;
        r.store_mut().export_dead(id, "webhook: HTTP 422 no").unwrap_or_else(|e| panic!("{e}"));
        r.add_user("ann", Role::Manager, "1234").unwrap_or_else(|e| panic!("{e}"));
        r.add_user("bo", Role::Cashier, "1357").unwrap_or_else(|e| panic!("{e}"));

        let bo = Approval { manager: "bo".into(), pin: "1357".into() };
        let wrong = Approval { manager: "ann".into(), pin: "9999".into() };
        for approval in [None, Some(&bo), Some(&wrong)] {
            let refused = r.retry_export(approval);
            assert!(
                matches!(refused, Err(RegisterError::NeedsManager(_) | RegisterError::WrongPin(_))),
                "{approval:?}: {refused:?}"
            );
            assert_eq!(entries(&r, EntryState::Dead).len(), 1, "{approval:?} sent nothing again");
        }
        let ann = Approval { manager: "ann".into(), pin: "1234".into() };
        assert_eq!(r.retry_export(Some(&ann)).ok(), Some(1));
        assert_eq!((entries(&r, EntryState::Dead).len(), entries(&r, EntryState::Pending).len()), (0, 1));
    }
}
