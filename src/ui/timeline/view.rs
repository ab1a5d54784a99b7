//! The timeline widget: track headers, a timecode ruler, clips, the playhead and markers.
//!
//! It reads the [`Editor`] and turns pointer and keyboard input into `Edit` values applied
//! through the editor; a whole drag (move or trim) is one gesture, so one undo step.
//! Pixel positions are UI-only floats; every time it hands to the model is a [`Time`].
//! Input handling lives in `input` (clips, markers) and `cues` (subtitle cues); this file
//! lays out and draws. The toolbar and ruler stay put: the tracks scroll under them, with
//! a scrollbar on the right when they do not fit, and each row is at least as tall as its
//! header's one line of name and switches.

use egui::{pos2, vec2, Color32, CornerRadius, Rect, Sense, Stroke};

use crate::timeline::{ClipId, Edit, MarkerId, Time, Track, TrackKind};

use super::clip_media::ClipMedia;
use super::input::Drag;
use crate::session::Editor;

mod ruler;
mod track;

/// Height of the ruler at the top.
pub(in crate::ui) const RULER_HEIGHT: f32 = 24.0;
/// Width of the track headers on the left.
const HEADER_WIDTH: f32 = 150.0;
/// Pixels from a clip's edge that grab the edge (trim) instead of the body (move).
pub(in crate::ui) const EDGE_GRAB: f32 = 6.0;
/// How close, in pixels, a drag snaps to a target.
pub(in crate::ui) const SNAP_PIXELS: f32 = 8.0;
/// How far, in pixels, from a marker's line the pointer still grabs the marker.
pub(in crate::ui) const MARKER_GRAB: f32 = 6.0;
/// Colour of markers on the ruler.
const MARKER_COLOR: Color32 = Color32::from_rgb(90, 200, 255);
/// Width of the tracks' vertical scrollbar.
const SCROLLBAR_WIDTH: f32 = 10.0;
/// Accessible name of the tracks' vertical scrollbar.
const TRACKS_SCROLLBAR: &str = "Scroll the tracks";

/// View state of the timeline: zoom, scroll, the drag in progress and the marker chosen.
#[derive(Debug)]
pub struct TimelineView {
    /// Zoom: how many pixels one second takes.
    pub pixels_per_second: f32,
    /// The time at the left edge of the clip area.
    pub scroll: Time,
    /// How far, in points, the tracks are scrolled down under the ruler.
    pub track_scroll: f32,
    pub(in crate::ui) drag: Option<Drag>,
    /// Where a snapping drag stuck, to draw the guide.
    pub(in crate::ui) snapped: Option<Time>,
    /// The marker last clicked or added; Delete removes it.
    pub(in crate::ui) selected_marker: Option<MarkerId>,
    /// The marker whose context menu is open.
    pub(in crate::ui) menu_marker: Option<MarkerId>,
    /// The marker being renamed, with the name typed so far.
    pub(in crate::ui) renaming: Option<super::markers::Rename>,
    /// Whether the marker list window is open.
    pub(in crate::ui) marker_list: bool,
    /// Thumbnails and waveforms; started with the first frame drawn.
    media: Option<ClipMedia>,
    /// Zoom and scroll of the last frame, to tell the thumbnail worker when they change.
    last_view: (f32, Time),
}

impl Default for TimelineView {
    fn default() -> Self {
        TimelineView {
            pixels_per_second: 80.0,
            scroll: Time::ZERO,
            track_scroll: 0.0,
            drag: None,
            snapped: None,
            selected_marker: None,
            menu_marker: None,
            renaming: None,
            marker_list: false,
            media: None,
            last_view: (0.0, Time::ZERO),
        }
    }
}

/// What the timeline asks the app to do beyond editing.
#[derive(Debug, Default, PartialEq)]
pub struct TimelineResponse {
    /// An edit was refused; the reason, for a toast.
    pub error: Option<String>,
    /// A track whose header asked to remove it; removed once every row is drawn.
    remove_track: Option<crate::timeline::TrackId>,
    /// Marker ranges to export as files of their own: one marker's, or all (`None`).
    pub export_markers: Option<Option<crate::timeline::MarkerId>>,
}

impl TimelineView {
    pub(in crate::ui) fn x_of(&self, t: Time, left: f32) -> f32 {
        left + ((t - self.scroll).as_secs_f64() as f32) * self.pixels_per_second
    }

    pub(in crate::ui) fn time_at(&self, x: f32, left: f32) -> Time {
        let secs = f64::from((x - left) / self.pixels_per_second);
        (self.scroll + Time::from_secs_f64(secs)).max(Time::ZERO)
    }

