//! The recorder panel's choices — what kind of source, size, frame rate, fit, sound,
//! pointer, countdown, and whether Clipwright hides while recording — and their controls.
//! Kept in eframe's storage between runs, so the panel opens as it was left.

use serde::{Deserialize, Serialize};

use crate::capture::into_project::Landing;
use crate::capture::{TargetKind, SIZE_PRESETS};

/// Key under which the choices are kept in the app's settings.
const SETTINGS_KEY: &str = "recorder";

/// What kind of thing was last recorded, so the picker starts there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SourceKind {
    /// One window.
    #[default]
    Window,
    /// A whole screen.
    Screen,
    /// The built-in moving test pattern.
    TestPattern,
}

impl SourceKind {
    /// The kind of a listed target (`pattern`: it comes from the test pattern).
    pub fn of(kind: TargetKind, pattern: bool) -> SourceKind {
        match (kind, pattern) {
            (_, true) => SourceKind::TestPattern,
            (TargetKind::Window, false) => SourceKind::Window,
            (TargetKind::Display, false) => SourceKind::Screen,
        }
    }
}

/// Which sound goes on the recording's first track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Sound {
    /// No sound (besides the microphone, if chosen).
    Silent,
    /// Only the picked window's program (a screen records everything the computer plays).
    #[default]
    ThisWindow,
    /// Everything the computer plays.
    AllSystem,
}

/// The recorder panel's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecorderSettings {
    /// What kind of source was last picked.
    pub source: SourceKind,
    /// `source` or a size's name from [`size_choices`].
    pub size: String,
    /// Output frames per second (15 to 120).
    pub fps: u32,
    /// Crop other shapes to fill (else letterbox).
    pub crop: bool,
    /// The first sound track.
    pub sound: Sound,
    /// A second track from the microphone.
    pub mic: bool,
    /// Draw the pointer.
    pub cursor: bool,
    /// Count 3 s down before recording.
    pub countdown: bool,
    /// Minimise Clipwright while it records, and bring it back when the recording stops.
    pub hide_while_recording: bool,
    /// Where a recording made here lands on the timeline.
    pub landing: Landing,
}

impl Default for RecorderSettings {
    fn default() -> Self {
        RecorderSettings {
            source: SourceKind::Window,
            size: "source".into(),
            fps: 30,
            crop: false,
            sound: Sound::ThisWindow,
            mic: false,
            cursor: true,
            countdown: true,
            hide_while_recording: true,
            landing: Landing::End,
        }
    }
}

impl RecorderSettings {
    /// The choices saved in `storage`, or the defaults (also for what cannot be read, and
    /// for a saved size or frame rate this version does not offer).
    pub fn load(storage: Option<&dyn eframe::Storage>) -> RecorderSettings {
        let mut s: RecorderSettings = storage
            .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
            .unwrap_or_default();
        if s.size != "source" && !size_choices().iter().any(|c| c.0 == s.size) {
            s.size = "source".into();
        }
        s.fps = s.fps.clamp(15, 120);
        s
    }

