//! A virtual ESC/POS receipt printer for the tests: a TCP "raw port" printer on loopback or a
//! serial one on a pseudo-terminal, that keeps every byte it receives, answers `DLE EOT` status
//! queries from a state the test sets, and reads its bytes back as what a person would see on
//! the paper ([`parse`]: lines of text, barcodes, QR codes, images, cuts, drawer kicks).
//!
//! The parser is written from the ESC/POS reference, not from `till::print::escpos`, so a test
//! that round-trips through it checks the encoder against the command set rather than against
//! itself. Waits are on a condition variable with a deadline: no sleeps hoping bytes arrived.

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::termios::{self, SetArg};
use till::print::escpos::CodePage;
use till_display::receipt::Bitmap;

/// What came out of the printer, top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A printed line, decoded from the code page in force; bold, size and alignment dropped,
    /// trailing spaces trimmed, and leading ones too on a centred line.
    Line(String),
    /// A barcode's data (Code 128 code-set switches removed).
    Barcode(String),
    /// A QR code's data (as UTF-8).
    Qr(String),
    /// The paper was cut.
    Cut,
    /// The cash drawer was kicked.
    Kick,
    /// A raster image (consecutive bands of one width joined into one image).
    Raster(Bitmap),
}

/// What the printer is doing, for its `DLE EOT` answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum VState {
    /// Ready.
    #[default]
    Online,
    /// Ready, the roll near its end.
    PaperLow,
    /// No paper (and so offline).
    PaperOut,
    /// The cover is open (and so offline).
    CoverOpen,
    /// Offline for another reason.
    Offline,
    /// Does not answer status queries at all (like many USB printers).
    Silent,
}

impl VState {
    /// The reply to `DLE EOT n`, or `None` when it does not answer.
    fn reply(self, n: u8) -> Option<u8> {
        let offline = matches!(self, VState::PaperOut | VState::CoverOpen | VState::Offline);
        let bits = match n {
            1 if offline => 0x08,
            2 if self == VState::CoverOpen => 0x04,
            2 if self == VState::PaperOut => 0x20,
            4 if self == VState::PaperOut => 0x6C,
            4 if self == VState::PaperLow => 0x0C,
            1 | 2 | 4 => 0,
            _ => return None,
        };
        (self != VState::Silent).then_some(0x12 | bits)
    }
}

/// Reads printer bytes back into [`Item`]s, starting in code page `cp` (which `ESC @` also goes
/// back to). Knows every command Till sends and the common rest of ESC/POS; an unknown
/// `ESC x`/`GS x` is skipped as two bytes; a command cut short at the end is dropped. Text not
/// ended by a line feed (or a command that prints it) has not been printed and is not returned.
pub fn parse(bytes: &[u8], cp: CodePage) -> Vec<Item> {
    let mut p = Parser { items: Vec::new(), line: String::new(), align: 0, cp: Some(cp), start_cp: cp, qr: Vec::new() };
    let mut i = 0;
    while i < bytes.len() {
        match p.step(&bytes[i..]) {
            Some(n) => i += n.max(1),
            None => break,
        }
    }
    p.items
}

/// Splits items into receipts at each [`Item::Cut`]; items after the last cut are not a receipt
/// yet.
pub fn receipts(items: &[Item]) -> Vec<Vec<Item>> {
    let mut out: Vec<Vec<Item>> = items.split(|i| *i == Item::Cut).map(<[Item]>::to_vec).collect();
    out.pop();
    out
}

/// The lines of some items (the text of a receipt).
pub fn lines(items: &[Item]) -> Vec<String> {
    items.iter().filter_map(|i| if let Item::Line(l) = i { Some(l.clone()) } else { None }).collect()
}

struct Parser {
    items: Vec<Item>,
    line: String,
    align: u8,
    /// `None`: `ESC t` chose a page this parser does not know.
    cp: Option<CodePage>,
    start_cp: CodePage,
    qr: Vec<u8>,
}

