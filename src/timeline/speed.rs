//! Clip speed: constant speed, speed ramps, freeze frames and reverse, with the exact
//! mapping between time on the timeline and time in the source.
//!
//! Speeds are integers in millionths ([`SpeedFactor`]), ramp positions are parts per
//! billion of the clip, and every mapping is computed in `i128` with explicit flooring,
//! so results are exact, deterministic and monotone. A ramp is piecewise linear in speed
//! over the clip's timeline duration; the source time reached after `t` is the integral
//! of speed from 0 to `t`, and the clip's duration is the source length divided by the
//! ramp's mean speed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::time::{div_round, saturate, Rounding, Time};

/// Speed in millionths of normal: 1 000 000 is 1×, 100 000 is 0.1×, 100 000 000 is 100×.
///
/// Millionths, not thousandths, so that splitting a ramp (which needs the speed at the
/// cut) changes the picture by microseconds, not milliseconds.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(try_from = "u32", into = "u32")]
pub struct SpeedFactor(u32);

impl SpeedFactor {
    /// 0.1×, the slowest speed.
    pub const MIN: SpeedFactor = SpeedFactor(100_000);
    /// 1×, normal speed.
    pub const NORMAL: SpeedFactor = SpeedFactor(UNIT);
    /// 100×, the fastest speed.
    pub const MAX: SpeedFactor = SpeedFactor(100_000_000);

    /// A speed in millionths, or `None` outside 0.1×–100×.
    pub const fn from_micro(micro: u32) -> Option<SpeedFactor> {
        if micro < Self::MIN.0 || micro > Self::MAX.0 {
            None
        } else {
            Some(SpeedFactor(micro))
        }
    }

    /// A speed in thousandths (`2000` is 2×), or `None` outside 0.1×–100×.
    pub const fn from_milli(milli: u32) -> Option<SpeedFactor> {
        match milli.checked_mul(1000) {
            Some(micro) => Self::from_micro(micro),
            None => None,
        }
    }

    /// A speed from a multiplier such as `2.0`, rounded to a millionth; `None` if out of
    /// range or not finite.
    pub fn from_f64(multiplier: f64) -> Option<SpeedFactor> {
        if !multiplier.is_finite() || !(0.0..=1000.0).contains(&multiplier) {
            return None;
        }
        Self::from_micro((multiplier * f64::from(UNIT)).round() as u32)
    }

    /// The speed in millionths.
    pub const fn micro(self) -> u32 {
        self.0
    }

    /// The speed as a multiplier, for display.
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / f64::from(UNIT)
    }
}

impl TryFrom<u32> for SpeedFactor {
    type Error = String;
    fn try_from(micro: u32) -> Result<Self, Self::Error> {
        SpeedFactor::from_micro(micro).ok_or_else(|| {
            format!("speed {micro} is outside 100000..=100000000 millionths (0.1x to 100x)")
        })
    }
}

impl From<SpeedFactor> for u32 {
    fn from(s: SpeedFactor) -> u32 {
        s.0
    }
}

/// Millionths in 1×.
const UNIT: u32 = 1_000_000;

/// The end of a ramp: positions are parts per billion of a clip's duration.
pub const RAMP_END: u32 = 1_000_000_000;

/// Twice the area of a 1× ramp over the whole clip: mean speed (×) is `area2 / AREA2_ONE`.
const AREA2_ONE: i128 = 2 * RAMP_END as i128 * UNIT as i128;

/// One point of a speed ramp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RampPoint {
    /// Where in the clip, in parts per billion of its timeline duration (0 to 1 000 000 000).
    pub position: u32,
    /// The speed there; speed changes linearly to the next point.
    pub speed: SpeedFactor,
}

