//! Export presets: the frame sizes and rates people ask for by name.

use crate::timeline::Rational;

/// A named output shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// TikTok: 1080×1920 at 30 fps.
    TikTok,
    /// Instagram Reels: 1080×1920 at 30 fps.
    Reels,
    /// YouTube Shorts: 1080×1920 at 30 fps.
    Shorts,
    /// YouTube 1080p: 1920×1080, the project's frame rate.
    YouTube1080,
    /// YouTube 4K: 3840×2160, the project's frame rate.
    YouTube4k,
    /// Square 1080×1080, the project's frame rate.
    Square,
    /// Any size, the project's frame rate.
    Custom {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
}

impl Preset {
    /// Every named preset with its command-line name.
    pub const NAMED: [(&'static str, Preset); 6] = [
        ("tiktok", Preset::TikTok),
        ("reels", Preset::Reels),
        ("shorts", Preset::Shorts),
        ("youtube", Preset::YouTube1080),
        ("youtube-4k", Preset::YouTube4k),
        ("square", Preset::Square),
    ];

    /// The preset called `name` (case-insensitive; `WxH` gives a custom size).
    pub fn parse(name: &str) -> Option<Preset> {
        let lower = name.trim().to_ascii_lowercase();
        let alias = match lower.as_str() {
            "youtube-1080p" | "youtube1080" | "1080p" => "youtube",
            "4k" | "youtube4k" => "youtube-4k",
            "instagram" => "reels",
            other => other,
        };
        if let Some((_, p)) = Preset::NAMED.iter().find(|(n, _)| *n == alias) {
            return Some(*p);
        }
        let (w, h) = parse_size(&lower)?;
        Some(Preset::Custom {
            width: w,
            height: h,
        })
    }

    /// Width and height in pixels.
    pub fn size(self) -> (u32, u32) {
        match self {
            Preset::TikTok | Preset::Reels | Preset::Shorts => (1080, 1920),
            Preset::YouTube1080 => (1920, 1080),
            Preset::YouTube4k => (3840, 2160),
            Preset::Square => (1080, 1080),
            Preset::Custom { width, height } => (width, height),
        }
    }

    /// The frame rate the preset fixes, if any (`None`: keep the project's).
    pub fn frame_rate(self) -> Option<Rational> {
        match self {
            Preset::TikTok | Preset::Reels | Preset::Shorts => Some(Rational::FPS_30),
            _ => None,
        }
    }
}

/// Reads `1080x1920` (or `1080:1920`) as a size with both sides in 2..=8192.
pub fn parse_size(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.split_once(['x', 'X', ':', '×'])?;
    let (w, h) = (w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?);
    ((2..=8192).contains(&w) && (2..=8192).contains(&h)).then_some((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vertical_presets_are_1080_by_1920_at_30_fps() {
        for name in ["tiktok", "Reels", "SHORTS"] {
            let p = Preset::parse(name).unwrap();
            assert_eq!(p.size(), (1080, 1920));
            assert_eq!(p.frame_rate(), Some(Rational::FPS_30));
        }
    }

    #[test]
    fn a_size_written_as_w_by_h_is_a_custom_preset() {
        assert_eq!(
            Preset::parse("720x1280").map(Preset::size),
            Some((720, 1280))
        );
        assert_eq!(Preset::parse("0x10"), None);
        assert_eq!(Preset::parse("cinema"), None);
    }
}
