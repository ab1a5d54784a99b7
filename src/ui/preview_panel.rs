//! The preview panel: canvas shape switch, transport (play / pause, J/K/L shuttle, frame
//! step), and the picture at the playhead from the [`PreviewWorker`], with safe-area
//! guides for vertical video, fit or 100 % zoom, and the source's crop window beside the
//! canvas when their shapes differ ([`super::crop_window`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{Color32, Rect, Stroke, StrokeKind};

use crate::timeline::reframe::CanvasPreset;
use crate::timeline::{Canvas, Edit, Project, Time};

use super::crop_window::{self, CropView};
use super::editor::Editor;
use super::preview::{fit_size, PreviewWorker};

/// Playback in progress: where it started and how fast it goes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Playing {
    /// UI clock (seconds) when playback (re)started.
    since: f64,
    /// Playhead then.
    from: Time,
    /// Speed: 1 is real time, negative plays backwards (J).
    rate: f64,
}

/// How large the canvas is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zoom {
    /// As large as fits in the panel (never larger than the canvas).
    #[default]
    Fit,
    /// One canvas pixel to one screen pixel, scrolling when larger than the panel.
    Actual,
}

/// The preview panel's state.
pub struct PreviewPanel {
    worker: PreviewWorker,
    snapshot: Arc<Project>,
    snapshot_revision: Option<u64>,
    texture: Option<egui::TextureHandle>,
    /// Time of the frame on screen.
    pub shown: Option<Time>,
    /// Why the last frame could not be drawn.
    pub error: Option<String>,
    playing: Option<Playing>,
    /// Draw title- and action-safe guides.
    pub guides: bool,
    /// Compositor time of the last frame, for the status line.
    pub last_ms: u32,
    /// Fit or 100 %.
    pub zoom: Zoom,
    /// Show the source with its crop window beside the canvas, when their shapes differ.
    pub crop_window: bool,
    /// The source view, started the first time it shows.
    crop_view: Option<CropView>,
}

impl PreviewPanel {
    /// Starts the preview worker; it wakes `ctx` when a frame is ready.
    pub fn new(ctx: &egui::Context) -> PreviewPanel {
        let ctx = ctx.clone();
        PreviewPanel {
            worker: PreviewWorker::start(move || ctx.request_repaint()),
            snapshot: Arc::new(Project::default()),
            snapshot_revision: None,
            texture: None,
            shown: None,
            error: None,
            playing: None,
            guides: false,
            last_ms: 0,
            zoom: Zoom::Fit,
            crop_window: false,
            crop_view: None,
        }
    }

    /// Whether playback is running.
    pub fn is_playing(&self) -> bool {
        self.playing.is_some()
    }

    /// Starts or stops playback at normal speed.
    pub fn toggle_play(&mut self, editor: &Editor, now: f64) {
        self.playing = match self.playing {
            Some(_) => None,
            None => Some(Playing {
                since: now,
                from: editor.playhead,
                rate: 1.0,
            }),
        };
    }

    /// J/K/L shuttle: `direction` −1 (J) or +1 (L) speeds up in that direction each press
    /// (1×, 2×, 4×, 8×); 0 (K) stops.
    pub fn shuttle(&mut self, editor: &Editor, direction: i32, now: f64) {
        if direction == 0 {
            self.playing = None;
            return;
        }
        let dir = f64::from(direction.signum());
        let rate = match self.playing {
            Some(p) if p.rate.signum() == dir => (p.rate * 2.0).clamp(-8.0, 8.0),
            _ => dir,
        };
        self.playing = Some(Playing {
            since: now,
            from: editor.playhead,
            rate,
        });
    }

    /// Moves the playhead with playback; stops at either end.
    pub fn advance(&mut self, editor: &mut Editor, now: f64) {
        let Some(p) = self.playing else { return };
        let elapsed = (now - p.since) * p.rate;
        let t = p.from + Time::from_secs_f64(elapsed);
        let end = editor.project.duration();
        if t <= Time::ZERO || t >= end {
            editor.playhead = t.clamp_to(Time::ZERO, end);
            self.playing = None;
        } else {
            editor.playhead = t;
        }
    }