/// How fast the source plays over the clip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SpeedCurve {
    /// The same speed throughout.
    Constant {
        /// The speed.
        speed: SpeedFactor,
    },
    /// A speed ramp: points sorted by position, the first at 0 and the last at
    /// [`RAMP_END`], speed linear between them.
    Ramp {
        /// The ramp's points.
        points: Vec<RampPoint>,
    },
    /// One source frame (at the clip's source in-point) held for `duration`.
    Freeze {
        /// How long the frame is held on the timeline.
        duration: Time,
    },
}

/// A clip's speed settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Speed {
    /// The speed over the clip.
    pub curve: SpeedCurve,
    /// Play the source range backwards.
    #[serde(default)]
    pub reverse: bool,
    /// Keep the audio's pitch when the speed is not 1× (time-stretch instead of resample).
    #[serde(default = "default_true")]
    pub keep_pitch: bool,
}

fn default_true() -> bool {
    true
}

impl Default for Speed {
    fn default() -> Self {
        Speed::constant(SpeedFactor::NORMAL)
    }
}

/// Why a speed setting is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpeedError {
    /// A ramp needs at least two points.
    #[error("a speed ramp needs at least two points")]
    TooFewPoints,
    /// Ramp points must run from 0 to 1 000 000 in increasing order.
    #[error("speed ramp points must start at 0, end at 1000000 and increase")]
    BadPositions,
    /// A freeze frame must last at least one tick.
    #[error("a freeze frame must last longer than zero")]
    EmptyFreeze,
}

impl Speed {
    /// A constant speed, pitch kept.
    pub fn constant(speed: SpeedFactor) -> Speed {
        Speed {
            curve: SpeedCurve::Constant { speed },
            reverse: false,
            keep_pitch: true,
        }
    }

    /// A speed ramp through `points` (position in ppb, speed); see [`SpeedCurve::Ramp`].
    pub fn ramp(points: Vec<RampPoint>) -> Speed {
        Speed {
            curve: SpeedCurve::Ramp { points },
            reverse: false,
            keep_pitch: true,
        }
    }

    /// A freeze frame held for `duration`.
    pub fn freeze(duration: Time) -> Speed {
        Speed {
            curve: SpeedCurve::Freeze { duration },
            reverse: false,
            keep_pitch: true,
        }
    }

    /// True for plain 1× forward playback.
    pub fn is_normal(&self) -> bool {
        !self.reverse
            && matches!(self.curve, SpeedCurve::Constant { speed } if speed == SpeedFactor::NORMAL)
    }

    /// Checks the ramp shape and freeze length.
    pub fn validate(&self) -> Result<(), SpeedError> {
        match &self.curve {
            SpeedCurve::Constant { .. } => Ok(()),
            SpeedCurve::Freeze { duration } => {
                if duration.0 > 0 {
                    Ok(())
                } else {
                    Err(SpeedError::EmptyFreeze)
                }
            }
            SpeedCurve::Ramp { points } => {
                if points.len() < 2 {
                    return Err(SpeedError::TooFewPoints);
                }
                let ends_ok = points.first().map(|p| p.position) == Some(0)
                    && points.last().map(|p| p.position) == Some(RAMP_END);
                let increasing = points.windows(2).all(|w| w[0].position < w[1].position);
                if ends_ok && increasing {
                    Ok(())
                } else {
                    Err(SpeedError::BadPositions)
                }
            }
        }
    }

    /// The timeline duration of a clip playing `source_len` of its source at this speed.
    pub fn duration_for(&self, source_len: Time) -> Time {
        let len = i128::from(source_len.0.max(0));
        match &self.curve {
            SpeedCurve::Freeze { duration } => *duration,
            SpeedCurve::Constant { speed } => Time(saturate(div_round(
                len * i128::from(UNIT),
                i128::from(speed.0),
                Rounding::Ceil,
            ))),
            SpeedCurve::Ramp { points } => {
                let area2 = ramp_area2(points);
                Time(saturate(div_round(len * AREA2_ONE, area2, Rounding::Ceil)))
            }
        }
    }

