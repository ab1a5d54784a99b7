//! How a text clip's or a caption's letters or words come on screen: typed one letter at
//! a time, popped up one word at a time, or risen one word at a time. A text clip keeps
//! its entrance beside its style; subtitle cues take theirs from their caption style. The
//! picture is drawn by `render::entrance`; here is only what the project stores.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Time;

/// What moves in a text entrance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntranceKind {
    /// The whole text is there from the start.
    #[default]
    None,
    /// One letter after the other appears, as typed.
    Typewriter,
    /// Each word in turn grows up from its baseline, overshoots a little and settles.
    Pop,
    /// Each word in turn fades in while tipping upright from lying back.
    Rise,
}

impl EntranceKind {
    /// Every kind, in the order the inspector lists them.
    pub const ALL: [EntranceKind; 4] = [
        EntranceKind::None,
        EntranceKind::Typewriter,
        EntranceKind::Pop,
        EntranceKind::Rise,
    ];

    /// The name shown in the app.
    pub fn label(self) -> &'static str {
        match self {
            EntranceKind::None => "None",
            EntranceKind::Typewriter => "Typewriter",
            EntranceKind::Pop => "Pop (per word)",
            EntranceKind::Rise => "Rise (per word)",
        }
    }
}

/// A text clip's entrance: which kind, and how long from the clip's start until the last
/// letter or word is in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct TextEntrance {
    /// What moves.
    pub kind: EntranceKind,
    /// From the clip's start until the whole text is in place.
    pub duration: Time,
}

impl Default for TextEntrance {
    fn default() -> Self {
        TextEntrance {
            kind: EntranceKind::None,
            duration: Time::from_secs(1),
        }
    }
}

impl TextEntrance {
    /// True for the entrance nothing chose (not written to files).
    pub fn is_unset(&self) -> bool {
        *self == TextEntrance::default()
    }

    /// When turn `i` of `n` (a letter for the typewriter, a word otherwise) plays, from
    /// the entrance's start: the turns share its duration evenly, one after the other.
    pub fn turn(&self, i: usize, n: usize) -> (Time, Time) {
        let n = n.max(1) as i64;
        let at = |k: i64| Time(self.duration.flicks().saturating_mul(k) / n);
        (at(i as i64), at(i as i64 + 1))
    }

    /// True when the text moves at all.
    pub fn is_animated(&self) -> bool {
        self.kind != EntranceKind::None && self.duration > Time::ZERO
    }
}
