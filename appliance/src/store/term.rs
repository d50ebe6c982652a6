//! Server terms as the store derives them (docs/ARCHITECTURE.md, "Promotion and terms"): the
//! elections in `server_terms`, decided by [`crate::sync::elected`], the one rule every register
//! applies.

use serde::Serialize;

use super::{Reader, StoreError};
use crate::model::{RegisterId, hex};
use crate::sync::{Election, elected};

/// Who serves the store, as this register knows it (`till status --json`'s `term`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ServerTerm {
    /// The highest term this register holds an election for; 0: none (the store's first server).
    pub term: u64,
    /// The register elected for it (hex id), if any.
    pub register_id: Option<String>,
    /// Its name, as the store knows it.
    pub register: Option<String>,
    /// The election itself, for code that compares ids.
    #[serde(skip)]
    pub election: Option<Election>,
}

impl Reader<'_> {
    /// Every election this register holds, in no particular order.
    pub fn elections(&self) -> Result<Vec<Election>, StoreError> {
        self.rows("SELECT register, term FROM server_terms", [], |r| {
            let id: Vec<u8> = r.get(0)?;
            let term: i64 = r.get(1)?;
            // Written from a RegisterId and a term of 1..=i64::MAX by apply.rs only.
            Ok(Election { term: term.max(0) as u64, register: RegisterId(id.try_into().unwrap_or([0; 16])) })
        })
    }

    /// The standing election and the name of its register.
    pub fn server_term(&self) -> Result<ServerTerm, StoreError> {
        let Some(e) = elected(self.elections()?) else {
            return Ok(ServerTerm { term: 0, register_id: None, register: None, election: None });
        };
        Ok(ServerTerm {
            term: e.term,
            register_id: Some(hex(&e.register.0)),
            register: Some(self.register_label(&e.register.0)?),
            election: Some(e),
        })
    }

    /// The term `register` serves: the highest of the elections naming it, 0 if none does (a
    /// store's first server). What a server states in its discover answer.
    pub fn serving_term(&self, register: RegisterId) -> Result<u64, StoreError> {
        Ok(self.elections()?.into_iter().filter(|e| e.register == register).map(|e| e.term).max().unwrap_or(0))
    }

    /// The encoded `ServerElected` events this register holds, and the `RegisterNamed` events of
    /// the registers they elect (so the receiver can name them): what a client tells a server of
    /// a lower term. A gap this leaves in the receiver's copy of a register's events is safe: its
    /// version vector counts only the unbroken prefix, so anti-entropy still fills the rest.
    pub fn election_events(&self) -> Result<Vec<Vec<u8>>, StoreError> {
        self.rows(
            "SELECT body FROM events
             WHERE (origin, seq) IN (SELECT origin, seq FROM server_terms)
                OR (kind = 'register_named' AND origin IN (SELECT register FROM server_terms))
             ORDER BY origin, seq",
            [],
            |r| r.get(0),
        )
    }

    /// The host a register last reached this one from, as the peers table holds it
    /// (`ADDRESS:PORT` or an address alone), if it ever did.
    pub fn peer_address(&self, register: RegisterId) -> Result<Option<String>, StoreError> {
        Ok(self.one("SELECT address FROM peers WHERE register_id = ?1", [&register.0[..]], |r| r.get(0))?.flatten())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{EventId, RegisterId};
    use crate::store::Store;
    use crate::sync::{Event, EventKind, Hlc};

    fn elected_event(origin: u8, seq: u64, register: u8, term: u64) -> Vec<u8> {
        Event {
            id: EventId { origin: RegisterId([origin; 16]), seq },
            hlc: Hlc { wall_ms: 1_000 + seq, logical: 0 },
            kind: EventKind::ServerElected { register: RegisterId([register; 16]), term },
        }
        .encode()
    }

    /// Two registers receive the same elections in opposite orders, in one batch or several:
    /// both name the same server and term, and their dumps are equal.
    #[test]
    fn every_delivery_order_names_the_same_server() {
        let events = [
            elected_event(1, 1, 1, 1),
            elected_event(2, 1, 2, 2),
            elected_event(3, 1, 3, 2),
            elected_event(1, 2, 1, 1),
        ];
        let mut answers = Vec::new();
        for order in [vec![0, 1, 2, 3], vec![3, 2, 1, 0], vec![2, 0, 3, 1]] {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let mut s = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
            for i in order {
                s.apply_remote(std::slice::from_ref(&events[i]), 0).unwrap_or_else(|e| panic!("{e}"));
            }
            let t = s.reader().server_term().unwrap_or_else(|e| panic!("{e}"));
            let dump = s.canonical_dump().unwrap_or_else(|e| panic!("{e}"));
            answers.push((t.term, t.election.map(|e| e.register), dump));
        }
        assert_eq!((answers[0].0, answers[0].1), (2, Some(RegisterId([3; 16]))), "term 2, tie to the larger id");
        assert!(answers.windows(2).all(|w| w[0] == w[1]), "the same answer and dump whatever the order");
    }
}
