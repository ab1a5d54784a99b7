//! The built-in presets as data: entrances (each with the name of its exit and how the
//! exit is derived), emphases and whole-clip camera moves.
//!
//! Names follow "<motion> in|out": the direction in a name is the way the picture moves
//! (a "Slide left" travels leftwards both as it enters and as it leaves), rotations are
//! clockwise-positive, and positions are in frame sizes with down positive.

use super::super::easing::Interpolation;
use super::super::transform::Property;
use super::PresetKey;

use Interpolation::{EaseIn, EaseInOut, EaseOut, Linear};
use Property::*;

mod camera;
mod emphasis;

pub(super) use camera::WHOLE_CLIP_PRESETS;
pub(super) use emphasis::EMPHASIS_PRESETS;

/// Overshoots then settles: a "back" ease for pops and bounces.
const OVERSHOOT: Interpolation = Interpolation::bezier(0.34, 1.56, 0.64, 1.0);
/// Very fast start, long settle: whips.
const WHIP: Interpolation = Interpolation::bezier(0.1, 0.9, 0.2, 1.0);

pub(super) type Channels = &'static [(Property, &'static [PresetKey])];

/// How an entrance's exit twin is made from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Exit {
    /// Played backwards: the picture leaves the way it came (fades, zooms, flips).
    Mirror,
    /// Played backwards and turned around, so the motion keeps its direction: positions
    /// and rotation negated, each crop moved to the opposite edge. A "Slide left in"
    /// arrives from the right moving left; its exit leaves to the left.
    Onward,
}

/// One entrance: its name, its exit's name, how the exit is derived, its keyframes.
pub(super) type Entrance = (&'static str, &'static str, Exit, Channels);

/// A move across the whole window from `from` to `to`, shaped by `curve`.
const fn ramp(from: f64, to: f64, curve: Interpolation) -> [PresetKey; 2] {
    [(0, from, curve), (1000, to, Linear)]
}

const FADE: &[PresetKey] = &ramp(0.0, 1.0, EaseOut);

