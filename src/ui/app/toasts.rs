//! Toasts: short messages at the bottom right of the window. Information fades after a few
//! seconds; an error says what to do and stays until it is dismissed (✕), so it is read.
//! Errors are also logged.

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
    /// Shows a message at the bottom of the window: for a few seconds, or until dismissed
    /// when it is an error.
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
        self.toasts
            .retain(|t| t.is_error || now - t.since < TOAST_SECONDS);
        if self.toasts.is_empty() {
            return;
        }
        if self.toasts.iter().any(|t| !t.is_error) {
            ctx.request_repaint_after(std::time::Duration::from_millis(500));
        }
        let mut dismissed = None;
        egui::Area::new(egui::Id::unique("toasts"))
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -16.0))
            .show(ctx, |ui| {
                ui.set_max_width(480.0);
                for (i, toast) in self.toasts.iter().enumerate() {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        if !toast.is_error {
                            ui.label(&toast.text);
                            return;
                        }
                        ui.horizontal_top(|ui| {
                            if ui.small_button("✕").on_hover_text("Dismiss").clicked() {
                                dismissed = Some(i);
                            }
                            ui.colored_label(ui.visuals().error_fg_color, &toast.text);
                        });
                    });
                }
            });
        if let Some(i) = dismissed {
            self.toasts.remove(i);
        }
    }
}