/// `len` bytes at `at` of `b`, if all there.
fn take(b: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    b.get(at..at.checked_add(len)?)
}

fn le16(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(*b.get(at)?) | usize::from(*b.get(at + 1)?) << 8)
}

impl Parser {
    /// Reads one character or command at the start of `b`; how many bytes it took, `None` when
    /// it is cut short.
    fn step(&mut self, b: &[u8]) -> Option<usize> {
        let c = b[0];
        match c {
            0x0A => {
                self.end_line(true);
                Some(1)
            }
            0x09 => {
                self.line.push(' ');
                Some(1)
            }
            0x1B => self.esc(b),
            0x1D => self.gs(b),
            0x10 => match *b.get(1)? {
                0x04 | 0x05 => Some(3).filter(|_| b.len() >= 3),
                0x14 => match *b.get(2)? {
                    1 => {
                        take(b, 0, 5)?;
                        self.items.push(Item::Kick);
                        Some(5)
                    }
                    8 => take(b, 0, 10).map(|_| 10),
                    _ => take(b, 0, 5).map(|_| 5),
                },
                _ => Some(2),
            },
            0x1C => match *b.get(1)? {
                b'!' | b'-' | b'C' | b'W' => take(b, 0, 3).map(|_| 3),
                b'p' | b'S' => take(b, 0, 4).map(|_| 4),
                b'(' => le16(b, 3).and_then(|n| take(b, 0, 5 + n)).map(<[u8]>::len),
                _ => Some(2),
            },
            0x00..=0x1F | 0x7F => Some(1),
            _ => {
                let ch = self.cp.and_then(|cp| cp.decode(c)).unwrap_or('\u{FFFD}');
                self.line.push(ch);
                Some(1)
            }
        }
    }

