//! Preset animations as data: fades, zooms, slides, spins, bounces, pops, wipes, shakes,
//! Ken Burns moves. Applying one writes ordinary keyframes onto the clip, which the user
//! can then edit like any others.
//!
//! Each "in" preset is written once (in `catalog.rs`); its "out" twin is derived by
//! playing it backwards (times mirrored, eases swapped), so the two always match. A
//! preset with a direction is also turned around, so a "Slide left" leaves to the left as
//! it came in moving left.

use super::easing::Interpolation;
use super::keyframes::Keyframes;
use super::time::{Rounding, Time};
use super::transform::{Animation, Property};

/// Where on the clip a preset goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PresetKind {
    /// At the clip's start.
    In,
    /// Ending at the clip's end.
    Out,
    /// An emphasis or loop, from the clip's start for the given duration.
    Emphasis,
    /// Over the whole clip (duration ignored).
    WholeClip,
}

/// One keyframe of a preset: time in thousandths of the preset's duration, value, curve.
pub type PresetKey = (u32, f64, Interpolation);

/// A named animation preset.
#[derive(Clone, Debug, PartialEq)]
pub struct AnimationPreset {
    /// Name shown to users, unique ignoring case.
    pub name: String,
    /// Where it goes on the clip.
    pub kind: PresetKind,
    /// Keyframes per property.
    pub channels: Vec<(Property, Vec<PresetKey>)>,
}

use Interpolation::Linear;

mod catalog;

use catalog::{Channels, Exit, EMPHASIS_PRESETS, IN_PRESETS, WHOLE_CLIP_PRESETS};

/// The curve that traces `curve` backwards in time.
fn mirrored(curve: Interpolation) -> Interpolation {
    match curve {
        Interpolation::EaseIn => Interpolation::EaseOut,
        Interpolation::EaseOut => Interpolation::EaseIn,
        Interpolation::CubicBezier { x1, y1, x2, y2 } => {
            Interpolation::bezier(1.0 - x2, 1.0 - y2, 1.0 - x1, 1.0 - y1)
        }
        other => other,
    }
}

/// `keys` played backwards: times mirrored, each segment's curve mirrored.
fn reversed(keys: &[PresetKey]) -> Vec<PresetKey> {
    let n = keys.len();
    (0..n)
        .map(|j| {
            let (t, v, _) = keys[n - 1 - j];
            let curve = if j + 1 < n {
                mirrored(keys[n - 2 - j].2)
            } else {
                Linear
            };
            (1000u32.saturating_sub(t), v, curve)
        })
        .collect()
}

/// The property an [`Exit::Onward`] exit animates instead of `property`: crops move to the
/// opposite edge, everything else stays.
fn turned_around(property: Property) -> Property {
    match property {
        Property::CropLeft => Property::CropRight,
        Property::CropRight => Property::CropLeft,
        Property::CropTop => Property::CropBottom,
        Property::CropBottom => Property::CropTop,
        other => other,
    }
}

fn build(name: &str, kind: PresetKind, channels: Channels) -> AnimationPreset {
    AnimationPreset {
        name: name.to_owned(),
        kind,
        channels: channels
            .iter()
            .map(|(p, keys)| (*p, keys.to_vec()))
            .collect(),
    }
}

/// The exit twin of an entrance (see [`Exit`]).
fn exit_of(name: &str, channels: Channels, exit: Exit) -> AnimationPreset {
    let channels = channels
        .iter()
        .map(|&(property, keys)| {
            let mut keys = reversed(keys);
            match exit {
                Exit::Mirror => (property, keys),
                Exit::Onward => {
                    if matches!(
                        property,
                        Property::PositionX | Property::PositionY | Property::Rotation
                    ) {
                        for key in &mut keys {
                            key.1 = -key.1;
                        }
                    }
                    (turned_around(property), keys)
                }
            }
        })
        .collect();
    AnimationPreset {
        name: name.to_owned(),
        kind: PresetKind::Out,
        channels,
    }
}

