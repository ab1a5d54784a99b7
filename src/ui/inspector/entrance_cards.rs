//! The preset gallery's text entrances (typewriter, pop, rise) as cards whose thumbnail
//! plays the entrance on a short line, shown for text clips. Picking one and pressing
//! Apply sets the clip's entrance in one undo step, as the "Text entrance" combo does.
//!
//! Each piece (letter or word) plays its turn of [`TextEntrance::turn`], the same turns
//! the picture's ASS tags use; the thumbnail only approximates the look (a pop grows the
//! whole word, a rise lifts it in as it fades up).

use crate::session::Editor;
use crate::timeline::{Clip, ClipContent, Edit, EditError, EntranceKind, TextEntrance, Time};

use super::gallery::card_frame;

/// The line a thumbnail plays.
const SAMPLE: &str = "Ab cd";

/// The entrance kinds shown as cards.
const KINDS: [EntranceKind; 3] = [
    EntranceKind::Typewriter,
    EntranceKind::Pop,
    EntranceKind::Rise,
];

/// The entrance a card's name stands for.
pub(super) fn picked_kind(picked: &str) -> Option<EntranceKind> {
    KINDS.into_iter().find(|k| k.label() == picked)
}

/// Draws the entrances as cards; clicking one picks its name into `picked`.
pub(super) fn show(ui: &mut egui::Ui, phase: f64, picked: &mut String) {
    ui.label(
        egui::RichText::new("Text entrances (letters and words)")
            .small()
            .weak(),
    );
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing = egui::vec2(4.0, 4.0);
        for kind in KINDS {
            let selected = *picked == kind.label();
            let response = card_frame(ui, kind.label(), selected, |painter, frame| {
                thumbnail(painter, frame, kind, phase);
            });
            if response.clicked() {
                *picked = kind.label().to_owned();
            }
        }
    });
}

/// [`SAMPLE`] entering by `kind` at `phase` (0 to 1) of a one-second entrance.
fn thumbnail(painter: &egui::Painter, frame: egui::Rect, kind: EntranceKind, phase: f64) {
    let entrance = TextEntrance {
        kind,
        duration: Time::from_secs(1),
    };
    let now = Time::from_secs_f64(phase);
    let pieces: Vec<(usize, &str)> = if kind == EntranceKind::Typewriter {
        SAMPLE.match_indices(|c: char| !c.is_whitespace()).collect()
    } else {
        let mut column = 0;
        SAMPLE
            .split(' ')
            .map(|word| {
                let piece = (column, word);
                column += word.len() + 1;
                piece
            })
            .collect()
    };
    let font = egui::FontId::monospace(16.0);
    let advance = painter
        .layout_no_wrap("m".into(), font, egui::Color32::WHITE)
        .size()
        .x;
    let left = frame.center().x - advance * SAMPLE.len() as f32 / 2.0;
    let baseline = frame.center().y + 7.0;
    for (i, &(column, piece)) in pieces.iter().enumerate() {
        let (start, end) = entrance.turn(i, pieces.len());
        let span = (end - start).as_secs_f64().max(1e-9);
        let progress = ((now - start).as_secs_f64() / span).clamp(0.0, 1.0) as f32;
        let (size, lift, alpha) = match kind {
            EntranceKind::Typewriter | EntranceKind::None => {
                (16.0, 0.0, if now >= start { 1.0 } else { 0.0 })
            }
            // Grows to a little over its size by 70 % of its turn, then settles.
            EntranceKind::Pop => {
                let scale = if progress < 0.7 {
                    1.2 * progress / 0.7
                } else {
                    1.2 - 0.2 * (progress - 0.7) / 0.3
                };
                (16.0 * scale, 0.0, progress.min(1.0))
            }
            EntranceKind::Rise => (16.0, 10.0 * (1.0 - progress), progress),
        };
        if alpha > 0.0 && size > 0.5 {
            painter.text(
                egui::pos2(
                    left + advance * (column as f32 + piece.len() as f32 / 2.0),
                    baseline + lift,
                ),
                egui::Align2::CENTER_BOTTOM,
                piece,
                egui::FontId::monospace(size),
                egui::Color32::WHITE.gamma_multiply(alpha),
            );
        }
    }
}

/// Applies the entrance picked as `kind` to `clip` (a text clip) in one undo step,
/// keeping its length (at most the clip's).
pub(super) fn apply(editor: &mut Editor, clip: &Clip, kind: EntranceKind) -> Result<(), EditError> {
    let mut changed = clip.clone();
    if let ClipContent::Text { entrance, .. } = &mut changed.content {
        entrance.kind = kind;
        entrance.duration = entrance.duration.min(clip.duration());
    }
    editor.apply(Edit::UpdateClip { clip: changed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_card_name_picks_its_entrance_and_motion_names_none() {
        for kind in KINDS {
            assert_eq!(picked_kind(kind.label()), Some(kind));
        }
        assert_eq!(picked_kind("Slide left in"), None);
        assert_eq!(picked_kind(EntranceKind::None.label()), None);
    }
}