    /// Ends the current line; `always`: even an empty one (a line feed prints a blank line).
    fn end_line(&mut self, always: bool) {
        if !always && self.line.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.line);
        let text = if self.align == 1 { text.trim() } else { text.trim_end() };
        self.items.push(Item::Line(text.to_string()));
    }

    fn esc(&mut self, b: &[u8]) -> Option<usize> {
        let cmd = *b.get(1)?;
        let arg = |k: usize| b.get(k).copied();
        Some(match cmd {
            b'@' => {
                self.line.clear();
                self.align = 0;
                self.cp = Some(self.start_cp);
                2
            }
            b't' => {
                self.cp = CodePage::from_escpos_number(arg(2)?);
                3
            }
            b'a' => {
                self.align = arg(2)? % 48;
                3
            }
            b'd' | b'J' => {
                arg(2)?;
                self.end_line(false);
                3
            }
            b'p' => {
                take(b, 0, 5)?;
                self.items.push(Item::Kick);
                5
            }
            b'i' | b'm' => {
                self.end_line(false);
                self.items.push(Item::Cut);
                2
            }
            b'2' | b'<' | b'L' | b'S' | b'v' => 2,
            b'!' | b'-' | b'3' | b' ' | b'E' | b'G' | b'M' | b'R' | b'T' | b'U' | b'V' | b'{' | b'%' | b'?' | b'='
            | b'e' | b'r' | b'u' | b'K' => {
                arg(2)?;
                3
            }
            b'$' | b'\\' => take(b, 0, 4).map(|_| 4)?,
            b'c' => take(b, 0, 4).map(|_| 4)?,
            b'W' => take(b, 0, 10).map(|_| 10)?,
            b'D' => {
                // Tab stops: up to 32 bytes ending in NUL.
                let end = b.iter().skip(2).take(33).position(|&x| x == 0)?;
                end + 3
            }
            b'*' => {
                let m = arg(2)?;
                let n = le16(b, 3)?;
                let per = if m == 32 || m == 33 { 3 } else { 1 };
                take(b, 0, 5 + n * per)?.len()
            }
            _ => 2,
        })
    }

    fn gs(&mut self, b: &[u8]) -> Option<usize> {
        let cmd = *b.get(1)?;
        let arg = |k: usize| b.get(k).copied();
        Some(match cmd {
            b'!' | b'B' | b'H' | b'I' | b'a' | b'b' | b'f' | b'h' | b'w' | b'r' | b'/' | b'T' | b'Z' | b'E' => {
                arg(2)?;
                3
            }
            b'L' | b'W' | b'P' | b'$' | b'\\' => take(b, 0, 4).map(|_| 4)?,
            b'^' => take(b, 0, 5).map(|_| 5)?,
            b'V' => {
                let m = arg(2)?;
                let len = if matches!(m, 0 | 1 | 48 | 49) { 3 } else { 4 };
                take(b, 0, len)?;
                self.end_line(false);
                self.items.push(Item::Cut);
                len
            }
            b'k' => self.barcode(b)?,
            b'(' => {
                let n = le16(b, 3)?;
                let payload = take(b, 5, n)?;
                if arg(2)? == b'k' && payload.len() >= 3 && payload[0] == 49 {
                    match payload[1] {
                        80 => self.qr = payload[3..].to_vec(),
                        81 => {
                            self.end_line(false);
                            self.items.push(Item::Qr(String::from_utf8_lossy(&self.qr).into_owned()));
                        }
                        _ => {}
                    }
                }
                5 + n
            }
            b'v' => {
                if arg(2)? != b'0' {
                    return Some(2);
                }
                let x = le16(b, 4)?;
                let y = le16(b, 6)?;
                let bits = take(b, 8, x * y)?.to_vec();
                self.end_line(false);
                self.raster(x, y, bits);
                8 + x * y
            }
            b'8' => {
                if arg(2)? != b'L' {
                    return Some(2);
                }
                let n = take(b, 3, 4)?.iter().rev().fold(0usize, |acc, &x| acc << 8 | usize::from(x));
                take(b, 0, 7 + n)?.len()
            }
            b'*' => {
                let n = usize::from(arg(2)?) * usize::from(arg(3)?) * 8;
                take(b, 0, 4 + n)?.len()
            }
            _ => 2,
        })
    }

    /// `GS k m ...`: NUL-ended data (m ≤ 6) or counted data (m ≥ 65).
    fn barcode(&mut self, b: &[u8]) -> Option<usize> {
        let m = *b.get(2)?;
        let (data, len) = if m <= 6 {
            let end = b.iter().skip(3).position(|&x| x == 0)?;
            (&b[3..3 + end], 3 + end + 1)
        } else {
            let n = usize::from(*b.get(3)?);
            (take(b, 4, n)?, 4 + n)
        };
        let text = if m == 73 { code128_text(data) } else { data.iter().map(|&x| char::from(x)).collect() };
        self.end_line(false);
        self.items.push(Item::Barcode(text));
        Some(len)
    }

    fn raster(&mut self, row_bytes: usize, rows: usize, bits: Vec<u8>) {
        let width = (row_bytes * 8) as u32;
        if let Some(Item::Raster(prev)) = self.items.last_mut()
            && prev.width == width
        {
            prev.height += rows as u32;
            prev.bits.extend_from_slice(&bits);
            return;
        }
        self.items.push(Item::Raster(Bitmap { width, height: rows as u32, bits }));
    }
}

/// The text of ESC/POS Code 128 data: `{A`/`{B`/`{C` switch code sets (in C each byte is two
/// digits), `{{` is `{`, other `{x` are function codes.
fn code128_text(data: &[u8]) -> String {
    let mut out = String::new();
    let mut set_c = false;
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'{' && i + 1 < data.len() {
            match data[i + 1] {
                b'A' | b'B' => set_c = false,
                b'C' => set_c = true,
                b'{' => out.push('{'),
                _ => {}
            }
            i += 2;
            continue;
        }
        if set_c {
            out.push_str(&format!("{:02}", data[i]));
        } else {
            out.push(char::from(data[i]));
        }
        i += 1;
    }
    out
}

/// What the server threads and the test share.
struct Shared {
    inner: Mutex<Inner>,
    changed: Condvar,
}

