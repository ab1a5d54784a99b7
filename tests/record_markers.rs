//! Live markers: a line `2 Goal` sent to `record` while it runs drops a marker with 2 s of
//! pre-roll; when the recording lands in a project it is a 2 s range ending where it was
//! dropped, and exporting that range gives exactly those frames of the recording.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clipwright::capture::{into_project, live_markers, read_counter, BgraFrame};
use clipwright::timeline::{Project, Time};

const W: u32 = 320;
const H: u32 = 240;

/// The pattern's frame counters of each frame of `file`, decoded at the pattern's size.
fn counters(file: &Path) -> Vec<u32> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args([
            "-s",
            &format!("{W}x{H}"),
            "-f",
            "rawvideo",
            "-pix_fmt",
            "bgra",
            "-",
        ])
        .output()
        .unwrap();
    out.stdout
        .chunks_exact((W * H * 4) as usize)
        .map(|data| {
            let f = BgraFrame {
                width: W,
                height: H,
                stride: W as usize * 4,
                data: data.to_vec(),
            };
            read_counter(&f, W).unwrap()
        })
        .collect()
}

fn secs(t: Time) -> String {
    format!("{:.3}", t.as_secs_f64())
}

#[test]
fn a_live_marker_with_pre_roll_becomes_a_range_that_exports_its_frames() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("live.mp4");
    let mut child = Command::new(env!("CARGO_BIN_EXE_clipwright"))
        .args(["record", "--test-pattern", &format!("{W}x{H}")])
        .args(["--audio", "none", "--duration", "8", "-o"])
        .arg(&file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    // Unbounded on purpose: the reader must never block, or the recorder would stall
    // on a full stderr pipe while the test sleeps.
    #[allow(clippy::disallowed_methods)]
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait_for = |prefix: &str| {
        let mut said = Vec::new();
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no \"{prefix}\" line: {said:?}"));
            if line.trim_start_matches('\r').starts_with(prefix) {
                return line;
            }
            said.push(line);
        }
    };
    wait_for("recording ");
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(5).saturating_sub(started.elapsed()));
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "2 Goal").unwrap();
    stdin.flush().unwrap();
    let said = wait_for("marker ");
    assert!(said.contains("\"Goal\""), "{said}");
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the recording did not end after its 8 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());

    // The markers file beside the recording holds it, in the recording's time.
    let marks = live_markers::read(&file);
    assert_eq!(marks.len(), 1, "{marks:?}");
    assert_eq!(marks[0].pre_roll_us, 2_000_000);

    // In a project, it is a 2 s range ending where it was dropped.
    let mut project = Project::default();
    into_project::add_recording(&mut project, &file, Some(Time::ZERO)).unwrap();
    let [marker] = project.markers.as_slice() else {
        panic!("one marker: {:?}", project.markers);
    };
    assert_eq!(marker.name, "Goal");
    assert_eq!(marker.length, Time::from_secs(2));
    let at = marker.end().as_secs_f64();
    assert!((4.0..7.0).contains(&at), "dropped about 5 s in: {at}");

    // Exporting the range gives the recording's frames of that range.
    let out = dir.path().join("goal.mp4");
    let export = common::run_within(
        Command::new(env!("CARGO_BIN_EXE_clipwright"))
            .args(["export", "--quiet", "--input"])
            .arg(&file)
            .arg("--trim")
            .arg(format!("{}..{}", secs(marker.time), secs(marker.end())))
            .arg("-o")
            .arg(&out),
        Duration::from_secs(120),
    );
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let recorded = counters(&file);
    let exported = counters(&out);
    assert!(
        (58..=62).contains(&exported.len()),
        "2 s at 30 fps: {} frames",
        exported.len()
    );
    // The frame on screen at the range's start (as written on the command line).
    let from: f64 = secs(marker.time).parse().unwrap();
    let first = (from * 30.0 + 1e-6).floor() as usize;
    let expected = &recorded[first..first + exported.len()];
    let off = exported
        .iter()
        .zip(expected)
        .filter(|(a, b)| a != b)
        .count();
    assert!(
        off <= 1,
        "the range's frames: exported {exported:?}, recorded {expected:?}"
    );
}
