//! Interpolation curves between keyframes: hold, linear, the three standard eases and a
//! free cubic Bézier.
//!
//! The curves match CSS `transition-timing-function` (ease-in is
//! `cubic-bezier(0.42, 0, 1, 1)` and so on), so values users know from the web behave the
//! same here. Only the progress through a segment is a float; times stay integers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a value travels from one keyframe to the next. Stored on the earlier keyframe.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Interpolation {
    /// Keep this keyframe's value until the next keyframe, then jump.
    Hold,
    /// Constant rate of change.
    #[default]
    Linear,
    /// Start slowly, end fast (`cubic-bezier(0.42, 0, 1, 1)`).
    EaseIn,
    /// Start fast, end slowly (`cubic-bezier(0, 0, 0.58, 1)`).
    EaseOut,
    /// Slow at both ends (`cubic-bezier(0.42, 0, 0.58, 1)`).
    EaseInOut,
    /// A cubic Bézier from (0, 0) to (1, 1) through two control points, as in CSS.
    /// `x1` and `x2` are clamped to `[0, 1]` so time never runs backwards; `y1` and `y2`
    /// may leave `[0, 1]` to overshoot.
    CubicBezier {
        /// First control point, x (time).
        x1: f64,
        /// First control point, y (progress).
        y1: f64,
        /// Second control point, x (time).
        x2: f64,
        /// Second control point, y (progress).
        y2: f64,
    },
}

impl Interpolation {
    /// A cubic Bézier with the given control points.
    pub const fn bezier(x1: f64, y1: f64, x2: f64, y2: f64) -> Interpolation {
        Interpolation::CubicBezier { x1, y1, x2, y2 }
    }

    /// Maps linear progress `p` in `[0, 1]` through the curve. Values outside `[0, 1]` are
    /// clamped first; NaN counts as 0.
    pub fn ease(self, p: f64) -> f64 {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        match self {
            Interpolation::Hold => {
                if p >= 1.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Interpolation::Linear => p,
            Interpolation::EaseIn => cubic_bezier(0.42, 0.0, 1.0, 1.0, p),
            Interpolation::EaseOut => cubic_bezier(0.0, 0.0, 0.58, 1.0, p),
            Interpolation::EaseInOut => cubic_bezier(0.42, 0.0, 0.58, 1.0, p),
            Interpolation::CubicBezier { x1, y1, x2, y2 } => cubic_bezier(x1, y1, x2, y2, p),
        }
    }
}

/// One coordinate of a cubic Bézier from 0 to 1 with control values `a` and `b`.
fn bezier_coord(a: f64, b: f64, s: f64) -> f64 {
    let inv = 1.0 - s;
    3.0 * inv * inv * s * a + 3.0 * inv * s * s * b + s * s * s
}

fn bezier_slope(a: f64, b: f64, s: f64) -> f64 {
    let inv = 1.0 - s;
    3.0 * inv * inv * a + 6.0 * inv * s * (b - a) + 3.0 * s * s * (1.0 - b)
}

/// Evaluates the CSS-style curve at time `x`: finds the curve parameter whose x is `x`
/// (Newton's method, then bisection if it stalls), and returns its y.
fn cubic_bezier(x1: f64, y1: f64, x2: f64, y2: f64, x: f64) -> f64 {
    let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
    let (x1, x2) = (finite(x1).clamp(0.0, 1.0), finite(x2).clamp(0.0, 1.0));
    let (y1, y2) = (finite(y1), finite(y2));
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let mut s = x;
    for _ in 0..8 {
        let err = bezier_coord(x1, x2, s) - x;
        if err.abs() < 1e-9 {
            return bezier_coord(y1, y2, s);
        }
        let slope = bezier_slope(x1, x2, s);
        if slope.abs() < 1e-9 {
            break;
        }
        s = (s - err / slope).clamp(0.0, 1.0);
    }
    let (mut lo, mut hi) = (0.0, 1.0);
    s = x;
    for _ in 0..60 {
        if bezier_coord(x1, x2, s) < x {
            lo = s;
        } else {
            hi = s;
        }
        s = (lo + hi) / 2.0;
    }
    bezier_coord(y1, y2, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_curve_starts_at_zero_and_ends_at_one() {
        for curve in [
            Interpolation::Linear,
            Interpolation::EaseIn,
            Interpolation::EaseOut,
            Interpolation::EaseInOut,
            Interpolation::bezier(0.3, -0.5, 0.7, 1.5),
        ] {
            assert_eq!(curve.ease(0.0), 0.0, "{curve:?}");
            assert_eq!(curve.ease(1.0), 1.0, "{curve:?}");
        }
    }

    #[test]
    fn ease_in_lags_and_ease_out_leads_linear() {
        assert!(Interpolation::EaseIn.ease(0.5) < 0.5);
        assert!(Interpolation::EaseOut.ease(0.5) > 0.5);
        let mid = Interpolation::EaseInOut.ease(0.5);
        assert!(
            (mid - 0.5).abs() < 1e-6,
            "ease-in-out is symmetric, got {mid}"
        );
    }

    #[test]
    fn hold_keeps_the_first_value_until_the_end() {
        assert_eq!(Interpolation::Hold.ease(0.999), 0.0);
        assert_eq!(Interpolation::Hold.ease(1.0), 1.0);
    }

    #[test]
    fn bezier_matches_a_known_css_value() {
        // cubic-bezier(0.25, 0.1, 0.25, 1) ("ease") at x = 0.5 is about 0.8024.
        let y = Interpolation::bezier(0.25, 0.1, 0.25, 1.0).ease(0.5);
        assert!((y - 0.8024).abs() < 1e-3, "got {y}");
    }

    #[test]
    fn eased_progress_is_monotone_for_monotone_curves() {
        for curve in [
            Interpolation::EaseIn,
            Interpolation::EaseOut,
            Interpolation::EaseInOut,
        ] {
            let mut last = 0.0;
            for i in 0..=1000 {
                let y = curve.ease(f64::from(i) / 1000.0);
                assert!(y >= last - 1e-12, "{curve:?} at {i}");
                last = y;
            }
        }
    }
}
