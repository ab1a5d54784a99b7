//! The window's layout as the person left it: which side panels show, how large they
//! are, the theme and the preview zoom. Kept in eframe's storage between runs, so the app
//! comes back the way it was closed; and the side panels laid out by it.

use serde::{Deserialize, Serialize};

use super::{ClipwrightApp, RightTab};

/// Key under which the layout is kept in the app's settings.
const LAYOUT_KEY: &str = "layout";

/// Panel sizes never come back smaller than this, so a panel dragged to nothing can
/// still be grabbed.
const MIN_PANEL: f32 = 80.0;

/// Which panels show and how large they are, in points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Layout {
    /// The media bin on the left.
    pub media_bin: bool,
    /// The inspector / subtitles panel on the right.
    pub inspector: bool,
    /// The timeline along the bottom.
    pub timeline: bool,
    /// Width of the media bin.
    pub media_bin_width: f32,
    /// Width of the right-hand panel.
    pub inspector_width: f32,
    /// Height of the timeline.
    pub timeline_height: f32,
    /// Dark (`true`) or light theme.
    pub dark: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            media_bin: true,
            inspector: true,
            timeline: true,
            media_bin_width: 220.0,
            inspector_width: 300.0,
            timeline_height: 240.0,
            dark: true,
        }
    }
}

impl Layout {
    /// The layout saved in `storage`, or the default one (also when what was saved
    /// cannot be read, e.g. after an update changed its shape).
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Layout {
        let mut layout: Layout = storage
            .and_then(|s| eframe::get_value(s, LAYOUT_KEY))
            .unwrap_or_default();
        for size in [
            &mut layout.media_bin_width,
            &mut layout.inspector_width,
            &mut layout.timeline_height,
        ] {
            if !size.is_finite() || *size < MIN_PANEL {
                *size = MIN_PANEL;
            }
        }
        layout
    }

    /// Writes the layout into `storage`.
    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, LAYOUT_KEY, self);
    }

    /// The egui theme this layout asks for.
    pub fn theme(&self) -> egui::Theme {
        if self.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        }
    }
}

/// The panels around the preview, in the order they are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The timeline along the bottom.
    Timeline,
    /// The media bin on the left.
    MediaBin,
    /// The inspector / subtitles / stickers panel on the right.
    Right,
}

impl Layout {
    /// Whether `side` shows, and its size across (height or width).
    fn side(&self, side: Side) -> (bool, f32) {
        match side {
            Side::Timeline => (self.timeline, self.timeline_height),
            Side::MediaBin => (self.media_bin, self.media_bin_width),
            Side::Right => (self.inspector, self.inspector_width),
        }
    }

    /// Remembers the size `side` was shown at, in `rect`.
    fn shown_at(&mut self, side: Side, rect: egui::Rect) {
        match side {
            Side::Timeline => self.timeline_height = rect.height(),
            Side::MediaBin => self.media_bin_width = rect.width(),
            Side::Right => self.inspector_width = rect.width(),
        }
    }
}

impl ClipwrightApp {
    /// The panels around the preview that the layout shows, each resizable, starting at
    /// the size it was left at and remembering the size it is dragged to.
    pub(super) fn side_panels(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        for side in [Side::Timeline, Side::MediaBin, Side::Right] {
            let (shown, size) = self.layout.side(side);
            if !shown {
                continue;
            }
            let panel = match side {
                Side::Timeline => egui::Panel::bottom("timeline"),
                Side::MediaBin => egui::Panel::left("media_bin"),
                Side::Right => egui::Panel::right("inspector"),
            };
            let mut panel = panel.resizable(true).default_size(size);
            if side == Side::Timeline {
                panel = panel.min_size(120.0);
            }
            let rect = panel
                .show(ui, |ui| match side {
                    Side::Timeline => self.timeline_panel(ui, ctx),
                    Side::MediaBin => self.media_bin(ui, ctx),
                    Side::Right => self.right_panel(ui, ctx),
                })
                .response
                .rect;
            self.layout.shown_at(side, rect);
        }
    }

    /// The timeline, which scrolls its own tracks under a fixed toolbar and ruler.
    fn timeline_panel(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        let r = self.timeline.show(ui, &mut self.editor);
        if let Some(e) = r.error {
            self.toast(ctx, e, true);
        }
        if let Some(only) = r.export_markers {
            self.export_marker_ranges(ctx, only);
        }
    }

    /// The right-hand panel: the inspector, subtitles or stickers, by its tabs.
    fn right_panel(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.right_tab, RightTab::Inspector, "Inspector");
            ui.selectable_value(&mut self.right_tab, RightTab::Subtitles, "Subtitles");
            ui.selectable_value(&mut self.right_tab, RightTab::Stickers, "Stickers");
        });
        ui.separator();
        let error = egui::ScrollArea::vertical()
            .id_salt("right_panel")
            .show(ui, |ui| match self.right_tab {
                RightTab::Inspector => self.inspector.show(ui, &mut self.editor, &self.dialogs),
                RightTab::Subtitles => self.subtitles.show(ui, &mut self.editor, &self.dialogs),
                RightTab::Stickers => self.inspector.stickers.show(ui, &mut self.editor),
            })
            .inner;
        if let Some(e) = error {
            self.toast(ctx, e, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::MemoryStorage as Memory;

    #[test]
    fn a_saved_layout_loads_back_the_same() {
        let layout = Layout {
            media_bin: false,
            inspector_width: 412.0,
            dark: false,
            ..Layout::default()
        };
        let mut storage = Memory::default();
        layout.save(&mut storage);
        assert_eq!(Layout::load(Some(&storage)), layout);
    }

    #[test]
    fn an_unreadable_or_collapsed_layout_falls_back_to_usable_sizes() {
        let mut storage = Memory::default();
        eframe::Storage::set_string(&mut storage, LAYOUT_KEY, "not json".into());
        assert_eq!(Layout::load(Some(&storage)), Layout::default());
        Layout {
            timeline_height: 0.0,
            ..Layout::default()
        }
        .save(&mut storage);
        assert_eq!(Layout::load(Some(&storage)).timeline_height, MIN_PANEL);
        assert_eq!(Layout::load(None), Layout::default());
    }
}
