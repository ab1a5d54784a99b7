//! The A/V offset analyser used by `clipwright bench record`, proven on files made by the
//! ffmpeg CLI with a known offset between a flash and its beep: it must find every flash
//! and measure the offset to within one frame.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use clipwright::media::measure_av_sync;

const FRAME_US: i64 = 33_333;

/// Makes `seconds` of a moving 30 fps picture that flashes white for 100 ms at each whole
/// second, and a 1 kHz beep of 100 ms at each whole second; `video_in` goes before the
/// picture's input (e.g. `-itsoffset`) and `audio_filter` after the beep's graph (e.g.
/// `adelay`). The beep is switched per sample (`aevalsrc`): `volume`'s `enable` would only
/// switch at 1024-sample frame edges and move the beep by up to 21 ms.
fn flash_beep_file(
    dir: &Path,
    name: &str,
    seconds: u32,
    video_in: &[&str],
    audio_filter: &str,
) -> PathBuf {
    let out = dir.join(name);
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args(video_in)
        .args(["-f", "lavfi", "-i"])
        .arg(format!(
            "testsrc2=size=320x240:rate=30:duration={seconds},\
             drawbox=c=white:t=fill:enable='lt(mod(t\\,1)\\,0.1)'"
        ))
        .args(["-f", "lavfi", "-i"])
        .arg(format!(
            "aevalsrc='0.125*sin(2*PI*1000*t)*lt(mod(t\\,1)\\,0.1)':s=48000:d={seconds}\
             {audio_filter}"
        ))
        // Passthrough: a picture that starts late keeps its late start, not duplicates.
        .args(["-fps_mode", "passthrough"])
        .args([
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        ])
        .args(["-c:a", "aac", "-b:a", "160k"])
        .arg(&out)
        .status()
        .expect("the ffmpeg command-line tool must be installed");
    assert!(status.success(), "ffmpeg made {name}");
    out
}

fn assert_offset(file: &Path, seconds: usize, expected_us: i64) {
    let m = measure_av_sync(file, 500_000).unwrap();
    println!(
        "{}: flashes {:?}, beeps {:?}",
        file.display(),
        m.flashes_us,
        m.beeps_us
    );
    assert!(
        m.flashes_us.len() >= seconds - 1,
        "a flash each second: {:?}",
        m.flashes_us
    );
    assert!(m.pairs.len() >= seconds - 1, "pairs: {:?}", m.pairs);
    for p in &m.pairs {
        assert!(
            (p.offset_us - expected_us).abs() <= FRAME_US,
            "flash at {} µs: offset {} µs, expected {expected_us} µs",
            p.flash_us,
            p.offset_us
        );
    }
    let s = m.summary(0, i64::MAX).unwrap();
    assert!(
        (s.mean_us - expected_us).abs() <= FRAME_US,
        "mean offset {} µs, expected {expected_us} µs",
        s.mean_us
    );
}

/// Makes 6 s of flashes and beeps as [`flash_beep_file`] does with `video_in` and
/// `audio_filter`, and checks the offset measured is `expected_us`.
fn assert_six_seconds_measure(video_in: &[&str], audio_filter: &str, expected_us: i64) {
    let dir = tempfile::tempdir().unwrap();
    let file = flash_beep_file(dir.path(), "flash_beep.mp4", 6, video_in, audio_filter);
    assert_offset(&file, 6, expected_us);
}

#[test]
fn a_beep_delayed_by_100_ms_is_measured_100_ms_late() {
    assert_six_seconds_measure(&[], ",adelay=100:all=1", 100_000);
}

#[test]
fn a_picture_starting_200_ms_late_measures_the_sound_200_ms_early() {
    // -itsoffset moves the whole video stream: the file's video track starts at 0.2 s,
    // which the analyser must read from the stream's timestamps.
    assert_six_seconds_measure(&["-itsoffset", "0.2"], "", -200_000);
}

#[test]
fn sound_and_picture_in_step_measure_near_zero() {
    assert_six_seconds_measure(&[], "", 0);
}

#[test]
fn a_file_without_sound_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("silent.mp4");
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
        .args([
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=30:duration=1",
        ])
        .args(["-c:v", "libx264", "-preset", "veryfast"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let e = measure_av_sync(&out, 500_000).unwrap_err().to_string();
    assert!(e.contains("no sound") && e.contains("silent.mp4"), "{e}");
}
