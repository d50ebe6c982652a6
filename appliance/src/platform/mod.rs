//! Operating-system duties through `nix`: watching the data directory (and, with the image
//! issue, mounts, interfaces, the watchdog and the framebuffer). Nothing here knows about sales.

pub mod init;
pub mod watch;
