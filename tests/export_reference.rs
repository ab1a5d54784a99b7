//! Exports compared with references: every output frame of a sped-up or slowed-down
//! export is the source frame the speed says (PSNR ≥ 30 dB), a 9:16 fill matches the
//! `ffmpeg` CLI's `scale…increase,crop` of the same frame, sound keeps its pitch, a
//! cropped, scaled, placed and fading overlay matches the CLI's `filter_complex` of the
//! same edit, and a variable-frame-rate source exports at a constant rate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::psnr;
use std::path::Path;

use clipwright::export::{quick_project, QuickOptions};
use clipwright::media::{
    AudioReader, PixelRect, Quality, RgbaFrame, Scaler, VideoDecoder, MIX_RATE, TICKS_PER_SECOND,
};
use clipwright::render::{Compositor, Rendered};
use clipwright::timeline::{Project, ReframeMode, SpeedFactor, Time};
use common::fixture;

const FRAME: i64 = TICKS_PER_SECOND / 30;

/// Frame 0 of `input` through the filter chain `vf`, as RGBA, by the ffmpeg CLI.
fn ffmpeg_frame(input: &Path, vf: &str, size: (u32, u32)) -> RgbaFrame {
    let args: [&std::ffi::OsStr; 6] = [
        "-i".as_ref(),
        input.as_os_str(),
        "-vf".as_ref(),
        vf.as_ref(),
        "-frames:v".as_ref(),
        "1".as_ref(),
    ];
    ffmpeg_raw(&args, size).remove(0)
}

fn frames_of(path: &Path, times: impl Iterator<Item = i64>) -> Vec<RgbaFrame> {
    let mut d = VideoDecoder::open(path).unwrap();
    let (w, h) = d.display_size();
    let mut scaler = Scaler::new();
    times
        .map(|t| {
            let f = d.frame_at(t).unwrap();
            f.to_rgba(PixelRect::full(w, h), w, h, Quality::Export, &mut scaler)
                .unwrap()
        })
        .collect()
}

fn export(options: QuickOptions, input: &Path, out: &Path) {
    export_project(quick_project(input, &options).unwrap(), out, 18);
}

/// Exports `project` to `out` in software at `crf`.
fn export_project(project: Project, out: &Path, crf: u8) {
    let mut job = common::make::export_job(project, out);
    job.settings.crf = Some(crf);
    common::make::finish(&job);
}

fn check_speed(speed: f64, source_frame_of: impl Fn(i64) -> i64, output_frames: i64) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("speed.mp4");
    let input = fixture(&common::VIDEO_ONLY);
    let options = QuickOptions {
        speed: SpeedFactor::from_f64(speed).unwrap(),
        ..QuickOptions::default()
    };
    export(options, &input, &out);
    let ours = frames_of(&out, (0..output_frames).map(|n| n * FRAME));
    let reference = frames_of(
        &input,
        (0..output_frames).map(|n| source_frame_of(n) * FRAME),
    );
    for (n, (o, r)) in ours.iter().zip(&reference).enumerate() {
        let db = psnr(o, r);
        assert!(
            db >= 30.0,
            "{speed}×: output frame {n} is {db:.1} dB from its source frame"
        );
    }
    // And the next-door source frame is clearly worse, so the test can tell frames apart.
    let neighbour = frames_of(&input, std::iter::once(source_frame_of(5) * FRAME + FRAME));
    assert!(psnr(&ours[5], &neighbour[0]) < psnr(&ours[5], &reference[5]));
}

#[test]
fn at_double_speed_output_frame_n_is_source_frame_2n() {
    check_speed(2.0, |n| 2 * n, 30);
}

#[test]
fn at_half_speed_each_source_frame_shows_twice() {
    check_speed(0.5, |n| n / 2, 40);
}

#[test]
fn a_nine_by_sixteen_fill_crops_the_centre_like_ffmpeg() {
    // 320x240 fills 270x480 at exactly 2×, so FFmpeg's intermediate size (640x480) is
    // whole and both land on the same pixels. (At sizes where FFmpeg rounds its
    // intermediate width, e.g. 213.3 → 214, the two differ by that rounding.)
    let input = fixture(&common::H264_AAC);
    let options = QuickOptions {
        canvas: Some((270, 480)),
        fit: ReframeMode::Fill,
        ..QuickOptions::default()
    };
    let project = quick_project(&input, &options).unwrap();
    let ours = Compositor::new(".")
        .frame_at(&project, Time::ZERO, (270, 480))
        .unwrap();
    let fill = "scale=270:480:force_original_aspect_ratio=increase";
    assert_like_ffmpeg(
        &ours,
        &input,
        &format!("{fill},crop=270:480"),
        "our 9:16 fill",
    );
    // Export's fast path (straight to YUV, no RGBA) lands on the same pixels.
    let Rendered::Yuv(yuv) = Compositor::new(".")
        .render(&project, Time::ZERO, (270, 480))
        .unwrap()
    else {
        panic!("a full-frame fill should take the YUV fast path");
    };
    let fast = Scaler::new()
        .to_rgba(&yuv, PixelRect::full(270, 480), 270, 480, Quality::Export)
        .unwrap();
    // Compared with FFmpeg cropping in YUV too (its `crop` keeps chroma on even pixels).
    let in_yuv = format!("{fill},format=yuv420p,crop=270:480");
    assert_like_ffmpeg(&fast, &input, &in_yuv, "the export fast path");
}

