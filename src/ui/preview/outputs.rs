//! The output switcher above the preview: which of the project's outputs (the main one,
//! a 9:16 version, a square one…) the preview shows and the crop window edits, and the
//! outputs themselves — add one from a preset shape, resize, rename, choose where its
//! subtitles sit, remove it. Each change is an edit of the model
//! ([`crate::timeline::outputs`]): undoable, and saved with the project. Which output is
//! shown is the editor's ([`Editor::output`]), not the project's.

use crate::timeline::outputs::{self, SafeArea};
use crate::timeline::{CanvasPreset, Edit, OutputId};

use crate::session::Editor;

/// Accessible names of the switcher's controls, which the UI tests find them by.
pub const OUTPUT_LABEL: &str = "Output";
/// The size choice of the output shown.
pub const SIZE_LABEL: &str = "Size";
/// The text field of a rename.
pub const NAME_LABEL: &str = "Output name";

/// What the switcher did this frame, for the panel to follow up.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Switched {
    /// The main output changed size (clips may now show bars).
    pub main_resized: bool,
    /// Why an edit was refused.
    pub error: Option<String>,
}

/// The switcher's own state: a rename being typed, and whether its field still has to
/// take the keyboard.
#[derive(Debug, Default)]
pub struct OutputSwitcher {
    renaming: Option<String>,
    focus: bool,
}

/// "Main · 1920×1080".
fn title(name: &str, (w, h): (u32, u32)) -> String {
    format!("{name} · {w}×{h}")
}

/// A preset's name as a new output's name: "9:16 vertical".
fn preset_name(preset: CanvasPreset) -> String {
    preset.label().to_owned()
}

/// Applies `edit`, or notes in `error` why it was refused; true when applied.
fn apply(
    editor: &mut Editor,
    edit: Result<Edit, outputs::OutputEditError>,
    error: &mut Option<String>,
) -> bool {
    let applied = edit
        .map_err(|e| e.to_string())
        .and_then(|edit| editor.apply(edit).map_err(|e| e.to_string()));
    match applied {
        Ok(()) => true,
        Err(e) => {
            *error = Some(e);
            false
        }
    }
}

impl OutputSwitcher {
    /// Draws the switcher in a toolbar row.
    pub fn show(&mut self, ui: &mut egui::Ui, editor: &mut Editor) -> Switched {
        let mut done = Switched::default();
        let shown = editor.output();
        editor.output = shown.id;

        let mut chosen = shown.id;
        egui::ComboBox::from_label(OUTPUT_LABEL)
            .selected_text(title(&shown.name, (shown.width, shown.height)))
            .show_ui(ui, |ui| {
                for o in editor.project.all_outputs() {
                    ui.selectable_value(&mut chosen, o.id, title(&o.name, (o.width, o.height)));
                }
            });
        if chosen != shown.id {
            editor.output = chosen;
            self.renaming = None;
        }

        let size = (shown.width, shown.height);
        let mut resize = None;
        egui::ComboBox::from_label(SIZE_LABEL)
            .selected_text(
                CanvasPreset::ALL
                    .into_iter()
                    .find(|p| p.size() == size)
                    .map_or("Custom", CanvasPreset::label),
            )
            .show_ui(ui, |ui| {
                for preset in CanvasPreset::ALL {
                    if ui
                        .selectable_label(preset.size() == size, preset.label())
                        .clicked()
                    {
                        resize = Some(preset.size());
                    }
                }
            });
        if let Some(new) = resize.filter(|s| *s != size) {
            let edit = outputs::resize_output(&editor.project, shown.id, new);
            done.main_resized = apply(editor, edit, &mut done.error) && shown.id == OutputId::MAIN;
        }

        ui.menu_button("Outputs", |ui| {
            ui.menu_button("Add output", |ui| {
                for preset in CanvasPreset::ALL {
                    let (w, h) = preset.size();
                    if ui.button(format!("{} ({w}×{h})", preset.label())).clicked() {
                        let (id, edit) =
                            outputs::add_output(&editor.project, &preset_name(preset), (w, h));
                        if apply(editor, Ok(edit), &mut done.error) {
                            editor.output = id;
                        }
                        ui.close();
                    }
                }
            });
            if ui.button("Rename…").clicked() {
                self.renaming = Some(shown.name.clone());
                self.focus = true;
                ui.close();
            }
            ui.menu_button("Subtitles above", |ui| {
                for area in SafeArea::ALL {
                    if ui
                        .selectable_label(shown.safe_area == area, area.label())
                        .clicked()
                    {
                        let edit = outputs::set_safe_area(&editor.project, shown.id, area);
                        apply(editor, edit, &mut done.error);
                        ui.close();
                    }
                }
            });
            let removable = shown.id != OutputId::MAIN;
            if ui
                .add_enabled(removable, egui::Button::new("Remove this output"))
                .on_disabled_hover_text("The main output is the canvas; it stays")
                .clicked()
            {
                let edit = outputs::remove_output(&editor.project, shown.id);
                if apply(editor, edit, &mut done.error) {
                    editor.output = OutputId::MAIN;
                }
                ui.close();
            }
        });
        self.rename_field(ui, editor, shown.id, &mut done);
        done
    }

    /// The name field of a rename in progress, with its OK and Cancel.
    fn rename_field(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        id: OutputId,
        done: &mut Switched,
    ) {
        let Some(name) = &mut self.renaming else {
            return;
        };
        let label = ui.label(NAME_LABEL);
        let field_id = egui::Id::unique("output-name");
        let field = ui
            .add(
                egui::TextEdit::singleline(name)
                    .id(field_id)
                    .desired_width(120.0),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut self.focus) {
            // Typing replaces the old name; arrows keep it to edit.
            field.request_focus();
            if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), field_id) {
                let all = egui::text::CCursorRange::select_all_str(name);
                state.cursor.set_char_range(Some(all));
                state.store(ui.ctx(), field_id);
            }
            return;
        }
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("OK").clicked() || entered {
            let edit = outputs::rename_output(&editor.project, id, name);
            if apply(editor, edit, &mut done.error) {
                self.renaming = None;
            }
        } else if ui.button("Cancel").clicked() {
            self.renaming = None;
        }
    }
}
