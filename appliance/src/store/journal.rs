//! The journal (docs/DATA.md, "The journal and its export"): every event a register makes carries
//! the hash of that register's previous event ([`Link`]), so an event edited, removed, moved or
//! slipped in on one box breaks the chain. [`Store::verify_journal`] walks every register's chain
//! this database holds, and compares the derived tables with what the log rebuilds into.
//!
//! The rebuild runs in a scratch database (in memory for a small log; for a large one a file
//! beside the real one, removed afterwards), which attaches the real one read-only, in one read transaction: a register selling at the same time neither blocks nor confuses
//! the check.

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::{Connection, params};
use serde::Serialize;

use super::{APPLICATION_ID, Store, StoreError, migrate, rebuild};
use crate::model::{EventId, RegisterId, hex, quote};
use crate::sync::{Event, Link, event_hash};

/// Differences listed per derived table; the rest are counted in one line.
const MAX_ROWS_LISTED: usize = 100;

/// Logs up to this many events are rebuilt in memory (about 20 MB at most); larger ones in a
/// scratch file beside the database, as a register's memory is small.
const IN_MEMORY_EVENTS: i64 = 20_000;

/// Tables that are not derived from the log: the log itself and device-local data.
const NOT_DERIVED: &[&str] = &["device_kv", "events", "outbox", "peers", "print_jobs", "sqlite_sequence"];

/// What is wrong, in one word (stable: `--json` prints it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Events of a register's sequence are not here (deleted, or not yet synced).
    Missing,
    /// An event's bytes no longer hash to what the register's next event recorded.
    Edited,
    /// An event without a link after its register's journal began: re-encoded or forged.
    Unlinked,
    /// A row holds the bytes of another event (rows swapped or renumbered).
    Moved,
    /// A chain starts where it cannot (`Start` after seq 1, `After` at seq 1).
    BadStart,
    /// A row's columns (time, kind, applied) disagree with its bytes.
    Columns,
    /// Bytes that are not an event this build can read, stored as if they were.
    Undecodable,
    /// A row of a derived table is not what the log says.
    Derived,
}

/// One thing that does not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// The register (32 hex digits) whose event it concerns, if any.
    pub register: Option<String>,
    /// The name that register goes by, if known.
    pub register_name: Option<String>,
    /// The event's seq (the first missing one, for `missing`).
    pub seq: Option<u64>,
    /// The last missing seq (`missing` only).
    pub last_seq: Option<u64>,
    /// The event's id, `<register>:<seq>`.
    pub event: Option<String>,
    /// The event's kind (`order_placed`…), when known.
    pub event_kind: Option<String>,
    /// The derived table (`derived` only).
    pub table: Option<String>,
    /// What is wrong, in words.
    pub what: String,
}

/// One register's chain as this database holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegisterChain {
    /// The register's id, 32 hex digits.
    pub register: String,
    /// The name it goes by, if known.
    pub name: Option<String>,
    /// Events held.
    pub events: u64,
    /// Events written before the journal began (by an older release): counted, not checked.
    pub before_journal: u64,
    /// The first event with a link.
    pub journal_from: Option<u64>,
    /// The id this register had before a re-key, when its chain says it restarted.
    pub restarted_from: Option<String>,
    /// Events of a kind this build cannot read: their own links are not checked.
    pub unchecked: u64,
    /// The last event held.
    pub head_seq: u64,
    /// BLAKE2b-256 of the last event's bytes, hex: compare it with other registers' copies.
    pub head_hash: String,
}

/// The comparison of the derived tables with the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DerivedCheck {
    /// Tables compared.
    pub tables: usize,
    /// Rows compared (of this database's tables).
    pub rows: u64,
}

/// What `till journal verify` found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JournalReport {
    /// True when nothing is wrong.
    pub ok: bool,
    /// Events checked.
    pub events: u64,
    /// Every register's chain.
    pub registers: Vec<RegisterChain>,
    /// The derived tables' comparison (`None` with `--quick`).
    pub derived: Option<DerivedCheck>,
    /// Everything that does not hold, in the order of the registers' chains, then by table.
    pub problems: Vec<Problem>,
}