#[derive(Default)]
struct Inner {
    bytes: Vec<u8>,
    state: VState,
    connections: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `data`, and the replies owed to the status queries in it (`tail` holds the last
    /// bytes of the connection, as a query may arrive split).
    fn receive(&self, tail: &mut Vec<u8>, data: &[u8]) -> Vec<u8> {
        let mut inner = self.lock();
        inner.bytes.extend_from_slice(data);
        let state = inner.state;
        drop(inner);
        self.changed.notify_all();
        tail.extend_from_slice(data);
        let mut replies = Vec::new();
        let mut i = 0;
        while i + 2 < tail.len() {
            if tail[i] == 0x10 && tail[i + 1] == 0x04 {
                replies.extend(state.reply(tail[i + 2]));
                i += 3;
            } else {
                i += 1;
            }
        }
        tail.drain(..i);
        replies
    }
}

/// Where the virtual printer listens.
enum Port {
    Tcp { port: u16 },
    Pty { path: PathBuf, _slave: OwnedFd },
}

/// A virtual printer running on a thread. Dropping it unplugs it.
pub struct VirtualPrinter {
    shared: Arc<Shared>,
    port: Port,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// The code page [`VirtualPrinter::items`] starts in (the printer's power-on page, cp437).
    pub cp: CodePage,
}

impl VirtualPrinter {
    /// A network printer on 127.0.0.1, on a port the OS picks.
    pub fn tcp() -> VirtualPrinter {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("virtual printer: bind: {e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("virtual printer: {e}")).port();
        let mut p = VirtualPrinter {
            shared: Arc::new(Shared { inner: Mutex::default(), changed: Condvar::new() }),
            port: Port::Tcp { port },
            stop: Arc::new(AtomicBool::new(false)),
            thread: None,
            cp: CodePage::Cp437,
        };
        p.serve_tcp(listener);
        p
    }

    /// A serial printer: the slave side of a raw pseudo-terminal ([`VirtualPrinter::target`]
    /// names it), its master side read on a thread.
    pub fn pty() -> VirtualPrinter {
        let pty = nix::pty::openpty(None, None).unwrap_or_else(|e| panic!("virtual printer: openpty: {e}"));
        let mut t = termios::tcgetattr(&pty.slave).unwrap_or_else(|e| panic!("virtual printer: tcgetattr: {e}"));
        termios::cfmakeraw(&mut t);
        termios::tcsetattr(&pty.slave, SetArg::TCSANOW, &t).unwrap_or_else(|e| panic!("virtual printer: raw: {e}"));
        let path = nix::unistd::ttyname(&pty.slave).unwrap_or_else(|e| panic!("virtual printer: ttyname: {e}"));
        let shared = Arc::new(Shared { inner: Mutex::default(), changed: Condvar::new() });
        let stop = Arc::new(AtomicBool::new(false));
        let mut master = File::from(pty.master);
        let (sh, st) = (shared.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut tail = Vec::new();
            let mut buf = [0u8; 4096];
            while !st.load(Ordering::SeqCst) {
                if !readable(&master) {
                    continue;
                }
                match master.read(&mut buf) {
                    Ok(n) if n > 0 => {
                        let replies = sh.receive(&mut tail, &buf[..n]);
                        let _ = master.write_all(&replies);
                    }
                    _ => continue,
                }
            }
        });
        VirtualPrinter {
            shared,
            port: Port::Pty { path, _slave: pty.slave },
            stop,
            thread: Some(thread),
            cp: CodePage::Cp437,
        }
    }

