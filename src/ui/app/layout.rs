//! The window's layout as the person left it: which side panels show, how large they
//! are, the theme and the preview zoom. Kept in eframe's storage between runs, so the app
//! comes back the way it was closed.

use serde::{Deserialize, Serialize};

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
