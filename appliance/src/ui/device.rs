//! The screen at run time: where frames go (`--display`), where taps and keys come from
//! (`--input`), and the loop that turns input into intents for [`Ui`] and redraws.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use embedded_graphics::prelude::{Point, Size};
use till_display as d;

use super::machine::Ui;
use crate::net::SharedRegister;
use crate::store::DbWatcher;

/// The default panel when nothing says otherwise: the common 7" register touchscreen.
pub const DEFAULT_SIZE: Size = Size::new(800, 480);

/// Most PNG frames a `png:` display writes (a script that loops cannot fill the disk).
const MAX_PNG_FRAMES: usize = 2_000;

/// Where frames go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DisplaySpec {
    /// `/dev/fb0` if the register has one, else none.
    Auto,
    /// No screen (a headless server, tests).
    None,
    /// A Linux framebuffer device.
    Fb(PathBuf),
    /// Numbered PNG files in a directory, one per changed frame, plus `screen.png`.
    Png(PathBuf),
}

impl FromStr for DisplaySpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            None if s == "auto" => Ok(DisplaySpec::Auto),
            None if s == "none" => Ok(DisplaySpec::None),
            Some(("fb", p)) if !p.is_empty() => Ok(DisplaySpec::Fb(p.into())),
            Some(("png", p)) if !p.is_empty() => Ok(DisplaySpec::Png(p.into())),
            _ => Err(format!("bad display '{s}': use auto, none, fb:/dev/fb0 or png:DIR")),
        }
    }
}

/// Where taps and keys come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputSpec {
    /// Every `/dev/input/event*` device that opens, else none.
    Auto,
    /// No input.
    None,
    /// One evdev device.
    Evdev(PathBuf),
    /// A script of taps, keys and waits (tests, demos).
    Script(PathBuf),
}

impl FromStr for InputSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            None if s == "auto" => Ok(InputSpec::Auto),
            None if s == "none" => Ok(InputSpec::None),
            Some(("evdev", p)) if !p.is_empty() => Ok(InputSpec::Evdev(p.into())),
            Some(("script", p)) if !p.is_empty() => Ok(InputSpec::Script(p.into())),
            _ => Err(format!("bad input '{s}': use auto, none, evdev:/dev/input/event0 or script:FILE")),
        }
    }
}

/// Why the screen could not start.
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    /// The framebuffer or an input device.
    #[error(transparent)]
    Device(#[from] d::DeviceError),
    /// A PNG could not be written.
    #[error(transparent)]
    Png(#[from] d::DisplayError),
    /// The input script.
    #[error("cannot read the input script {0}: {1}")]
    Script(String, String),
    /// The PNG directory.
    #[error("cannot create {0}: {1}")]
    Dir(String, std::io::Error),
}

/// A place frames are drawn.
enum Output {
    Fb(Box<d::FbDevice>),
    Png { dir: PathBuf, canvas: d::Canvas, frames: usize },
}

impl Output {
    fn size(&self) -> Size {
        match self {
            Output::Fb(fb) => Size::new(fb.format().width, fb.format().height),
            Output::Png { canvas, .. } => {
                use embedded_graphics::prelude::OriginDimensions;
                canvas.size()
            }
        }
    }

    /// Draws `state`: only the cart when nothing else changed since `prev` (a line added).
    fn show(&mut self, state: &d::UiState, prev: Option<&d::UiState>) -> Result<(), ScreenError> {
        let cart_only = match (prev, &state.screen) {
            (Some(p), d::Screen::Sale(now)) => match &p.screen {
                d::Screen::Sale(before) => {
                    p.status == state.status
                        && p.banner == state.banner
                        && before.products == now.products
                        && before.page == now.page
                        && before.categories == now.categories
                        && before.category == now.category
                }
                _ => false,
            },
            _ => false,
        };
        match self {
            Output::Fb(fb) => {
                let size = Size::new(fb.format().width, fb.format().height);
                let mut target = fb.back_buffer();
                if cart_only {
                    let _ = d::draw_region(state, d::Region::Cart, &mut target);
                    match d::region_rect(state, size, d::Region::Cart) {
                        Some(r) => {
                            let y0 = u32::try_from(r.top_left.y).unwrap_or(0);
                            fb.present_rows(y0, y0 + r.size.height);
                        }
                        None => fb.present(),
                    }
                } else {
                    let _ = d::draw(state, &mut target);
                    fb.present();
                }
            }
            Output::Png { dir, canvas, frames } => {
                let _ = d::draw(state, canvas);
                canvas.save_png(dir.join("screen.png"))?;
                if *frames < MAX_PNG_FRAMES {
                    *frames += 1;
                    canvas.save_png(dir.join(format!("{:04}-{}.png", frames, state.screen.name())))?;
                }
            }
        }
        Ok(())
    }
}

fn open_output(spec: &DisplaySpec, size: Size) -> Result<Option<Output>, ScreenError> {
    match spec {
        DisplaySpec::None => Ok(None),
        DisplaySpec::Auto if !Path::new("/dev/fb0").exists() => Ok(None),
        DisplaySpec::Auto => Ok(Some(Output::Fb(Box::new(d::FbDevice::open("/dev/fb0")?)))),
        DisplaySpec::Fb(p) => Ok(Some(Output::Fb(Box::new(d::FbDevice::open(p)?)))),
        DisplaySpec::Png(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| ScreenError::Dir(dir.display().to_string(), e))?;
            Ok(Some(Output::Png { dir: dir.clone(), canvas: d::Canvas::new(size.width, size.height), frames: 0 }))
        }
    }
}

