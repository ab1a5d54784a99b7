//! Stickers pinned to a face, through the real pipeline: a video of the astronaut walking
//! from left to right, exported with `--sticker`, shows the sticker's colour on her face at
//! every sampled time; where she has left, the sticker holds still, whole, and the export
//! says so; with no face at all it stands in the middle. Uses the astronaut photo fetched
//! by `scripts/fetch-test-models.sh` and the shipped face model.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;
use common::faces::{Walk, FACE};

/// The green heart's colour (#78B159), which neither the photo nor the floor has.
fn is_sticker(p: &[u8]) -> bool {
    let near = |v: u8, want: i32| (i32::from(v) - want).abs() < 32;
    near(p[0], 0x78) && near(p[1], 0xB1) && near(p[2], 0x59)
}

/// The centre and the count of the sticker-coloured pixels of frame `n`.
fn sticker_pixels(file: &Path, n: u32) -> Option<((f64, f64), usize)> {
    let (w, _, rgba) = common::ffmpeg_rgba(file, n);
    let (mut sx, mut sy, mut count) = (0.0, 0.0, 0usize);
    for (i, p) in rgba.chunks_exact(4).enumerate() {
        if is_sticker(p) {
            sx += (i % w as usize) as f64;
            sy += (i / w as usize) as f64;
            count += 1;
        }
    }
    (count > 0).then(|| ((sx / count as f64, sy / count as f64), count))
}

fn export(src: &Path, out: &Path, sticker: &str) -> String {
    let run = Command::cargo_bin("clipwright")
        .unwrap()
        .args(["export", "--quiet", "--input"])
        .arg(src)
        .args(["--sticker", sticker, "-o"])
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{stderr}");
    stderr
}

#[test]
fn a_sticker_pinned_to_a_walking_face_moves_with_it_and_holds_where_she_left() {
    let dir = tempfile::tempdir().unwrap();
    let walk = Walk {
        size: (960, 540),
        walk: 3.0,
        seconds: 4.0,
        gone: Some(3.0),
    };
    let src = walk.video(dir.path(), "walk.mp4");
    let out = dir.path().join("sticker.mp4");
    let stderr = export(&src, &out, "green-heart:face");
    assert!(
        stderr.contains("found no face in"),
        "the frames after she left are told: {stderr}"
    );
    // The source itself has (almost) nothing of the sticker's colour.
    assert!(sticker_pixels(&src, 45).is_none_or(|(_, n)| n < 50));

    let mut area = 0;
    for n in [15, 45, 75] {
        let t = f64::from(n) / 30.0;
        let (fx, fy) = walk.face_at(t);
        let face = (fx + FACE.2 / 2.0, fy + FACE.2 / 2.0);
        let (centre, count) = sticker_pixels(&out, n).expect("the sticker shows");
        let off = (centre.0 - face.0).hypot(centre.1 - face.1);
        assert!(
            off < FACE.2 * 0.3,
            "at {t:.1} s the sticker is at {centre:?}, her face at {face:?} ({off:.0} px off)"
        );
        // About the face's size: 1.25 face widths across, a heart fills half its box.
        let side = FACE.2 * 1.25;
        assert!(
            (side * side * 0.3..side * side).contains(&(count as f64)),
            "{count} pixels at {t:.1} s"
        );
        area = count;
    }
    // She has gone: the sticker stays where her face was last, whole (not smeared).
    let (last_x, last_y) = walk.face_at(3.0);
    let last = (last_x + FACE.2 / 2.0, last_y + FACE.2 / 2.0);
    for n in [100, 115] {
        let (centre, count) = sticker_pixels(&out, n).expect("the sticker still shows");
        let off = (centre.0 - last.0).hypot(centre.1 - last.1);
        assert!(
            off < FACE.2 * 0.35,
            "frame {n}: at {centre:?}, last face {last:?}"
        );
        let ratio = count as f64 / area as f64;
        assert!(
            (0.8..1.25).contains(&ratio),
            "frame {n}: {count} vs {area} pixels"
        );
    }
}

#[test]
fn with_no_face_at_all_a_pinned_sticker_stands_in_the_middle_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let empty = Walk {
        size: (640, 360),
        walk: 1.0,
        seconds: 1.0,
        gone: Some(0.0),
    };
    let src = empty.video(dir.path(), "empty.mp4");
    let out = dir.path().join("sticker.mp4");
    let stderr = export(&src, &out, "green-heart");
    assert!(
        stderr.contains("no face found under the sticker"),
        "{stderr}"
    );
    let side = 360.0 * clipwright::render::STICKER_SHARE;
    let mut counts = Vec::new();
    for n in [0, 15, 29] {
        let (centre, count) = sticker_pixels(&out, n).expect("the sticker shows");
        assert!(
            (centre.0 - 320.0).abs() < side * 0.1 && (centre.1 - 180.0).abs() < side * 0.15,
            "frame {n}: {centre:?}"
        );
        assert!((side * side * 0.3..side * side).contains(&(count as f64)));
        counts.push(count);
    }
    assert!(counts
        .iter()
        .all(|&c| c.abs_diff(counts[0]) < counts[0] / 20));
}
