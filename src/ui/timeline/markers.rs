//! Markers beyond adding and dragging them: renaming one (double-click it on the ruler, or
//! "Rename marker…" in its context menu) and the marker list, a small window listing every
//! marker by time and name, where a click on a time jumps the playhead there.
//!
//! A rename is one `Edit::RenameMarker`, applied when the name field is confirmed (Enter,
//! or clicking elsewhere); Escape leaves the name as it was, and an empty name is refused.

use egui::{pos2, Rect};

use crate::timeline::{Edit, MarkerId, Time};

use super::view::{TimelineResponse, TimelineView, RULER_HEIGHT};
use crate::session::Editor;

/// Accessible name of the field a marker is renamed in.
pub const MARKER_NAME_LABEL: &str = "Marker name";
/// Title of the marker list window.
pub const MARKER_LIST_TITLE: &str = "Markers";
/// Width of the name column of the marker list: room for the name field and its label.
const NAME_WIDTH: f32 = 240.0;

/// A marker being renamed, and the name typed so far.
#[derive(Debug, Clone)]
pub(in crate::ui) struct Rename {
    id: MarkerId,
    text: String,
    /// The field shows in the marker list (where the rename started) rather than on the
    /// ruler.
    in_list: bool,
    /// Focus the field and select its text the next time it is drawn.
    focus: bool,
}

impl TimelineView {
    /// Shades the span of a marker that marks a range (a live marker with pre-roll).
    pub(in crate::ui) fn draw_range(
        &self,
        painter: &egui::Painter,
        marker: &crate::timeline::Marker,
        left: f32,
        top: f32,
        rect: Rect,
        color: egui::Color32,
    ) {
        if marker.length <= Time::ZERO {
            return;
        }
        let x0 = self.x_of(marker.time, left).max(left);
        let x1 = self.x_of(marker.end(), left).min(rect.right());
        if x1 > x0 {
            let band = Rect::from_min_max(pos2(x0, top), pos2(x1, rect.bottom()));
            painter.rect_filled(band, 0.0, color.gamma_multiply(0.12));
        }
    }

    /// Opens the name field for marker `id`, holding its current name.
    pub(in crate::ui) fn start_rename(&mut self, editor: &Editor, id: MarkerId, in_list: bool) {
        let Some(marker) = editor.project.markers.iter().find(|m| m.id == id) else {
            return;
        };
        self.selected_marker = Some(id);
        self.renaming = Some(Rename {
            id,
            text: marker.name.clone(),
            in_list,
            focus: true,
        });
    }

    /// The context menu of the marker right-clicked on the ruler (`self.menu_marker`):
    /// rename or remove it. A right-click anywhere else opens nothing.
    pub(in crate::ui) fn marker_menu(
        &mut self,
        area: &egui::Response,
        editor: &mut Editor,
        response: &mut TimelineResponse,
    ) {
        let command = if area.secondary_clicked() {
            Some(egui::SetOpenCommand::Bool(self.menu_marker.is_some()))
        } else if area.clicked() || area.drag_started() {
            Some(egui::SetOpenCommand::Bool(false))
        } else {
            None
        };
        egui::Popup::context_menu(area)
            .open_memory(command)
            .show(|ui| {
                let Some(id) = self.menu_marker else {
                    ui.close();
                    return;
                };
                if ui.button("Rename marker…").clicked() {
                    self.start_rename(editor, id, false);
                    ui.close();
                }
                if ui.button("Remove marker").clicked() {
                    self.remove_marker(editor, id, response);
                    ui.close();
                }
                let range = editor
                    .project
                    .markers
                    .iter()
                    .any(|m| m.id == id && m.length > Time::ZERO);
                if range && ui.button("Export this range").clicked() {
                    response.export_markers = Some(Some(id));
                    ui.close();
                }
            });
    }

    /// Removes marker `id`, forgetting it wherever the view still points at it.
    pub(in crate::ui) fn remove_marker(
        &mut self,
        editor: &mut Editor,
        id: MarkerId,
        response: &mut TimelineResponse,
    ) {
        if let Err(e) = editor.apply(Edit::RemoveMarker { id }) {
            response.error = Some(e.to_string());
        }
        if self.selected_marker == Some(id) {
            self.selected_marker = None;
        }
        if self.menu_marker == Some(id) {
            self.menu_marker = None;
        }
        if self.renaming.as_ref().is_some_and(|r| r.id == id) {
            self.renaming = None;
        }
    }

