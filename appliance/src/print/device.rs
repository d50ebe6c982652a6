//! Where the printer is, and talking to it without ever blocking for good.
//!
//! Three kinds of link, named by a [`Target`]:
//! - `usb:/dev/usb/lp0`: the kernel's USB printer class driver (usblp). Opened read-write and
//!   non-blocking (write-only if reading is refused), written with `poll`, and drained by one last
//!   `poll` for writability (with `O_NONBLOCK` usblp returns before its transfer ends). Its status
//!   comes from `DLE EOT` when the printer answers on its bulk-in pipe, else from the kernel's
//!   `LPGETSTATUS` (the USB class status byte).
//! - `serial:/dev/ttyUSB0:19200`: a tty set raw, 8N1, at the baud rate, ignoring modem lines
//!   (`CLOCAL`), with XON/XOFF honoured on output (no `DLE EOT` reply can look like XOFF: bit 0
//!   is always clear in them). Non-blocking and polled like USB.
//! - `tcp:HOST:9100`: the "raw" port of network printers. Connected with a timeout, every write
//!   and read with one. A connection the printer closed since (it was switched off and on) is
//!   noticed before the next job and made again.
//!
//! A job either goes out whole or fails with a [`PrintError`] by its deadline.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::AsFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::libc;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::termios::{self, BaudRate, ControlFlags, FlushArg, InputFlags, SetArg, SpecialCharacterIndices};

use super::escpos::{STATUS_QUERIES, is_status_reply};

/// Baud rates a serial printer may be set to.
pub const BAUD_RATES: [u32; 5] = [9600, 19200, 38400, 57600, 115200];
/// The baud rate when a serial target names none (most receipt printers' factory setting).
pub const DEFAULT_BAUD: u32 = 19200;
/// The port when a TCP target names none: the "raw" (JetDirect) port of network printers.
pub const DEFAULT_PORT: u16 = 9100;
/// How long [`Printer::status`] waits for each `DLE EOT` reply.
pub const STATUS_TIMEOUT: Duration = Duration::from_millis(300);

/// Where a printer is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A USB printer through the kernel's usblp driver (`usb:/dev/usb/lp0`).
    Usb(PathBuf),
    /// A serial printer (`serial:/dev/ttyUSB0:19200`; the rate defaults to 19200).
    Serial {
        /// The tty.
        path: PathBuf,
        /// Bits per second, one of [`BAUD_RATES`].
        baud: u32,
    },
    /// A network printer (`tcp:192.168.1.50:9100`; the port defaults to 9100).
    Tcp {
        /// An address or a host name (a name is looked up without the connect timeout).
        host: String,
        /// The TCP port.
        port: u16,
    },
}

/// A printer address that cannot be used, in one line for the person setting it up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Not `usb:`, `serial:` or `tcp:`.
    #[error("printer {0:?}: write usb:/dev/usb/lp0, serial:/dev/ttyUSB0:19200 or tcp:HOST:9100")]
    Kind(String),
    /// The device path is missing or relative.
    #[error("printer {0:?}: the device needs its full path, like /dev/usb/lp0 or /dev/ttyUSB0")]
    Path(String),
    /// Not one of [`BAUD_RATES`].
    #[error("printer {input:?}: baud rate {baud:?} is not one of 9600, 19200, 38400, 57600, 115200")]
    Baud {
        /// The whole address.
        input: String,
        /// The rate given.
        baud: String,
    },
    /// Not a port number.
    #[error("printer {input:?}: port {port:?} is not a number from 1 to 65535")]
    Port {
        /// The whole address.
        input: String,
        /// The port given.
        port: String,
    },
    /// No host, or one with spaces or slashes.
    #[error("printer {0:?}: give the printer's address, like tcp:192.168.1.50:9100")]
    Host(String),
}

impl FromStr for Target {
    type Err = TargetError;

