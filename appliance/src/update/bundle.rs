//! The update bundle's format (docs/ARCHITECTURE.md, "Updates"), pure: no file, clock or network.
//!
//! ```text
//! "TILLUPD1\n"                       9 bytes
//! manifest length                     u32, little endian (at most 64 KiB)
//! manifest                            JSON: version, arch, files [{name, size, sha256}]
//! signature                           64 bytes: Ed25519 over the manifest bytes
//! the files, in the manifest's order  their bytes, each hashed to its sha256
//! ```
//!
//! Signing the manifest, which carries every file's SHA-256, covers everything while letting a
//! small box verify a 40 MB bundle by streaming it: Ed25519 itself needs the whole message in
//! memory. Nothing after the last file is allowed.

use ring::signature::{ED25519, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

/// The first bytes of every bundle.
pub const MAGIC: &[u8; 9] = b"TILLUPD1\n";
/// The largest manifest accepted.
pub const MAX_MANIFEST: usize = 64 * 1024;
/// Bytes of an Ed25519 signature.
pub const SIGNATURE_BYTES: usize = 64;
/// The names a bundle's files may have: what a boot slot holds.
pub const FILE_NAMES: [&str; 2] = ["vmlinuz", "initrd.img"];

/// What a bundle says it is.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The release, `MAJOR.MINOR.PATCH`.
    pub version: String,
    /// `aarch64` or `armv7`.
    pub arch: String,
    /// When it was made, ms since the epoch.
    pub created_ms: u64,
    /// The files, in the order they follow the signature.
    pub files: Vec<FileEntry>,
}

/// One file of a bundle.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Its name in the boot slot.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
}

/// Why a bundle is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BundleError {
    /// Not a bundle at all.
    #[error("not a Till update bundle")]
    NotBundle,
    /// Cut short.
    #[error("the bundle is cut short")]
    Truncated,
    /// The signature does not verify with any key this build trusts.
    #[error("the bundle is not signed by the release key (or was changed after signing)")]
    BadSignature,
    /// The manifest does not parse or says something impossible.
    #[error("the bundle's manifest is not valid: {0}")]
    Manifest(String),
    /// A file's bytes do not match the signed manifest.
    #[error("the bundle's {0} does not match its signed manifest (damaged or changed)")]
    FileMismatch(String),
    /// Bytes after the last file.
    #[error("the bundle has bytes after its last file")]
    Trailing,
}

/// The header's length and the manifest's length, from the first 13 bytes.
pub fn manifest_len(head: &[u8]) -> Result<usize, BundleError> {
    if head.len() < MAGIC.len() + 4 {
        return Err(BundleError::Truncated);
    }
    if &head[..MAGIC.len()] != MAGIC {
        return Err(BundleError::NotBundle);
    }
    let n = u32::from_le_bytes([head[9], head[10], head[11], head[12]]) as usize;
    if n == 0 || n > MAX_MANIFEST {
        return Err(BundleError::NotBundle);
    }
    Ok(n)
}

/// Checks the signature over `manifest` with any of `keys` (32-byte Ed25519 public keys), then
/// parses it; the files are the caller's to hash. Returns it and the index of the key that
/// signed it.
pub fn verify(manifest: &[u8], signature: &[u8], keys: &[[u8; 32]]) -> Result<(Manifest, usize), BundleError> {
    let Some(key) = keys.iter().position(|k| UnparsedPublicKey::new(&ED25519, k).verify(manifest, signature).is_ok())
    else {
        return Err(BundleError::BadSignature);
    };
    let m: Manifest = serde_json::from_slice(manifest).map_err(|e| BundleError::Manifest(e.to_string()))?;
    parse_version(&m.version).ok_or_else(|| BundleError::Manifest(format!("version {:?}", m.version)))?;
    let mut names: Vec<&str> = m.files.iter().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    let mut wanted = FILE_NAMES.to_vec();
    wanted.sort_unstable();
    if names != wanted {
        return Err(BundleError::Manifest(format!("files {names:?}, expected {wanted:?}")));
    }
    Ok((m, key))
}

