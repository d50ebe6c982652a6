//! File-system labels read straight from a device's first bytes, as blkid would but without it
//! (the appliance has no udev and no blkid): the FAT12/16/32 boot sector's volume label and the
//! ext2/3/4 superblock's volume name. Pure: the caller reads the bytes.

/// How many bytes from the start of a device [`label_of`] needs: the boot sector and the ext
/// superblock (at 1024).
pub const PROBE_BYTES: usize = 2048;

/// A file system the stick can be mounted as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsKind {
    /// FAT12, FAT16 or FAT32 (mounted as `vfat`).
    Fat,
    /// ext2, ext3 or ext4 (mounted as `ext4`, which reads all three).
    Ext,
}

impl FsKind {
    /// The kernel's name for it, as `mount` takes it.
    pub fn fstype(self) -> &'static str {
        match self {
            FsKind::Fat => "vfat",
            FsKind::Ext => "ext4",
        }
    }
}

/// The file system found at the start of a device and its label (`None`: unlabelled).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probed {
    /// Which file system.
    pub kind: FsKind,
    /// Its label, trailing spaces and NULs removed.
    pub label: Option<String>,
}

/// The file system and label in the first bytes of a device (at least [`PROBE_BYTES`] of them for
/// ext; 512 suffice for FAT), or `None` when neither is there (a partition table, another file
/// system, an empty device).
pub fn label_of(head: &[u8]) -> Option<Probed> {
    ext(head).or_else(|| fat(head))
}

fn text(raw: &[u8]) -> Option<String> {
    let end = raw.iter().position(|b| *b == 0).unwrap_or(raw.len());
    let s = String::from_utf8_lossy(&raw[..end]).trim_end_matches(' ').to_string();
    (!s.is_empty()).then_some(s)
}

/// The ext2/3/4 superblock: at byte 1024, magic 0xEF53 at +56, the volume name (16 bytes) at +120.
fn ext(head: &[u8]) -> Option<Probed> {
    let sb = head.get(1024..1024 + 136)?;
    if sb[56..58] != [0x53, 0xEF] {
        return None;
    }
    Some(Probed { kind: FsKind::Ext, label: text(&sb[120..136]) })
}

/// The FAT boot sector: 0x55AA at 510, a sane BPB, and the extended boot record with signature
/// 0x29 (at 38 for FAT12/16, at 66 for FAT32) holding the 11-byte label and the type string.
fn fat(head: &[u8]) -> Option<Probed> {
    let bs = head.get(..512)?;
    if bs[510..512] != [0x55, 0xAA] {
        return None;
    }
    let bytes_per_sector = u16::from_le_bytes([bs[11], bs[12]]);
    let sectors_per_cluster = bs[13];
    let fats = bs[16];
    if !matches!(bytes_per_sector, 512 | 1024 | 2048 | 4096)
        || !sectors_per_cluster.is_power_of_two()
        || !(1..=2).contains(&fats)
    {
        return None;
    }
    // FAT32 has no fixed root directory (0 entries) and its own extended record at 64.
    let (sig, label, fs_type) = if u16::from_le_bytes([bs[17], bs[18]]) == 0 { (66, 71, 82) } else { (38, 43, 54) };
    if bs[sig] != 0x29 || !bs[fs_type..fs_type + 8].starts_with(b"FAT") {
        return None;
    }
    let label = text(&bs[label..label + 11]).filter(|l| l != "NO NAME");
    Some(Probed { kind: FsKind::Fat, label })
}

/// Where a FAT file system's root folder starts (bytes from the start of the device) and how
/// many of its bytes to read for the volume-label entry (at most 64 KiB): the fixed root folder
/// of FAT12/16, the first cluster of FAT32's. `None` if `head` is not a FAT boot sector.
pub fn fat_root_dir(head: &[u8]) -> Option<(u64, usize)> {
    fat(head)?;
    let u16_at = |i: usize| u64::from(u16::from_le_bytes([head[i], head[i + 1]]));
    let u32_at = |i: usize| u64::from(u32::from_le_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]));
    let (bps, spc, reserved, fats) = (u16_at(11), u64::from(head[13]), u16_at(14), u64::from(head[16]));
    let root_entries = u16_at(17);
    let (sector, len) = if root_entries == 0 {
        let first_data = reserved + fats * u32_at(36);
        (first_data + u32_at(44).checked_sub(2)? * spc, spc * bps)
    } else {
        (reserved + fats * u16_at(22), root_entries * 32)
    };
    Some((sector.checked_mul(bps)?, usize::try_from(len.min(64 << 10)).ok()?))
}

/// The volume-label entry of a FAT root folder (what a computer changes when the stick is renamed;
/// it may leave the boot sector's `NO NAME`): a 32-byte entry with the volume-label attribute.
pub fn root_dir_label(dir: &[u8]) -> Option<String> {
    for e in dir.chunks_exact(32) {
        match e[0] {
            0x00 => return None,
            0xE5 => continue,
            _ => {}
        }
        let attr = e[11];
        // 0x0F: a long-name entry; 0x08 without 0x10 (a folder): the volume label.
        if attr != 0x0F && attr & 0x08 != 0 && attr & 0x10 == 0 {
            return text(&e[..11]);
        }
    }
    None
}

/// Whether `label` marks a backup stick: [`super::STICK_LABEL`], in any case.
pub fn is_backup_label(label: &str) -> bool {
    is_label(label, super::STICK_LABEL)
}

