//! The whole recording pipeline without a display, on the test pattern: constant frame
//! rate, every frame in order, scaling to presets, pause without a gap, and a full disk.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use clipwright::capture::{
    CaptureBackend, EndReason, FrameSource, OutputSize, RecordOptions, Recorder, RecordingSummary,
    SourceSettings, TargetSpec, TestPattern,
};
use common::recording::{decode_errors, pattern_counters_at_size};

/// The test pattern of `width`×`height` drawn at `fps`, started.
fn pattern_source(width: u32, height: u32, fps: u32) -> Box<dyn FrameSource> {
    let settings = SourceSettings {
        fps,
        cursor: false,
        reacquire: false,
    };
    TestPattern::new(width, height)
        .start(&TargetSpec::Display(0), &settings)
        .unwrap()
}

fn record(width: u32, height: u32, opts: &RecordOptions) -> Recorder {
    Recorder::start(pattern_source(width, height, opts.fps), opts).unwrap()
}

/// Records the pattern with `opts` until the recording ends by itself (its duration);
/// returns what the recorder says of it.
fn record_to_the_end(width: u32, height: u32, opts: &RecordOptions) -> RecordingSummary {
    let rec = record(width, height, opts);
    wait_until_ending(&rec);
    rec.stop().unwrap()
}

/// Options for a recording of `seconds` into `file`.
fn options_for(file: &Path, seconds: u64) -> RecordOptions {
    let mut opts = RecordOptions::new(file);
    opts.duration = Some(Duration::from_secs(seconds));
    opts
}

fn wait_until_ending(rec: &Recorder) {
    let start = std::time::Instant::now();
    while !rec.is_ending() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the recording never ended"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_test_pattern_records_3_seconds_at_30_fps_with_no_display() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pattern.mp4");
    let opts = options_for(&file, 3);
    let summary = record_to_the_end(640, 360, &opts);
    assert_eq!(summary.end, EndReason::DurationReached);
    assert_eq!(summary.stats.written, 90);
    assert_eq!(summary.duration_us, 3_000_000);

    let report = clipwright::media::probe(&file).unwrap();
    let (stream, video) = report.video().unwrap();
    assert_eq!((video.width, video.height), (640, 360));
    assert_eq!(stream.duration_us, Some(3_000_000));
    assert_eq!(video.avg_frame_rate, [30, 1]);
    assert!(decode_errors(&file).is_empty());

    // Frames are in order, and the file tells the truth about them: every repeated
    // picture is a duplicate the recorder counted. How many there are depends on the
    // machine's load (a starved pattern is late, and the recorder repeats the last picture
    // meanwhile), so the accounting is checked, and that no picture stands still for long.
    let n = pattern_counters_at_size(&file, 640, 360);
    assert_eq!(n.len(), 90);
    assert!(n.windows(2).all(|w| w[0] <= w[1]), "in order: {n:?}");
    let mut distinct = n.clone();
    distinct.dedup();
    println!("{} distinct of 90, {:?}", distinct.len(), summary.stats);
    let s = &summary.stats;
    assert_eq!(
        distinct.len() as u64,
        s.written - s.duplicated,
        "repeats in the file are the duplicates counted: {n:?}"
    );
    assert!(
        longest_still(&n) < 15,
        "a picture repeated for 0.5 s: {n:?}"
    );
}

/// The longest run of one picture among the counters, in frames.
fn longest_still(n: &[u32]) -> usize {
    n.chunk_by(|a, b| a == b)
        .map(<[u32]>::len)
        .max()
        .unwrap_or(0)
}

#[test]
fn a_16_by_9_pattern_recorded_vertical_is_letterboxed_into_1080x1920() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vertical.mp4");
    let mut opts = options_for(&file, 1);
    opts.size = "1080x1920".parse::<OutputSize>().unwrap();
    record_to_the_end(320, 180, &opts);
    let report = clipwright::media::probe(&file).unwrap();
    let (_, video) = report.video().unwrap();
    assert_eq!((video.width, video.height), (1080, 1920));
    let px = common::recording::frame_bgra(&file, "0.5", 108, 192);
    let at = |x: usize, y: usize| {
        let i = (y * 108 + x) * 4;
        [px[i], px[i + 1], px[i + 2]]
    };
    assert!(
        at(54, 5).iter().all(|&c| c < 30),
        "black bar above: {:?}",
        at(54, 5)
    );
    assert!(at(54, 186).iter().all(|&c| c < 30), "black bar below");
    assert!(
        at(54, 96).iter().any(|&c| c > 60),
        "picture in the middle: {:?}",
        at(54, 96)
    );
}

#[test]
fn a_pause_leaves_no_gap_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("paused.mp4");
    let opts = RecordOptions::new(&file);
    let rec = record(320, 180, &opts);
    std::thread::sleep(Duration::from_millis(1500));
    rec.pause();
    std::thread::sleep(Duration::from_millis(1500));
    rec.resume();
    std::thread::sleep(Duration::from_millis(1000));
    let summary = rec.stop().unwrap();
    // About 2.5 s recorded of 4 s elapsed: the paused second and a half is not in it.
    let us = summary.duration_us;
    assert!((2_200_000..=3_000_000).contains(&us), "recorded {us} µs");
    let report = clipwright::media::probe(&file).unwrap();
    let (stream, _) = report.video().unwrap();
    let file_us = stream.duration_us.unwrap();
    assert!(
        (file_us - us).abs() < 100_000,
        "file {file_us} µs vs {us} µs"
    );
    // In the file: the pattern went on drawing through the pause, so one step between
    // neighbouring pictures skips its second and a half (not filled with repeats of the
    // last picture), and no other step or run of repeats comes near that.
    let n = pattern_counters_at_size(&file, 320, 180);
    let steps: Vec<u32> = n.windows(2).map(|w| w[1] - w[0]).collect();
    let pauses = steps.iter().filter(|&&d| d >= 30).count();
    assert_eq!(pauses, 1, "one jump over the pause: {n:?}");
    assert!(
        longest_still(&n) < 15,
        "a picture repeated for 0.5 s: {n:?}"
    );
}