/// `MAJOR.MINOR.PATCH` as numbers, for comparing releases. Pure.
pub fn parse_version(v: &str) -> Option<(u32, u32, u32)> {
    let mut it = v.split('.').map(|p| p.parse::<u32>().ok());
    let parsed = (it.next()??, it.next()??, it.next()??);
    it.next().is_none().then_some(parsed)
}

/// The architecture name bundles use for the machine this build runs on.
pub fn this_arch() -> &'static str {
    if cfg!(target_arch = "aarch64") {
        "aarch64"
    } else if cfg!(target_arch = "arm") {
        "armv7"
    } else {
        std::env::consts::ARCH
    }
}

/// Lower-case hex. Pure.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A 32-byte key from 64 hex digits (surrounding whitespace allowed). Pure.
pub fn key_from_hex(text: &str) -> Option<[u8; 32]> {
    let t = text.trim();
    if t.len() != 64 {
        return None;
    }
    let mut k = [0u8; 32];
    for (i, b) in k.iter_mut().enumerate() {
        *b = u8::from_str_radix(t.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{Ed25519KeyPair, KeyPair};

    fn pair() -> Ed25519KeyPair {
        let rng = ring::rand::SystemRandom::new();
        let doc = Ed25519KeyPair::generate_pkcs8(&rng).expect("test: key");
        Ed25519KeyPair::from_pkcs8(doc.as_ref()).expect("test: pair")
    }

    fn manifest() -> Vec<u8> {
        let f = |name: &str| FileEntry { name: name.into(), size: 3, sha256: "00".repeat(32) };
        let m = Manifest {
            version: "1.2.3".into(),
            arch: "aarch64".into(),
            created_ms: 1,
            files: vec![f("vmlinuz"), f("initrd.img")],
        };
        serde_json::to_vec(&m).expect("test: json")
    }

    #[test]
    fn only_a_trusted_key_over_the_exact_manifest_verifies() {
        let (k, other) = (pair(), pair());
        let key: [u8; 32] = k.public_key().as_ref().try_into().expect("test: 32 bytes");
        let other_key: [u8; 32] = other.public_key().as_ref().try_into().expect("test: 32 bytes");
        let m = manifest();
        let sig = k.sign(&m);
        assert_eq!(verify(&m, sig.as_ref(), &[other_key, key]).map(|(m, k)| (m.version, k)), Ok(("1.2.3".into(), 1)));
        assert_eq!(verify(&m, sig.as_ref(), &[other_key]), Err(BundleError::BadSignature), "another key");
        let mut changed = m.clone();
        changed[5] ^= 1;
        assert_eq!(verify(&changed, sig.as_ref(), &[key]), Err(BundleError::BadSignature), "a changed byte");
    }

    #[test]
    fn headers_versions_and_keys_parse_strictly() {
        let mut head = MAGIC.to_vec();
        head.extend_from_slice(&10u32.to_le_bytes());
        assert_eq!(manifest_len(&head), Ok(10));
        assert_eq!(manifest_len(&head[..12]), Err(BundleError::Truncated));
        assert_eq!(manifest_len(b"TILLBAK1\n\x0a\0\0\0"), Err(BundleError::NotBundle));
        let mut huge = MAGIC.to_vec();
        huge.extend_from_slice(&(MAX_MANIFEST as u32 + 1).to_le_bytes());
        assert_eq!(manifest_len(&huge), Err(BundleError::NotBundle));
        assert_eq!(parse_version("0.10.2"), Some((0, 10, 2)));
        assert!(parse_version("0.10.2") > parse_version("0.9.9"));
        for bad in ["1.2", "1.2.3.4", "1.x.3", ""] {
            assert_eq!(parse_version(bad), None, "{bad}");
        }
        assert_eq!(key_from_hex(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(key_from_hex("abc"), None);
        assert_eq!(hex(&[0, 255]), "00ff");
    }
}