    /// The height of a row for a track of `kind`: its own height, but never less than
    /// the header needs for the track's name and its switches (`style` decides how tall
    /// those are, and a person may enlarge them).
    fn height_of(kind: TrackKind, style: &egui::Style) -> f32 {
        let own: f32 = match kind {
            TrackKind::Video | TrackKind::Overlay => 54.0,
            TrackKind::Audio => 42.0,
            TrackKind::Subtitle => 30.0,
        };
        own.max(header_height(style))
    }

    /// Fits the whole project into `width` pixels.
    pub fn zoom_to_fit(&mut self, editor: &Editor, width: f32) {
        let secs = editor.project.duration().as_secs_f64().max(1.0) as f32;
        self.pixels_per_second = ((width - HEADER_WIDTH - 20.0) / secs).clamp(2.0, 2000.0);
        self.scroll = Time::ZERO;
    }

    /// The thumbnail and waveform cache, started on first use, with this frame's results
    /// taken in (the media bin may draw while the timeline is hidden).
    pub(in crate::ui) fn media(&mut self, ctx: &egui::Context) -> &mut ClipMedia {
        let media = self.media.get_or_insert_with(|| ClipMedia::new(ctx));
        media.begin_frame();
        media
    }

    /// Draws the timeline and handles its input.
    pub fn show(&mut self, ui: &mut egui::Ui, editor: &mut Editor) -> TimelineResponse {
        let mut response = TimelineResponse::default();
        let mut media = self
            .media
            .take()
            .unwrap_or_else(|| ClipMedia::new(ui.ctx()));
        media.begin_frame();
        self.toolbar(ui, editor, &mut response);
        let style = ui.style().clone();
        let tracks_height: f32 = editor
            .project
            .tracks
            .iter()
            .map(|t| Self::height_of(t.kind, &style))
            .sum();
        // The timeline takes the room it is given; the tracks scroll inside it.
        let size = vec2(
            ui.available_width(),
            ui.available_height().max(RULER_HEIGHT + 40.0),
        );
        let (rect, area) = ui.allocate_exact_size(size, Sense::click_and_drag());
        area.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Timeline"));
        let painter = ui.painter_at(rect);
        let visuals = ui.visuals().clone();
        painter.rect_filled(rect, 0.0, visuals.extreme_bg_color);
        let left = rect.left() + HEADER_WIDTH;
        let mut tracks = Rect::from_min_max(pos2(rect.left(), rect.top() + RULER_HEIGHT), rect.max);
        let overflow = (tracks_height - tracks.height()).max(0.0);
        if overflow > 0.0 {
            tracks.max.x -= SCROLLBAR_WIDTH;
        }

        self.handle_zoom(ui, &area, left, overflow, tracks.right());
        self.track_scroll = self.track_scroll.clamp(0.0, overflow);
        self.handle_keys(ui, editor, rect.width(), &mut response);
        if overflow > 0.0 {
            self.scrollbar(ui, tracks, tracks_height);
        }

        let mut rows = Vec::new();
        let mut y = tracks.top() - self.track_scroll;
        for index in display_order(&editor.project.tracks) {
            let h = Self::height_of(editor.project.tracks[index].kind, &style);
            rows.push((
                index,
                Rect::from_min_size(pos2(tracks.left(), y), vec2(tracks.width(), h)),
            ));
            y += h;
        }
        // Pointer input sees only the part of each row that shows.
        let visible_rows: Vec<(usize, Rect)> = rows
            .iter()
            .map(|&(i, r)| (i, r.intersect(tracks)))
            .filter(|(_, r)| r.is_positive())
            .collect();
        let track_painter = painter.with_clip_rect(tracks);

        if self.last_view != (self.pixels_per_second, self.scroll) {
            self.last_view = (self.pixels_per_second, self.scroll);
            media.view_changed();
        }
        self.draw_ruler(ui, &painter, rect, left, editor, &visuals);
        let base_dir = editor
            .path
            .as_deref()
            .and_then(std::path::Path::parent)
            .map(std::path::Path::to_owned)
            .unwrap_or_else(|| std::path::PathBuf::from("."));
        for &(index, row) in &rows {
            if !row.intersects(tracks) {
                continue;
            }
            self.draw_track(ui, &track_painter, row, left, editor, index, &mut response);
            let lane = Lane {
                painter: &track_painter,
                rect: Rect::from_min_max(pos2(left, row.top()), row.max),
                left,
            };
            let Some(track) = editor.project.tracks.get(index) else {
                continue;
            };
            self.draw_track_media(lane, editor, track, &base_dir, &mut media);
            self.draw_clip_labels(lane, editor, track);
            self.draw_cues(ui, lane, track);
        }
        self.media = Some(media);
        self.handle_pointer(ui, &area, rect, left, &visible_rows, editor);
        self.marker_menu(&area, editor, &mut response);
        self.rename_on_ruler(ui, rect, left, editor, &mut response);
        self.marker_list_window(ui.ctx(), editor, &mut response);
        if let Some(id) = response.remove_track.take() {
            if let Err(e) = editor.apply(Edit::RemoveTrack { id }) {
                response.error = Some(e.to_string());
            }
        }

        // Playhead and snap guide over everything.
        let px = self.x_of(editor.playhead, left);
        if px >= left {
            painter.line_segment(
                [pos2(px, rect.top()), pos2(px, rect.bottom())],
                Stroke::new(2.0, Color32::from_rgb(255, 80, 90)),
            );
        }
        if let Some(t) = self.snapped {
            let sx = self.x_of(t, left);
            painter.line_segment(
                [pos2(sx, rect.top()), pos2(sx, rect.bottom())],
                Stroke::new(1.0, Color32::YELLOW),
            );
        }
        response
    }

