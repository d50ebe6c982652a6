//! DATA fills the card (issue 18, item 5; ARCHITECTURE.md, "The appliance image"). The image
//! ships a 64 MiB DATA partition, whatever the card it is flashed on; at boot, once DATA is
//! mounted, process 1 grows it to the end of the card, online, in three steps that each leave a
//! bootable card if the power goes in between, and that the next boot finishes:
//!
//! 1. the partition's entry in the MBR (one 512-byte sector, written and synced in one write);
//! 2. the kernel's view of the partition (`BLKPG_RESIZE_PARTITION`: works while it is mounted);
//! 3. the ext4 file system (`EXT4_IOC_RESIZE_FS`: the kernel grows it online, journaled).
//!
//! Each step is taken only when it is still needed, so a card that is full already costs three
//! small reads. Only the last partition grows, and only by at least [`MIN_GAIN`].

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;

use log::info;

/// Bytes in a sector of the partition table.
pub const SECTOR: u64 = 512;
/// The partition ends on a whole MiB (in sectors), as partitioning tools align it.
const ALIGN: u64 = 2048;
/// Not worth growing for less than this (in sectors: 8 MiB).
pub const MIN_GAIN: u64 = 8 * 2048;

/// Why DATA could not grow (it keeps its size; the register works on).
#[derive(Debug, thiserror::Error)]
pub enum GrowError {
    /// A device or sysfs file could not be read or written.
    #[error("{what} {path}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// On which path.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The partition table or the file system is not what the image makes.
    #[error("{0}")]
    Layout(String),
    /// The kernel refused a step.
    #[error("{what}: {source}")]
    Kernel {
        /// The step.
        what: &'static str,
        /// The kernel's error.
        source: nix::errno::Errno,
    },
}

/// What a grow did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grown {
    /// The file system's size before, in MiB.
    pub from_mib: u64,
    /// After.
    pub to_mib: u64,
}

/// An MBR's partition entry `index` (0-3): start and length in sectors; `None` without the
/// MBR signature or for an empty entry. Pure.
pub fn mbr_entry(sector0: &[u8; 512], index: usize) -> Option<(u64, u64)> {
    if index > 3 || sector0[510..512] != [0x55, 0xAA] {
        return None;
    }
    let e = &sector0[446 + 16 * index..446 + 16 * (index + 1)];
    let le = |b: &[u8]| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let (start, len) = (le(&e[8..12]), le(&e[12..16]));
    (e[4] != 0 && len > 0).then_some((start, len))
}

/// Sets entry `index`'s length in sectors (its CHS end marked "beyond CHS", as tools do for
/// large disks). Pure.
pub fn set_mbr_length(sector0: &mut [u8; 512], index: usize, sectors: u32) {
    let e = 446 + 16 * index;
    sector0[e + 5..e + 8].copy_from_slice(&[0xFE, 0xFF, 0xFF]);
    sector0[e + 12..e + 16].copy_from_slice(&sectors.to_le_bytes());
}

/// The new length in sectors of a partition at `start` of `len` on a disk of `disk` sectors:
/// up to the disk's last whole MiB (at most what an MBR can say), when that gains at least
/// [`MIN_GAIN`]; `None` otherwise. Pure.
pub fn new_length(disk: u64, start: u64, len: u64) -> Option<u64> {
    let end = (disk / ALIGN * ALIGN).min(start + u64::from(u32::MAX));
    let wanted = end.checked_sub(start)?;
    (wanted >= len + MIN_GAIN).then_some(wanted)
}

