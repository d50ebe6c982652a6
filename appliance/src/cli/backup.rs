//! `till backup` and `till restore`: the register's database in a sealed file, and back
//! (docs/CLI.md; the file's format and threat model in docs/SECURITY.md, "Backups").

use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use super::exit::SetupRefused;
use super::{Json, print_json, reg};
use crate::config::Secret;
use crate::register::Register;
use crate::stick::{StickError, StickPaths, Trigger, back_up_to_stick};
use crate::store::{BackupFileError, BackupMade, format_ms};
use crate::sync::backup::BackupInfo;

/// `till backup`.
#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("to").required(true).args(["out", "stick"])))]
pub struct BackupArgs {
    /// The file to write (replaced if it exists; written under a temporary name, then renamed)
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Onto the USB stick labelled TILL-BACKUP: mounted, written, synced and unmounted (root
    /// only; this register's newest 7 backups are kept on it)
    #[arg(long)]
    stick: bool,
    /// Output format.
    #[command(flatten)]
    json: Json,
}

/// `till restore`.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup file
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The store's secret the backup was sealed with [default: the one set on this register]
    #[arg(long, env = "TILL_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// Replace a register that already holds data (its events not in the backup are lost)
    #[arg(long)]
    force: bool,
    /// Output format.
    #[command(flatten)]
    json: Json,
}

/// What `till backup --json` prints (and `till restore --json` under `backup`).
#[derive(Serialize, Debug)]
struct BackupJson {
    file: String,
    bytes: u64,
    store_id: Option<String>,
    register_id: String,
    created_ms: u64,
    created: String,
    events: u64,
    high_water: u64,
    db_bytes: u64,
}

fn describe(file: &Path, bytes: u64, store: Option<crate::sync::StoreId>, info: &BackupInfo) -> BackupJson {
    BackupJson {
        file: file.display().to_string(),
        bytes,
        store_id: store.map(|s| s.to_string()),
        register_id: info.register.to_string(),
        created_ms: info.created_ms,
        created: format_ms(info.created_ms as i64),
        events: info.events,
        high_water: info.high_water,
        db_bytes: info.db_bytes,
    }
}

/// A backup or restore failure as the CLI reports it (exit codes in [`super::exit`]).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct BackupFailed(pub BackupFileError);

/// A backup to the stick that failed (exit codes in [`super::exit`]).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct StickFailed(pub StickError);

/// What `till backup --stick --json` prints.
#[derive(Serialize, Debug)]
struct StickJson {
    file: String,
    bytes: u64,
    device: String,
    label: String,
    created_ms: u64,
    created: String,
    removed: Vec<String>,
    kept: usize,
}

/// `till backup --out FILE`, or `till backup --stick`.
pub(super) fn backup(r: &mut Register, args: BackupArgs) -> anyhow::Result<()> {
    let now = reg(r.now_ms())?;
    let Some(out) = args.out else {
        let paths = StickPaths::system();
        let made = back_up_to_stick(r.store_mut(), now, &paths, Trigger::Cli).map_err(StickFailed)?;
        let j = StickJson {
            file: made.file,
            bytes: made.bytes,
            device: made.device.display().to_string(),
            label: made.label,
            created_ms: made.created_ms,
            created: format_ms(made.created_ms as i64),
            removed: made.removed,
            kept: made.kept,
        };
        if args.json.json {
            return print_json(&j);
        }
        outln!(
            "backed up to {} on the stick {} ({}; {} bytes sealed); it holds this register's {} newest backups; the stick is unmounted and can be pulled out",
            j.file,
            j.label,
            j.device,
            j.bytes,
            j.kept
        );
        for f in &j.removed {
            outln!("deleted the old backup {f} from the stick");
        }
        return Ok(());
    };
    let made: BackupMade = r.store().backup(&out, now).map_err(BackupFailed)?;
    let j = describe(&made.path, made.bytes, made.store, &made.info);
    if args.json.json {
        return print_json(&j);
    }
    outln!("backed up {} events ({} bytes sealed) to {}; open it with this store's secret", j.events, j.bytes, j.file);
    Ok(())
}

/// What `till restore --json` prints.
#[derive(Serialize, Debug)]
struct RestoreJson {
    data_dir: String,
    backup: BackupJson,
    replaced: bool,
    lost_events: u64,
    lost_orders: u64,
}

/// `till restore FILE [--force]`: runs before the data directory is opened as a register (it
/// may be absent, and must not be made a new register first).
pub(super) fn restore(dir: &Path, args: RestoreArgs) -> anyhow::Result<()> {
    let secret = match &args.secret {
        Some(s) => Some(Secret::new_unchecked(s).map_err(|e| SetupRefused(format!("--secret: {e}")))?),
        None => None,
    };
    let bytes = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    let done = crate::store::restore(dir, &args.file, secret, args.force).map_err(BackupFailed)?;
    let j = RestoreJson {
        data_dir: dir.display().to_string(),
        backup: describe(&args.file, bytes, done.store, &done.info),
        replaced: done.replaced,
        lost_events: done.lost_events,
        lost_orders: done.lost_orders,
    };
    if args.json.json {
        return print_json(&j);
    }
    if done.replaced {
        outln!(
            "replaced the register in {}: {} of its events ({} orders) were not in the backup and are gone",
            j.data_dir,
            j.lost_events,
            j.lost_orders
        );
    }
    outln!(
        "restored {} events taken {} on register {} into {}",
        j.backup.events,
        j.backup.created,
        j.backup.register_id,
        j.data_dir
    );
    Ok(())
}
