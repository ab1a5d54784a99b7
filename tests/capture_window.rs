//! Recording a real X11 window under Xvfb with openbox: it is listed with its title, app
//! and size; a recording of it has the chosen size, length and frame rate, changes from
//! frame to frame, and shows that window's pixels rather than the desktop's.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::cli::{fails, succeeds_with_output};
use common::desktop::Desktop;
use common::recording::{distinct_frames, finished, frame_bgra, probed_video, Stage};

#[test]
fn the_window_list_shows_a_window_with_its_title_app_and_size() {
    let desktop = Desktop::start();
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Live Stream");
    let text = succeeds_with_output(desktop.clipwright().args(["record", "--list"]));
    let line = text
        .lines()
        .find(|l| l.ends_with("Live Stream"))
        .unwrap_or_else(|| panic!("the window is listed:\n{text}"));
    assert!(line.contains("window"), "{line}");
    assert!(line.contains("ffplay"), "app from WM_CLASS: {line}");
    assert!(line.contains("320x240"), "size: {line}");
    assert!(
        text.lines()
            .any(|l| l.contains("display") && l.contains("1280x800")),
        "{text}"
    );
}

#[test]
fn a_window_recorded_for_4_seconds_at_640x360_30fps_has_that_size_length_and_moving_frames() {
    let stage = Stage::window("testsrc2=size=640x360:rate=30", "Live Stream", "window.mp4");
    let args = ["--size", "640x360", "--fps", "30", "--duration", "4"];
    let stdout = finished(stage.record(&args)).stdout;
    println!("{stdout}");

    let (stream, video) = probed_video(&stage.file);
    assert_eq!((video.width, video.height), (640, 360));
    assert_eq!(video.avg_frame_rate, [30, 1], "constant 30 fps");
    let us = stream.duration_us.unwrap();
    assert!(
        (3_900_000..=4_100_000).contains(&us),
        "4 ± 0.1 s, got {us} µs"
    );
    assert!(
        (117..=123).contains(&stream.packets),
        "120 ± 3 frames, got {}",
        stream.packets
    );
    // testsrc2 changes every frame; grabbing at the same rate may catch a few twice.
    let distinct = distinct_frames(&stage.file);
    assert!(
        distinct >= 100,
        "frames change: {distinct} distinct of {}",
        stream.packets
    );
}

#[test]
fn the_recorded_pixels_come_from_the_window_not_the_desktop() {
    // A pure red window on openbox's default grey-blue desktop.
    let red = "color=c=0xff0000:size=320x240:rate=30";
    let stage = Stage::window(red, "Red Window", "red.mp4");
    finished(stage.record(&["--duration", "1", "--no-cursor"]));
    let (_, video) = probed_video(&stage.file);
    assert_eq!((video.width, video.height), (320, 240), "source size");
    let px = frame_bgra(&stage.file, "0.5", 32, 24);
    // Every pixel is red (allowing for YUV rounding): no desktop, no decorations.
    for (i, p) in px.chunks_exact(4).enumerate() {
        let (b, g, r) = (p[0], p[1], p[2]);
        assert!(r > 200 && g < 50 && b < 50, "pixel {i} is {r},{g},{b}");
    }
}

#[test]
fn a_title_matching_no_window_is_refused_with_the_windows_listed() {
    let desktop = Desktop::start();
    let _app = desktop.ffplay("testsrc2=size=320x240:rate=30", "Live Stream");
    let err = fails(desktop.clipwright().args([
        "record",
        "--window",
        "No Such Game",
        "-o",
        "/tmp/never.mp4",
    ]));
    assert!(
        err.contains("No Such Game") && err.contains("Live Stream"),
        "{err}"
    );
}

#[test]
fn a_region_of_the_screen_is_recorded_at_its_size() {
    let stage = Stage::testsrc("Live Stream", "region.mp4");
    let status = stage
        .desktop
        .clipwright()
        .args([
            "record",
            "--region",
            "100,50,400x300",
            "--duration",
            "1",
            "-o",
        ])
        .arg(&stage.file)
        .status()
        .unwrap();
    assert!(status.success());
    let (stream, video) = probed_video(&stage.file);
    assert_eq!((video.width, video.height), (400, 300));
    assert_eq!(stream.duration_us, Some(1_000_000));
}

#[test]
fn bad_sizes_and_frame_rates_are_refused_with_what_is_allowed() {
    let desktop = Desktop::start();
    for (args, expect) in [
        (&["--fps", "5"][..], "15 to 120"),
        (&["--size", "999x333"][..], "1080p"),
        (&["--fit", "stretch"][..], "letterbox or crop"),
        (&["--audio", "speakers"][..], "system, window, mic"),
    ] {
        let err = fails(
            desktop
                .clipwright()
                .args(["record", "--display", "-o", "/tmp/never.mp4"])
                .args(args),
        );
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}
