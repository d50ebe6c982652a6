//! The only unsafe code in the crate: framebuffer, evdev, USB printer, watchdog and disk-growing
//! ioctls, and mapping /dev/fb0.
//! Each block says why it is sound. Kernel structs are declared exactly as in <linux/fb.h> and
//! <linux/input.h>; `c_ulong` keeps `fb_fix_screeninfo` right on both 32-bit armv7 and 64-bit.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::fs::{File, OpenOptions};
use std::num::NonZeroUsize;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::ptr::NonNull;

use nix::libc::{c_char, c_int, c_ulong};
use nix::sys::mman::{MapFlags, ProtFlags, mmap, munmap};

use crate::fb::{Bitfield, FbFormat, FrameBuffer};
use crate::{DeviceError, FbError};

/// `struct fb_bitfield`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FbBitfield {
    pub offset: u32,
    pub length: u32,
    pub msb_right: u32,
}

/// `struct fb_var_screeninfo` (160 bytes on every architecture).
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FbVarScreeninfo {
    pub xres: u32,
    pub yres: u32,
    pub xres_virtual: u32,
    pub yres_virtual: u32,
    pub xoffset: u32,
    pub yoffset: u32,
    pub bits_per_pixel: u32,
    pub grayscale: u32,
    pub red: FbBitfield,
    pub green: FbBitfield,
    pub blue: FbBitfield,
    pub transp: FbBitfield,
    pub nonstd: u32,
    pub activate: u32,
    pub height: u32,
    pub width: u32,
    pub accel_flags: u32,
    pub pixclock: u32,
    pub left_margin: u32,
    pub right_margin: u32,
    pub upper_margin: u32,
    pub lower_margin: u32,
    pub hsync_len: u32,
    pub vsync_len: u32,
    pub sync: u32,
    pub vmode: u32,
    pub rotate: u32,
    pub colorspace: u32,
    pub reserved: [u32; 4],
}

/// `struct fb_fix_screeninfo` (68 bytes on 32-bit, 80 on 64-bit: two `unsigned long`s).
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FbFixScreeninfo {
    pub id: [c_char; 16],
    pub smem_start: c_ulong,
    pub smem_len: u32,
    pub type_: u32,
    pub type_aux: u32,
    pub visual: u32,
    pub xpanstep: u16,
    pub ypanstep: u16,
    pub ywrapstep: u16,
    pub line_length: u32,
    pub mmio_start: c_ulong,
    pub mmio_len: u32,
    pub accel: u32,
    pub capabilities: u16,
    pub reserved: [u16; 2],
}

const _: () = assert!(size_of::<FbVarScreeninfo>() == 160);
#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<FbFixScreeninfo>() == 80);
#[cfg(target_pointer_width = "32")]
const _: () = assert!(size_of::<FbFixScreeninfo>() == 68);

/// `struct input_absinfo`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct InputAbsinfo {
    pub value: i32,
    pub minimum: i32,
    pub maximum: i32,
    pub fuzz: i32,
    pub flat: i32,
    pub resolution: i32,
}

nix::ioctl_read_bad!(fbioget_vscreeninfo, 0x4600, FbVarScreeninfo);
nix::ioctl_read_bad!(fbioget_fscreeninfo, 0x4602, FbFixScreeninfo);
// EVIOCGABS(abs) = _IOR('E', 0x40 + abs, struct input_absinfo)
nix::ioctl_read!(eviocgabs_x, b'E', 0x40, InputAbsinfo);
nix::ioctl_read!(eviocgabs_y, b'E', 0x41, InputAbsinfo);
nix::ioctl_read!(eviocgabs_mt_x, b'E', 0x40 + 0x35, InputAbsinfo);
nix::ioctl_read!(eviocgabs_mt_y, b'E', 0x40 + 0x36, InputAbsinfo);
// LPGETSTATUS from <linux/lp.h>: an old-style number, which usblp answers in its "old-style
// ioctl value" branch. `_IOR('P', 0x0b, int)` would land in its new-style branch: ENOTTY.
nix::ioctl_read_bad!(lpgetstatus, 0x060b, c_int);
// <linux/watchdog.h>: WDIOC_SETTIMEOUT = _IOWR('W', 6, int).
nix::ioctl_readwrite!(wdioc_settimeout, b'W', 6, c_int);
// <linux/fs.h>: BLKPG = _IO(0x12, 105), its argument passed by pointer.
nix::ioctl_write_ptr_bad!(blkpg, nix::request_code_none!(0x12, 105), BlkpgIoctlArg);
// <linux/ext4.h>: EXT4_IOC_RESIZE_FS = _IOW('f', 16, __u64).
nix::ioctl_write_ptr!(ext4_ioc_resize_fs, b'f', 16, u64);

