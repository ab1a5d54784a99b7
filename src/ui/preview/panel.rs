//! The preview panel: the output switcher (`outputs.rs`), transport (play / pause, J/K/L shuttle, frame
//! step), and the picture at the playhead from the [`PreviewWorker`], with safe-area
//! guides for vertical video, fit or 100 % zoom, and the source's crop window beside the
//! canvas when their shapes differ ([`super::crop_window`]). A canvas switch that leaves
//! clips with bars offers "Fill all clips": each cropped centred, in one undo step.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{Color32, Rect, Stroke, StrokeKind};

use crate::timeline::reframe;
use crate::timeline::{Project, SafeArea, Time};

use super::crop_window::{self, CropView};
use super::outputs::OutputSwitcher;
use super::{fit_size, show_frame, PreviewWorker};
use crate::playback::clock::Source;
use crate::playback::sound::SoundPlayback;
use crate::session::Editor;

/// Playback in progress: where it started and how fast it goes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Playing {
    /// UI clock (seconds) when playback (re)started.
    since: f64,
    /// Playhead then.
    from: Time,
    /// Speed: 1 is real time, negative plays backwards (J).
    rate: f64,
    /// The playhead this playback last set; any other means it was moved meanwhile.
    shown: Time,
}

impl Playing {
    fn new(since: f64, from: Time, rate: f64) -> Playing {
        Playing {
            since,
            from,
            rate,
            shown: from,
        }
    }
}

/// The sound of one play at normal speed.
#[derive(Debug)]
struct PlaySound {
    /// The `since` of the [`Playing`] it belongs to.
    since: f64,
    /// `None`: this play is silent (no device was found a moment ago).
    playback: Option<SoundPlayback>,
    /// The editor's revision the sound plays.
    revision: u64,
}

