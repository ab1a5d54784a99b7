//! Where global hotkeys come from, behind one trait: [`SystemHotkeys`] grabs them on the
//! desktop (X11 on Linux, the platform's own on Windows and macOS), and [`FakeHotkeys`] is
//! pressed by a test, so what a hotkey does can be tested without a display. The real grab
//! stays covered by the desktop tests (`tests/capture_hotkey.rs`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::{CaptureError, Hotkey};

/// What a hotkey calls at each press.
pub type OnPress = Arc<dyn Fn() + Send + Sync>;

/// A source of global hotkeys.
pub trait Hotkeys: Send + Sync {
    /// Calls `on_press` at each press of `key` until the returned grab is dropped. Fails
    /// with a clear error when the key cannot be had (no display, taken by another program).
    fn grab(&self, key: Hotkey, on_press: OnPress) -> Result<HotkeyGrab, CaptureError>;
}

/// A held hotkey; released when dropped.
pub struct HotkeyGrab {
    _held: Box<dyn std::any::Any>,
}

impl std::fmt::Debug for HotkeyGrab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HotkeyGrab")
    }
}

/// The desktop's hotkeys, on `display` (or `$DISPLAY`) where there is one to name.
#[derive(Debug, Default, Clone)]
pub struct SystemHotkeys {
    /// The X display (Linux only); `None` for `$DISPLAY`.
    pub display: Option<String>,
}

impl Hotkeys for SystemHotkeys {
    /// Calls `on_press` on a thread of its own; see [`super::GlobalHotkey::grab`].
    fn grab(&self, key: Hotkey, on_press: OnPress) -> Result<HotkeyGrab, CaptureError> {
        #[cfg(any(target_os = "linux", windows, target_os = "macos"))]
        {
            let grab = super::GlobalHotkey::grab(self.display.as_deref(), key, move || on_press())?;
            Ok(HotkeyGrab {
                _held: Box::new(grab),
            })
        }
        #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
        {
            let _ = (key, on_press);
            Err(CaptureError::Unsupported(
                "global hotkeys are not supported on this system".to_owned(),
            ))
        }
    }
}

/// Hotkeys a test presses with [`FakeHotkeys::press`]. Clones share their keys, so a test
/// keeps one clone and hands another to the code under test. As on a desktop, a key held
/// by one grab is refused to the next until that grab is dropped.
#[derive(Clone, Default)]
pub struct FakeHotkeys {
    held: Arc<Mutex<Vec<(u64, Hotkey, OnPress)>>>,
    next: Arc<AtomicU64>,
}

impl std::fmt::Debug for FakeHotkeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held: Vec<Hotkey> = self.lock().iter().map(|(_, key, _)| *key).collect();
        f.debug_struct("FakeHotkeys").field("held", &held).finish()
    }
}

impl FakeHotkeys {
    /// No key held yet.
    pub fn new() -> FakeHotkeys {
        FakeHotkeys::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Hotkey, OnPress)>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Presses `key`: calls its grab's `on_press` on this thread, at once. Returns whether
    /// anything held the key (a press nobody holds goes to no one, as on a desktop).
    pub fn press(&self, key: Hotkey) -> bool {
        let on_press = self
            .lock()
            .iter()
            .find(|(_, held, _)| *held == key)
            .map(|(_, _, on_press)| Arc::clone(on_press));
        match on_press {
            Some(on_press) => {
                on_press();
                true
            }
            None => false,
        }
    }

    /// Whether a grab holds `key`.
    pub fn is_held(&self, key: Hotkey) -> bool {
        self.lock().iter().any(|(_, held, _)| *held == key)
    }
}

/// Releases a fake grab when dropped.
struct Release {
    keys: FakeHotkeys,
    id: u64,
}

impl Drop for Release {
    fn drop(&mut self) {
        self.keys.lock().retain(|(id, _, _)| *id != self.id);
    }
}

impl Hotkeys for FakeHotkeys {
    fn grab(&self, key: Hotkey, on_press: OnPress) -> Result<HotkeyGrab, CaptureError> {
        let mut held = self.lock();
        if held.iter().any(|(_, k, _)| *k == key) {
            return Err(CaptureError::Unsupported(
                "the hotkey is taken by another program (held by an earlier grab)".to_owned(),
            ));
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        held.push((id, key, on_press));
        drop(held);
        Ok(HotkeyGrab {
            _held: Box::new(Release {
                keys: self.clone(),
                id,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn counter() -> (Arc<AtomicUsize>, OnPress) {
        let count = Arc::new(AtomicUsize::new(0));
        let c = Arc::clone(&count);
        (
            count,
            Arc::new(move || {
                c.fetch_add(1, Ordering::SeqCst);
            }),
        )
    }

    #[test]
    fn a_fake_press_reaches_only_the_grab_of_its_key_and_ends_with_the_grab() {
        let keys = FakeHotkeys::new();
        let (records, on_record) = counter();
        let (marks, on_mark) = counter();
        let record = keys.grab(Hotkey::RECORD, on_record).unwrap();
        let _mark = keys.grab(Hotkey::MARK, on_mark).unwrap();
        assert!(keys.press(Hotkey::RECORD));
        assert!(keys.press(Hotkey::RECORD));
        assert!(!keys.press(Hotkey::SAVE_REPLAY), "nobody holds it");
        assert_eq!(records.load(Ordering::SeqCst), 2);
        assert_eq!(marks.load(Ordering::SeqCst), 0);

        drop(record);
        assert!(!keys.is_held(Hotkey::RECORD));
        assert!(!keys.press(Hotkey::RECORD));
        assert_eq!(
            records.load(Ordering::SeqCst),
            2,
            "released: no more presses"
        );
        assert!(keys.is_held(Hotkey::MARK));
    }

    #[test]
    fn a_fake_key_already_held_is_refused_like_one_another_program_holds() {
        let keys = FakeHotkeys::new();
        let (_, first) = counter();
        let (_, second) = counter();
        let held = keys.grab(Hotkey::RECORD, Arc::clone(&first)).unwrap();
        let e = keys.grab(Hotkey::RECORD, second).unwrap_err();
        assert!(e.to_string().contains("taken by another program"), "{e}");
        drop(held);
        assert!(keys.grab(Hotkey::RECORD, first).is_ok(), "free again");
    }
}
