//! A global hotkey on Windows and macOS, through the `global-hotkey` crate
//! (`RegisterHotKey` on Windows, Carbon hotkeys on macOS), behind the same interface as
//! the X11 one: grab a [`Hotkey`], get a callback on a thread of its own at each press,
//! release it by dropping the [`GlobalHotkey`].
//!
//! Both systems deliver hotkeys through the event loop of the thread that registered
//! them (macOS: the main thread), so [`GlobalHotkey::grab`] must be called from the UI
//! thread, whose event loop runs all along. Compiled only on Windows and macOS.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use global_hotkey::hotkey::{Code, HotKey, Modifiers};
use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};

use super::hotkey_key::{key_name, KeyName, DEBOUNCE};
use super::{CaptureError, Hotkey};

/// How often the waiting thread looks at its stop flag.
const POLL: Duration = Duration::from_millis(50);

/// A grabbed hotkey; released when dropped.
pub struct GlobalHotkey {
    manager: GlobalHotKeyManager,
    hotkey: HotKey,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for GlobalHotkey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GlobalHotkey")
    }
}

/// The platform key code of a key that has one on every layout.
fn code(key: KeyName) -> Option<Code> {
    const LETTERS: [Code; 26] = [
        Code::KeyA,
        Code::KeyB,
        Code::KeyC,
        Code::KeyD,
        Code::KeyE,
        Code::KeyF,
        Code::KeyG,
        Code::KeyH,
        Code::KeyI,
        Code::KeyJ,
        Code::KeyK,
        Code::KeyL,
        Code::KeyM,
        Code::KeyN,
        Code::KeyO,
        Code::KeyP,
        Code::KeyQ,
        Code::KeyR,
        Code::KeyS,
        Code::KeyT,
        Code::KeyU,
        Code::KeyV,
        Code::KeyW,
        Code::KeyX,
        Code::KeyY,
        Code::KeyZ,
    ];
    const DIGITS: [Code; 10] = [
        Code::Digit0,
        Code::Digit1,
        Code::Digit2,
        Code::Digit3,
        Code::Digit4,
        Code::Digit5,
        Code::Digit6,
        Code::Digit7,
        Code::Digit8,
        Code::Digit9,
    ];
    const FUNCTIONS: [Code; 12] = [
        Code::F1,
        Code::F2,
        Code::F3,
        Code::F4,
        Code::F5,
        Code::F6,
        Code::F7,
        Code::F8,
        Code::F9,
        Code::F10,
        Code::F11,
        Code::F12,
    ];
    match key {
        KeyName::Letter(i) => LETTERS.get(usize::from(i)).copied(),
        KeyName::Digit(i) => DIGITS.get(usize::from(i)).copied(),
        KeyName::Function(i) => FUNCTIONS.get(usize::from(i).wrapping_sub(1)).copied(),
    }
}

impl GlobalHotkey {
    /// Registers `key` and calls `on_press` on a thread of its own each time it is
    /// pressed. `display` is for X11 and ignored here. Fails with a clear error if the key
    /// has no code on this system or another program holds the combination.
    pub fn grab(
        display: Option<&str>,
        key: Hotkey,
        on_press: impl Fn() + Send + 'static,
    ) -> Result<GlobalHotkey, CaptureError> {
        let _ = display;
        let code = key_name(key.keysym).and_then(code).ok_or_else(|| {
            CaptureError::Unsupported(format!(
                "keysym {:#x} cannot be a global hotkey here (use a letter, digit or F1–F12)",
                key.keysym
            ))
        })?;
        let mut mods = Modifiers::empty();
        if key.ctrl {
            mods |= Modifiers::CONTROL;
        }
        if key.alt {
            mods |= Modifiers::ALT;
        }
        if key.shift {
            mods |= Modifiers::SHIFT;
        }
        let hotkey = HotKey::new(Some(mods), code);
        let manager = GlobalHotKeyManager::new().map_err(|e| {
            CaptureError::Unsupported(format!("global hotkeys are not available ({e})"))
        })?;
        manager.register(hotkey).map_err(|e| {
            CaptureError::Unsupported(format!("the hotkey is taken by another program ({e})"))
        })?;
        let (id, stop) = (hotkey.id(), Arc::new(AtomicBool::new(false)));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("hotkey".into())
            .spawn(move || {
                let events = GlobalHotKeyEvent::receiver();
                let mut last: Option<Instant> = None;
                while !flag.load(Ordering::Relaxed) {
                    let Ok(event) = events.recv_timeout(POLL) else {
                        continue;
                    };
                    if event.id() == id && event.state() == HotKeyState::Pressed {
                        if last.is_none_or(|t| t.elapsed() >= DEBOUNCE) {
                            on_press();
                        }
                        last = Some(Instant::now());
                    }
                }
            })
            .map_err(|_| CaptureError::Thread("hotkey"))?;
        Ok(GlobalHotkey {
            manager,
            hotkey,
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for GlobalHotkey {
    fn drop(&mut self) {
        let _ = self.manager.unregister(self.hotkey);
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