    fn from_str(s: &str) -> Result<Target, TargetError> {
        let input = s.trim();
        let (kind, rest) = input.split_once(':').ok_or_else(|| TargetError::Kind(s.to_string()))?;
        let device = |p: &str| {
            if p.starts_with('/') && p.len() > 1 { Ok(PathBuf::from(p)) } else { Err(TargetError::Path(s.to_string())) }
        };
        match kind.to_ascii_lowercase().as_str() {
            "usb" => Ok(Target::Usb(device(rest)?)),
            "serial" => {
                // The last `:` field is the rate unless it looks like part of the path.
                let (path, baud) = match rest.rsplit_once(':') {
                    Some((path, baud)) if !baud.contains('/') => {
                        let rate = baud.parse::<u32>().ok().filter(|b| BAUD_RATES.contains(b));
                        let rate =
                            rate.ok_or_else(|| TargetError::Baud { input: s.to_string(), baud: baud.to_string() })?;
                        (path, rate)
                    }
                    _ => (rest, DEFAULT_BAUD),
                };
                Ok(Target::Serial { path: device(path)?, baud })
            }
            "tcp" => {
                let (host, port) = split_host_port(rest);
                let bad_host = host.is_empty() || host.contains(|c: char| c.is_whitespace() || "/@[]".contains(c));
                if bad_host {
                    return Err(TargetError::Host(s.to_string()));
                }
                let port = match port {
                    None => DEFAULT_PORT,
                    Some(p) => p
                        .parse::<u16>()
                        .ok()
                        .filter(|&p| p != 0)
                        .ok_or_else(|| TargetError::Port { input: s.to_string(), port: p.to_string() })?,
                };
                Ok(Target::Tcp { host: host.to_string(), port })
            }
            _ => Err(TargetError::Kind(s.to_string())),
        }
    }
}

/// `HOST`, `HOST:PORT`, `[V6]`, `[V6]:PORT`; a bare IPv6 address (several colons) is a host.
fn split_host_port(rest: &str) -> (&str, Option<&str>) {
    if let Some(inner) = rest.strip_prefix('[') {
        return match inner.split_once(']') {
            Some((host, "")) => (host, None),
            Some((host, tail)) => (host, Some(tail.strip_prefix(':').unwrap_or(tail))),
            None => ("", None),
        };
    }
    match rest.matches(':').count() {
        1 => rest.split_once(':').map_or((rest, None), |(h, p)| (h, Some(p))),
        _ => (rest, None),
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Usb(path) => write!(f, "usb:{}", path.display()),
            Target::Serial { path, baud } => write!(f, "serial:{}:{baud}", path.display()),
            Target::Tcp { host, port } if host.contains(':') => write!(f, "tcp:[{host}]:{port}"),
            Target::Tcp { host, port } => write!(f, "tcp:{host}:{port}"),
        }
    }
}

/// Why a job did not print, worded for the banner a cashier sees.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// No such device, connection refused, unplugged, in use by another program.
    #[error("printer: not reachable ({0})")]
    Unreachable(String),
    /// The printer says its paper ran out.
    #[error("printer: paper out")]
    PaperOut,
    /// The printer says its cover is open.
    #[error("printer: cover open")]
    CoverOpen,
    /// The printer says it is offline.
    #[error("printer: offline")]
    Offline,
    /// The printer took too long: it stopped accepting data by the deadline.
    #[error("printer: not answering")]
    Timeout,
    /// Any other failure of the device.
    #[error("printer: {0}")]
    Io(io::Error),
}

/// What the printer reports about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// It answered.
    Known {
        /// Ready to print.
        online: bool,
        /// The paper cover is open.
        cover_open: bool,
        /// No paper.
        paper_out: bool,
        /// The roll is near its end.
        paper_low: bool,
    },
    /// It did not answer (many USB printers never do): nothing is known.
    Unknown,
}

impl Status {
    /// The replies to `DLE EOT 1`, `2` and `4` (see [`STATUS_QUERIES`]).
    pub fn from_replies([printer, offline, paper]: [u8; 3]) -> Status {
        Status::Known {
            online: printer & 0x08 == 0,
            cover_open: offline & 0x04 != 0,
            paper_out: paper & 0x60 != 0 || offline & 0x20 != 0,
            paper_low: paper & 0x0C != 0,
        }
    }

