//! The recorder panel's global hotkeys (Ctrl+Alt+R, M and S): each press only raises a
//! flag and wakes the UI, whose next frame acts on it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::RecorderPanel;
use crate::capture::{CaptureError, Hotkey, HotkeyGrab, Hotkeys};

/// Grabs `key` from `hotkeys` so that each press raises `flag` and wakes the UI.
pub(super) fn grab_flag(
    hotkeys: &dyn Hotkeys,
    key: Hotkey,
    flag: &Arc<AtomicBool>,
    ctx: &egui::Context,
) -> Result<HotkeyGrab, CaptureError> {
    let (flag, wake) = (Arc::clone(flag), ctx.clone());
    hotkeys.grab(
        key,
        Arc::new(move || {
            flag.store(true, Ordering::Relaxed);
            wake.request_repaint();
        }),
    )
}

/// A global hotkey whose presses raise a flag the panel takes on its next frame.
#[derive(Default)]
pub(super) struct FlagHotkey {
    /// Set by the hotkey's thread, taken by [`FlagHotkey::take_press`].
    pressed: Arc<AtomicBool>,
    grab: Option<HotkeyGrab>,
}

impl FlagHotkey {
    /// Grabs `key` from `hotkeys`, once: nothing to do when it is already held.
    pub(super) fn grab(
        &mut self,
        hotkeys: &dyn Hotkeys,
        key: Hotkey,
        ctx: &egui::Context,
    ) -> Result<(), CaptureError> {
        if self.grab.is_none() {
            self.grab = Some(grab_flag(hotkeys, key, &self.pressed, ctx)?);
        }
        Ok(())
    }

    /// Whether the key was pressed since the last call.
    pub(super) fn take_press(&self) -> bool {
        self.pressed.swap(false, Ordering::Relaxed)
    }
}

impl RecorderPanel {
    /// Grabs Ctrl+Alt+R (once) so recording can start and stop from any window.
    pub fn enable_hotkey(&mut self, ctx: &egui::Context) {
        if self.hotkey.is_some() {
            return;
        }
        self.replay.enable_hotkey(ctx, &*self.hotkeys);
        self.marks.enable_hotkey(ctx, &*self.hotkeys);
        match grab_flag(&*self.hotkeys, Hotkey::RECORD, &self.hotkey_pressed, ctx) {
            Ok(h) => {
                self.hotkey = Some(h);
                self.hotkey_note =
                    Some("Ctrl+Alt+R starts and stops recording from any window".to_owned());
            }
            Err(e) => self.hotkey_note = Some(format!("No Ctrl+Alt+R hotkey: {e}")),
        }
    }

    /// Whether the global hotkey is held.
    pub fn hotkey_enabled(&self) -> bool {
        self.hotkey.is_some()
    }
}
