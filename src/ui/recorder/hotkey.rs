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