    /// The longest source length whose clip lasts at most `duration` at this speed
    /// (`Time::MAX` for a freeze frame, whose duration does not depend on the source).
    pub fn max_source_len_for(&self, duration: Time) -> Time {
        let d = i128::from(duration.0.max(0));
        match &self.curve {
            SpeedCurve::Freeze { .. } => Time::MAX,
            SpeedCurve::Constant { speed } => source_covered(*speed, d),
            SpeedCurve::Ramp { points } => Time(saturate(div_round(
                d.saturating_mul(ramp_area2(points)),
                AREA2_ONE,
                Rounding::Floor,
            ))),
        }
    }

    /// Splits the speed of a clip playing `source_len` at `offset` into its timeline
    /// duration, for a clip split: a ramp becomes the two halves of its curve, each
    /// stretched over its own part; a freeze frame splits its duration.
    pub fn split_at(&self, source_len: Time, offset: Time) -> (Speed, Speed) {
        let with = |curve| Speed {
            curve,
            reverse: self.reverse,
            keep_pitch: self.keep_pitch,
        };
        match &self.curve {
            SpeedCurve::Constant { .. } => (self.clone(), self.clone()),
            SpeedCurve::Freeze { duration } => (
                with(SpeedCurve::Freeze { duration: offset }),
                with(SpeedCurve::Freeze {
                    duration: *duration - offset,
                }),
            ),
            SpeedCurve::Ramp { points } => {
                let d = i128::from(self.duration_for(source_len).0.max(1));
                let u = (i128::from(offset.0) * i128::from(RAMP_END) / d)
                    .clamp(1, i128::from(RAMP_END) - 1);
                let u = u32::try_from(u).unwrap_or(RAMP_END / 2);
                let at_u = ramp_speed_at(points, u);
                let left = points
                    .iter()
                    .filter(|p| p.position < u)
                    .map(|p| (rescale(p.position, 0, u), p.speed))
                    .chain([(RAMP_END, at_u)]);
                let right = [(0, at_u)].into_iter().chain(
                    points
                        .iter()
                        .filter(|p| p.position > u)
                        .map(|p| (rescale(p.position, u, RAMP_END), p.speed)),
                );
                (
                    with(SpeedCurve::Ramp {
                        points: clean_points(left),
                    }),
                    with(SpeedCurve::Ramp {
                        points: clean_points(right),
                    }),
                )
            }
        }
    }

    /// How far into the source (from the in-point, in playback direction) the clip is
    /// after `offset` of timeline time, for a clip playing `source_len` of source. Offsets
    /// are clamped to the clip; the result is floored to a tick, so it is monotone.
    pub fn source_offset(&self, source_len: Time, offset: Time) -> Time {
        let duration = self.duration_for(source_len);
        let dt = i128::from(offset.0.clamp(0, duration.0.max(0)));
        match &self.curve {
            SpeedCurve::Freeze { .. } => Time::ZERO,
            SpeedCurve::Constant { speed } => source_covered(*speed, dt),
            SpeedCurve::Ramp { points } => Time(saturate(ramp_source_offset(
                points,
                i128::from(duration.0),
                dt,
            ))),
        }
    }

