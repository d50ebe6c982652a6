//! Promotion (issue 17; docs/ARCHITECTURE.md, "Promotion and terms"): a client register becomes
//! the store's server. One transaction appends `ServerElected { self, highest known term + 1 }`
//! and saves the setup as a server on the same port (name and secret kept); a running `till run`
//! sees the setup change and starts serving. Fetching what the old server still has comes first,
//! from the layers above (the network is not this layer's).

use log::info;

use super::{Approval, Register, RegisterError, Result, append};
use crate::config::{ConfigUpdate, Mode};
use crate::sync::{EventKind, next_term};

/// What a promotion did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Promoted {
    /// The term this register now serves.
    pub term: u64,
    /// The port it serves on.
    pub port: u16,
    /// The manager who approved it, if the store has one.
    pub approved_by: Option<String>,
}

impl Register {
    /// Makes this client the store's server at the next term. Refused (nothing changed) when
    /// this register is not a client, and without a manager's approval once the store has one.
    pub fn promote(&mut self, approval: Option<&Approval>) -> Result<Promoted> {
        let setup = self.store.setup()?;
        if setup.mode != Mode::Client {
            return Err(RegisterError::Invalid(format!(
                "only a client can be promoted; this register is {}, nothing was changed",
                match setup.mode {
                    Mode::Server => "already a server",
                    _ => "standalone",
                }
            )));
        }
        let approved_by = self.required_approval(approval, "making this register the store's server")?;
        self.elect_self(approved_by)
    }

    /// A standby's takeover (`setup set standby=yes`): the promotion its server's absence for
    /// `standby_after` calls for, approved in advance by whoever made it the standby. Refused
    /// (nothing changed) unless this register is a client set up as the standby. `apart`: how
    /// long its server has not been reached, for the log line (written here, once committed: the
    /// setup change stops the caller's task at once).
    pub fn take_over(&mut self, apart: std::time::Duration) -> Result<Promoted> {
        let setup = self.store.setup()?;
        if setup.mode != Mode::Client || !setup.standby {
            return Err(RegisterError::Invalid("only a client set up as the standby takes over".into()));
        }
        let p = self.elect_self(None)?;
        info!("standby: no server for {} s; this register now serves the store at term {}", apart.as_secs(), p.term);
        Ok(p)
    }

    /// After a re-key (a server restored from an old backup): when the standing election names
    /// this register's old id and it serves, the same election again under the new id at the
    /// next term, so every register derives that it still serves (ARCHITECTURE.md, "Promotion
    /// and terms"). Returns the new term, if it elected itself.
    pub fn reelect_after_rekey(&mut self, k: &crate::store::Rekeyed) -> Result<Option<u64>> {
        if self.store.setup()?.mode != Mode::Server {
            return Ok(None);
        }
        let term = self.store.write(|tx| {
            let standing = tx.reader().server_term()?.election;
            if standing.is_none_or(|e| e.register != k.old) {
                return Ok::<_, RegisterError>(None);
            }
            let term = next_term(standing);
            append(tx, EventKind::ServerElected { register: k.new, term })?;
            Ok(Some(term))
        })?;
        if let Some(t) = term {
            info!(
                "re-keyed from {} to {}: this register serves the store again at term {t}",
                k.old.short(),
                k.new.short()
            );
        }
        Ok(term)
    }

