//! A text clip's entrance ([`TextEntrance`]) as ASS override tags on its letters or words,
//! each animated with `\t` from its own moment, so libass draws it the same in the
//! preview and the export.
//!
//! - Typewriter: each letter is transparent (`\alpha&HFF&`) until its turn, then shown.
//! - Pop: each word grows from nothing (`\fscy0`) to a little over its size and settles,
//!   fading in. Only the height is animated: a word's `\fscx` sets its width in the line,
//!   so popping it horizontally would push the words already shown aside.
//! - Rise: each word fades in while tipping upright from lying back (`\frx`). ASS cannot
//!   move one word of an event on its own (`\pos` and `\move` place the whole line), so
//!   the rise is a 3-D tilt of each word about the line's baseline rather than a slide.
//!
//! Turns are spread evenly over the entrance's duration: letter (or word) `i` of `n`
//! starts at `duration × i / n` ([`TextEntrance::turn`]). An event starting later than
//! the clip or cue (a moving text clip is one event a frame; a caption is cut at its
//! words and where other cues begin or end) has its `\t` times counted from its own
//! start. Override blocks already in the text (a caption's spoken-word colour) are kept.

use crate::timeline::{EntranceKind, TextEntrance, Time, Transform};

/// How far a popping word overshoots its size, as a factor.
const POP_OVERSHOOT: f64 = 1.2;
/// The part of a word's turn spent growing to the overshoot; the rest settles.
const POP_GROW: f64 = 0.7;
/// How far a rising word lies back at first, in degrees.
const RISE_TILT: f64 = 80.0;

/// What a piece of ASS text is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Letters: a turn of the entrance.
    Letters,
    /// Whitespace or a line break, drawn untagged (it shows nothing) and taking no turn.
    Blank,
    /// An override block already in the text (e.g. a caption's spoken-word colour),
    /// kept as it is and taking no turn.
    Tags,
}

/// The piece a turn belongs to: its ASS text.
struct Piece {
    text: String,
    part: Part,
}

/// ASS `text` (escaped, perhaps with override blocks) split into letters (typewriter) or
/// words (the others), whitespace and line breaks between. An override block inside a
/// word stays part of it, so a coloured word still enters as one.
fn pieces(text: &str, kind: EntranceKind) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        if c == '\r' {
            rest = after;
            continue;
        }
        let (len, part) = match c {
            '{' => (rest.find('}').map_or(rest.len(), |i| i + 1), Part::Tags),
            '\\' if after.starts_with(['N', 'n', 'h']) => (2, Part::Blank),
            _ if c.is_whitespace() => (c.len_utf8(), Part::Blank),
            _ => (c.len_utf8(), Part::Letters),
        };
        let (token, tail) = rest.split_at(len);
        rest = tail;
        let by_word = kind != EntranceKind::Typewriter;
        let joins = match (out.last().map(|p| p.part), part) {
            (Some(Part::Letters), Part::Letters | Part::Tags) => by_word,
            (Some(last), _) => last == part && part != Part::Letters,
            (None, _) => false,
        };
        match out.last_mut() {
            Some(last) if joins => last.text.push_str(token),
            _ => out.push(Piece {
                text: token.to_owned(),
                part,
            }),
        }
    }
    out
}

