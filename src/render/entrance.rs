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
//! starts at `duration × i / n`. An event starting later than the clip (a text clip that
//! also moves is one event a frame) has its `\t` times counted from its own start.

use super::captions::escape;
use crate::timeline::{EntranceKind, TextEntrance, Time, Transform};

/// How far a popping word overshoots its size, as a factor.
const POP_OVERSHOOT: f64 = 1.2;
/// The part of a word's turn spent growing to the overshoot; the rest settles.
const POP_GROW: f64 = 0.7;
/// How far a rising word lies back at first, in degrees.
const RISE_TILT: f64 = 80.0;

/// The piece a turn belongs to: its text, already escaped for ASS.
struct Piece {
    text: String,
    /// Whitespace, drawn untagged (it shows nothing) and taking no turn.
    blank: bool,
}

/// `text` split into letters (typewriter) or words (the others), whitespace between.
fn pieces(text: &str, kind: EntranceKind) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for c in text.chars().filter(|&c| c != '\r') {
        let blank = c.is_whitespace();
        let joins = kind != EntranceKind::Typewriter || blank;
        match out.last_mut() {
            Some(last) if joins && last.blank == blank => last.text.push_str(&escape_char(c)),
            _ => out.push(Piece {
                text: escape_char(c),
                blank,
            }),
        }
    }
    out
}

fn escape_char(c: char) -> String {
    escape(c.encode_utf8(&mut [0; 4]))
}

/// ASS transparency for `opacity`.
pub(super) fn alpha_byte(opacity: f64) -> u8 {
    255 - (opacity.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// `text` with tags making `entrance` play, for an event starting `offset` after the
/// clip's start and placed as `placed` says: every letter or word ends at its opacity and
/// height.
pub(super) fn entrance_text(
    text: &str,
    entrance: &TextEntrance,
    offset: Time,
    placed: &Transform,
) -> String {
    let (alpha, scale_y) = (alpha_byte(placed.opacity), placed.scale.y * 100.0);
    let pieces = pieces(text, entrance.kind);
    let turns = pieces.iter().filter(|p| !p.blank).count().max(1) as i64;
    let duration = entrance.duration.flicks();
    let millis = |t: i64| (t - offset.flicks()) * 1000 / crate::timeline::FLICKS_PER_SECOND;
    let shown = format!("\\alpha&H{alpha:02X}&");
    let mut out = String::new();
    let mut turn = 0;
    for piece in pieces {
        if piece.blank {
            out.push_str(&piece.text);
            continue;
        }
        let start = millis(duration * turn / turns);
        let end = millis(duration * (turn + 1) / turns);
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
        let tagged = entrance_text("Hi {x}", &e, Time::ZERO, &placed(1.0, 1.0));
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
        let tagged = entrance_text("A\nB", &e, Time::ZERO, &placed(1.0, 1.0));
        assert_eq!(
            tagged,
            "{\\alpha&HFF&\\frx80\\t(0,200,\\alpha&H00&\\frx0)}A\\N\
             {\\alpha&HFF&\\frx80\\t(200,400,\\alpha&H00&\\frx0)}B"
        );
    }
}
