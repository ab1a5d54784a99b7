//! [`Portrait`]: a clip's background behind the person in it — blurred, removed (so the
//! tracks below show through) or replaced by a colour or a picture — with a soft edge and a
//! strength that can be keyframed.
//!
//! This is the setting only. Which pixels are the person comes from the person mask of
//! `vision/`, and the compositor carries the effect out, the same way for the preview and
//! the export. The effect applies only where a face is found; elsewhere the clip shows
//! unchanged.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::keyframes::Keyframes;
use super::style::Color;
use super::time::Time;

/// What becomes of the background behind the person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum PortraitBackground {
    /// Blurred; the strength says how much (1 is a blur of about a twentieth of the
    /// picture's height).
    Blur,
    /// Transparent: lower tracks (or the canvas colour) show through.
    Remove,
    /// One colour.
    Color { color: Color },
    /// A picture file, stretched to cover the clip.
    Image { path: PathBuf },
}

/// The portrait effect of one clip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Portrait {
    pub background: PortraitBackground,
    /// How strong the effect is, 0 (none) to 1: the blur's size, or how opaque the removal
    /// or the replacement is. Used while `strength_keys` is empty.
    pub strength: f64,
    /// Strength keyframes (offsets from the clip's start), when it changes over the clip.
    #[serde(default, skip_serializing_if = "Keyframes::is_empty")]
    pub strength_keys: Keyframes<f64>,
    /// How soft the person's edge is, 0 (as the mask gives it) to 1 (very soft).
    pub feather: f64,
}

impl Portrait {
    /// A background blur at full strength with a slightly soft edge.
    pub fn blur() -> Portrait {
        Portrait::with(PortraitBackground::Blur)
    }

    /// `background` at full strength with a slightly soft edge.
    pub fn with(background: PortraitBackground) -> Portrait {
        Portrait {
            background,
            strength: 1.0,
            strength_keys: Keyframes::new(),
            feather: 0.3,
        }
    }

    /// The strength at `offset` from the clip's start, 0 to 1.
    pub fn strength_at(&self, offset: Time) -> f64 {
        self.strength_keys
            .value_at_or(offset, self.strength)
            .clamp(0.0, 1.0)
    }

    /// True when the background can become transparent.
    pub fn has_alpha(&self) -> bool {
        self.background == PortraitBackground::Remove
    }

    /// Checks the numbers are in range; says which is not.
    pub fn validate(&self) -> Result<(), String> {
        let check = |what: &str, v: f64| {
            if v.is_finite() && (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(format!("portrait {what} must be between 0 and 1, not {v}"))
            }
        };
        check("strength", self.strength)?;
        check("feather", self.feather)?;
        for k in self.strength_keys.iter() {
            check("strength keyframe", k.value)?;
        }
        if let PortraitBackground::Image { path } = &self.background {
            if path.as_os_str().is_empty() {
                return Err("portrait background picture has no file name".into());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::easing::Interpolation;

    #[test]
    fn strength_follows_its_keyframes_and_stays_in_range() {
        let mut p = Portrait::blur();
        assert_eq!(p.strength_at(Time::from_secs(3)), 1.0);
        p.strength_keys = Keyframes::from_keys([
            (Time::ZERO, 0.0, Interpolation::Linear),
            (Time::from_secs(2), 1.0, Interpolation::Linear),
        ]);
        assert!((p.strength_at(Time::from_secs(1)) - 0.5).abs() < 1e-9);
        p.strength = 1.5;
        assert!(p.validate().is_err_and(|m| m.contains("strength")));
    }

    #[test]
    fn only_removal_makes_the_clip_transparent() {
        assert!(Portrait::with(PortraitBackground::Remove).has_alpha());
        assert!(!Portrait::blur().has_alpha());
        let c = Portrait::with(PortraitBackground::Color {
            color: Color::rgb(0, 128, 0),
        });
        let json = serde_json::to_string(&c.background).unwrap_or_default();
        assert!(json.contains("\"mode\":\"color\""), "{json}");
    }
}