    /// The USB printer class status byte (`LPGETSTATUS`): 0x20 paper empty, 0x10 selected,
    /// 0x08 no error (active low). It has no cover or low-paper bit; an error is offline.
    pub fn from_lp(bits: u8) -> Status {
        Status::Known {
            online: bits & 0x10 != 0 && bits & 0x08 != 0,
            cover_open: false,
            paper_out: bits & 0x20 != 0,
            paper_low: false,
        }
    }

    /// What stops printing, most specific first; `None` when ready or unknown.
    pub fn problem(&self) -> Option<PrintError> {
        match *self {
            Status::Known { paper_out: true, .. } => Some(PrintError::PaperOut),
            Status::Known { cover_open: true, .. } => Some(PrintError::CoverOpen),
            Status::Known { online: false, .. } => Some(PrintError::Offline),
            _ => None,
        }
    }
}

/// An open link to a printer.
#[derive(Debug)]
pub struct Printer {
    target: Target,
    /// The connect timeout, kept to reconnect a TCP printer that closed the connection.
    timeout: Duration,
    link: Link,
}

#[derive(Debug)]
enum Link {
    Tcp(TcpStream),
    Serial(File),
    Usb { file: File, readable: bool },
}

impl Printer {
    /// Opens the printer at `target`. `timeout` bounds a TCP connect; device files open without
    /// waiting.
    pub fn open(target: &Target, timeout: Duration) -> Result<Printer, PrintError> {
        let what = target.to_string();
        let link = match target {
            Target::Tcp { host, port } => Link::Tcp(connect(host, *port, timeout, &what)?),
            Target::Serial { path, baud } => Link::Serial(open_serial(path, *baud).map_err(|e| classify(e, &what))?),
            Target::Usb(path) => {
                let open = |read: bool| {
                    OpenOptions::new().read(read).write(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path)
                };
                match open(true) {
                    Ok(file) => Link::Usb { file, readable: true },
                    Err(_) => Link::Usb { file: open(false).map_err(|e| classify(e, &what))?, readable: false },
                }
            }
        };
        Ok(Printer { target: target.clone(), timeout, link })
    }

    /// Where this printer is.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Writes all of `bytes` by `deadline`, or says why not. A TCP printer that closed the
    /// connection since the last job is reconnected first. When USB stalls, the kernel's status
    /// says whether the paper ran out; over TCP and serial a stalled printer cannot be asked
    /// (the query would queue behind the job): it is a [`PrintError::Timeout`], and
    /// [`Printer::status`] may tell more once the link drains. A serial job that times out has
    /// what is still queued in the kernel discarded, so it does not trickle out later (and
    /// closing the port does not wait for it).
    pub fn send(&mut self, bytes: &[u8], deadline: Instant) -> Result<(), PrintError> {
        if let Link::Tcp(stream) = &self.link
            && peer_closed(stream)
        {
            let Target::Tcp { host, port } = &self.target else {
                return Err(PrintError::Unreachable(self.target.to_string()));
            };
            let left = deadline.saturating_duration_since(Instant::now()).min(self.timeout);
            self.link = Link::Tcp(connect(host, *port, left.max(Duration::from_millis(1)), &self.target.to_string())?);
        }
        match self.write_all(bytes, deadline) {
            Err(PrintError::Timeout) => match &self.link {
                Link::Usb { file, .. } => Err(till_display::lp_status(file)
                    .ok()
                    .and_then(|b| Status::from_lp(b).problem())
                    .unwrap_or(PrintError::Timeout)),
                Link::Serial(file) => {
                    let _ = termios::tcflush(file, FlushArg::TCOFLUSH);
                    Err(PrintError::Timeout)
                }
                Link::Tcp(_) => Err(PrintError::Timeout),
            },
            other => other,
        }
    }

    /// Asks the printer how it is: `DLE EOT 1`, `2` and `4`, each reply awaited for
    /// [`STATUS_TIMEOUT`]; a USB printer that does not answer is asked through the kernel
    /// (`LPGETSTATUS`). [`Status::Unknown`] when nothing answers.
    pub fn status(&mut self) -> Status {
        if let Some(replies) = self.ask_status() {
            return Status::from_replies(replies);
        }
        match &self.link {
            Link::Usb { file, .. } => till_display::lp_status(file).map_or(Status::Unknown, Status::from_lp),
            _ => Status::Unknown,
        }
    }