    /// The row of buttons above the tracks: fit, add a marker, the marker list, add a
    /// track.
    fn toolbar(&mut self, ui: &mut egui::Ui, editor: &mut Editor, response: &mut TimelineResponse) {
        ui.horizontal(|ui| {
            let width = ui.available_width();
            if ui
                .button("Fit")
                .on_hover_text("Zoom to fit the whole project (Shift+Z)")
                .clicked()
            {
                self.zoom_to_fit(editor, width);
            }
            if ui
                .button("Add marker")
                .on_hover_text("Add a marker at the playhead (M)")
                .clicked()
            {
                self.add_marker(editor, response);
            }
            if ui
                .selectable_label(self.marker_list, "Marker list")
                .on_hover_text("List the markers by time: jump to, rename or remove them")
                .clicked()
            {
                self.marker_list = !self.marker_list;
            }
            ui.menu_button("Add track", |ui| {
                for (kind, name) in [
                    (TrackKind::Video, "Video"),
                    (TrackKind::Overlay, "Overlay"),
                    (TrackKind::Audio, "Audio"),
                    (TrackKind::Subtitle, "Subtitles"),
                ] {
                    if ui.button(format!("{name} track")).clicked() {
                        let count = editor
                            .project
                            .tracks
                            .iter()
                            .filter(|t| t.kind == kind)
                            .count();
                        let track = Track::new(
                            editor.project.next_track_id(),
                            kind,
                            format!("{name} {}", count + 1),
                        );
                        // New picture tracks go on top; the order of the others is
                        // only how they are listed.
                        let index = editor.project.tracks.len();
                        if let Err(e) = editor.apply(Edit::AddTrack { index, track }) {
                            response.error = Some(e.to_string());
                        }
                        ui.close();
                    }
                }
            });
        });
    }

    /// The tracks' scrollbar along the right of `tracks`: drag the thumb, turn the wheel
    /// over it, or click the trough to page towards the pointer.
    fn scrollbar(&mut self, ui: &egui::Ui, tracks: Rect, content: f32) {
        let trough = Rect::from_min_max(
            pos2(tracks.right(), tracks.top()),
            pos2(tracks.right() + SCROLLBAR_WIDTH, tracks.bottom()),
        );
        let response = ui
            .interact(
                trough,
                egui::Id::unique("timeline-tracks-scrollbar"),
                Sense::click_and_drag(),
            )
            .on_hover_text("Scroll the tracks (or the wheel over the track names)");
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::ScrollBar, true, TRACKS_SCROLLBAR)
        });
        let overflow = (content - tracks.height()).max(0.0);
        let scale = content / tracks.height().max(1.0);
        let wheel = ui.input(|i| i.smooth_scroll_delta.y);
        if response.dragged() {
            self.track_scroll += response.drag_delta().y * scale;
        } else if response.hovered() && wheel != 0.0 {
            // The wheel over the scrollbar scrolls the tracks, as over their names.
            self.track_scroll -= wheel;
        } else if response.clicked() {
            if let Some(p) = response.interact_pointer_pos() {
                let page = tracks.height() * 0.9;
                let thumb_mid = tracks.top() + (self.track_scroll + tracks.height() / 2.0) / scale;
                self.track_scroll += if p.y < thumb_mid { -page } else { page };
            }
        }
        self.track_scroll = self.track_scroll.clamp(0.0, overflow);
        let thumb = Rect::from_min_size(
            pos2(
                trough.left() + 2.0,
                tracks.top() + self.track_scroll / scale,
            ),
            vec2(SCROLLBAR_WIDTH - 4.0, (tracks.height() / scale).max(12.0)),
        );
        let visuals = ui.visuals();
        let painter = ui.painter();
        painter.rect_filled(trough, 0.0, visuals.faint_bg_color);
        let thumb_color = if response.hovered() || response.dragged() {
            visuals.widgets.hovered.bg_fill
        } else {
            visuals.widgets.inactive.bg_fill
        };
        painter.rect_filled(thumb, CornerRadius::same(3), thumb_color);
    }
}

