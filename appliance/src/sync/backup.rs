//! The sealed backup file (`till backup`, `till restore`; docs/SECURITY.md, "Backups"): a copy of
//! the database in chunks of XChaCha20-Poly1305, keyed by Argon2id of the store's secret with a
//! random salt of the file's own.
//!
//! ```text
//! header (66 bytes, plaintext, bound to every chunk as associated data)
//!   magic "TILLBKUP" · format u16 · flags u8 (1: store id present) · store id [16]
//!   · Argon2id salt [16] · nonce prefix [19] · chunk size u32        (integers big-endian)
//! chunk 0: the sealed info (time, events, log high-water mark, register, database size)
//! chunk 1…n: the database, `chunk size` bytes each, sealed; the last one shorter (maybe empty)
//! nonce of chunk i = prefix · i (u32) · 1 if it is the last chunk else 0
//! ```
//!
//! Each chunk carries its index and whether it is the last in its nonce, so a changed byte
//! anywhere, chunks swapped, dropped or repeated, a file cut short (even at a chunk boundary) or
//! bytes appended are all refused. Only the header is readable without the secret: the store id
//! and the file's size are all a lost copy tells. Pure: the caller supplies the random salt and
//! prefix and moves the bytes.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::{SealKey, StoreId, TAG_BYTES};
use crate::model::RegisterId;

/// The first bytes of every backup file.
pub const BACKUP_MAGIC: [u8; 8] = *b"TILLBKUP";
/// The layout this build writes and reads.
pub const BACKUP_FORMAT: u16 = 1;
/// Length of the plaintext header.
pub const HEADER_BYTES: usize = 66;
/// Length of the info before sealing.
pub const INFO_BYTES: usize = 48;
/// Plaintext bytes per chunk written by this build (64 KiB: a small buffer on the appliance).
pub const CHUNK_BYTES: u32 = 64 * 1024;
/// Chunk sizes a reader accepts, so a forged header cannot make it allocate much.
pub const CHUNK_RANGE: std::ops::RangeInclusive<u32> = 256..=(1 << 20);

/// Why a backup file does not open, worded to follow "the backup FILE". None of them says
/// more than the file already shows.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BackupError {
    /// The magic is missing or the header is short or malformed.
    #[error("is not a Till backup")]
    NotABackup,
    /// A newer (or unknown) format.
    #[error("is a backup of format {0}, which this build cannot read (it reads {BACKUP_FORMAT}); update Till")]
    Format(u16),
    /// The info chunk does not open: the secret is wrong, or the header or info were changed.
    #[error("does not open with this secret: the secret is wrong, or the file's header is damaged")]
    Key,
    /// A chunk does not open: changed, moved, or from another file.
    #[error("is damaged (chunk {0} does not authenticate)")]
    Damaged(u32),
    /// The file ends before its last chunk, or its last chunk was changed (a short chunk cannot
    /// tell bytes cut off from bytes changed or added).
    #[error("is cut short or damaged at its end")]
    Truncated,
    /// Bytes follow the last chunk.
    #[error("has bytes after its last chunk")]
    Trailing,
    /// More chunks than the counter can number.
    #[error("is too large for the backup format")]
    TooLarge,
}

/// The plaintext header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupHeader {
    /// The store the backup belongs to (none for a register that never joined one).
    pub store: Option<StoreId>,
    /// Argon2id salt of this file's key.
    pub salt: [u8; 16],
    /// Random first 19 bytes of every chunk's nonce.
    pub prefix: [u8; 19],
    /// Plaintext bytes per full chunk.
    pub chunk: u32,
}

impl BackupHeader {
    /// The header's bytes (the associated data of every chunk).
    pub fn encode(&self) -> [u8; HEADER_BYTES] {
        let mut b = [0u8; HEADER_BYTES];
        b[..8].copy_from_slice(&BACKUP_MAGIC);
        b[8..10].copy_from_slice(&BACKUP_FORMAT.to_be_bytes());
        b[10] = u8::from(self.store.is_some());
        b[11..27].copy_from_slice(&self.store.map(|s| s.0).unwrap_or_default());
        b[27..43].copy_from_slice(&self.salt);
        b[43..62].copy_from_slice(&self.prefix);
        b[62..66].copy_from_slice(&self.chunk.to_be_bytes());
        b
    }

