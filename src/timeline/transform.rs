//! A clip's animated properties ([`Animation`]) and their value at one instant
//! ([`Transform`]).
//!
//! Every animated property is a scalar channel of [`Keyframes<f64>`] named by
//! [`Property`], so one set of edits (add, move, delete a keyframe) serves them all.
//! Positions are in fractions of the output frame, so the same animation works in a 16:9
//! and a 9:16 export. An unanimated property keeps its default (identity) value.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::keyframes::Keyframes;
use super::time::Time;

/// An animatable property of a clip.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Property {
    /// Horizontal offset of the anchor from the frame centre, in frame widths.
    PositionX,
    /// Vertical offset of the anchor from the frame centre, in frame heights (down is +).
    PositionY,
    /// Uniform scale, multiplied with `scale_x` and `scale_y`.
    Scale,
    /// Horizontal scale (negative mirrors).
    ScaleX,
    /// Vertical scale (negative flips).
    ScaleY,
    /// Rotation about the anchor, degrees clockwise.
    Rotation,
    /// Opacity from 0 (invisible) to 1.
    Opacity,
    /// Fraction of the picture cropped from the left edge.
    CropLeft,
    /// Fraction of the picture cropped from the top edge.
    CropTop,
    /// Fraction of the picture cropped from the right edge.
    CropRight,
    /// Fraction of the picture cropped from the bottom edge.
    CropBottom,
    /// Anchor point across the picture, 0 (left) to 1 (right).
    AnchorX,
    /// Anchor point down the picture, 0 (top) to 1 (bottom).
    AnchorY,
    /// Audio gain, linear: 1 is unchanged, 0 silent, at most 4 (+12 dB).
    Volume,
}

impl Property {
    /// Every property, in display order.
    pub const ALL: [Property; 14] = [
        Property::PositionX,
        Property::PositionY,
        Property::Scale,
        Property::ScaleX,
        Property::ScaleY,
        Property::Rotation,
        Property::Opacity,
        Property::CropLeft,
        Property::CropTop,
        Property::CropRight,
        Property::CropBottom,
        Property::AnchorX,
        Property::AnchorY,
        Property::Volume,
    ];

    /// The value of the property when it is not animated.
    pub fn default_value(self) -> f64 {
        match self {
            Property::Scale | Property::ScaleX | Property::ScaleY => 1.0,
            Property::Opacity | Property::Volume => 1.0,
            Property::AnchorX | Property::AnchorY => 0.5,
            _ => 0.0,
        }
    }

    /// The range values are clamped to when evaluated.
    pub fn range(self) -> (f64, f64) {
        match self {
            Property::Opacity => (0.0, 1.0),
            Property::CropLeft | Property::CropTop | Property::CropRight | Property::CropBottom => {
                (0.0, 1.0)
            }
            Property::Volume => (0.0, 4.0),
            Property::Scale | Property::ScaleX | Property::ScaleY => (-100.0, 100.0),
            Property::Rotation => (-36_000.0, 36_000.0),
            _ => (-100.0, 100.0),
        }
    }
}

/// The keyframed properties of a clip; properties without keyframes keep defaults.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Animation {
    channels: BTreeMap<Property, Keyframes<f64>>,
}

impl Animation {
    /// The keyframes of `property`, if it is animated.
    pub fn channel(&self, property: Property) -> Option<&Keyframes<f64>> {
        self.channels.get(&property)
    }

    /// Replaces the keyframes of `property` (an empty set removes the channel), returning
    /// the previous ones (empty if there were none).
    pub fn set_channel(&mut self, property: Property, keys: Keyframes<f64>) -> Keyframes<f64> {
        let old = if keys.is_empty() {
            self.channels.remove(&property)
        } else {
            self.channels.insert(property, keys)
        };
        old.unwrap_or_default()
    }

    /// Animated properties and their keyframes.
    pub fn channels(&self) -> impl Iterator<Item = (Property, &Keyframes<f64>)> {
        self.channels.iter().map(|(&p, k)| (p, k))
    }

    /// True if nothing is animated.
    pub fn is_empty(&self) -> bool {
        self.channels.is_empty()
    }

    /// The value of `property` at `offset` into the clip, clamped to its range.
    pub fn value_at(&self, property: Property, offset: Time) -> f64 {
        let value = self
            .channels
            .get(&property)
            .and_then(|k| k.value_at(offset))
            .unwrap_or_else(|| property.default_value());
        let (lo, hi) = property.range();
        if value.is_nan() {
            property.default_value()
        } else {
            value.clamp(lo, hi)
        }
    }

