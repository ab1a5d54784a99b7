//! The inspector's "Text entrance" section for a text clip: how its letters or words
//! come on screen (typewriter, pop, rise) and over how long. Each change is one
//! `Edit::UpdateClip`, so one undo step.

use crate::session::Editor;
use crate::timeline::{Clip, ClipContent, Edit, EditError, EntranceKind, Time};

/// Draws the section when `clip` is a text clip.
pub(super) fn show(ui: &mut egui::Ui, editor: &mut Editor, clip: &Clip) -> Result<(), EditError> {
    let ClipContent::Text { entrance, .. } = &clip.content else {
        return Ok(());
    };
    let mut next = *entrance;
    ui.strong("Text entrance");
    ui.horizontal(|ui| {
        let label = ui.label("Letters and words");
        egui::ComboBox::from_id_salt("text_entrance")
            .selected_text(next.kind.label())
            .show_ui(ui, |ui| {
                for kind in EntranceKind::ALL {
                    ui.selectable_value(&mut next.kind, kind, kind.label());
                }
            })
            .response
            .labelled_by(label.id);
    });
    let mut secs = next.duration.as_secs_f64();
    ui.horizontal(|ui| {
        let label = ui.label("Entrance length");
        let response = ui
            .add_enabled(
                next.kind != EntranceKind::None,
                egui::DragValue::new(&mut secs)
                    .speed(0.05)
                    .range(0.1..=clip.duration().as_secs_f64().max(0.1))
                    .suffix(" s")
                    .max_decimals(2),
            )
            .labelled_by(label.id);
        super::gesture(editor, &response, "Entrance length");
    });
    if (secs - next.duration.as_secs_f64()).abs() > 1e-6 {
        next.duration = Time::from_secs_f64(secs);
    }
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