    /// Reads a header (not authenticated until the info chunk opens).
    pub fn decode(b: &[u8]) -> Result<BackupHeader, BackupError> {
        if b.len() < 10 || b[..8] != BACKUP_MAGIC {
            return Err(BackupError::NotABackup);
        }
        let format = u16::from_be_bytes([b[8], b[9]]);
        if format != BACKUP_FORMAT {
            return Err(BackupError::Format(format));
        }
        let b: &[u8; HEADER_BYTES] =
            b.get(..HEADER_BYTES).and_then(|h| h.try_into().ok()).ok_or(BackupError::NotABackup)?;
        let store = match b[10] {
            0 if b[11..27].iter().all(|&x| x == 0) => None,
            1 => Some(StoreId(bytes(&b[11..27]))),
            _ => return Err(BackupError::NotABackup),
        };
        let chunk = u32::from_be_bytes(bytes(&b[62..66]));
        if !CHUNK_RANGE.contains(&chunk) {
            return Err(BackupError::NotABackup);
        }
        Ok(BackupHeader { store, salt: bytes(&b[27..43]), prefix: bytes(&b[43..62]), chunk })
    }
}

fn bytes<const N: usize>(s: &[u8]) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&s[..N]);
    a
}

/// What a backup holds, sealed in its first chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupInfo {
    /// When it was taken, ms since the epoch.
    pub created_ms: u64,
    /// Events in the copy.
    pub events: u64,
    /// The highest log position in the copy: the source's events up to it are in the backup.
    pub high_water: u64,
    /// The register it was taken on.
    pub register: RegisterId,
    /// Size of the database copy in bytes.
    pub db_bytes: u64,
}

impl BackupInfo {
    fn encode(&self) -> [u8; INFO_BYTES] {
        let mut b = [0u8; INFO_BYTES];
        b[..8].copy_from_slice(&self.created_ms.to_be_bytes());
        b[8..16].copy_from_slice(&self.events.to_be_bytes());
        b[16..24].copy_from_slice(&self.high_water.to_be_bytes());
        b[24..40].copy_from_slice(&self.register.0);
        b[40..48].copy_from_slice(&self.db_bytes.to_be_bytes());
        b
    }

    fn decode(b: &[u8; INFO_BYTES]) -> BackupInfo {
        BackupInfo {
            created_ms: u64::from_be_bytes(bytes(&b[..8])),
            events: u64::from_be_bytes(bytes(&b[8..16])),
            high_water: u64::from_be_bytes(bytes(&b[16..24])),
            register: RegisterId(bytes(&b[24..40])),
            db_bytes: u64::from_be_bytes(bytes(&b[40..48])),
        }
    }
}

/// Length of the sealed info chunk that follows the header.
pub const SEALED_INFO_BYTES: usize = INFO_BYTES + TAG_BYTES;

/// The cipher of one file, and where in its chunk sequence it is.
struct Stream {
    cipher: XChaCha20Poly1305,
    header: [u8; HEADER_BYTES],
    prefix: [u8; 19],
    next: u32,
    done: bool,
}

impl Stream {
    fn new(key: &SealKey, header: &BackupHeader) -> Stream {
        let cipher = XChaCha20Poly1305::new(&(*key.bytes()).into());
        Stream { cipher, header: header.encode(), prefix: header.prefix, next: 0, done: false }
    }

    /// The next chunk's nonce, and moves past it.
    fn nonce(&mut self, last: bool) -> Result<XNonce, BackupError> {
        if self.done {
            return Err(BackupError::Trailing);
        }
        let mut n = [0u8; 24];
        n[..19].copy_from_slice(&self.prefix);
        n[19..23].copy_from_slice(&self.next.to_be_bytes());
        n[23] = u8::from(last);
        self.next = self.next.checked_add(1).ok_or(BackupError::TooLarge)?;
        self.done = last;
        Ok(XNonce::from(n))
    }
}

/// Seals a backup chunk by chunk: [`Sealer::info`] first, then [`Sealer::chunk`] for each full
/// chunk and once with `last` for the rest (shorter than a chunk, maybe empty).
pub struct Sealer(Stream);

impl Sealer {
    /// A sealer for the file with this header, under the key derived with its salt.
    pub fn new(key: &SealKey, header: &BackupHeader) -> Sealer {
        Sealer(Stream::new(key, header))
    }

    /// The sealed info chunk (chunk 0).
    pub fn info(&mut self, info: &BackupInfo) -> Result<Vec<u8>, BackupError> {
        if self.0.next != 0 {
            return Err(BackupError::Trailing);
        }
        self.seal(&info.encode(), false)
    }

