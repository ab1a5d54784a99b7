//! A recording survives its recorder being killed, and ends cleanly when its window
//! closes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::desktop::Desktop;
use common::recording::{clean_video, finished, frame_hashes, record_command, record_window};

#[test]
fn a_recorder_killed_with_sigkill_after_6_seconds_leaves_at_least_4_playable_seconds() {
    let desktop = Desktop::start();
    let _app = desktop.ffplay("testsrc2=size=640x360:rate=30", "Live Stream");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("killed.mp4");
    let mut child = record_window(&desktop, "Live Stream", &[], &file);
    std::thread::sleep(Duration::from_secs(6));
    child.kill().unwrap(); // SIGKILL: no chance to finish the file
    child.wait().unwrap();

    let (us, frames) = clean_video(&file);
    println!("kept {us} µs, {frames} frames, of about 6 s");
    assert!(us >= 4_000_000, "kept only {us} µs");
    assert!(frames >= 120, "kept only {frames} frames");
}

#[test]
fn closing_the_window_mid_recording_ends_it_cleanly_with_a_complete_file() {
    let desktop = Desktop::start();
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Closing Soon");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("closed.mp4");
    let child = record_window(&desktop, "Closing Soon", &[], &file);
    std::thread::sleep(Duration::from_secs(3));
    desktop.close_window("Closing Soon");
    let stdout = finished(child).stdout;
    assert!(
        stdout.contains("closed"),
        "says the window closed: {stdout}"
    );

    let (us, _) = clean_video(&file);
    assert!(
        (2_000_000..=4_000_000).contains(&us),
        "about 3 s, got {us} µs"
    );
}

#[test]
fn sigterm_stops_the_recording_cleanly_and_prints_its_figures() {
    let desktop = Desktop::start();
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Live Stream");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("terminated.mp4");
    let child = record_window(&desktop, "Live Stream", &[], &file);
    std::thread::sleep(Duration::from_millis(2500));
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let stdout = finished(child).stdout;
    assert!(
        stdout.contains("dropped") && stdout.contains("Stopped"),
        "{stdout}"
    );
    let (us, _) = clean_video(&file);
    assert!(us >= 1_500_000);
}

#[test]
fn a_resized_window_keeps_recording_at_the_chosen_size() {
    let desktop = Desktop::start();
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Growing");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("resized.mp4");
    let args = ["--size", "640x360", "--duration", "4"];
    let child = record_command(&desktop, "Growing", &args, &file)
        // The recorder's own log says when it follows a resize.
        .env("CLIPWRIGHT_LOG", "clipwright=info")
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let id = desktop.find_windows("^Growing$").pop().unwrap();
    let status = desktop
        .command("xdotool")
        .args(["windowsize", &id, "600", "300"])
        .status()
        .unwrap();
    assert!(status.success());
    let stderr = finished(child).stderr;
    assert!(stderr.contains("resized to 600x300"), "{stderr}");

    let report = clipwright::media::probe(&file).unwrap();
    let (stream, video) = report.video().unwrap();
    assert_eq!((video.width, video.height), (640, 360));
    assert_eq!(stream.duration_us, Some(4_000_000));
    // After the resize the picture still moves.
    let hashes = frame_hashes(&file);
    let mut late: Vec<_> = hashes[90..].to_vec();
    late.sort();
    late.dedup();
    assert!(
        late.len() >= 20,
        "frames after the resize change: {}",
        late.len()
    );
}

#[test]
fn with_reacquire_a_window_that_closes_and_reopens_is_followed() {
    let desktop = Desktop::start();
    let app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Comes Back");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reacquired.mp4");
    let args = ["--reacquire", "--duration", "6"];
    let child = record_window(&desktop, "Comes Back", &args, &file);
    std::thread::sleep(Duration::from_millis(1500));
    drop(app); // the window goes away
    std::thread::sleep(Duration::from_millis(1000));
    let _again = desktop.ffplay("testsrc2=size=320x240:rate=30", "Comes Back");
    let stdout = finished(child).stdout;
    assert!(stdout.contains("DurationReached"), "kept going: {stdout}");
    let hashes = frame_hashes(&file);
    assert_eq!(hashes.len(), 180);
    let mut last_second: Vec<_> = hashes[150..].to_vec();
    last_second.sort();
    last_second.dedup();
    assert!(
        last_second.len() >= 20,
        "the new window is recorded: {}",
        last_second.len()
    );
}
