//! Hardware encoder choice: a VAAPI encoder asked for by name on a machine without a
//! VAAPI device is a clear error that leaves nothing behind; the automatic choice tries
//! it (and the others) and falls back silently to libx264.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;
use clipwright::export::{quick_project, QuickOptions};
use clipwright::media::{self, VAAPI_DEVICE};
use common::fixture;

fn has_vaapi_device() -> bool {
    Path::new(VAAPI_DEVICE).exists()
}

#[test]
fn asking_for_vaapi_without_a_device_is_a_clear_error_leaving_nothing() {
    for encoder in ["h264_vaapi", "hevc_vaapi"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("vaapi.mp4");
        let run = Command::cargo_bin("clipwright")
            .unwrap()
            .args(["export", "--quiet", "--input"])
            .arg(fixture(&common::VIDEO_ONLY))
            .arg("-o")
            .arg(&out)
            .args(["--encoder", encoder])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        if run.status.success() {
            // Only where a device exists: then the file must really be what was asked.
            assert!(
                has_vaapi_device(),
                "{encoder} opened without {VAAPI_DEVICE}"
            );
            let report = media::probe(&out).unwrap();
            assert_eq!(report.video().unwrap().0.codec, &encoder[..4]);
            continue;
        }
        assert!(stderr.contains(encoder), "{stderr}");
        if !has_vaapi_device() {
            assert!(
                stderr.contains(&format!("no VAAPI device ({VAAPI_DEVICE} does not exist)")),
                "{stderr}"
            );
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

#[test]
fn the_automatic_choice_falls_back_silently_to_libx264_without_hardware() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("auto.mp4");
    let project = quick_project(&fixture(&common::VIDEO_ONLY), &QuickOptions::default()).unwrap();
    let mut job = common::make::export_job(project, &out);
    job.settings.hardware = true;
    let summary = common::make::finish(&job);
    if !has_vaapi_device() {
        // No GPU here: every hardware encoder (NVENC, Quick Sync, VAAPI…) failed to open.
        assert_eq!(summary.encoder, "libx264");
    }
    let report = media::probe(&out).unwrap();
    assert_eq!(report.video().unwrap().0.codec, "h264");
    assert_eq!(summary.frames, 60);
}
