//! The print queue: device-local jobs for this register's printer (receipts, reports, drawer
//! kicks), written in the transaction of the event they print and worked off after the commit.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{Reader, Store, StoreError, Tx};
use crate::model::{EventId, RegisterId};

/// What a job prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// A sale's receipt.
    Sale,
    /// A void's receipt.
    Void,
    /// A return's receipt.
    Return,
    /// A Z report.
    Report,
    /// Only open the drawer (cash paid in or out, no sale).
    Kick,
    /// A test page.
    Test,
}

impl JobKind {
    fn as_str(self) -> &'static str {
        match self {
            JobKind::Sale => "sale",
            JobKind::Void => "void",
            JobKind::Return => "return",
            JobKind::Report => "report",
            JobKind::Kick => "kick",
            JobKind::Test => "test",
        }
    }

    fn parse(s: &str) -> JobKind {
        match s {
            "sale" => JobKind::Sale,
            "void" => JobKind::Void,
            "return" => JobKind::Return,
            "report" => JobKind::Report,
            "kick" => JobKind::Kick,
            _ => JobKind::Test,
        }
    }
}

/// A job waiting for the printer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrintJob {
    /// Its number in this register's queue.
    pub id: i64,
    /// What it prints.
    pub what: JobKind,
    /// The event it prints (order, void, return, Z), if any.
    #[serde(serialize_with = "ser_id")]
    pub event: Option<EventId>,
    /// A reprint: marked as a copy.
    pub copy: bool,
    /// Open the drawer after it.
    pub kick: bool,
    /// It was being sent when the register stopped or the write failed: it may have printed.
    pub interrupted: bool,
    /// Tries so far.
    pub attempts: i64,
    /// Why the last try failed.
    pub last_error: Option<String>,
}

fn ser_id<S: serde::Serializer>(id: &Option<EventId>, s: S) -> Result<S::Ok, S::Error> {
    match id {
        Some(id) => s.serialize_some(&id.to_string()),
        None => s.serialize_none(),
    }
}

impl Tx<'_> {
    /// Queues a job for this register's printer, in this transaction.
    pub fn enqueue_print(
        &mut self,
        what: JobKind,
        event: Option<EventId>,
        copy: bool,
        kick: bool,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        let (o, s) = event.map(|e| (e.origin.0.to_vec(), e.seq as i64)).unzip();
        self.tx
            .prepare_cached(
                "INSERT INTO print_jobs (what, ref_origin, ref_seq, copy, kick, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut st| st.execute(params![what.as_str(), o, s, copy, kick, now_ms as i64]))
            .map(|_| ())
            .map_err(|e| self.err(e))
    }
}

impl Reader<'_> {
    /// The oldest job not yet printed.
    pub fn next_print_job(&self) -> Result<Option<PrintJob>, StoreError> {
        self.one(
            "SELECT id, what, ref_origin, ref_seq, copy, kick, state, attempts, last_error
             FROM print_jobs WHERE state != 'done' ORDER BY id LIMIT 1",
            [],
            |r| {
                let origin: Option<Vec<u8>> = r.get(2)?;
                let seq: Option<i64> = r.get(3)?;
                let event = origin
                    .and_then(|o| <[u8; 16]>::try_from(o.as_slice()).ok())
                    .zip(seq)
                    .map(|(o, s)| EventId { origin: RegisterId(o), seq: s.max(1) as u64 });
                Ok(PrintJob {
                    id: r.get(0)?,
                    what: JobKind::parse(&r.get::<_, String>(1)?),
                    event,
                    copy: r.get(4)?,
                    kick: r.get(5)?,
                    interrupted: r.get::<_, String>(6)? == "sending",
                    attempts: r.get(7)?,
                    last_error: r.get(8)?,
                })
            },
        )
    }

    /// Jobs waiting, and the last error of the oldest.
    pub fn print_backlog(&self) -> Result<(u64, Option<String>), StoreError> {
        let n = self.one("SELECT count(*) FROM print_jobs WHERE state != 'done'", [], |r| r.get::<_, i64>(0))?;
        let err = self
            .conn
            .query_row("SELECT last_error FROM print_jobs WHERE state != 'done' ORDER BY id LIMIT 1", [], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()
            .map_err(|e| self.err(e))?
            .flatten();
        Ok((n.unwrap_or(0).max(0) as u64, err))
    }
}

impl Store {
    /// Marks a job as going out to the printer (committed before the first byte is sent).
    pub fn print_sending(&mut self, id: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.tx
                .execute("UPDATE print_jobs SET state = 'sending', attempts = attempts + 1 WHERE id = ?1", [id])
                .map(|_| ())
                .map_err(|e| tx.err(e))
        })
    }

    /// Marks a job printed.
    pub fn print_done(&mut self, id: i64, now_ms: u64) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.tx
                .execute(
                    "UPDATE print_jobs SET state = 'done', done_ms = ?2, last_error = NULL WHERE id = ?1",
                    params![id, now_ms as i64],
                )
                .map(|_| ())
                .map_err(|e| tx.err(e))
        })
    }

    /// Records why a try failed. `sent_nothing`: the printer was not reached, so nothing can have
    /// printed and the job stays as it was; otherwise it stays 'sending' and prints as a copy.
    pub fn print_failed(&mut self, id: i64, why: &str, sent_nothing: bool) -> Result<(), StoreError> {
        self.write(|tx| {
            let sql = if sent_nothing {
                "UPDATE print_jobs SET last_error = ?2, attempts = attempts + 1 WHERE id = ?1"
            } else {
                "UPDATE print_jobs SET last_error = ?2 WHERE id = ?1"
            };
            tx.tx.execute(sql, params![id, why]).map(|_| ()).map_err(|e| tx.err(e))
        })
    }

    /// Forgets printed jobs older than the newest `keep`.
    pub fn print_prune(&mut self, keep: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.tx
                .execute(
                    "DELETE FROM print_jobs WHERE state = 'done' AND id <= (SELECT MAX(id) FROM print_jobs) - ?1",
                    [keep],
                )
                .map(|_| ())
                .map_err(|e| tx.err(e))
        })
    }
}