/// `struct blkpg_partition` (<linux/blkpg.h>): start and length in bytes.
#[repr(C)]
struct BlkpgPartition {
    start: i64,
    length: i64,
    pno: c_int,
    devname: [c_char; 64],
    volname: [c_char; 64],
}

/// `struct blkpg_ioctl_arg`.
#[repr(C)]
struct BlkpgIoctlArg {
    op: c_int,
    flags: c_int,
    datalen: c_int,
    data: *mut c_void,
}

/// `BLKPG_RESIZE_PARTITION`.
const BLKPG_RESIZE_PARTITION: c_int = 3;

/// The Linux framebuffer device, mapped, with a back buffer to draw into and present without tearing.
#[derive(Debug)]
pub struct FbDevice {
    _file: File,
    map: NonNull<c_void>,
    map_len: usize,
    /// Byte offset of the visible area inside the mapping (panning).
    visible_offset: usize,
    format: FbFormat,
    back: Vec<u8>,
}

impl FbDevice {
    /// Opens a framebuffer such as /dev/fb0, reads its size and pixel format, and maps its memory.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, DeviceError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|source| DeviceError::Open { path: name.clone(), source })?;
        let fd = file.as_raw_fd();
        let mut var = FbVarScreeninfo::default();
        let mut fix = FbFixScreeninfo::default();
        // SAFETY: fd is an open file; the kernel writes exactly size_of::<FbVarScreeninfo>() bytes,
        // which matches the #[repr(C)] layout checked above, into a valid &mut.
        unsafe { fbioget_vscreeninfo(fd, &mut var) }.map_err(|e| DeviceError::Ioctl {
            path: name.clone(),
            what: "FBIOGET_VSCREENINFO",
            errno: e,
        })?;
        // SAFETY: as above, for struct fb_fix_screeninfo (size checked per pointer width).
        unsafe { fbioget_fscreeninfo(fd, &mut fix) }.map_err(|e| DeviceError::Ioctl {
            path: name.clone(),
            what: "FBIOGET_FSCREENINFO",
            errno: e,
        })?;
        let bf = |b: FbBitfield| Bitfield { offset: b.offset, length: b.length };
        let format = FbFormat {
            width: var.xres,
            height: var.yres,
            line_length_bytes: fix.line_length,
            bits_per_pixel: var.bits_per_pixel,
            red: bf(var.red),
            green: bf(var.green),
            blue: bf(var.blue),
        };
        let visible_offset =
            var.yoffset as usize * fix.line_length as usize + var.xoffset as usize * (var.bits_per_pixel as usize / 8);
        let map_len = fix.smem_len as usize;
        if map_len < visible_offset + format.bytes_needed() {
            return Err(DeviceError::Format {
                path: name,
                source: FbError::ShortBuffer { len: map_len, needed: visible_offset + format.bytes_needed() },
            });
        }
        // Validate the pixel format before mapping anything.
        let mut probe = vec![0u8; format.bytes_needed()];
        FrameBuffer::new(&mut probe, format).map_err(|source| DeviceError::Format { path: name.clone(), source })?;
        let len = NonZeroUsize::new(map_len).ok_or_else(|| DeviceError::Format {
            path: name.clone(),
            source: FbError::ShortBuffer { len: 0, needed: 1 },
        })?;
        // SAFETY: mapping a device file we hold open, shared, read/write, at offset 0 for the length the
        // kernel reported; nothing else in this process aliases the mapping, and Drop unmaps it once.
        let map =
            unsafe { mmap(None, len, ProtFlags::PROT_READ | ProtFlags::PROT_WRITE, MapFlags::MAP_SHARED, &file, 0) }
                .map_err(|e| DeviceError::Ioctl { path: name, what: "mmap", errno: e })?;
        Ok(FbDevice { _file: file, map, map_len, visible_offset, format, back: probe })
    }

    /// The display's size and pixel format.
    pub fn format(&self) -> FbFormat {
        self.format
    }

    /// A target over the back buffer; call `present` to show what was drawn.
    pub fn back_buffer(&mut self) -> FrameBuffer<'_> {
        let format = self.format;
        // The format was validated against a buffer of this exact size in `open`.
        FrameBuffer::new(&mut self.back, format).unwrap_or_else(|e| unreachable!("validated in open: {e}"))
    }

    /// Copies the back buffer to the screen in one pass (rows `y0..y1` only, for partial redraws).
    pub fn present_rows(&mut self, y0: u32, y1: u32) {
        let line = self.format.line_length_bytes as usize;
        let y1 = y1.min(self.format.height) as usize;
        let y0 = (y0 as usize).min(y1);
        let (start, end) = (y0 * line, y1 * line);
        // SAFETY: the mapping is map_len bytes, valid while self lives; open checked that
        // visible_offset + line_length * height <= map_len, and end <= line_length * height.
        let screen = unsafe {
            std::slice::from_raw_parts_mut(
                self.map.as_ptr().cast::<u8>().add(self.visible_offset),
                self.format.bytes_needed(),
            )
        };
        screen[start..end].copy_from_slice(&self.back[start..end]);
    }

    /// Copies the whole back buffer to the screen.
    pub fn present(&mut self) {
        self.present_rows(0, self.format.height);
    }
}

