//! Nothing is lost and nothing leaves the machine: exports that would overwrite their own
//! input are refused, file names are never read as URLs, outputs are not written through
//! links and keep their permissions, and odd files (pipes, devices, huge subtitles) get a
//! clear error instead of a hang.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::prelude::*;
use common::fixture;

fn clipwright() -> Command {
    Command::cargo_bin("clipwright").unwrap()
}

/// Names of the files in `dir`, hidden ones included.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A copy of the 2 s H.264/AAC fixture at `dir/name`.
fn recording(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::copy(fixture(&common::H264_AAC), &path).unwrap();
    path
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_export_onto_its_own_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let rec = recording(dir.path(), "rec.mp4");
    let before = std::fs::read(&rec).unwrap();
    let out = clipwright()
        .args([
            "export",
            "-q",
            "--no-hardware",
            "--trim",
            "0..0.5",
            "--input",
        ])
        .arg(&rec)
        .arg("-o")
        .arg(&rec)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("rec.mp4") && err.contains("same file"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // Through a hard link and a symbolic link, too.
    let hard = dir.path().join("hard.mp4");
    std::fs::hard_link(&rec, &hard).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&rec, dir.path().join("soft.mp4")).unwrap();
    for name in ["hard.mp4", "soft.mp4"] {
        let link = dir.path().join(name);
        if !link.exists() {
            continue;
        }
        let out = clipwright()
            .args(["export", "-q", "--no-hardware", "--input"])
            .arg(&rec)
            .arg("-o")
            .arg(&link)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name}");
        assert!(stderr(&out).contains("same file"), "{}", stderr(&out));
    }
    assert_eq!(std::fs::read(&rec).unwrap(), before);
    std::fs::remove_file(&hard).unwrap();
    let _ = std::fs::remove_file(dir.path().join("soft.mp4"));
    assert_eq!(files_in(dir.path()), ["rec.mp4"]);
}

#[test]
fn a_project_exported_onto_one_of_its_sources_is_refused() {
    use clipwright::export::{quick_project, QuickOptions};
    use clipwright::timeline::{file, History};
    let dir = tempfile::tempdir().unwrap();
    let rec = recording(dir.path(), "take.mp4");
    let before = std::fs::read(&rec).unwrap();
    let project = quick_project(&rec, &QuickOptions::default()).unwrap();
    let project_file = dir.path().join("edit.clipwright");
    file::save(&project_file, &project, &History::default()).unwrap();
    let out = clipwright()
        .args(["export", "-q", "--no-hardware"])
        .arg(&project_file)
        .arg("-o")
        .arg(&rec)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("take.mp4") && err.contains("same file"),
        "{err}"
    );
    assert_eq!(std::fs::read(&rec).unwrap(), before);
}