    /// Seals the next chunk of the database; `last` for the final one, which must be shorter
    /// than a full chunk.
    pub fn chunk(&mut self, plain: &[u8], last: bool) -> Result<Vec<u8>, BackupError> {
        let full = plain.len() == self.0.header_chunk();
        if self.0.next == 0 || full == last || plain.len() > self.0.header_chunk() {
            return Err(BackupError::Damaged(self.0.next));
        }
        self.seal(plain, last)
    }

    fn seal(&mut self, plain: &[u8], last: bool) -> Result<Vec<u8>, BackupError> {
        let nonce = self.0.nonce(last)?;
        // Encryption only fails beyond ChaCha20's 256 GiB per nonce, far above a chunk.
        self.0.cipher.encrypt(&nonce, Payload { msg: plain, aad: &self.0.header }).map_err(|_| BackupError::TooLarge)
    }
}

impl Stream {
    fn header_chunk(&self) -> usize {
        u32::from_be_bytes(bytes(&self.header[62..66])) as usize
    }
}

/// Opens a backup chunk by chunk, in the order [`Sealer`] made them.
pub struct Opener(Stream);

impl Opener {
    /// An opener for the file with this header.
    pub fn new(key: &SealKey, header: &BackupHeader) -> Opener {
        Opener(Stream::new(key, header))
    }

    /// Bytes of a sealed full chunk: what to read next.
    pub fn sealed_chunk_bytes(&self) -> usize {
        self.0.header_chunk() + TAG_BYTES
    }

    /// Opens the info chunk; [`BackupError::Key`] when the secret or the header is wrong.
    pub fn info(&mut self, sealed: &[u8]) -> Result<BackupInfo, BackupError> {
        if self.0.next != 0 || sealed.len() != SEALED_INFO_BYTES {
            return Err(BackupError::Truncated);
        }
        let plain = self.open(sealed, false).map_err(|_| BackupError::Key)?;
        let info: &[u8; INFO_BYTES] = plain.as_slice().try_into().map_err(|_| BackupError::Key)?;
        Ok(BackupInfo::decode(info))
    }

    /// Opens the next database chunk. A sealed full chunk is never the last; anything shorter
    /// is, and must be followed by the end of the file.
    pub fn chunk(&mut self, sealed: &[u8]) -> Result<Vec<u8>, BackupError> {
        if self.0.next == 0 {
            return Err(BackupError::Truncated);
        }
        if sealed.len() > self.sealed_chunk_bytes() {
            return Err(BackupError::Trailing);
        }
        if sealed.len() < TAG_BYTES {
            return Err(BackupError::Truncated);
        }
        let last = sealed.len() < self.sealed_chunk_bytes();
        let index = self.0.next;
        // A last chunk that does not open may be a full chunk cut short: say which it is not.
        self.open(sealed, last).map_err(|_| if last { BackupError::Truncated } else { BackupError::Damaged(index) })
    }

    /// Whether the last chunk has been opened (the file must end here).
    pub fn finished(&self) -> bool {
        self.0.done
    }

    fn open(&mut self, sealed: &[u8], last: bool) -> Result<Vec<u8>, BackupError> {
        let index = self.0.next;
        let nonce = self.0.nonce(last)?;
        self.0
            .cipher
            .decrypt(&nonce, Payload { msg: sealed, aad: &self.0.header })
            .map_err(|_| BackupError::Damaged(index))
    }
}

/// A whole backup in memory (tests, fuzzing; the register streams with [`Sealer`]).
pub fn seal_all(key: &SealKey, header: &BackupHeader, info: &BackupInfo, db: &[u8]) -> Result<Vec<u8>, BackupError> {
    let mut s = Sealer::new(key, header);
    let mut out = header.encode().to_vec();
    out.extend(s.info(info)?);
    let n = header.chunk as usize;
    let mut rest = db;
    while rest.len() >= n {
        out.extend(s.chunk(&rest[..n], false)?);
        rest = &rest[n..];
    }
    out.extend(s.chunk(rest, true)?);
    Ok(out)
}