/// Milliseconds since the first call, on the monotonic clock every input event is stamped on
/// and the loop reads: the scanner detector compares these, so all of them must share it.
fn now_ms() -> u64 {
    static BASE: OnceLock<Instant> = OnceLock::new();
    u64::try_from(BASE.get_or_init(Instant::now).elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// What the input side sends the loop.
enum Input {
    /// A tap or key, stamped ([`now_ms`]) when it was read, not when the loop gets to it: a loop
    /// busy drawing must not make keys typed during the frame look like a scanner's burst.
    Event(d::InputEvent, u64),
    /// A script waits for this screen; the loop answers when it shows.
    Wait(String, Instant, smol::channel::Sender<bool>),
    Done,
}

fn start_evdev(path: PathBuf, size: Size, tx: smol::channel::Sender<Input>) -> Result<(), ScreenError> {
    let mut dev = d::evdev::EvdevDevice::open(&path, size)?;
    std::thread::spawn(move || {
        loop {
            match dev.read() {
                Ok(events) => {
                    let at = now_ms();
                    for e in events {
                        if tx.send_blocking(Input::Event(e, at)).is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    log::warn!("input {} stopped: {e}", path.display());
                    return;
                }
            }
        }
    });
    Ok(())
}

fn start_input(spec: &InputSpec, size: Size, tx: smol::channel::Sender<Input>) -> Result<(), ScreenError> {
    match spec {
        InputSpec::None => Ok(()),
        InputSpec::Auto => {
            // Devices appear after boot (a USB touchscreen, QEMU's virtio tablet ~2 s in): look
            // for new ones every second, for as long as the register runs.
            std::thread::spawn(move || {
                let mut opened = std::collections::HashSet::new();
                while !tx.is_closed() {
                    let mut paths: Vec<PathBuf> = std::fs::read_dir("/dev/input")
                        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
                        .unwrap_or_default();
                    paths.retain(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("event")));
                    paths.sort();
                    for p in paths {
                        if opened.insert(p.clone()) {
                            match start_evdev(p.clone(), size, tx.clone()) {
                                Ok(()) => log::info!("input {}", p.display()),
                                Err(e) => log::warn!("{e}"),
                            }
                        }
                    }
                    std::thread::sleep(Duration::from_secs(1));
                }
            });
            Ok(())
        }
        InputSpec::Evdev(p) => start_evdev(p.clone(), size, tx),
        InputSpec::Script(p) => {
            let text =
                std::fs::read_to_string(p).map_err(|e| ScreenError::Script(p.display().to_string(), e.to_string()))?;
            let steps =
                d::script::parse(&text).map_err(|e| ScreenError::Script(p.display().to_string(), e.to_string()))?;
            smol::spawn(async move {
                // When the last key went: every key is paced from it (see `key_gap_ms`).
                let mut last_key: Option<Instant> = None;
                for step in steps {
                    let ok = match &step {
                        d::script::Step::Tap(point) => {
                            tx.send(Input::Event(d::InputEvent::Tap(*point), now_ms())).await.is_ok()
                        }
                        d::script::Step::Wait { screen, timeout_ms } => {
                            let (done_tx, done_rx) = smol::channel::bounded(1);
                            let deadline = Instant::now() + Duration::from_millis(*timeout_ms);
                            let _ = tx.send(Input::Wait(screen.clone(), deadline, done_tx)).await;
                            let reached = done_rx.recv().await.unwrap_or(false);
                            if !reached {
                                log::error!("script failed: screen {screen} did not show within {timeout_ms} ms");
                            }
                            reached
                        }
                        keys => {
                            let mut ok = true;
                            for (i, k) in keys.keys().into_iter().enumerate() {
                                if let Some(last) = last_key {
                                    smol::Timer::at(last + Duration::from_millis(key_gap_ms(keys, i))).await;
                                }
                                last_key = Some(Instant::now());
                                ok &= tx.send(Input::Event(d::InputEvent::Key(k), now_ms())).await.is_ok();
                            }
                            ok
                        }
                    };
                    if !ok {
                        return;
                    }
                }
                log::info!("script done");
                let _ = tx.send(Input::Done).await;
            })
            .detach();
            Ok(())
        }
    }
}

/// How long after the key before it a script sends key `i` of `step`: a scan's keys follow each
/// other as fast as a scanner sends them; a typed key, and a scan's first key, come as far apart
/// as a person types, so the loop's [`d::ScanDetector`] tells them apart as it would on a real
/// register (typing held for a scan would otherwise swallow the keys before it).
fn key_gap_ms(step: &d::script::Step, i: usize) -> u64 {
    match step {
        d::script::Step::Scan(_) if i > 0 => d::script::SCAN_KEY_GAP_MS,
        _ => d::script::TYPE_KEY_GAP_MS,
    }
}

/// What woke the screen's loop.
enum Wake {
    /// Input, or `None` once every input source has gone.
    Input(Option<Input>),
    /// The database changed.
    Changed,
    /// The timer: the periodic refresh, or the scanner detector's flush.
    Timer,
}

/// Acts on an intent: shows its state at once when it starts slow work, then does the work.
async fn intend(
    ui: &mut Ui,
    out: &mut Output,
    shown: &mut d::UiState,
    intent: Option<d::Intent>,
) -> Result<(), ScreenError> {
    if let Some(effect) = intent.and_then(|i| ui.handle(i)) {
        let now = ui.state();
        out.show(&now, Some(shown))?;
        *shown = now;
        ui.perform(effect).await;
    }
    Ok(())
}

/// Acts on what the scanner detector released, in order: a scan as one code, keys one by one
/// through the screen's key map.
async fn act_on(
    ui: &mut Ui,
    out: &mut Output,
    shown: &mut d::UiState,
    found: Vec<d::Detected>,
) -> Result<(), ScreenError> {
    for f in found {
        match f {
            d::Detected::Scan(code) => ui.scanned(&code),
            d::Detected::Keys(keys) => {
                for k in keys {
                    let intent = d::key_intent(&ui.state(), k);
                    intend(ui, out, shown, intent).await?;
                }
            }
        }
    }
    Ok(())
}

/// Runs the screen until the task is dropped: draws the state, maps input to intents, acts,
/// redraws; refreshes when the database changes (a sync, a sale from the CLI) and every few
/// seconds (the "4 s ago" texts).
///
/// Every key goes through one [`d::ScanDetector`] first: a barcode scanner's burst reaches
/// [`Ui::scanned`] as one code; a person's keys reach the screen as keys, held at most the
/// detector's gap (the loop's timer wakes for [`d::ScanDetector::flush_at`]). A tap is never
/// held, and keys typed before it are acted on first.
pub async fn run_screen(
    reg: SharedRegister,
    watcher: Arc<DbWatcher>,
    display: DisplaySpec,
    input: InputSpec,
) -> Result<(), ScreenError> {
    let Some(mut out) = open_output(&display, DEFAULT_SIZE)? else {
        return Ok(());
    };
    let size = out.size();
    let (tx, rx) = smol::channel::bounded::<Input>(256);
    start_input(&input, size, tx)?;
    let mut ui = Ui::new(reg);
    let mut shown = ui.state();
    out.show(&shown, None)?;
    log::info!("screen {}x{} showing {}", size.width, size.height, shown.screen.name());
    let mut waiting: Option<(String, Instant, smol::channel::Sender<bool>)> = None;
    let mut input_open = true;
    let mut scanner = d::ScanDetector::default();
    loop {
        let changed = watcher.listen();
        let tick_ms = if waiting.is_some() { 50 } else { 2_000 };
        // Wake for the detector when keys it holds are due before the tick.
        let flush_in = scanner.flush_at().map(|at| at.saturating_sub(now_ms())).filter(|ms| *ms < tick_ms);
        let next = async { Wake::Input(if input_open { rx.recv().await.ok() } else { smol::future::pending().await }) };
        let timer = async {
            smol::Timer::after(Duration::from_millis(flush_in.unwrap_or(tick_ms))).await;
            Wake::Timer
        };
        let refresh = async {
            changed.await;
            Wake::Changed
        };
        match smol::future::or(next, smol::future::or(refresh, timer)).await {
            Wake::Input(Some(Input::Event(e, at))) => {
                ui.touched();
                match e {
                    d::InputEvent::Tap(p) => {
                        // Not held: whatever keys are held go first, as typing.
                        let held = scanner.flush(u64::MAX);
                        act_on(&mut ui, &mut out, &mut shown, held).await?;
                        let intent = d::hit_test(&ui.state(), size, Point::new(p.x, p.y));
                        intend(&mut ui, &mut out, &mut shown, intent).await?;
                    }
                    d::InputEvent::Key(k) => {
                        let found = scanner.key(k, at);
                        act_on(&mut ui, &mut out, &mut shown, found).await?;
                    }
                }
            }
            Wake::Input(Some(Input::Wait(screen, deadline, done))) => waiting = Some((screen, deadline, done)),
            // The script ended, or every input source went (`--input none`, a device that
            // stopped): only the timer and the database wake the loop from now on.
            Wake::Input(Some(Input::Done) | None) => input_open = false,
            Wake::Changed => ui.refresh(),
            Wake::Timer if flush_in.is_none() => ui.refresh(),
            Wake::Timer => {}
        }
        // Held keys go out once the gap has passed, unless more input is already queued: its
        // stamps, not how late the loop got to it, decide whether the burst goes on.
        if rx.is_empty() {
            let released = scanner.flush(now_ms());
            act_on(&mut ui, &mut out, &mut shown, released).await?;
        }
        ui.tick();
        // A client applies an update only while no cart is open (update::rollout).
        crate::update::rollout::set_cart_open(ui.cart_open());
        let now = ui.state();
        if now != shown {
            out.show(&now, Some(&shown))?;
            if now.screen.name() != shown.screen.name() {
                log::info!("screen showing {}", now.screen.name());
            }
            shown = now;
        }
        if let Some((screen, deadline, done)) = waiting.take() {
            if shown.screen.name() == screen {
                let _ = done.send(true).await;
            } else if Instant::now() >= deadline {
                let _ = done.send(false).await;
            } else {
                waiting = Some((screen, deadline, done));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_refuse_with_the_choices() {
        assert_eq!("auto".parse(), Ok(DisplaySpec::Auto));
        assert_eq!("none".parse(), Ok(DisplaySpec::None));
        assert_eq!("fb:/dev/fb1".parse(), Ok(DisplaySpec::Fb("/dev/fb1".into())));
        assert_eq!("png:out/shots".parse(), Ok(DisplaySpec::Png("out/shots".into())));
        assert!("png:".parse::<DisplaySpec>().expect_err("empty path").contains("fb:/dev/fb0"));
        assert!("vga".parse::<DisplaySpec>().is_err());
        assert_eq!("script:flow.txt".parse(), Ok(InputSpec::Script("flow.txt".into())));
        assert_eq!("evdev:/dev/input/event2".parse(), Ok(InputSpec::Evdev("/dev/input/event2".into())));
        assert!("mouse".parse::<InputSpec>().expect_err("unknown input").contains("script:FILE"));
    }

    /// Runs `script` through the script runner; returns its keys with their stamps and how long
    /// it took.
    fn script_keys(script: &str) -> (Vec<(d::Key, u64)>, Duration) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("script.txt");
        std::fs::write(&path, script).expect("script written");
        let (tx, rx) = smol::channel::bounded::<Input>(256);
        let started = Instant::now();
        start_input(&InputSpec::Script(path), DEFAULT_SIZE, tx).expect("script starts");
        let mut keys = Vec::new();
        smol::block_on(async {
            while let Ok(input) = rx.recv().await {
                match input {
                    Input::Event(d::InputEvent::Key(k), at) => keys.push((k, at)),
                    Input::Done => break,
                    _ => panic!("only keys"),
                }
            }
        });
        (keys, started.elapsed())
    }

    #[test]
    fn a_script_scan_sends_the_code_and_enter_paced_like_a_scanner() {
        let (keys, took) = script_keys("type ab\nscan 4006381333931 # coffee\n");
        let want: Vec<d::Key> = "ab4006381333931".chars().map(d::Key::Char).chain([d::Key::Enter]).collect();
        assert_eq!(keys.iter().map(|(k, _)| *k).collect::<Vec<_>>(), want);
        // 14 gaps between the scan's 15 keys: paced, not sent at once (timers may fire a little
        // early, hence half of it).
        assert!(took >= Duration::from_millis(7 * d::script::SCAN_KEY_GAP_MS), "{took:?}");
        // Stamped when sent, on one clock that never goes back.
        assert!(keys.windows(2).all(|w| w[0].1 <= w[1].1), "{keys:?}");
    }

    #[test]
    fn script_typing_is_paced_slower_than_a_scanner_so_it_is_never_taken_for_a_scan() {
        let (keys, _) = script_keys("type 4006381333931\nkey enter\nkey 7\nscan 1234\n");
        let gap = d::scanner::DEFAULT_MAX_GAP_MS;
        // Every typed key, and the scan's first key, comes more than the detector's gap after
        // the key before it (only a lower bound: a busy machine makes gaps longer, never shorter).
        let firsts = 15; // 13 typed digits, Enter, 7; then the scan's '1'
        for (i, w) in keys.windows(2).take(firsts).enumerate() {
            assert!(w[1].1 - w[0].1 > gap, "key {} came {} ms after the one before", i + 1, w[1].1 - w[0].1);
        }
        // So the loop's detector sees typing, however fast the scan's own keys then come.
        let mut det = d::ScanDetector::default();
        let mut found: Vec<d::Detected> = Vec::new();
        for (k, at) in keys.iter().take(firsts + 1) {
            found.extend(det.key(*k, *at));
        }
        assert!(found.iter().all(|f| matches!(f, d::Detected::Keys(_))), "{found:?}");
        let typed: Vec<d::Key> =
            found.into_iter().flat_map(|f| if let d::Detected::Keys(k) = f { k } else { vec![] }).collect();
        let want: Vec<d::Key> =
            "4006381333931".chars().map(d::Key::Char).chain([d::Key::Enter, d::Key::Char('7')]).collect();
        assert_eq!(typed, want, "every typed key released, none held for a scan");
    }
}
