//! The preview's sizing and its pictures' way onto the screen; the drawing itself happens
//! on a [`PreviewWorker`] (in `render`, so benchmarks and the command line measure the very
//! same path).

pub(super) mod crop_window;
pub(super) mod outputs;
pub(super) mod panel;

pub use crate::render::preview::PreviewWorker;

/// The largest size with the canvas's aspect that fits in `available` points, in pixels
/// (even numbers, at least 2×2).
pub fn fit_size(canvas: (u32, u32), available: egui::Vec2, pixels_per_point: f32) -> (u32, u32) {
    let (cw, ch) = (canvas.0.max(1) as f32, canvas.1.max(1) as f32);
    let scale = (available.x / cw).min(available.y / ch).max(0.0);
    let w = (cw * scale * pixels_per_point).min(cw);
    let h = (ch * scale * pixels_per_point).min(ch);
    let even = |v: f32| ((v as u32) & !1).max(2);
    (even(w), even(h))
}

/// Puts a drawn `frame` into `texture`, making the texture (named `name`) the first time:
/// the canvas preview and the crop window's source view both show their frames this way.
pub fn show_frame(
    ctx: &egui::Context,
    texture: &mut Option<egui::TextureHandle>,
    name: &str,
    frame: &crate::render::Frame,
) {
    let image = egui::ColorImage::from_rgba_unmultiplied(
        [frame.width as usize, frame.height as usize],
        &frame.data,
    );
    match texture {
        Some(t) => t.set(image, egui::TextureOptions::LINEAR),
        None => *texture = Some(ctx.load_texture(name, image, egui::TextureOptions::LINEAR)),
    }
}

/// A painter for `rect`, which it fills with the frame in `texture` (black until the first
/// frame comes): the canvas preview and the crop window's source view draw it alike.
pub fn paint_frame(
    ui: &egui::Ui,
    rect: egui::Rect,
    texture: Option<&egui::TextureHandle>,
) -> egui::Painter {
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, egui::Color32::BLACK);
    if let Some(texture) = texture {
        painter.image(
            texture.id(),
            rect,
            egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
            egui::Color32::WHITE,
        );
    }
    painter
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vertical_canvas_fits_by_height_and_keeps_its_aspect() {
        let (w, h) = fit_size((1080, 1920), egui::vec2(800.0, 480.0), 1.0);
        assert_eq!(h, 480);
        assert_eq!(w, 270);
    }

    #[test]
    fn the_preview_is_never_larger_than_the_canvas() {
        assert_eq!(
            fit_size((640, 360), egui::vec2(4000.0, 4000.0), 2.0),
            (640, 360)
        );
    }
}
