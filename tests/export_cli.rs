//! `clipwright export` end to end on generated media: quick mode, presets, formats, and
//! every way it can fail leaving nothing behind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::ffi::OsStr;
use std::path::Path;

use assert_cmd::prelude::*;
use clipwright::media::{self, ProbeReport};
use common::cli::{export_command, fails};
use common::{clipwright, files_in, fixture};

fn video_seconds(report: &ProbeReport) -> f64 {
    report.video().unwrap().0.duration_us.unwrap() as f64 / 1e6
}

/// Checks that `report`'s video lasts `seconds`, to a frame at 30 fps.
fn assert_lasts(report: &ProbeReport, seconds: f64) {
    let got = video_seconds(report);
    assert!((got - seconds).abs() <= 1.0 / 30.0 + 1e-6, "{got} s");
}

/// `clipwright export -q WHAT… -o OUT ARGS…`, which must succeed. Returns the output's
/// probe.
fn export(what: &[&OsStr], out: &Path, args: &[&str]) -> ProbeReport {
    clipwright()
        .args(["export", "-q"])
        .args(what)
        .arg("-o")
        .arg(out)
        .args(args)
        .assert()
        .success();
    media::probe(out).unwrap()
}

/// [`export`] `--input` of the H.264/AAC fixture to `out`, with `args`.
fn export_fixture(out: &Path, args: &[&str]) -> ProbeReport {
    let input = fixture(&common::H264_AAC);
    export(&["--input".as_ref(), input.as_ref()], out, args)
}

#[test]
fn quick_export_at_double_speed_halves_the_duration() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fast.mp4");
    let report = export_fixture(&out, &["--speed", "2", "--no-hardware"]);
    let (v, facts) = report.video().unwrap();
    assert_eq!(v.codec, "h264");
    assert_eq!((facts.width, facts.height), (320, 240));
    assert_lasts(&report, 1.0);
    let audio = report.audio().unwrap().0;
    assert_eq!(audio.codec, "aac");
    let audio_seconds = audio.duration_us.unwrap() as f64 / 1e6;
    assert!(
        (audio_seconds - 1.0).abs() < 0.05,
        "sound lasts {audio_seconds} s"
    );
    assert_eq!(files_in(dir.path()), vec!["fast.mp4"]);
}

#[test]
fn the_tiktok_preset_with_fill_gives_a_1080_by_1920_frame() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tall.mp4");
    let report = export_fixture(
        &out,
        &["--preset", "tiktok", "--fit", "fill", "--trim", "0..0.5"],
    );
    let facts = report.video().unwrap().1;
    assert_eq!((facts.display_width, facts.display_height), (1080, 1920));
    assert_lasts(&report, 0.5);
}

#[test]
fn a_saved_project_exports_at_a_preset_size() {
    use clipwright::export::{quick_project, QuickOptions};
    use clipwright::timeline::{file, History, Time};
    let dir = tempfile::tempdir().unwrap();
    let options = QuickOptions {
        trim: Some((Time::ZERO, Time::from_millis(500))),
        ..QuickOptions::default()
    };
    let project = quick_project(&fixture(&common::H264_AAC), &options).unwrap();
    let project_path = dir.path().join("edit.json");
    file::save(&project_path, &project, &History::default()).unwrap();
    let out = dir.path().join("square.mp4");
    let args = ["--preset", "240x240", "--crf", "30", "--no-hardware"];
    let report = export(&[project_path.as_ref()], &out, &args);
    let facts = report.video().unwrap().1;
    assert_eq!((facts.width, facts.height), (240, 240));
    assert_lasts(&report, 0.5);
}

#[test]
fn webm_and_gif_outputs_use_their_own_codecs() {
    let dir = tempfile::tempdir().unwrap();
    for (name, video, audio) in [("a.webm", "vp9", Some("opus")), ("a.gif", "gif", None)] {
        let out = dir.path().join(name);
        let report = export_fixture(&out, &["--trim", "0..0.4", "--canvas", "160x120"]);
        assert_eq!(report.video().unwrap().0.codec, video, "{name}");
        assert_eq!(report.audio().map(|a| a.0.codec.as_str()), audio, "{name}");
    }
}

/// Exports the test clip to `out` with `subtitles` as a soft subtitle stream; what the
/// command said on stderr.
fn export_with_soft_subtitles(subtitles: &Path, out: &Path) -> String {
    let run = clipwright()
        .args(["export", "-q", "--input"])
        .arg(fixture(&common::H264_AAC))
        .arg("-o")
        .arg(out)
        .args(["--canvas", "160x120", "--soft-subtitles", "--subtitles"])
        .arg(subtitles)
        .assert()
        .success();
    String::from_utf8_lossy(&run.get_output().stderr).into_owned()
}

/// The codecs of `file`'s subtitle streams.
fn subtitle_codecs(file: &Path) -> Vec<String> {
    media::probe(file)
        .unwrap()
        .streams
        .iter()
        .filter(|s| s.kind == media::StreamKind::Subtitle)
        .map(|s| s.codec.clone())
        .collect()
}