/// Entrance animations; the exits are derived from them.
pub(super) const IN_PRESETS: &[Entrance] = &[
    ("Fade in", "Fade out", Exit::Mirror, &[(Opacity, FADE)]),
    (
        "Zoom in",
        "Zoom out",
        Exit::Mirror,
        &[(Scale, &ramp(0.0, 1.0, EaseOut))],
    ),
    (
        "Zoom out in",
        "Grow out",
        Exit::Mirror,
        &[(Scale, &ramp(2.0, 1.0, EaseOut)), (Opacity, FADE)],
    ),
    (
        "Slide left in",
        "Slide left out",
        Exit::Onward,
        &[(PositionX, &ramp(1.0, 0.0, EaseOut))],
    ),
    (
        "Slide right in",
        "Slide right out",
        Exit::Onward,
        &[(PositionX, &ramp(-1.0, 0.0, EaseOut))],
    ),
    (
        "Slide up in",
        "Slide up out",
        Exit::Onward,
        &[(PositionY, &ramp(1.0, 0.0, EaseOut))],
    ),
    (
        "Slide down in",
        "Slide down out",
        Exit::Onward,
        &[(PositionY, &ramp(-1.0, 0.0, EaseOut))],
    ),
    (
        "Slide up left in",
        "Slide up left out",
        Exit::Onward,
        &[
            (PositionX, &ramp(1.0, 0.0, EaseOut)),
            (PositionY, &ramp(1.0, 0.0, EaseOut)),
        ],
    ),
    (
        "Slide down right in",
        "Slide down right out",
        Exit::Onward,
        &[
            (PositionX, &ramp(-1.0, 0.0, EaseOut)),
            (PositionY, &ramp(-1.0, 0.0, EaseOut)),
        ],
    ),
    (
        "Fade slide left in",
        "Fade slide left out",
        Exit::Onward,
        &[(PositionX, &ramp(0.15, 0.0, EaseOut)), (Opacity, FADE)],
    ),
    (
        "Fade slide right in",
        "Fade slide right out",
        Exit::Onward,
        &[(PositionX, &ramp(-0.15, 0.0, EaseOut)), (Opacity, FADE)],
    ),
    (
        "Fade slide down in",
        "Fade slide down out",
        Exit::Onward,
        &[(PositionY, &ramp(-0.15, 0.0, EaseOut)), (Opacity, FADE)],
    ),
    (
        "Spin in",
        "Spin out",
        Exit::Onward,
        &[
            (Rotation, &ramp(-360.0, 0.0, EaseOut)),
            (Scale, &ramp(0.0, 1.0, EaseOut)),
        ],
    ),
    (
        "Spin counterclockwise in",
        "Spin counterclockwise out",
        Exit::Onward,
        &[
            (Rotation, &ramp(360.0, 0.0, EaseOut)),
            (Scale, &ramp(0.0, 1.0, EaseOut)),
        ],
    ),
    (
        "Roll left in",
        "Roll left out",
        Exit::Onward,
        &[
            (PositionX, &ramp(1.0, 0.0, EaseOut)),
            (Rotation, &ramp(360.0, 0.0, EaseOut)),
        ],
    ),
    (
        "Roll right in",
        "Roll right out",
        Exit::Onward,
        &[
            (PositionX, &ramp(-1.0, 0.0, EaseOut)),
            (Rotation, &ramp(-360.0, 0.0, EaseOut)),
        ],
    ),
    (
        "Bounce in",
        "Bounce out",
        Exit::Mirror,
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
        "Bounce up in",
        "Bounce up out",
        Exit::Onward,
        &[(
            PositionY,
            &[
                (0, 1.0, EaseOut),
                (600, -0.08, EaseInOut),
                (800, 0.03, EaseInOut),
                (1000, 0.0, Linear),
            ],
        )],
    ),
    (
        "Elastic in",
        "Elastic out",
        Exit::Mirror,
        &[(
            Scale,
            &[
                (0, 0.0, EaseOut),
                (400, 1.25, EaseInOut),
                (600, 0.85, EaseInOut),
                (800, 1.08, EaseInOut),
                (900, 0.97, EaseInOut),
                (1000, 1.0, Linear),
            ],
        )],
    ),
    (
        "Pop in",
        "Pop out",
        Exit::Mirror,
        &[
            (Scale, &ramp(0.5, 1.0, OVERSHOOT)),
            (Opacity, &[(0, 0.0, EaseOut), (400, 1.0, Linear)]),
        ],
    ),
    (
        "Pop up in",
        "Pop up out",
        Exit::Onward,
        &[
            (PositionY, &ramp(0.25, 0.0, OVERSHOOT)),
            (Scale, &ramp(0.6, 1.0, OVERSHOOT)),
            (Opacity, &[(0, 0.0, EaseOut), (300, 1.0, Linear)]),
        ],
    ),
    (
        "Drop in",
        "Drop out",
        Exit::Onward,
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
        "Rise out",
        Exit::Onward,
        &[(PositionY, &ramp(0.1, 0.0, EaseOut)), (Opacity, FADE)],
    ),
    (
        "Fade zoom in",
        "Fade zoom out",
        Exit::Mirror,
        &[(Scale, &ramp(0.8, 1.0, EaseOut)), (Opacity, FADE)],
    ),
    (
        "Glide in",
        "Glide out",
        Exit::Mirror,
        &[
            (PositionX, &ramp(0.05, 0.0, EaseOut)),
            (Scale, &ramp(1.1, 1.0, EaseOut)),
            (Opacity, &ramp(0.0, 1.0, Linear)),
        ],
    ),
    (
        "Tilt in",
        "Tilt out",
        Exit::Mirror,
        &[
            (Rotation, &ramp(15.0, 0.0, EaseOut)),
            (Scale, &ramp(0.9, 1.0, EaseOut)),
            (Opacity, FADE),
        ],
    ),
    (
        "Flip in",
        "Flip out",
        Exit::Mirror,
        &[(ScaleX, &ramp(0.0, 1.0, EaseOut))],
    ),
    (
        "Squeeze in",
        "Squeeze out",
        Exit::Mirror,
        &[(ScaleY, &ramp(0.0, 1.0, EaseOut))],
    ),
    (
        "Stretch in",
        "Stretch out",
        Exit::Mirror,
        &[(ScaleX, &ramp(2.0, 1.0, EaseOut)), (Opacity, FADE)],
    ),
    (
        "Wipe right in",
        "Wipe right out",
        Exit::Onward,
        &[(CropRight, &ramp(1.0, 0.0, EaseInOut))],
    ),
    (
        "Wipe left in",
        "Wipe left out",
        Exit::Onward,
        &[(CropLeft, &ramp(1.0, 0.0, EaseInOut))],
    ),
    (
        "Wipe down in",
        "Wipe down out",
        Exit::Onward,
        &[(CropBottom, &ramp(1.0, 0.0, EaseInOut))],
    ),
    (
        "Wipe up in",
        "Wipe up out",
        Exit::Onward,
        &[(CropTop, &ramp(1.0, 0.0, EaseInOut))],
    ),
    (
        "Iris in",
        "Iris out",
        Exit::Mirror,
        &[
            (CropLeft, &ramp(0.5, 0.0, EaseInOut)),
            (CropRight, &ramp(0.5, 0.0, EaseInOut)),
            (CropTop, &ramp(0.5, 0.0, EaseInOut)),
            (CropBottom, &ramp(0.5, 0.0, EaseInOut)),
        ],
    ),
    (
        "Split horizontal in",
        "Split horizontal out",
        Exit::Mirror,
        &[
            (CropLeft, &ramp(0.5, 0.0, EaseInOut)),
            (CropRight, &ramp(0.5, 0.0, EaseInOut)),
        ],
    ),
    (
        "Split vertical in",
        "Split vertical out",
        Exit::Mirror,
        &[
            (CropTop, &ramp(0.5, 0.0, EaseInOut)),
            (CropBottom, &ramp(0.5, 0.0, EaseInOut)),
        ],
    ),
    (
        "Swing in",
        "Swing out",
        Exit::Mirror,
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
        "Whip left out",
        Exit::Onward,
        &[
            (PositionX, &ramp(1.0, 0.0, WHIP)),
            (ScaleX, &ramp(1.3, 1.0, EaseOut)),
        ],
    ),
    (
        "Whip right in",
        "Whip right out",
        Exit::Onward,
        &[
            (PositionX, &ramp(-1.0, 0.0, WHIP)),
            (ScaleX, &ramp(1.3, 1.0, EaseOut)),
        ],
    ),
];
