//! An update's first boot, as the register sees it (docs/ARCHITECTURE.md, "Updates"): process
//! 1 starts the register with `TILL_TRIAL_SLOT` when the boot loader is trying a slot once. The
//! register marks that slot good when it is ready and, on a client, has synced with its server
//! since it started: an update that cannot reach the server is not kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use log::{error, info};

use super::db;
use crate::config::Mode;
use crate::net::SharedRegister;
use crate::store::kv;
use crate::update::slots;

/// How often the conditions are looked at.
const EVERY: Duration = Duration::from_secs(1);

/// Runs beside the register; ends never (its work done, it waits).
pub(super) async fn keep(reg: SharedRegister, ready: Arc<AtomicBool>) -> anyhow::Result<()> {
    let slot = std::env::var("TILL_TRIAL_SLOT").ok().and_then(|v| v.chars().next());
    if let Some(slot) = slot {
        let started = crate::net::unix_ms();
        let mut said = false;
        loop {
            smol::Timer::after(EVERY).await;
            if !ready.load(Ordering::SeqCst) {
                continue;
            }
            let healthy = db(&reg, move |r| -> Result<bool, crate::store::StoreError> {
                let s = r.store();
                Ok(s.setup()?.mode != Mode::Client || s.get(kv::LAST_SYNC)?.is_some_and(|t| t >= started))
            })
            .await;
            if healthy.unwrap_or(false) {
                break;
            }
            if !said {
                info!("update: {} in slot {slot} is kept once this client has synced with its server", crate::VERSION);
                said = true;
            }
        }
        match smol::unblock(move || slots::mark_good(&slots::boot_dir(), slot)).await {
            Ok(_) => info!("update: {} in slot {slot} is ready and synced: marked good", crate::VERSION),
            Err(e) => error!("update: cannot mark slot {slot} good: {e}; the boot loader will go back"),
        }
    }
    smol::future::pending().await
}