#[test]
fn soft_subtitles_become_a_stream_players_can_switch() {
    let dir = tempfile::tempdir().unwrap();
    let srt = dir.path().join("cues.srt");
    std::fs::write(&srt, "1\n00:00:00,500 --> 00:00:01,000\nHello\n").unwrap();
    for (name, codec) in [("soft.mp4", "mov_text"), ("soft.webm", "webvtt")] {
        let out = dir.path().join(name);
        export_with_soft_subtitles(&srt, &out);
        assert_eq!(subtitle_codecs(&out), vec![codec], "{name}");
        // Read back by FFmpeg, the cue says what it said.
        let text = common::recording::decode(&out, &["-map", "0:s", "-f", "srt"]);
        assert!(
            String::from_utf8_lossy(&text.stdout).contains("Hello"),
            "{name}"
        );
    }
}

/// An ASS script with two styles and override tags (position, colour, karaoke).
const STYLED_ASS: &str = "[Script Info]\nScriptType: v4.00+\nPlayResX: 640\nPlayResY: 360\n\n\
[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, \
Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n\
Style: Shout,DejaVu Sans,40,&H0000FFFF,&H00FFFFFF,&H00000000,&H00000000,-1,0,0,0,100,100,0,0,1,3,0,8,10,10,20,1\n\
Style: Whisper,DejaVu Sans,18,&H00C0C0C0,&H00FFFFFF,&H00000000,&H00000000,0,-1,0,0,100,100,0,0,1,1,0,2,10,10,10,1\n\n\
[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
Dialogue: 0,0:00:00.20,0:00:01.00,Shout,,0,0,0,,{\\pos(320,60)\\c&H0000FF&}Look up\n\
Dialogue: 0,0:00:01.00,0:00:01.80,Whisper,,0,0,0,,{\\k40}quiet {\\k40}now\n";

#[test]
fn soft_ass_in_mkv_keeps_its_styles_and_override_tags() {
    let dir = tempfile::tempdir().unwrap();
    let ass = dir.path().join("styled.ass");
    std::fs::write(&ass, STYLED_ASS).unwrap();
    let out = dir.path().join("soft.mkv");
    let stderr = export_with_soft_subtitles(&ass, &out);
    assert!(!stderr.contains("lost"), "MKV loses nothing: {stderr}");
    assert_eq!(subtitle_codecs(&out), vec!["ass"]);
    // FFmpeg's own extraction gives the script back.
    let back = dir.path().join("out.ass");
    let soft = out.to_str().unwrap();
    common::ffmpeg(&["-i", soft, "-map", "0:s", "-c", "copy"], &back);
    let script = std::fs::read_to_string(&back).unwrap();
    for kept in [
        "Style: Shout,DejaVu Sans,",
        "Style: Whisper,DejaVu Sans,",
        ",Shout,,0,0,0,,{\\pos(320,60)\\c&H0000FF&}Look up",
        ",Whisper,,0,0,0,,{\\k40}quiet {\\k40}now",
    ] {
        assert!(script.contains(kept), "{kept:?} missing from:\n{script}");
    }
}

#[test]
fn soft_subtitles_into_mp4_say_that_styles_are_lost_there() {
    let dir = tempfile::tempdir().unwrap();
    let ass = dir.path().join("styled.ass");
    std::fs::write(&ass, STYLED_ASS).unwrap();
    let out = dir.path().join("soft.mp4");
    let stderr = export_with_soft_subtitles(&ass, &out);
    assert!(
        stderr.contains("mov_text") && stderr.contains("styles") && stderr.contains(".mkv"),
        "{stderr}"
    );
}

#[test]
fn hevc_and_mov_outputs_are_written_as_asked() {
    let dir = tempfile::tempdir().unwrap();
    for (name, encoder, codec) in [("a.mp4", "libx265", "hevc"), ("a.mov", "libx264", "h264")] {
        let args = [
            "--trim",
            "0..0.3",
            "--canvas",
            "160x120",
            "--encoder",
            encoder,
        ];
        let report = export_fixture(&dir.path().join(name), &args);
        assert_eq!(report.video().unwrap().0.codec, codec, "{name}");
        assert_eq!(report.audio().unwrap().0.codec, "aac", "{name}");
    }
}

#[test]
fn a_garbage_input_gives_one_clear_error_line_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never.mp4");
    let err = fails(
        clipwright()
            .args(["export", "--input"])
            .arg(common::bad("garbage.mp4"))
            .arg("-o")
            .arg(&out),
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("garbage.mp4") && err.contains("not a media file"),
        "{err}"
    );
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn bad_option_values_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(&common::H264_AAC);
    let cases: [(&[&str], &str); 5] = [
        (&["--speed", "fast"], "bad --speed"),
        (&["--trim", "3..1"], "bad --trim"),
        (&["--canvas", "huge"], "bad --canvas"),
        (&["--preset", "cinema"], "unknown preset"),
        (&["--encoder", "no_such_encoder"], "no_such_encoder"),
    ];
    for (args, message) in cases {
        let err = fails(&mut export_command(&input, args, &dir.path().join("x.mp4")));
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(files_in(dir.path()).is_empty(), "{args:?} left files");
    }
}