    /// The inverse of [`Speed::source_offset`]: the earliest timeline offset at which the
    /// clip has reached `source_offset` into its source. For a freeze frame, zero.
    pub fn timeline_offset(&self, source_len: Time, source_offset: Time) -> Time {
        let duration = self.duration_for(source_len);
        let x = i128::from(source_offset.0.max(0));
        match &self.curve {
            SpeedCurve::Freeze { .. } => Time::ZERO,
            SpeedCurve::Constant { speed } => Time(saturate(div_round(
                x * i128::from(UNIT),
                i128::from(speed.0),
                Rounding::Ceil,
            )))
            .min(duration),
            SpeedCurve::Ramp { points } => {
                let d = i128::from(duration.0);
                let (mut lo, mut hi) = (0i128, d);
                if ramp_source_offset(points, d, hi) < x {
                    return duration;
                }
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if ramp_source_offset(points, d, mid) >= x {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                Time(saturate(lo))
            }
        }
    }

    /// The speed at `offset` into the clip, as a multiplier (0 for a freeze frame). For
    /// display and for audio time-stretching.
    pub fn speed_at(&self, source_len: Time, offset: Time) -> f64 {
        match &self.curve {
            SpeedCurve::Freeze { .. } => 0.0,
            SpeedCurve::Constant { speed } => speed.as_f64(),
            SpeedCurve::Ramp { points } => {
                let d = self.duration_for(source_len).0.max(1) as f64;
                let u = (offset.0 as f64 / d * f64::from(RAMP_END)).clamp(0.0, f64::from(RAMP_END));
                let mut last = 1.0;
                for w in points.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    last = b.speed.as_f64();
                    if u <= f64::from(b.position) {
                        let span = f64::from(b.position.saturating_sub(a.position)).max(1.0);
                        let f = (u - f64::from(a.position)) / span;
                        return a.speed.as_f64() + (b.speed.as_f64() - a.speed.as_f64()) * f;
                    }
                }
                last
            }
        }
    }
}

/// Maps `p` in `[from, to]` onto `[0, RAMP_END]`.
/// The source a constant `speed` plays in `timeline` ticks, floored to a tick.
fn source_covered(speed: SpeedFactor, timeline: i128) -> Time {
    Time(saturate(div_round(
        timeline * i128::from(speed.0),
        i128::from(UNIT),
        Rounding::Floor,
    )))
}

fn rescale(p: u32, from: u32, to: u32) -> u32 {
    let span = u64::from(to.saturating_sub(from)).max(1);
    let v = u64::from(p.saturating_sub(from)) * u64::from(RAMP_END) / span;
    u32::try_from(v.min(u64::from(RAMP_END))).unwrap_or(RAMP_END)
}

/// Keeps points with strictly increasing positions and pins the ends to 0 and `RAMP_END`.
fn clean_points(points: impl Iterator<Item = (u32, SpeedFactor)>) -> Vec<RampPoint> {
    let mut out: Vec<RampPoint> = Vec::new();
    for (position, speed) in points {
        if out.last().is_none_or(|l| position > l.position) {
            out.push(RampPoint { position, speed });
        } else if let Some(last) = out.last_mut() {
            // Rounding made two points meet: the later one wins at the end.
            if position == RAMP_END {
                last.speed = speed;
            }
        }
    }
    if let Some(first) = out.first_mut() {
        first.position = 0;
    }
    if out.len() < 2 {
        let speed = out.first().map_or(SpeedFactor::NORMAL, |p| p.speed);
        out = vec![
            RampPoint { position: 0, speed },
            RampPoint {
                position: RAMP_END,
                speed,
            },
        ];
    }
    if let Some(last) = out.last_mut() {
        last.position = RAMP_END;
    }
    out
}

/// The ramp's speed at position `u` (ppb), in whole millionths.
fn ramp_speed_at(points: &[RampPoint], u: u32) -> SpeedFactor {
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        if u <= b.position {
            let span = i64::from(b.position.saturating_sub(a.position)).max(1);
            let f = i64::from(u.saturating_sub(a.position));
            let s = i64::from(a.speed.0) + (i64::from(b.speed.0) - i64::from(a.speed.0)) * f / span;
            let s = u32::try_from(s).unwrap_or(SpeedFactor::NORMAL.0);
            return SpeedFactor::from_micro(s).unwrap_or(a.speed);
        }
    }
    points.last().map_or(SpeedFactor::NORMAL, |p| p.speed)
}

/// Twice the area under the ramp in ppb × millionths: mean speed is `area2 / AREA2_ONE`.
/// Never zero, so callers can divide by it.
fn ramp_area2(points: &[RampPoint]) -> i128 {
    let area: i128 = points
        .windows(2)
        .map(|w| {
            let dp = i128::from(w[1].position.saturating_sub(w[0].position));
            dp * i128::from(w[0].speed.0 + w[1].speed.0)
        })
        .sum();
    area.max(1)
}