impl Drop for FbDevice {
    fn drop(&mut self) {
        // SAFETY: map/map_len are exactly what mmap returned and this is the only unmap.
        let _ = unsafe { munmap(self.map, self.map_len) };
    }
}

/// Reads an absolute axis range (min, max) from an evdev device; `None` if it has no such axis.
pub(crate) fn abs_range(file: &File, axis: u16) -> Option<(i32, i32)> {
    let fd = file.as_raw_fd();
    let mut info = InputAbsinfo::default();
    // SAFETY: fd is an open evdev file; EVIOCGABS writes one struct input_absinfo (6 × i32,
    // #[repr(C)]) into a valid &mut. Devices without the axis return an error, not garbage.
    let result = unsafe {
        match axis {
            0x00 => eviocgabs_x(fd, &mut info),
            0x01 => eviocgabs_y(fd, &mut info),
            0x35 => eviocgabs_mt_x(fd, &mut info),
            0x36 => eviocgabs_mt_y(fd, &mut info),
            _ => return None,
        }
    };
    result.ok().filter(|_| info.maximum > info.minimum).map(|_| (info.minimum, info.maximum))
}

/// The status byte of a USB printer (`LPGETSTATUS` on a usblp device such as `/dev/usb/lp0`: the
/// USB printer class GET_PORT_STATUS request): 0x20 paper empty, 0x10 selected (online), 0x08
/// no error (active low). Here, not in the appliance, because `till` denies unsafe code and this
/// module is where the project keeps its device ioctls.
pub fn lp_status(file: &File) -> Result<u8, nix::errno::Errno> {
    let mut status: c_int = 0;
    // SAFETY: fd is an open file; usblp's LPGETSTATUS copies exactly one int into a valid &mut
    // c_int. Other drivers refuse the number (ENOTTY/EINVAL) without writing.
    unsafe { lpgetstatus(file.as_raw_fd(), &mut status) }?;
    Ok((status & 0xFF) as u8)
}

/// Sets a watchdog device's timeout in seconds (`WDIOC_SETTIMEOUT` on `/dev/watchdog`); returns
/// the timeout the driver took (it may round). Here for the same reason as [`lp_status`].
pub fn watchdog_set_timeout(file: &File, secs: i32) -> Result<i32, nix::errno::Errno> {
    let mut t: c_int = secs;
    // SAFETY: fd is an open file; the watchdog core's WDIOC_SETTIMEOUT reads and writes back
    // exactly one int through a valid &mut c_int. Other drivers refuse the number without writing.
    unsafe { wdioc_settimeout(file.as_raw_fd(), &mut t) }?;
    Ok(t)
}

/// Tells the kernel partition `pno` of the disk open as `disk` now spans `length` bytes from
/// `start` (`BLKPG_RESIZE_PARTITION`; works while the partition is mounted, unlike re-reading
/// the whole table). Here for the same reason as [`lp_status`].
pub fn resize_partition(disk: &File, pno: i32, start: i64, length: i64) -> Result<(), nix::errno::Errno> {
    let mut part = BlkpgPartition { start, length, pno, devname: [0; 64], volname: [0; 64] };
    let arg = BlkpgIoctlArg {
        op: BLKPG_RESIZE_PARTITION,
        flags: 0,
        datalen: std::mem::size_of::<BlkpgPartition>() as c_int,
        data: (&mut part as *mut BlkpgPartition).cast(),
    };
    // SAFETY: fd is an open block device; BLKPG reads one struct blkpg_ioctl_arg (#[repr(C)])
    // whose data points at a struct blkpg_partition (#[repr(C)], datalen its size) that lives on
    // this stack for the call. The kernel only reads both. Other files refuse the number.
    unsafe { blkpg(disk.as_raw_fd(), &arg) }?;
    Ok(())
}

/// Grows the mounted ext4 file system whose folder is open as `dir` to `blocks` blocks, online
/// (`EXT4_IOC_RESIZE_FS`; the kernel journals each step, so a power cut leaves it consistent).
pub fn ext4_resize(dir: &File, blocks: u64) -> Result<(), nix::errno::Errno> {
    // SAFETY: fd is an open file on the file system; EXT4_IOC_RESIZE_FS reads one u64 through
    // a valid reference. Other file systems refuse the number.
    unsafe { ext4_ioc_resize_fs(dir.as_raw_fd(), &blocks) }?;
    Ok(())
}