    fn ask_status(&mut self) -> Option<[u8; 3]> {
        if let Link::Usb { readable: false, .. } = self.link {
            return None;
        }
        self.drain_input();
        let mut replies = [0u8; 3];
        for (query, reply) in STATUS_QUERIES.iter().zip(replies.iter_mut()) {
            let deadline = Instant::now() + STATUS_TIMEOUT;
            self.write_all(query, deadline).ok()?;
            *reply = self.read_byte(deadline).filter(|&b| is_status_reply(b))?;
        }
        Some(replies)
    }

    fn write_all(&mut self, bytes: &[u8], deadline: Instant) -> Result<(), PrintError> {
        let what = self.target.to_string();
        match &mut self.link {
            Link::Tcp(stream) => write_tcp(stream, bytes, deadline, &what),
            Link::Serial(file) => write_fd(file, bytes, deadline, false, &what),
            Link::Usb { file, .. } => write_fd(file, bytes, deadline, true, &what),
        }
    }

    /// One byte from the printer by `deadline`.
    fn read_byte(&mut self, deadline: Instant) -> Option<u8> {
        let mut b = [0u8; 1];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let got = match &mut self.link {
                Link::Tcp(stream) => {
                    stream.set_read_timeout(Some(left)).ok()?;
                    stream.read(&mut b)
                }
                Link::Serial(file) | Link::Usb { file, .. } => {
                    if wait_fd(file, PollFlags::POLLIN, left).ok()?.is_empty() {
                        continue;
                    }
                    file.read(&mut b)
                }
            };
            match got {
                Ok(1) => return Some(b[0]),
                Err(e) if matches!(e.kind(), ErrorKind::Interrupted | ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                _ => return None,
            }
        }
    }

    /// Drops bytes the printer sent unasked (late replies, automatic status), so the next reply
    /// read is the answer to the next query.
    fn drain_input(&mut self) {
        let mut buf = [0u8; 256];
        for _ in 0..64 {
            let got = match &mut self.link {
                Link::Tcp(stream) => {
                    if stream.set_nonblocking(true).is_err() {
                        return;
                    }
                    let got = stream.read(&mut buf);
                    let _ = stream.set_nonblocking(false);
                    got
                }
                Link::Serial(file) | Link::Usb { file, .. } => file.read(&mut buf),
            };
            if !matches!(got, Ok(n) if n > 0) {
                return;
            }
        }
    }
}

/// Connects to `host:port` within `timeout` (each address the name resolves to in turn).
fn connect(host: &str, port: u16, timeout: Duration, what: &str) -> Result<TcpStream, PrintError> {
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => (host, port)
            .to_socket_addrs()
            .map_err(|e| PrintError::Unreachable(format!("{what}: cannot find {host}: {e}")))?
            .collect(),
    };
    let deadline = Instant::now() + timeout;
    let mut last = PrintError::Unreachable(format!("{what}: {host} has no address"));
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                last = PrintError::Unreachable(format!("no answer from {what}"));
            }
            Err(e) => last = classify(e, what),
        }
    }
    Err(last)
}

/// Whether the printer closed the TCP connection (or it broke) while we were not writing.
fn peer_closed(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let mut b = [0u8; 1];
    let closed = match stream.peek(&mut b) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted),
    };
    let _ = stream.set_nonblocking(false);
    closed
}

fn write_tcp(stream: &mut TcpStream, bytes: &[u8], deadline: Instant, what: &str) -> Result<(), PrintError> {
    let mut done = 0;
    while done < bytes.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(PrintError::Timeout);
        }
        stream.set_write_timeout(Some(left)).map_err(|e| classify(e, what))?;
        match stream.write(&bytes[done..]) {
            Ok(0) => return Err(PrintError::Unreachable(format!("{what} closed the connection"))),
            Ok(n) => done += n,
            Err(e) if matches!(e.kind(), ErrorKind::Interrupted | ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => return Err(classify(e, what)),
        }
    }
    Ok(())
}

