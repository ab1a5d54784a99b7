//! The crop window on the preview: when the output being worked on has another shape than
//! a clip's source (a 16:9 recording in a 9:16 output), the whole source is shown with the
//! part that output keeps drawn over it, and dragging that window moves the clip's
//! reframing for that output (`Edit::SetReframe`), so each output keeps its own crop. A
//! whole drag is one undo step.
//!
//! The window takes the output's shape each frame, so it follows a size or output switch
//! at once.
//!
//! "Follow face" looks for the face in the whole clip on a worker thread (the full-range
//! face model every few frames, `render::follow`) and writes a crop path that follows it as
//! ordinary crop keyframes, one undo step; the UI polls the worker's one-slot channel.
//!
//! The source picture comes from the same compositor as everything else, drawing a
//! one-clip project whose canvas is the source itself, on its own [`PreviewWorker`] so the
//! canvas preview's requests are never dropped in favour of the source view's.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, TryRecvError};
use std::sync::Arc;

use egui::{Color32, Rect, Sense, Stroke, StrokeKind};

use crate::timeline::{
    Animation, ClipId, CropWindow, Edit, Interpolation, OutputId, Project, Reframe, ReframeMode,
    Time,
};

use super::{fit_size, show_frame, PreviewWorker};
use crate::session::Editor;

/// Accessible name of the source view, so tests and screen readers find it.
pub const SOURCE_VIEW_LABEL: &str = "Source with crop window";

/// The clip whose crop window the preview offers to move, and the sizes it is cut between.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CropTarget {
    /// The clip.
    pub clip: ClipId,
    /// Its source picture as displayed (after rotation), in pixels.
    pub source: (u32, u32),
    /// The output's frame, in pixels.
    pub canvas: (u32, u32),
    /// The output whose reframing the window reads and writes.
    pub output: OutputId,
    /// The playhead's offset into the clip, where the window is read and written.
    pub offset: Time,
}

/// The clip at the playhead whose window can be dragged: the selected one if it is on
/// screen, else the topmost visible one. `None` when its shape matches the canvas (there
/// is nothing to crop) or nothing with a picture is at the playhead.
pub fn target(editor: &Editor) -> Option<CropTarget> {
    let project = &editor.project;
    let t = editor.playhead;
    let active = project.active_clips_at(t);
    let chosen = active
        .iter()
        .find(|a| editor.selection.contains(&a.clip.id))
        .or_else(|| active.last())?;
    target_for(editor, chosen.clip.id)
}

/// Clip `clip`'s crop window at the playhead (or the clip's nearer end when the playhead
/// is outside it); `None` when the clip has no picture or already has the canvas's shape.
pub fn target_for(editor: &Editor, clip: ClipId) -> Option<CropTarget> {
    let project = &editor.project;
    let c = project.clip(clip)?;
    let source = project.source(c.source()?)?;
    let size = source.info.video.as_ref()?.display_size();
    let output = editor.output();
    let canvas = (output.width, output.height);
    if crate::timeline::reframe::same_shape(size, canvas) {
        return None;
    }
    let last = (c.duration() - Time::TICK).max(Time::ZERO);
    Some(CropTarget {
        clip,
        source: size,
        canvas,
        output: output.id,
        offset: (editor.playhead - c.start).clamp_to(Time::ZERO, last),
    })
}

/// The project that draws clip `id`'s source whole: a canvas of the source's size, only
/// that clip, with no motion, reframing or effects. Same timing, so the same playhead.
pub fn source_project(project: &Project, target: &CropTarget) -> Option<Project> {
    let mut out = project.clone();
    out.canvas.width = target.source.0;
    out.canvas.height = target.source.1;
    out.outputs.clear();
    let mut found = false;
    out.tracks.retain_mut(|track| {
        track.clips.retain(|c| c.id == target.clip);
        track.cues.clear();
        if track.clips.is_empty() {
            return false;
        }
        found = true;
        track.hidden = false;
        for clip in &mut track.clips {
            clip.reframes.clear();
            clip.animation = Animation::default();
            clip.effects = Default::default();
        }
        true
    });
    found.then_some(out)
}

