//! Whole-clip camera moves: Ken Burns zooms and pans over the clip's whole length.

use super::super::super::easing::Interpolation;
use super::*;

use Interpolation::Linear;

/// Held zoomed in far enough that a pan of up to 0.08 frames never shows an edge.
const ZOOMED: (Property, &[PresetKey]) = (Scale, &[(0, 1.2, Linear)]);

/// Whole-clip camera moves.
pub(in crate::timeline::presets) const WHOLE_CLIP_PRESETS: &[(&str, Channels)] = &[
    ("Ken Burns zoom in", &[(Scale, &ramp(1.0, 1.2, Linear))]),
    ("Ken Burns zoom out", &[(Scale, &ramp(1.2, 1.0, Linear))]),
    (
        "Ken Burns pan left",
        &[ZOOMED, (PositionX, &ramp(0.08, -0.08, Linear))],
    ),
    (
        "Ken Burns pan right",
        &[ZOOMED, (PositionX, &ramp(-0.08, 0.08, Linear))],
    ),
    (
        "Ken Burns pan up",
        &[ZOOMED, (PositionY, &ramp(0.08, -0.08, Linear))],
    ),
    (
        "Ken Burns pan down",
        &[ZOOMED, (PositionY, &ramp(-0.08, 0.08, Linear))],
    ),
    (
        "Ken Burns zoom in and pan left",
        &[
            (Scale, &ramp(1.05, 1.25, Linear)),
            (PositionX, &ramp(0.0, -0.1, Linear)),
        ],
    ),
    (
        "Ken Burns zoom in and pan right",
        &[
            (Scale, &ramp(1.05, 1.25, Linear)),
            (PositionX, &ramp(0.0, 0.1, Linear)),
        ],
    ),
    (
        "Ken Burns drift",
        &[
            (Scale, &[(0, 1.15, Linear)]),
            (PositionX, &ramp(-0.05, 0.05, Linear)),
            (PositionY, &ramp(-0.03, 0.03, Linear)),
        ],
    ),
    (
        "Slow rotate",
        &[
            (Scale, &[(0, 1.15, Linear)]),
            (Rotation, &ramp(-4.0, 4.0, Linear)),
        ],
    ),
];
