//! The portrait effect on a real photo of a person (`astronaut.png` from scikit-image,
//! fetched by `scripts/fetch-test-models.sh`), with the shipped models: the models find
//! her face and body, a background-blurred export keeps the face and loses the fine
//! detail of a textured background, and a video without a face is left alone, with a note.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::faces::astronaut;
use common::{export_input as export, psnr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clipwright::export::{quick_project, QuickOptions};
use clipwright::media::{PixelRect, Quality, RgbaFrame, Scaler};
use clipwright::render::{Compositor, Rendered};
use clipwright::timeline::{Color, Portrait, PortraitBackground, Time};
use clipwright::vision::{FaceRange, FakeVision, Image, TractVision, Vision};

/// Where the astronaut sits in the generated videos, and her face there (from the
/// picture's own face box (179,81)–(272,174)).
const AT: (u32, u32) = (32, 28);
const VIDEO: (u32, u32) = (960, 540);
const FACE: (u32, u32, u32, u32) = (179 + AT.0, 81 + AT.1, 93, 93);

/// A fine 4-pixel checkerboard, 960×540, 1 s at 30 fps: detail a blur takes away.
const CHECKERS: &str =
    "nullsrc=s=960x540:r=30:d=1,geq=lum='if(mod(floor(X/4)+floor(Y/4),2),220,40)':cb=128:cr=128";

/// The astronaut standing in front of the checkerboard, 1 s.
fn astronaut_video(dir: &Path) -> PathBuf {
    let out = dir.join("astronaut.mp4");
    common::ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            CHECKERS,
            "-loop",
            "1",
            "-i",
            astronaut().to_str().unwrap(),
            "-filter_complex",
            &format!("[0][1]overlay={}:{}:shortest=1,format=yuv420p", AT.0, AT.1),
            "-t",
            "1",
            "-c:v",
            "libx264",
            "-crf",
            "12",
            "-preset",
            "veryfast",
        ],
        &out,
    );
    out
}

fn region(f: &RgbaFrame, (x, y, w, h): (u32, u32, u32, u32)) -> RgbaFrame {
    f.cropped(clipwright::media::PixelRect {
        x,
        y,
        width: w,
        height: h,
    })
}

fn frame_of(path: &Path, index: u32) -> RgbaFrame {
    let (width, height, data) = common::ffmpeg_rgba(path, index);
    RgbaFrame {
        width,
        height,
        data,
    }
}

/// Mean absolute difference between horizontal neighbours: how much fine detail.
fn detail(f: &RgbaFrame) -> f64 {
    let mut sum = 0f64;
    let mut n = 0f64;
    for row in f.data.chunks_exact(f.width as usize * 4) {
        for px in row.windows(8).step_by(4) {
            sum += (f64::from(px[0]) - f64::from(px[4])).abs();
            n += 1.0;
        }
    }
    sum / n
}

#[test]
fn the_shipped_models_find_the_astronauts_face_and_her_body() {
    let img = image::open(astronaut()).unwrap().to_rgba8();
    let picture = Image::new(img.width(), img.height(), img.as_raw()).unwrap();
    for range in [FaceRange::Short, FaceRange::Full] {
        let faces = TractVision.faces(picture, range).unwrap();
        assert_eq!(faces.len(), 1, "{range:?}: {faces:?}");
        let (cx, cy) = faces[0].center();
        // Her face box is (179,81)–(272,174): centre (225.5, 127.5) of 512.
        assert!(
            (cx * 512.0 - 225.5).abs() < 12.0 && (cy * 512.0 - 127.5).abs() < 12.0,
            "{range:?}: {:?}",
            faces[0]
        );
    }
    let mask = TractVision.person_mask(picture).unwrap();
    // Face centre and the orange suit are person; the top corners are flag and wall.
    assert!(mask.at(112, 64) > 200, "face: {}", mask.at(112, 64));
    assert!(mask.at(60, 200) > 200, "suit: {}", mask.at(60, 200));
    assert!(mask.at(8, 8) < 40 && mask.at(248, 20) < 40, "corners");
}