impl Store {
    /// Checks every register's chain this database holds and, with `derived`, that every
    /// derived table is what the log rebuilds into (see the module's documentation).
    pub fn verify_journal(&self, derived: bool) -> Result<JournalReport, StoreError> {
        self.verify_with(derived, IN_MEMORY_EVENTS)
    }

    /// [`Store::verify_journal`], rebuilding in memory only a log of up to `in_memory` events.
    fn verify_with(&self, derived: bool, in_memory: i64) -> Result<JournalReport, StoreError> {
        let err = |e| StoreError::from_sqlite(e, &self.path);
        let Some(path) = self.path.to_str() else {
            return Err(StoreError::Io {
                what: "cannot open for checking",
                path: self.path.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path is not UTF-8"),
            });
        };
        // A small log is rebuilt in memory (about 1 KB an event), a large one in a file.
        let size: Option<i64> =
            self.conn.query_row("SELECT MAX(log_seq) FROM events", [], |r| r.get(0)).map_err(err)?;
        let in_memory = !derived || size.unwrap_or(0) <= in_memory;
        let mut scratch = if in_memory { Scratch::memory() } else { Scratch::beside(&self.path) }.map_err(err)?;
        let Some(mem) = scratch.conn.as_mut() else { return Err(err(rusqlite::Error::InvalidQuery)) };
        mem.busy_timeout(super::BUSY_TIMEOUT).map_err(err)?;
        if derived {
            // The derived tables of this schema, empty; the log is read where it is (an unqualified
            // `events` then names the attached database's).
            mem.pragma_update(None, "foreign_keys", "ON").map_err(err)?;
            migrate::run(mem, APPLICATION_ID).map_err(err)?;
            mem.execute_batch("DROP TABLE main.events").map_err(err)?;
        }
        // Read-only: nothing here may write to the database checked, whatever a table's name.
        let uri: String = path
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'.' | b'_' | b'-' | b'~' => char::from(b).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        mem.execute("ATTACH DATABASE ?1 AS src", [format!("file:{uri}?mode=ro")]).map_err(err)?;
        let tx = mem.transaction().map_err(err)?;
        let names = names(&tx).map_err(err)?;
        let mut walk = Walk { names: &names, problems: Vec::new(), chains: Vec::new(), cur: None };
        let mut events = 0;
        {
            let mut st = tx
                .prepare(
                    "SELECT origin, seq, hlc_ms, hlc_logical, kind, applied, body FROM src.events ORDER BY origin, seq",
                )
                .map_err(err)?;
            let mut rows = st.query([]).map_err(err)?;
            while let Some(r) = rows.next().map_err(err)? {
                let origin: Vec<u8> = r.get(0).map_err(err)?;
                let row = Row {
                    origin: RegisterId(origin.try_into().unwrap_or([0; 16])),
                    seq: u64::try_from(r.get::<_, i64>(1).map_err(err)?).unwrap_or(0),
                    hlc: (r.get(2).map_err(err)?, r.get(3).map_err(err)?),
                    kind: r.get(4).map_err(err)?,
                    applied: r.get(5).map_err(err)?,
                    body: r.get(6).map_err(err)?,
                };
                walk.row(row);
                events += 1;
            }
        }
        walk.finish();
        let Walk { mut problems, chains, .. } = walk;
        let derived = if derived {
            rebuild(&tx).map_err(err)?;
            Some(compare_derived(&tx, &names, &mut problems).map_err(err)?)
        } else {
            None
        };
        // Nothing was written to the database checked; the scratch copy is removed with `scratch`.
        tx.commit().map_err(err)?;
        Ok(JournalReport { ok: problems.is_empty(), events, registers: chains, derived, problems })
    }
}

