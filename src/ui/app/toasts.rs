//! Toasts: short messages at the bottom right of the window that fade after a few
//! seconds. Errors are also logged.

use super::ClipwrightApp;

/// How long a toast stays, in seconds.
const TOAST_SECONDS: f64 = 6.0;
/// How many toasts are shown at once; older ones make room.
const TOASTS_MAX: usize = 4;

/// A message shown for a few seconds at the bottom of the window.
#[derive(Debug, Clone)]
pub struct Toast {
    /// The text.
    pub text: String,
    /// An error (red) or information.
    pub is_error: bool,
    /// When it was shown, in the UI clock's seconds.
    pub since: f64,
}

impl ClipwrightApp {
    /// Shows a message at the bottom of the window for a few seconds.
    pub fn toast(&mut self, ctx: &egui::Context, text: String, is_error: bool) {
        if is_error {
            tracing::warn!("{text}");
        }
        let since = ctx.input(|i| i.time);
        self.toasts.push(Toast {
            text,
            is_error,
            since,
        });
        if self.toasts.len() > TOASTS_MAX {
            self.toasts.remove(0);
        }
    }

    pub(in crate::ui) fn show_toasts(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        self.toasts.retain(|t| now - t.since < TOAST_SECONDS);
        if self.toasts.is_empty() {
            return;
        }
        ctx.request_repaint_after(std::time::Duration::from_millis(500));
        egui::Area::new(egui::Id::unique("toasts"))
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -16.0))
            .show(ctx, |ui| {
                for toast in &self.toasts {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        let color = if toast.is_error {
                            ui.visuals().error_fg_color
                        } else {
                            ui.visuals().text_color()
                        };
                        ui.colored_label(color, &toast.text);
                    });
                }
            });
    }
}