/// Source ticks reached after `dt` ticks of a ramp clip lasting `d` ticks.
///
/// Segment `j` spans timeline ticks `[T_j, T_j+1)` with `T_j = floor(pos_j * d / 1e9)`;
/// with `P_j` twice the millionth-ticks consumed before it, the position inside the
/// segment at `e = dt - T_j` is `floor((P_j·ΔT + 2·ΔT·e·s_j + (s_j+1 − s_j)·e²) / (2e6·ΔT))`,
/// the exact integral of the linear speed, which meets the next segment's value exactly at
/// the boundary.
fn ramp_source_offset(points: &[RampPoint], d: i128, dt: i128) -> i128 {
    let boundary = |p: &RampPoint| i128::from(p.position) * d / i128::from(RAMP_END);
    let mut prefix: i128 = 0;
    for w in points.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let (t0, t1) = (boundary(a), boundary(b));
        let span = t1 - t0;
        let (s0, s1) = (i128::from(a.speed.0), i128::from(b.speed.0));
        if dt <= t1 && span > 0 {
            let e = (dt - t0).max(0);
            // Saturating: only absurd lengths (far beyond the project limits) can reach
            // the ends of i128, and those must not panic.
            let num = prefix
                .saturating_mul(span)
                .saturating_add((2 * span).saturating_mul(e).saturating_mul(s0))
                .saturating_add((s1 - s0).saturating_mul(e).saturating_mul(e));
            return num / (2 * i128::from(UNIT) * span);
        }
        prefix = prefix.saturating_add(span.saturating_mul(s0 + s1));
    }
    prefix / (2 * i128::from(UNIT))
}

/// A named speed ramp shape users can pick; turns into a [`Speed`] with [`RampPreset::speed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RampPreset {
    /// Name shown to users.
    pub name: &'static str,
    /// `(position in thousandths of the clip, speed in thousandths)` pairs.
    pub points: &'static [(u32, u32)],
}

impl RampPreset {
    /// The ramp as a clip speed (points out of range are skipped).
    pub fn speed(&self) -> Speed {
        Speed::ramp(
            self.points
                .iter()
                .filter_map(|&(permille, milli)| {
                    Some(RampPoint {
                        position: permille.checked_mul(RAMP_END / 1000)?,
                        speed: SpeedFactor::from_milli(milli)?,
                    })
                })
                .collect(),
        )
    }
}

/// The built-in speed ramps.
pub const RAMP_PRESETS: &[RampPreset] = &[
    RampPreset {
        name: "Montage",
        points: &[
            (0, 3000),
            (200, 600),
            (400, 3000),
            (600, 600),
            (800, 3000),
            (1000, 1000),
        ],
    },
    RampPreset {
        name: "Hero moment",
        points: &[
            (0, 1500),
            (350, 1500),
            (500, 200),
            (650, 1500),
            (1000, 1500),
        ],
    },
    RampPreset {
        name: "Bullet time",
        points: &[(0, 2000), (350, 300), (650, 300), (1000, 2000)],
    },
    RampPreset {
        name: "Jump cut",
        points: &[
            (0, 1000),
            (450, 1000),
            (500, 8000),
            (550, 1000),
            (1000, 1000),
        ],
    },
    RampPreset {
        name: "Flash in",
        points: &[(0, 8000), (300, 1000), (1000, 1000)],
    },
    RampPreset {
        name: "Flash out",
        points: &[(0, 1000), (700, 1000), (1000, 8000)],
    },
];

/// The built-in ramp called `name` (case-insensitive).
pub fn ramp_preset(name: &str) -> Option<&'static RampPreset> {
    RAMP_PRESETS
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
#[path = "speed_tests.rs"]
pub(crate) mod tests;