/// Where the log is rebuilt for the comparison: a file beside the database, as a register's
/// memory is small (a rebuild in memory takes about 1 KB an event), or memory when the data
/// directory cannot be written. Removed when dropped.
struct Scratch {
    conn: Option<Connection>,
    file: Option<std::path::PathBuf>,
}

impl Scratch {
    fn memory() -> rusqlite::Result<Scratch> {
        Ok(Scratch { conn: Some(Connection::open_in_memory()?), file: None })
    }

    fn beside(db: &std::path::Path) -> rusqlite::Result<Scratch> {
        // Not `till.db…`: the data-directory watcher wakes the register for those.
        let file = db.with_file_name(format!("till-verify-{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&file);
        let Ok(conn) = Connection::open(&file) else { return Scratch::memory() };
        let scratch = Scratch { conn: Some(conn), file: Some(file) };
        if let Some(c) = &scratch.conn {
            // Thrown away afterwards: no journal, no fsync, a small cache.
            c.pragma_update(None, "journal_mode", "OFF")?;
            c.pragma_update(None, "synchronous", "OFF")?;
            c.pragma_update(None, "cache_size", -8192)?;
        }
        Ok(scratch)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take() {
            let _ = c.close();
        }
        if let Some(f) = &self.file {
            let _ = std::fs::remove_file(f);
        }
    }
}

/// The names registers announced, by id.
fn names(c: &Connection) -> rusqlite::Result<BTreeMap<RegisterId, String>> {
    let mut st = c.prepare("SELECT origin, name FROM src.registers")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (origin, name) = row?;
        if let Ok(id) = <[u8; 16]>::try_from(origin) {
            out.insert(RegisterId(id), name);
        }
    }
    Ok(out)
}

/// One row of the log, as stored.
struct Row {
    origin: RegisterId,
    seq: u64,
    hlc: (i64, i64),
    kind: String,
    applied: bool,
    body: Vec<u8>,
}

/// What the next event of the chain is checked against.
struct Prev {
    seq: u64,
    hash: [u8; 32],
    /// False when the row did not hold its own event: its successor's link is not checked.
    trusted: bool,
    kind: String,
}

/// The chain being walked.
struct Chain {
    report: RegisterChain,
    prev: Option<Prev>,
    linked: bool,
}

/// Walks the log in (origin, seq) order, one register's chain after another.
struct Walk<'a> {
    names: &'a BTreeMap<RegisterId, String>,
    problems: Vec<Problem>,
    chains: Vec<RegisterChain>,
    cur: Option<(RegisterId, Chain)>,
}