    fn serve_tcp(&mut self, listener: TcpListener) {
        let _ = listener.set_nonblocking(true);
        self.stop = Arc::new(AtomicBool::new(false));
        let (shared, stop) = (self.shared.clone(), self.stop.clone());
        self.thread = Some(std::thread::spawn(move || {
            let mut conns: Vec<(TcpStream, Vec<u8>)> = Vec::new();
            let mut buf = [0u8; 4096];
            while !stop.load(Ordering::SeqCst) {
                {
                    let mut fds = vec![PollFd::new(listener.as_fd(), PollFlags::POLLIN)];
                    fds.extend(conns.iter().map(|(s, _)| PollFd::new(s.as_fd(), PollFlags::POLLIN)));
                    let _ = poll(&mut fds, PollTimeout::from(20u16));
                }
                while let Ok((s, _)) = listener.accept() {
                    let _ = s.set_nonblocking(true);
                    conns.push((s, Vec::new()));
                    shared.lock().connections += 1;
                }
                conns.retain_mut(|(s, tail)| {
                    loop {
                        match s.read(&mut buf) {
                            Ok(0) => return false,
                            Ok(n) => {
                                let replies = shared.receive(tail, &buf[..n]);
                                if !replies.is_empty() {
                                    let _ = s.set_nonblocking(false);
                                    let _ = s.write_all(&replies);
                                    let _ = s.set_nonblocking(true);
                                }
                            }
                            Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
                            Err(e) if e.kind() == ErrorKind::Interrupted => {}
                            Err(_) => return false,
                        }
                    }
                });
            }
            // Listener and connections close here: the printer is unplugged.
        }));
    }

    /// The address `till` prints to: `tcp:127.0.0.1:PORT` or `serial:/dev/pts/N:19200`.
    pub fn target(&self) -> String {
        match &self.port {
            Port::Tcp { port } => format!("tcp:127.0.0.1:{port}"),
            Port::Pty { path, .. } => format!("serial:{}:19200", path.display()),
        }
    }

    /// Sets what it answers to status queries from now on.
    pub fn set_state(&self, state: VState) {
        self.shared.lock().state = state;
    }

    /// Every byte received so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.shared.lock().bytes.clone()
    }

    /// Forgets what was received so far.
    pub fn clear(&self) {
        self.shared.lock().bytes.clear();
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.lock().connections
    }

    /// What it printed so far.
    pub fn items(&self) -> Vec<Item> {
        parse(&self.bytes(), self.cp)
    }

    /// The receipts it printed and cut so far.
    pub fn receipts(&self) -> Vec<Vec<Item>> {
        receipts(&self.items())
    }

    /// Waits until what it printed satisfies `cond`, for at most `within`; those items, or an
    /// error that shows what it did print.
    pub fn wait_for(&self, mut cond: impl FnMut(&[Item]) -> bool, within: Duration) -> Result<Vec<Item>, String> {
        let deadline = Instant::now() + within;
        let mut inner = self.shared.lock();
        loop {
            let items = parse(&inner.bytes, self.cp);
            if cond(&items) {
                return Ok(items);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!(
                    "virtual printer {}: timed out after {within:?}; {} bytes received, printed: {items:#?}",
                    self.target(),
                    inner.bytes.len()
                ));
            }
            inner = self.shared.changed.wait_timeout(inner, left).map(|(g, _)| g).unwrap_or_else(|e| e.into_inner().0);
        }
    }

    /// Unplugs it: the listener and every connection close (a pty's master side stops being
    /// read). Returns when they are closed.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Plugs a stopped TCP printer back in, on the same port.
    pub fn start_again(&mut self) {
        let Port::Tcp { port } = self.port else { panic!("start_again is for the TCP printer") };
        assert!(self.thread.is_none(), "the virtual printer is running");
        let listener = TcpListener::bind(("127.0.0.1", port))
            .unwrap_or_else(|e| panic!("virtual printer: bind 127.0.0.1:{port} again: {e}"));
        self.serve_tcp(listener);
    }
}

impl Drop for VirtualPrinter {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether `f` has bytes to read within 20 ms.
fn readable(f: &File) -> bool {
    let mut fds = [PollFd::new(f.as_fd(), PollFlags::POLLIN)];
    matches!(poll(&mut fds, PollTimeout::from(20u16)), Ok(n) if n > 0)
        && fds[0].revents().is_some_and(|r| r.contains(PollFlags::POLLIN))
}