/// Opens a whole backup in memory: its header, info and database.
pub fn open_all(key: &SealKey, file: &[u8]) -> Result<(BackupHeader, BackupInfo, Vec<u8>), BackupError> {
    let header = BackupHeader::decode(file)?;
    let mut o = Opener::new(key, &header);
    let rest = &file[HEADER_BYTES..];
    let info = o.info(rest.get(..SEALED_INFO_BYTES).ok_or(BackupError::Truncated)?)?;
    let mut rest = &rest[SEALED_INFO_BYTES..];
    let mut db = Vec::new();
    while !o.finished() {
        let take = rest.len().min(o.sealed_chunk_bytes());
        db.extend(o.chunk(&rest[..take])?);
        rest = &rest[take..];
    }
    if !rest.is_empty() {
        return Err(BackupError::Trailing);
    }
    Ok((header, info, db))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn header(chunk: u32, store: bool) -> BackupHeader {
        BackupHeader { store: store.then_some(StoreId([7; 16])), salt: [1; 16], prefix: [2; 19], chunk }
    }

    fn info() -> BackupInfo {
        BackupInfo {
            created_ms: 1_700_000_000_000,
            events: 42,
            high_water: 57,
            register: RegisterId([9; 16]),
            db_bytes: 1000,
        }
    }

    fn key() -> SealKey {
        SealKey::from_bytes([0x42; 32])
    }

    #[test]
    fn a_backup_round_trips_at_every_length_around_the_chunk_size() {
        for len in [0, 1, 255, 256, 257, 511, 512, 513, 1000] {
            let db: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let file = seal_all(&key(), &header(256, len % 2 == 0), &info(), &db).expect("test");
            let (h, i, back) = open_all(&key(), &file).expect("test");
            assert_eq!((h, i, back), (header(256, len % 2 == 0), info(), db), "length {len}");
            // Header, info chunk, full chunks, the short last one (possibly only its tag).
            let chunks = len / 256 + 1;
            assert_eq!(file.len(), HEADER_BYTES + SEALED_INFO_BYTES + len + chunks * TAG_BYTES);
        }
    }

    #[test]
    fn the_wrong_key_is_told_apart_from_damage_further_on() {
        let db = vec![5u8; 700];
        let file = seal_all(&key(), &header(256, true), &info(), &db).expect("test");
        assert_eq!(open_all(&SealKey::from_bytes([0x43; 32]), &file).err(), Some(BackupError::Key));
        let mut bad = file.clone();
        bad[HEADER_BYTES + SEALED_INFO_BYTES + 300] ^= 1;
        assert_eq!(open_all(&key(), &bad).err(), Some(BackupError::Damaged(2)));
        bad = file.clone();
        bad[0] ^= 1;
        assert_eq!(open_all(&key(), &bad).err(), Some(BackupError::NotABackup));
        bad = file.clone();
        bad[9] = 2;
        assert_eq!(open_all(&key(), &bad).err(), Some(BackupError::Format(2)));
        bad = file.clone();
        bad.push(0);
        assert_eq!(open_all(&key(), &bad).err(), Some(BackupError::Truncated));
    }

    #[test]
    fn chunks_cannot_be_swapped_dropped_or_cut_at_a_boundary() {
        let db: Vec<u8> = (0..1024u32).map(|i| i as u8).collect();
        let file = seal_all(&key(), &header(256, true), &info(), &db).expect("test");
        let start = HEADER_BYTES + SEALED_INFO_BYTES;
        let c = 256 + TAG_BYTES;
        // Swap chunks 1 and 2.
        let mut swapped = file.clone();
        swapped[start..start + c].copy_from_slice(&file[start + c..start + 2 * c]);
        swapped[start + c..start + 2 * c].copy_from_slice(&file[start..start + c]);
        assert_eq!(open_all(&key(), &swapped).err(), Some(BackupError::Damaged(1)));
        // Drop chunk 2.
        let mut dropped = file[..start + c].to_vec();
        dropped.extend_from_slice(&file[start + 2 * c..]);
        assert!(open_all(&key(), &dropped).is_err());
        // Cut after the fourth full chunk: the empty last chunk is missing.
        assert_eq!(open_all(&key(), &file[..start + 4 * c]).err(), Some(BackupError::Truncated));
        // Cut inside the header or the info.
        assert_eq!(open_all(&key(), &file[..40]).err(), Some(BackupError::NotABackup));
        assert_eq!(open_all(&key(), &file[..HEADER_BYTES + 10]).err(), Some(BackupError::Truncated));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_changed_byte_or_cut_is_refused(
            db in proptest::collection::vec(any::<u8>(), 0..1200),
            at in any::<prop::sample::Index>(),
            xor in 1u8..=255,
            cut in any::<prop::sample::Index>(),
        ) {
            let file = seal_all(&key(), &header(256, true), &info(), &db).expect("test");
            prop_assert_eq!(&open_all(&key(), &file).expect("test").2, &db);
            let mut bad = file.clone();
            bad[at.index(file.len())] ^= xor;
            prop_assert!(open_all(&key(), &bad).is_err());
            let n = cut.index(file.len());
            prop_assert!(open_all(&key(), &file[..n]).is_err());
        }
    }
}