/// Writes to a non-blocking device file, polling for room. `drain`: also wait until the device
/// is writable once more after the last byte (usblp: the last transfer finished).
fn write_fd(file: &mut File, bytes: &[u8], deadline: Instant, drain: bool, what: &str) -> Result<(), PrintError> {
    let mut done = 0;
    while done < bytes.len() || drain {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(PrintError::Timeout);
        }
        let ready = wait_fd(file, PollFlags::POLLOUT, left).map_err(|e| classify(e.into(), what))?;
        if ready.intersects(PollFlags::POLLERR | PollFlags::POLLHUP | PollFlags::POLLNVAL) {
            return Err(PrintError::Unreachable(format!("{what} disconnected")));
        }
        if !ready.contains(PollFlags::POLLOUT) {
            continue;
        }
        if done == bytes.len() {
            return Ok(());
        }
        match file.write(&bytes[done..]) {
            Ok(0) => return Err(PrintError::Unreachable(format!("{what} takes no data"))),
            Ok(n) => done += n,
            Err(e) if matches!(e.kind(), ErrorKind::Interrupted | ErrorKind::WouldBlock) => {}
            Err(e) => return Err(classify(e, what)),
        }
    }
    Ok(())
}

/// Polls one file for `events` for at most `left`; the events that came (empty on timeout).
fn wait_fd(file: &File, events: PollFlags, left: Duration) -> Result<PollFlags, Errno> {
    let ms = u16::try_from(left.as_millis().saturating_add(1)).unwrap_or(u16::MAX);
    let mut fds = [PollFd::new(file.as_fd(), events)];
    match poll(&mut fds, PollTimeout::from(ms)) {
        Ok(0) | Err(Errno::EINTR) => Ok(PollFlags::empty()),
        Ok(_) => Ok(fds[0].revents().unwrap_or(PollFlags::empty())),
        Err(e) => Err(e),
    }
}

/// Opens a tty raw, 8N1, at `baud`, non-blocking, without making it our controlling terminal.
fn open_serial(path: &Path, baud: u32) -> io::Result<File> {
    let file = OpenOptions::new().read(true).write(true).custom_flags(libc::O_NOCTTY | libc::O_NONBLOCK).open(path)?;
    let not_a_tty = |_| io::Error::other(format!("{} is not a serial port", path.display()));
    let mut t = termios::tcgetattr(&file).map_err(not_a_tty)?;
    termios::cfmakeraw(&mut t);
    termios::cfsetspeed(&mut t, baud_rate(baud))?;
    t.control_flags |= ControlFlags::CLOCAL | ControlFlags::CREAD | ControlFlags::CS8;
    t.control_flags &= !(ControlFlags::CSTOPB | ControlFlags::PARENB | ControlFlags::CRTSCTS);
    t.input_flags &= !(InputFlags::IXOFF | InputFlags::IXANY);
    t.input_flags |= InputFlags::IXON;
    t.control_chars[SpecialCharacterIndices::VMIN as usize] = 0;
    t.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
    termios::tcsetattr(&file, SetArg::TCSANOW, &t)?;
    let _ = termios::tcflush(&file, FlushArg::TCIFLUSH);
    Ok(file)
}

fn baud_rate(baud: u32) -> BaudRate {
    match baud {
        9600 => BaudRate::B9600,
        38400 => BaudRate::B38400,
        57600 => BaudRate::B57600,
        115200 => BaudRate::B115200,
        _ => BaudRate::B19200,
    }
}

