//! A running register's claim on its data directory (ARCHITECTURE.md, "Backups"): `till run`
//! holds an exclusive `flock` on `run.lock` beside `till.db` for as long as it runs, and a
//! restore holds it while it replaces the database. The kernel lets go when the process ends,
//! however it ends (kill -9, a power cut), so a stale claim cannot outlive its holder.
//!
//! What it prevents: a restore under a running register (the register keeps its own open
//! database and goes on writing into the replaced file's ghost, or the restore is undone by
//! it), and two `till run` on one directory (two servers on one store's log).

use std::fs::File;
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

use super::StoreError;

/// The lock file's name in the data directory.
pub const RUN_LOCK_FILE: &str = "run.lock";

/// Held while this process runs the register in a data directory (or restores into it).
#[derive(Debug)]
pub struct RunClaim {
    _lock: Flock<File>,
}

/// Claims `dir` for this process; refused with [`StoreError::InUse`] while another holds it.
pub fn claim(dir: &Path) -> Result<RunClaim, StoreError> {
    let path = dir.join(RUN_LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| StoreError::Io { what: "cannot open", path: path.clone(), source })?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(RunClaim { _lock: lock }),
        Err((_, Errno::EWOULDBLOCK)) => Err(StoreError::InUse(dir.to_path_buf())),
        Err((_, e)) => Err(StoreError::Io { what: "cannot lock", path, source: e.into() }),
    }
}

/// Whether a process holds `dir` now (a directory without the file is not held).
pub fn claimed(dir: &Path) -> bool {
    dir.join(RUN_LOCK_FILE).exists() && matches!(claim(dir), Err(StoreError::InUse(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_claim_at_a_time_and_it_ends_with_its_holder() {
        let dir = tempfile::tempdir().expect("test: tempdir");
        assert!(!claimed(dir.path()), "nothing claimed yet");
        let first = claim(dir.path()).expect("test: first claim");
        assert!(claimed(dir.path()));
        let second = claim(dir.path());
        assert!(matches!(&second, Err(StoreError::InUse(d)) if d == dir.path()), "{second:?}");
        drop(first);
        assert!(!claimed(dir.path()), "released with its holder");
        claim(dir.path()).expect("test: claimed again");
    }
}
