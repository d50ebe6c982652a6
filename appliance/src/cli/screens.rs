//! `till screens`: every screen drawn with sample data, for the README, reviews and scripts.

use anyhow::Context;

use super::exit::SetupRefused;

/// `till screens`: every sample screen as `NAME.png` in `out`; with `data` (a register's data
/// directory, only read), in its store's currency and locale and in its language.
pub(super) fn screens(
    out: &std::path::Path,
    size: &str,
    hit_map: bool,
    data: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let bad = || SetupRefused(format!("bad size '{size}': use WIDTHxHEIGHT, e.g. 800x480 (at least 320x240)"));
    let (w, h) = size.split_once('x').ok_or_else(bad)?;
    let (w, h): (u32, u32) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
    if !(320..=4096).contains(&w) || !(240..=4096).contains(&h) {
        return Err(bad().into());
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let samples = match data {
        None => till_display::samples(),
        Some(dir) => {
            // Only read: a directory without a register's database is refused, not made into one.
            if !dir.join(crate::store::DB_FILE).is_file() {
                return Err(SetupRefused(format!("no register's data in {}", dir.display())).into());
            }
            let store =
                crate::store::Store::open(dir).with_context(|| format!("reading the store in {}", dir.display()))?;
            // What the appliance hands the screens as text (tenders, times, reports) is written in the
            // store's words and numbers too, as its registers would show them.
            till_display::samples_in(store.reader().money_format()?, store.reader().language()?)
        }
    };
    for (name, state) in &samples {
        let mut canvas = till_display::Canvas::new(w, h);
        till_display::draw(state, &mut canvas).map_err(|e| match e {})?;
        canvas.save_png(out.join(format!("{name}.png")))?;
        if hit_map {
            for (rect, intent) in till_display::hit_map(state, embedded_graphics::prelude::Size::new(w, h)) {
                let c = rect.center();
                let line = serde_json::json!({"screen": name, "intent": format!("{intent:?}"), "x": c.x, "y": c.y});
                outln!("{line}");
            }
        }
    }
    if !hit_map {
        outln!("{} screens drawn at {w}x{h} into {}", samples.len(), out.display());
    }
    Ok(())
}