/// An ext2/3/4 superblock's block count and block size (the 1024 bytes at offset 1024 of the
/// partition); `None` without its magic. Pure.
pub fn ext_blocks(sb: &[u8]) -> Option<(u64, u64)> {
    let u32_at = |o: usize| sb.get(o..o + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    if sb.get(56..58)? != [0x53, 0xEF] {
        return None;
    }
    let lo = u64::from(u32_at(4)?);
    let log = u32_at(24)?;
    // The high half counts only with the 64bit feature (incompat 0x80).
    let hi = if u32_at(96)? & 0x80 != 0 { u64::from(u32_at(0x150)?) } else { 0 };
    let size = 1024u64.checked_shl(log).filter(|s| *s <= 65536)?;
    Some(((hi << 32) | lo, size))
}

/// The disk and partition number of a partition's device: `/dev/vda2` → (`vda`, 2),
/// `/dev/mmcblk0p2` → (`mmcblk0`, 2). Pure.
pub fn split_device(dev: &str) -> Option<(String, u32)> {
    let name = dev.strip_prefix("/dev/")?;
    let digits = name.len() - name.bytes().rev().take_while(u8::is_ascii_digit).count();
    let pno = name[digits..].parse().ok()?;
    let disk = &name[..digits];
    let disk = match disk.strip_suffix('p') {
        Some(d) if d.ends_with(|c: char| c.is_ascii_digit()) => d,
        _ => disk,
    };
    (!disk.is_empty()).then(|| (disk.to_string(), pno))
}

fn io(what: &'static str, path: &str) -> impl FnOnce(std::io::Error) -> GrowError {
    let path = path.to_string();
    move |source| GrowError::Io { what, path, source }
}

fn sysfs_sectors(name: &str, file: &str) -> Result<u64, GrowError> {
    let path = format!("/sys/class/block/{name}/{file}");
    let text = std::fs::read_to_string(&path).map_err(io("cannot read", &path))?;
    text.trim().parse().map_err(|_| GrowError::Layout(format!("{path} holds {text:?}, not a number")))
}

/// Grows the DATA partition `data_dev`, mounted at `mounted`, to the end of its card. `Ok(None)`:
/// nothing to do. Logs `growing DATA …` before its first write.
pub fn grow_data(data_dev: &str, mounted: &Path) -> Result<Option<Grown>, GrowError> {
    let (disk, pno) =
        split_device(data_dev).ok_or_else(|| GrowError::Layout(format!("{data_dev}: not a partition's device")))?;
    let part = data_dev.trim_start_matches("/dev/");
    let disk_dev = format!("/dev/{disk}");
    let index = usize::try_from(pno).ok().and_then(|p| p.checked_sub(1)).filter(|i| *i < 4);
    let index = index.ok_or_else(|| GrowError::Layout(format!("{data_dev}: not a primary partition")))?;
    let mut sector0 = [0u8; 512];
    let disk_file = OpenOptions::new().read(true).write(true).open(&disk_dev).map_err(io("cannot open", &disk_dev))?;
    disk_file.read_exact_at(&mut sector0, 0).map_err(io("cannot read", &disk_dev))?;
    let (start, len) =
        mbr_entry(&sector0, index).ok_or_else(|| GrowError::Layout(format!("{disk_dev}: no MBR entry for {part}")))?;
    if (0..4).filter(|i| *i != index).filter_map(|i| mbr_entry(&sector0, i)).any(|(s, _)| s > start) {
        return Err(GrowError::Layout(format!("{part} is not the card's last partition")));
    }
    let fs_before = fs_blocks(data_dev)?;
    // 1. The MBR.
    let mut len = len;
    if let Some(wanted) = new_length(sysfs_sectors(&disk, "size")?, start, len) {
        info!("growing DATA from {} MiB to {} MiB to fill the card", len / 2048, wanted / 2048);
        set_mbr_length(&mut sector0, index, u32::try_from(wanted).unwrap_or(u32::MAX));
        disk_file.write_all_at(&sector0, 0).map_err(io("cannot write", &disk_dev))?;
        disk_file.sync_all().map_err(io("cannot sync", &disk_dev))?;
        len = wanted;
    }
    // 2. The kernel's view of the partition.
    if sysfs_sectors(part, "size")? < len {
        let bytes = |s: u64| i64::try_from(s * SECTOR).unwrap_or(i64::MAX);
        till_display::resize_partition(&disk_file, i32::try_from(pno).unwrap_or(i32::MAX), bytes(start), bytes(len))
            .map_err(|source| GrowError::Kernel { what: "the kernel refused the partition's new size", source })?;
    }
    // 3. The file system.
    let (blocks, block) = fs_before;
    let fits = len * SECTOR / block;
    if fits < blocks + MIN_GAIN * SECTOR / block {
        return Ok(None);
    }
    let (from_mib, to_mib) = ((blocks * block) >> 20, (fits * block) >> 20);
    info!("growing DATA's file system from {from_mib} MiB to {to_mib} MiB");
    let dir = File::open(mounted).map_err(io("cannot open", "/data"))?;
    till_display::ext4_resize(&dir, fits)
        .map_err(|source| GrowError::Kernel { what: "the kernel refused to grow the file system", source })?;
    Ok(Some(Grown { from_mib, to_mib }))
}

/// The ext file system's block count and block size, from its superblock on the device.
fn fs_blocks(dev: &str) -> Result<(u64, u64), GrowError> {
    let f = File::open(dev).map_err(io("cannot open", dev))?;
    let mut sb = [0u8; 1024];
    f.read_exact_at(&mut sb, 1024).map_err(io("cannot read", dev))?;
    ext_blocks(&sb).ok_or_else(|| GrowError::Layout(format!("{dev}: no ext file system")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mbr(entries: &[(u8, u32, u32)]) -> [u8; 512] {
        let mut s = [0u8; 512];
        for (i, (kind, start, len)) in entries.iter().enumerate() {
            let e = 446 + 16 * i;
            s[e + 4] = *kind;
            s[e + 8..e + 12].copy_from_slice(&start.to_le_bytes());
            s[e + 12..e + 16].copy_from_slice(&len.to_le_bytes());
        }
        s[510] = 0x55;
        s[511] = 0xAA;
        s
    }

    #[test]
    fn the_image_layout_grows_to_the_cards_last_mib_once() {
        // The image: BOOT 64 MiB at 1 MiB, DATA 64 MiB after it; a 512 MiB card.
        let mut s = mbr(&[(0x0c, 2048, 131_072), (0x83, 133_120, 131_072)]);
        assert_eq!(mbr_entry(&s, 1), Some((133_120, 131_072)));
        assert_eq!(mbr_entry(&s, 2), None, "an empty entry");
        let card = 512 * 2048;
        let wanted = new_length(card, 133_120, 131_072);
        assert_eq!(wanted, Some(card - 133_120));
        set_mbr_length(&mut s, 1, u32::try_from(card - 133_120).expect("test: fits"));
        assert_eq!(mbr_entry(&s, 1), Some((133_120, card - 133_120)));
        assert_eq!(mbr_entry(&s, 0), Some((2048, 131_072)), "BOOT untouched");
        assert_eq!(new_length(card, 133_120, card - 133_120), None, "once is enough");
        // A card a little larger than the image, or an odd size: nothing, or the last whole MiB.
        assert_eq!(new_length(133_120 + 131_072 + 100, 133_120, 131_072), None);
        assert_eq!(new_length(card + 1000, 133_120, 131_072), Some(card - 133_120));
        let mut unsigned = s;
        unsigned[510] = 0;
        assert_eq!(mbr_entry(&unsigned, 1), None, "no MBR signature");
    }

    #[test]
    fn superblocks_and_device_names_read_as_the_kernel_writes_them() {
        let mut sb = [0u8; 1024];
        sb[4..8].copy_from_slice(&65_536u32.to_le_bytes());
        sb[24..28].copy_from_slice(&0u32.to_le_bytes());
        assert_eq!(ext_blocks(&sb), None, "no magic");
        sb[56..58].copy_from_slice(&[0x53, 0xEF]);
        assert_eq!(ext_blocks(&sb), Some((65_536, 1024)));
        sb[24..28].copy_from_slice(&2u32.to_le_bytes());
        sb[96..100].copy_from_slice(&0x80u32.to_le_bytes());
        sb[0x150..0x154].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(ext_blocks(&sb), Some(((1 << 32) + 65_536, 4096)), "64bit: the high half counts");
        assert_eq!(split_device("/dev/vda2"), Some(("vda".into(), 2)));
        assert_eq!(split_device("/dev/mmcblk0p2"), Some(("mmcblk0".into(), 2)));
        assert_eq!(split_device("/dev/sda2"), Some(("sda".into(), 2)));
        assert_eq!(split_device("/dev/vda"), None);
        assert_eq!(split_device("vda2"), None);
    }
}