    /// All visual properties at `offset` into the clip.
    pub fn transform_at(&self, offset: Time) -> Transform {
        let v = |p| self.value_at(p, offset);
        let scale = v(Property::Scale);
        let (left, right) = clamp_pair(v(Property::CropLeft), v(Property::CropRight));
        let (top, bottom) = clamp_pair(v(Property::CropTop), v(Property::CropBottom));
        Transform {
            position: Vec2::new(v(Property::PositionX), v(Property::PositionY)),
            scale: Vec2::new(scale * v(Property::ScaleX), scale * v(Property::ScaleY)),
            rotation_degrees: v(Property::Rotation),
            opacity: v(Property::Opacity),
            crop: CropEdges {
                left,
                top,
                right,
                bottom,
            },
            anchor: Vec2::new(v(Property::AnchorX), v(Property::AnchorY)),
        }
    }

    /// Shifts every keyframe by `delta`.
    pub fn shift(&mut self, delta: Time) {
        for keys in self.channels.values_mut() {
            *keys = keys.shifted(delta);
        }
    }

    /// Splits at `offset` into the clip: see [`Keyframes::split_at`].
    pub fn split_at(&self, offset: Time) -> (Animation, Animation) {
        let mut left = Animation::default();
        let mut right = Animation::default();
        for (&p, keys) in &self.channels {
            let (l, r) = keys.split_at(offset);
            left.set_channel(p, l);
            right.set_channel(p, r);
        }
        (left, right)
    }

    /// True if every keyframe value is a finite number.
    pub fn is_finite(&self) -> bool {
        self.channels
            .values()
            .all(|k| k.iter().all(|key| key.value.is_finite()))
    }
}

/// Keeps two opposite crop edges from crossing: their sum stays below 1.
fn clamp_pair(a: f64, b: f64) -> (f64, f64) {
    let sum = a + b;
    if sum <= 0.999 {
        (a, b)
    } else {
        let f = 0.999 / sum;
        (a * f, b * f)
    }
}

/// A 2-D vector of `f64`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Vec2 {
    /// Horizontal component.
    pub x: f64,
    /// Vertical component.
    pub y: f64,
}

impl Vec2 {
    /// A vector from its components.
    pub const fn new(x: f64, y: f64) -> Vec2 {
        Vec2 { x, y }
    }
}

/// Fractions of the picture cropped from each edge (each 0 to 1, opposite edges summing
/// below 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CropEdges {
    /// From the left edge.
    pub left: f64,
    /// From the top edge.
    pub top: f64,
    /// From the right edge.
    pub right: f64,
    /// From the bottom edge.
    pub bottom: f64,
}

/// Where and how a clip's picture is drawn at one instant.
///
/// The compositor crops the picture by `crop`, places its `anchor` (fractions of the
/// cropped picture) at the frame centre plus `position` (fractions of the output frame),
/// then scales and rotates about the anchor and blends with `opacity`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Transform {
    /// Offset of the anchor from the frame centre, in fractions of the frame size.
    pub position: Vec2,
    /// Scale on each axis (uniform scale already multiplied in).
    pub scale: Vec2,
    /// Clockwise rotation in degrees.
    pub rotation_degrees: f64,
    /// Opacity, 0 to 1.
    pub opacity: f64,
    /// Crop per edge.
    pub crop: CropEdges,
    /// Anchor point in fractions of the picture: (0.5, 0.5) is its centre.
    pub anchor: Vec2,
}

impl Default for Transform {
    fn default() -> Self {
        Animation::default().transform_at(Time::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::easing::Interpolation;

    #[test]
    fn an_unanimated_clip_has_the_identity_transform() {
        let t = Transform::default();
        assert_eq!(t.position, Vec2::new(0.0, 0.0));
        assert_eq!(t.scale, Vec2::new(1.0, 1.0));
        assert_eq!(t.opacity, 1.0);
        assert_eq!(t.anchor, Vec2::new(0.5, 0.5));
    }

    #[test]
    fn uniform_scale_multiplies_the_per_axis_scales() {
        let mut a = Animation::default();
        let key = |v| Keyframes::from_keys([(Time::ZERO, v, Interpolation::Linear)]);
        a.set_channel(Property::Scale, key(2.0));
        a.set_channel(Property::ScaleX, key(-1.0));
        assert_eq!(a.transform_at(Time::ZERO).scale, Vec2::new(-2.0, 2.0));
    }

    #[test]
    fn opacity_and_crop_are_clamped_to_sensible_ranges() {
        let mut a = Animation::default();
        let key = |v| Keyframes::from_keys([(Time::ZERO, v, Interpolation::Linear)]);
        a.set_channel(Property::Opacity, key(3.0));
        a.set_channel(Property::CropLeft, key(0.8));
        a.set_channel(Property::CropRight, key(0.8));
        let t = a.transform_at(Time::ZERO);
        assert_eq!(t.opacity, 1.0);
        assert!(t.crop.left + t.crop.right < 1.0);
    }

    #[test]
    fn setting_an_empty_channel_removes_the_animation() {
        let mut a = Animation::default();
        a.set_channel(
            Property::Rotation,
            Keyframes::from_keys([(Time::ZERO, 45.0, Interpolation::Linear)]),
        );
        let old = a.set_channel(Property::Rotation, Keyframes::new());
        assert_eq!(old.len(), 1);
        assert!(a.is_empty());
    }
}
