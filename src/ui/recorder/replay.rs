//! The recorder panel's replay buffer: the "Replay buffer" switch (the recording then
//! keeps only its last seconds in memory), the "Save replay" button, and Ctrl+Alt+S, a
//! global hotkey that saves from any window. Saving runs on the recorder's own worker;
//! this only raises its flag and shows what came back; the app puts each saved replay in
//! the media bin.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::hotkey::FlagHotkey;
use crate::capture::{Hotkey, Hotkeys, RecordOptions, Recorder};

/// Seconds the panel's replay buffer keeps.
pub(super) const REPLAY_SECONDS: u64 = 30;

/// The replay part of the recorder panel.
#[derive(Default)]
pub(super) struct ReplayControls {
    /// Record into a replay buffer instead of a file.
    pub(super) on: bool,
    /// Ctrl+Alt+S, its presses taken by [`ReplayControls::poll`].
    hotkey: FlagHotkey,
    /// The last replay saved, or why it was not.
    pub(super) note: Option<String>,
    /// Replays saved and not yet taken by the app (which puts them in the media bin).
    pub(super) saved: Vec<PathBuf>,
}

impl ReplayControls {
    /// Grabs Ctrl+Alt+S (once), telling in the note why it could not.
    pub(super) fn enable_hotkey(&mut self, ctx: &egui::Context, hotkeys: &dyn Hotkeys) {
        if let Err(e) = self.hotkey.grab(hotkeys, Hotkey::SAVE_REPLAY, ctx) {
            self.note = Some(format!("No Ctrl+Alt+S hotkey for replays: {e}"));
        }
    }

    /// The switch, among the panel's options.
    pub(super) fn switch(&mut self, ui: &mut egui::Ui) {
        ui.checkbox(&mut self.on, "Replay buffer")
            .on_hover_text(format!(
                "Keep only the last {REPLAY_SECONDS} s in memory; Save replay (or Ctrl+Alt+S) writes them as a new file"
            ));
    }

    /// Makes `opts` a replay buffer saving into `dir` when the switch is on.
    pub(super) fn apply(&self, opts: &mut RecordOptions, dir: &Path) {
        if self.on {
            opts.output = dir.to_owned();
            opts.replay = Some(Duration::from_secs(REPLAY_SECONDS));
        }
    }

    /// The Save replay button, under a replay-buffer recording.
    pub(super) fn button(&mut self, ui: &mut egui::Ui, recorder: &Recorder) {
        if !recorder.is_replay() {
            return;
        }
        if ui
            .button("Save replay")
            .on_hover_text(format!("Save the last {REPLAY_SECONDS} s (Ctrl+Alt+S)"))
            .clicked()
        {
            recorder.save_replay();
        }
    }

    /// Passes a hotkey press on and takes what the saver reported.
    pub(super) fn poll(&mut self, recorder: Option<&Recorder>) {
        let pressed = self.hotkey.take_press();
        let Some(recorder) = recorder else { return };
        if pressed {
            recorder.save_replay();
        }
        for r in recorder.replay_results() {
            self.note = Some(match r {
                Ok(saved) => {
                    let note = format!("Saved {} (in the media bin)", saved.path.display());
                    self.saved.push(saved.path);
                    note
                }
                Err(e) => format!("The replay was not saved: {e}"),
            });
        }
    }
}
