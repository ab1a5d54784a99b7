//! A clip's [`Effects`] as the FFmpeg filter chain that carries them out.
//!
//! The model's settings mean what FFmpeg's `chromakey`, `eq` and `gblur` options mean, so
//! this is a direct translation, in the model's order: key, then colour, then blur. Settings
//! that change nothing (a colour adjustment of 0 / 1 / 1, a blur of sigma 0) are left out,
//! so they cost nothing.

use crate::timeline::Effects;

/// The filter chain for `effects`, or `None` when they leave the picture as it is.
pub fn filter_chain(effects: &Effects) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(k) = &effects.chroma_key {
        parts.push(format!(
            "chromakey=color=0x{:02X}{:02X}{:02X}:similarity={}:blend={}",
            k.color.r, k.color.g, k.color.b, k.similarity, k.blend
        ));
    }
    if let Some(c) = &effects.color {
        if c.brightness != 0.0 || c.contrast != 1.0 || c.saturation != 1.0 {
            parts.push(format!(
                "eq=brightness={}:contrast={}:saturation={}",
                c.brightness, c.contrast, c.saturation
            ));
        }
    }
    if let Some(b) = &effects.blur {
        if b.sigma > 0.0 {
            parts.push(format!("gblur=sigma={}", b.sigma));
        }
    }
    (!parts.is_empty()).then(|| parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Blur, ChromaKey, Color, ColorAdjust};

    #[test]
    fn effects_become_ffmpeg_filters_key_first() {
        let e = Effects {
            chroma_key: Some(ChromaKey {
                color: Color::rgb(0, 255, 16),
                similarity: 0.15,
                blend: 0.05,
            }),
            color: Some(ColorAdjust {
                brightness: 0.1,
                contrast: 1.5,
                saturation: 0.0,
            }),
            blur: Some(Blur { sigma: 2.5 }),
            portrait: None,
        };
        assert_eq!(
            filter_chain(&e).as_deref(),
            Some(
                "chromakey=color=0x00FF10:similarity=0.15:blend=0.05,\
                 eq=brightness=0.1:contrast=1.5:saturation=0,gblur=sigma=2.5"
            )
        );
    }

    #[test]
    fn settings_that_change_nothing_need_no_filter() {
        let e = Effects {
            color: Some(ColorAdjust::default()),
            blur: Some(Blur { sigma: 0.0 }),
            ..Effects::default()
        };
        assert_eq!(filter_chain(&e), None);
        assert_eq!(filter_chain(&Effects::default()), None);
    }
}
