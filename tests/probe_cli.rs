//! `clipwright probe` run as a real binary on generated media: the numbers it prints are
//! the ones the generator asked for, and broken files give one clear line, never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use assert_cmd::Command;
use common::{bad, fixture, Fixture, BAD, GOOD};
use serde_json::Value;

fn probe_json(f: &Fixture) -> Value {
    let out = Command::cargo_bin("clipwright")
        .unwrap()
        .args(["probe", "--json"])
        .arg(fixture(f))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "probe of {} failed: {}",
        f.name,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn streams_of<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    report["streams"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == kind)
        .collect()
}

#[test]
fn probe_reports_what_each_fixture_was_made_with() {
    for f in GOOD {
        let report = probe_json(f);
        let duration = report["duration_us"].as_i64().unwrap();
        let want = i64::from(f.seconds) * 1_000_000;
        assert!(
            (duration - want).abs() < 150_000,
            "{}: duration {duration} µs, asked for {want}",
            f.name
        );

        let video = streams_of(&report, "video");
        match f.video_codec {
            None => assert!(video.is_empty(), "{}: unexpected video", f.name),
            Some(codec) => {
                assert_eq!(video.len(), 1, "{}", f.name);
                let v = video[0];
                assert_eq!(v["codec"], codec, "{}", f.name);
                let facts = &v["video"];
                assert_eq!(facts["width"], f.width, "{}", f.name);
                assert_eq!(facts["height"], f.height, "{}", f.name);
                assert_eq!(facts["rotation"], f.rotation, "{}", f.name);
                assert_eq!(facts["variable_frame_rate"], f.vfr, "{}", f.name);
                assert_eq!(facts["bit_depth"], 8, "{}", f.name);
                let rate = facts["frame_rate"].as_array().unwrap();
                let (num, den) = (rate[0].as_i64().unwrap(), rate[1].as_i64().unwrap());
                assert_eq!(
                    num,
                    i64::from(f.fps) * den,
                    "{}: real rate {num}/{den}",
                    f.name
                );
                let avg = facts["avg_frame_rate"].as_array().unwrap();
                let avg_fps = avg[0].as_f64().unwrap() / avg[1].as_f64().unwrap();
                if f.vfr {
                    assert!(
                        avg_fps < f64::from(f.fps) - 5.0,
                        "{}: avg {avg_fps}",
                        f.name
                    );
                } else {
                    assert!((avg_fps - f64::from(f.fps)).abs() < 0.5, "{}", f.name);
                }
                if f.rotation == 90 {
                    assert_eq!(facts["display_width"], f.height);
                    assert_eq!(facts["display_height"], f.width);
                }
            }
        }

        let audio = streams_of(&report, "audio");
        match f.audio_codec {
            None => assert!(audio.is_empty(), "{}: unexpected audio", f.name),
            Some(codec) => {
                assert_eq!(audio.len(), 1, "{}", f.name);
                assert_eq!(audio[0]["codec"], codec, "{}", f.name);
                let facts = &audio[0]["audio"];
                assert_eq!(facts["sample_rate"], f.sample_rate, "{}", f.name);
                assert_eq!(facts["channels"], f.channels, "{}", f.name);
            }
        }
    }
}

#[test]
fn rotation_matches_how_ffmpeg_itself_turns_the_picture() {
    // FFmpeg's command line applies the display matrix when decoding; its upright picture
    // must have the size our probe says is shown.
    let file = fixture(&common::ROTATED);
    let png = common::fixture_dir().join("rotated_first_frame.png");
    common::ffmpeg(&["-i", file.to_str().unwrap(), "-frames:v", "1"], &png);
    let (w, h) = image::image_dimensions(&png).unwrap();
    let report = probe_json(&common::ROTATED);
    let facts = &streams_of(&report, "video")[0]["video"];
    assert_eq!(
        (
            facts["display_width"].as_u64(),
            facts["display_height"].as_u64()
        ),
        (Some(u64::from(w)), Some(u64::from(h)))
    );
    assert_eq!((w, h), (180, 320));
}

#[test]
fn wav_audio_reports_sixteen_bit_samples() {
    let report = probe_json(&common::MONO_44K);
    assert_eq!(streams_of(&report, "audio")[0]["audio"]["bit_depth"], 16);
}

#[test]
fn human_output_names_codecs_sizes_and_rates() {
    let out = Command::cargo_bin("clipwright")
        .unwrap()
        .arg("probe")
        .arg(fixture(&common::ROTATED))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Duration:   0:00:02.0"), "{text}");
    assert!(text.contains("video, h264, 320x180, yuv420p"), "{text}");
    assert!(text.contains("30 fps (average 30 fps)"), "{text}");
    assert!(text.contains("rotated 90° (shown as 180x320)"), "{text}");
    assert!(text.contains("audio, aac, 48000 Hz, 2 channels"), "{text}");
}

#[test]
fn broken_files_fail_with_one_line_naming_the_file() {
    for (name, what) in BAD {
        let path = bad(name);
        let out = Command::cargo_bin("clipwright")
            .unwrap()
            .arg("probe")
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} ({what}) was accepted");
        assert!(out.stdout.is_empty(), "{name}: printed {:?}", out.stdout);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: {stderr}");
        assert!(
            stderr.contains(name),
            "{name}: error does not name the file: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!stderr.contains("Error {"), "{name}: debug dump: {stderr}");
    }
}

#[test]
fn each_kind_of_broken_file_gets_its_own_reason() {
    let reason = |name: &str| {
        let out = Command::cargo_bin("clipwright")
            .unwrap()
            .arg("probe")
            .arg(bad(name))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(reason("empty.mp4").contains("empty"));
    assert!(reason("missing.mp4").contains("no such file"));
    assert!(reason("garbage.mp4").contains("not a media file"));
    assert!(reason("truncated.mp4").contains("cut off"));
    assert!(reason("truncated_faststart.mp4").contains("truncated or damaged"));
    assert!(reason("a_folder.mp4").contains("folder"));
}

#[test]
fn version_names_the_ffmpeg_libraries() {
    let out = Command::cargo_bin("clipwright")
        .unwrap()
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(concat!("clipwright ", env!("CARGO_PKG_VERSION"))));
    assert!(text.contains("commit "), "{text}");
    assert!(text.contains("libavformat "), "{text}");
}

#[test]
fn probed_files_become_media_pool_sources() {
    use clipwright::timeline::{Rational, Time};
    let report = clipwright::media::probe(&fixture(&common::ROTATED)).unwrap();
    let info = report.source_info();
    assert_eq!(info.duration, Time::from_secs(2));
    let video = info.video.unwrap();
    assert_eq!((video.width, video.height), (320, 180));
    assert_eq!(video.display_size(), (180, 320));
    assert_eq!(video.frame_rate, Rational::FPS_30);
    assert_eq!(video.codec, "h264");
    let audio = info.audio.unwrap();
    assert_eq!((audio.sample_rate, audio.channels), (48_000, 2));
    assert!(!info.is_still_image);

    let still = common::fixture_dir().join("h264_first_frame.png");
    let h264 = fixture(&common::H264_AAC);
    common::ffmpeg(&["-i", h264.to_str().unwrap(), "-frames:v", "1"], &still);
    let info = clipwright::media::probe(&still).unwrap().source_info();
    assert!(info.is_still_image);
    assert_eq!(info.duration, clipwright::media::STILL_IMAGE_DURATION);
    assert!(info.audio.is_none());
}
