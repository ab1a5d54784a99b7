//! The export dialog's size estimate against real exports: from the clips' own files it
//! lands near the file's size (a still screen, like most recordings: 1.0× the file, where
//! the guess from frame size and quality alone said 160×).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use clipwright::export::{quick_project, QuickOptions};
use clipwright::ui::ExportDialog;

/// Exports `source` at the dialog's default quality and returns (estimate from the
/// file's own bit rate, estimate without it, the file's size).
fn estimates_and_size(source: &Path) -> (u64, u64, u64) {
    let source = source.to_owned();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("estimated.mp4");
    let project = quick_project(&source, &QuickOptions::default()).unwrap();
    let mut dialog = ExportDialog::default();
    let blind = dialog.estimate(&project, dir.path());
    assert!(!blind.from_content);
    let report = clipwright::media::probe(&source).unwrap();
    dialog.source_rates = clipwright::ui::video_rates([&report]);
    let known = dialog.estimate(&project, dir.path());
    assert!(known.from_content);
    let mut job = common::make::export_job(project, &out);
    job.settings.crf = Some(dialog.crf);
    common::make::finish(&job);
    let actual = std::fs::metadata(&out).unwrap().len();
    (known.bytes, blind.bytes, actual)
}

/// A screen with little motion, as most recordings are: still colour bars at 1280×720
/// for four seconds, made at CRF 23 like a recording.
fn still_screen(dir: &Path) -> PathBuf {
    let out = dir.join("still_screen.mp4");
    let x264 = ["-c:v", "libx264", "-crf", "23", "-pix_fmt", "yuv420p"];
    common::lavfi("smptebars=size=1280x720:rate=30:duration=4", &x264, &out);
    out
}

#[test]
fn the_estimate_from_the_clips_files_lands_near_the_exported_size() {
    let dir = tempfile::tempdir().unwrap();
    let sources = [
        common::fixture(&common::H264_AAC),
        common::fixture(&common::VIDEO_ONLY),
        still_screen(dir.path()),
    ];
    for source in &sources {
        let (known, blind, actual) = estimates_and_size(source);
        let ratio = known as f64 / actual as f64;
        let name = source.file_name().unwrap().to_string_lossy();
        println!(
            "{name}: file {actual} B, estimate {known} B ({ratio:.2}×), without the file {blind} B ({:.2}×)",
            blind as f64 / actual as f64
        );
        assert!(
            (0.5..=2.0).contains(&ratio),
            "{name}: estimated {known} B for a {actual} B file"
        );
        assert!(blind >= known, "the file's own rate never raises the guess");
    }
}
