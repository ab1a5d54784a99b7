//! Clip effects against FFmpeg's own filters: a colour adjustment matches `eq`, a blur
//! matches `gblur`, and a keyed green screen over a colour track matches `chromakey` +
//! `overlay` — in preview frames, in the export fast path, and through the CLI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::psnr;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;
use clipwright::export::{quick_project, QuickOptions};
use clipwright::media::{PixelRect, Quality, RgbaFrame, Scaler, VideoDecoder, TICKS_PER_SECOND};
use clipwright::render::{filter_chain, Compositor, Rendered};
use clipwright::timeline::{
    apply, file, Blur, ChromaKey, Clip, ClipContent, ClipId, Color, ColorAdjust, Edit, Effects,
    History, Project, Time, Track, TrackId, TrackKind,
};
use common::fixture;

const SIZE: (u32, u32) = (320, 240);

/// The first `n` frames of `input` through `args` (an `-vf` or `-filter_complex` graph,
/// with any extra inputs before it), as RGBA, by the ffmpeg CLI.
fn ffmpeg_frames(inputs: &[&str], graph_flag: &str, graph: &str, n: usize) -> Vec<RgbaFrame> {
    let count = n.to_string();
    let args = [
        inputs,
        &[graph_flag, graph, "-frames:v", count.as_str()][..],
    ]
    .concat();
    let frames = common::ffmpeg_raw_rgba(&args, SIZE);
    assert_eq!(frames.len(), n, "ffmpeg gave too few frames");
    frames
        .into_iter()
        .map(|data| RgbaFrame {
            width: SIZE.0,
            height: SIZE.1,
            data,
        })
        .collect()
}

fn frame_time(n: usize) -> Time {
    Time::from_frame(n as i64, clipwright::timeline::Rational::FPS_30)
}

/// A quick project of `input` whose only clip has `effects`.
fn project_with(input: &Path, effects: Effects) -> Project {
    let mut project = quick_project(input, &QuickOptions::default()).unwrap();
    let clip = project.tracks[0].clips[0].id;
    apply(&mut project, Edit::SetEffects { clip, effects }).unwrap();
    project
}

/// Our frames `0..n` of `project` against ffmpeg's `-vf vf` of `input`, each ≥ 30 dB; and
/// the effect must be visible (the plain source is clearly further away).
fn check_against_vf(project: &Project, input: &Path, vf: &str, n: usize) {
    let i = input.to_str().unwrap();
    let theirs = ffmpeg_frames(&["-i", i], "-vf", vf, n);
    let plain = ffmpeg_frames(&["-i", i], "-vf", "null", 1);
    let mut c = Compositor::new(".");
    let mut worst = f64::MAX;
    for (k, reference) in theirs.iter().enumerate() {
        let ours = c.frame_at(project, frame_time(k), SIZE).unwrap();
        let db = psnr(&ours, reference);
        worst = worst.min(db);
        assert!(db >= 30.0, "{vf}: frame {k} is {db:.1} dB from ffmpeg's");
        if k == 0 {
            let untouched = psnr(&ours, &plain[0]);
            assert!(
                untouched < db - 5.0,
                "{vf}: the effect barely changes the picture ({untouched:.1} vs {db:.1} dB)"
            );
        }
    }
    eprintln!("{vf}: worst frame {worst:.1} dB from ffmpeg's");
    // The graph is built once and reused for every frame.
    assert_eq!(c.effect_graphs_built(), 1);
}

#[test]
fn a_colour_adjustment_matches_ffmpegs_eq() {
    let input = fixture(&common::VIDEO_ONLY);
    let effects = Effects {
        color: Some(ColorAdjust {
            brightness: 0.08,
            contrast: 1.4,
            saturation: 1.8,
        }),
        ..Effects::default()
    };
    let project = project_with(&input, effects);
    check_against_vf(
        &project,
        &input,
        "eq=brightness=0.08:contrast=1.4:saturation=1.8",
        10,
    );
}

#[test]
fn a_blur_matches_ffmpegs_gblur() {
    let input = fixture(&common::VIDEO_ONLY);
    let effects = Effects {
        blur: Some(Blur { sigma: 3.0 }),
        ..Effects::default()
    };
    let project = project_with(&input, effects);
    check_against_vf(&project, &input, "gblur=sigma=3", 10);
}

