//! `till update`: signed update bundles (docs/CLI.md; the format and the keys in
//! docs/ARCHITECTURE.md, "Updates").

use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;

use super::{Json, print_json};
use crate::update::{self, UpdateError, Verified, rollout};

/// `till update`.
#[derive(Subcommand, Debug)]
pub enum UpdateCmd {
    /// Check a bundle's signature and every file (anywhere: a laptop, a register)
    Verify {
        /// The bundle
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Write a checked bundle into the inactive boot slot and mark it to be tried at the next boot
    Apply {
        /// The bundle
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Accept a version that is not newer than this register's
        #[arg(long)]
        allow_downgrade: bool,
        /// The BOOT partition's folder
        #[arg(long, value_name = "DIR", default_value = "/boot")]
        boot: PathBuf,
    },
    /// Keep a checked bundle in the data directory for the store's registers (the server offers
    /// it to every client of its architecture that runs an older version)
    Stage {
        /// The bundle
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// The staged bundles, and each register's version and update state as the server heard it
    Status {
        /// Output format.
        #[command(flatten)]
        json: Json,
    },
    /// Make a signed bundle (the build host; scripts/build-image --bundle calls it)
    Pack {
        /// The release, MAJOR.MINOR.PATCH
        #[arg(long)]
        version: String,
        /// aarch64 or armv7
        #[arg(long)]
        arch: String,
        /// The Ed25519 private key (PKCS#8 PEM, scripts/release-key makes it)
        #[arg(long, value_name = "PEM")]
        key: PathBuf,
        /// The kernel
        #[arg(long, value_name = "FILE")]
        kernel: PathBuf,
        /// The initramfs
        #[arg(long, value_name = "FILE")]
        initrd: PathBuf,
        /// The bundle to write
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// A refused or failed update, for the exit code.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct UpdateFailed(pub UpdateError);

/// What `till update verify --json` prints.
#[derive(Serialize, Debug)]
struct VerifyJson {
    file: String,
    version: String,
    arch: String,
    created_ms: u64,
    bytes: u64,
    release_key: bool,
    files: Vec<update::bundle::FileEntry>,
}

/// What `till update status --json` prints.
#[derive(Serialize, Debug)]
struct StatusJson {
    staged: Vec<crate::sync::protocol::Offer>,
    registers: Vec<RegisterJson>,
}

/// One register in `till update status --json`.
#[derive(Serialize, Debug)]
struct RegisterJson {
    #[serde(flatten)]
    register: rollout::RegisterUpdate,
    /// A newer bundle of its architecture is staged.
    waiting: bool,
}

/// A refused or failed staging, for the exit code.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct StageFailed(pub rollout::RolloutError);

/// Runs `till update …` (`verify`, `apply` and `pack` need no data directory; `stage` and
/// `status` use `dir`'s `updates/` folder).
pub(super) fn update(c: UpdateCmd, dir: &std::path::Path) -> anyhow::Result<()> {
    let keys = update::trusted_keys();
    match c {
        UpdateCmd::Verify { file, json } => {
            let Verified { manifest: m, bytes, release_key } =
                update::verify_file(&file, &keys).map_err(UpdateFailed)?;
            if json.json {
                return print_json(&VerifyJson {
                    file: file.display().to_string(),
                    version: m.version,
                    arch: m.arch,
                    created_ms: m.created_ms,
                    bytes,
                    release_key,
                    files: m.files,
                });
            }
            let by = if release_key { "the release key" } else { "the test key (only a debug build trusts it)" };
            outln!(
                "bundle {} for {}: signed by {by}, {} files checked, {} bytes",
                m.version,
                m.arch,
                m.files.len(),
                bytes
            );
            Ok(())
        }
        UpdateCmd::Apply { file, allow_downgrade, boot } => {
            let a = update::install(&file, &boot, allow_downgrade, &keys).map_err(UpdateFailed)?;
            outln!("wrote {} into slot {} of {}; it is tried at the next boot", a.version, a.slot, boot.display());
            Ok(())
        }
        UpdateCmd::Stage { file } => {
            let o = rollout::stage(&file, dir, &keys).map_err(StageFailed)?;
            outln!(
                "staged {} for {} ({} bytes): offered to the registers running an older version",
                o.version,
                o.arch,
                o.bytes
            );
            Ok(())
        }
        UpdateCmd::Status { json } => {
            let staged = rollout::offers(dir);
            let registers: Vec<RegisterJson> = rollout::registers(dir)
                .into_iter()
                .map(|r| {
                    let waiting = staged.iter().any(|o| rollout::wanted(o, &r.software.arch, &r.software.version));
                    RegisterJson { register: r, waiting }
                })
                .collect();
            if json.json {
                return print_json(&StatusJson { staged, registers });
            }
            for o in &staged {
                outln!("staged: {} for {} ({} bytes)", o.version, o.arch, o.bytes);
            }
            if staged.is_empty() {
                outln!("staged: none");
            }
            for r in &registers {
                let s = &r.register.software;
                let wait = if r.waiting { ", waits for the staged update" } else { "" };
                outln!("{}: {} ({}), {}{wait}", r.register.name, s.version, s.arch, s.state);
            }
            Ok(())
        }
        UpdateCmd::Pack { version, arch, key, kernel, initrd, out } => {
            let pem = std::fs::read_to_string(&key)
                .map_err(|e| UpdateFailed(UpdateError::Key(format!("{}: {e}", key.display()))))?;
            let files = [("vmlinuz", kernel), ("initrd.img", initrd)];
            let n = update::pack(&out, &version, &arch, &pem, &files, crate::net::unix_ms()).map_err(UpdateFailed)?;
            outln!("wrote {} ({version} for {arch}, {n} bytes)", out.display());
            Ok(())
        }
    }
}
