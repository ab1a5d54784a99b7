//! Preset animations as data: fades, zooms, slides, spins, bounces, pops, wipes, shakes,
//! Ken Burns moves. Applying one writes ordinary keyframes onto the clip, which the user
//! can then edit like any others.
//!
//! Each "in" preset is written once; its "out" twin is derived by playing it backwards
//! (times mirrored, eases swapped), so the two always match.

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

use Interpolation::{EaseIn, EaseInOut, EaseOut, Linear};
use Property::*;

/// Overshoots then settles: a "back" ease for pops and bounces.
const OVERSHOOT: Interpolation = Interpolation::bezier(0.34, 1.56, 0.64, 1.0);

type Channels = &'static [(Property, &'static [PresetKey])];

/// Entrance animations; the exits are derived from them.
const IN_PRESETS: &[(&str, Channels)] = &[
    (
        "Fade in",
        &[(Opacity, &[(0, 0.0, EaseOut), (1000, 1.0, Linear)])],
    ),
    (
        "Zoom in",
        &[(Scale, &[(0, 0.0, EaseOut), (1000, 1.0, Linear)])],
    ),
    (
        "Zoom out in",
        &[
            (Scale, &[(0, 2.0, EaseOut), (1000, 1.0, Linear)]),
            (Opacity, &[(0, 0.0, EaseOut), (1000, 1.0, Linear)]),
        ],
    ),
    (
        "Slide left in",
        &[(PositionX, &[(0, 1.0, EaseOut), (1000, 0.0, Linear)])],
    ),
    (
        "Slide right in",
        &[(PositionX, &[(0, -1.0, EaseOut), (1000, 0.0, Linear)])],
    ),
    (
        "Slide up in",
        &[(PositionY, &[(0, 1.0, EaseOut), (1000, 0.0, Linear)])],
    ),
    (
        "Slide down in",
        &[(PositionY, &[(0, -1.0, EaseOut), (1000, 0.0, Linear)])],
    ),
    (
        "Spin in",
        &[
            (Rotation, &[(0, -360.0, EaseOut), (1000, 0.0, Linear)]),
            (Scale, &[(0, 0.0, EaseOut), (1000, 1.0, Linear)]),
        ],
    ),
    (
        "Spin counterclockwise in",
        &[
            (Rotation, &[(0, 360.0, EaseOut), (1000, 0.0, Linear)]),
            (Scale, &[(0, 0.0, EaseOut), (1000, 1.0, Linear)]),
        ],
    ),
    (
        "Bounce in",
        &[(
            Scale,
            &[
                (0, 0.0, EaseOut),
                (500, 1.2, EaseInOut),
                (750, 0.9, EaseInOut),
                (1000, 1.0, Linear),
            ],
        )],
    ),
    (
        "Pop in",
        &[
            (Scale, &[(0, 0.5, OVERSHOOT), (1000, 1.0, Linear)]),
            (Opacity, &[(0, 0.0, EaseOut), (400, 1.0, Linear)]),
        ],
    ),
    (
        "Drop in",
        &[(
            PositionY,
            &[
                (0, -1.0, EaseIn),
                (600, 0.0, EaseOut),
                (800, -0.05, EaseIn),
                (1000, 0.0, Linear),
            ],
        )],
    ),
    (
        "Rise in",
        &[
            (PositionY, &[(0, 0.1, EaseOut), (1000, 0.0, Linear)]),
            (Opacity, &[(0, 0.0, EaseOut), (1000, 1.0, Linear)]),
        ],
    ),
    (
        "Flip in",
        &[(ScaleX, &[(0, 0.0, EaseOut), (1000, 1.0, Linear)])],
    ),
    (
        "Squeeze in",
        &[(ScaleY, &[(0, 0.0, EaseOut), (1000, 1.0, Linear)])],
    ),
    (
        "Wipe right in",
        &[(CropRight, &[(0, 1.0, EaseInOut), (1000, 0.0, Linear)])],
    ),
    (
        "Wipe left in",
        &[(CropLeft, &[(0, 1.0, EaseInOut), (1000, 0.0, Linear)])],
    ),
    (
        "Wipe down in",
        &[(CropBottom, &[(0, 1.0, EaseInOut), (1000, 0.0, Linear)])],
    ),
    (
        "Wipe up in",
        &[(CropTop, &[(0, 1.0, EaseInOut), (1000, 0.0, Linear)])],
    ),
    (
        "Swing in",
        &[
            (
                Rotation,
                &[
                    (0, -30.0, EaseOut),
                    (600, 8.0, EaseInOut),
                    (1000, 0.0, Linear),
                ],
            ),
            (Opacity, &[(0, 0.0, EaseOut), (300, 1.0, Linear)]),
        ],
    ),
    (
        "Whip left in",
        &[
            (
                PositionX,
                &[
                    (0, 1.0, Interpolation::bezier(0.1, 0.9, 0.2, 1.0)),
                    (1000, 0.0, Linear),
                ],
            ),
            (ScaleX, &[(0, 1.3, EaseOut), (1000, 1.0, Linear)]),
        ],
    ),
    (
        "Whip right in",
        &[
            (
                PositionX,
                &[
                    (0, -1.0, Interpolation::bezier(0.1, 0.9, 0.2, 1.0)),
                    (1000, 0.0, Linear),
                ],
            ),
            (ScaleX, &[(0, 1.3, EaseOut), (1000, 1.0, Linear)]),
        ],
    ),
];