    /// Writes the choices into `storage`.
    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, self);
    }

    /// The fixed output size chosen, or `None` for the source's own.
    pub fn fixed_size(&self) -> Option<(u32, u32)> {
        size_choices()
            .into_iter()
            .find(|c| c.0 == self.size)
            .map(|(_, w, h)| (w, h))
    }

    /// The controls, in a two-column grid.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        egui::Grid::new("record_settings")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Size");
                let choices = size_choices();
                let name = |size: &str| match choices.iter().find(|c| c.0 == size) {
                    Some((n, w, h)) => format!("{n} ({w}×{h})"),
                    None => "Same as the window".to_owned(),
                };
                egui::ComboBox::from_id_salt("record_size")
                    .selected_text(name(&self.size))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.size, "source".into(), name("source"));
                        for (n, ..) in &choices {
                            ui.selectable_value(&mut self.size, (*n).to_owned(), name(n));
                        }
                    });
                ui.end_row();
                let fps = ui.label("Frame rate");
                ui.add(egui::Slider::new(&mut self.fps, 15..=120).suffix(" fps"))
                    .labelled_by(fps.id);
                ui.end_row();
                ui.label("Other shapes");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut self.crop, false, "Letterbox");
                    ui.radio_value(&mut self.crop, true, "Crop to fill");
                });
                ui.end_row();
                ui.label("Sound");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut self.sound, Sound::ThisWindow, "This window's sound")
                        .on_hover_text("Only what the picked window's program plays");
                    ui.radio_value(&mut self.sound, Sound::AllSystem, "All system sound");
                    ui.radio_value(&mut self.sound, Sound::Silent, "No sound");
                    ui.checkbox(&mut self.mic, "Microphone");
                });
                ui.end_row();
                ui.label("Options");
                ui.horizontal_wrapped(|ui| {
                    ui.checkbox(&mut self.cursor, "Show the pointer");
                    ui.checkbox(&mut self.countdown, "3 s countdown");
                    ui.checkbox(
                        &mut self.hide_while_recording,
                        "Hide Clipwright while recording",
                    );
                });
                ui.end_row();
                ui.label("Goes on the timeline");
                egui::ComboBox::from_id_salt("record_landing")
                    .selected_text(self.landing.label())
                    .show_ui(ui, |ui| {
                        for l in Landing::ALL {
                            ui.selectable_value(&mut self.landing, l, l.label());
                        }
                    });
                ui.end_row();
            });
    }
}

/// The sizes the Size list offers: each of [`SIZE_PRESETS`] once, by its last name (the
/// presets keep extra names, such as `1080x1920` beside `vertical`, for the command line).
pub fn size_choices() -> Vec<(&'static str, u32, u32)> {
    let mut out: Vec<(&'static str, u32, u32)> = Vec::new();
    for &(name, w, h) in SIZE_PRESETS {
        match out.iter_mut().find(|c| (c.1, c.2) == (w, h)) {
            Some(seen) => seen.0 = name,
            None => out.push((name, w, h)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::MemoryStorage as Memory;

    #[test]
    fn the_size_list_offers_each_size_once() {
        let choices = size_choices();
        let mut sizes: Vec<(u32, u32)> = choices.iter().map(|c| (c.1, c.2)).collect();
        sizes.sort_unstable();
        sizes.dedup();
        assert_eq!(sizes.len(), choices.len(), "{choices:?}");
        assert!(choices.contains(&("vertical", 1080, 1920)));
        // Every preset's size is still on offer.
        assert!(SIZE_PRESETS
            .iter()
            .all(|p| choices.iter().any(|c| (c.1, c.2) == (p.1, p.2))));
    }

    #[test]
    fn a_picked_window_records_its_own_sound_by_default() {
        assert_eq!(RecorderSettings::default().sound, Sound::ThisWindow);
    }

    #[test]
    fn the_choices_come_back_from_storage_and_odd_ones_are_mended() {
        let mut storage = Memory::default();
        let chosen = RecorderSettings {
            source: SourceKind::Screen,
            size: "720p".into(),
            fps: 60,
            crop: true,
            sound: Sound::AllSystem,
            mic: true,
            cursor: false,
            countdown: false,
            hide_while_recording: false,
            landing: Landing::Playhead,
        };
        chosen.save(&mut storage);
        assert_eq!(RecorderSettings::load(Some(&storage)), chosen);
        assert_eq!(chosen.fixed_size(), Some((1280, 720)));
        let odd = RecorderSettings {
            size: "9999p".into(),
            fps: 500,
            ..chosen
        };
        odd.save(&mut storage);
        let mended = RecorderSettings::load(Some(&storage));
        assert_eq!((mended.size.as_str(), mended.fps), ("source", 120));
        assert_eq!(RecorderSettings::load(None), RecorderSettings::default());
    }
}
