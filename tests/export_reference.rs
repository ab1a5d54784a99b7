//! Exports compared with references: every output frame of a sped-up or slowed-down
//! export is the source frame the speed says (PSNR ≥ 30 dB), a 9:16 fill matches the
//! `ffmpeg` CLI's `scale…increase,crop` of the same frame, and sound keeps its pitch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use clipwright::export::{quick_project, ExportJob, ExportSettings, QuickOptions};
use clipwright::media::{
    AudioRange, AudioReader, PixelRect, Quality, RgbaFrame, Scaler, VideoDecoder, MIX_RATE,
    TICKS_PER_SECOND,
};
use clipwright::render::{Compositor, Rendered};
use clipwright::timeline::{ReframeMode, SpeedFactor, Time};
use common::fixture;

const FRAME: i64 = TICKS_PER_SECOND / 30;

/// Frame 0 of `input` through the filter chain `vf`, as RGBA, by the ffmpeg CLI.
fn ffmpeg_frame(input: &Path, vf: &str, size: (u32, u32)) -> RgbaFrame {
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-i"])
        .arg(input)
        .args([
            "-vf",
            vf,
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgba",
            "-",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    RgbaFrame {
        width: size.0,
        height: size.1,
        data: out.stdout,
    }
}

/// Peak signal-to-noise ratio of two same-sized pictures over R, G and B, in dB.
fn psnr(a: &RgbaFrame, b: &RgbaFrame) -> f64 {
    assert_eq!((a.width, a.height), (b.width, b.height));
    let (mut sum, mut n) = (0f64, 0f64);
    for (i, (x, y)) in a.data.iter().zip(&b.data).enumerate() {
        if i % 4 != 3 {
            let d = f64::from(*x) - f64::from(*y);
            sum += d * d;
            n += 1.0;
        }
    }
    let mse = sum / n;
    if mse == 0.0 {
        99.0
    } else {
        10.0 * (255.0 * 255.0 / mse).log10()
    }
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
    let project = quick_project(input, &options).unwrap();
    let mut settings = ExportSettings::for_project(&project);
    settings.hardware = false;
    settings.crf = Some(18);
    let job = ExportJob {
        project: Arc::new(project),
        base_dir: ".".into(),
        output: out.to_owned(),
        settings,
    };
    job.run(None, &Arc::new(AtomicBool::new(false))).unwrap();
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
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-i"])
        .arg(&input)
        .args([
            "-vf",
            "scale=270:480:force_original_aspect_ratio=increase,crop=270:480",
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgba",
            "-",
        ])
        .output()
        .unwrap();
    let theirs = RgbaFrame {
        width: 270,
        height: 480,
        data: out.stdout,
    };
    let db = psnr(&ours, &theirs);
    assert!(db >= 40.0, "our 9:16 fill is {db:.1} dB from ffmpeg's");
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
    let theirs_yuv = ffmpeg_frame(
        &input,
        "scale=270:480:force_original_aspect_ratio=increase,format=yuv420p,crop=270:480",
        (270, 480),
    );
    let db = psnr(&fast, &theirs_yuv);
    assert!(
        db >= 40.0,
        "the export fast path is {db:.1} dB from ffmpeg's fill"
    );
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
    let range = AudioRange {
        start: 0,
        end: 10 * TICKS_PER_SECOND,
        speed_micro: 1_000_000,
        keep_pitch: true,
        reverse: false,
    };
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
