//! The server's own update (docs/ARCHITECTURE.md, "Updates over the store's LAN"): a server
//! register offers a staged bundle to its clients first and takes it itself last, once every
//! client of its architecture runs it (`rollout::server_may_take`). A release that a client
//! could not start never reaches the server, the store's hub; a store without clients updates
//! its server at once. Like a client it waits until it is idle, then writes the inactive boot
//! slot and asks `till run` to restart into it (exit 22).

use std::path::PathBuf;
use std::time::Duration;

use log::{info, warn};

use super::{Mode, db};
use crate::net::SharedRegister;
use crate::update::bundle::{parse_version, this_arch};
use crate::update::{rollout, slots};

/// How often the staged bundles and the registers' reports are looked at.
const EVERY: Duration = Duration::from_secs(2);

/// Runs beside the register; acts only while it is a server.
pub(super) async fn run(reg: SharedRegister, data: PathBuf) -> anyhow::Result<()> {
    let failed = slots::read(&slots::boot_dir()).failed_version;
    let mut said = String::new();
    loop {
        smol::Timer::after(EVERY).await;
        if rollout::restart_requested() {
            continue;
        }
        let mode = db(&reg, |r| r.store().setup().map(|c| c.mode)).await;
        if !matches!(mode, Ok(Mode::Server)) {
            continue;
        }
        let d = data.clone();
        let offer = smol::unblock(move || rollout::offers(&d)).await.into_iter().find(|o| {
            o.arch == this_arch()
                && parse_version(&o.version) > parse_version(crate::VERSION)
                && failed.as_deref() != Some(o.version.as_str())
        });
        let Some(offer) = offer else { continue };
        // Only a register booted from slots updates itself (a development machine's /boot is
        // not the register's).
        if !slots::boot_dir().join(slots::SLOTS_FILE).exists() {
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