/// Every built-in animation preset: entrances, their matching exits, emphases and
/// whole-clip moves.
pub fn animation_presets() -> Vec<AnimationPreset> {
    let mut out = Vec::new();
    for (name, _, _, channels) in IN_PRESETS {
        out.push(build(name, PresetKind::In, channels));
    }
    for (_, exit_name, exit, channels) in IN_PRESETS {
        out.push(exit_of(exit_name, channels, *exit));
    }
    for (name, channels) in EMPHASIS_PRESETS {
        out.push(build(name, PresetKind::Emphasis, channels));
    }
    for (name, channels) in WHOLE_CLIP_PRESETS {
        out.push(build(name, PresetKind::WholeClip, channels));
    }
    out
}

/// The preset called `name` (case-insensitive).
pub fn animation_preset(name: &str) -> Option<AnimationPreset> {
    animation_presets()
        .into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
}

impl AnimationPreset {
    /// The keyframes to set on a clip lasting `clip_duration` whose animation is
    /// `current`, for a preset lasting `duration` (clamped to the clip). Keyframes the
    /// preset's time window covers are replaced; the rest are kept.
    pub fn keyframes_for(
        &self,
        current: &Animation,
        clip_duration: Time,
        duration: Time,
    ) -> Vec<(Property, Keyframes<f64>)> {
        let clip_duration = clip_duration.max(Time::TICK);
        let duration = match self.kind {
            PresetKind::WholeClip => clip_duration,
            _ => duration.clamp_to(Time::TICK, clip_duration),
        };
        let start = match self.kind {
            PresetKind::Out => clip_duration - duration,
            _ => Time::ZERO,
        };
        self.channels
            .iter()
            .map(|(property, keys)| {
                let mut k = current.channel(*property).cloned().unwrap_or_default();
                k.clear_range(start, start + duration + Time::TICK);
                for &(at, value, curve) in keys {
                    let t = start + duration.mul_ratio(i64::from(at), 1000, Rounding::Nearest);
                    k.insert(t, value, curve);
                }
                (*property, k)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Interpolation::EaseIn;
    use Property::*;

    #[test]
    fn there_are_at_least_eighty_uniquely_named_presets() {
        let all = animation_presets();
        assert!(all.len() >= 80, "only {}", all.len());
        let mut names: Vec<String> = all.iter().map(|p| p.name.to_lowercase()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len());
    }

    #[test]
    fn every_entrance_has_a_matching_exit() {
        let fade_out = animation_preset("fade OUT").map(|p| p.channels);
        assert_eq!(
            fade_out,
            Some(vec![(Opacity, vec![(0, 1.0, EaseIn), (1000, 0.0, Linear)])])
        );
    }

    #[test]
    fn an_exit_preset_ends_at_the_clip_end_and_keeps_earlier_keyframes() {
        let mut anim = Animation::default();
        anim.set_channel(Opacity, Keyframes::from_keys([(Time::ZERO, 0.5, Linear)]));
        let preset = animation_preset("Fade out")
            .map(|p| p.keyframes_for(&anim, Time::from_secs(10), Time::from_secs(1)));
        let Some([(Opacity, keys)]) = preset.as_deref() else {
            panic!("fade out sets opacity only: {preset:?}");
        };
        let times: Vec<Time> = keys.times().collect();
        assert_eq!(
            times,
            vec![Time::ZERO, Time::from_secs(9), Time::from_secs(10)]
        );
        assert_eq!(keys.value_at(Time::from_secs(10)), Some(0.0));
    }

    #[test]
    fn every_preset_starts_and_ends_inside_its_window_and_lands_on_the_identity() {
        for preset in animation_presets() {
            for (property, keys) in &preset.channels {
                assert!(keys.iter().all(|k| k.0 <= 1000), "{}", preset.name);
                let Some(last) = keys.last() else {
                    panic!("{} has an empty channel", preset.name)
                };
                let Some(first) = keys.first() else { continue };
                let rest = match preset.kind {
                    PresetKind::In => last.1,
                    PresetKind::Out => first.1,
                    _ => continue,
                };
                assert_eq!(
                    rest,
                    property.default_value(),
                    "{} {:?}",
                    preset.name,
                    property
                );
            }
        }
    }

    /// A preset's motion on a ten-second clip (one second for the preset), sampled every
    /// 20 ms: position, scale, rotation (in quarter turns), opacity and crop at each sample.
    fn sampled_motion(preset: &AnimationPreset) -> Vec<f64> {
        let clip = Time::from_secs(10);
        let mut animation = Animation::default();
        for (property, keys) in preset.keyframes_for(&animation.clone(), clip, Time::from_secs(1)) {
            animation.set_channel(property, keys);
        }
        (0..=500)
            .flat_map(|i| {
                let t = animation.transform_at(Time::from_millis(i * 20));
                [
                    t.position.x,
                    t.position.y,
                    t.scale.x,
                    t.scale.y,
                    t.rotation_degrees / 90.0,
                    t.opacity,
                    t.crop.left,
                    t.crop.top,
                    t.crop.right,
                    t.crop.bottom,
                ]
            })
            .collect()
    }

    /// Pairs of presets whose sampled motions never differ by more than half a percent
    /// of the frame (about ten pixels across a 1080p picture).
    fn presets_that_move_alike(all: &[AnimationPreset]) -> Vec<String> {
        let motions: Vec<Vec<f64>> = all.iter().map(sampled_motion).collect();
        let mut same = Vec::new();
        for i in 0..all.len() {
            for j in i + 1..all.len() {
                let largest_difference = motions[i]
                    .iter()
                    .zip(&motions[j])
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max);
                if largest_difference < 0.005 {
                    same.push(format!("{} = {}", all[i].name, all[j].name));
                }
            }
        }
        same
    }

    #[test]
    fn no_two_presets_move_the_same_way() {
        let same = presets_that_move_alike(&animation_presets());
        assert!(same.is_empty(), "presets that move alike: {same:?}");
    }

    #[test]
    fn a_renamed_copy_of_a_preset_counts_as_moving_the_same_way() {
        let mut all = animation_presets();
        let Some(mut copy) = animation_preset("Shake") else {
            panic!("no Shake preset")
        };
        copy.name = "Jitter".into();
        // A tiny change below what anyone would see is still the same motion.
        copy.channels[0].1[1].1 += 0.001;
        all.push(copy);
        assert_eq!(presets_that_move_alike(&all), vec!["Shake = Jitter"]);
    }

    /// How far the picture travels across the preset's window: right and down positive,
    /// counting a crop edge sweeping across as movement too.
    fn travel(preset: &AnimationPreset) -> (f64, f64, f64) {
        let delta = |property: Property| {
            preset
                .channels
                .iter()
                .find(|(p, _)| *p == property)
                .and_then(|(_, keys)| Some(keys.last()?.1 - keys.first()?.1))
                .unwrap_or(0.0)
        };
        let across = delta(PositionX) + delta(CropLeft) - delta(CropRight);
        let down = delta(PositionY) + delta(CropTop) - delta(CropBottom);
        (across, down, delta(Rotation))
    }

    #[test]
    fn every_direction_in_a_name_is_the_way_the_picture_moves() {
        let mut checked = 0;
        for preset in animation_presets() {
            let name = preset.name.to_lowercase();
            let words: Vec<&str> = name.split(' ').collect();
            let (across, down, turn) = travel(&preset);
            for (word, moves) in [
                ("left", across < 0.0),
                ("right", across > 0.0),
                ("up", down < 0.0),
                ("down", down > 0.0),
                ("counterclockwise", turn < 0.0),
            ] {
                if words.contains(&word) {
                    checked += 1;
                    assert!(moves, "{} does not move {word}", preset.name);
                }
            }
        }
        assert!(checked >= 30, "only {checked} directions checked");
    }

    #[test]
    fn no_name_says_a_word_twice_in_a_row() {
        for preset in animation_presets() {
            let words: Vec<String> = preset.name.split(' ').map(str::to_lowercase).collect();
            assert!(
                words.windows(2).all(|w| w[0] != w[1]),
                "{} repeats itself",
                preset.name
            );
        }
    }

    #[test]
    fn slide_left_out_leaves_to_the_left() {
        let preset = animation_preset("Slide left out");
        let keys = preset.map(|p| p.channels);
        assert_eq!(
            keys,
            Some(vec![(
                PositionX,
                vec![(0, 0.0, EaseIn), (1000, -1.0, Linear)]
            )])
        );
    }
}
