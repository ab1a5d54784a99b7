//! What a timeline clip shows inside its box: a filmstrip of thumbnails for picture
//! tracks, the waveform for sound tracks. Only what is on screen is asked for and drawn;
//! pictures still on their way leave the clip's plain colour showing.

use std::path::Path;

use egui::{pos2, vec2, Align2, Color32, CornerRadius, FontId, Rect, Stroke, StrokeKind};

use crate::timeline::{Clip, MediaSource, Time, Track, TrackKind};

use super::clip_media::ClipMedia;
use super::view::{clip_label, Lane, TimelineView};
use crate::session::Editor;

/// Widest a thumbnail tile is drawn, for very wide pictures.
const MAX_TILE_WIDTH: f32 = 400.0;

/// A media clip's box as drawn: its inside, the part of it that shows (the painter is
/// clipped to it), the x of time zero, and the clip with the file it plays.
struct MediaBox<'a> {
    painter: egui::Painter,
    inner: Rect,
    visible: Rect,
    left: f32,
    clip: &'a Clip,
    source: &'a MediaSource,
    path: &'a Path,
}

/// The colour of clips on a track of `kind`.
pub(in crate::ui) fn track_color(kind: TrackKind) -> Color32 {
    match kind {
        TrackKind::Video => Color32::from_rgb(58, 110, 170),
        TrackKind::Overlay => Color32::from_rgb(150, 95, 175),
        TrackKind::Audio => Color32::from_rgb(60, 150, 100),
        TrackKind::Subtitle => Color32::from_rgb(180, 140, 60),
    }
}

impl TimelineView {
    /// The box of `clip` on a track whose lane is `lane`.
    pub(in crate::ui) fn clip_rect(&self, clip: &Clip, lane: Rect, left: f32) -> Rect {
        Rect::from_min_max(
            pos2(self.x_of(clip.start, left), lane.top() + 3.0),
            pos2(self.x_of(clip.end(), left), lane.bottom() - 3.0),
        )
    }

    /// Draws the thumbnails or waveforms of `track`'s visible clips.
    pub(in crate::ui) fn draw_track_media(
        &self,
        lane: Lane<'_>,
        editor: &Editor,
        track: &Track,
        base_dir: &Path,
        media: &mut ClipMedia,
    ) {
        let dimmed = track.hidden || track.muted;
        for clip in &track.clips {
            let r = self.clip_rect(clip, lane.rect, lane.left);
            if !lane.reaches(r) {
                continue;
            }
            let Some(source) = clip.source().and_then(|s| editor.project.source(s)) else {
                continue;
            };
            let path = source.resolved_path(base_dir);
            self.draw_clip_media(lane, r, track.kind, (clip, source, &path), media, dimmed);
        }
    }

    /// Draws the outline, name and speed badge of `track`'s visible clips, over their
    /// pictures.
    pub(in crate::ui) fn draw_clip_labels(&self, lane: Lane<'_>, editor: &Editor, track: &Track) {
        let base = track_color(track.kind);
        for clip in &track.clips {
            let r = self.clip_rect(clip, lane.rect, lane.left);
            if !lane.reaches(r) {
                continue;
            }
            let painter = lane.painter.with_clip_rect(r.intersect(lane.rect));
            let stroke = if editor.selection.contains(&clip.id) {
                Stroke::new(2.0, Color32::WHITE)
            } else {
                Stroke::new(1.0, base.gamma_multiply(1.6))
            };
            painter.rect_stroke(r, CornerRadius::same(4), stroke, StrokeKind::Inside);
            // A shadow keeps the name readable over any picture.
            let label = clip_label(editor, clip.id);
            let at = r.left_top() + vec2(6.0, 4.0);
            painter.text(
                at + vec2(1.0, 1.0),
                Align2::LEFT_TOP,
                &label,
                FontId::proportional(11.0),
                Color32::BLACK,
            );
            painter.text(
                at,
                Align2::LEFT_TOP,
                label,
                FontId::proportional(11.0),
                Color32::WHITE,
            );
            if !clip.speed.is_normal() {
                painter.text(
                    r.left_bottom() + vec2(6.0, -4.0),
                    Align2::LEFT_BOTTOM,
                    "speed",
                    FontId::proportional(9.0),
                    Color32::from_rgb(255, 220, 120),
                );
            }
        }
    }

