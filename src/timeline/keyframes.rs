//! [`Keyframes<T>`]: a value that changes over a clip, stored as keyframes at integer
//! times with an [`Interpolation`] towards the next one.
//!
//! Keyframe times are offsets from the clip's timeline start, so moving a clip moves its
//! animation. Before the first keyframe the value is the first keyframe's; after the last
//! it is the last one's. In a file, keyframes are a list sorted by time; two keyframes at
//! one time are refused when reading.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::easing::Interpolation;
use super::time::Time;

/// A value that can be blended between two keyframes.
pub trait Lerp: Clone {
    /// The value a fraction `t` (0 to 1, possibly beyond for overshooting curves) of the
    /// way from `self` to `other`.
    fn lerp(&self, other: &Self, t: f64) -> Self;
}

impl Lerp for f64 {
    fn lerp(&self, other: &Self, t: f64) -> Self {
        self + (other - self) * t
    }
}

/// One keyframe: a value, and how to travel to the next keyframe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Keyframe<T> {
    /// Offset from the clip's start on the timeline.
    pub time: Time,
    /// The value at that time.
    pub value: T,
    /// The curve from this keyframe to the next.
    #[serde(default)]
    pub interpolation: Interpolation,
}

/// A keyframed value: keyframes ordered by time, at most one a time.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyframes<T> {
    keys: BTreeMap<Time, (T, Interpolation)>,
}

impl<T> Default for Keyframes<T> {
    fn default() -> Self {
        Keyframes {
            keys: BTreeMap::new(),
        }
    }
}

impl<T: Lerp> Keyframes<T> {
    /// No keyframes: the property keeps its default value.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds from `(time, value, interpolation)` triples; a later triple at the same time
    /// replaces an earlier one.
    pub fn from_keys(keys: impl IntoIterator<Item = (Time, T, Interpolation)>) -> Self {
        let mut out = Self::new();
        for (time, value, interpolation) in keys {
            out.insert(time, value, interpolation);
        }
        out
    }

    /// True if there are no keyframes.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The number of keyframes.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Adds a keyframe, returning the one it replaced at the same time.
    pub fn insert(
        &mut self,
        time: Time,
        value: T,
        interpolation: Interpolation,
    ) -> Option<Keyframe<T>> {
        self.keys
            .insert(time, (value, interpolation))
            .map(|(value, interpolation)| Keyframe {
                time,
                value,
                interpolation,
            })
    }

    /// Removes the keyframe at `time`, returning it.
    pub fn remove(&mut self, time: Time) -> Option<Keyframe<T>> {
        self.keys
            .remove(&time)
            .map(|(value, interpolation)| Keyframe {
                time,
                value,
                interpolation,
            })
    }

    /// The keyframe exactly at `time`.
    pub fn get(&self, time: Time) -> Option<Keyframe<T>> {
        self.keys.get(&time).map(|(value, interpolation)| Keyframe {
            time,
            value: value.clone(),
            interpolation: *interpolation,
        })
    }

    /// The keyframe times in order.
    pub fn times(&self) -> impl Iterator<Item = Time> + '_ {
        self.keys.keys().copied()
    }

    /// The value at `time`, or `None` if there are no keyframes.
    pub fn value_at(&self, time: Time) -> Option<T> {
        let before = self.keys.range(..=time).next_back();
        let after = self.keys.range(time..).next();
        match (before, after) {
            (None, None) => None,
            (Some((_, (v, _))), None) | (None, Some((_, (v, _)))) => Some(v.clone()),
            (Some((&t0, (v0, curve))), Some((&t1, (v1, _)))) => {
                if t0 == t1 {
                    return Some(v0.clone());
                }
                let span = (t1 - t0).0 as f64;
                let progress = (time - t0).0 as f64 / span;
                Some(v0.lerp(v1, curve.ease(progress)))
            }
        }
    }

    /// The value at `time`, or `default` if there are no keyframes.
    pub fn value_at_or(&self, time: Time, default: T) -> T {
        self.value_at(time).unwrap_or(default)
    }

    /// The same keyframes `delta` later (earlier if negative).
    pub fn shifted(&self, delta: Time) -> Self {
        Keyframes {
            keys: self
                .keys
                .iter()
                .map(|(&t, v)| (t + delta, v.clone()))
                .collect(),
        }
    }

    /// Splits at `time` for a clip split: the left part ends with a keyframe at `time` and
    /// the right part starts with one at zero, both holding the value there, so both
    /// halves look exactly as before. Right-hand times become offsets from `time`.
    pub fn split_at(&self, time: Time) -> (Self, Self) {
        if self.is_empty() {
            return (Self::new(), Self::new());
        }
        let mut left = Keyframes {
            keys: self
                .keys
                .range(..time)
                .map(|(&t, v)| (t, v.clone()))
                .collect(),
        };
        let mut right = Keyframes {
            keys: self
                .keys
                .range(time..)
                .map(|(&t, v)| (t - time, v.clone()))
                .collect(),
        };
        if let Some(value) = self.value_at(time) {
            let curve = self
                .keys
                .range(..=time)
                .next_back()
                .map(|(_, (_, c))| *c)
                .unwrap_or_default();
            left.keys.insert(time, (value.clone(), curve));
            right.keys.entry(Time::ZERO).or_insert((value, curve));
        }
        (left, right)
    }

    /// Moves the keyframe at `from` to `to`, replacing any keyframe there. Returns false if
    /// there was no keyframe at `from`.
    pub fn move_key(&mut self, from: Time, to: Time) -> bool {
        match self.keys.remove(&from) {
            Some(v) => {
                self.keys.insert(to, v);
                true
            }
            None => false,
        }
    }

    /// Moves every keyframe to `f(time)`; keyframes landing on one time keep the last.
    pub fn map_times(&self, mut f: impl FnMut(Time) -> Time) -> Self {
        Keyframes {
            keys: self.keys.iter().map(|(&t, v)| (f(t), v.clone())).collect(),
        }
    }

    /// Removes keyframes in `[start, end)`.
    pub fn clear_range(&mut self, start: Time, end: Time) {
        self.keys.retain(|&t, _| t < start || t >= end);
    }

    /// Applies `f` to every value.
    pub fn map_values(&mut self, mut f: impl FnMut(&mut T)) {
        for (v, _) in self.keys.values_mut() {
            f(v);
        }
    }
}