/// Whether `label` is `want`, in any case.
pub fn is_label(label: &str, want: &str) -> bool {
    label.trim().eq_ignore_ascii_case(want)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FAT boot sector as mkfs.vfat writes it: FAT16 (`fat32` false) or FAT32.
    fn fat_sector(fat32: bool, label: &[u8; 11]) -> Vec<u8> {
        let mut b = vec![0u8; PROBE_BYTES];
        b[0..3].copy_from_slice(&[0xEB, 0x3C, 0x90]);
        b[3..11].copy_from_slice(b"mkfs.fat");
        b[11..13].copy_from_slice(&512u16.to_le_bytes());
        b[13] = 4;
        b[14..16].copy_from_slice(&4u16.to_le_bytes());
        b[16] = 2;
        let (sig, l, t, ty): (usize, usize, usize, &[u8; 8]) =
            if fat32 { (66, 71, 82, b"FAT32   ") } else { (38, 43, 54, b"FAT16   ") };
        if !fat32 {
            b[17..19].copy_from_slice(&512u16.to_le_bytes());
        }
        b[sig] = 0x29;
        b[l..l + 11].copy_from_slice(label);
        b[t..t + 8].copy_from_slice(ty);
        b[510] = 0x55;
        b[511] = 0xAA;
        b
    }

    fn ext_superblock(label: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; PROBE_BYTES];
        b[1024 + 56] = 0x53;
        b[1024 + 57] = 0xEF;
        b[1024 + 120..1024 + 120 + label.len()].copy_from_slice(label);
        b
    }

    #[test]
    fn fat16_and_fat32_labels() {
        let p = label_of(&fat_sector(false, b"TILL-BACKUP"));
        assert_eq!(p, Some(Probed { kind: FsKind::Fat, label: Some("TILL-BACKUP".into()) }));
        let p = label_of(&fat_sector(true, b"till-backup"));
        assert_eq!(p, Some(Probed { kind: FsKind::Fat, label: Some("till-backup".into()) }));
        assert!(p.and_then(|p| p.label).is_some_and(|l| is_backup_label(&l)));
        let p = label_of(&fat_sector(true, b"PHOTOS     "));
        assert_eq!(p.and_then(|p| p.label).as_deref(), Some("PHOTOS"));
        // "NO NAME" is how FAT says it has none.
        let p = label_of(&fat_sector(false, b"NO NAME    "));
        assert_eq!(p, Some(Probed { kind: FsKind::Fat, label: None }));
    }

    /// The root folder of [`fat_sector`]'s file systems, found and read.
    #[test]
    fn fat_root_folder_labels() {
        // FAT16: 4 reserved sectors, 2 FATs of 32 sectors: the root folder at sector 68.
        let mut b = fat_sector(false, b"NO NAME    ");
        b[22..24].copy_from_slice(&32u16.to_le_bytes());
        assert_eq!(fat_root_dir(&b), Some((68 * 512, 512 * 32)));
        // FAT32: 2 FATs of 100 sectors, the root folder at cluster 2 of 4 sectors each.
        let mut b = fat_sector(true, b"NO NAME    ");
        b[36..40].copy_from_slice(&100u32.to_le_bytes());
        b[44..48].copy_from_slice(&2u32.to_le_bytes());
        assert_eq!(fat_root_dir(&b), Some((204 * 512, 4 * 512)));
        b[44..48].copy_from_slice(&0u32.to_le_bytes());
        assert_eq!(fat_root_dir(&b), None, "no cluster 0");
        assert_eq!(fat_root_dir(&ext_superblock(b"X")), None);

        let entry = |name: &[u8; 11], attr: u8| {
            let mut e = [0u8; 32];
            e[..11].copy_from_slice(name);
            e[11] = attr;
            e
        };
        let mut dir = Vec::new();
        dir.extend(entry(b"A\0b\0c\0d\0e\0f", 0x0F)); // a long name
        dir.extend(entry(b"\xE5OLD       ", 0x08)); // a deleted label
        dir.extend(entry(b"DOCS       ", 0x10)); // a folder
        dir.extend(entry(b"till-backup", 0x08));
        assert_eq!(root_dir_label(&dir).as_deref(), Some("till-backup"));
        let mut ended = dir.clone();
        ended[32 * 3] = 0;
        assert_eq!(root_dir_label(&ended), None, "entries end at a 0 byte");
    }

    #[test]
    fn ext_labels() {
        let p = label_of(&ext_superblock(b"TILL-BACKUP"));
        assert_eq!(p, Some(Probed { kind: FsKind::Ext, label: Some("TILL-BACKUP".into()) }));
        let p = label_of(&ext_superblock(b"sixteen-chars-xx"));
        assert_eq!(p.and_then(|p| p.label).as_deref(), Some("sixteen-chars-xx"));
        assert_eq!(label_of(&ext_superblock(b"")), Some(Probed { kind: FsKind::Ext, label: None }));
        assert_eq!(FsKind::Ext.fstype(), "ext4");
        assert_eq!(FsKind::Fat.fstype(), "vfat");
    }

    #[test]
    fn other_bytes_are_no_file_system() {
        assert_eq!(label_of(&[0u8; PROBE_BYTES]), None);
        assert_eq!(label_of(&[0u8; 10]), None);
        // An MBR: the boot signature but no BPB.
        let mut mbr = vec![0u8; 512];
        mbr[510] = 0x55;
        mbr[511] = 0xAA;
        assert_eq!(label_of(&mbr), None);
        // A FAT sector with its extended signature or type string broken.
        let mut b = fat_sector(false, b"TILL-BACKUP");
        b[38] = 0;
        assert_eq!(label_of(&b), None);
        let mut b = fat_sector(true, b"TILL-BACKUP");
        b[82] = b'X';
        assert_eq!(label_of(&b), None);
        let mut b = fat_sector(false, b"TILL-BACKUP");
        b[11] = 3;
        assert_eq!(label_of(&b), None, "512-byte sectors or a power of two");
        assert!(!is_backup_label("TILL-BACKUPS"));
        assert!(is_backup_label("Till-Backup"));
    }
}
