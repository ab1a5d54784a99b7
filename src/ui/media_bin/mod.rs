//! The media bin: the files opened (each with a thumbnail) — after opening a project,
//! the files it uses — the project's files that have gone missing with a way to relink
//! them, and the readable report of the selected file. Probing happens on a worker.

pub(super) mod relink;

use std::path::PathBuf;
use std::sync::Arc;

use crate::media::{self, fps_text, human_bytes, MediaError, ProbeReport, StreamKind};
use crate::timeline::{MediaSource, Project, SourceId, Time};

use crate::ui::app::workers::{spawn_worker, DialogPurpose, Message};
use crate::ui::app::{file_label, ClipwrightApp, MediaItem};
use crate::ui::timeline::clip_media::ClipMedia;

/// Size of the thumbnail beside each file in the bin.
const BIN_THUMB: egui::Vec2 = egui::vec2(48.0, 27.0);

impl ClipwrightApp {
    /// The media bin: the files opened, the selected one's actions and its report.
    pub(super) fn media_bin(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        ui.heading("Media");
        ui.separator();
        let media = self.timeline.media(ctx);
        if let Some(i) = media_list(ui, &self.items, self.selected, media) {
            self.selected = Some(i);
        }
        if let Some(source) = missing_list(ui, &self.editor.project, self.dialog_open) {
            self.ask(ctx, DialogPurpose::Relink(source));
        }
        if let Some(item) = self.selected_item() {
            let path = item.path.clone();
            let ready = matches!(item.probe, Some(Ok(_)));
            ui.separator();
            if ui
                .add_enabled(ready, egui::Button::new("Add to timeline"))
                .clicked()
            {
                self.add_to_timeline(ctx, &path);
            }
        }
        if let Some(item) = self.selected_item() {
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("file_details")
                .show(ui, |ui| details(ui, item));
        }
    }
}

impl ClipwrightApp {
    /// Fills the media bin with the opened project's files in place of the last
    /// project's: each one present is probed on a worker for its report (none goes on the
    /// timeline again); missing ones are listed apart, to relink.
    pub(in crate::ui) fn fill_bin_from_project(&mut self, ctx: &egui::Context) {
        self.items.clear();
        self.selected = None;
        self.pending_timeline.clear();
        let base = self.project_dir();
        let paths: Vec<PathBuf> = self
            .editor
            .project
            .sources
            .iter()
            .filter(|s| !s.missing)
            .map(|s| s.resolved_path(&base))
            .collect();
        for path in paths {
            self.probe_into_bin(ctx, path);
        }
        self.selected = (!self.items.is_empty()).then_some(0);
    }

    /// Probes the file picked to relink `source`, on a worker.
    pub(super) fn probe_for_relink(
        &mut self,
        ctx: &egui::Context,
        source: SourceId,
        path: PathBuf,
    ) {
        let outbox = self.outbox.clone();
        let ctx = ctx.clone();
        spawn_worker("probe", move || {
            let result = media::probe(&path).map_err(Arc::new);
            let _ = outbox.send(Message::Relinked(source, path, result));
            ctx.request_repaint();
        });
    }

    /// Points `source` at the probed file (one undo step) when it fits, asks first when it
    /// looks like another file (see `relink`), or says why it cannot.
    pub(super) fn finish_relink(
        &mut self,
        ctx: &egui::Context,
        source: SourceId,
        path: PathBuf,
        probed: Result<ProbeReport, Arc<MediaError>>,
    ) {
        let report = match probed {
            Ok(report) => report,
            Err(e) => {
                self.toast(ctx, format!("Could not relink: {e}"), true);
                return;
            }
        };
        if self.relink_fits(ctx, source, &path, &report) {
            self.apply_relink(ctx, source, path, report);
        }
    }

