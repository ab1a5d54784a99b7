//! A recording survives its recorder being killed, and ends cleanly when its window
//! closes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::desktop::Desktop;
use common::recording::decode_errors;

#[test]
fn a_recorder_killed_with_sigkill_after_6_seconds_leaves_at_least_4_playable_seconds() {
    let desktop = Desktop::start();
    let _app = desktop.ffplay("testsrc2=size=640x360:rate=30", "Live Stream");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("killed.mp4");
    let mut child = desktop
        .command(env!("CARGO_BIN_EXE_clipwright"))
        .args(["record", "--window", "Live Stream", "-o"])
        .arg(&file)
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(6));
    child.kill().unwrap(); // SIGKILL: no chance to finish the file
    child.wait().unwrap();

    let report = clipwright::media::probe(&file).unwrap();
    let (stream, _) = report.video().unwrap();
    let us = stream.duration_us.or(report.duration_us).unwrap();
    println!("kept {us} µs, {} frames, of about 6 s", stream.packets);
    assert!(us >= 4_000_000, "kept only {us} µs");
    assert!(stream.packets >= 120, "kept only {} frames", stream.packets);
    let errors = decode_errors(&file);
    assert!(errors.is_empty(), "decodes cleanly: {errors}");
}

#[test]
fn closing_the_window_mid_recording_ends_it_cleanly_with_a_complete_file() {
    let desktop = Desktop::start();
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Closing Soon");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("closed.mp4");
    let child = desktop
        .command(env!("CARGO_BIN_EXE_clipwright"))
        .args(["record", "--window", "Closing Soon", "-o"])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    desktop.close_window("Closing Soon");
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("closed"),
        "says the window closed: {stdout}"
    );

    let report = clipwright::media::probe(&file).unwrap();
    let (stream, _) = report.video().unwrap();
    let us = stream.duration_us.unwrap();
    assert!(
        (2_000_000..=4_000_000).contains(&us),
        "about 3 s, got {us} µs"
    );
    assert!(decode_errors(&file).is_empty());
}

#[test]
fn sigterm_stops_the_recording_cleanly_and_prints_its_figures() {
    let desktop = Desktop::start();
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Live Stream");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("terminated.mp4");
    let child = desktop
        .command(env!("CARGO_BIN_EXE_clipwright"))
        .args(["record", "--window", "Live Stream", "-o"])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("dropped") && stdout.contains("Stopped"),
        "{stdout}"
    );
    let report = clipwright::media::probe(&file).unwrap();
    let (stream, _) = report.video().unwrap();
    assert!(stream.duration_us.unwrap() >= 1_500_000);
    assert!(decode_errors(&file).is_empty());
}

#[test]
fn a_resized_window_keeps_recording_at_the_chosen_size() {
    let desktop = Desktop::start();
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Growing");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("resized.mp4");
    let child = desktop
        .command(env!("CARGO_BIN_EXE_clipwright"))
        .args([
            "record",
            "--window",
            "Growing",
            "--size",
            "640x360",
            "--duration",
            "4",
            "-o",
        ])
        .arg(&file)
        // The recorder's own log says when it follows a resize.
        .env("CLIPWRIGHT_LOG", "clipwright=info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
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
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("resized to 600x300"), "{stderr}");

    let report = clipwright::media::probe(&file).unwrap();
    let (stream, video) = report.video().unwrap();
    assert_eq!((video.width, video.height), (640, 360));
    assert_eq!(stream.duration_us, Some(4_000_000));
    // After the resize the picture still moves.
    let hashes = common::recording::frame_hashes(&file);
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
    let child = desktop
        .command(env!("CARGO_BIN_EXE_clipwright"))
        .args([
            "record",
            "--window",
            "Comes Back",
            "--reacquire",
            "--duration",
            "6",
            "-o",
        ])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    drop(app); // the window goes away
    std::thread::sleep(Duration::from_millis(1000));
    let _again = desktop.ffplay("testsrc2=size=320x240:rate=30", "Comes Back");
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("DurationReached"), "kept going: {stdout}");
    let hashes = common::recording::frame_hashes(&file);
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