/// Checks that `ours`, 270×480, is at least 40 dB from frame 0 of `input` through the
/// ffmpeg CLI's filter chain `vf`.
fn assert_like_ffmpeg(ours: &RgbaFrame, input: &Path, vf: &str, what: &str) {
    let db = psnr(ours, &ffmpeg_frame(input, vf, (270, 480)));
    assert!(db >= 40.0, "{what} is {db:.1} dB from ffmpeg's fill ({vf})");
}

#[test]
fn a_tone_exported_at_one_and_a_half_speed_keeps_its_pitch() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tone.mp4");
    let options = QuickOptions {
        speed: SpeedFactor::from_f64(1.5).unwrap(),
        canvas: Some((160, 120)),
        ..QuickOptions::default()
    };
    export(options, &fixture(&common::H264_AAC), &out);
    let range = common::make::audio_range(0, 10 * TICKS_PER_SECOND);
    let mut reader = AudioReader::open(&out, range).unwrap().unwrap();
    let mut buf = vec![0.0f32; 4 * 48_000];
    let n = reader.read(&mut buf).unwrap();
    let seconds = n as f64 / f64::from(MIX_RATE);
    assert!(
        (seconds - 2.0 / 1.5).abs() < 0.05,
        "sound lasts {seconds} s"
    );
    let left: Vec<f32> = buf[..n * 2].iter().step_by(2).copied().collect();
    let middle = &left[left.len() / 4..left.len() * 3 / 4];
    let crossings = middle
        .windows(2)
        .filter(|w| w[0] <= 0.0 && w[1] > 0.0)
        .count();
    let hz = crossings as f64 * f64::from(MIX_RATE) / middle.len() as f64;
    assert!((hz - 440.0).abs() < 5.0, "the tone moved to {hz} Hz");
}

/// Raw RGBA frames written by an ffmpeg CLI command given `args`.
fn ffmpeg_raw<S: AsRef<std::ffi::OsStr>>(args: &[S], size: (u32, u32)) -> Vec<RgbaFrame> {
    common::ffmpeg_raw_rgba(args, size)
        .into_iter()
        .map(|data| RgbaFrame {
            width: size.0,
            height: size.1,
            data,
        })
        .collect()
}

/// 320×240, 30 fps, 2 s of FFmpeg's older `testsrc` (a scrolling gradient and a counter),
/// so the overlay differs from the `testsrc2` picture under it.
fn overlay_source() -> std::path::PathBuf {
    let out = common::fixture_dir().join("testsrc_overlay.mp4");
    if !out.exists() {
        let tmp = common::fixture_dir().join(format!("tmp-{}-overlay.mp4", std::process::id()));
        common::lavfi(
            "testsrc=size=320x240:rate=30:duration=2",
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-crf",
                "10",
                "-pix_fmt",
                "yuv420p",
            ],
            &tmp,
        );
        std::fs::rename(&tmp, &out).unwrap();
    }
    out
}