    /// Points `source` at the probed file, as one undo step.
    pub(super) fn apply_relink(
        &mut self,
        ctx: &egui::Context,
        source: SourceId,
        path: PathBuf,
        report: ProbeReport,
    ) {
        let info = report.source_info();
        let result = self
            .editor
            .project
            .relink_edit(source, path.clone(), info)
            .and_then(|edit| self.editor.apply(edit));
        match result {
            Ok(()) => {
                self.toast(ctx, format!("Relinked to {}", path.display()), false);
                if !self.items.iter().any(|m| m.path == path) {
                    self.items.push(MediaItem {
                        path,
                        probe: Some(Ok(report)),
                    });
                }
            }
            Err(e) => self.toast(ctx, e.to_string(), true),
        }
    }
}

/// The project's sources whose files were not found, each with a Relink… button;
/// returns the source to relink when one is clicked.
fn missing_list(ui: &mut egui::Ui, project: &Project, dialog_open: bool) -> Option<SourceId> {
    let missing: Vec<&MediaSource> = project.sources.iter().filter(|s| s.missing).collect();
    if missing.is_empty() {
        return None;
    }
    let mut relink = None;
    ui.separator();
    ui.colored_label(ui.visuals().warn_fg_color, "Missing files");
    for source in missing {
        ui.horizontal(|ui| {
            ui.label(format!("⚠ {} (missing)", source.display_name()))
                .on_hover_text(format!(
                    "{} was not found when the project was opened",
                    source.path.display()
                ));
            let button = ui
                .add_enabled(!dialog_open, egui::Button::new("Relink…"))
                .on_hover_text("Choose the file's new place");
            if button.clicked() {
                relink = Some(source.id);
            }
        });
    }
    relink
}

/// Draws the list of opened files, each with a thumbnail; returns the index clicked.
fn media_list(
    ui: &mut egui::Ui,
    items: &[MediaItem],
    selected: Option<usize>,
    media: &mut ClipMedia,
) -> Option<usize> {
    if items.is_empty() {
        ui.weak("Nothing opened yet.");
        return None;
    }
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .id_salt("media_list")
        .max_height(200.0)
        .show(ui, |ui| {
            for (i, item) in items.iter().enumerate() {
                let status = match &item.probe {
                    None => " (reading…)",
                    Some(Err(_)) => " (error)",
                    Some(Ok(_)) => "",
                };
                let proxy = proxy_badge(item, ui.ctx());
                let label = format!("{}{status}{proxy}", file_label(&item.path));
                ui.horizontal(|ui| {
                    bin_thumbnail(ui, item, media);
                    if ui
                        .selectable_label(selected == Some(i), label)
                        .on_hover_text(item.path.display().to_string())
                        .clicked()
                    {
                        clicked = Some(i);
                    }
                });
            }
        });
    clicked
}

/// " · proxy 40%" while a video's preview proxy is being made, " · proxy ready" once it
/// is; nothing for files without one. Keeps the bin redrawing while one is in the works.
fn proxy_badge(item: &MediaItem, ctx: &egui::Context) -> String {
    if !matches!(item.probe, Some(Ok(_))) {
        return String::new();
    }
    match media::proxy_of(&item.path) {
        media::ProxyState::Queued => {
            ctx.request_repaint_after(std::time::Duration::from_millis(500));
            " · proxy queued".to_owned()
        }
        media::ProxyState::Building(done) => {
            ctx.request_repaint_after(std::time::Duration::from_millis(500));
            format!(" · proxy {:.0}%", done * 100.0)
        }
        media::ProxyState::Ready(..) => " · proxy ready".to_owned(),
        media::ProxyState::None | media::ProxyState::Failed(_) => String::new(),
    }
}

