//! A seek decodes less on the way to its target: frames nothing refers to are dropped
//! while the decoder catches up, and the target is exactly the picture decoding every
//! frame gives. (One test alone in this file: the switch it flips is process-wide.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::media::{self, Quality, VideoDecoder, TICKS_PER_SECOND};

/// A 320×180 moving test picture, 4 s at 30 fps, a keyframe a second and B-frames (as
/// libx264's usual presets make them).
fn source(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("gop.mp4");
    let x264 = [
        "-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-pix_fmt", "yuv420p",
    ];
    common::lavfi("testsrc2=size=320x180:rate=30:d=4", &x264, &path);
    path
}

/// The picture shown at `time` by a fresh decoder, and how many frames it decoded.
fn seek(path: &std::path::Path, time: i64) -> (Vec<u8>, u64) {
    let mut decoder = VideoDecoder::open(path).unwrap();
    let frame = decoder.frame_at(time).unwrap();
    let rgba = common::make::rgba(frame, (320, 180), Quality::Fast);
    (rgba.data, decoder.frames_decoded())
}

#[test]
fn a_seek_drops_the_frames_nothing_refers_to_and_shows_the_same_picture() {
    let dir = tempfile::tempdir().unwrap();
    let path = source(dir.path());
    let frame = TICKS_PER_SECOND / 30;
    // Late in a one-second group of pictures, and inside frames as well as on them.
    for n in [28, 57, 58, 89, 100] {
        for time in [n * frame, n * frame + frame / 2] {
            media::set_seek_skipping(false);
            let (every, decoded_every) = seek(&path, time);
            media::set_seek_skipping(true);
            let (skipping, decoded_skipping) = seek(&path, time);
            assert!(
                every == skipping,
                "frame {n}: another picture when skipping"
            );
            assert!(
                decoded_skipping < decoded_every,
                "frame {n}: {decoded_skipping} frames decoded skipping, {decoded_every} without"
            );
        }
    }
}
