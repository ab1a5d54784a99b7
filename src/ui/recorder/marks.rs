//! The recorder panel's live markers: "Mark" drops a marker at the moment recorded so
//! far, "Mark last 20 s" one whose range covers the 20 s before it, and Ctrl+Alt+M, a
//! global hotkey, does the latter from any window. The recorder keeps them beside the
//! recording, and they land on the timeline with it (a marker with pre-roll as a range).

use std::time::Duration;

use super::hotkey::FlagHotkey;
use crate::capture::{Hotkey, Hotkeys, Recorder};

/// The pre-roll of "Mark last 20 s" and of the hotkey.
pub(super) const PRE_ROLL: Duration = Duration::from_secs(20);

/// The marker part of the recorder panel.
#[derive(Default)]
pub(super) struct MarkControls {
    /// Ctrl+Alt+M, its presses taken by [`MarkControls::poll`].
    hotkey: FlagHotkey,
    /// The last marker dropped, or why it was not.
    pub(super) note: Option<String>,
}

impl MarkControls {
    /// Grabs Ctrl+Alt+M (once), telling in the note why it could not.
    pub(super) fn enable_hotkey(&mut self, ctx: &egui::Context, hotkeys: &dyn Hotkeys) {
        if let Err(e) = self.hotkey.grab(hotkeys, Hotkey::MARK, ctx) {
            self.note = Some(format!("No Ctrl+Alt+M hotkey for markers: {e}"));
        }
    }

    /// The Mark buttons, under a recording into a file.
    pub(super) fn buttons(&mut self, ui: &mut egui::Ui, recorder: &Recorder) {
        if recorder.is_replay() {
            return;
        }
        if ui
            .button("Mark")
            .on_hover_text("A marker at this moment")
            .clicked()
        {
            self.mark(recorder, Duration::ZERO);
        }
        let last = format!("Mark last {} s", PRE_ROLL.as_secs());
        if ui
            .button(last)
            .on_hover_text("A range of the last seconds, to export as a clip (Ctrl+Alt+M)")
            .clicked()
        {
            self.mark(recorder, PRE_ROLL);
        }
    }

    /// Passes a hotkey press on.
    pub(super) fn poll(&mut self, recorder: Option<&Recorder>) {
        if self.hotkey.take_press() {
            if let Some(recorder) = recorder {
                self.mark(recorder, PRE_ROLL);
            }
        }
    }

    fn mark(&mut self, recorder: &Recorder, pre_roll: Duration) {
        self.note = Some(match recorder.mark("", pre_roll) {
            Ok(m) => format!("{} at {} s", m.name, m.at_us / 1_000_000),
            Err(e) => format!("The marker was not saved: {e}"),
        });
    }
}
