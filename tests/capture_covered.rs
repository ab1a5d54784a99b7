//! Recording a window's own content (Composite) under Xvfb with openbox: a window with
//! another window over part of it records without a pixel of the one on top — and the
//! screen-area way (`--window-capture area`) does record it, so the check can fail; a
//! minimised window repeats its last picture and the stats say "window hidden".

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use clipwright::capture::{CaptureBackend, Target, TargetKind, X11Backend};
use common::desktop::Desktop;
use common::recording::{distinct, finished, frame_bgra, frame_hashes, record_command, Finished};

/// The recorded window: a moving grey picture (no colour at all, so any colour in it
/// came from elsewhere).
const STREAM: &str = "testsrc2=size=640x360:rate=30,hue=s=0";
/// The covering window: solid magenta.
const COVER: &str = "color=c=0xff00ff:size=240x160:rate=30";

fn window(desktop: &Desktop, title: &str) -> Target {
    X11Backend::new(Some(&desktop.display))
        .targets()
        .unwrap()
        .into_iter()
        .find(|t| t.kind == TargetKind::Window && t.title == title)
        .unwrap_or_else(|| panic!("the window \"{title}\" is listed"))
}

/// Records "Live Stream" the way `how` says for `seconds`, logging what it does.
fn record(desktop: &Desktop, how: &str, seconds: &str, file: &Path) -> Finished {
    let args = [
        "--window-capture",
        how,
        "--audio",
        "none",
        "--no-cursor",
        "--duration",
        seconds,
    ];
    let child = record_command(desktop, "Live Stream", &args, file)
        .env("CLIPWRIGHT_LOG", "clipwright=info")
        .spawn()
        .unwrap();
    finished(child)
}

/// Shares of the pixels inside `rect` (x, y, w, h in the frame) that are magenta (the
/// cover) and that are black (what a screen grab gives where another window lies).
fn shares(bgra: &[u8], frame_width: u32, rect: (u32, u32, u32, u32)) -> (f64, f64) {
    let (x0, y0, w, h) = rect;
    let (mut magenta, mut black) = (0, 0);
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            let at = ((y * frame_width + x) * 4) as usize;
            let (b, g, r) = (bgra[at], bgra[at + 1], bgra[at + 2]);
            if r > 150 && b > 150 && g < 100 {
                magenta += 1;
            }
            if r.max(g).max(b) < 12 {
                black += 1;
            }
        }
    }
    let all = f64::from(w * h);
    (f64::from(magenta) / all, f64::from(black) / all)
}

#[test]
fn a_covered_window_records_with_no_pixel_of_the_window_on_top() {
    let desktop = Desktop::start();
    let _stream = desktop.ffplay_at(STREAM, "Live Stream", 40, 40);
    let _cover = desktop.ffplay_at(COVER, "Cover", 300, 200);
    let (s, c) = (window(&desktop, "Live Stream"), window(&desktop, "Cover"));
    assert_eq!((s.width, s.height), (640, 360), "{s:?}");
    // Where the cover lies on the stream, in the stream's own pixels, less a margin for
    // the encoder's blur at the edges.
    let (left, top) = ((c.x - s.x) as u32 + 6, (c.y - s.y) as u32 + 6);
    let covered = (left, top, c.width - 12, c.height - 12);
    assert!(
        left + covered.2 < s.width && top + covered.3 < s.height,
        "the cover lies inside the stream: {s:?} {c:?}"
    );
    let shot = common::desktop::artifacts_dir().join("covered_window.png");
    desktop.screenshot(&shot);

    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content.mp4");
    let log = record(&desktop, "content", "3", &content).stderr;
    assert!(log.contains("through Composite"), "{log}");
    assert!(!log.contains("screen area"), "no fallback: {log}");
    let area = dir.path().join("area.mp4");
    let log = record(&desktop, "area", "2", &area).stderr;
    assert!(
        log.contains("note: recording the window's screen area"),
        "{log}"
    );

    // The screen area has lost the covered part — to the cover, or to black, as the
    // X server pleases (so the checks below can fail)…
    let grabbed = frame_bgra(&area, "1", s.width, s.height);
    let (magenta, black) = shares(&grabbed, s.width, covered);
    assert!(
        magenta + black > 0.9,
        "the screen area loses the covered part: {magenta} magenta, {black} black"
    );
    // …the window's own content never does, in any of several frames, while they move.
    let mut frames = Vec::new();
    for at in ["0.2", "0.9", "1.5", "2.1", "2.7"] {
        let bgra = frame_bgra(&content, at, s.width, s.height);
        let (magenta, black) = shares(&bgra, s.width, covered);
        assert!(magenta == 0.0, "frame at {at} s holds the cover: {magenta}");
        assert!(
            black < 0.01,
            "frame at {at} s is black where covered: {black}"
        );
        frames.push(bgra);
    }
    frames.dedup();
    assert_eq!(frames.len(), 5, "the covered window's picture moves");
}

#[test]
fn a_minimised_window_repeats_its_last_picture_and_the_stats_say_window_hidden() {
    let desktop = Desktop::start();
    let _stream = desktop.ffplay_at(STREAM, "Live Stream", 40, 40);
    let id = desktop.find_windows("^Live Stream$").pop().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hidden.mp4");
    let args = ["--audio", "none", "--fps", "30", "--duration", "6"];
    let child = record_command(&desktop, "Live Stream", &args, &file)
        .env("CLIPWRIGHT_LOG", "clipwright=info")
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2000));
    desktop.xdotool(&["windowminimize", &id]);
    std::thread::sleep(Duration::from_millis(2000));
    desktop.xdotool(&["windowactivate", &id]);
    let Finished { stdout, stderr } = finished(child);
    assert!(
        stderr.contains("is hidden: repeating its last picture"),
        "{stderr}"
    );
    assert!(stderr.contains("is shown again"), "{stderr}");
    let causes = stdout
        .lines()
        .find(|l| l.starts_with("dropped by cause"))
        .unwrap_or_else(|| panic!("a line of causes: {stdout}"));
    let hidden: u64 = causes
        .split("repeated by cause: ")
        .nth(1)
        .and_then(|r| r.split(" window hidden").next())
        .and_then(|r| r.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("repeats counted as window hidden: {causes}"));
    // About 2 s of 30 fps hidden (the window manager takes a moment either way).
    assert!((30..=75).contains(&hidden), "{causes}");

    // While hidden, one picture repeats; before and after, the picture moves.
    let hashes = frame_hashes(&file);
    assert_eq!(hashes.len(), 180, "6 s at 30 fps");
    assert!(distinct(&hashes[10..50]) >= 30, "moving before");
    // (A keyframe re-encodes the same picture, so it may decode a little differently.)
    assert!(distinct(&hashes[60..95]) <= 8, "repeating while hidden");
    assert!(distinct(&hashes[150..180]) >= 20, "moving again after");
}
