//! Tests for speed mapping: unit cases and the property tests (monotone mapping, inverse
//! within one tick, ramp duration equal to the integral of the curve).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::*;

fn speed(multiplier: f64) -> Speed {
    Speed::constant(SpeedFactor::from_f64(multiplier).unwrap())
}

/// A ramp going straight from speed `from` at the clip's start to `to` at its end.
fn ramp_between(from: SpeedFactor, to: SpeedFactor) -> Speed {
    Speed::ramp(vec![
        RampPoint {
            position: 0,
            speed: from,
        },
        RampPoint {
            position: RAMP_END,
            speed: to,
        },
    ])
}

/// The speed `speed`/1000 (2000 is twice as fast).
fn milli(speed: u32) -> SpeedFactor {
    SpeedFactor::from_milli(speed).unwrap()
}

#[test]
fn speed_two_halves_the_clip_duration() {
    let len = Time::from_secs(10);
    assert_eq!(speed(2.0).duration_for(len), Time::from_secs(5));
    assert_eq!(speed(0.5).duration_for(len), Time::from_secs(20));
}

#[test]
fn speed_two_reaches_twice_as_far_into_the_source() {
    let s = speed(2.0);
    let len = Time::from_secs(10);
    assert_eq!(s.source_offset(len, Time::from_secs(3)), Time::from_secs(6));
    assert_eq!(
        s.timeline_offset(len, Time::from_secs(6)),
        Time::from_secs(3)
    );
}

#[test]
fn speed_factors_outside_a_tenth_to_a_hundred_are_refused() {
    assert!(SpeedFactor::from_f64(0.09).is_none());
    assert!(SpeedFactor::from_f64(100.001).is_none());
    assert!(SpeedFactor::from_f64(f64::NAN).is_none());
    assert!(serde_json::from_str::<SpeedFactor>("50").is_err());
    assert_eq!(
        serde_json::from_str::<SpeedFactor>("2500000")
            .unwrap()
            .as_f64(),
        2.5
    );
}

#[test]
fn a_flat_ramp_behaves_like_a_constant_speed() {
    let ramp = ramp_between(milli(2000), milli(2000));
    let len = Time::from_secs(10);
    assert_eq!(ramp.duration_for(len), Time::from_secs(5));
    for secs in 0..5 {
        let t = Time::from_secs(secs);
        assert_eq!(ramp.source_offset(len, t), speed(2.0).source_offset(len, t));
    }
}

#[test]
fn a_linear_ramp_from_one_to_three_averages_two() {
    let ramp = ramp_between(milli(1000), milli(3000));
    let len = Time::from_secs(10);
    let d = ramp.duration_for(len);
    assert_eq!(d, Time::from_secs(5));
    // Halfway through, speed is 2: covered 0.5·(1+2)/2·5 s = 3.75 s of source.
    let half = ramp.source_offset(len, Time::from_millis(2500));
    assert_eq!(half, Time::from_millis(3750));
}

#[test]
fn every_ramp_preset_is_valid_and_its_name_finds_it() {
    assert!(RAMP_PRESETS.len() >= 6);
    for preset in RAMP_PRESETS {
        assert_eq!(preset.speed().validate(), Ok(()), "{}", preset.name);
        assert_eq!(ramp_preset(&preset.name.to_uppercase()), Some(preset));
    }
}

#[test]
fn ramps_with_bad_points_fail_validation() {
    let p = |position| RampPoint {
        position,
        speed: SpeedFactor::NORMAL,
    };
    assert_eq!(
        Speed::ramp(vec![p(0)]).validate(),
        Err(SpeedError::TooFewPoints)
    );
    assert_eq!(
        Speed::ramp(vec![p(0), p(5), p(5), p(RAMP_END)]).validate(),
        Err(SpeedError::BadPositions)
    );
    assert_eq!(
        Speed::ramp(vec![p(1), p(RAMP_END)]).validate(),
        Err(SpeedError::BadPositions)
    );
    assert_eq!(
        Speed::freeze(Time::ZERO).validate(),
        Err(SpeedError::EmptyFreeze)
    );
}

#[test]
fn a_freeze_frame_always_shows_its_first_frame() {
    let f = Speed::freeze(Time::from_secs(2));
    assert_eq!(f.duration_for(Time::TICK), Time::from_secs(2));
    assert_eq!(f.source_offset(Time::TICK, Time::from_secs(1)), Time::ZERO);
}