#[test]
fn a_still_picture_takes_effects_like_a_video() {
    let input = fixture(&common::STILL);
    let effects = Effects {
        color: Some(ColorAdjust {
            brightness: 0.0,
            contrast: 1.0,
            saturation: 0.0,
        }),
        blur: Some(Blur { sigma: 2.0 }),
        ..Effects::default()
    };
    let project = project_with(&input, effects);
    let size = (200, 100);
    let ours = Compositor::new(".")
        .frame_at(&project, Time::from_secs(1), size)
        .unwrap();
    let i = input.to_str().unwrap();
    let vf = [
        "-i",
        i,
        "-vf",
        "eq=saturation=0,gblur=sigma=2",
        "-frames:v",
        "1",
    ];
    let theirs = RgbaFrame {
        width: size.0,
        height: size.1,
        data: common::ffmpeg_raw_rgba(&vf, size).remove(0),
    };
    let db = psnr(&ours, &theirs);
    eprintln!("still picture: {db:.1} dB from ffmpeg's");
    assert!(db >= 30.0, "the still is {db:.1} dB from ffmpeg's");
    // Grey: no saturation left (within the rounding of FFmpeg's trip through YUV).
    let p = ours.pixel(100, 50).unwrap();
    assert!(
        p[0].abs_diff(p[1]) <= 6 && p[1].abs_diff(p[2]) <= 6,
        "{p:?}"
    );
}

/// 320×240, 30 fps, 2 s: a pure green screen with a moving test pattern in its middle.
fn green_screen() -> PathBuf {
    let out = common::fixture_dir().join("green_screen.mp4");
    if out.exists() {
        return out;
    }
    let tmp = common::fixture_dir().join(format!("tmp-{}-green_screen.mp4", std::process::id()));
    let graph = "color=c=0x00FF00:s=320x240:r=30:d=2[bg];testsrc2=s=160x120:r=30:d=2[fg];\
                 [bg][fg]overlay=x=80+20*sin(t*3):y=60";
    let encode = [
        &["-filter_complex", graph][..],
        &common::H264_FAST,
        &["-crf", "12"],
    ]
    .concat();
    common::ffmpeg(&encode, &tmp);
    std::fs::rename(&tmp, &out).unwrap();
    out
}

const KEY: ChromaKey = ChromaKey {
    color: Color::rgb(0, 255, 0),
    similarity: 0.12,
    blend: 0.02,
};
const BACKDROP: Color = Color::rgb(0x30, 0x50, 0xA0);

/// The green screen, keyed, over a colour track.
fn keyed_project() -> Project {
    let mut project = project_with(
        &green_screen(),
        Effects {
            chroma_key: Some(KEY),
            ..Effects::default()
        },
    );
    let mut backdrop = Track::new(TrackId(90), TrackKind::Overlay, "backdrop");
    backdrop.clips.push(Clip::with_content(
        ClipId(90),
        ClipContent::Color { color: BACKDROP },
        Time::ZERO,
        Time::ZERO,
        Time::from_secs(2),
    ));
    project.tracks.insert(0, backdrop);
    project
}

#[test]
fn a_keyed_green_screen_over_a_colour_track_matches_chromakey_and_overlay() {
    let project = keyed_project();
    let chain = filter_chain(&project.tracks[1].clips[0].effects).unwrap();
    let gs = green_screen();
    let theirs = ffmpeg_frames(
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=0x3050A0:s=320x240:r=30",
            "-i",
            gs.to_str().unwrap(),
        ],
        // The compositor blends in RGB, so the reference overlay does too: in its default
        // YUV 4:2:0 mode `overlay` blends chroma with a subsampled alpha, which moves the
        // two pixels along every key edge (27 dB instead of 49 here).
        "-filter_complex",
        &format!("[1:v]{chain}[k];[0:v][k]overlay=shortest=1:format=rgb"),
        12,
    );
    let mut c = Compositor::new(".");
    for (k, reference) in theirs.iter().enumerate() {
        let ours = c.frame_at(&project, frame_time(k), SIZE).unwrap();
        let db = psnr(&ours, reference);
        eprintln!("keyed frame {k}: {db:.1} dB from ffmpeg's");
        assert!(db >= 30.0, "keyed frame {k} is {db:.1} dB from ffmpeg's");
        // The corner was green and is now the backdrop; the pattern in the middle stays.
        let corner = ours.pixel(5, 5).unwrap();
        let want = [BACKDROP.r, BACKDROP.g, BACKDROP.b];
        for (got, want) in corner.iter().zip(want) {
            assert!(got.abs_diff(want) <= 3, "corner {corner:?}");
        }
        assert_ne!(ours.pixel(160, 120).unwrap()[..3], want[..]);
    }
    // Export never takes the opaque fast path for a keyed clip: what is under it shows.
    let Rendered::Rgba(export) = c.render(&project, Time::ZERO, SIZE).unwrap() else {
        panic!("a keyed clip must be composed over what is under it");
    };
    assert!(psnr(&export, &theirs[0]) >= 30.0);
    // A preview is the same picture, smaller.
    let small = c.frame_at(&project, Time::ZERO, (160, 120)).unwrap();
    let corner = small.pixel(2, 2).unwrap();
    assert!(corner[2].abs_diff(BACKDROP.b) <= 3, "{corner:?}");
}