impl Walk<'_> {
    fn problem(&mut self, kind: ProblemKind, origin: RegisterId, seq: u64, event_kind: Option<&str>, what: String) {
        self.problems.push(Problem {
            kind,
            register: Some(origin.to_string()),
            register_name: self.names.get(&origin).cloned(),
            seq: Some(seq),
            last_seq: None,
            event: Some(EventId { origin, seq }.to_string()),
            event_kind: event_kind.map(str::to_string),
            table: None,
            what,
        });
    }

    fn finish(&mut self) {
        if let Some((_, chain)) = self.cur.take() {
            self.chains.push(chain.report);
        }
    }

    fn row(&mut self, row: Row) {
        if self.cur.as_ref().is_none_or(|(o, _)| *o != row.origin) {
            self.finish();
            let report = RegisterChain {
                register: row.origin.to_string(),
                name: self.names.get(&row.origin).cloned(),
                events: 0,
                before_journal: 0,
                journal_from: None,
                restarted_from: None,
                unchecked: 0,
                head_seq: 0,
                head_hash: String::new(),
            };
            self.cur = Some((row.origin, Chain { report, prev: None, linked: false }));
        }
        let Some((origin, mut chain)) = self.cur.take() else { return };
        self.check(origin, &mut chain, row);
        self.cur = Some((origin, chain));
    }

    fn check(&mut self, origin: RegisterId, chain: &mut Chain, row: Row) {
        let seq = row.seq;
        let hash = event_hash(&row.body);
        chain.report.events += 1;
        chain.report.head_seq = seq;
        chain.report.head_hash = hex(&hash);
        let expected = chain.prev.as_ref().map_or(1, |p| p.seq + 1);
        if seq > expected {
            let event_kind = chain.prev.as_ref().map(|p| p.kind.clone());
            self.problems.push(Problem {
                kind: ProblemKind::Missing,
                register: Some(origin.to_string()),
                register_name: self.names.get(&origin).cloned(),
                seq: Some(expected),
                last_seq: Some(seq - 1),
                event: Some(EventId { origin, seq: expected }.to_string()),
                event_kind: None,
                table: None,
                what: match (expected == seq - 1, event_kind) {
                    (true, Some(k)) => format!("event {expected} is missing (deleted, or not synced yet), after {k}"),
                    (true, None) => format!("event {expected} is missing (deleted, or not synced yet)"),
                    (false, _) => format!("events {expected} to {} are missing (deleted, or not synced yet)", seq - 1),
                },
            });
        }
        let untrusted = |kind: String| Prev { seq, hash, trusted: false, kind };
        let header = match Event::decode_header(&row.body) {
            Ok(h) => h,
            Err(e) => {
                let what = format!("its bytes are not an event ({e})");
                self.problem(ProblemKind::Undecodable, origin, seq, Some(&row.kind), what);
                chain.prev = Some(untrusted(row.kind));
                return;
            }
        };
        if header.id != (EventId { origin, seq }) {
            let what = format!("the row holds the bytes of event {} (rows swapped or renumbered)", header.id);
            self.problem(ProblemKind::Moved, origin, seq, Some(&row.kind), what);
            chain.prev = Some(untrusted(row.kind));
            return;
        }
        if (header.hlc.wall_ms as i64, i64::from(header.hlc.logical)) != row.hlc {
            let what = format!(
                "the row's time {}.{} is not the event's {}.{}",
                row.hlc.0, row.hlc.1, header.hlc.wall_ms, header.hlc.logical
            );
            self.problem(ProblemKind::Columns, origin, seq, Some(&row.kind), what);
        }
        let (kind, link) = match Event::decode_linked(&row.body) {
            Ok((event, link)) => {
                let name = event.kind.name();
                if name != row.kind || !row.applied {
                    let what = if row.applied {
                        format!("the row says {} but the event is {name}", quote(&row.kind))
                    } else {
                        "the row says this build cannot read it, but it can (it was kept out of the tables)".into()
                    };
                    self.problem(ProblemKind::Columns, origin, seq, Some(name), what);
                }
                (name.to_string(), link)
            }
            Err(e) if row.applied => {
                let what = format!("stored as applied, but it does not decode ({e})");
                self.problem(ProblemKind::Undecodable, origin, seq, Some(&row.kind), what);
                chain.prev = Some(untrusted(row.kind));
                return;
            }
            Err(_) => {
                // A kind of a later release: kept and relayed; its link cannot be read here.
                chain.report.unchecked += 1;
                chain.prev = Some(Prev { seq, hash, trusted: true, kind: row.kind });
                return;
            }
        };
        match link {
            None if chain.linked => {
                let what =
                    "it carries no link although earlier events of its register do: re-encoded (edited) or forged";
                self.problem(ProblemKind::Unlinked, origin, seq, Some(&kind), what.into());
            }
            None => chain.report.before_journal += 1,
            Some(link) => {
                chain.linked = true;
                chain.report.journal_from.get_or_insert(seq);
                self.check_link(origin, chain, seq, &kind, link);
            }
        }
        chain.prev = Some(Prev { seq, hash, trusted: true, kind });
    }

    fn check_link(&mut self, origin: RegisterId, chain: &mut Chain, seq: u64, kind: &str, link: Link) {
        match link {
            Link::Start | Link::Restart { .. } if seq != 1 => {
                let what = "it starts a new chain, which only a register's first event does: forged or renumbered";
                self.problem(ProblemKind::BadStart, origin, seq, Some(kind), what.into());
            }
            Link::Start => {}
            Link::Restart { previous } => chain.report.restarted_from = Some(previous.to_string()),
            Link::After(_) if seq == 1 => {
                let what = "it links to an event before its register's first: forged or renumbered";
                self.problem(ProblemKind::BadStart, origin, seq, Some(kind), what.into());
            }
            Link::After(h) => {
                let Some(p) = chain.prev.as_ref().filter(|p| p.trusted && p.seq + 1 == seq) else {
                    return; // missing or moved: said already
                };
                if p.hash != h {
                    let (pseq, pkind) = (p.seq, p.kind.clone());
                    let what = format!(
                        "it was changed after it was made (or event {seq} is forged): its bytes no longer hash to \
                         what event {seq} ({kind}) recorded"
                    );
                    self.problem(ProblemKind::Edited, origin, pseq, Some(&pkind), what);
                }
            }
        }
    }
}

