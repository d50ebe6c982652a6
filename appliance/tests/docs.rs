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

#[test]
fn nothing_points_outside_the_repository() {
    let mut files = vec![root().join("README.md")];
    for dir in ["docs", "scripts", "appliance/src", "display/src", "tests", "image"] {
        let mut stack = vec![root().join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("test") {
                let p = e.expect("test").path();
                if p.is_dir() {
                    if !p.ends_with("node_modules") && !p.ends_with("out") {
                        stack.push(p);
                    }
                } else if p
                    .extension()
                    .is_some_and(|x| ["rs", "md", "sh", "py", "toml"].contains(&&*x.to_string_lossy()))
                    || p.extension().is_none()
                {
                    files.push(p);
                }
            }
        }
    }
    let outside = ["../shared", "/shared/notes"];
    let mut found = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        for o in outside {
            if text.contains(o) && !f.ends_with("docs.rs") {
                found.push(format!("{}: {o}", f.display()));
            }
        }
    }
    assert!(found.is_empty(), "files that point outside the repository: {found:?}");
}