    /// The name field on the ruler, under the marker being renamed (unless it is shown in
    /// the marker list), kept inside the timeline when the marker is scrolled out of view.
    pub(in crate::ui) fn rename_on_ruler(
        &mut self,
        ui: &egui::Ui,
        rect: Rect,
        left: f32,
        editor: &mut Editor,
        response: &mut TimelineResponse,
    ) {
        let Some(rename) = &self.renaming else {
            return;
        };
        if rename.in_list && self.marker_list {
            return;
        }
        let Some(time) = marker_time(editor, rename.id) else {
            self.renaming = None;
            return;
        };
        let x = self
            .x_of(time, left)
            .clamp(left, (rect.right() - 260.0).max(left));
        egui::Area::new(egui::Id::unique("marker-rename"))
            .order(egui::Order::Foreground)
            .fixed_pos(pos2(x, rect.top() + RULER_HEIGHT))
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.horizontal(|ui| self.rename_field(ui, editor, response));
                });
            });
    }

    /// The field the marker's new name is typed in: Enter or clicking elsewhere renames,
    /// Escape cancels.
    fn rename_field(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        response: &mut TimelineResponse,
    ) {
        let Some(rename) = &mut self.renaming else {
            return;
        };
        let label = ui.label(MARKER_NAME_LABEL);
        let id = egui::Id::unique(("marker-name", rename.id.0));
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut rename.text)
                    .id(id)
                    .desired_width(140.0),
            )
            .labelled_by(label.id);
        if rename.focus {
            rename.focus = false;
            field.request_focus();
            // Typing replaces the old name; arrows keep it to edit.
            if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), id) {
                let all = egui::text::CCursorRange::select_all_str(&rename.text);
                state.cursor.set_char_range(Some(all));
                state.store(ui.ctx(), id);
            }
            return;
        }
        if !field.lost_focus() {
            return;
        }
        let cancelled = ui.input(|i| i.key_pressed(egui::Key::Escape));
        let Some(rename) = self.renaming.take() else {
            return;
        };
        let name = rename.text.trim().to_owned();
        let current = editor.project.markers.iter().find(|m| m.id == rename.id);
        if cancelled || name.is_empty() || current.is_none_or(|m| m.name == name) {
            return;
        }
        if let Err(e) = editor.apply(Edit::RenameMarker {
            id: rename.id,
            name,
        }) {
            response.error = Some(e.to_string());
        }
    }

    /// The marker list window, while it is open: each marker's time (click to jump there),
    /// its name, and buttons to rename or remove it.
    pub(in crate::ui) fn marker_list_window(
        &mut self,
        ctx: &egui::Context,
        editor: &mut Editor,
        response: &mut TimelineResponse,
    ) {
        if !self.marker_list {
            return;
        }
        let mut open = true;
        egui::Window::new(MARKER_LIST_TITLE)
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                if editor.project.markers.is_empty() {
                    ui.weak("No markers yet. Press M to add one at the playhead.");
                    return;
                }
                let rate = editor.project.canvas.frame_rate;
                let markers: Vec<(MarkerId, Time, String, bool)> = editor
                    .project
                    .markers
                    .iter()
                    .map(|m| (m.id, m.time, m.name.clone(), m.length > Time::ZERO))
                    .collect();
                if markers.iter().any(|m| m.3)
                    && ui
                        .button("Export all markers")
                        .on_hover_text(
                            "Each marker range as a file of its own, in each of the \
                             project's outputs",
                        )
                        .clicked()
                {
                    response.export_markers = Some(None);
                }
                egui::ScrollArea::vertical()
                    .max_height(240.0)
                    .show(ui, |ui| {
                        egui::Grid::new("marker-list")
                            .num_columns(5)
                            .striped(true)
                            .show(ui, |ui| {
                                for (id, time, name, range) in markers {
                                    let jump = ui
                                        .selectable_label(
                                            editor.playhead == time,
                                            time.to_timecode(rate),
                                        )
                                        .on_hover_text("Move the playhead to this marker");
                                    if jump.clicked() {
                                        editor.playhead = time;
                                        self.selected_marker = Some(id);
                                    }
                                    let renaming_here = self
                                        .renaming
                                        .as_ref()
                                        .is_some_and(|r| r.id == id && r.in_list);
                                    // A fixed width, so the name field fits when it opens
                                    // (a grid cell is only as wide as last frame's column).
                                    let cell = egui::vec2(NAME_WIDTH, ui.spacing().interact_size.y);
                                    let layout = egui::Layout::left_to_right(egui::Align::Center);
                                    ui.allocate_ui_with_layout(cell, layout, |ui| {
                                        ui.set_min_width(NAME_WIDTH);
                                        if renaming_here {
                                            self.rename_field(ui, editor, response);
                                        } else {
                                            ui.label(&name);
                                        }
                                    });
                                    if ui.small_button("Rename…").clicked() {
                                        self.start_rename(editor, id, true);
                                    }
                                    if ui.small_button("Remove").clicked() {
                                        self.remove_marker(editor, id, response);
                                    }
                                    if range
                                        && ui
                                            .small_button("Export")
                                            .on_hover_text("This range as a file of its own")
                                            .clicked()
                                    {
                                        response.export_markers = Some(Some(id));
                                    }
                                    ui.end_row();
                                }
                            });
                    });
            });
        self.marker_list &= open;
    }
}

fn marker_time(editor: &Editor, id: MarkerId) -> Option<Time> {
    editor
        .project
        .markers
        .iter()
        .find(|m| m.id == id)
        .map(|m| m.time)
}
