//! Live markers: a line `2 Goal` sent to `record` while it runs drops a marker with 2 s of
//! pre-roll; when the recording lands in a project it is a 2 s range ending where it was
//! dropped, and exporting that range gives exactly those frames of the recording —
//! through `--trim` on the file, `--markers` on a project (one file per range, named by
//! its marker) or `--range` on a project.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use clipwright::capture::{into_project, live_markers};
use clipwright::timeline::{Marker, Project, Time};
use common::cli::{clipwright, export_command, succeeds_within};
use common::recording::{exit_within, frames_differing, record_pattern, StderrLines};

const W: u32 = 320;
const H: u32 = 240;

/// The pattern's frame counters of each frame of `file`.
fn counters(file: &Path) -> Vec<u32> {
    common::recording::pattern_counters(file, W)
}

fn secs(t: Time) -> String {
    format!("{:.3}", t.as_secs_f64())
}

/// `marker`'s range as the command line takes it, `FROM..TO` in seconds.
fn span(marker: &Marker) -> String {
    format!("{}..{}", secs(marker.time), secs(marker.end()))
}

/// Records 8 s of the test pattern into `dir`, sending `2 Goal` after 5 s, and returns
/// the file.
fn record_a_goal(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("live.mp4");
    let args = ["--audio", "none", "--duration", "8"];
    let mut cmd = record_pattern(clipwright(), &format!("{W}x{H}"), &args, &file);
    let (mut child, lines) = StderrLines::spawn(cmd.stdin(Stdio::piped()));
    lines.wait_for("recording ");
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(5).saturating_sub(started.elapsed()));
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "2 Goal").unwrap();
    stdin.flush().unwrap();
    let said = lines.wait_for("marker ");
    assert!(said.contains("\"Goal\""), "{said}");
    drop(stdin);
    let status = exit_within(
        &mut child,
        Duration::from_secs(30),
        "the recording did not end after its 8 s",
    );
    assert!(status.success());
    file
}

/// The recording's frames that an export of `from..` should hold, `len` of them.
fn recorded_from(file: &Path, from: Time, len: usize) -> Vec<u32> {
    let recorded = counters(file);
    // The frame on screen at the range's start (as written on the command line).
    let from: f64 = secs(from).parse().unwrap();
    let first = (from * 30.0 + 1e-6).floor() as usize;
    recorded[first..first + len].to_vec()
}

#[test]
fn a_live_marker_with_pre_roll_becomes_a_range_that_exports_its_frames() {
    let dir = tempfile::tempdir().unwrap();
    let file = record_a_goal(dir.path());

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
    let trim = ["--trim", &span(marker)];
    succeeds_within(
        &mut export_command(&file, &trim, &out),
        Duration::from_secs(120),
    );
    assert_same_frames(&file, marker.time, &out);
}

/// `exported` holds 2 s of the recording's frames from `from` on (one may differ, where
/// a timestamp falls on a frame's edge).
fn assert_same_frames(file: &Path, from: Time, exported: &Path) {
    let exported = counters(exported);
    assert!(
        (58..=62).contains(&exported.len()),
        "2 s at 30 fps: {} frames",
        exported.len()
    );
    let expected = recorded_from(file, from, exported.len());
    let off = frames_differing(&exported, &expected);
    assert!(
        off <= 1,
        "the range's frames: exported {exported:?}, recorded {expected:?}"
    );
}

#[test]
fn a_projects_marker_ranges_export_as_files_named_by_marker_and_a_range_as_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = record_a_goal(dir.path());
    let mut project = Project::default();
    // The recording's own shape, so its frame counter is read where it was drawn.
    (project.canvas.width, project.canvas.height) = (W, H);
    into_project::add_recording(&mut project, &file, Some(Time::from_secs(1))).unwrap();
    let marker = project.markers[0].clone();
    let project_file = dir.path().join("stream.clipwright");
    clipwright::timeline::file::save(
        &project_file,
        &project,
        &clipwright::timeline::History::default(),
    )
    .unwrap();

    // --markers: one file per marker range, named by the marker, beside -o.
    succeeds_within(
        clipwright()
            .args(["export", "--quiet", "--markers"])
            .arg(&project_file)
            .arg("-o")
            .arg(dir.path().join("highlight.mp4")),
        Duration::from_secs(120),
    );
    let out = dir.path().join("highlight-Goal.mp4");
    assert!(out.exists(), "named by the marker");
    // The clip starts 1 s into the timeline: the range is the recording's from there.
    assert_same_frames(&file, marker.time - Time::from_secs(1), &out);

    // --range: the same span typed in.
    let typed = dir.path().join("typed.mp4");
    succeeds_within(
        clipwright()
            .args(["export", "--quiet"])
            .arg(&project_file)
            .args(["--range", &span(&marker)])
            .arg("-o")
            .arg(&typed),
        Duration::from_secs(120),
    );
    assert_eq!(counters(&typed), counters(&out));

    // A range past the clips says so and writes nothing.
    let past = dir.path().join("past.mp4");
    let refused = common::run_within(
        clipwright()
            .args(["export", "--quiet"])
            .arg(&project_file)
            .args(["--range", "100..110", "-o"])
            .arg(&past),
        Duration::from_secs(60),
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("nothing to export there"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!past.exists());
}
