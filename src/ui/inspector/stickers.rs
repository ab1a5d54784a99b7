//! The sticker gallery: every built-in sticker as a picture card, with a search box; a
//! click puts the sticker on the timeline at the playhead (one undo step) and selects it,
//! so the inspector shows it with its "Pin to face" choice.
//!
//! Card pictures are drawn once by `crate::stickers` at the card's pixel size and kept as
//! textures for as long as the app runs.

use std::collections::HashMap;

use crate::session::Editor;
use crate::stickers::{self, Sticker};

/// The size of one card: the picture and its name below.
const CELL: egui::Vec2 = egui::vec2(64.0, 64.0);
/// The picture's side inside a card, in points.
const THUMB: f32 = 40.0;

/// Accessible name of the search box.
pub const SEARCH_LABEL: &str = "Search stickers";

/// The accessible name of a sticker's card: `Sticker top hat`.
pub fn card_label(sticker: &Sticker) -> String {
    format!("Sticker {}", sticker.title())
}

/// The gallery's own state: the search and the card pictures drawn so far.
#[derive(Default)]
pub struct StickerGallery {
    query: String,
    textures: HashMap<&'static str, egui::TextureHandle>,
}

impl std::fmt::Debug for StickerGallery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StickerGallery")
            .field("query", &self.query)
            .field("textures", &self.textures.len())
            .finish()
    }
}

impl StickerGallery {
    /// Draws the search box and the matching stickers; returns an error to show, if any.
    pub fn show(&mut self, ui: &mut egui::Ui, editor: &mut Editor) -> Option<String> {
        ui.horizontal(|ui| {
            let label = ui.label(SEARCH_LABEL);
            ui.add(
                egui::TextEdit::singleline(&mut self.query)
                    .hint_text("hat, glasses, heart…")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        });
        let found = stickers::search(&self.query);
        ui.weak(match found.len() {
            0 => "No sticker matches. Try another word.".to_owned(),
            1 => "1 sticker — click it to add it at the playhead".to_owned(),
            n => format!("{n} stickers — click one to add it at the playhead"),
        });
        let pixels = (THUMB * ui.ctx().pixels_per_point()).round().max(8.0) as u32;
        let mut error = None;
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing = egui::vec2(4.0, 4.0);
            for sticker in found {
                let texture = self.texture(ui.ctx(), sticker, pixels);
                if card(ui, sticker, texture.as_ref()).clicked() {
                    if let Err(e) = editor.add_sticker(sticker.name) {
                        error = Some(e.to_string());
                    }
                }
            }
        });
        error
    }

    /// The card picture of `sticker`, drawn `pixels` square the first time it is needed.
    fn texture(
        &mut self,
        ctx: &egui::Context,
        sticker: &'static Sticker,
        pixels: u32,
    ) -> Option<egui::TextureHandle> {
        if let Some(t) = self.textures.get(sticker.name) {
            if t.size() == [pixels as usize; 2] {
                return Some(t.clone());
            }
        }
        let picture = match stickers::picture(sticker.name, pixels, pixels) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!("{e}");
                return None;
            }
        };
        let image = egui::ColorImage::from_rgba_unmultiplied(
            [picture.width as usize, picture.height as usize],
            &picture.rgba,
        );
        let texture = ctx.load_texture(
            format!("sticker-{}", sticker.name),
            image,
            egui::TextureOptions::LINEAR,
        );
        self.textures.insert(sticker.name, texture.clone());
        Some(texture)
    }
}

fn card(
    ui: &mut egui::Ui,
    sticker: &Sticker,
    texture: Option<&egui::TextureHandle>,
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(CELL, egui::Sense::click());
    let label = card_label(sticker);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    let response = response.on_hover_text(format!("{} — {}", sticker.title(), sticker.words));
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let visuals = ui.style().interact(&response);
    let painter = ui.painter();
    painter.rect_filled(rect, 4.0, visuals.weak_bg_fill);
    let thumb = egui::Rect::from_center_size(
        egui::pos2(rect.center().x, rect.min.y + 4.0 + THUMB / 2.0),
        egui::vec2(THUMB, THUMB),
    );
    if let Some(t) = texture {
        let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
        painter.image(t.id(), thumb, uv, egui::Color32::WHITE);
    }
    let galley = painter.layout(
        sticker.title(),
        egui::FontId::proportional(9.0),
        visuals.text_color(),
        CELL.x - 4.0,
    );
    let x = rect.center().x - galley.size().x / 2.0;
    painter.galley(
        egui::pos2(x.max(rect.min.x + 2.0), rect.min.y + THUMB + 8.0),
        galley,
        visuals.text_color(),
    );
    response
}
