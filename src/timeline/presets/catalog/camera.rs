//! Whole-clip camera moves: Ken Burns zooms and pans over the clip's whole length.

use super::super::super::easing::Interpolation;
use super::*;

use Interpolation::Linear;

/// Whole-clip camera moves.
pub(in crate::timeline::presets) const WHOLE_CLIP_PRESETS: &[(&str, Channels)] = &[
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
        "Ken Burns pan down",
        &[
            (Scale, &[(0, 1.2, Linear)]),
            (PositionY, &[(0, -0.08, Linear), (1000, 0.08, Linear)]),
        ],
    ),
    (
        "Ken Burns zoom in and pan left",
        &[
            (Scale, &[(0, 1.05, Linear), (1000, 1.25, Linear)]),
            (PositionX, &[(0, 0.0, Linear), (1000, -0.1, Linear)]),
        ],
    ),
    (
        "Ken Burns zoom in and pan right",
        &[
            (Scale, &[(0, 1.05, Linear), (1000, 1.25, Linear)]),
            (PositionX, &[(0, 0.0, Linear), (1000, 0.1, Linear)]),
        ],
    ),
    (
        "Ken Burns drift",
        &[
            (Scale, &[(0, 1.15, Linear)]),
            (PositionX, &[(0, -0.05, Linear), (1000, 0.05, Linear)]),
            (PositionY, &[(0, -0.03, Linear), (1000, 0.03, Linear)]),
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
