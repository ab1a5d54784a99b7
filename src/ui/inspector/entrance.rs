//! The inspector's "Text entrance" section for a text clip: how its letters or words
//! come on screen (typewriter, pop, rise) and over how long. Each change is one
//! `Edit::UpdateClip`, so one undo step.

use crate::session::Editor;
use crate::timeline::{Clip, ClipContent, Edit, EditError, EntranceKind, TextEntrance, Time};

/// Draws the section when `clip` is a text clip.
pub(super) fn show(ui: &mut egui::Ui, editor: &mut Editor, clip: &Clip) -> Result<(), EditError> {
    let ClipContent::Text { entrance, .. } = &clip.content else {
        return Ok(());
    };
    let mut next = *entrance;
    ui.strong("Text entrance");
    ui.horizontal(|ui| {
        let label = ui.label("Letters and words");
        kind_combo(ui, "text_entrance", &mut next.kind).labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        let label = ui.label("Entrance length");
        let response = length_drag(ui, &mut next, clip.duration()).labelled_by(label.id);
        super::gesture(editor, &response, "Entrance length");
    });
    ui.separator();
    if next == *entrance {
        return Ok(());
    }
    let mut changed = clip.clone();
    if let ClipContent::Text { entrance, .. } = &mut changed.content {
        *entrance = next;
    }
    editor.apply(Edit::UpdateClip { clip: changed })
}

/// A combo choosing an entrance's kind.
pub(crate) fn kind_combo(ui: &mut egui::Ui, salt: &str, kind: &mut EntranceKind) -> egui::Response {
    egui::ComboBox::from_id_salt(salt)
        .selected_text(kind.label())
        .show_ui(ui, |ui| {
            for k in EntranceKind::ALL {
                ui.selectable_value(kind, k, k.label());
            }
        })
        .response
}

/// A number of seconds setting `entrance`'s length, at most `longest`; greyed out while
/// nothing enters.
pub(crate) fn length_drag(
    ui: &mut egui::Ui,
    entrance: &mut TextEntrance,
    longest: Time,
) -> egui::Response {
    let mut secs = entrance.duration.as_secs_f64();
    let response = ui.add_enabled(
        entrance.kind != EntranceKind::None,
        egui::DragValue::new(&mut secs)
            .speed(0.05)
            .range(0.1..=longest.as_secs_f64().max(0.1))
            .suffix(" s")
            .max_decimals(2),
    );
    if (secs - entrance.duration.as_secs_f64()).abs() > 1e-6 {
        entrance.duration = Time::from_secs_f64(secs);
    }
    response
}
