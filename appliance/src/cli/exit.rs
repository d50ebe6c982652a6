//! Exit codes: the documented numbers `till` ends with, and the typed failures that map to them.

use super::scan;
use crate::register::{ErrorClass, RegisterError};
use crate::store::StoreError;

/// Exit codes, as printed by `till --help`.
pub const EXIT_CODES: &str = "Exit codes:
  0  success
  1  unexpected failure (a bug, or the operating system refused something)
  2  usage error (unknown command or option)
  3  refused: the request breaks a rule or a value is malformed; nothing was changed
  4  not found: a SKU, order, user or tax profile that does not exist; nothing was changed
  5  storage: the database cannot be used (not a Till database, newer schema, read-only, disk full,
     an empty till.db beside other data, till.db a directory, the data directory in use by a
     running `till run` or a restore)
  6  denied: a manager's approval is needed, a PIN is wrong, or the PIN pad is locked
  7  journal verify: the journal does not verify (an event or a derived row was changed,
     removed, moved or forged; each problem is listed)
  8  printer: the printer could not print (unreachable, paper out, cover open, offline)
  9  export: the online shop could not be reached or refused (export test, export pull)
 test-connection, scan, and setup with server=scan:
 10  unreachable: nothing answers at that address (scan: no Till server of this store found)
 11  not a Till server: something else answers there
 12  other store: a Till server of another store
 13  wrong secret: the server refused the shared secret (setup pair: a wrong pairing code)
 14  protocol version mismatch: update the older register
 15  the server refuses this register: it was revoked, or new registers are not accepted now
 16  unverified: a server claims this store but cannot prove it holds the store's keys
 backup, restore (3 also: no secret; restore over a register with data without --force):
 17  restore: the backup does not open with this secret (wrong secret, or its header is damaged)
 18  restore: the backup is damaged, cut short, or not a Till backup
 backup --stick (3, 5 as backup also):
 19  no USB stick labelled TILL-BACKUP is plugged in
 20  the stick cannot be used: it does not mount, is write-protected or full, another backup
     to it is under way, or it could not be released (the stick is never left mounted)
 update (3 also: another architecture's bundle, or not newer without --allow-downgrade; stage:
 a newer bundle of that architecture is staged already):
 21  not a bundle signed by the release key: damaged, cut short, changed, or another key's
 run:
 22  restart to finish an update: a client wrote an update into its inactive boot slot and
     stopped cleanly; process 1 reboots the box into it";

/// The exit code for a failure, from the typed error inside it.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if let Some(c) = e.downcast_ref::<ConnectionFailed>() {
        return connection_exit(&c.0);
    }
    if let Some(s) = e.downcast_ref::<scan::ScanFailed>() {
        return s.code();
    }
    if let Some(super::backup::BackupFailed(b)) = e.downcast_ref() {
        return backup_exit(b);
    }
    if let Some(super::update::UpdateFailed(u)) = e.downcast_ref() {
        use crate::update::UpdateError;
        return match u {
            UpdateError::Bundle(_) => 21,
            UpdateError::OtherArch { .. } | UpdateError::NotNewer { .. } | UpdateError::Key(_) => 3,
            UpdateError::Io { .. } => 1,
        };
    }
    if e.downcast_ref::<crate::modes::RestartForUpdate>().is_some() {
        return 22;
    }
    if let Some(super::update::StageFailed(s)) = e.downcast_ref() {
        use crate::update::{UpdateError, rollout::RolloutError};
        return match s {
            RolloutError::Update(UpdateError::Bundle(_)) => 21,
            RolloutError::Update(UpdateError::Io { .. }) | RolloutError::Io(..) => 1,
            _ => 3,
        };
    }
    if let Some(super::backup::StickFailed(s)) = e.downcast_ref() {
        return stick_exit(s);
    }
    if e.downcast_ref::<super::JournalBroken>().is_some() {
        return 7;
    }
    if e.downcast_ref::<SetupRefused>().is_some()
        || e.downcast_ref::<super::bench::Refused>().is_some()
        || e.downcast_ref::<super::ExportRefused>().is_some()
    {
        return 3;
    }
    if e.downcast_ref::<super::printer::Unprintable>().is_some() {
        return 8;
    }
    if e.downcast_ref::<super::export::ExportFailed>().is_some() {
        return 9;
    }
    if let Some(r) = e.downcast_ref::<RegisterError>() {
        return match r.class() {
            ErrorClass::Rejected => 3,
            ErrorClass::NotFound => 4,
            ErrorClass::Storage => 5,
            ErrorClass::Internal => 1,
            ErrorClass::Denied => 6,
        };
    }
    if let Some(s) = e.downcast_ref::<StoreError>() {
        return match s {
            StoreError::Sqlite(_) | StoreError::Codec(_) => 1,
            _ => 5,
        };
    }
    if e.downcast_ref::<crate::model::ModelError>().is_some() {
        return 3;
    }
    1
}

/// Exit codes of `till backup` and `till restore`.
fn backup_exit(e: &crate::store::BackupFileError) -> u8 {
    use crate::store::BackupFileError::*;
    use crate::sync::backup::BackupError;
    match e {
        NoSecret | NoSecretGiven | NotEmpty { .. } | IntoDataDir(_) | NoFolder(_) => 3,
        Sealed { why: BackupError::Key, .. } => 17,
        Sealed { .. } | NotTill(_) => 18,
        Unreadable(_) => 5,
        Store(s) => match s {
            crate::store::StoreError::Sqlite(_) | crate::store::StoreError::Codec(_) => 1,
            _ => 5,
        },
        Kdf(_) | Io { .. } => 1,
    }
}

/// Exit codes of `till backup --stick`.
fn stick_exit(e: &crate::stick::StickError) -> u8 {
    use crate::stick::StickError::*;
    match e {
        NoStick => 19,
        Busy | NotAllowed | Unmountable { .. } | ReadOnly | Full { .. } | NotReleased(_) | Io { .. } => 20,
        Backup(b) => backup_exit(b),
        Store(crate::store::StoreError::Sqlite(_) | crate::store::StoreError::Codec(_)) => 1,
        Store(_) => 5,
    }
}

/// True when the failure is only that stdout's reader went away (`till … | head`).
pub(super) fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

/// A setup value or combination refused (exit 3).
pub(super) fn config_err(e: crate::config::ConfigError) -> anyhow::Error {
    anyhow::Error::new(SetupRefused(e.to_string()))
}

/// A setup change refused (exit 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SetupRefused(pub String);

/// Exit codes of `till test-connection`.
pub(super) fn connection_exit(e: &crate::net::client::ClientError) -> u8 {
    use crate::net::client::ClientError::*;
    match e {
        Unreachable(..) | Overloaded(..) => 10,
        NotTill(..) | Protocol(_) | Refused(..) => 11,
        OtherStore(..) => 12,
        WrongSecret(_) | WrongCode(_) => 13,
        Version(..) => 14,
        Revoked(..) => 15,
        Unverified(..) => 16,
    }
}

/// A failed connection test, with its exit code.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnectionFailed(pub crate::net::client::ClientError);
