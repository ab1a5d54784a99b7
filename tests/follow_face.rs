//! Follow the face: a 16:9 video of a person walking from left to right, exported to 9:16
//! with `--follow-face`, keeps her face inside the frame at every sampled time. Uses the
//! astronaut photo fetched by `scripts/fetch-test-models.sh` and the shipped face model.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use assert_cmd::prelude::*;
use clipwright::export::{quick_project, QuickOptions};
use clipwright::render::follow::follow_face_edit;
use clipwright::timeline::{apply, ClipId, Edit, Interpolation, OutputId, ReframeMode, Time};
use clipwright::vision::TractVision;

fn astronaut() -> PathBuf {
    common::test_model_file("astronaut.png")
}

const SOURCE: (u32, u32) = (1280, 720);
const SECONDS: f64 = 4.0;
/// Her face box in the picture: (179, 81), 93 pixels square.
const FACE: (f64, f64, f64) = (179.0, 81.0, 93.0);

/// Where her face's box starts at `t` seconds: she walks across in 4 s, feet on the
/// bottom edge.
fn face_at(t: f64) -> (f64, f64) {
    let x = f64::from(SOURCE.0 - 512) * (t / SECONDS).min(1.0);
    (x + FACE.0, f64::from(SOURCE.1 - 512) + FACE.1)
}

fn walking_video(dir: &Path) -> PathBuf {
    let out = dir.join("walk.mp4");
    let graph =
        format!("[0][1]overlay=x='(W-w)*min(t/{SECONDS}\\,1)':y=H-h:shortest=1,format=yuv420p");
    let run = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!(
            "nullsrc=s={}x{}:r=30:d={SECONDS},geq=lum='if(mod(floor(X/8)+floor(Y/8),2),200,60)':cb=128:cr=128",
            SOURCE.0, SOURCE.1
        ))
        .args(["-loop", "1", "-i"])
        .arg(astronaut())
        .args(["-filter_complex", &graph, "-t", &SECONDS.to_string()])
        .args(["-c:v", "libx264", "-crf", "16", "-preset", "veryfast"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "ffmpeg: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

#[test]
fn a_person_walking_across_stays_in_a_vertical_frame_that_follows_her_face() {
    let dir = tempfile::tempdir().unwrap();
    let src = walking_video(dir.path());
    let canvas = (360, 640);

    // The crop the export uses, from the same quick project.
    let options = QuickOptions {
        canvas: Some(canvas),
        fit: ReframeMode::Fill,
        ..QuickOptions::default()
    };
    let mut project = quick_project(&src, &options).unwrap();
    let never = AtomicBool::new(false);
    let edit = follow_face_edit(
        &project,
        ClipId(1),
        OutputId::MAIN,
        Path::new(""),
        &TractVision,
        &never,
    )
    .unwrap()
    .expect("a video clip gets an edit");
    assert!(matches!(edit, Edit::SetReframe { .. }));
    let undo = apply(&mut project, edit).unwrap();
    let clip = project.clip(ClipId(1)).unwrap().clone();
    let reframe = clip.reframes.get(&OutputId::MAIN).unwrap().clone();
    assert!(reframe.crop.len() >= 2, "it pans: {:?}", reframe.crop);
    assert!(reframe
        .crop
        .iter()
        .any(|k| k.interpolation == Interpolation::EaseInOut));

    // The same through the CLI.
    let out = dir.path().join("tall.mp4");
    let run = Command::cargo_bin("clipwright")
        .unwrap()
        .args(["export", "--quiet", "--input"])
        .arg(&src)
        .args([
            "--canvas",
            "360x640",
            "--fit",
            "fill",
            "--follow-face",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    for n in (0..120).step_by(10) {
        let t = f64::from(n) / 30.0;
        let crop = reframe
            .at(Time::from_millis((t * 1000.0) as i64), SOURCE, canvas)
            .crop;
        let (fx, fy) = face_at(t);
        assert!(
            fx >= crop.x && fx + FACE.2 <= crop.x + crop.width && fy >= crop.y,
            "at {t:.2} s the face ({fx:.0}..{:.0}) is outside the crop {crop:?}",
            fx + FACE.2
        );
        // The exported frame shows her face where the crop puts it: compare with the source.
        let (_, _, got) = common::ffmpeg_rgba(&out, n);
        let (_, _, want) = common::ffmpeg_rgba(&src, n);
        let k = f64::from(canvas.1) / crop.height;
        let (cx, cy) = (fx + FACE.2 / 2.0, fy + FACE.2 / 2.0);
        let (ox, oy) = (((cx - crop.x) * k) as usize, ((cy - crop.y) * k) as usize);
        let o = &got[(oy * canvas.0 as usize + ox) * 4..][..3];
        let s = &want[(cy as usize * SOURCE.0 as usize + cx as usize) * 4..][..3];
        let diff: u32 = o
            .iter()
            .zip(s)
            .map(|(a, b)| u32::from(a.abs_diff(*b)))
            .sum();
        assert!(
            diff < 60,
            "at {t:.2} s: face centre {o:?} in the export, {s:?} in the source"
        );
    }
    // One undo step puts the clip back as it was.
    apply(&mut project, undo).unwrap();
    assert_eq!(
        project
            .clip(ClipId(1))
            .unwrap()
            .reframes
            .get(&OutputId::MAIN)
            .unwrap()
            .crop
            .len(),
        0
    );
}
