//! Unit tests for speed edits: constant speed, ramps, reverse and freeze frames, and a
//! recording's linked sound following its picture.

use super::edits::apply_and_undo;
use super::fixtures::*;
use crate::timeline::*;

#[test]
fn doubling_the_speed_halves_the_duration_and_squeezes_the_keyframes() {
    let mut p = project();
    run(
        &mut p,
        Edit::SetKeyframe {
            clip: ClipId(3),
            property: Property::Opacity,
            time: s(4),
            value: 0.0,
            interpolation: Interpolation::Linear,
        },
    );
    let fast = Speed::constant(SpeedFactor::from_milli(2000).unwrap());
    run(
        &mut p,
        Edit::SetSpeed {
            clip: ClipId(3),
            speed: fast,
            ripple: false,
        },
    );
    assert_eq!(span(&p, 3), (25_000, 27_500, 40_000, 45_000));
    let keys = p
        .clip(ClipId(3))
        .unwrap()
        .animation
        .channel(Property::Opacity)
        .unwrap();
    assert_eq!(keys.times().collect::<Vec<_>>(), vec![s(2)]);
    // Slowing clip 2 down would run into clip 3 unless it ripples.
    let slow = Speed::constant(SpeedFactor::from_milli(500).unwrap());
    assert!(apply(
        &mut p,
        Edit::SetSpeed {
            clip: ClipId(2),
            speed: slow.clone(),
            ripple: false
        }
    )
    .is_err());
    apply_and_undo(
        &mut p,
        Edit::SetSpeed {
            clip: ClipId(2),
            speed: slow,
            ripple: true,
        },
    );
}

#[test]
fn a_speed_ramp_preset_changes_the_clip_duration_to_match_its_mean_speed() {
    let mut p = project();
    let Some(preset) = ramp_preset("Bullet time") else {
        panic!("missing preset")
    };
    run(
        &mut p,
        Edit::SetSpeed {
            clip: ClipId(3),
            speed: preset.speed(),
            ripple: false,
        },
    );
    let c = p.clip(ClipId(3)).unwrap();
    // Mean speed of the curve: (0.35·(2+0.3) + 0.3·0.3·2 + 0.35·(0.3+2)) / 2 = 0.895.
    let expected = 5.0 / 0.895;
    assert!(
        (c.duration().as_secs_f64() - expected).abs() < 1e-6,
        "{}",
        c.duration().as_secs_f64()
    );
    // The last tick shows the end of the range (the ramp ends at 2×, so within two ticks).
    let last = c.source_time_at(c.end() - Time::TICK);
    assert!(last >= s(45) - Time(2) && last < s(45), "{last:?}");
}

#[test]
fn trimming_a_reversed_clip_keeps_what_its_start_shows() {
    let mut p = project();
    let mut reversed = p.clip(ClipId(2)).unwrap().clone();
    reversed.speed.reverse = true;
    run(&mut p, Edit::UpdateClip { clip: reversed });
    let first_frame = p.clip(ClipId(2)).unwrap().source_time_at(s(10));
    run(
        &mut p,
        Edit::TrimClip {
            clip: ClipId(2),
            edge: Edge::Out,
            to: s(15),
            ripple: false,
        },
    );
    // Played backwards, the first five seconds show source 30 s down to 25 s.
    assert_eq!(span(&p, 2), (10_000, 15_000, 25_000, 30_000));
    assert_eq!(
        p.clip(ClipId(2)).unwrap().source_time_at(s(10)),
        first_frame
    );
}

#[test]
fn a_freeze_frame_clip_splits_and_trims_by_duration() {
    let mut p = project();
    let mut frozen = p.clip(ClipId(3)).unwrap().clone();
    frozen.speed = Speed::freeze(s(4));
    run(&mut p, Edit::UpdateClip { clip: frozen });
    run(
        &mut p,
        Edit::TrimClip {
            clip: ClipId(3),
            edge: Edge::Out,
            to: s(28),
            ripple: false,
        },
    );
    assert_eq!(span(&p, 3), (25_000, 28_000, 40_000, 45_000));
    apply_and_undo(
        &mut p,
        Edit::SplitClip {
            clip: ClipId(3),
            at: s(26),
        },
    );
}

#[test]
fn changing_the_speed_of_a_recording_changes_its_linked_sound_too() {
    let mut p = project();
    let fast = Speed::constant(SpeedFactor::from_milli(2000).unwrap());
    run(
        &mut p,
        Edit::SetSpeed {
            clip: ClipId(1),
            speed: fast,
            ripple: true,
        },
    );
    assert_eq!(span(&p, 1), (0, 5_000, 0, 10_000));
    assert_eq!(span(&p, 11), (0, 5_000, 0, 10_000));
    assert_eq!(span(&p, 2).0, 5_000, "the next video clip rippled left");
}