/// The clip's crop window at the target's offset (centred when none is set).
pub fn window_at(project: &Project, target: &CropTarget) -> CropWindow {
    project
        .clip(target.clip)
        .and_then(|c| c.reframes.get(&target.output))
        .map(|r| r.crop.value_at_or(target.offset, CropWindow::default()))
        .unwrap_or_default()
}

/// The clip's reframing with its window moved to `window`: a clip that was fitted starts
/// filling (the window is what the canvas shows then); a window that does not move over
/// time keeps one keyframe; an animated one gets a keyframe at the playhead.
pub fn moved(current: Option<&Reframe>, offset: Time, window: CropWindow) -> Reframe {
    let mut reframe = current.cloned().unwrap_or_default();
    if reframe.mode == ReframeMode::Fit {
        reframe.mode = ReframeMode::Fill;
    }
    let at = match reframe.crop.len() {
        0 => Time::ZERO,
        1 => reframe.crop.iter().next().map_or(Time::ZERO, |k| k.time),
        _ => offset,
    };
    let interpolation = reframe
        .crop
        .get(at)
        .map_or(Interpolation::Linear, |k| k.interpolation);
    reframe.crop.insert(at, window, interpolation);
    reframe
}

/// Where a drag started: the window then and the pointer then.
#[derive(Debug, Clone, Copy)]
struct DragStart {
    window: CropWindow,
    pointer: egui::Pos2,
}

/// Accessible name of the "Follow face" button.
pub const FOLLOW_FACE_LABEL: &str = "Follow face";

/// A face search running on a worker: its answer slot and its stop flag.
struct FollowJob {
    rx: Receiver<Result<Option<Edit>, FollowError>>,
    cancel: Arc<AtomicBool>,
}

/// The source view's state: its own preview worker and the drag in progress.
pub struct CropView {
    worker: PreviewWorker,
    texture: Option<egui::TextureHandle>,
    snapshot: Option<(u64, ClipId, Arc<Project>)>,
    drag: Option<DragStart>,
    follow: Option<FollowJob>,
    /// Time of the source frame on screen.
    pub shown: Option<Time>,
}

impl Drop for CropView {
    fn drop(&mut self) {
        if let Some(job) = &self.follow {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }
}

impl CropView {
    /// Starts the source view's worker; it wakes `ctx` when a frame is ready.
    pub fn new(ctx: &egui::Context) -> CropView {
        let ctx = ctx.clone();
        CropView {
            worker: PreviewWorker::start(move || ctx.request_repaint()),
            texture: None,
            snapshot: None,
            drag: None,
            follow: None,
            shown: None,
        }
    }

    /// The "Follow face" button, and the search it starts on a worker; applies the crop
    /// path when the worker answers. Returns an error for the person, if any.
    fn follow_face(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        target: &CropTarget,
        base_dir: &std::path::Path,
    ) -> Option<String> {
        let mut error = None;
        if let Some(job) = &self.follow {
            match job.rx.try_recv() {
                Ok(Ok(Some(edit))) => {
                    self.follow = None;
                    if let Err(e) = editor.apply(edit) {
                        error = Some(e.to_string());
                    }
                }
                Ok(Ok(None)) => self.follow = None,
                Ok(Err(e)) => {
                    self.follow = None;
                    error = Some(e.to_string());
                }
                Err(TryRecvError::Disconnected) => {
                    self.follow = None;
                    error = Some("the face search stopped".to_owned());
                }
                Err(TryRecvError::Empty) => {}
            }
        }
        ui.horizontal(|ui| {
            if self.follow.is_some() {
                ui.spinner();
                ui.label("Finding the face…");
            } else if ui
                .button(FOLLOW_FACE_LABEL)
                .on_hover_text("Move the crop window with the face through the whole clip")
                .clicked()
            {
                self.follow = Some(start_follow(ui.ctx(), editor, target, base_dir));
            }
        });
        error
    }

