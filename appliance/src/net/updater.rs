//! A client's side of updates over the store's LAN (docs/ARCHITECTURE.md, "Updates"): beside a
//! version-3 session's push and pull, it watches the bundles the server offers in its pull
//! answers; one of this register's architecture and newer than [`crate::VERSION`] is fetched in
//! sealed chunks (resuming where an earlier session stopped), verified, and applied into the
//! inactive boot slot when the register is idle: no cart open, and inside the store's
//! `update_window` if it set one. Then `till run` is asked to stop and exit 22, and process 1
//! reboots into the new slot. Every change of state is told to the server.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use log::{info, warn};

use super::client::{ClientError, LocalApiClient};
use super::service::UPDATES_VERSION;
use super::{SharedRegister, lock};
use crate::sync::protocol::{ChunkRequest, MAX_CHUNK_BYTES, Offer, Software};
use crate::update::bundle::this_arch;
use crate::update::rollout::{self, Download, RolloutError};

/// The state of a register that runs what it should.
pub const CURRENT: &str = "current";

/// How often the offers and the idle conditions are looked at.
const LOOK_EVERY: Duration = Duration::from_millis(250);

/// What this register runs, in `state`.
pub fn software(state: &str) -> Software {
    Software { version: crate::VERSION.to_string(), arch: this_arch().to_string(), state: state.to_string() }
}