    /// Draws the panel.
    pub fn show(&mut self, ui: &mut egui::Ui, editor: &mut Editor, project_path: Option<&Path>) {
        let now = ui.input(|i| i.time);
        self.advance(editor, now);
        if self.playing.is_some() {
            ui.ctx().request_repaint();
        }
        self.toolbar(ui, editor, now);

        if let Some(r) = self.worker.latest() {
            self.last_ms = r.took_ms;
            match r.frame {
                Ok(frame) => {
                    let image = egui::ColorImage::from_rgba_unmultiplied(
                        [frame.width as usize, frame.height as usize],
                        &frame.data,
                    );
                    match &mut self.texture {
                        Some(t) => t.set(image, egui::TextureOptions::LINEAR),
                        None => {
                            self.texture = Some(ui.ctx().load_texture(
                                "preview",
                                image,
                                egui::TextureOptions::LINEAR,
                            ));
                        }
                    }
                    self.shown = Some(r.time);
                    self.error = None;
                }
                Err(e) => self.error = Some(e),
            }
        }

        let canvas = (editor.project.canvas.width, editor.project.canvas.height);
        let mut available = ui.available_size() - egui::vec2(0.0, 4.0);
        let ppp = ui.ctx().pixels_per_point();
        let base_dir = project_path
            .and_then(Path::parent)
            .map(Path::to_owned)
            .unwrap_or_else(|| PathBuf::from("."));

        let Some(target) = crop_window::target(editor).filter(|_| self.crop_window) else {
            self.canvas_view(ui, editor, canvas, available, ppp, base_dir);
            return;
        };
        ui.horizontal_top(|ui| {
            // The source takes what its shape needs of the width, at most three fifths.
            let share = available.x * 0.6;
            let view = self
                .crop_view
                .get_or_insert_with(|| CropView::new(ui.ctx()));
            if let Some(e) = view.show(
                ui,
                editor,
                &target,
                base_dir.clone(),
                egui::vec2(share, available.y),
            ) {
                self.error = Some(e);
            }
            available.x = (ui.available_width() - 8.0).max(16.0);
            self.canvas_view(ui, editor, canvas, available, ppp, base_dir);
        });
    }

    /// The canvas picture: requests it from the worker at the zoom's size and draws the
    /// latest one, with the guides and any error over it.
    fn canvas_view(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        canvas: (u32, u32),
        available: egui::Vec2,
        ppp: f32,
        base_dir: PathBuf,
    ) {
        let size = match self.zoom {
            Zoom::Fit => fit_size(canvas, available, ppp),
            Zoom::Actual => (canvas.0.max(2) & !1, canvas.1.max(2) & !1),
        };
        if self.snapshot_revision != Some(editor.revision) {
            self.snapshot = Arc::new(editor.project.clone());
            self.snapshot_revision = Some(editor.revision);
        }
        self.worker.request(
            &self.snapshot,
            editor.revision,
            base_dir,
            editor.playhead,
            size,
        );

        let points = egui::vec2(size.0 as f32, size.1 as f32) / ppp;
        let draw = |ui: &mut egui::Ui| {
            let (rect, response) = ui.allocate_exact_size(points, egui::Sense::click());
            // (Named "Preview" for accessibility by the eyedropper hook.)
            self.error =
                super::effects_panel::preview_pick(ui, &response, editor).or(self.error.take());
            let painter = ui.painter_at(rect);
            painter.rect_filled(rect, 0.0, Color32::BLACK);
            if let Some(texture) = &self.texture {
                painter.image(
                    texture.id(),
                    rect,
                    Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                    Color32::WHITE,
                );
            }
            if self.guides {
                draw_safe_areas(&painter, rect);
            }
            if let Some(e) = &self.error {
                painter.text(
                    rect.center(),
                    egui::Align2::CENTER_CENTER,
                    e,
                    egui::FontId::proportional(12.0),
                    ui.visuals().error_fg_color,
                );
            }
        };
        match self.zoom {
            Zoom::Fit => {
                ui.vertical_centered(draw);
            }
            Zoom::Actual => {
                egui::ScrollArea::both()
                    .id_salt("preview_actual_size")
                    .max_width(available.x)
                    .max_height(available.y)
                    .show(ui, draw);
            }
        }
    }

