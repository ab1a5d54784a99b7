//! Sound placed on the file's own timeline: a track that starts after its picture keeps
//! its delay (forwards, backwards and trimmed), in the reader and in an exported file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use clipwright::export::{quick_project, QuickOptions};
use clipwright::media::{AudioRange, AudioReader, MIX_CHANNELS, MIX_RATE, TICKS_PER_SECOND};
use clipwright::timeline::Time;

/// 3 s of picture from 0 s; 2 s of sound starting at 0.5 s (`-itsoffset`), silent except
/// a 1 kHz beep at 1.0–1.2 s of its own time, so at 1.5–1.7 s of the file.
fn late_audio() -> PathBuf {
    let out = common::fixture_dir().join("late_audio.mp4");
    if out.exists() {
        return out;
    }
    // A unique name, then a rename: tests running in parallel may all make it at once.
    let tmp = common::fixture_dir().join(format!(
        "tmp-{}-{:?}-late_audio.mp4",
        std::process::id(),
        std::thread::current().id()
    ));
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args([
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=30:duration=3",
        ])
        .args(["-itsoffset", "0.5", "-f", "lavfi", "-i"])
        .arg("aevalsrc='0.8*sin(2*PI*1000*t)*between(t,1,1.2)':s=48000:d=2")
        .args(["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"])
        .arg(&tmp)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::rename(&tmp, &out).unwrap();
    out
}

fn secs(s: f64) -> i64 {
    (s * TICKS_PER_SECOND as f64) as i64
}

/// Reads the whole range as mono (left channel) samples at the mix rate.
fn read_all(path: &Path, range: AudioRange) -> Vec<f32> {
    let mut reader = AudioReader::open(path, range).unwrap().unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0f32; 1024 * MIX_CHANNELS];
    loop {
        let n = reader.read(&mut buf).unwrap();
        out.extend(buf[..n * MIX_CHANNELS].iter().step_by(MIX_CHANNELS));
        if n < 1024 {
            return out;
        }
    }
}

/// Seconds at which the first sample louder than a quarter of full scale comes.
fn first_loud(samples: &[f32]) -> f64 {
    let i = samples.iter().position(|s| s.abs() > 0.25).unwrap();
    i as f64 / f64::from(MIX_RATE)
}

fn range(start: f64, end: f64, reverse: bool) -> AudioRange {
    AudioRange {
        reverse,
        ..common::make::audio_range(secs(start), secs(end))
    }
}

fn assert_near(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() < 0.015,
        "{what}: beep at {got:.3} s, expected {want:.3} s"
    );
}

#[test]
fn a_sound_track_starting_late_is_read_after_its_delay() {
    let file = late_audio();
    let samples = read_all(&file, range(0.0, 3.0, false));
    assert_near(first_loud(&samples), 1.5, "forwards");
    // The delay is silence, and the sound ends where it ends in the file (2.5 s).
    assert!(samples[..MIX_RATE as usize / 2]
        .iter()
        .all(|s| s.abs() < 1e-3));
    let len = samples.len() as f64 / f64::from(MIX_RATE);
    assert!((len - 2.5).abs() < 0.03, "{len} s read");
}

#[test]
fn a_range_of_a_late_sound_track_is_cut_on_the_file_timeline_forwards_and_backwards() {
    for (from, to, reverse, beep, what) in [
        // A range inside the delay starts with the remaining silence.
        (0.25, 2.0, false, 1.25, "from 0.25 s"),
        // A range after the delay is cut on the file timeline.
        (1.0, 2.0, false, 0.5, "from 1 s"),
        // A sound track ending early is not pulled forward when reversed: it ends at 2.5 s
        // of a 3 s range, so played backwards the beep (1.5–1.7 s) starts 3 − 1.7 = 1.3 s
        // in, not 2.5 − 1.7 = 0.8 s.
        (0.0, 3.0, true, 1.3, "backwards"),
    ] {
        let samples = read_all(&late_audio(), range(from, to, reverse));
        assert_near(first_loud(&samples), beep, what);
    }
}

#[test]
fn an_exported_late_sound_track_beeps_when_the_source_does() {
    let dir = tempfile::tempdir().unwrap();
    let file = late_audio();
    for (trim, want) in [(None, 1.5), (Some((1000, 3000)), 0.5)] {
        let options = QuickOptions {
            trim: trim.map(|(a, b)| (Time::from_millis(a), Time::from_millis(b))),
            ..QuickOptions::default()
        };
        let out = dir.path().join("late.mp4");
        common::make::export(quick_project(&file, &options).unwrap(), &out);
        let onsets = common::recording::beep_onsets_us(&out);
        assert_eq!(onsets.len(), 1, "{onsets:?}");
        assert_near(
            onsets[0] as f64 / 1e6,
            want,
            &format!("export trimmed {trim:?}"),
        );
    }
}
