//! The menu bar and keyboard shortcuts: every command of the app in one place.

use super::unsaved::Replacing;
use super::workers::DialogPurpose;
use super::{file_label, ClipwrightApp};

/// Undo and redo, for the keys and the Edit menu alike.
const UNDO: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::Z);
const REDO: egui::KeyboardShortcut = egui::KeyboardShortcut::new(
    egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
    egui::Key::Z,
);

impl ClipwrightApp {
    pub(in crate::ui) fn shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let save = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
        let open = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
        let import = KeyboardShortcut::new(Modifiers::COMMAND, Key::I);
        let export = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);
        let quit = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);
        // Keys typed into a text field belong to it.
        let typing = ctx.egui_wants_keyboard_input();
        let (redo_hit, undo_hit, save_hit, open_hit, import_hit, export_hit, quit_hit) = ctx
            .input_mut(|i| {
                (
                    i.consume_shortcut(&REDO),
                    i.consume_shortcut(&UNDO),
                    i.consume_shortcut(&save),
                    i.consume_shortcut(&open),
                    i.consume_shortcut(&import),
                    i.consume_shortcut(&export),
                    i.consume_shortcut(&quit),
                )
            });
        if quit_hit {
            self.replace_project(ctx, Replacing::Quit);
        }
        if export_hit {
            self.open_export_dialog();
        }
        if redo_hit {
            let r = self.editor.redo().map(|_| ());
            self.report(ctx, r);
        } else if undo_hit {
            let r = self.editor.undo().map(|_| ());
            self.report(ctx, r);
        }
        if save_hit {
            self.save(ctx);
        }
        if open_hit {
            self.replace_project(ctx, Replacing::OpenProject);
        }
        if import_hit {
            self.ask(ctx, DialogPurpose::ImportMedia);
        }
        if typing {
            return;
        }
        let rate = self.editor.project.canvas.frame_rate;
        let frame = crate::timeline::Time::frame_duration(rate);
        let (split, delete, left, right, home, end) = ctx.input(|i| {
            (
                i.key_pressed(Key::S) && i.modifiers.is_none(),
                i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace),
                i.key_pressed(Key::ArrowLeft),
                i.key_pressed(Key::ArrowRight),
                i.key_pressed(Key::Home),
                i.key_pressed(Key::End),
            )
        });
        let (space, j, k, l, now) = ctx.input(|i| {
            (
                i.key_pressed(Key::Space),
                i.key_pressed(Key::J),
                i.key_pressed(Key::K),
                i.key_pressed(Key::L),
                i.time,
            )
        });
        if space {
            self.preview.toggle_play(&self.editor, now);
        }
        for (pressed, direction) in [(j, -1), (k, 0), (l, 1)] {
            if pressed {
                self.preview.shuttle(&self.editor, direction, now);
            }
        }
        if ctx.input(|i| {
            i.events
                .iter()
                .any(|e| matches!(e, egui::Event::Text(t) if t == "?"))
        }) {
            self.show_shortcuts = !self.show_shortcuts;
        }
        if split {
            let r = self.editor.split_at_playhead().map(|_| ());
            self.report(ctx, r);
        }
        if delete {
            let r = self.editor.ripple_delete_selection().map(|_| ());
            self.report(ctx, r);
        }
        let playhead = &mut self.editor.playhead;
        if left {
            *playhead = (*playhead - frame).max(crate::timeline::Time::ZERO);
        }
        if right {
            *playhead += frame;
        }
        if home {
            *playhead = crate::timeline::Time::ZERO;
        }
        if end {
            *playhead = self.editor.project.duration();
        }
    }

    pub(in crate::ui) fn menu_bar(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("New project").clicked() {
                    self.replace_project(ctx, Replacing::NewProject);
                }
                if ui.button("Open project…  (Ctrl+O)").clicked() {
                    self.replace_project(ctx, Replacing::OpenProject);
                }
                if ui.button("Save project  (Ctrl+S)").clicked() {
                    self.save(ctx);
                }
                if ui.button("Save project as…").clicked() {
                    self.ask(ctx, DialogPurpose::SaveProject);
                }
                ui.menu_button("Recent projects", |ui| {
                    if self.recent.is_empty() {
                        ui.weak("None yet");
                    }
                    for path in self.recent.clone() {
                        if ui
                            .button(file_label(&path))
                            .on_hover_text(path.display().to_string())
                            .clicked()
                        {
                            self.replace_project(ctx, Replacing::OpenPath(path));
                        }
                    }
                });
                ui.separator();
                if ui.button("Export…  (Ctrl+E)").clicked() {
                    self.open_export_dialog();
                }
                if ui.button("Import media…  (Ctrl+I)").clicked() {
                    self.ask(ctx, DialogPurpose::ImportMedia);
                }
                ui.separator();
                if ui.button("Quit  (Ctrl+Q)").clicked() {
                    self.replace_project(ctx, Replacing::Quit);
                }
            });
            ui.menu_button("Edit", |ui| {
                // Each names the step it takes back, with its key as this system writes it.
                let history = &self.editor.history;
                let items = [
                    (true, history.undo_label(), history.can_undo(), &UNDO),
                    (false, history.redo_label(), history.can_redo(), &REDO),
                ]
                .map(|(undo, step, can, key)| {
                    let verb = if undo { "Undo" } else { "Redo" };
                    let label = step.map_or_else(|| verb.to_owned(), |l| format!("{verb} {l}"));
                    (
                        undo,
                        can,
                        egui::Button::new(label).shortcut_text(ctx.format_shortcut(key)),
                    )
                });
                for (undo, can, button) in items {
                    if ui.add_enabled(can, button).clicked() {
                        let r = if undo {
                            self.editor.undo()
                        } else {
                            self.editor.redo()
                        };
                        self.report(ctx, r.map(|_| ()));
                    }
                }
                ui.separator();
                if ui.button("Split at playhead  (S)").clicked() {
                    let r = self.editor.split_at_playhead().map(|_| ());
                    self.report(ctx, r);
                }
                if ui.button("Ripple delete  (Del)").clicked() {
                    let r = self.editor.ripple_delete_selection().map(|_| ());
                    self.report(ctx, r);
                }
            });
            ui.menu_button("View", |ui| {
                let dark = ctx.theme() == egui::Theme::Dark;
                if ui
                    .button(if dark { "Light theme" } else { "Dark theme" })
                    .clicked()
                {
                    self.layout.dark = !dark;
                    ctx.set_theme(self.layout.theme());
                }
                ui.checkbox(&mut self.layout.media_bin, "Media bin");
                ui.checkbox(&mut self.layout.inspector, "Inspector panel");
                ui.checkbox(&mut self.layout.timeline, "Timeline");
                ui.separator();
                if ui.button("Undo history").clicked() {
                    self.show_history = true;
                }
                if ui.button("Keyboard shortcuts  (?)").clicked() {
                    self.show_shortcuts = true;
                }
                if ui.button("Fit timeline").clicked() {
                    self.timeline
                        .zoom_to_fit(&self.editor, ctx.content_rect().width());
                }
            });
            ui.separator();
            if ui.button("● Record…").clicked() {
                self.open_recorder(ctx);
            }
            let open = ui.add_enabled(!self.dialog_open, egui::Button::new("Open media…"));
            if open.clicked() {
                self.ask(ctx, DialogPurpose::ImportMedia);
            }
        });
    }

    /// The keyboard-shortcut sheet and the undo-history list, when open.
    pub(in crate::ui) fn side_windows(&mut self, ctx: &egui::Context) {
        let mut open = self.show_shortcuts;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        for (keys, what) in SHORTCUTS {
                            ui.monospace(*keys);
                            ui.label(*what);
                            ui.end_row();
                        }
                    });
            });
        self.show_shortcuts = open;

        let mut open = self.show_history;
        egui::Window::new("Undo history")
            .open(&mut open)
            .show(ctx, |ui| {
                let labels = self.editor.history.undo_labels();
                if labels.is_empty() {
                    ui.weak("Nothing to undo yet.");
                }
                for (i, label) in labels.iter().enumerate().rev() {
                    ui.label(format!("{}. {label}", i + 1));
                }
                if let Some(redo) = self.editor.history.redo_label() {
                    ui.separator();
                    ui.weak(format!("Redo: {redo}"));
                }
            });
        self.show_history = open;
    }
}

/// Every keyboard shortcut, as the sheet lists them.
const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "Play / pause"),
    (
        "J / K / L",
        "Play backwards faster / stop / play forwards faster",
    ),
    ("← / →", "Previous / next frame"),
    ("Home / End", "Start / end of the project"),
    ("S", "Split at the playhead"),
    ("Del", "Ripple delete the selection"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z", "Redo"),
    ("Ctrl+S / Ctrl+O", "Save / open project"),
    ("Ctrl+I", "Import media"),
    ("Ctrl+E", "Export"),
    ("Ctrl+wheel", "Zoom the timeline"),
    ("Shift+click", "Add a clip to the selection"),
    ("M", "Add a marker at the playhead"),
    ("Shift+Z", "Zoom the timeline to fit the project"),
    ("Double-click a marker", "Rename it"),
    ("Right-click a marker", "Rename or remove it"),
    ("?", "This sheet"),
];