/// How tall a track header must be for its one line of name and switch buttons (with
/// the header's 4-point margins), in the given style.
fn header_height(style: &egui::Style) -> f32 {
    4.0 + style.spacing.interact_size.y + 4.0
}

/// The order tracks are listed top-down, as editors show them: picture tracks with the
/// top-most (last composited) first, then subtitle tracks, then sound tracks.
fn display_order(tracks: &[crate::timeline::Track]) -> Vec<usize> {
    let visual = (0..tracks.len())
        .rev()
        .filter(|&i| tracks[i].kind.is_visual());
    let subtitles = (0..tracks.len()).filter(|&i| tracks[i].kind == TrackKind::Subtitle);
    let audio = (0..tracks.len()).filter(|&i| tracks[i].kind == TrackKind::Audio);
    visual.chain(subtitles).chain(audio).collect()
}

/// A clip's label: its file name, or the text it shows.
/// Where a track's clips or cues are drawn: with `painter` (clipped to the tracks), in
/// the lane's box `rect` right of the track headers, time zero lying at x = `left`.
#[derive(Clone, Copy)]
pub(in crate::ui) struct Lane<'a> {
    pub painter: &'a egui::Painter,
    pub rect: Rect,
    pub left: f32,
}

impl Lane<'_> {
    /// Whether any of `r` lies across the lane, left to right.
    pub(in crate::ui) fn reaches(&self, r: Rect) -> bool {
        !(r.right() < self.rect.left() || r.left() > self.rect.right())
    }
}

pub(in crate::ui) fn clip_label(editor: &Editor, id: ClipId) -> String {
    let Some(clip) = editor.project.clip(id) else {
        return String::new();
    };
    match &clip.content {
        crate::timeline::ClipContent::Media { source } => editor
            .project
            .source(*source)
            .map(|s| crate::ui::app::file_label(&s.path))
            .unwrap_or_else(|| "missing source".to_owned()),
        crate::timeline::ClipContent::Sticker { name, pin } => match pin {
            Some(_) => format!("Sticker {} (on the face)", name.replace('-', " ")),
            None => format!("Sticker {}", name.replace('-', " ")),
        },
        crate::timeline::ClipContent::Text { text, .. } => text_label(text),
        crate::timeline::ClipContent::Color { color } => {
            format!("Colour #{:02X}{:02X}{:02X}", color.r, color.g, color.b)
        }
    }
}

/// A text clip's label: its first line, at most 40 characters, or "Text" when blank.
fn text_label(text: &str) -> String {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    match first {
        None => "Text".to_owned(),
        Some(line) if line.chars().count() > 40 => {
            let cut: String = line.chars().take(39).collect();
            format!("{cut}…")
        }
        Some(line) => line.to_owned(),
    }
}

impl crate::ui::app::ClipwrightApp {
    /// The timeline's zoom: how many points one second takes.
    pub fn timeline_zoom(&self) -> f32 {
        self.timeline.pixels_per_second
    }

    /// How many thumbnails (timeline and bin) and waveforms are ready to draw.
    pub fn media_pictures_ready(&self) -> (usize, usize) {
        self.timeline
            .media
            .as_ref()
            .map_or((0, 0), ClipMedia::counts)
    }

    /// True while thumbnails or waveforms asked for are still being made.
    pub fn media_pictures_busy(&self) -> bool {
        self.timeline.media.as_ref().is_some_and(ClipMedia::busy)
    }
}

#[cfg(test)]
mod tests {
    use super::text_label;

    #[test]
    fn a_text_clip_is_labelled_by_its_first_line_not_its_internals() {
        assert_eq!(text_label("Hello\nworld"), "Hello");
        assert_eq!(text_label("\n  \n Second line "), "Second line");
        assert_eq!(text_label("   "), "Text");
        let long = "x".repeat(50);
        assert_eq!(text_label(&long), format!("{}…", "x".repeat(39)));
    }
}
