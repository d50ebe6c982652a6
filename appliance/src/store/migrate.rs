//! Schema migrations: the numbered SQL files of `migrations/`, embedded at build time and applied
//! in order, each in its own transaction that also bumps `PRAGMA user_version`.
//!
//! A small runner of our own rather than `rusqlite_migration`: its newest release pins an older
//! rusqlite (two crates cannot link `sqlite3`), and the job is twenty lines.

use rusqlite::{Connection, TransactionBehavior};

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this build writes: the number of the last migration.
pub fn latest_schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Brings the database up to [`latest_schema_version`]. The caller has already refused newer ones.
pub(crate) fn run(conn: &mut Connection, application_id: i32) -> rusqlite::Result<()> {
    run_upto(conn, application_id, MIGRATIONS.len())
}

/// Applies migrations up to number `upto` (tests build old-schema databases with it).
pub(crate) fn run_upto(conn: &mut Connection, application_id: i32, upto: usize) -> rusqlite::Result<()> {
    loop {
        // Re-read inside the write lock: another process may be migrating the same file.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let Some((_, sql)) = usize::try_from(current).ok().filter(|c| *c < upto).and_then(|c| MIGRATIONS.get(c)) else {
            return tx.commit();
        };
        if current == 0 {
            tx.pragma_update(None, "application_id", application_id)?;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_and_apply_cleanly() {
        let mut c = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        run(&mut c, 1).unwrap_or_else(|e| panic!("{e}"));
        let v: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap_or_default();
        assert_eq!(v, latest_schema_version());
        // Running again is a no-op.
        run(&mut c, 1).unwrap_or_else(|e| panic!("{e}"));
        for (i, (name, _)) in MIGRATIONS.iter().enumerate() {
            assert!(name.starts_with(&format!("{:04}_", i + 1)), "{name}");
        }
    }
}