#[test]
fn a_background_blurred_export_keeps_the_face_and_loses_the_background_detail() {
    let dir = tempfile::tempdir().unwrap();
    let src = astronaut_video(dir.path());
    let out = dir.path().join("blurred.mp4");
    export(&src, &["--background", "blur"], &out);
    // The same export without the effect: what re-encoding alone costs the face.
    let plain = dir.path().join("plain.mp4");
    export(&src, &[], &plain);
    // Her face inside the hairline: the box less 12 pixels each side.
    let face = (FACE.0 + 12, FACE.1 + 12, FACE.2 - 24, FACE.3 - 24);
    for index in [0, 15, 29] {
        let (a, b, c) = (
            frame_of(&src, index),
            frame_of(&out, index),
            frame_of(&plain, index),
        );
        let kept = psnr(&region(&a, face), &region(&b, face));
        let reencoded = psnr(&region(&a, face), &region(&c, face));
        assert!(
            kept >= 30.0,
            "frame {index}: the face changed: {kept:.1} dB (re-encoding alone: {reencoded:.1} dB)"
        );
        // Far right: only checkerboard, well away from her.
        let far = (720, 100, 200, 300);
        let (before, after) = (detail(&region(&a, far)), detail(&region(&b, far)));
        assert!(
            after < before * 0.25,
            "frame {index}: background detail {before:.1} → {after:.1}"
        );
    }
}

#[test]
fn a_video_without_a_face_is_left_alone_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("checkers.mp4");
    common::ffmpeg(
        &[
            "-f", "lavfi", "-i", CHECKERS, "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p",
        ],
        &src,
    );
    let out = dir.path().join("out.mp4");
    let stderr = export(&src, &["--background", "blur"], &out);
    assert!(
        stderr.contains("no face found in 30 of 30 frames"),
        "{stderr}"
    );
    let (a, b) = (frame_of(&src, 10), frame_of(&out, 10));
    let same = psnr(&a, &b);
    assert!(
        same >= 30.0,
        "a frame without a face was changed: {same:.1} dB"
    );
    assert!(
        detail(&b) > detail(&a) * 0.8,
        "a frame without a face was smeared"
    );
}

/// A compositor with a fake detector that sees the astronaut's face where it is.
fn fake_compositor() -> Compositor {
    let (w, h) = (VIDEO.0 as f32, VIDEO.1 as f32);
    let face = FakeVision::face(
        FACE.0 as f32 / w,
        FACE.1 as f32 / h,
        FACE.2 as f32 / w,
        FACE.3 as f32 / h,
    );
    let mut c = Compositor::new(".");
    c.set_vision(Arc::new(FakeVision::with_faces(vec![face])));
    c
}

#[test]
fn a_replaced_background_takes_the_colour_and_the_preview_matches_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let src = astronaut_video(dir.path());
    let green = Color::rgb(0, 200, 0);
    let options = QuickOptions {
        portrait: Some(Portrait::with(PortraitBackground::Color { color: green })),
        ..QuickOptions::default()
    };
    let project = quick_project(&src, &options).unwrap();
    let t = Time::from_millis(500);
    let full = fake_compositor().frame_at(&project, t, VIDEO).unwrap();
    assert_eq!(full.pixel(900, 30), Some([0, 200, 0, 255]), "background");
    let face_px = full.pixel(FACE.0 + 46, FACE.1 + 46).unwrap();
    assert_ne!(face_px, [0, 200, 0, 255], "face");
    // A half-size preview: the same picture, smaller.
    let half = fake_compositor()
        .frame_at(&project, t, (VIDEO.0 / 2, VIDEO.1 / 2))
        .unwrap();
    assert_eq!(half.pixel(450, 15), Some([0, 200, 0, 255]));
    let face_half = half.pixel((FACE.0 + 46) / 2, (FACE.1 + 46) / 2).unwrap();
    for c in 0..3 {
        assert!(
            face_half[c].abs_diff(face_px[c]) < 24,
            "{face_half:?} vs {face_px:?}"
        );
    }
}

#[test]
fn a_removed_background_lets_the_canvas_colour_through() {
    let dir = tempfile::tempdir().unwrap();
    let src = astronaut_video(dir.path());
    let options = QuickOptions {
        portrait: Some(Portrait::with(PortraitBackground::Remove)),
        ..QuickOptions::default()
    };
    let mut project = quick_project(&src, &options).unwrap();
    project.canvas.background = Color::rgb(10, 20, 250);
    let f = fake_compositor()
        .frame_at(&project, Time::from_millis(300), VIDEO)
        .unwrap();
    assert_eq!(f.pixel(900, 30), Some([10, 20, 250, 255]));
    assert_ne!(f.pixel(FACE.0 + 46, FACE.1 + 46), Some([10, 20, 250, 255]));
}