    /// Appends this register's election at the next term and saves it as the server, at once.
    fn elect_self(&mut self, approved_by: Option<String>) -> Result<Promoted> {
        let setup = self.store.setup()?;
        let serving =
            setup.with(ConfigUpdate::mode(Mode::Server)).map_err(|e| RegisterError::Invalid(e.to_string()))?;
        let me = self.store.register_id();
        let term = self.store.write(|tx| {
            let term = next_term(tx.reader().server_term()?.election);
            append(tx, EventKind::ServerElected { register: me, term })?;
            tx.save_setup(&serving)?;
            tx.clear(crate::store::kv::STEPPED_DOWN)?;
            Ok::<_, RegisterError>(term)
        })?;
        info!(
            "promoted to server of the store at term {term} on port {}, approved by {}",
            serving.port,
            approved_by.as_deref().unwrap_or("nobody (a standby's takeover, or no manager yet)")
        );
        Ok(Promoted { term, port: serving.port, approved_by })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;
    use crate::store::kv;

    fn client(dir: &std::path::Path) -> Register {
        let mut r = Register::open(dir).unwrap_or_else(|e| panic!("{e}"));
        let words: Vec<String> = ["mode=client", "name=A", "server=127.0.0.1:9", "secret=corner-shop-4Kq9-zX2m-Wp7"]
            .map(String::from)
            .into();
        let cfg = r.store().setup().unwrap_or_else(|e| panic!("{e}"));
        let cfg =
            cfg.with(ConfigUpdate::parse(&words).unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"));
        r.store_mut().write(|tx| tx.save_setup(&cfg)).unwrap_or_else(|e| panic!("{e}"));
        r
    }

    #[test]
    fn a_client_becomes_the_server_of_the_next_term_and_nothing_else_can() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut r = client(dir.path());
        let p = r.promote(None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((p.term, p.port), (1, crate::config::DEFAULT_PORT));
        let setup = r.store().setup().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((setup.mode, setup.register_name.as_str()), (Mode::Server, "A"));
        assert!(setup.secret.is_some(), "the secret is kept");
        let t = r.store().reader().server_term().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((t.term, t.election.map(|e| e.register)), (1, Some(r.store().register_id())));
        // A server is refused, and nothing changes.
        let before = r.store().canonical_dump().unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(r.promote(None), Err(RegisterError::Invalid(_))));
        assert_eq!(r.store().canonical_dump().unwrap_or_else(|e| panic!("{e}")), before);
        assert_eq!(r.store().get(kv::MODE).ok().flatten(), Some(Mode::Server));
    }

    #[test]
    fn only_a_client_set_up_as_the_standby_takes_over_and_needs_no_pin_then() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut r = client(dir.path());
        r.add_user("ann", Role::Manager, "4821").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(r.take_over(std::time::Duration::ZERO), Err(RegisterError::Invalid(_))), "not the standby");
        assert_eq!(r.store().get(kv::MODE).ok().flatten(), Some(Mode::Client), "nothing changed");
        let cfg = r.store().setup().unwrap_or_else(|e| panic!("{e}"));
        let standby = ConfigUpdate::parse(&["standby=yes", "standby_after=5s"]).unwrap_or_else(|e| panic!("{e}"));
        let cfg = cfg.with(standby).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((cfg.standby, cfg.standby_after_secs), (true, 5));
        r.store_mut().write(|tx| tx.save_setup(&cfg)).unwrap_or_else(|e| panic!("{e}"));
        let p = r.take_over(std::time::Duration::from_secs(5)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((p.term, p.approved_by), (1, None));
        assert_eq!(r.store().get(kv::MODE).ok().flatten(), Some(Mode::Server));
    }

    #[test]
    fn a_server_re_keyed_under_its_own_election_is_elected_again_under_the_new_id() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut r = client(dir.path());
        r.promote(None).unwrap_or_else(|e| panic!("{e}"));
        let old = r.store().register_id();
        let k = r.store_mut().write(|tx| tx.rekey(Vec::new(), 1)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((k.old, r.store().register_id()), (old, k.new));
        // Before: the store's election names an id nobody has any more, and the new id serves 0.
        assert_eq!(r.store().reader().serving_term(k.new).ok(), Some(0));
        assert_eq!(r.reelect_after_rekey(&k).ok(), Some(Some(2)));
        let t = r.store().reader().server_term().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((t.term, t.election.map(|e| e.register)), (2, Some(k.new)));
        assert_eq!(r.store().reader().serving_term(k.new).ok(), Some(2));
        // Once is enough: the standing election names the new id now.
        assert_eq!(r.reelect_after_rekey(&k).ok(), Some(None));
    }

    #[test]
    fn once_the_store_has_a_manager_promotion_needs_one() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut r = client(dir.path());
        r.add_user("ann", Role::Manager, "4821").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(r.promote(None), Err(RegisterError::NeedsManager(_))));
        assert_eq!(r.store().get(kv::MODE).ok().flatten(), Some(Mode::Client), "nothing changed");
        let ok = Approval { manager: "ann".into(), pin: "4821".into() };
        assert_eq!(r.promote(Some(&ok)).map(|p| p.approved_by).ok(), Some(Some("ann".into())));
    }
}
