//! Emphasis and loop presets: shakes, pulses, wobbles, played over a clip's middle.

use super::super::super::easing::Interpolation;
use super::super::PresetKey;
use super::*;

use Interpolation::{EaseIn, EaseInOut, EaseOut, Linear};

const SHAKE: &[PresetKey] = &[
    (0, 0.0, Linear),
    (125, 0.02, Linear),
    (375, -0.02, Linear),
    (625, 0.02, Linear),
    (875, -0.02, Linear),
    (1000, 0.0, Linear),
];

/// Emphasis and loop animations.
pub(in crate::timeline::presets) const EMPHASIS_PRESETS: &[(&str, Channels)] = &[
    ("Shake", &[(PositionX, SHAKE)]),
    ("Shake vertical", &[(PositionY, SHAKE)]),
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
        "Tada",
        &[
            (
                Scale,
                &[
                    (0, 1.0, EaseOut),
                    (100, 0.9, EaseOut),
                    (300, 1.1, Linear),
                    (900, 1.1, EaseInOut),
                    (1000, 1.0, Linear),
                ],
            ),
            (
                Rotation,
                &[
                    (0, 0.0, EaseInOut),
                    (100, -3.0, EaseInOut),
                    (300, 3.0, EaseInOut),
                    (500, -3.0, EaseInOut),
                    (700, 3.0, EaseInOut),
                    (900, -3.0, EaseInOut),
                    (1000, 0.0, Linear),
                ],
            ),
        ],
    ),
    (
        "Float",
        &[(
            PositionY,
            &[
                (0, 0.0, EaseInOut),
                (500, -0.03, EaseInOut),
                (1000, 0.0, Linear),
            ],
        )],
    ),
    ("Spin around", &[(Rotation, &ramp(0.0, 360.0, EaseInOut))]),
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
        "Blink",
        &[(
            Opacity,
            &[(0, 1.0, EaseIn), (500, 0.0, EaseOut), (1000, 1.0, Linear)],
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
    (
        "Rubber band",
        &[
            (
                ScaleX,
                &[
                    (0, 1.0, EaseOut),
                    (300, 1.25, EaseInOut),
                    (400, 0.75, EaseInOut),
                    (500, 1.15, EaseInOut),
                    (650, 0.95, EaseInOut),
                    (750, 1.05, EaseInOut),
                    (1000, 1.0, Linear),
                ],
            ),
            (
                ScaleY,
                &[
                    (0, 1.0, EaseOut),
                    (300, 0.75, EaseInOut),
                    (400, 1.25, EaseInOut),
                    (500, 0.85, EaseInOut),
                    (650, 1.05, EaseInOut),
                    (750, 0.95, EaseInOut),
                    (1000, 1.0, Linear),
                ],
            ),
        ],
    ),
];