    /// Draws the source with the crop window in `available` points, and turns a drag on it
    /// into reframe edits. Returns an error for the person, if an edit was refused.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        editor: &mut Editor,
        target: &CropTarget,
        base_dir: PathBuf,
        available: egui::Vec2,
    ) -> Option<String> {
        if let Some(r) = self.worker.latest() {
            if let Ok(frame) = r.frame {
                show_frame(ui.ctx(), &mut self.texture, "crop-source", &frame);
                // A keyframe stand-in is on screen, but its time is not yet shown.
                self.shown = r.exact.then_some(r.time).or(self.shown);
            }
        }
        let follow_error = self.follow_face(ui, editor, target, &base_dir);
        let available = available - egui::vec2(0.0, ui.spacing().interact_size.y);
        let ppp = ui.ctx().pixels_per_point();
        let size = fit_size(target.source, available, ppp);
        // The source view ignores motion and reframing, so only a change of clip or of
        // the media it shows needs a new snapshot; moving the window does not redraw it.
        let stale = !matches!(&self.snapshot, Some((_, id, _)) if *id == target.clip)
            || self.drag.is_none()
                && self
                    .snapshot
                    .as_ref()
                    .is_some_and(|s| s.0 != editor.revision);
        if stale {
            if let Some(p) = source_project(&editor.project, target) {
                self.snapshot = Some((editor.revision, target.clip, Arc::new(p)));
            }
        }
        if let Some((revision, _, project)) = &self.snapshot {
            self.worker
                .request(project, *revision, base_dir, editor.playhead, size);
        }

        let points = egui::vec2(size.0 as f32, size.1 as f32) / ppp;
        let (rect, response) = ui.allocate_exact_size(points, Sense::drag());
        response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, SOURCE_VIEW_LABEL));
        let painter = super::paint_frame(ui, rect, self.texture.as_ref());

        let window = window_at(&editor.project, target);
        let crop = window.rect(target.source, target.canvas);
        let (sw, sh) = (
            f64::from(target.source.0.max(1)),
            f64::from(target.source.1.max(1)),
        );
        let to_view = |x: f64, y: f64| {
            egui::pos2(
                rect.left() + (x / sw) as f32 * rect.width(),
                rect.top() + (y / sh) as f32 * rect.height(),
            )
        };
        let window_rect = Rect::from_min_max(
            to_view(crop.x, crop.y),
            to_view(crop.x + crop.width, crop.y + crop.height),
        );
        paint_window(&painter, rect, window_rect);
        if response.hovered() || self.drag.is_some() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Grab);
        }

        let mut error = None;
        if response.drag_started() {
            if let Some(pointer) = response.interact_pointer_pos() {
                editor.history.begin_gesture("Move crop window");
                self.drag = Some(DragStart { window, pointer });
            }
        }
        if let (Some(start), Some(pointer)) = (self.drag, response.interact_pointer_pos()) {
            if response.dragged() {
                let delta = pointer - start.pointer;
                // Keep the centre where the window still fits, so dragging back after
                // hitting an edge moves it at once.
                let half_w = crop.width / sw / 2.0;
                let half_h = crop.height / sh / 2.0;
                let next = CropWindow {
                    center_x: (start.window.center_x + f64::from(delta.x / rect.width()))
                        .clamp(half_w, 1.0 - half_w),
                    center_y: (start.window.center_y + f64::from(delta.y / rect.height()))
                        .clamp(half_h, 1.0 - half_h),
                    zoom: start.window.zoom,
                };
                if next != window {
                    let current = editor
                        .project
                        .clip(target.clip)
                        .and_then(|c| c.reframes.get(&target.output));
                    let reframe = moved(current, target.offset, next);
                    if let Err(e) = editor.apply(Edit::SetReframe {
                        clip: target.clip,
                        output: target.output,
                        reframe: Some(reframe),
                    }) {
                        error = Some(e.to_string());
                    }
                }
            }
        }
        if response.drag_stopped() || (self.drag.is_some() && !response.is_pointer_button_down_on())
        {
            if editor.history.in_gesture() {
                editor.history.end_gesture();
            }
            self.drag = None;
        }
        error.or(follow_error)
    }
}