    /// Draws the filmstrip or waveform of a media `clip` (of `source`, in the file at
    /// `path`) inside `r`, clipped to `lane`.
    fn draw_clip_media(
        &self,
        lane: Lane<'_>,
        r: Rect,
        kind: TrackKind,
        (clip, source, path): (&Clip, &MediaSource, &Path),
        media: &mut ClipMedia,
        dimmed: bool,
    ) {
        let inner = r.shrink(1.0);
        let visible = inner.intersect(lane.rect);
        if !visible.is_positive() || source.missing {
            return;
        }
        let at = MediaBox {
            painter: lane.painter.with_clip_rect(visible),
            inner,
            visible,
            left: lane.left,
            clip,
            source,
            path,
        };
        match kind {
            TrackKind::Video | TrackKind::Overlay => self.draw_filmstrip(&at, media, dimmed),
            TrackKind::Audio => {
                let color = if dimmed {
                    Color32::from_rgba_unmultiplied(200, 255, 215, 70)
                } else {
                    Color32::from_rgba_unmultiplied(200, 255, 215, 150)
                };
                self.draw_waveform(&at, media, color);
            }
            TrackKind::Subtitle => {}
        }
    }

    /// Draws thumbnails of the clip's pictures side by side, each of the time under it.
    fn draw_filmstrip(&self, at: &MediaBox<'_>, media: &mut ClipMedia, dimmed: bool) {
        let (w, h) = match &at.source.info.video {
            Some(v) => v.display_size(),
            None if at.source.info.is_still_image => (16, 9),
            None => return,
        };
        if w == 0 || h == 0 {
            return;
        }
        let tile_h = at.inner.height();
        let tile_w = (tile_h * w as f32 / h as f32).clamp(8.0, MAX_TILE_WIDTH);
        // Source seconds one tile spans, through the clip's (average) speed.
        let ratio = if at.clip.duration() > Time::ZERO {
            at.clip.source_len().as_secs_f64() / at.clip.duration().as_secs_f64()
        } else {
            1.0
        };
        let span = f64::from(tile_w / self.pixels_per_second) * ratio;
        let bucket = ClipMedia::bucket_for(span);
        let tint = if dimmed {
            Color32::from_gray(90)
        } else {
            Color32::from_gray(210)
        };
        let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
        let first = ((at.visible.left() - at.inner.left()) / tile_w)
            .floor()
            .max(0.0);
        let mut x = at.inner.left() + first * tile_w;
        while x < at.visible.right() {
            let time = if at.source.info.is_still_image {
                Time::ZERO
            } else {
                at.clip.source_time_at(self.time_at(x, at.left))
            };
            if let Some(texture) = media.thumbnail(at.path, time, bucket) {
                let tile = Rect::from_min_size(pos2(x, at.inner.top()), vec2(tile_w, tile_h));
                at.painter.image(texture, tile, uv, tint);
            }
            x += tile_w;
        }
    }

    /// Draws the sound's peaks, one pixel column at a time.
    fn draw_waveform(&self, at: &MediaBox<'_>, media: &mut ClipMedia, color: Color32) {
        if at.source.info.audio.is_none() {
            return;
        }
        let Some(peaks) = media.waveform(at.path, at.source.info.duration) else {
            return;
        };
        let mid = at.inner.center().y;
        let half = at.inner.height() * 0.5;
        let mut mesh = egui::Mesh::default();
        let mut x = at.visible.left().floor();
        let mut from = at.clip.source_time_at(self.time_at(x, at.left));
        while x < at.visible.right() {
            let to = at.clip.source_time_at(self.time_at(x + 1.0, at.left));
            if let Some([low, high]) = peaks.range(from, to) {
                let top = mid - high.clamp(-1.0, 1.0) * half;
                let bottom = (mid - low.clamp(-1.0, 1.0) * half).max(top + 1.0);
                mesh.add_colored_rect(
                    Rect::from_min_max(pos2(x, top), pos2(x + 1.0, bottom)),
                    color,
                );
            }
            from = to;
            x += 1.0;
        }
        at.painter.add(egui::Shape::mesh(mesh));
    }
}
