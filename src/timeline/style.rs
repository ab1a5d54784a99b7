//! Colours and text styles, shared by subtitle cues and text overlays.
//!
//! Subtitle styles are stored once in the project by name and referenced by cues; a cue
//! may override any field with a [`StyleOverride`]. Sizes and margins are in pixels of a
//! 1080-pixel-high frame and scale with the output, so one style suits every format.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::entrance::{EntranceKind, TextEntrance};
use super::time::Time;

/// An sRGB colour with straight alpha.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Color {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Alpha, 255 opaque.
    pub a: u8,
}

impl Color {
    /// Opaque black.
    pub const BLACK: Color = Color::rgb(0, 0, 0);
    /// Opaque white.
    pub const WHITE: Color = Color::rgb(255, 255, 255);
    /// Opaque yellow, the usual word-highlight colour.
    pub const YELLOW: Color = Color::rgb(255, 221, 0);

    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b, a: 255 }
    }

    /// The same colour with alpha `a`.
    pub const fn with_alpha(self, a: u8) -> Color {
        Color { a, ..self }
    }
}

/// Where text sits in the frame (the nine positions of a numeric keypad, as in ASS).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Alignment {
    /// Bottom left.
    BottomLeft,
    /// Bottom centre, the usual subtitle position.
    #[default]
    BottomCenter,
    /// Bottom right.
    BottomRight,
    /// Middle left.
    MiddleLeft,
    /// Centre of the frame.
    MiddleCenter,
    /// Middle right.
    MiddleRight,
    /// Top left.
    TopLeft,
    /// Top centre.
    TopCenter,
    /// Top right.
    TopRight,
}

/// How text looks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct TextStyle {
    /// Font family name.
    pub font_family: String,
    /// Font size in pixels of a 1080-pixel-high frame.
    pub font_size: f64,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Text colour.
    pub color: Color,
    /// Outline colour.
    pub outline_color: Color,
    /// Outline width in pixels of a 1080-pixel-high frame (0 for none).
    pub outline_width: f64,
    /// Shadow colour.
    pub shadow_color: Color,
    /// Shadow offset in pixels of a 1080-pixel-high frame (0 for none).
    pub shadow_offset: f64,
    /// Colour of the word being spoken, for word-highlight captions.
    pub highlight_color: Color,
    /// Position in the frame.
    pub alignment: Alignment,
    /// Left margin in pixels of a 1080-pixel-high frame.
    pub margin_left: f64,
    /// Right margin.
    pub margin_right: f64,
    /// Distance from the top or bottom edge.
    pub margin_vertical: f64,
    /// How a cue with word timings shows its words as they are said.
    pub word_display: WordDisplay,
    /// The most lines a cue with word timings shows at once (0: no limit); longer cues
    /// are shown a page at a time, each page from its first word.
    pub max_lines: u8,
    /// How a subtitle cue's letters or words come on screen, timed from the cue's start
    /// (a text clip has its own entrance beside its style and ignores this one).
    #[serde(skip_serializing_if = "TextEntrance::is_unset")]
    pub entrance: TextEntrance,
}

/// How a cue with word timings shows its words as they are said.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WordDisplay {
    /// The whole cue, the word being said in the highlight colour.
    #[default]
    Highlight,
    /// Only the word being said, in the highlight colour.
    OneWord,
}

impl Default for TextStyle {
    fn default() -> Self {
        TextStyle {
            font_family: "Sans".to_owned(),
            font_size: 54.0,
            bold: false,
            italic: false,
            color: Color::WHITE,
            outline_color: Color::BLACK,
            outline_width: 3.0,
            shadow_color: Color::BLACK.with_alpha(128),
            shadow_offset: 0.0,
            highlight_color: Color::YELLOW,
            alignment: Alignment::BottomCenter,
            margin_left: 60.0,
            margin_right: 60.0,
            margin_vertical: 80.0,
            word_display: WordDisplay::Highlight,
            max_lines: 0,
            entrance: TextEntrance::default(),
        }
    }
}

/// Caption looks short videos use, as ordinary styles a person can then change: each
/// with its name.
pub fn caption_presets() -> Vec<(&'static str, TextStyle)> {
    let bold = TextStyle {
        font_size: 84.0,
        bold: true,
        color: Color::WHITE,
        outline_color: Color::BLACK,
        outline_width: 6.0,
        shadow_offset: 0.0,
        highlight_color: Color::YELLOW,
        alignment: Alignment::BottomCenter,
        margin_vertical: 320.0,
        word_display: WordDisplay::Highlight,
        max_lines: 2,
        ..TextStyle::default()
    };
    vec![
        ("Bold, word in yellow", bold.clone()),
        (
            "One word at a time",
            TextStyle {
                font_size: 120.0,
                outline_width: 8.0,
                highlight_color: Color::WHITE,
                alignment: Alignment::MiddleCenter,
                word_display: WordDisplay::OneWord,
                max_lines: 1,
                ..bold.clone()
            },
        ),
        (
            "Two lines, word in green",
            TextStyle {
                font_size: 64.0,
                highlight_color: Color::rgb(60, 230, 90),
                margin_vertical: 160.0,
                ..bold.clone()
            },
        ),
        (
            "Words pop in, word in yellow",
            TextStyle {
                entrance: TextEntrance {
                    kind: EntranceKind::Pop,
                    duration: Time::from_millis(600),
                },
                ..bold
            },
        ),
    ]
}

/// Per-cue changes to a named style; `None` keeps the style's value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct StyleOverride {
    /// Font family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_family: Option<String>,
    /// Font size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_size: Option<f64>,
    /// Bold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bold: Option<bool>,
    /// Italic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub italic: Option<bool>,
    /// Text colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// Outline colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outline_color: Option<Color>,
    /// Position in the frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment: Option<Alignment>,
}

impl StyleOverride {
    /// True if nothing is overridden.
    pub fn is_empty(&self) -> bool {
        *self == StyleOverride::default()
    }
}

impl TextStyle {
    /// This style with `changes` applied.
    pub fn with_override(&self, changes: &StyleOverride) -> TextStyle {
        let mut s = self.clone();
        if let Some(v) = &changes.font_family {
            s.font_family.clone_from(v);
        }
        if let Some(v) = changes.font_size {
            s.font_size = v;
        }
        if let Some(v) = changes.bold {
            s.bold = v;
        }
        if let Some(v) = changes.italic {
            s.italic = v;
        }
        if let Some(v) = changes.color {
            s.color = v;
        }
        if let Some(v) = changes.outline_color {
            s.outline_color = v;
        }
        if let Some(v) = changes.alignment {
            s.alignment = v;
        }
        s
    }
}