#[test]
fn an_unknown_output_extension_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = fails(
        clipwright()
            .args(["export", "--input"])
            .arg(fixture(&common::H264_AAC))
            .arg("-o")
            .arg(dir.path().join("out.xyz")),
    );
    assert!(err.contains("unknown output format"));
}

#[cfg(unix)]
#[test]
fn a_full_disk_gives_a_clear_error_and_no_half_file() {
    // A file size limit fails writes just as a full disk does (EFBIG instead of ENOSPC);
    // the shell ignores SIGXFSZ so the write fails instead of killing the process.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big.mp4");
    let bin = assert_cmd::cargo::cargo_bin("clipwright");
    let script = format!(
        "trap '' XFSZ; ulimit -f 40; exec '{}' export -q --input '{}' -o '{}' --canvas 640x480",
        bin.display(),
        fixture(&common::H264_AAC).display(),
        out.display()
    );
    let err = fails(std::process::Command::new("sh").arg("-c").arg(script));
    assert!(err.contains("disk is full"), "{err}");
    assert!(err.contains("big.mp4"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        files_in(dir.path()).is_empty(),
        "left {:?}",
        files_in(dir.path())
    );
}

/// The colour of pixel (`x`, `y`) of `rgba`, `width` across.
fn rgb_at(rgba: &[u8], width: u32, x: u32, y: u32) -> [u8; 3] {
    let i = ((y * width + x) * 4) as usize;
    [rgba[i], rgba[i + 1], rgba[i + 2]]
}

fn is_red(c: [u8; 3]) -> bool {
    c[0] > 180 && c[1] < 70 && c[2] < 70
}

fn is_blue(c: [u8; 3]) -> bool {
    c[2] > 180 && c[0] < 70 && c[1] < 70
}

#[test]
fn all_outputs_of_a_project_are_written_each_at_its_size_with_its_own_crop() {
    use clipwright::export::{quick_project, QuickOptions};
    use clipwright::timeline::{
        file, CropWindow, History, Interpolation, Keyframes, OutputFormat, OutputId, Reframe,
        ReframeMode, Time,
    };
    let dir = tempfile::tempdir().unwrap();
    // Red on the left half, blue on the right.
    let source = dir.path().join("halves.mp4");
    let red = ["-f", "lavfi", "-i", "color=red:s=160x120:d=0.5"];
    let blue = ["-f", "lavfi", "-i", "color=blue:s=160x120:d=0.5"];
    let join = ["-filter_complex", "hstack", "-pix_fmt", "yuv420p"];
    common::ffmpeg(&[&red[..], &blue, &join].concat(), &source);
    let options = QuickOptions {
        canvas: Some((1920, 1080)),
        ..QuickOptions::default()
    };
    let mut project = quick_project(&source, &options).unwrap();
    project.name = "halves".into();
    project.outputs.push(OutputFormat {
        id: OutputId(1),
        name: "Vertical".into(),
        width: 1080,
        height: 1920,
        safe_area: Default::default(),
    });
    // The vertical version fills its frame from the left edge of the picture.
    project.tracks[0].clips[0].reframes.insert(
        OutputId(1),
        Reframe {
            mode: ReframeMode::Fill,
            crop: Keyframes::from_keys([(
                Time::ZERO,
                CropWindow {
                    center_x: 0.1,
                    center_y: 0.5,
                    zoom: 1.0,
                },
                Interpolation::Linear,
            )]),
        },
    );
    let path = dir.path().join("halves.clipwright");
    file::save(&path, &project, &History::default()).unwrap();

    let out = dir.path().join("renders");
    clipwright()
        .args(["export", "-q", "--all-outputs", "--no-hardware"])
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        files_in(&out),
        vec!["halves-Main.mp4", "halves-Vertical.mp4"]
    );
    let (w, h, main) = common::ffmpeg_rgba(&out.join("halves-Main.mp4"), 0);
    assert_eq!((w, h), (1920, 1080));
    assert!(
        is_red(rgb_at(&main, w, 700, 540)),
        "main shows the red half"
    );
    assert!(is_blue(rgb_at(&main, w, 1220, 540)), "and the blue half");
    let (w, h, vertical) = common::ffmpeg_rgba(&out.join("halves-Vertical.mp4"), 0);
    assert_eq!((w, h), (1080, 1920));
    for x in [20, 540, 1060] {
        assert!(
            is_red(rgb_at(&vertical, w, x, 960)),
            "the vertical crop is all left half at x {x}: {:?}",
            rgb_at(&vertical, w, x, 960)
        );
    }

    // One output by name.
    let one = dir.path().join("vertical.mp4");
    clipwright()
        .args([
            "export",
            "-q",
            "--project-output",
            "vertical",
            "--no-hardware",
        ])
        .arg(&path)
        .arg("-o")
        .arg(&one)
        .assert()
        .success();
    assert_eq!(common::ffmpeg_rgba(&one, 0).0, 1080);
}