impl<T: Clone> Keyframes<T> {
    /// Keyframes in time order.
    pub fn iter(&self) -> impl Iterator<Item = Keyframe<T>> + '_ {
        self.keys
            .iter()
            .map(|(&time, (value, interpolation))| Keyframe {
                time,
                value: value.clone(),
                interpolation: *interpolation,
            })
    }
}

impl<T: Serialize + Clone> Serialize for Keyframes<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Keyframes<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list = Vec::<Keyframe<T>>::deserialize(deserializer)?;
        let mut keys = BTreeMap::new();
        for key in list {
            if keys
                .insert(key.time, (key.value, key.interpolation))
                .is_some()
            {
                return Err(serde::de::Error::custom(format!(
                    "two keyframes at time {}",
                    key.time.0
                )));
            }
        }
        Ok(Keyframes { keys })
    }
}

impl<T: JsonSchema> JsonSchema for Keyframes<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Keyframes_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = <Vec<Keyframe<T>>>::json_schema(generator);
        schema.insert(
            "description".into(),
            "Keyframes sorted by time, at most one a time; times are offsets from the clip start."
                .into(),
        );
        schema
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: i64) -> Time {
        Time::from_secs(s)
    }

    fn ramp() -> Keyframes<f64> {
        Keyframes::from_keys([
            (secs(1), 0.0, Interpolation::Linear),
            (secs(3), 10.0, Interpolation::Hold),
            (secs(5), 20.0, Interpolation::Linear),
        ])
    }

    #[test]
    fn values_hold_before_the_first_and_after_the_last_keyframe() {
        let k = ramp();
        assert_eq!(k.value_at(secs(0)), Some(0.0));
        assert_eq!(k.value_at(secs(9)), Some(20.0));
        assert_eq!(Keyframes::<f64>::new().value_at(secs(1)), None);
    }

    #[test]
    fn linear_keyframes_interpolate_halfway_at_the_midpoint() {
        assert_eq!(ramp().value_at(secs(2)), Some(5.0));
    }

    #[test]
    fn hold_keyframes_jump_at_the_next_keyframe() {
        let k = ramp();
        assert_eq!(k.value_at(secs(5) - Time::TICK), Some(10.0));
        assert_eq!(k.value_at(secs(5)), Some(20.0));
    }

    #[test]
    fn splitting_keyframes_keeps_both_halves_looking_the_same() {
        let k = ramp();
        let (left, right) = k.split_at(secs(2));
        for t in [0, 1, 2] {
            assert_eq!(left.value_at(secs(t)), k.value_at(secs(t)));
        }
        for t in [2, 3, 4, 5, 6] {
            assert_eq!(
                right.value_at(secs(t) - secs(2)),
                k.value_at(secs(t)),
                "t={t}"
            );
        }
    }

    #[test]
    fn moving_a_keyframe_replaces_one_at_the_destination() {
        let mut k = ramp();
        assert!(k.move_key(secs(1), secs(3)));
        assert_eq!(k.len(), 2);
        assert_eq!(k.value_at(secs(3)), Some(0.0));
        assert!(!k.move_key(secs(1), secs(2)));
    }

    #[test]
    fn keyframes_serialise_as_a_sorted_list_and_refuse_duplicates() {
        let json = serde_json::to_string(&ramp()).unwrap_or_default();
        assert!(json.starts_with("[{\"time\":705600000"), "{json}");
        let back: Keyframes<f64> = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, ramp());
        let dup = r#"[{"time":1,"value":1.0},{"time":1,"value":2.0}]"#;
        assert!(serde_json::from_str::<Keyframes<f64>>(dup).is_err());
    }
}
