//! Stickers pinned to a face, through the real pipeline: a video of the astronaut walking
//! from left to right, exported with `--sticker`, shows the sticker's colour on her face at
//! every sampled time; where she has left, the sticker holds still, whole, and the export
//! says so; with no face at all it stands in the middle. Uses the astronaut photo fetched
//! by `scripts/fetch-test-models.sh` and the shipped face model.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

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
    common::export_input(src, &["--sticker", sticker], out)
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

/// The output pixels that differ between two frames: their centre and width across.
fn changed(a: &[u8], b: &[u8], width: usize) -> ((f64, f64), usize) {
    let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
    let (mut left, mut right) = (usize::MAX, 0);
    for (i, (p, q)) in a.chunks_exact(4).zip(b.chunks_exact(4)).enumerate() {
        let d: u32 = p
            .iter()
            .zip(q)
            .map(|(x, y)| u32::from(x.abs_diff(*y)))
            .sum();
        if d > 60 {
            let (x, y) = (i % width, i / width);
            sx += x as f64;
            sy += y as f64;
            n += 1.0;
            left = left.min(x);
            right = right.max(x);
        }
    }
    assert!(n > 0.0, "nothing changed");
    ((sx / n, sy / n), right + 1 - left)
}

#[test]
fn a_pinned_sticker_is_carried_with_the_picture_under_it_when_that_is_moved_and_scaled() {
    use clipwright::timeline::{
        Canvas, Clip, ClipId, FaceAnchor, FaceBox, FaceTrack, Interpolation, Keyframes, Project,
        Property, SourceId, StickerPin, Time, Track, TrackId, TrackKind,
    };
    let file = common::fixture(&common::VIDEO_ONLY);
    let canvas = Canvas {
        width: 640,
        height: 360,
        ..Canvas::default()
    };
    let mut project = Project::new("pinned", canvas);
    common::make::add_source(&mut project, SourceId(1), &file);
    // The 320x240 picture at half its fitted size, a quarter of the frame to the right.
    let mut video = common::make::clip_from_start(ClipId(1), SourceId(1), Time::from_secs(1));
    for (property, value) in [(Property::Scale, 0.5), (Property::PositionX, 0.25)] {
        video.animation.set_channel(
            property,
            Keyframes::from_keys([(Time::ZERO, value, Interpolation::Linear)]),
        );
    }
    let mut track = Track::new(TrackId(1), TrackKind::Video, "Video");
    track.clips.push(video);
    project.tracks.push(track);
    let plain = project.clone();

    let face = FaceBox {
        rect: [0.4, 0.4, 0.2, 0.2],
        eyes: [0.45, 0.45, 0.55, 0.45],
        nose: [0.5, 0.5],
        mouth: [0.5, 0.55],
    };
    let mut sticker = Clip::sticker(ClipId(2), "green-heart", Time::ZERO, Time::from_secs(1));
    if let clipwright::timeline::ClipContent::Sticker { pin, .. } = &mut sticker.content {
        *pin = Some(StickerPin {
            anchor: FaceAnchor::Centre,
            track: FaceTrack {
                source: SourceId(1),
                start: Time::ZERO,
                step: Time::from_millis(100),
                samples: vec![Some(face); 10],
            },
        });
    }
    let mut overlay = Track::new(TrackId(2), TrackKind::Overlay, "Stickers");
    overlay.clips.push(sticker);
    project.tracks.push(overlay);

    let t = Time::from_millis(500);
    let with = clipwright::render::frame_at(&project, t, (640, 360)).unwrap();
    let without = clipwright::render::frame_at(&plain, t, (640, 360)).unwrap();
    let (centre, width) = changed(&with.data, &without.data, 640);
    // The picture is 240x180 around (480, 180); the face's centre is the picture's, its
    // box 0.2 x 240 = 48 pixels wide, so the sticker is 1.25 x 48 = 60 across.
    assert!(
        (centre.0 - 480.0).abs() < 4.0 && (centre.1 - 180.0).abs() < 6.0,
        "{centre:?}"
    );
    assert!((56..=64).contains(&width), "{width} pixels across");
}