/// An I/O error as the cashier should read it.
fn classify(e: io::Error, what: &str) -> PrintError {
    match e.kind() {
        ErrorKind::NotFound => return PrintError::Unreachable(format!("no {what}")),
        ErrorKind::ConnectionRefused => return PrintError::Unreachable(format!("{what} refused the connection")),
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe | ErrorKind::NotConnected => {
            return PrintError::Unreachable(format!("{what} disconnected"));
        }
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable | ErrorKind::NetworkDown => {
            return PrintError::Unreachable(format!("no route to {what}"));
        }
        ErrorKind::TimedOut | ErrorKind::WouldBlock => return PrintError::Timeout,
        _ => {}
    }
    match e.raw_os_error().map(Errno::from_raw) {
        Some(Errno::ENODEV | Errno::ENXIO | Errno::EIO) => PrintError::Unreachable(format!("{what} unplugged")),
        Some(Errno::EBUSY) => PrintError::Unreachable(format!("{what} is in use by another program")),
        _ => PrintError::Io(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_print_back() {
        for s in ["usb:/dev/usb/lp0", "serial:/dev/ttyUSB0:19200", "serial:/dev/ttyS1:115200", "tcp:10.0.0.7:9100"] {
            let t: Target = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(t.to_string(), s);
        }
        assert_eq!("usb:/dev/usb/lp0".parse(), Ok(Target::Usb("/dev/usb/lp0".into())));
        assert_eq!("serial:/dev/ttyUSB0".parse(), Ok(Target::Serial { path: "/dev/ttyUSB0".into(), baud: 19200 }));
        assert_eq!("tcp:printer.lan".parse(), Ok(Target::Tcp { host: "printer.lan".into(), port: 9100 }));
        assert_eq!("tcp:[::1]:9101".parse(), Ok(Target::Tcp { host: "::1".into(), port: 9101 }));
        assert_eq!("tcp:[::1]:9101".parse::<Target>().map(|t| t.to_string()), Ok("tcp:[::1]:9101".into()));
    }

    #[test]
    fn bad_targets_say_what_is_wrong() {
        let err = |s: &str| s.parse::<Target>().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(matches!("lp0".parse::<Target>(), Err(TargetError::Kind(_))));
        assert!(matches!("ipp://x".parse::<Target>(), Err(TargetError::Kind(_))));
        assert!(matches!("usb:lp0".parse::<Target>(), Err(TargetError::Path(_))));
        assert!(matches!("usb:".parse::<Target>(), Err(TargetError::Path(_))));
        assert_eq!(
            err("serial:/dev/ttyUSB0:12345"),
            r#"printer "serial:/dev/ttyUSB0:12345": baud rate "12345" is not one of 9600, 19200, 38400, 57600, 115200"#
        );
        assert!(matches!("serial:/dev/ttyUSB0:".parse::<Target>(), Err(TargetError::Baud { .. })));
        assert!(matches!("tcp:host:0".parse::<Target>(), Err(TargetError::Port { .. })));
        assert!(matches!("tcp:host:99999".parse::<Target>(), Err(TargetError::Port { .. })));
        assert!(matches!("tcp::9100".parse::<Target>(), Err(TargetError::Host(_))));
        assert!(matches!("tcp:a b:9100".parse::<Target>(), Err(TargetError::Host(_))));
        for s in ["", "usb:", "tcp:", "serial:x:9600", "tcp:h:p"] {
            assert!(!err(s).contains('\n'), "one line: {s}");
        }
    }

    #[test]
    fn status_bits() {
        assert_eq!(
            Status::from_replies([0x12, 0x12, 0x12]),
            Status::Known { online: true, cover_open: false, paper_out: false, paper_low: false }
        );
        let paper_out = Status::from_replies([0x1A, 0x32, 0x72]);
        assert!(matches!(paper_out.problem(), Some(PrintError::PaperOut)));
        let cover = Status::from_replies([0x1A, 0x16, 0x12]);
        assert!(matches!(cover.problem(), Some(PrintError::CoverOpen)));
        assert!(matches!(Status::from_replies([0x1A, 0x12, 0x12]).problem(), Some(PrintError::Offline)));
        assert!(matches!(Status::from_replies([0x12, 0x12, 0x1E]), Status::Known { paper_low: true, .. }));
        assert!(Status::Unknown.problem().is_none());
        assert!(Status::from_lp(0x18).problem().is_none());
        assert!(matches!(Status::from_lp(0x38).problem(), Some(PrintError::PaperOut)));
        assert!(matches!(Status::from_lp(0x10).problem(), Some(PrintError::Offline)));
        assert_eq!(PrintError::PaperOut.to_string(), "printer: paper out");
    }

    #[test]
    fn a_missing_device_is_unreachable() {
        let t: Target = "usb:/dev/usb/no-such-lp".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(Printer::open(&t, Duration::from_secs(1)), Err(PrintError::Unreachable(_))));
        let t: Target = "serial:/dev/no-such-tty:9600".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(Printer::open(&t, Duration::from_secs(1)), Err(PrintError::Unreachable(_))));
    }
}
