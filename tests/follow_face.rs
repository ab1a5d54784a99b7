//! Follow the face: a 16:9 video of a person walking from left to right, exported to 9:16
//! with `--follow-face`, keeps her face inside the frame at every sampled time. Uses the
//! astronaut photo fetched by `scripts/fetch-test-models.sh` and the shipped face model.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::faces::{Walk, FACE};

use std::path::Path;
use std::sync::atomic::AtomicBool;

use clipwright::export::{quick_project, QuickOptions};
use clipwright::render::follow::follow_face_edit;
use clipwright::timeline::{apply, ClipId, Edit, Interpolation, OutputId, ReframeMode, Time};
use clipwright::vision::TractVision;

const SOURCE: (u32, u32) = (1280, 720);
/// She walks across in 4 s, feet on the bottom edge.
const WALK: Walk = Walk {
    size: SOURCE,
    walk: 4.0,
    seconds: 4.0,
    gone: None,
};

#[test]
fn a_person_walking_across_stays_in_a_vertical_frame_that_follows_her_face() {
    let dir = tempfile::tempdir().unwrap();
    let src = WALK.video(dir.path(), "walk.mp4");
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
    let follow = ["--canvas", "360x640", "--fit", "fill", "--follow-face"];
    common::export_input(&src, &follow, &out);

    for n in (0..120).step_by(10) {
        let t = f64::from(n) / 30.0;
        let crop = reframe
            .at(Time::from_millis((t * 1000.0) as i64), SOURCE, canvas)
            .crop;
        let (fx, fy) = WALK.face_at(t);
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
