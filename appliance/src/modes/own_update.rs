//! The server's own update (docs/ARCHITECTURE.md, "Updates over the store's LAN"): a server
//! register offers a staged bundle to its clients first and takes it itself last, once every
//! client of its architecture runs it (`rollout::server_may_take`). A release that a client
//! could not start never reaches the server, the store's hub; a store without clients updates
//! its server at once. Like a client it waits until it is idle, then writes the inactive boot
//! slot and asks `till run` to restart into it (exit 22).
//!
//! An installer brings a release on a USB stick labelled TILL-UPDATE: when one is plugged into
//! the server, its `*.tillupd` files are staged as `till update stage` stages them (verified,
//! copied, one per architecture, the newest), once per stick put in.

use std::path::PathBuf;
use std::time::Duration;

use log::{info, warn};

use super::{Mode, db};
use crate::net::SharedRegister;
use crate::stick::{self, StickPaths, UPDATE_LABEL};
use crate::update::bundle::{parse_version, this_arch};
use crate::update::{rollout, slots};

/// How often the staged bundles and the registers' reports are looked at.
const EVERY: Duration = Duration::from_secs(2);

/// Runs beside the register; acts only while it is a server.
pub(super) async fn run(reg: SharedRegister, data: PathBuf) -> anyhow::Result<()> {
    let failed = slots::read(&slots::boot_dir()).failed_version;
    let mut said = String::new();
    let mut stick_in: Option<PathBuf> = None;
    loop {
        smol::Timer::after(EVERY).await;
        if rollout::restart_requested() {
            continue;
        }
        let mode = db(&reg, |r| r.store().setup().map(|c| c.mode)).await;
        if !matches!(mode, Ok(Mode::Server)) {
            continue;
        }
        let (d, seen) = (data.clone(), stick_in.clone());
        stick_in = smol::unblock(move || stage_from_stick(&d, seen)).await;
        let d = data.clone();
        let offer = smol::unblock(move || rollout::offers(&d)).await.into_iter().find(|o| {
            o.arch == this_arch()
                && parse_version(&o.version) > parse_version(crate::VERSION)
                && failed.as_deref() != Some(o.version.as_str())
        });
        let Some(offer) = offer else { continue };
        // Only a register booted from slots updates itself (a development machine's /boot is
        // not the register's).
        if !slots::is_slotted(&slots::boot_dir()) {
            let why = format!("no boot slots in {}", slots::boot_dir().display());
            if why != said {
                info!("update: {} is staged; this server does not update itself: {why}", offer.version);
                said = why;
            }
            continue;
        }
        let d = data.clone();
        let registers = smol::unblock(move || rollout::registers(&d)).await;
        let window = db(&reg, |r| r.store().reader().setting(rollout::WINDOW_SETTING)).await.ok().flatten();
        let now = crate::net::unix_ms();
        let wait = match rollout::server_may_take(&offer, &registers, now) {
            Err(why) => Some(format!("{why}: this server stays on {}", crate::VERSION)),
            Ok(false) => Some(format!("its clients take {} first", offer.version)),
            Ok(true) => rollout::busy(window.as_deref(), now),
        };
        if let Some(why) = wait {
            if why != said {
                info!("update: {} is staged for this server; waiting: {why}", offer.version);
                said = why;
            }
            continue;
        }
        let (bundle, _) = rollout::staged_paths(&data, this_arch());
        let keys = crate::update::trusted_keys();
        match smol::unblock(move || crate::update::install(&bundle, &slots::boot_dir(), false, &keys)).await {
            Ok(a) => {
                info!("update: wrote {} into slot {}; restarting into it", a.version, a.slot);
                rollout::request_restart();
            }
            Err(e) => {
                warn!("update: this server cannot take {}: {e}", offer.version);
                said = e.to_string();
                // Not again for this bundle: it stays refused until another is staged.
                let d = data.clone();
                let stamp = smol::unblock(move || rollout::staged_stamp(&d)).await;
                loop {
                    smol::Timer::after(EVERY).await;
                    let d = data.clone();
                    if smol::unblock(move || rollout::staged_stamp(&d)).await != stamp {
                        break;
                    }
                }
            }
        }
    }
}

/// Stages the bundles of a TILL-UPDATE stick newly put in (`seen`: the device of the stick
/// already read, while it stays in). Returns the device of the stick in now, if any.
fn stage_from_stick(data: &std::path::Path, seen: Option<PathBuf>) -> Option<PathBuf> {
    let paths = StickPaths::system();
    let stick = match stick::find_labelled(&paths, UPDATE_LABEL) {
        Ok(Some(s)) => s,
        Ok(None) => return None,
        Err(e) => {
            warn!("update: cannot look for a {UPDATE_LABEL} stick: {e}");
            return seen;
        }
    };
    if seen.as_ref() == Some(&stick.device) {
        return seen;
    }
    let keys = crate::update::trusted_keys();
    let read = stick::read_labelled(&paths, UPDATE_LABEL, |root| {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .take(256)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "tillupd"))
            .collect();
        files.sort();
        if files.is_empty() {
            info!("update: the {UPDATE_LABEL} stick holds no .tillupd bundle");
        }
        for f in files {
            let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            match rollout::stage(&f, data, &keys) {
                Ok(o) => info!(
                    "update: staged {} for {} from the USB stick ({name}); it may be pulled out",
                    o.version, o.arch
                ),
                Err(e) => warn!("update: {name} on the USB stick is not staged: {e}"),
            }
        }
    });
    // Read once per stick put in, whatever came of it (no warning every 2 s).
    if let Err(e) = read {
        warn!("update: cannot read the {UPDATE_LABEL} stick: {e}");
    }
    Some(stick.device)
}