    fn toolbar(&mut self, ui: &mut egui::Ui, editor: &mut Editor, now: f64) {
        ui.horizontal_wrapped(|ui| {
            let play = if self.is_playing() {
                "⏸ Pause"
            } else {
                "▶ Play"
            };
            if ui
                .button(play)
                .on_hover_text("Space; J / K / L shuttle")
                .clicked()
            {
                self.toggle_play(editor, now);
            }
            let rate = editor.project.canvas.frame_rate;
            ui.monospace(editor.playhead.to_timecode(rate));
            ui.separator();
            let current = (editor.project.canvas.width, editor.project.canvas.height);
            let selected = CanvasPreset::ALL
                .into_iter()
                .find(|p| p.size() == current)
                .map(CanvasPreset::label)
                .unwrap_or("Custom");
            let mut chosen = None;
            egui::ComboBox::from_label("Canvas")
                .selected_text(selected)
                .show_ui(ui, |ui| {
                    for preset in CanvasPreset::ALL {
                        if ui
                            .selectable_label(preset.size() == current, preset.label())
                            .clicked()
                        {
                            chosen = Some(preset);
                        }
                    }
                });
            if let Some(preset) = chosen {
                let (width, height) = preset.size();
                let canvas = Canvas {
                    width,
                    height,
                    ..editor.project.canvas.clone()
                };
                if let Err(e) = editor.apply(Edit::SetCanvas { canvas }) {
                    self.error = Some(e.to_string());
                }
            }
            ui.checkbox(&mut self.guides, "Safe areas");
            ui.separator();
            ui.selectable_value(&mut self.zoom, Zoom::Fit, "Fit view")
                .on_hover_text("Show the whole canvas in the panel");
            ui.selectable_value(&mut self.zoom, Zoom::Actual, "100 %");
            let croppable = crop_window::target(editor).is_some();
            ui.add_enabled(
                croppable,
                egui::Checkbox::new(&mut self.crop_window, "Crop window"),
            )
            .on_hover_text("Show the whole source and drag the part the canvas keeps")
            .on_disabled_hover_text("The clip at the playhead already has the canvas's shape");
        });
    }
}

impl super::app::ClipwrightApp {
    /// Time of the source frame the crop window view shows, once one has been drawn.
    pub fn crop_source_shown(&self) -> Option<Time> {
        self.preview.crop_view.as_ref().and_then(|v| v.shown)
    }
}

/// Title-safe (80 %) and action-safe (90 %) frames, plus the band a vertical-video app's
/// own buttons cover on the right and bottom.
fn draw_safe_areas(painter: &egui::Painter, rect: Rect) {
    let guide = Stroke::new(1.0, Color32::from_rgba_unmultiplied(255, 255, 0, 160));
    for fraction in [0.9, 0.8] {
        let r = Rect::from_center_size(rect.center(), rect.size() * fraction);
        painter.rect_stroke(r, 0.0, guide, StrokeKind::Inside);
    }
    if rect.height() > rect.width() {
        let ui_band = Color32::from_rgba_unmultiplied(255, 80, 80, 40);
        let bottom = Rect::from_min_max(
            egui::pos2(rect.left(), rect.bottom() - rect.height() * 0.2),
            rect.max,
        );
        let right = Rect::from_min_max(
            egui::pos2(
                rect.right() - rect.width() * 0.15,
                rect.top() + rect.height() * 0.3,
            ),
            egui::pos2(rect.right(), rect.bottom() - rect.height() * 0.2),
        );
        painter.rect_filled(bottom, 0.0, ui_band);
        painter.rect_filled(right, 0.0, ui_band);
    }
}