#[test]
fn changing_the_settings_rebuilds_the_graph_once_and_changes_the_picture() {
    let input = fixture(&common::VIDEO_ONLY);
    let mut project = project_with(
        &input,
        Effects {
            blur: Some(Blur { sigma: 1.0 }),
            ..Effects::default()
        },
    );
    let mut c = Compositor::new(".");
    let soft = c.frame_at(&project, Time::ZERO, SIZE).unwrap();
    let clip = project.tracks[0].clips[0].id;
    let effects = Effects {
        blur: Some(Blur { sigma: 6.0 }),
        ..Effects::default()
    };
    apply(&mut project, Edit::SetEffects { clip, effects }).unwrap();
    let softer = c.frame_at(&project, Time::ZERO, SIZE).unwrap();
    assert_ne!(
        soft, softer,
        "the cached picture was reused for new settings"
    );
    let again = c.frame_at(&project, frame_time(1), SIZE).unwrap();
    assert_eq!(c.effect_graphs_built(), 2);
    assert_eq!((again.width, again.height), SIZE);
    // Removing the effects gives the source back.
    apply(
        &mut project,
        Edit::SetEffects {
            clip,
            effects: Effects::default(),
        },
    )
    .unwrap();
    let plain = c.frame_at(&project, Time::ZERO, SIZE).unwrap();
    let reference = ffmpeg_frames(&["-i", input.to_str().unwrap()], "-vf", "null", 1);
    assert!(psnr(&plain, &reference[0]) >= 40.0);
}

fn decoded(path: &Path, n: usize) -> Vec<RgbaFrame> {
    let mut d = VideoDecoder::open(path).unwrap();
    let mut scaler = Scaler::new();
    (0..n)
        .map(|k| {
            let f = d.frame_at(k as i64 * TICKS_PER_SECOND / 30).unwrap();
            f.to_rgba(
                PixelRect::full(SIZE.0, SIZE.1),
                SIZE.0,
                SIZE.1,
                Quality::Export,
                &mut scaler,
            )
            .unwrap()
        })
        .collect()
}

#[test]
fn a_saved_project_with_effects_exports_through_the_cli_like_ffmpeg() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(&common::VIDEO_ONLY);
    let effects = Effects {
        color: Some(ColorAdjust {
            brightness: -0.05,
            contrast: 1.2,
            saturation: 0.4,
        }),
        blur: Some(Blur { sigma: 2.0 }),
        ..Effects::default()
    };
    let project = project_with(&input, effects);
    let project_path = dir.path().join("effects.clipwright");
    file::save(&project_path, &project, &History::default()).unwrap();
    let out = dir.path().join("effects.mp4");
    Command::cargo_bin("clipwright")
        .unwrap()
        .args(["export", "-q"])
        .arg(&project_path)
        .arg("-o")
        .arg(&out)
        .args(["--crf", "16", "--no-hardware"])
        .assert()
        .success();
    let theirs = ffmpeg_frames(
        &["-i", input.to_str().unwrap()],
        "-vf",
        "eq=brightness=-0.05:contrast=1.2:saturation=0.4,gblur=sigma=2",
        30,
    );
    let ours = decoded(&out, 30);
    for (k, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let db = psnr(o, t);
        if k % 10 == 0 {
            eprintln!("exported frame {k}: {db:.1} dB from ffmpeg's");
        }
        assert!(db >= 30.0, "exported frame {k} is {db:.1} dB from ffmpeg's");
    }
}
