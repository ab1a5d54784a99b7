//! The layering rules of `docs/architecture.md`, checked on the sources: each folder of
//! `src/` may only name the crates and modules the table allows. Comments are skipped, so
//! a module may say what it does not touch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The file's code without its comments (line comments, doc comments and block comments).
fn code_of(source: &str) -> String {
    let mut code = String::with_capacity(source.len());
    let mut in_block = false;
    for line in source.lines() {
        let mut rest = line;
        let mut kept = String::new();
        loop {
            if in_block {
                match rest.find("*/") {
                    Some(end) => {
                        rest = &rest[end + 2..];
                        in_block = false;
                    }
                    None => break,
                }
            } else {
                let line_comment = rest.find("//");
                let block = rest.find("/*");
                match (line_comment, block) {
                    (Some(l), Some(b)) if b < l => {
                        kept.push_str(&rest[..b]);
                        rest = &rest[b + 2..];
                        in_block = true;
                    }
                    (Some(l), _) => {
                        kept.push_str(&rest[..l]);
                        break;
                    }
                    (None, Some(b)) => {
                        kept.push_str(&rest[..b]);
                        rest = &rest[b + 2..];
                        in_block = true;
                    }
                    (None, None) => {
                        kept.push_str(rest);
                        break;
                    }
                }
            }
        }
        code.push_str(&kept);
        code.push('\n');
    }
    code
}

/// The lines of `src/<folder>` (a folder, searched recursively, or one file) that name any of `forbidden`, as
/// `path:line: text`.
fn offending_lines(folder: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let at = root.join(folder);
    let files = if at.is_dir() {
        rust_files(&at)
    } else {
        vec![at]
    };
    let mut found = Vec::new();
    for file in files {
        let source =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (n, line) in code_of(&source).lines().enumerate() {
            if forbidden.iter().any(|word| names(line, word)) {
                let shown = file.strip_prefix(&root).unwrap_or(&file).display();
                found.push(format!("src/{shown}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

/// Whether `line` names `word` as a path segment (`egui::` or `egui;`, not `legui`).
fn names(line: &str, word: &str) -> bool {
    line.match_indices(word).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

const FFMPEG: &[&str] = &["ffmpeg_next", "ffmpeg::", "ffmpeg_sys"];
const EGUI: &[&str] = &["egui", "eframe"];
const THREADS: &[&str] = &[
    "std::thread",
    "thread::spawn",
    "std::sync::mpsc",
    "Mutex",
    "Arc<",
];
const APP: &[&str] = &["crate::ui"];

/// The parts of `src/` the rules below speak of: its folders and its top files.
const PARTS: &[&str] = &[
    "timeline",
    "media",
    "render",
    "export",
    "capture",
    "subtitles",
    "session",
    "playback",
    "vision",
    "stickers",
    "ui",
    "cli",
    "cli.rs",
    "main.rs",
    "lib.rs",
];

/// Checks every part of [`PARTS`] but the `allowed` ones against `forbidden`.
fn assert_only_in(allowed: &[&str], forbidden: &[&str]) {
    for folder in PARTS.iter().filter(|part| !allowed.contains(part)) {
        assert_clean(folder, forbidden);
    }
}

fn assert_clean(folder: &str, forbidden: &[&str]) {
    let found = offending_lines(folder, forbidden);
    assert!(
        found.is_empty(),
        "src/{folder} names what it may not ({forbidden:?}):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_model_names_no_egui_no_ffmpeg_and_no_threads() {
    assert_clean("timeline", EGUI);
    assert_clean("timeline", FFMPEG);
    assert_clean("timeline", THREADS);
}

#[test]
fn only_media_names_ffmpeg() {
    assert_only_in(&["media"], FFMPEG);
}

#[test]
fn the_session_and_the_playback_name_no_egui() {
    assert_clean("session", EGUI);
    assert_clean("playback", EGUI);
}

#[test]
fn vision_names_no_egui_and_nothing_of_the_project() {
    // It sees pictures as bytes: no app, no model of the project, no compositor.
    assert_clean("vision", EGUI);
    assert_clean(
        "vision",
        &[
            "crate::timeline",
            "crate::render",
            "crate::export",
            "crate::media",
        ],
    );
}

#[test]
fn stickers_name_no_egui_and_no_compositor() {
    // The set and its pictures as bytes; the compositor and the app draw them.
    assert_clean("stickers", EGUI);
    assert_clean(
        "stickers",
        &[
            "crate::render",
            "crate::export",
            "crate::media",
            "crate::vision",
        ],
    );
}

#[test]
fn only_the_app_and_its_launcher_name_the_app() {
    // `cli.rs` is the launcher: it starts the app.
    assert_only_in(&["ui", "cli.rs"], APP);
}

#[test]
fn the_checker_sees_past_comments_but_not_past_code() {
    let source = "//! no egui here\nuse crate::timeline; // egui::Button\n/* egui\n still */ let a = 1;\negui::Button::new(\"\");\n";
    let code = code_of(source);
    assert!(!code.lines().take(3).any(|l| names(l, "egui")), "{code}");
    assert!(names(code.lines().nth(4).unwrap_or(""), "egui"), "{code}");
    assert!(!names("let legui = 1;", "egui"));
}