/// The columns of a table, and which of them make its key.
fn columns(c: &Connection, table: &str) -> rusqlite::Result<(Vec<String>, Vec<usize>)> {
    let mut st = c.prepare(&format!("PRAGMA main.table_info(\"{table}\")"))?;
    let info: Vec<(String, i64)> =
        st.query_map([], |r| Ok((r.get(1)?, r.get(5)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut key: Vec<(i64, usize)> = info.iter().enumerate().filter(|(_, c)| c.1 > 0).map(|(i, c)| (c.1, i)).collect();
    key.sort_unstable();
    let mut key: Vec<usize> = key.into_iter().map(|(_, i)| i).collect();
    if key.is_empty() {
        key = (0..info.len()).collect();
    }
    Ok((info.into_iter().map(|(n, _)| n).collect(), key))
}

/// A value for a person: numbers as they are, text quoted, blobs in hex.
fn show(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(t) => quote(t),
        Value::Blob(b) => hex(b),
    }
}

/// Compares every derived table of the database checked (`src`) with the rebuild (`main`).
fn compare_derived(
    c: &Connection,
    names: &BTreeMap<RegisterId, String>,
    problems: &mut Vec<Problem>,
) -> rusqlite::Result<DerivedCheck> {
    let tables: Vec<String> = c
        .prepare("SELECT name FROM main.sqlite_schema WHERE type = 'table' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?
        .into_iter()
        .filter(|t| !NOT_DERIVED.contains(&t.as_str()) && !t.starts_with("sqlite_"))
        .collect();
    let mut rows = 0u64;
    for table in &tables {
        let (cols, key) = columns(c, table)?;
        let list = cols.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
        rows +=
            c.query_row(&format!("SELECT count(*) FROM src.\"{table}\""), [], |r| r.get::<_, i64>(0))?.max(0) as u64;
        let sql = format!(
            "SELECT 0, * FROM (SELECT {list} FROM src.\"{table}\" EXCEPT SELECT {list} FROM main.\"{table}\")
             UNION ALL
             SELECT 1, * FROM (SELECT {list} FROM main.\"{table}\" EXCEPT SELECT {list} FROM src.\"{table}\")"
        );
        // By key: (this database's row, the log's row).
        type Pair = (Option<Vec<Value>>, Option<Vec<Value>>);
        let mut diff: BTreeMap<String, Pair> = BTreeMap::new();
        let mut st = c.prepare(&sql)?;
        let mut q = st.query([])?;
        while let Some(r) = q.next()? {
            let side: i64 = r.get(0)?;
            let values: Vec<Value> = (0..cols.len()).map(|i| r.get(i + 1)).collect::<rusqlite::Result<_>>()?;
            let k = key.iter().map(|&i| show(&values[i])).collect::<Vec<_>>().join(", ");
            let slot = diff.entry(k).or_default();
            if side == 0 { slot.0 = Some(values) } else { slot.1 = Some(values) }
        }
        let total = diff.len();
        let at = |n: &str| cols.iter().position(|c| c == n);
        let id_cols = at("origin").zip(at("seq")).filter(|(o, s)| key.contains(o) && key.contains(s));
        for (here, log) in diff.into_values().take(MAX_ROWS_LISTED) {
            let any = here.as_ref().or(log.as_ref());
            let id = id_cols.zip(any).and_then(|((o, s), v)| match (&v[o], &v[s]) {
                (Value::Blob(b), Value::Integer(seq)) => Some(EventId {
                    origin: RegisterId(<[u8; 16]>::try_from(b.as_slice()).ok()?),
                    seq: u64::try_from(*seq).ok()?,
                }),
                _ => None,
            });
            // The row named by its key: the event id says (origin, seq) already.
            let named: Vec<String> = key
                .iter()
                .filter(|i| id.is_none() || id_cols.is_none_or(|(o, s)| **i != o && **i != s))
                .filter_map(|&i| any.map(|v| format!("{} {}", cols[i], show(&v[i]))))
                .collect();
            let k = if named.is_empty() { String::new() } else { format!(" ({})", named.join(", ")) };
            let what = match (&here, &log) {
                (Some(h), Some(l)) => {
                    let changed: Vec<String> = cols
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| h[*i] != l[*i])
                        .map(|(i, name)| format!("{name} is {} here, {} in the log", show(&h[i]), show(&l[i])))
                        .collect();
                    format!("{table} row{k} was changed: {}", changed.join("; "))
                }
                (Some(_), None) => format!("{table} row{k} is not in the log (inserted)"),
                _ => format!("{table} row{k} is missing: the log holds it (deleted)"),
            };
            let event_kind = match id {
                Some(id) => c
                    .prepare_cached("SELECT kind FROM src.events WHERE origin = ?1 AND seq = ?2")?
                    .query_row(params![&id.origin.0[..], id.seq as i64], |r| r.get(0))
                    .ok(),
                None => None,
            };
            problems.push(Problem {
                kind: ProblemKind::Derived,
                register: id.map(|i| i.origin.to_string()),
                register_name: id.and_then(|i| names.get(&i.origin).cloned()),
                seq: id.map(|i| i.seq),
                last_seq: None,
                event: id.map(|i| i.to_string()),
                event_kind,
                table: Some(table.clone()),
                what,
            });
        }
        if total > MAX_ROWS_LISTED {
            problems.push(Problem {
                kind: ProblemKind::Derived,
                register: None,
                register_name: None,
                seq: None,
                last_seq: None,
                event: None,
                event_kind: None,
                table: Some(table.clone()),
                what: format!("and {} more rows of {table} are not what the log says", total - MAX_ROWS_LISTED),
            });
        }
    }
    Ok(DerivedCheck { tables: tables.len(), rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sku;
    use crate::sync::EventKind;

    #[test]
    fn a_large_log_is_rebuilt_in_a_scratch_file_that_is_removed_afterwards() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut s = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let sku: Sku = "TEA".parse().unwrap_or_else(|_| unreachable!());
        for n in 1..=5 {
            let kind = EventKind::StockCounted { sku: sku.clone(), on_hand: n };
            s.write(|tx| tx.append_local(kind, n as u64)).unwrap_or_else(|e| panic!("{e}"));
        }
        let files = || {
            let mut names: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap_or_else(|e| panic!("{e}"))
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect();
            names.sort();
            names
        };
        let before = files();
        let report = s.verify_with(true, 0).unwrap_or_else(|e| panic!("{e}"));
        assert!(report.ok && report.derived.is_some(), "{:#?}", report.problems);
        assert_eq!(files(), before, "the scratch file is gone");
        s.conn.execute("UPDATE stock SET on_hand = 7", []).unwrap_or_else(|e| panic!("{e}"));
        let report = s.verify_with(true, 0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
        assert_eq!(report.problems[0].what, "stock row (sku 'TEA') was changed: on_hand is 7 here, 5 in the log");
        assert_eq!(report, s.verify_with(true, i64::MAX).unwrap_or_else(|e| panic!("{e}")), "the same in memory");
        assert_eq!(files(), before);
    }
}
