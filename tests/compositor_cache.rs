//! The compositor keeps the last few converted (scaled, cropped, RGBA) pictures: drawing
//! a frame it has just drawn — a repeated preview, slow motion showing one source frame
//! over several output frames, a scrub back to where it was — converts nothing again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clipwright::export::{quick_project, QuickOptions};
use clipwright::render::Compositor;
use clipwright::timeline::{Project, Rational, SpeedFactor, Time};
use common::fixture;

/// Preview size: half the 320×240 source, so every picture is really scaled.
const SIZE: (u32, u32) = (160, 120);

fn project(speed: f64) -> Project {
    let options = QuickOptions {
        speed: SpeedFactor::from_f64(speed).unwrap(),
        ..QuickOptions::default()
    };
    quick_project(&fixture(&common::VIDEO_ONLY), &options).unwrap()
}

fn frame(n: i64) -> Time {
    Time::from_frame(n, Rational::FPS_30)
}

#[test]
fn drawing_the_same_time_twice_converts_the_picture_once() {
    let project = project(1.0);
    let mut c = Compositor::new(".");
    let first = c.frame_at(&project, frame(10), SIZE).unwrap();
    assert_eq!(c.pictures_converted(), 1);
    let again = c.frame_at(&project, frame(10), SIZE).unwrap();
    assert_eq!(
        c.pictures_converted(),
        1,
        "the second drawing converted again"
    );
    assert_eq!(first, again);
    // A new frame is converted, so the count does move.
    c.frame_at(&project, frame(11), SIZE).unwrap();
    assert_eq!(c.pictures_converted(), 2);
}

#[test]
fn slow_motion_converts_each_source_frame_once() {
    // At a quarter speed each source frame shows for four output frames.
    let project = project(0.25);
    let mut c = Compositor::new(".");
    for n in 0..12 {
        c.frame_at(&project, frame(n), SIZE).unwrap();
    }
    assert_eq!(c.pictures_converted(), 3);
}

#[test]
fn scrubbing_back_to_a_recent_frame_takes_it_from_the_cache() {
    let project = project(1.0);
    let mut c = Compositor::new(".");
    let at_start = c.frame_at(&project, frame(3), SIZE).unwrap();
    c.frame_at(&project, frame(40), SIZE).unwrap();
    c.frame_at(&project, frame(20), SIZE).unwrap();
    assert_eq!(c.pictures_converted(), 3);
    let back = c.frame_at(&project, frame(3), SIZE).unwrap();
    assert_eq!(c.pictures_converted(), 3, "frame 3 was converted again");
    // The cached picture is the one a fresh compositor draws.
    assert_eq!(back, at_start);
    let fresh = Compositor::new(".")
        .frame_at(&project, frame(3), SIZE)
        .unwrap();
    assert_eq!(back, fresh);
}