#[test]
fn the_longest_allowed_ramp_maps_without_overflow() {
    let len = crate::timeline::validate::MAX_RAMP_SOURCE_LENGTH;
    let slow = SpeedFactor::MIN;
    let fast = SpeedFactor::MAX;
    for (a, b) in [(slow, fast), (fast, slow), (slow, slow)] {
        let ramp = ramp_between(a, b);
        let d = ramp.duration_for(len);
        let end = ramp.source_offset(len, d);
        assert!(
            (end - len).0.abs() <= 200,
            "{a:?}->{b:?}: {end:?} vs {len:?}"
        );
        let mid = ramp.source_offset(len, Time(d.0 / 2));
        assert!(mid > Time::ZERO && mid < len);
    }
}

pub(crate) fn arb_speed() -> impl Strategy<Value = Speed> {
    let factor = (100_000u32..=100_000_000).prop_map(|m| SpeedFactor::from_micro(m).unwrap());
    let constant = factor.clone().prop_map(Speed::constant);
    let ramp = (
        prop::collection::vec((1u32..RAMP_END, factor.clone()), 0..6),
        factor.clone(),
        factor,
    )
        .prop_map(|(mid, first, last)| {
            let mut points = vec![RampPoint {
                position: 0,
                speed: first,
            }];
            let mut mid = mid;
            mid.sort_by_key(|p| p.0);
            mid.dedup_by_key(|p| p.0);
            points.extend(
                mid.into_iter()
                    .map(|(position, speed)| RampPoint { position, speed }),
            );
            points.push(RampPoint {
                position: RAMP_END,
                speed: last,
            });
            Speed::ramp(points)
        });
    let presets = (0..RAMP_PRESETS.len()).prop_map(|i| RAMP_PRESETS[i].speed());
    prop_oneof![constant, ramp, presets]
}

proptest! {
    #[test]
    fn speed_mapping_is_monotone(s in arb_speed(), len in 1i64..=crate::timeline::validate::MAX_RAMP_SOURCE_LENGTH.0, a in 0.0f64..1.0, b in 0.0f64..1.0) {
        let len = Time(len);
        let d = s.duration_for(len).0;
        let (a, b) = ((a * d as f64) as i64, (b * d as f64) as i64);
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(s.source_offset(len, Time(lo)) <= s.source_offset(len, Time(hi)));
        prop_assert!(s.source_offset(len, Time(lo)) <= s.source_offset(len, Time(lo + 1)));
    }

    #[test]
    fn speed_inverse_round_trips_within_one_tick(s in arb_speed(), len in 1i64..(1 << 42), frac in 0.0f64..1.0) {
        let len = Time(len);
        let d = s.duration_for(len);
        let t = Time((frac * d.0 as f64) as i64).min(d);
        let x = s.source_offset(len, t);
        // The inverse finds the first tick showing the same source time: at or before t,
        // and one tick earlier shows an earlier source time.
        let back = s.timeline_offset(len, x);
        prop_assert!(back <= t);
        prop_assert_eq!(s.source_offset(len, back), x);
        if back > Time::ZERO {
            prop_assert!(s.source_offset(len, back - Time::TICK) < x);
        }
        // And from the source side: the inverse lands on the first tick reaching x.
        let target = Time((frac * len.0 as f64) as i64);
        let first = s.timeline_offset(len, target);
        if first < d {
            prop_assert!(s.source_offset(len, first) >= target);
        }
    }

    #[test]
    fn ramp_duration_equals_the_integral_of_the_curve(s in arb_speed(), len in 1_000_000i64..(1 << 42)) {
        let len = Time(len);
        let d = s.duration_for(len);
        // Integrate the speed numerically over the clip's duration, independently of the
        // exact integer mapping.
        let steps = 20_000;
        let dt = d.0 as f64 / f64::from(steps);
        let integral: f64 = (0..steps)
            .map(|i| s.speed_at(len, Time(((f64::from(i) + 0.5) * dt) as i64)) * dt)
            .sum();
        let rel = (integral - len.0 as f64).abs() / len.0 as f64;
        prop_assert!(rel < 1e-3, "integral {} vs length {}", integral, len.0);
        // And the exact mapping reaches the end of the source at the end of the clip.
        let end = s.source_offset(len, d);
        prop_assert!((end.0 - len.0).abs() <= 1000, "end {} vs length {}", end.0, len.0);
    }
}
