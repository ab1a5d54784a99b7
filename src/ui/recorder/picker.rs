//! The recorder panel's picker: what can be recorded, with thumbnails; clicking a
//! thumbnail or its title selects it, and the kind picked is remembered for the next run.

use super::settings::SourceKind;
use super::{Backend, Listed, Listing, RecorderPanel};
use crate::media::BgraFrame;

impl RecorderPanel {
    /// Selects target `i` and remembers its kind for the next run.
    pub fn select(&mut self, i: usize) {
        if let Some(listed) = self.targets.get(i) {
            self.selected = Some(i);
            self.settings.source =
                SourceKind::of(listed.target.kind, listed.backend == Backend::Pattern);
        }
    }

    pub(super) fn set_targets(&mut self, ctx: &egui::Context, list: Listing) {
        let previous = self
            .selected
            .and_then(|i| self.targets.get(i))
            .map(|t| (t.backend, t.target.id));
        self.targets = list
            .into_iter()
            .enumerate()
            .map(|(i, (backend, target, thumb))| Listed {
                backend,
                thumbnail: thumb.map(|f| {
                    ctx.load_texture(
                        format!("target-{i}"),
                        to_color_image(&f),
                        Default::default(),
                    )
                }),
                target,
            })
            .collect();
        self.selected = previous
            .and_then(|p| {
                self.targets
                    .iter()
                    .position(|t| (t.backend, t.target.id) == p)
            })
            .or_else(|| {
                // First run after a start: the kind of source picked last time.
                let kind = self.settings.source;
                self.targets.iter().position(|t| {
                    SourceKind::of(t.target.kind, t.backend == Backend::Pattern) == kind
                })
            })
            .or_else(|| (!self.targets.is_empty()).then_some(0));
    }

    pub(super) fn picker(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        ui.horizontal(|ui| {
            ui.strong("What to record");
            let busy = self.listing.is_some();
            if ui
                .add_enabled(!busy, egui::Button::new("Refresh"))
                .clicked()
            {
                self.refresh(ctx);
            }
            if busy {
                ui.spinner();
            }
        });
        let mut picked = None;
        egui::ScrollArea::horizontal()
            .id_salt("targets")
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    for (i, listed) in self.targets.iter().enumerate() {
                        let selected = self.selected == Some(i);
                        let clicked = ui
                            .vertical(|ui| {
                                ui.set_width(170.0);
                                let mut clicked = false;
                                if let Some(tex) = &listed.thumbnail {
                                    let size = tex.size_vec2();
                                    let scale = (160.0 / size.x.max(size.y)).min(1.0);
                                    let image = egui::Image::new((tex.id(), size * scale))
                                        .sense(egui::Sense::click())
                                        .alt_text(format!("Picture of {}", listed.target.title));
                                    clicked |= ui.add(image).clicked();
                                }
                                let label = format!(
                                    "{} ({}×{})",
                                    listed.target.title, listed.target.width, listed.target.height
                                );
                                clicked |= ui
                                    .selectable_label(selected, label)
                                    .on_hover_text(&listed.target.app)
                                    .clicked();
                                clicked
                            })
                            .inner;
                        if clicked {
                            picked = Some(i);
                        }
                    }
                });
            });
        if let Some(i) = picked {
            self.select(i);
        }
    }
}

/// A BGRA capture as an egui image.
fn to_color_image(f: &BgraFrame) -> egui::ColorImage {
    let (w, h) = (f.width as usize, f.height as usize);
    let mut rgba = Vec::with_capacity(w * h * 4);
    for row in f.data.chunks(f.stride.max(1)).take(h) {
        for px in row[..(w * 4).min(row.len())].chunks_exact(4) {
            rgba.extend_from_slice(&[px[2], px[1], px[0], 255]);
        }
    }
    rgba.resize(w * h * 4, 0);
    egui::ColorImage::from_rgba_unmultiplied([w, h], &rgba)
}
