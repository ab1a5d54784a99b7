//! Watching the one X11 window a source records: whether it is still listed by the window
//! manager, shown (mapped and viewable), moved or resized, and finding it again by program
//! and title after it closed (`reacquire`). Shared by the Composite and the `x11grab`
//! sources; it only asks the X server, it never reads pixels.

use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, MapState};

use super::x11::X11Conn;
use super::{CaptureError, Target};

/// How often the window's state is checked.
pub(crate) const WATCH_EVERY: Duration = Duration::from_millis(250);

/// The window a source follows, and what was last seen of it.
pub(crate) struct Watch {
    pub(crate) conn: X11Conn,
    pub(crate) id: u32,
    pub(crate) app: String,
    pub(crate) title: String,
    /// Position on the screen (root window) at the last check.
    pub(crate) position: (i32, i32),
    pub(crate) size: (u32, u32),
    pub(crate) checked: Instant,
    pub(crate) reacquire: bool,
}

/// What the window is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WindowState {
    /// Shown, at the size last seen (it may have moved).
    Same,
    /// Shown, at a new size.
    Resized((u32, u32)),
    /// Still open but not on screen: minimised, or unmapped by its program.
    Hidden,
    /// Closed (no longer listed by the window manager).
    Gone,
}

/// A window id from a [`Target`] id.
pub(crate) fn window_id(target: &Target) -> Result<u32, CaptureError> {
    u32::try_from(target.id)
        .map_err(|_| CaptureError::Invalid(format!("{:#x} is not an X11 window id", target.id)))
}

impl Watch {
    /// Watches `target` on `conn`.
    pub(crate) fn new(
        conn: X11Conn,
        target: &Target,
        reacquire: bool,
    ) -> Result<Watch, CaptureError> {
        Ok(Watch {
            conn,
            id: window_id(target)?,
            app: target.app.clone(),
            title: target.title.clone(),
            position: (target.x, target.y),
            size: (target.width, target.height),
            checked: Instant::now(),
            reacquire,
        })
    }

    /// True when the window is mapped and all its ancestors are (it is on screen).
    pub(crate) fn viewable(&self) -> bool {
        self.conn
            .conn
            .get_window_attributes(self.id)
            .ok()
            .and_then(|c| c.reply().ok())
            .is_some_and(|a| a.map_state == MapState::VIEWABLE)
    }

    /// Asks the server what the window is doing now, and remembers its position.
    pub(crate) fn state(&mut self) -> WindowState {
        self.checked = Instant::now();
        let listed = self
            .conn
            .client_ids()
            .is_ok_and(|ids| ids.contains(&self.id));
        let Some((x, y, w, h)) = self.conn.geometry(self.id).filter(|_| listed) else {
            return WindowState::Gone;
        };
        if !self.viewable() {
            return WindowState::Hidden;
        }
        self.position = (x, y);
        if (w, h) == self.size {
            WindowState::Same
        } else {
            WindowState::Resized((w, h))
        }
    }

    /// True once [`WATCH_EVERY`] has passed since the last check.
    pub(crate) fn due(&self) -> bool {
        self.checked.elapsed() >= WATCH_EVERY
    }

    /// A window with the same program and title, if one is open now.
    pub(crate) fn find_again(&self) -> Option<Target> {
        let windows = self.conn.windows().ok()?;
        windows
            .into_iter()
            .find(|t| t.app == self.app && t.title == self.title)
    }

    /// Follows `target` (found again) from now on.
    pub(crate) fn follow(&mut self, target: &Target) -> Result<(), CaptureError> {
        self.id = window_id(target)?;
        self.position = (target.x, target.y);
        self.size = (target.width, target.height);
        Ok(())
    }

    /// Sends whatever requests are queued, so the server sees them now.
    pub(crate) fn flush(&self) {
        let _ = self.conn.conn.flush();
    }
}
