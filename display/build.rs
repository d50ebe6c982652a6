//! Builds the message catalogs into the binary: each language's `locales/LL/*.ftl` files,
//! joined in name order and deflated (the catalogs are a third of their size compressed, and the
//! binary already carries the inflater for PNG logos). `src/i18n.rs` inflates the one language a
//! register shows, and English, on first use.

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let locales = Path::new("locales");
    println!("cargo:rerun-if-changed=locales");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("build: cargo sets OUT_DIR"));
    let mut langs: Vec<PathBuf> = fs::read_dir(locales)
        .expect("build: display/locales is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    langs.sort();
    for dir in langs {
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("build: a language's folder is readable")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
            .collect();
        files.sort();
        let mut text = String::new();
        for f in files {
            println!("cargo:rerun-if-changed={}", f.display());
            text.push_str(&fs::read_to_string(&f).expect("build: a catalog file is UTF-8 text"));
            text.push('\n');
        }
        let code = dir.file_name().and_then(|n| n.to_str()).expect("build: a language folder is named by its code");
        let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 10);
        fs::write(out.join(format!("{code}.ftl.z")), packed).expect("build: OUT_DIR is writable");
    }
}
