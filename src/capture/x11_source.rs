//! A running X11 capture through FFmpeg's `x11grab`. For a window it watches the window
//! a few times a second: a resize reopens the grab at the new size (the recorder scales
//! every size into the output); a minimised window gives no new pictures (the recorder
//! repeats the last one); a closed window ends the source — or, with `reacquire`, waits
//! for a window of the same program and title and goes on with it.

use std::time::{Duration, Instant};

use super::x11::X11Conn;
use super::{CaptureError, Frame, FrameSource, Grabbed, Target};
use crate::media::{GrabSpec, X11Grab};

/// How often the window's geometry is checked.
const WATCH_EVERY: Duration = Duration::from_millis(250);

struct Watch {
    conn: X11Conn,
    id: u32,
    app: String,
    title: String,
    size: (u32, u32),
    checked: Instant,
    reacquire: bool,
}

/// What the window is doing.
enum WindowState {
    Same,
    Resized((u32, u32)),
    Gone,
}

impl Watch {
    fn state(&self) -> WindowState {
        let listed = self
            .conn
            .client_ids()
            .is_ok_and(|ids| ids.contains(&self.id));
        match self.conn.geometry(self.id) {
            Some((.., w, h)) if listed => {
                if (w, h) == self.size {
                    WindowState::Same
                } else {
                    WindowState::Resized((w, h))
                }
            }
            _ => WindowState::Gone,
        }
    }

    /// A window with the same program and title, if one is open now.
    fn find_again(&self) -> Option<(u32, (u32, u32))> {
        let windows = self.conn.windows().ok()?;
        let t = windows
            .iter()
            .find(|t| t.app == self.app && t.title == self.title)?;
        Some((u32::try_from(t.id).ok()?, (t.width, t.height)))
    }
}

/// An `x11grab` source on a window, a screen or a region.
pub(crate) struct X11Source {
    spec: GrabSpec,
    grab: Option<X11Grab>,
    watch: Option<Watch>,
    interval: Duration,
}

impl X11Source {
    /// A source on one window.
    pub(crate) fn window(
        conn: X11Conn,
        target: &Target,
        mut spec: GrabSpec,
        reacquire: bool,
    ) -> Result<X11Source, CaptureError> {
        let id = u32::try_from(target.id).map_err(|_| {
            CaptureError::Invalid(format!("{:#x} is not an X11 window id", target.id))
        })?;
        spec.window_id = Some(id);
        let grab = X11Grab::open(&spec)?;
        let size = grab.size();
        Ok(X11Source {
            interval: frame_interval(spec.fps),
            spec,
            grab: Some(grab),
            watch: Some(Watch {
                conn,
                id,
                app: target.app.clone(),
                title: target.title.clone(),
                size,
                checked: Instant::now(),
                reacquire,
            }),
        })
    }

    /// A source on a screen or a fixed region.
    pub(crate) fn fixed(spec: GrabSpec) -> Result<X11Source, CaptureError> {
        let grab = X11Grab::open(&spec)?;
        Ok(X11Source {
            interval: frame_interval(spec.fps),
            spec,
            grab: Some(grab),
            watch: None,
        })
    }

    fn idle(&self) -> Result<Grabbed, CaptureError> {
        std::thread::sleep(self.interval);
        Ok(Grabbed::Idle)
    }

    /// Checks the window; returns `Some(result)` when `next` should return it right away.
    fn check_window(&mut self, force: bool) -> Option<Result<Grabbed, CaptureError>> {
        let watch = self.watch.as_mut()?;
        if !force && watch.checked.elapsed() < WATCH_EVERY {
            return None;
        }
        watch.checked = Instant::now();
        match watch.state() {
            WindowState::Same => None,
            WindowState::Resized(size) => {
                tracing::info!("window {:#x} resized to {}x{}", watch.id, size.0, size.1);
                watch.size = size;
                self.grab = None;
                None
            }
            WindowState::Gone if watch.reacquire => {
                self.grab = None;
                if let Some((id, size)) = watch.find_again() {
                    tracing::info!("window \"{}\" is back as {id:#x}", watch.title);
                    watch.id = id;
                    watch.size = size;
                    self.spec.window_id = Some(id);
                    None
                } else {
                    Some(self.idle())
                }
            }
            WindowState::Gone => {
                self.grab = None;
                Some(Ok(Grabbed::Ended(format!(
                    "the window \"{}\" closed",
                    watch.title
                ))))
            }
        }
    }
}

fn frame_interval(fps: u32) -> Duration {
    Duration::from_micros(1_000_000 / u64::from(fps.max(1)))
}

impl FrameSource for X11Source {
    fn next(&mut self) -> Result<Grabbed, CaptureError> {
        if let Some(r) = self.check_window(false) {
            return r;
        }
        let reopened = self.grab.is_none();
        if reopened {
            match X11Grab::open(&self.spec) {
                Ok(g) => {
                    if let Some(w) = self.watch.as_mut() {
                        w.size = g.size();
                    }
                    self.grab = Some(g);
                }
                // A minimised (unmapped) window cannot be grabbed: wait, and try again.
                Err(e) if self.watch.is_some() => {
                    tracing::debug!("window not grabbable now: {e}");
                    return self.idle();
                }
                Err(e) => return Err(e.into()),
            }
        }
        let Some(grab) = self.grab.as_mut() else {
            return self.idle();
        };
        if reopened {
            // x11grab paces itself from when it was opened and hands over the frames it
            // "owes" back to back; skip those (they would carry one moment and be dropped).
            for _ in 0..self.spec.fps {
                let asked = Instant::now();
                if grab.read().is_err() || asked.elapsed() >= self.interval / 2 {
                    break;
                }
            }
        }
        match grab.read() {
            Ok(image) => Ok(Grabbed::Frame(Frame {
                image,
                captured_at: Instant::now(),
            })),
            Err(e) if self.watch.is_some() => {
                // The window changed under the grab: closed, resized or minimised.
                tracing::debug!("grab failed, checking the window: {e}");
                self.grab = None;
                match self.check_window(true) {
                    Some(r) => r,
                    None => self.idle(),
                }
            }
            Err(e) => Err(e.into()),
        }
    }
}