#[test]
fn the_export_fast_path_blurs_and_replaces_in_yuv_as_the_preview_does_in_rgba() {
    let dir = tempfile::tempdir().unwrap();
    let src = astronaut_video(dir.path());
    let t = Time::from_millis(500);
    let plain = quick_project(&src, &QuickOptions::default()).unwrap();
    let untouched = fake_compositor().frame_at(&plain, t, VIDEO).unwrap();
    let green = Color::rgb(0, 200, 0);
    for background in [
        PortraitBackground::Blur,
        PortraitBackground::Color { color: green },
    ] {
        let options = QuickOptions {
            portrait: Some(Portrait::with(background.clone())),
            ..QuickOptions::default()
        };
        let project = quick_project(&src, &options).unwrap();
        let Rendered::Yuv(pic) = fake_compositor().render(&project, t, VIDEO).unwrap() else {
            panic!("{background:?} left the export's YUV fast path");
        };
        let full = PixelRect::full(VIDEO.0, VIDEO.1);
        let export = Scaler::new()
            .to_rgba(&pic, full, VIDEO.0, VIDEO.1, Quality::Export)
            .unwrap();
        let preview = fake_compositor().frame_at(&project, t, VIDEO).unwrap();
        let same = psnr(&export, &preview);
        let before = psnr(&export, &untouched);
        assert!(
            same > 30.0 && same > before + 5.0,
            "{background:?}: {same:.1} dB from the RGBA drawing, {before:.1} dB from the untouched frame"
        );
        let face = (FACE.0 + 46, FACE.1 + 46);
        let (e, u) = (
            export.pixel(face.0, face.1).unwrap(),
            untouched.pixel(face.0, face.1).unwrap(),
        );
        assert!(
            (0..3).all(|c| e[c].abs_diff(u[c]) < 8),
            "face: {e:?} vs {u:?}"
        );
    }
}

/// While a compositor draws one frame, a thread of its own analyses the next ones: the
/// frames it draws are the same, to the byte, as when every frame is analysed in place
/// (each mask smoothed with the frame before it, in the same order).
#[test]
fn frames_analysed_ahead_on_a_thread_match_frames_analysed_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let src = astronaut_video(dir.path());
    // A second name, so the two runs share no cached analysis.
    let copy = dir.path().join("again.mp4");
    std::fs::copy(&src, &copy).unwrap();
    let draw = |path: &Path, ahead: bool| -> Vec<RgbaFrame> {
        let options = QuickOptions {
            portrait: Some(Portrait::blur()),
            ..QuickOptions::default()
        };
        let project = quick_project(path, &options).unwrap();
        let mut c = Compositor::new(".");
        c.set_portrait_look_ahead(ahead);
        let frames = (0..15)
            .map(|i| {
                let t = Time::from_frame(i, project.canvas.frame_rate);
                c.frame_at(&project, t, (480, 270)).unwrap()
            })
            .collect();
        // From the third frame on (once the step between frames is known), each was
        // analysed ahead.
        let analysed = c.portrait_frames_analysed_ahead();
        if ahead {
            assert!(analysed >= 13, "{analysed} frames analysed ahead");
        } else {
            assert_eq!(analysed, 0);
        }
        frames
    };
    let ahead = draw(&src, true);
    let in_place = draw(&copy, false);
    let untouched = frame_of(&src, 14);
    let small = Scaler::new()
        .to_rgba(
            &Scaler::picture_from_rgba(&untouched),
            PixelRect::full(untouched.width, untouched.height),
            480,
            270,
            Quality::Export,
        )
        .unwrap();
    assert!(
        psnr(&ahead[14], &small) < 30.0,
        "the background was not blurred"
    );
    for (i, (a, b)) in ahead.iter().zip(&in_place).enumerate() {
        assert!(a.data == b.data, "frame {i} differs");
    }

    // Nothing is analysed twice: the models run as often ahead as in place, plus at most
    // the two frames past the last one drawn.
    let calls = |path: &Path, ahead: bool| -> u64 {
        let project = quick_project(path, &QuickOptions::default()).unwrap();
        let mut project = project;
        for clip in project.tracks.iter_mut().flat_map(|t| t.clips.iter_mut()) {
            clip.effects.portrait = Some(Portrait::blur());
        }
        let fake = Arc::new(FakeVision::with_faces(vec![FakeVision::face(
            0.4, 0.2, 0.2, 0.2,
        )]));
        let mut c = Compositor::new(".");
        c.set_vision(fake.clone());
        c.set_portrait_look_ahead(ahead);
        for i in 0..15 {
            let t = Time::from_frame(i, project.canvas.frame_rate);
            c.frame_at(&project, t, (480, 270)).unwrap();
        }
        drop(c);
        fake.calls()
    };
    let (with, without) = (calls(&src, true), calls(&copy, false));
    assert!(
        with >= without && with <= without + 2,
        "{with} model runs looking ahead, {without} in place"
    );
}
