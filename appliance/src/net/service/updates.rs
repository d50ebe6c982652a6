//! Version 3's update endpoints (docs/ARCHITECTURE.md, "Updates"): the bundles staged on this
//! server (`till update stage`) offered in pull answers and served in chunks, and what each
//! register says about its software, kept for `till update status` and the status screen.

use std::path::PathBuf;

use super::{ApiError, Opened, SyncService, decode};
use crate::net::{lock, unix_ms};
use crate::sync::protocol::{Chunk, ChunkRequest, HelloRequest, Offer, Software};
use crate::update::rollout::{self, RolloutError};

/// The first protocol version with updates over the LAN.
pub const UPDATES_VERSION: u16 = 3;

impl SyncService {
    /// The register's data directory (where `updates/` is).
    fn data_dir(&self) -> PathBuf {
        let r = lock(&self.reg);
        r.store().path().parent().map(PathBuf::from).unwrap_or_default()
    }

    /// A hello's request, and from version 3 the register's software after it.
    pub(super) fn decode_hello(req: &Opened) -> Result<(HelloRequest, Option<Software>), ApiError> {
        if req.version < UPDATES_VERSION {
            return Ok((decode(&req.plaintext)?, None));
        }
        let bad = |e: postcard::Error| ApiError::bad_request(format!("malformed request: {e}"));
        let (hello, rest) = postcard::take_from_bytes::<HelloRequest>(&req.plaintext).map_err(bad)?;
        Ok((hello, Some(postcard::from_bytes::<Software>(rest).map_err(bad)?)))
    }

    /// Keeps what a register said about its software (`name` empty: the name it had).
    pub(super) async fn note_software(&self, req: &Opened, name: String, software: Software) -> Result<(), ApiError> {
        let (data, id) = (self.data_dir(), req.sender.to_string());
        log::info!(
            "register {} runs {} ({}): {}",
            if name.is_empty() { req.sender.short() } else { name.clone() },
            software.version,
            software.arch,
            software.state
        );
        smol::unblock(move || rollout::record(&data, &id, &name, &software, unix_ms()))
            .await
            .map_err(ApiError::internal)
    }

    /// The bundles staged here, for a pull answer.
    pub async fn offers(&self) -> Vec<Offer> {
        let data = self.data_dir();
        smol::unblock(move || rollout::offers(&data)).await
    }

    /// Resolves when a bundle is staged or replaced (looked at every second, at most for
    /// [`super::MAX_WAIT`]): a version-3 long-poll then answers at once with the new offer.
    pub(super) async fn staged_changed(&self) {
        let data = self.data_dir();
        let stamp = move || rollout::staged_stamp(&data);
        let first = smol::unblock(stamp.clone()).await;
        for _ in 0..super::MAX_WAIT.as_secs() {
            smol::Timer::after(std::time::Duration::from_secs(1)).await;
            if smol::unblock(stamp.clone()).await != first {
                return;
            }
        }
        smol::future::pending().await
    }

    /// `POST /api/update/chunk`: bytes of a staged bundle.
    pub async fn chunk(&self, req: &Opened) -> Result<Chunk, ApiError> {
        if req.version < UPDATES_VERSION {
            return Err(ApiError::version(req.version));
        }
        let ask: ChunkRequest = decode(&req.plaintext)?;
        let data = self.data_dir();
        smol::unblock(move || rollout::read_chunk(&data, &ask)).await.map_err(|e| match e {
            RolloutError::Gone(_) => ApiError { status: 404, reason: e.to_string() },
            e => ApiError::internal(e),
        })
    }

    /// `POST /api/update/state`: a register's update state changed.
    pub async fn update_state(&self, req: &Opened) -> Result<(), ApiError> {
        if req.version < UPDATES_VERSION {
            return Err(ApiError::version(req.version));
        }
        let software: Software = decode(&req.plaintext)?;
        self.note_software(req, String::new(), software).await
    }
}
