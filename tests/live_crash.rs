//! Crash safety while clipping a live recording: a highlight is exported from the growing
//! file, then another is under way when everything is killed (`kill -9` of the recorder
//! and of the export at once). The recording keeps what was recorded up to its last
//! second, the highlight exported before is untouched, and the export cut short leaves
//! no broken file under its name.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::cli::{clipwright, export_command, succeeds_within};
use common::recording::record_pattern;

/// Waits until the recording at `file` holds `secs` seconds, as a probe sees it.
fn wait_for_length(file: &Path, secs: i64, recorder: &mut Child) {
    let started = Instant::now();
    loop {
        let length = clipwright::media::probe(file)
            .ok()
            .and_then(|r| r.duration_us)
            .unwrap_or(0);
        if length >= secs * 1_000_000 {
            return;
        }
        assert!(
            recorder.try_wait().unwrap().is_none(),
            "the recorder stopped"
        );
        assert!(started.elapsed() < Duration::from_secs(60), "never grew");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn kill_9_while_a_highlight_exports_loses_neither_the_recording_nor_the_earlier_clip() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.mp4");
    let args = ["--audio", "none", "--duration", "120"];
    let mut recorder = record_pattern(clipwright(), "640x360", &args, &file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_length(&file, 2, &mut recorder);

    // A first highlight, exported whole while the recording goes on.
    let earlier = dir.path().join("earlier.mp4");
    let args = ["--no-hardware", "--trim", "0..1"];
    succeeds_within(
        &mut export_command(&file, &args, &earlier),
        Duration::from_secs(120),
    );
    let earlier_bytes = std::fs::read(&earlier).unwrap();

    // A second one, long and large, killed half way with the recorder.
    wait_for_length(&file, 4, &mut recorder);
    let cut_short = dir.path().join("cut-short.mp4");
    let args = ["--no-hardware", "--trim", "0..4", "--canvas", "1920x1080"];
    let mut export = export_command(&file, &args, &cut_short)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        export.try_wait().unwrap().is_none(),
        "the export should still be running when it is killed"
    );
    let recorded_when_killed = clipwright::media::probe(&file)
        .unwrap()
        .duration_us
        .unwrap();
    export.kill().unwrap();
    recorder.kill().unwrap();
    export.wait().unwrap();
    recorder.wait().unwrap();

    // The recording: all it held when killed (whole fragments), playable.
    let report = clipwright::media::probe(&file).unwrap();
    assert!(
        report.duration_us.unwrap() >= recorded_when_killed,
        "{:?} µs kept of {recorded_when_killed} µs",
        report.duration_us
    );
    // The earlier highlight: untouched and playable.
    assert_eq!(std::fs::read(&earlier).unwrap(), earlier_bytes);
    assert!(common::recording::decode_errors(&earlier).is_empty());
    let length = clipwright::media::probe(&earlier)
        .unwrap()
        .duration_us
        .unwrap();
    assert!((900_000..=1_100_000).contains(&length), "{length} µs");
    // The export cut short: nothing under its name.
    assert!(!cut_short.exists(), "a broken file was left at its name");
}