/// Why taking an offered bundle stopped.
#[derive(Debug, thiserror::Error)]
enum TakeError {
    /// The server went away: the session ends, the download resumes in the next one.
    #[error(transparent)]
    Net(#[from] ClientError),
    /// The bundle is refused or cannot be applied: not tried again.
    #[error(transparent)]
    Refused(#[from] RolloutError),
}

/// A client register's updater; it outlives sessions (a download resumes in the next one).
#[derive(Debug)]
pub struct Updater {
    reg: SharedRegister,
    data: PathBuf,
    state: Mutex<String>,
    /// Bundles (their SHA-256) refused or not for this register: never tried (or said) again by
    /// this process.
    refused: Mutex<Vec<String>>,
    /// The release that failed to start on this box (the boot loader went back): not taken again.
    failed_version: Option<String>,
}

impl Updater {
    /// The updater of the register in `reg`.
    pub fn new(reg: SharedRegister) -> Updater {
        let data = lock(&reg).store().path().parent().map(PathBuf::from).unwrap_or_default();
        // What the boot slots say of the last update (update::slots): on trial, or failed to
        // start and rolled back by the boot loader; the release that failed is not taken again.
        let slots = crate::update::slots::read(&crate::update::slots::boot_dir());
        let state = match crate::update::slots::report(&slots, crate::update::slots::BootArgs::read().slot) {
            Some(r @ crate::update::slots::Report::Failed { .. }) => format!("failed: {}", r.long()),
            _ => CURRENT.to_string(),
        };
        Updater {
            reg,
            data,
            state: Mutex::new(state),
            refused: Mutex::new(Vec::new()),
            failed_version: slots.failed_version,
        }
    }

    /// The state to say in a hello.
    pub fn software(&self) -> Software {
        software(&lock(&self.state))
    }

    async fn set_state(&self, client: &LocalApiClient, state: String) {
        if *lock(&self.state) == state {
            return;
        }
        info!("update: {state}");
        *lock(&self.state) = state;
        if let Err(e) = client.report(&self.software()).await {
            warn!("cannot tell the server the update state: {e}");
        }
    }

    /// Runs beside a session's push and pull; ends only when the server goes away.
    pub async fn run(&self, client: &LocalApiClient) -> Result<(), ClientError> {
        if client.version() < UPDATES_VERSION {
            return smol::future::pending().await;
        }
        loop {
            if rollout::restart_requested() {
                return smol::future::pending().await;
            }
            let refused = lock(&self.refused).clone();
            let offers = client.offers();
            for o in offers.iter().filter(|o| !rollout::wanted(o, this_arch(), crate::VERSION)) {
                let mut seen = lock(&self.refused);
                if !seen.contains(&o.sha256) {
                    info!(
                        "update: {} for {} is offered, not for this register ({})",
                        o.version,
                        o.arch,
                        crate::VERSION
                    );
                    seen.push(o.sha256.clone());
                }
            }
            let failed = |o: &Offer| self.failed_version.as_deref() == Some(o.version.as_str());
            let offer = offers.into_iter().find(|o| {
                rollout::wanted(o, this_arch(), crate::VERSION) && !refused.contains(&o.sha256) && !failed(o)
            });
            let Some(offer) = offer else {
                smol::Timer::after(LOOK_EVERY).await;
                continue;
            };
            // Only a register booted from slots takes an update (not a development machine's /boot).
            let boot = rollout::boot_dir();
            if !crate::update::slots::is_slotted(&boot) {
                lock(&self.refused).push(offer.sha256.clone());
                let why =
                    format!("failed: no boot slots in {} (slots.txt) to write {} into", boot.display(), offer.version);
                self.set_state(client, why).await;
                continue;
            }
            match self.take(client, &offer).await {
                Ok(()) => rollout::request_restart(),
                Err(TakeError::Net(e)) => return Err(e),
                Err(TakeError::Refused(e)) => {
                    warn!("update to {} refused: {e}", offer.version);
                    lock(&self.refused).push(offer.sha256.clone());
                    self.set_state(client, format!("failed: {e}")).await;
                }
            }
        }
    }

    /// Fetches, verifies, waits until idle and applies one bundle.
    async fn take(&self, client: &LocalApiClient, offer: &Offer) -> Result<(), TakeError> {
        self.set_state(client, format!("downloading {}", offer.version)).await;
        let (data, o) = (self.data.clone(), offer.clone());
        let mut dl = smol::unblock(move || Download::open(&data, &o)).await?;
        if dl.have > 0 {
            info!("update: resuming the download of {} at byte {}", offer.version, dl.have);
        }
        // Bounded: every round adds a chunk or stops.
        for _ in 0..=offer.bytes / MAX_CHUNK_BYTES + 1 {
            if dl.have >= offer.bytes {
                break;
            }
            let ask = ChunkRequest {
                arch: offer.arch.clone(),
                sha256: offer.sha256.clone(),
                offset: dl.have,
                len: MAX_CHUNK_BYTES,
            };
            let chunk = client.chunk(&ask).await?;
            if chunk.bytes.0.is_empty() {
                break;
            }
            dl = smol::unblock(move || dl.append(&chunk.bytes.0).map(|()| dl)).await?;
        }
        let path = smol::unblock(move || dl.finish()).await?;
        let keys = crate::update::trusted_keys();
        let (p, k) = (path.clone(), keys.clone());
        smol::unblock(move || crate::update::verify_file(&p, &k)).await.map_err(RolloutError::from)?;
        // Idle: no cart, inside the window (bounded by the session: a lost server ends it).
        loop {
            match self.busy().await {
                None => break,
                Some(why) => {
                    // Outside the window a manager may apply it at once (Settings → Update now).
                    rollout::set_ready(Some(offer.version.clone()).filter(|_| !rollout::cart_open()));
                    self.set_state(client, format!("waiting: {why}")).await
                }
            }
            smol::Timer::after(LOOK_EVERY).await;
        }
        rollout::set_ready(None);
        let boot = rollout::boot_dir();
        info!("update: writing {} into the inactive boot slot of {}", offer.version, boot.display());
        let applied = smol::unblock(move || crate::update::install(&path, &boot, false, &keys))
            .await
            .map_err(RolloutError::from)?;
        info!("update: wrote {} into slot {}; restarting into it", applied.version, applied.slot);
        self.set_state(client, "applied, restarting".to_string()).await;
        Ok(())
    }

    /// Why the register is not idle now, if it is not.
    async fn busy(&self) -> Option<String> {
        let reg = self.reg.clone();
        let window = smol::unblock(move || lock(&reg).store().reader().setting(rollout::WINDOW_SETTING)).await;
        rollout::busy(window.ok().flatten().as_deref(), super::unix_ms())
    }
}
