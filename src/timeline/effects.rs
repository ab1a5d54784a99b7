//! [`Effects`]: picture effects of a clip — chroma key, colour adjustment and blur —
//! applied to the clip's source frame before it is cropped, scaled and placed; and the
//! [`Portrait`] background effect, applied as the clip is drawn.
//!
//! Each setting means exactly what the FFmpeg filter of the same name means
//! (`chromakey`, `eq`, `gblur`), so a project can be checked against the `ffmpeg` CLI and
//! users who know FFmpeg know the numbers. They are applied in a fixed order: key first
//! (on the source's own colours), then colour, then blur. This module only describes the
//! settings and checks their ranges; the compositor carries them out.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::portrait::Portrait;
use super::style::Color;

/// The effects of one clip; the default (all `None`) changes nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Effects {
    /// Makes one colour transparent (a green screen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chroma_key: Option<ChromaKey>,
    /// Brightness, contrast and saturation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<ColorAdjust>,
    /// Gaussian blur.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blur: Option<Blur>,
    /// Blurs, removes or replaces the background behind a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portrait: Option<Portrait>,
}

/// FFmpeg's `chromakey`: pixels near `color` (compared by their chroma) turn transparent.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChromaKey {
    /// The colour keyed out; its alpha is ignored.
    pub color: Color,
    /// How far from the key colour still counts as the key, 0.01 (only that colour) to 1.
    pub similarity: f64,
    /// How softly the edge fades from transparent to opaque, 0 (hard) to 1.
    pub blend: f64,
}

impl ChromaKey {
    /// Lowest similarity FFmpeg accepts.
    pub const MIN_SIMILARITY: f64 = 0.01;

    /// A green-screen key with FFmpeg's usual starting values for a real screen.
    pub fn green() -> ChromaKey {
        ChromaKey {
            color: Color::rgb(0, 255, 0),
            similarity: 0.1,
            blend: 0.0,
        }
    }
}

/// FFmpeg's `eq`: brightness, contrast and saturation, applied to the picture's YUV values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ColorAdjust {
    /// Added to brightness, −1 to 1; 0 unchanged.
    pub brightness: f64,
    /// Contrast factor, −1000 to 1000 (negative inverts); 1 unchanged.
    pub contrast: f64,
    /// Saturation factor, 0 (grey) to 3; 1 unchanged.
    pub saturation: f64,
}

impl Default for ColorAdjust {
    fn default() -> Self {
        ColorAdjust {
            brightness: 0.0,
            contrast: 1.0,
            saturation: 1.0,
        }
    }
}

/// FFmpeg's `gblur`: a Gaussian blur of `sigma` source pixels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Blur {
    /// Standard deviation in source pixels, 0 to 1024.
    pub sigma: f64,
}

impl Effects {
    /// True when no effect is set.
    pub fn is_empty(&self) -> bool {
        self.chroma_key.is_none()
            && self.color.is_none()
            && self.blur.is_none()
            && self.portrait.is_none()
    }

    /// True when the effects can make pixels transparent.
    pub fn has_alpha(&self) -> bool {
        self.chroma_key.is_some() || self.portrait.as_ref().is_some_and(Portrait::has_alpha)
    }

    /// Checks every value is a number in the range FFmpeg accepts; says which is not.
    pub fn validate(&self) -> Result<(), String> {
        let check = |what: &str, v: f64, lo: f64, hi: f64| {
            if v.is_finite() && (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(format!("{what} must be between {lo} and {hi}, not {v}"))
            }
        };
        if let Some(k) = &self.chroma_key {
            check(
                "chroma key similarity",
                k.similarity,
                ChromaKey::MIN_SIMILARITY,
                1.0,
            )?;
            check("chroma key blend", k.blend, 0.0, 1.0)?;
        }
        if let Some(c) = &self.color {
            check("brightness", c.brightness, -1.0, 1.0)?;
            check("contrast", c.contrast, -1000.0, 1000.0)?;
            check("saturation", c.saturation, 0.0, 3.0)?;
        }
        if let Some(b) = &self.blur {
            check("blur sigma", b.sigma, 0.0, 1024.0)?;
        }
        if let Some(p) = &self.portrait {
            p.validate()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_effects_is_empty_and_valid() {
        let e = Effects::default();
        assert!(e.is_empty() && !e.has_alpha());
        assert_eq!(e.validate(), Ok(()));
    }

    #[test]
    fn values_outside_ffmpegs_ranges_are_refused_by_name() {
        let mut e = Effects {
            chroma_key: Some(ChromaKey::green()),
            ..Effects::default()
        };
        assert!(e.has_alpha());
        assert_eq!(e.validate(), Ok(()));
        e.chroma_key = Some(ChromaKey {
            similarity: 0.0,
            ..ChromaKey::green()
        });
        assert!(e.validate().is_err_and(|m| m.contains("similarity")));
        e.chroma_key = None;
        e.color = Some(ColorAdjust {
            saturation: f64::NAN,
            ..ColorAdjust::default()
        });
        assert!(e.validate().is_err_and(|m| m.contains("saturation")));
        e.color = None;
        e.blur = Some(Blur { sigma: 2000.0 });
        assert!(e.validate().is_err_and(|m| m.contains("sigma")));
    }

    #[test]
    fn unset_effects_are_left_out_of_the_json() {
        let e = Effects {
            blur: Some(Blur { sigma: 3.0 }),
            ..Effects::default()
        };
        let json = serde_json::to_string(&e).unwrap_or_default();
        assert_eq!(json, r#"{"blur":{"sigma":3.0}}"#);
    }
}
