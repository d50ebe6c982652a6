//! A canonical text dump of the shared state: two registers that hold the same set of events
//! produce byte-identical dumps. Local bookkeeping (log positions, pending flags, arrival times,
//! device settings) is left out on purpose.

use std::fmt::Write;

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use crate::model::hex;

/// (table, columns, order) of everything derived from events, plus the events' identities.
const TABLES: &[(&str, &str, &str)] = &[
    ("events", "origin, seq, hlc_ms, hlc_logical, kind, body", "origin, seq"),
    ("tax_profiles", "*", "name"),
    ("products", "*", "sku"),
    ("users", "*", "name"),
    ("settings", "*", "key"),
    ("orders", "*", "origin, seq"),
    ("order_lines", "*", "origin, seq, line_no"),
    ("order_voids", "*", "origin, seq"),
    ("returns", "*", "origin, seq"),
    ("return_lines", "*", "origin, seq, line_no"),
    ("shifts", "*", "origin, seq"),
    ("stock_counts", "*", "origin, seq"),
    ("stock_moves", "*", "origin, seq, reason, line_no"),
    ("stock", "*", "sku"),
    ("edits", "*", "subject, base, origin, seq"),
    ("registers", "*", "origin"),
    ("conflicts", "*", "id"),
    ("conflict_events", "*", "conflict, origin, seq"),
    ("conflict_resolutions", "*", "origin, seq"),
    ("server_terms", "*", "origin, seq"),
];

pub(super) fn canonical(c: &Connection) -> rusqlite::Result<String> {
    let mut out = String::new();
    for (table, cols, order) in TABLES {
        let _ = writeln!(out, "## {table}");
        let mut st = c.prepare(&format!("SELECT {cols} FROM {table} ORDER BY {order}"))?;
        let n = st.column_count();
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let mut line = String::new();
            for i in 0..n {
                if i > 0 {
                    line.push('|');
                }
                match r.get_ref(i)? {
                    ValueRef::Null => line.push('∅'),
                    ValueRef::Integer(v) => {
                        let _ = write!(line, "{v}");
                    }
                    ValueRef::Real(v) => {
                        let _ = write!(line, "{v}");
                    }
                    ValueRef::Text(t) => line.push_str(&String::from_utf8_lossy(t)),
                    ValueRef::Blob(b) => line.push_str(&hex(b)),
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    Ok(out)
}
