//! A global hotkey on X11: a key combination that reaches us whichever window has the
//! focus, so a recording can be started and stopped without leaving the window being
//! recorded. The key is grabbed on the root window (`XGrabKey`, through x11rb) with every
//! combination of Caps Lock and Num Lock, so those locks do not hide it; a thread waits
//! for presses and calls back. Dropping the [`GlobalHotkey`] releases the key.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, GrabMode, ModMask};
use x11rb::protocol::Event;

use super::hotkey_key::DEBOUNCE;
use super::{CaptureError, Hotkey};

/// How often the waiting thread looks at its stop flag.
const POLL: Duration = Duration::from_millis(20);

impl Hotkey {
    fn mask(&self) -> ModMask {
        let mut m = ModMask::from(0u16);
        if self.ctrl {
            m |= ModMask::CONTROL;
        }
        if self.alt {
            m |= ModMask::M1;
        }
        if self.shift {
            m |= ModMask::SHIFT;
        }
        m
    }
}

/// A grabbed hotkey; released when dropped.
pub struct GlobalHotkey {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for GlobalHotkey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GlobalHotkey")
    }
}

fn x11_err(what: &'static str) -> impl Fn(String) -> CaptureError {
    move |detail| CaptureError::X11 { what, detail }
}

impl GlobalHotkey {
    /// Grabs `key` on `display` (or `$DISPLAY`) and calls `on_press` on a thread of its own
    /// each time it is pressed. Fails with a clear error if the display cannot be reached,
    /// the keyboard has no such key, or another program holds the combination.
    pub fn grab(
        display: Option<&str>,
        key: Hotkey,
        on_press: impl Fn() + Send + 'static,
    ) -> Result<GlobalHotkey, CaptureError> {
        let name = display
            .map(str::to_owned)
            .or_else(|| std::env::var("DISPLAY").ok())
            .unwrap_or_else(|| ":0".into());
        let (conn, screen) = x11rb::connect(Some(&name)).map_err(|e| CaptureError::NoDisplay {
            display: name.clone(),
            detail: e.to_string(),
        })?;
        let setup = conn.setup();
        let Some(root) = setup.roots.get(screen).map(|s| s.root) else {
            return Err(CaptureError::NoDisplay {
                display: name,
                detail: format!("it has no screen {screen}"),
            });
        };
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let map = conn
            .get_keyboard_mapping(min, max.saturating_sub(min).saturating_add(1))
            .map_err(|e| x11_err("reading the keyboard map")(e.to_string()))?
            .reply()
            .map_err(|e| x11_err("reading the keyboard map")(e.to_string()))?;
        let per = usize::from(map.keysyms_per_keycode.max(1));
        let keycode = map
            .keysyms
            .chunks(per)
            .position(|syms| syms.contains(&key.keysym))
            .and_then(|i| u8::try_from(i).ok())
            .map(|i| min.saturating_add(i))
            .ok_or_else(|| {
                CaptureError::Unsupported(format!(
                    "the keyboard has no key for keysym {:#x}",
                    key.keysym
                ))
            })?;
        let base = key.mask();
        for locks in [
            ModMask::from(0u16),
            ModMask::LOCK,
            ModMask::M2,
            ModMask::LOCK | ModMask::M2,
        ] {
            conn.grab_key(
                false,
                root,
                base | locks,
                keycode,
                GrabMode::ASYNC,
                GrabMode::ASYNC,
            )
            .map_err(|e| x11_err("grabbing the hotkey")(e.to_string()))?
            .check()
            .map_err(|e| {
                CaptureError::Unsupported(format!("the hotkey is taken by another program ({e})"))
            })?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("hotkey".into())
            .spawn(move || {
                let mut last: Option<Instant> = None;
                while !flag.load(Ordering::Relaxed) {
                    match conn.poll_for_event() {
                        Ok(Some(Event::KeyPress(e))) if e.detail == keycode => {
                            if last.is_none_or(|t| t.elapsed() >= DEBOUNCE) {
                                on_press();
                            }
                            last = Some(Instant::now());
                        }
                        Ok(Some(_)) => {}
                        Ok(None) => std::thread::sleep(POLL),
                        // The display went away: nothing more will come.
                        Err(_) => break,
                    }
                }
                // The grab ends with the connection.
            })
            .map_err(|_| CaptureError::Thread("hotkey"))?;
        Ok(GlobalHotkey {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for GlobalHotkey {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