/// ASS transparency for `opacity`.
pub(super) fn alpha_byte(opacity: f64) -> u8 {
    255 - (opacity.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// ASS `text` (already escaped) with tags making `entrance` play, for an event starting
/// `offset` after the entrance's start (a clip's or a cue's) and placed as `placed` says:
/// every letter or word ends at its opacity and height.
pub(super) fn entrance_text(
    text: &str,
    entrance: &TextEntrance,
    offset: Time,
    placed: &Transform,
) -> String {
    let (alpha, scale_y) = (alpha_byte(placed.opacity), placed.scale.y * 100.0);
    let pieces = pieces(text, entrance.kind);
    let turns = pieces.iter().filter(|p| p.part == Part::Letters).count();
    let millis = |t: Time| (t - offset).flicks() * 1000 / crate::timeline::FLICKS_PER_SECOND;
    let shown = format!("\\alpha&H{alpha:02X}&");
    let mut out = String::new();
    let mut turn = 0;
    for piece in pieces {
        if piece.part != Part::Letters {
            out.push_str(&piece.text);
            continue;
        }
        let (start, end) = entrance.turn(turn, turns);
        let (start, end) = (millis(start), millis(end));
        turn += 1;
        let tags = match entrance.kind {
            EntranceKind::None => String::new(),
            EntranceKind::Typewriter if start <= 0 => format!("{{{shown}}}"),
            EntranceKind::Typewriter => {
                format!("{{\\alpha&HFF&\\t({start},{},{shown})}}", start + 1)
            }
            _ if end <= 0 => format!("{{{shown}\\fscy{scale_y:.1}\\frx0}}"),
            EntranceKind::Pop => {
                let grown = start + ((end - start) as f64 * POP_GROW).round() as i64;
                format!(
                    "{{\\alpha&HFF&\\fscy0\\t({start},{grown},{shown}\\fscy{:.1})\
                     \\t({grown},{end},\\fscy{scale_y:.1})}}",
                    scale_y * POP_OVERSHOOT
                )
            }
            EntranceKind::Rise => {
                format!("{{\\alpha&HFF&\\frx{RISE_TILT:.0}\\t({start},{end},{shown}\\frx0)}}")
            }
        };
        out.push_str(&tags);
        out.push_str(&piece.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::captions::escape;
    use super::*;

    /// Placed at `opacity`, `scale` times its size.
    fn placed(opacity: f64, scale: f64) -> Transform {
        let base = Transform::default();
        Transform {
            opacity,
            scale: crate::timeline::Vec2 {
                y: scale,
                ..base.scale
            },
            ..base
        }
    }

    fn entrance(kind: EntranceKind, millis: i64) -> TextEntrance {
        TextEntrance {
            kind,
            duration: Time::from_millis(millis),
        }
    }

    #[test]
    fn a_typewriter_shows_each_letter_at_its_turn_and_skips_spaces() {
        let e = entrance(EntranceKind::Typewriter, 900);
        let tagged = entrance_text(&escape("Hi {x}"), &e, Time::ZERO, &placed(1.0, 1.0));
        let letter =
            |at: i64, c: &str| format!("{{\\alpha&HFF&\\t({at},{},\\alpha&H00&)}}{c}", at + 1);
        let expected = format!(
            "{{\\alpha&H00&}}H{} {}{}{}",
            letter(180, "i"),
            letter(360, "("),
            letter(540, "x"),
            letter(720, ")"),
        );
        assert_eq!(tagged, expected);
    }

    #[test]
    fn an_event_starting_later_counts_turns_from_its_own_start() {
        let e = entrance(EntranceKind::Pop, 1000);
        let tagged = entrance_text("One two", &e, Time::from_millis(600), &placed(0.5, 1.5));
        // The first word's turn (0–500 ms) is over: it is shown at the event's placement.
        assert!(
            tagged.starts_with("{\\alpha&H7F&\\fscy150.0\\frx0}One "),
            "{tagged}"
        );
        // The second (500–1000 ms) is under way, its times counted from 600 ms.
        assert!(
            tagged.ends_with(
                "{\\alpha&HFF&\\fscy0\\t(-100,250,\\alpha&H7F&\\fscy180.0)\\t(250,400,\\fscy150.0)}two"
            ),
            "{tagged}"
        );
    }

    #[test]
    fn rise_tilts_each_word_upright_and_line_breaks_stay_breaks() {
        let e = entrance(EntranceKind::Rise, 400);
        let tagged = entrance_text(&escape("A\nB"), &e, Time::ZERO, &placed(1.0, 1.0));
        assert_eq!(
            tagged,
            "{\\alpha&HFF&\\frx80\\t(0,200,\\alpha&H00&\\frx0)}A\\N\
             {\\alpha&HFF&\\frx80\\t(200,400,\\alpha&H00&\\frx0)}B"
        );
    }
}
