//! A recording survives its recorder being killed, and ends cleanly when its window
//! closes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::recording::{
    clean_video, distinct, finished, frame_hashes, probed_video, signal, Stage,
};

#[test]
fn a_recorder_killed_with_sigkill_after_6_seconds_leaves_at_least_4_playable_seconds() {
    let stage = Stage::window("testsrc2=size=640x360:rate=30", "Live Stream", "killed.mp4");
    let mut child = stage.record(&[]);
    std::thread::sleep(Duration::from_secs(6));
    child.kill().unwrap(); // SIGKILL: no chance to finish the file
    child.wait().unwrap();

    let (us, frames) = clean_video(&stage.file);
    println!("kept {us} µs, {frames} frames, of about 6 s");
    assert!(us >= 4_000_000, "kept only {us} µs");
    assert!(frames >= 120, "kept only {frames} frames");
}

#[test]
fn closing_the_window_mid_recording_ends_it_cleanly_with_a_complete_file() {
    let stage = Stage::testsrc("Closing Soon", "closed.mp4");
    let child = stage.record(&[]);
    std::thread::sleep(Duration::from_secs(3));
    stage.desktop.close_window("Closing Soon");
    let stdout = finished(child).stdout;
    assert!(
        stdout.contains("closed"),
        "says the window closed: {stdout}"
    );

    let (us, _) = clean_video(&stage.file);
    assert!(
        (2_000_000..=4_000_000).contains(&us),
        "about 3 s, got {us} µs"
    );
}

#[test]
fn sigterm_stops_the_recording_cleanly_and_prints_its_figures() {
    let stage = Stage::testsrc("Live Stream", "terminated.mp4");
    let child = stage.record(&[]);
    std::thread::sleep(Duration::from_millis(2500));
    signal(&child, "-TERM");
    let stdout = finished(child).stdout;
    assert!(
        stdout.contains("dropped") && stdout.contains("Stopped"),
        "{stdout}"
    );
    let (us, _) = clean_video(&stage.file);
    assert!(us >= 1_500_000);
}

#[test]
fn a_resized_window_keeps_recording_at_the_chosen_size() {
    let stage = Stage::testsrc("Growing", "resized.mp4");
    let child = stage
        .record_command(&["--size", "640x360", "--duration", "4"])
        // The recorder's own log says when it follows a resize.
        .env("CLIPWRIGHT_LOG", "clipwright=info")
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let id = stage.desktop.find_windows("^Growing$").pop().unwrap();
    stage.desktop.xdotool(&["windowsize", &id, "600", "300"]);
    let stderr = finished(child).stderr;
    assert!(stderr.contains("resized to 600x300"), "{stderr}");

    let (stream, video) = probed_video(&stage.file);
    assert_eq!((video.width, video.height), (640, 360));
    assert_eq!(stream.duration_us, Some(4_000_000));
    // After the resize the picture still moves.
    let hashes = frame_hashes(&stage.file);
    let late = distinct(&hashes[90..]);
    assert!(late >= 20, "frames after the resize change: {late}");
}

#[test]
fn with_reacquire_a_window_that_closes_and_reopens_is_followed() {
    let stage = Stage::testsrc("Comes Back", "reacquired.mp4");
    let child = stage.record(&["--reacquire", "--duration", "6"]);
    std::thread::sleep(Duration::from_millis(1500));
    drop(stage.app); // the window goes away
    std::thread::sleep(Duration::from_millis(1000));
    let _again = stage
        .desktop
        .ffplay("testsrc2=size=320x240:rate=30", "Comes Back");
    let stdout = finished(child).stdout;
    assert!(stdout.contains("DurationReached"), "kept going: {stdout}");
    let hashes = frame_hashes(&stage.file);
    assert_eq!(hashes.len(), 180);
    let last_second = distinct(&hashes[150..]);
    assert!(
        last_second >= 20,
        "the new window is recorded: {last_second}"
    );
}
