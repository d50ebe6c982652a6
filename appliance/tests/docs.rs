//! The docs stand on their own and match the tree: README's "Where things are" names every
//! top-level module of `appliance/src` and every script, and no document or source file points
//! outside the repository.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("test: reading {}: {e}", p.display()))
}

/// The names in a directory, without `.rs`.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("test")
        .map(|e| e.expect("test").file_name().to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The section of README.md that maps the tree.
fn where_things_are() -> String {
    let readme = read(&root().join("README.md"));
    let start = readme.find("## Where things are").expect("test: README has \"Where things are\"");
    let rest = &readme[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_string()
}

#[test]
fn the_readme_names_every_module_and_script() {
    let section = where_things_are();
    let mut missing = Vec::new();
    for m in names(&root().join("appliance/src")) {
        if m == "lib" || m == "main" {
            continue;
        }
        if !section.contains(&format!("`appliance/src/{m}")) {
            missing.push(format!("appliance/src/{m}"));
        }
    }
    for s in names(&root().join("scripts")) {
        if s != "lib" && !section.contains(&format!("`{s}`")) {
            missing.push(format!("scripts/{s}"));
        }
    }
    for d in names(&root().join("docs")) {
        if !section.contains(&format!("docs/{d}")) {
            missing.push(format!("docs/{d}"));
        }
    }
    assert!(missing.is_empty(), "README.md's \"Where things are\" does not name: {missing:?}");
}

/// Relative paths in `text` (a run of `../` and names) that leave the repository when taken from
/// `depth` directories below its root.
fn escaping(text: &str, depth: usize) -> Vec<String> {
    let path_char = |c: char| c.is_ascii_alphanumeric() || "._-/".contains(c);
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find("../").map(|i| at + i) {
        let len = text[i..].find(|c: char| !path_char(c)).unwrap_or(text.len() - i);
        at = i + len.max(3);
        // Part of a longer path (`appliance/../tests`): relative to a directory of its own.
        if text[..i].chars().last().is_some_and(path_char) {
            continue;
        }
        let path = &text[i..i + len];
        let mut d = depth as i64;
        for part in path.split('/') {
            match part {
                ".." => d -= 1,
                "" | "." => {}
                _ => d += 1,
            }
            if d < 0 {
                found.push(path.to_string());
                break;
            }
        }
    }
    found
}

#[test]
fn the_check_catches_a_path_out_of_the_repository() {
    assert_eq!(escaping("see ../../elsewhere/notes.md", 1), ["../../elsewhere/notes.md"]);
    assert_eq!(escaping("include_bytes!(\"../fonts/a.ttf\")", 2), Vec::<String>::new());
    assert_eq!(escaping("at appliance/../tests/common", 0), Vec::<String>::new());
    assert_eq!(escaping("cd ../elsewhere", 0), ["../elsewhere"]);
}

#[test]
fn nothing_points_outside_the_repository() {
    let root = root().canonicalize().expect("test");
    let mut files = vec![root.join("README.md")];
    for dir in ["docs", "scripts", "appliance/src", "display/src", "tests", "image", ".ci"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("test") {
                let p = e.expect("test").path();
                if p.is_dir() {
                    if !p.ends_with("node_modules") && !p.ends_with("out") {
                        stack.push(p);
                    }
                } else if p
                    .extension()
                    .is_some_and(|x| ["rs", "md", "sh", "py", "toml", "js"].contains(&&*x.to_string_lossy()))
                    || p.extension().is_none()
                {
                    files.push(p);
                }
            }
        }
    }
    let mut found = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        // Source and Markdown name paths from their own directory; scripts run from the root.
        let own = f.extension().is_some_and(|x| x == "rs" || x == "md");
        let depth = if own {
            f.parent().and_then(|d| d.strip_prefix(&root).ok()).map_or(0, |d| d.components().count())
        } else {
            0
        };
        for path in escaping(&text, depth) {
            found.push(format!("{}: {path}", f.display()));
        }
    }
    assert!(found.is_empty(), "files that point outside the repository: {found:?}");
}