#[test]
fn a_full_disk_stops_the_recording_with_a_clear_error() {
    // /dev/full accepts the file being opened and fails every write with ENOSPC.
    let mut opts = RecordOptions::new("/dev/full");
    // A device is only written when the caller says so.
    opts.overwrite = true;
    opts.duration = Some(Duration::from_secs(2));
    let err = match Recorder::start(pattern_source(320, 180, 30), &opts) {
        Err(e) => e.to_string(),
        Ok(rec) => {
            wait_until_ending(&rec);
            rec.stop().err().map(|e| e.to_string()).unwrap_or_default()
        }
    };
    assert!(err.contains("disk is full"), "{err}");
    assert!(err.contains("/dev/full"), "names the file: {err}");
}

#[test]
fn a_finished_recording_joins_the_project_as_a_source_and_a_clip_of_its_length() {
    use clipwright::capture::into_project::add_recording;
    use clipwright::timeline::{Canvas, Project, Time};

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("into_project.mp4");
    let opts = options_for(&file, 2);
    record_to_the_end(320, 180, &opts);

    let mut project = Project::new("recorded", Canvas::default());
    let (added, _undo) = add_recording(&mut project, &file, Some(Time::ZERO)).unwrap();
    let source = project.source(added.source).unwrap();
    assert_eq!(source.info.duration, Time::from_secs(2));
    assert_eq!(
        source.info.video.as_ref().map(|v| (v.width, v.height)),
        Some((320, 180))
    );
    let clip = project.clip(added.video_clip.unwrap()).unwrap();
    assert_eq!(clip.duration(), Time::from_secs(2));
    assert_eq!(added.audio_clip, None, "the pattern has no sound");
}

#[test]
fn an_existing_file_is_refused_without_overwrite_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("existing.mp4");
    std::fs::write(&file, b"an older recording").unwrap();
    let opts = RecordOptions::new(&file);
    let err = clipwright::capture::check_output(&opts)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("existing.mp4") && err.contains("--overwrite"),
        "{err}"
    );
    let err = Recorder::start(pattern_source(320, 180, 30), &opts)
        .unwrap_err()
        .to_string();
    assert!(err.contains("exists"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"an older recording");
    assert_eq!(common::files_in(dir.path()), ["existing.mp4"]);
}

#[test]
fn a_start_that_fails_leaves_an_overwritten_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keep.mp4");
    std::fs::write(&file, b"an older recording").unwrap();
    let mut opts = RecordOptions::new(&file);
    opts.overwrite = true;
    opts.encoder = clipwright::capture::EncoderChoice::Named("no_such_encoder".into());
    assert!(Recorder::start(pattern_source(320, 180, 30), &opts).is_err());
    assert_eq!(std::fs::read(&file).unwrap(), b"an older recording");
    assert_eq!(
        common::files_in(dir.path()),
        ["keep.mp4"],
        "no temporary file left"
    );
    // The same failure on a new name leaves no empty file behind.
    let mut opts = RecordOptions::new(dir.path().join("new.mp4"));
    opts.encoder = clipwright::capture::EncoderChoice::Named("no_such_encoder".into());
    assert!(Recorder::start(pattern_source(320, 180, 30), &opts).is_err());
    assert_eq!(common::files_in(dir.path()), ["keep.mp4"]);
}

#[cfg(unix)]
#[test]
fn overwrite_replaces_the_file_only_when_the_recording_is_complete() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("take.mp4");
    std::fs::write(&file, b"an older recording").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    // Recording through a link replaces the link's target; the link stays a link.
    let link = dir.path().join("link.mp4");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let mut opts = options_for(&link, 1);
    opts.overwrite = true;
    let rec = record(320, 180, &opts);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        b"an older recording",
        "untouched while recording"
    );
    wait_until_ending(&rec);
    rec.stop().unwrap();
    common::cli::assert_replaced_through_link(&link, &file, 0o640);
    assert_eq!(decode_errors(&file), "");
    assert_eq!(common::files_in(dir.path()), ["link.mp4", "take.mp4"]);
}

#[test]
fn the_container_comes_from_the_extension_or_the_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["x.mkv", "x.txt"] {
        let opts = RecordOptions::new(dir.path().join(bad));
        let err = clipwright::capture::check_output(&opts)
            .unwrap_err()
            .to_string();
        assert!(err.contains(bad) && err.contains(".mp4"), "{err}");
    }
    let file = dir.path().join("x.mov");
    let opts = options_for(&file, 1);
    record_to_the_end(320, 180, &opts);
    let head = std::fs::read(&file).unwrap();
    assert_eq!(&head[4..12], b"ftypqt  ", "a QuickTime file");
    assert_eq!(decode_errors(&file), "");
}