/// A file's picture a third of the way in (at most a second), a note for sound-only
/// files, or a plain box while the picture is on its way.
fn bin_thumbnail(ui: &mut egui::Ui, item: &MediaItem, media: &mut ClipMedia) {
    let (rect, _) = ui.allocate_exact_size(BIN_THUMB, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, ui.visuals().faint_bg_color);
    let Some(Ok(report)) = &item.probe else {
        return;
    };
    let info = report.source_info();
    if info.video.is_none() && !info.is_still_image {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            "♪",
            egui::FontId::proportional(16.0),
            ui.visuals().weak_text_color(),
        );
        return;
    }
    let at = Time(info.duration.flicks() / 3).min(Time::from_secs(1));
    if let Some(texture) = media.thumbnail(&item.path, at, ClipMedia::bucket_for(0.0)) {
        let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
        painter.image(texture, rect, uv, egui::Color32::WHITE);
    }
}

/// The empty state: where to drop a file.
pub fn drop_hint(ui: &mut egui::Ui, hovering: bool) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() / 3.0);
        if hovering {
            ui.heading("Drop to open");
        } else {
            ui.heading("Drop a video, audio or image file here");
            ui.label("or use “Open media…” above.");
        }
    });
}

/// The readable report of one file.
fn details(ui: &mut egui::Ui, item: &MediaItem) {
    ui.heading(file_label(&item.path));
    ui.add(
        egui::Label::new(egui::RichText::new(item.path.display().to_string()).weak()).truncate(),
    );
    ui.add_space(8.0);
    let report = match &item.probe {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the file…");
            });
            return;
        }
        Some(Err(error)) => {
            ui.colored_label(ui.visuals().error_fg_color, error.to_string());
            return;
        }
        Some(Ok(report)) => report,
    };
    egui::Grid::new("file_facts")
        .num_columns(2)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            ui.strong("Container");
            ui.label(&report.container_long);
            ui.end_row();
            ui.strong("Duration");
            ui.label(report.duration_text());
            ui.end_row();
            ui.strong("Size");
            ui.label(human_bytes(report.size_bytes));
            ui.end_row();
        });
    ui.add_space(12.0);
    {
        for stream in &report.streams {
            let title = match stream.kind {
                StreamKind::Video => "Video",
                StreamKind::Audio => "Audio",
                StreamKind::Subtitle => "Subtitles",
                _ => "Other",
            };
            ui.group(|ui| {
                ui.strong(format!(
                    "{title} · stream {} · {}",
                    stream.index, stream.codec
                ));
                egui::Grid::new(("stream", stream.index))
                    .num_columns(2)
                    .spacing([24.0, 4.0])
                    .show(ui, |ui| {
                        let mut row = |k: &str, v: String| {
                            ui.label(k);
                            ui.label(v);
                            ui.end_row();
                        };
                        if let Some(v) = &stream.video {
                            row("Size", format!("{} × {}", v.width, v.height));
                            if v.rotation != 0 {
                                row(
                                    "Rotation",
                                    format!(
                                        "{}° (shown {} × {})",
                                        v.rotation, v.display_width, v.display_height
                                    ),
                                );
                            }
                            row("Frame rate", format!("{} fps", fps_text(v.frame_rate)));
                            row(
                                "Average rate",
                                format!("{} fps", fps_text(v.avg_frame_rate)),
                            );
                            row(
                                "Timing",
                                if v.variable_frame_rate {
                                    "variable frame rate".to_owned()
                                } else {
                                    "constant frame rate".to_owned()
                                },
                            );
                            row(
                                "Pixels",
                                format!(
                                    "{}, {}-bit, {} range",
                                    v.pixel_format, v.bit_depth, v.color_range
                                ),
                            );
                        }
                        if let Some(a) = &stream.audio {
                            row("Sample rate", format!("{} Hz", a.sample_rate));
                            row("Channels", a.channels.to_string());
                            row(
                                "Samples",
                                format!("{} ({}-bit)", a.sample_format, a.bit_depth),
                            );
                        }
                        if let Some(d) = stream.duration_us {
                            row("Duration", crate::media::format_us(d));
                        }
                    });
            });
            ui.add_space(6.0);
        }
    }
}