/// After a play found no sound device, the seconds before a play tries again.
const AUDIO_RETRY: f64 = 30.0;

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
    /// Time of the frame on screen (its exact frame: not while a stand-in is shown).
    pub shown: Option<Time>,
    /// The picture on screen is the nearest keyframe before this time, standing in while
    /// the playhead is dragged over an original; its exact frame is on its way.
    pub stand_in: Option<Time>,
    /// Size in pixels of the frame on screen, and the size last asked of the worker: they
    /// differ while a resized panel waits for its sharper frame.
    pub shown_size: Option<(u32, u32)>,
    pub wanted_size: Option<(u32, u32)>,
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
    /// The sound while playing forward at normal speed.
    sound: Option<PlaySound>,
    /// Why plays are silent, shown beside the transport.
    pub audio_note: Option<String>,
    /// UI clock time before which plays stay silent without trying the device again.
    audio_retry_at: f64,
    /// A canvas switch left clips with bars: offer to fill them all, until answered.
    pub fill_offer: bool,
    /// Which output is shown, and the outputs' own settings.
    outputs: OutputSwitcher,
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
            stand_in: None,
            shown_size: None,
            wanted_size: None,
            error: None,
            playing: None,
            guides: false,
            last_ms: 0,
            zoom: Zoom::Fit,
            crop_window: false,
            crop_view: None,
            sound: None,
            audio_note: None,
            audio_retry_at: f64::NEG_INFINITY,
            fill_offer: false,
            outputs: OutputSwitcher::default(),
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
            None => Some(Playing::new(now, editor.playhead, 1.0)),
        };
    }

    /// J/K/L shuttle: `direction` −1 (J) or +1 (L) speeds up in that direction each press
    /// (1×, 2×, 4×, 8×); 0 (K) stops. Forward speeds play the sound sped up (resampled:
    /// its pitch rises); backwards is silent.
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
        self.playing = Some(Playing::new(now, editor.playhead, rate));
    }

    /// Moves the playhead with playback — following the sound at normal speed, the UI
    /// clock otherwise — and stops at either end. A playhead moved by someone else while
    /// playing (a click on the ruler, a frame step) restarts playback, and its sound, there.
    pub fn advance(&mut self, editor: &mut Editor, now: f64) {
        let Some(mut p) = self.playing else { return };
        if p.shown != editor.playhead {
            p = Playing::new(now, editor.playhead, p.rate);
            self.sound = None;
        }
        let t = match self.sound.as_mut().and_then(|s| s.playback.as_mut()) {
            Some(sound) => sound.position(now),
            None => p.from + Time::from_secs_f64((now - p.since) * p.rate),
        };
        let end = editor.project.duration();
        // Only the end it runs towards stops it: playback from zero holds at zero while
        // the sound opens.
        let ran_out = if p.rate < 0.0 {
            t <= Time::ZERO
        } else {
            t >= end
        };
        if ran_out {
            editor.playhead = t.clamp_to(Time::ZERO, end);
            self.playing = None;
        } else {
            editor.playhead = t;
            p.shown = t;
            self.playing = Some(p);
        }
    }

    /// Starts the sound when playback at normal speed starts and drops it (with what it
    /// still had queued) when playback stops, changes speed or moves; hands it the project
    /// when edited meanwhile. Notes once why there is no sound, and then does not try again
    /// for a while.
    fn sync_audio(&mut self, editor: &Editor, base_dir: &Path, now: f64) {
        let Some(p) = self.playing.filter(|p| p.rate >= 1.0) else {
            self.sound = None;
            return;
        };
        if let Some(sound) = self.sound.as_mut().filter(|s| s.since == p.since) {
            if sound.revision != editor.revision {
                // Edited while playing: heard from the next sound the device takes.
                if let Some(playback) = &sound.playback {
                    playback.replace_project(Arc::new(editor.project.clone()));
                }
                sound.revision = editor.revision;
            }
            let error = sound.playback.as_ref().and_then(SoundPlayback::error);
            if let Some(e) = error {
                if self.audio_note.is_none() {
                    tracing::warn!("playing without sound: {e}");
                }
                self.audio_note = Some(format!("No sound: {e}"));
                self.audio_retry_at = now + AUDIO_RETRY;
            } else if sound.playback.as_ref().map(SoundPlayback::source) == Some(Source::Device) {
                self.audio_note = None;
            }
            return;
        }
        let playback = (now >= self.audio_retry_at).then(|| {
            SoundPlayback::start_at_rate(
                Arc::new(editor.project.clone()),
                base_dir.to_owned(),
                p.from,
                now,
                p.rate as u32,
            )
        });
        self.sound = Some(PlaySound {
            since: p.since,
            playback,
            revision: editor.revision,
        });
    }

    /// Draws the panel.
    pub fn show(&mut self, ui: &mut egui::Ui, editor: &mut Editor, project_path: Option<&Path>) {
        let now = ui.input(|i| i.time);
        let audio_dir = project_path
            .and_then(Path::parent)
            .map(Path::to_owned)
            .unwrap_or_else(|| PathBuf::from("."));
        self.sync_audio(editor, &audio_dir, now);
        self.advance(editor, now);
        if self.playing.is_some() {
            ui.ctx().request_repaint();
        }
        self.toolbar(ui, editor, now);

        if let Some(r) = self.worker.latest() {
            self.last_ms = r.took_ms;
            match r.frame {
                Ok(frame) => {
                    show_frame(ui.ctx(), &mut self.texture, "preview", &frame);
                    if r.exact {
                        self.shown = Some(r.time);
                        self.stand_in = None;
                    } else {
                        self.stand_in = Some(r.time);
                    }
                    self.shown_size = Some((frame.width, frame.height));
                    self.error = None;
                }
                Err(e) => self.error = Some(e),
            }
        }

        let output = editor.output();
        let canvas = (output.width, output.height);
        self.worker.set_output(output.id);
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
            // The source's own column: its "Follow face" button above its picture.
            let shown = ui.vertical(|ui| {
                view.show(
                    ui,
                    editor,
                    &target,
                    base_dir.clone(),
                    egui::vec2(share, available.y),
                )
            });
            if let Some(e) = shown.inner {
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
        self.worker.set_keyframe_first(self.playing.is_none());
        self.worker.request(
            &self.snapshot,
            editor.revision,
            base_dir,
            editor.playhead,
            size,
        );
        self.wanted_size = Some(size);

        let points = egui::vec2(size.0 as f32, size.1 as f32) / ppp;
        let draw = |ui: &mut egui::Ui| {
            let (rect, response) = ui.allocate_exact_size(points, egui::Sense::click());
            // (Named "Preview" for accessibility by the eyedropper hook.)
            self.error = crate::ui::inspector::effects::preview_pick(ui, &response, editor)
                .or(self.error.take());
            let painter = super::paint_frame(ui, rect, self.texture.as_ref());
            if self.guides {
                draw_safe_areas(&painter, rect, editor.output().safe_area);
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
                "❚❚ Pause"
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
            if let Some(note) = &self.audio_note {
                ui.weak(note);
            }
            ui.separator();
            let switched = self.outputs.show(ui, editor);
            if switched.main_resized {
                self.fill_offer = !reframe::letterboxed_clips(&editor.project).is_empty();
            }
            if let Some(e) = switched.error {
                self.error = Some(e);
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
        if self.fill_offer {
            self.fill_offer_row(ui, editor);
        }
    }

    /// After a canvas switch that left clips with bars: "Fill all clips" crops each one
    /// centred to the new shape in one undo step and opens the crop window to adjust it;
    /// "Keep bars" leaves them fitted.
    fn fill_offer_row(&mut self, ui: &mut egui::Ui, editor: &mut Editor) {
        let boxed = reframe::letterboxed_clips(&editor.project).len();
        if boxed == 0 {
            self.fill_offer = false;
            return;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(if boxed == 1 {
                "1 clip shows bars on this canvas.".to_owned()
            } else {
                format!("{boxed} clips show bars on this canvas.")
            });
            if ui
                .button("Fill all clips")
                .on_hover_text(
                    "Crop every clip to fill the canvas, centred; move each crop in the crop \
                     window. One undo step.",
                )
                .clicked()
            {
                if let Some(edit) = reframe::fill_all_clips(&editor.project) {
                    editor.history.begin_gesture("Fill all clips");
                    if let Err(e) = editor.apply(edit) {
                        self.error = Some(e.to_string());
                    }
                    editor.history.end_gesture();
                    self.crop_window = true;
                }
                self.fill_offer = false;
            }
            if ui
                .button("Keep bars")
                .on_hover_text("Show each clip whole, with bars where the shapes differ")
                .clicked()
            {
                self.fill_offer = false;
            }
        });
    }
}

impl crate::ui::app::ClipwrightApp {
    /// Time of the source frame the crop window view shows, once one has been drawn.
    pub fn crop_source_shown(&self) -> Option<Time> {
        self.preview.crop_view.as_ref().and_then(|v| v.shown)
    }

    /// Size in pixels of the preview picture on screen.
    pub fn preview_shown_size(&self) -> Option<(u32, u32)> {
        self.preview.shown_size
    }

    /// The playhead time whose nearest keyframe stands in on screen while its exact frame
    /// is decoded (scrubbing an original); `None` once the exact frame is shown.
    pub fn preview_stand_in(&self) -> Option<Time> {
        self.preview.stand_in
    }
}

/// Title-safe (80 %) and action-safe (90 %) frames, plus the band a vertical-video app's
/// own buttons cover on the right and bottom, and the line the output's bottom subtitles
/// sit on when it keeps them above a platform's safe area.
fn draw_safe_areas(painter: &egui::Painter, rect: Rect, area: SafeArea) {
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
    if let Some(fraction) = area.bottom_fraction() {
        let y = rect.bottom() - rect.height() * fraction as f32;
        let line = Stroke::new(1.0, Color32::from_rgb(80, 200, 255));
        painter.hline(rect.x_range(), y, line);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
