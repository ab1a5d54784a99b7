//! The inspector's "Fit to canvas" section: how the selected clip fills a canvas of
//! another shape (fit with bars, fill by cropping, or fit over a blurred fill) and where
//! its crop window sits at the playhead — the same values the preview's crop window drags,
//! read from the model every frame, so each follows the other.
//!
//! Changes are `Edit::SetReframe` on the output being worked on (the preview's); a whole value drag is one undo step.

use crate::timeline::{Clip, CropWindow, Edit, EditError, ReframeMode};

use super::gesture;
use crate::session::Editor;
use crate::ui::preview::crop_window::{self, moved, window_at};

/// Draws the section for `clip` when its picture has another shape than the canvas.
pub(super) fn show(ui: &mut egui::Ui, editor: &mut Editor, clip: &Clip) -> Result<(), EditError> {
    let Some(target) = crop_window::target_for(editor, clip.id) else {
        return Ok(());
    };
    let current = clip.reframes.get(&target.output).cloned();
    let mode = current.as_ref().map_or(ReframeMode::Fit, |r| r.mode);
    let mut result = Ok(());
    ui.strong("Fit to canvas");
    let mut chosen = mode;
    ui.horizontal(|ui| {
        ui.selectable_value(&mut chosen, ReframeMode::Fit, "Fit (bars)")
            .on_hover_text("Show the whole picture, with bars");
        ui.selectable_value(&mut chosen, ReframeMode::Fill, "Fill (crop)")
            .on_hover_text("Fill the canvas with the crop window");
        ui.selectable_value(&mut chosen, ReframeMode::BlurFill, "Blur fill")
            .on_hover_text("The whole picture over a blurred fill");
    });
    if chosen != mode {
        let mut reframe = current.clone().unwrap_or_default();
        reframe.mode = chosen;
        result = editor.apply(Edit::SetReframe {
            clip: clip.id,
            output: target.output,
            reframe: Some(reframe),
        });
    }
    if chosen == ReframeMode::Fit {
        ui.separator();
        return result;
    }

    let window = window_at(&editor.project, &target);
    let mut next = window;
    egui::Grid::new("framing").num_columns(2).show(ui, |ui| {
        let rows: [(&str, &mut f64, std::ops::RangeInclusive<f64>, f64); 3] = [
            ("Crop centre X", &mut next.center_x, 0.0..=1.0, 0.002),
            ("Crop centre Y", &mut next.center_y, 0.0..=1.0, 0.002),
            ("Crop zoom", &mut next.zoom, 1.0..=10.0, 0.01),
        ];
        for (name, value, range, speed) in rows {
            let label = ui.label(name);
            let response = ui
                .add(
                    egui::DragValue::new(value)
                        .range(range)
                        .speed(speed)
                        .max_decimals(3),
                )
                .labelled_by(label.id);
            gesture(editor, &response, "Move crop window");
            ui.end_row();
        }
    });
    let crop = next.rect(target.source, target.canvas);
    ui.weak(format!(
        "Shows {:.0}×{:.0} px of the source from ({:.0}, {:.0})",
        crop.width, crop.height, crop.x, crop.y
    ));
    ui.separator();
    if next != window && result.is_ok() {
        let reframe = moved(
            editor
                .project
                .clip(clip.id)
                .and_then(|c| c.reframes.get(&target.output)),
            target.offset,
            CropWindow {
                zoom: next.zoom.max(1.0),
                ..next
            },
        );
        result = editor.apply(Edit::SetReframe {
            clip: clip.id,
            output: target.output,
            reframe: Some(reframe),
        });
    }
    result
}