/// Emphasis and loop animations.
const EMPHASIS_PRESETS: &[(&str, Channels)] = &[
    (
        "Shake",
        &[(
            PositionX,
            &[
                (0, 0.0, Linear),
                (125, 0.02, Linear),
                (375, -0.02, Linear),
                (625, 0.02, Linear),
                (875, -0.02, Linear),
                (1000, 0.0, Linear),
            ],
        )],
    ),
    (
        "Pulse",
        &[(
            Scale,
            &[
                (0, 1.0, EaseInOut),
                (500, 1.1, EaseInOut),
                (1000, 1.0, Linear),
            ],
        )],
    ),
    (
        "Heartbeat",
        &[(
            Scale,
            &[
                (0, 1.0, EaseOut),
                (150, 1.15, EaseIn),
                (300, 1.0, EaseOut),
                (450, 1.15, EaseIn),
                (600, 1.0, Linear),
            ],
        )],
    ),
    (
        "Wobble",
        &[(
            Rotation,
            &[
                (0, 0.0, EaseInOut),
                (250, 5.0, EaseInOut),
                (500, -5.0, EaseInOut),
                (750, 3.0, EaseInOut),
                (1000, 0.0, Linear),
            ],
        )],
    ),
    (
        "Flash",
        &[(
            Opacity,
            &[
                (0, 1.0, Linear),
                (250, 0.0, Linear),
                (500, 1.0, Linear),
                (750, 0.0, Linear),
                (1000, 1.0, Linear),
            ],
        )],
    ),
    (
        "Jello",
        &[
            (
                ScaleX,
                &[
                    (0, 1.0, EaseInOut),
                    (300, 1.25, EaseInOut),
                    (600, 0.9, EaseInOut),
                    (1000, 1.0, Linear),
                ],
            ),
            (
                ScaleY,
                &[
                    (0, 1.0, EaseInOut),
                    (300, 0.75, EaseInOut),
                    (600, 1.1, EaseInOut),
                    (1000, 1.0, Linear),
                ],
            ),
        ],
    ),
];

/// Whole-clip camera moves.
const WHOLE_CLIP_PRESETS: &[(&str, Channels)] = &[
    (
        "Ken Burns zoom in",
        &[(Scale, &[(0, 1.0, Linear), (1000, 1.2, Linear)])],
    ),
    (
        "Ken Burns zoom out",
        &[(Scale, &[(0, 1.2, Linear), (1000, 1.0, Linear)])],
    ),
    (
        "Ken Burns pan left",
        &[
            (Scale, &[(0, 1.2, Linear)]),
            (PositionX, &[(0, 0.08, Linear), (1000, -0.08, Linear)]),
        ],
    ),
    (
        "Ken Burns pan right",
        &[
            (Scale, &[(0, 1.2, Linear)]),
            (PositionX, &[(0, -0.08, Linear), (1000, 0.08, Linear)]),
        ],
    ),
    (
        "Ken Burns pan up",
        &[
            (Scale, &[(0, 1.2, Linear)]),
            (PositionY, &[(0, 0.08, Linear), (1000, -0.08, Linear)]),
        ],
    ),
    (
        "Slow rotate",
        &[
            (Scale, &[(0, 1.15, Linear)]),
            (Rotation, &[(0, -4.0, Linear), (1000, 4.0, Linear)]),
        ],
    ),
];

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

fn build(name: &str, kind: PresetKind, channels: Channels, reverse: bool) -> AnimationPreset {
    AnimationPreset {
        name: name.to_owned(),
        kind,
        channels: channels
            .iter()
            .map(|(p, keys)| {
                (
                    *p,
                    if reverse {
                        reversed(keys)
                    } else {
                        keys.to_vec()
                    },
                )
            })
            .collect(),
    }
}

/// Every built-in animation preset: entrances, their matching exits, emphases and
/// whole-clip moves.
pub fn animation_presets() -> Vec<AnimationPreset> {
    let mut out = Vec::new();
    for (name, channels) in IN_PRESETS {
        out.push(build(name, PresetKind::In, channels, false));
    }
    for (name, channels) in IN_PRESETS {
        let out_name = match name.strip_suffix(" in") {
            Some(stem) => format!("{stem} out"),
            None => format!("{name} out"),
        };
        out.push(build(&out_name, PresetKind::Out, channels, true));
    }
    for (name, channels) in EMPHASIS_PRESETS {
        out.push(build(name, PresetKind::Emphasis, channels, false));
    }
    for (name, channels) in WHOLE_CLIP_PRESETS {
        out.push(build(name, PresetKind::WholeClip, channels, false));
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

    #[test]
    fn there_are_at_least_forty_uniquely_named_presets() {
        let all = animation_presets();
        assert!(all.len() >= 40, "only {}", all.len());
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
}