#[test]
fn a_cropped_scaled_placed_and_faded_overlay_matches_ffmpegs_filter_complex() {
    use clipwright::timeline::{
        ClipId, Interpolation, Keyframes, Property, SourceId, Track, TrackId, TrackKind,
    };
    let bottom = fixture(&common::VIDEO_ONLY);
    let top = overlay_source();
    let mut project = quick_project(&bottom, &QuickOptions::default()).unwrap();
    common::make::add_source(&mut project, SourceId(2), &top);
    // The middle half of the overlay (crop a quarter off each edge: 160×120 from (80, 60)),
    // at half size (80×60), its centre a quarter frame right of and above the frame's
    // centre — so its top-left corner lands on (200, 30) — fading in over the first second.
    let mut clip = common::make::clip_from_start(ClipId(20), SourceId(2), Time::from_secs(2));
    let hold = |v: f64| Keyframes::from_keys([(Time::ZERO, v, Interpolation::Linear)]);
    for (property, value) in [
        (Property::CropLeft, 0.25),
        (Property::CropRight, 0.25),
        (Property::CropTop, 0.25),
        (Property::CropBottom, 0.25),
        (Property::Scale, 0.5),
        (Property::PositionX, 0.25),
        (Property::PositionY, -0.25),
    ] {
        clip.animation.set_channel(property, hold(value));
    }
    clip.animation.set_channel(
        Property::Opacity,
        Keyframes::from_keys([
            (Time::ZERO, 0.0, Interpolation::Linear),
            (Time::from_secs(1), 1.0, Interpolation::Linear),
        ]),
    );
    let mut overlay = Track::new(TrackId(20), TrackKind::Overlay, "overlay");
    overlay.clips.push(clip);
    project.tracks.push(overlay);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("layered.mp4");
    export_project(project, &out, 16);

    // The compositor blends in RGB, so the reference overlay does too.
    let theirs = ffmpeg_raw(
        &[
            "-i",
            bottom.to_str().unwrap(),
            "-i",
            top.to_str().unwrap(),
            "-filter_complex",
            "[1:v]crop=160:120:80:60,scale=80:60,format=yuva420p,\
             fade=t=in:st=0:d=1:alpha=1[o];[0:v][o]overlay=200:30:format=rgb",
            "-frames:v",
            "60",
        ],
        (320, 240),
    );
    assert_eq!(theirs.len(), 60);
    let ours = frames_of(&out, (0..60).map(|n| n * FRAME));
    for (n, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let db = psnr(o, t);
        if n % 15 == 0 {
            eprintln!("layered frame {n}: {db:.1} dB from ffmpeg's");
        }
        assert!(db >= 30.0, "layered frame {n} is {db:.1} dB from ffmpeg's");
    }
    // The test can tell: without the overlay the picture is clearly further away.
    let plain = frames_of(&bottom, std::iter::once(45 * FRAME));
    assert!(psnr(&plain[0], &theirs[45]) < psnr(&ours[45], &theirs[45]) - 5.0);
}

#[test]
fn a_variable_frame_rate_source_exports_at_a_constant_rate_showing_the_right_frames() {
    // The source runs at 30 fps for a second, then keeps every third frame (10 fps).
    let input = fixture(&common::VFR);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cfr.mp4");
    let options = QuickOptions {
        frame_rate: Some(clipwright::timeline::Rational::FPS_30),
        ..QuickOptions::default()
    };
    export(options, &input, &out);

    // As long as the source: its last frame (2.9 s) is stored lasting 1/30 s, so the file
    // lasts 2.933 s — 88 frames at 30 fps, as `ffmpeg -vf fps=30` also makes of it.
    let source_us = clipwright::media::probe(&input)
        .unwrap()
        .video()
        .unwrap()
        .0
        .duration_us
        .unwrap();
    let want_frames = (source_us as f64 * 30.0 / 1e6).round() as usize;
    assert_eq!(want_frames, 88);
    // Constant rate: every frame 1/30 s after the last.
    let probe = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0"])
        .args(["-show_entries", "frame=pts_time", "-of", "csv=p=0"])
        .arg(&out)
        .output()
        .unwrap();
    let times: Vec<f64> = String::from_utf8_lossy(&probe.stdout)
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect();
    assert_eq!(times.len(), want_frames, "frames in the export");
    for (n, pair) in times.windows(2).enumerate() {
        let step = pair[1] - pair[0];
        assert!(
            (step - 1.0 / 30.0).abs() < 1e-3,
            "frame {n} lasts {step} s, not 1/30 s"
        );
    }
    let report = clipwright::media::probe(&out).unwrap();
    let seconds = report.video().unwrap().0.duration_us.unwrap() as f64 / 1e6;
    let want = source_us as f64 / 1e6;
    assert!(
        (seconds - want).abs() <= 1.0 / 30.0 + 1e-6,
        "{seconds} s, not {want} s"
    );

    // Each output frame is the source frame showing at that instant: frame n for the first
    // second, then the last kept frame (a multiple of three) — checked against FFmpeg's
    // own test pattern, which the source was made from.
    let pattern = ffmpeg_raw(
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=30:duration=3",
        ],
        (320, 240),
    );
    let ours = frames_of(&out, (0..want_frames as i64).map(|n| n * FRAME));
    for (n, o) in ours.iter().enumerate() {
        let shown = if n < 30 { n } else { n / 3 * 3 };
        let db = psnr(o, &pattern[shown]);
        if n % 30 == 0 {
            eprintln!("VFR output frame {n} (source frame {shown}): {db:.1} dB");
        }
        assert!(
            db >= 30.0,
            "output frame {n} is {db:.1} dB from source frame {shown}"
        );
        if n >= 30 && n % 3 == 2 && shown + 3 < pattern.len() {
            // Not the next pattern frame, which the source dropped.
            assert!(psnr(o, &pattern[shown + 3]) < db, "output frame {n}");
        }
    }
}