/// Shades the source outside the crop window and outlines the window.
fn paint_window(painter: &egui::Painter, rect: Rect, window_rect: Rect) {
    let shade = Color32::from_black_alpha(140);
    for outside in [
        Rect::from_min_max(rect.min, egui::pos2(rect.right(), window_rect.top())),
        Rect::from_min_max(egui::pos2(rect.left(), window_rect.bottom()), rect.max),
        Rect::from_min_max(
            egui::pos2(rect.left(), window_rect.top()),
            egui::pos2(window_rect.left(), window_rect.bottom()),
        ),
        Rect::from_min_max(
            egui::pos2(window_rect.right(), window_rect.top()),
            egui::pos2(rect.right(), window_rect.bottom()),
        ),
    ] {
        if outside.is_positive() {
            painter.rect_filled(outside, 0.0, shade);
        }
    }
    painter.rect_stroke(
        window_rect,
        0.0,
        Stroke::new(2.0, Color32::from_rgb(255, 200, 0)),
        StrokeKind::Inside,
    );
}

/// Why "Follow face" set no crop keyframes.
#[derive(Debug, thiserror::Error)]
enum FollowError {
    /// The worker thread could not be started.
    #[error("cannot start the face search: {0}")]
    Start(std::io::Error),
    /// The clip could not be decoded or analysed.
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
}

/// Starts looking for the face in the target clip on a worker thread.
fn start_follow(
    ctx: &egui::Context,
    editor: &Editor,
    target: &CropTarget,
    base_dir: &std::path::Path,
) -> FollowJob {
    let (tx, rx) = sync_channel(1);
    let cancel = Arc::new(AtomicBool::new(false));
    let project = editor.project.clone();
    let (clip, output, base, stop, ctx) = (
        target.clip,
        target.output,
        base_dir.to_owned(),
        cancel.clone(),
        ctx.clone(),
    );
    let spawned = std::thread::Builder::new()
        .name("follow-face".to_owned())
        .spawn(move || {
            let answer = crate::render::follow::follow_face_edit(
                &project,
                clip,
                output,
                &base,
                &crate::vision::TractVision,
                &stop,
            )
            .map_err(FollowError::from);
            // A cancelled search is dropped with the view; nobody is waiting then.
            let _ = tx.try_send(answer);
            ctx.request_repaint();
        });
    if let Err(e) = spawned {
        let (tx, rx) = sync_channel(1);
        let _ = tx.try_send(Err(FollowError::Start(e)));
        return FollowJob { rx, cancel };
    }
    FollowJob { rx, cancel }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that `r` is in `mode` with `keys` keyframes, its window at `at` being `window`.
    fn assert_reframe(
        r: &Reframe,
        mode: ReframeMode,
        keys: usize,
        (at, window): (Time, CropWindow),
    ) {
        assert_eq!(r.mode, mode);
        assert_eq!(r.crop.len(), keys);
        assert_eq!(r.crop.value_at_or(at, CropWindow::default()), window);
    }

    #[test]
    fn moving_a_fitted_clips_window_makes_it_fill_with_one_keyframe() {
        let window = CropWindow {
            center_x: 0.2,
            ..CropWindow::default()
        };
        let r = moved(None, Time::from_secs(3), window);
        assert_reframe(&r, ReframeMode::Fill, 1, (Time::from_secs(9), window));
    }

    #[test]
    fn an_animated_window_gets_a_keyframe_at_the_playhead_and_keeps_the_others() {
        let mut start = Reframe {
            mode: ReframeMode::BlurFill,
            ..Reframe::default()
        };
        start
            .crop
            .insert(Time::ZERO, CropWindow::default(), Interpolation::Linear);
        start.crop.insert(
            Time::from_secs(4),
            CropWindow::default(),
            Interpolation::Linear,
        );
        let window = CropWindow {
            center_x: 0.8,
            ..CropWindow::default()
        };
        let r = moved(Some(&start), Time::from_secs(2), window);
        assert_reframe(&r, ReframeMode::BlurFill, 3, (Time::from_secs(2), window));
    }
}
