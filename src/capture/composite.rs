//! Recording one X11 window's own content through the Composite extension, so a window
//! covered by others (Clipwright's own included) still records whole.
//!
//! The window is redirected (automatic redirection: the X server keeps painting the screen
//! as before, but the window's pixels now live in an off-screen pixmap of their own), its
//! pixmap is named (`NameWindowPixmap`) and read each frame through shared memory
//! ([`PixelReader`]). A resize gives the window a new pixmap, so it is named again; a
//! minimised or unmapped window has none, so the source reports [`Grabbed::Hidden`] and the
//! recorder repeats the last picture; a closed window ends the source, or with `reacquire`
//! the source waits for a window of the same program and title and redirects that one.
//! Changes are seen at once from the window's `StructureNotify` events, and a few times a
//! second by asking, in case an event was missed.
//!
//! Pacing is the `x11grab` source's: each frame has its moment on a fixed grid and after a
//! stall the next one is one interval from now — one fresh frame, never a burst.
//!
//! The redirection, the pixmap and the shared segment belong to this source's own X
//! connection; the server releases them all when it closes.

use std::time::{Duration, Instant};

use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::composite::{self, ConnectionExt as _, Redirect};
use x11rb::protocol::xproto::{
    ChangeWindowAttributesAux, ConnectionExt as _, EventMask, Pixmap, Window,
};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;

use super::window_watch::{Watch, WindowState};
use super::x11::X11Conn;
use super::x11_pixels::PixelReader;
use super::x11_source::{frame_interval, next_due};
use super::{CaptureError, Frame, FrameSource, Grabbed, SourceSettings, Target};

fn x11_err(what: &'static str) -> impl Fn(String) -> CaptureError {
    move |detail| CaptureError::X11 { what, detail }
}

/// Fails unless the server has Composite 0.2 or later (`NameWindowPixmap`).
fn check_composite(conn: &RustConnection) -> Result<(), CaptureError> {
    let missing = || CaptureError::Unsupported("the X server has no Composite extension".into());
    conn.extension_information(composite::X11_EXTENSION_NAME)
        .ok()
        .flatten()
        .ok_or_else(missing)?;
    let e = x11_err("asking the Composite version");
    let v = conn
        .composite_query_version(0, 4)
        .map_err(|x| e(x.to_string()))?
        .reply()
        .map_err(|x| e(x.to_string()))?;
    if (v.major_version, v.minor_version) < (0, 2) {
        return Err(CaptureError::Unsupported(format!(
            "the X server's Composite is version {}.{}; 0.2 is needed",
            v.major_version, v.minor_version
        )));
    }
    Ok(())
}

/// Redirects `window` into a pixmap of its own and asks for its structure events.
fn redirect(conn: &RustConnection, window: Window) -> Result<(), CaptureError> {
    let e = x11_err("redirecting the window (Composite)");
    conn.composite_redirect_window(window, Redirect::AUTOMATIC)
        .map_err(|x| e(x.to_string()))?
        .check()
        .map_err(|x| e(x.to_string()))?;
    let events = ChangeWindowAttributesAux::new().event_mask(EventMask::STRUCTURE_NOTIFY);
    conn.change_window_attributes(window, &events)
        .map_err(|x| e(x.to_string()))?
        .check()
        .map_err(|x| e(x.to_string()))
}

/// A window's own content, through Composite.
pub(crate) struct CompositeSource {
    watch: Watch,
    reader: PixelReader,
    /// The window's named pixmap and its size; `None` until named (again).
    pixmap: Option<(Pixmap, (u32, u32))>,
    hidden: bool,
    /// The followed window is redirected. A closed window's id can come back on a new
    /// window (X servers reuse ids), which is not redirected yet.
    redirected: bool,
    interval: Duration,
    /// When the next frame should be read.
    due: Option<Instant>,
}

impl CompositeSource {
    /// Starts recording `target`'s content. Fails (so the caller can fall back) when the
    /// server lacks Composite or the window's pixels cannot be read.
    pub(crate) fn window(
        conn: X11Conn,
        target: &Target,
        settings: &SourceSettings,
    ) -> Result<CompositeSource, CaptureError> {
        check_composite(&conn.conn)?;
        let reader = PixelReader::new(&conn.conn, settings.cursor);
        let watch = Watch::new(conn, target, settings.reacquire)?;
        redirect(&watch.conn.conn, watch.id)?;
        let mut source = CompositeSource {
            hidden: !watch.viewable(),
            watch,
            reader,
            pixmap: None,
            redirected: true,
            interval: frame_interval(settings.fps),
            due: None,
        };
        if !source.hidden {
            // Read one picture now: a window whose pixels cannot be read is found here,
            // before recording, while the caller can still choose another way.
            source.name_pixmap()?;
            source.read()?;
        }
        tracing::info!(
            "recording window {:#x} \"{}\" through Composite ({})",
            source.watch.id,
            source.watch.title,
            if source.reader.uses_shm() {
                "MIT-SHM"
            } else {
                "GetImage"
            }
        );
        Ok(source)
    }

    fn conn(&self) -> &RustConnection {
        &self.watch.conn.conn
    }

    fn free_pixmap(&mut self) {
        if let Some((p, _)) = self.pixmap.take() {
            let _ = self.conn().free_pixmap(p);
        }
    }

    /// Names the window's current pixmap (after a start, a resize or being shown again).
    fn name_pixmap(&mut self) -> Result<(), CaptureError> {
        self.free_pixmap();
        let e = x11_err("naming the window's pixmap (Composite)");
        let conn = self.conn();
        let id = conn.generate_id().map_err(|x| e(x.to_string()))?;
        conn.composite_name_window_pixmap(self.watch.id, id)
            .map_err(|x| e(x.to_string()))?
            .check()
            .map_err(|x| e(x.to_string()))?;
        // The pixmap's own size: the window's plus its border, whatever the last check saw.
        let size = match conn.get_geometry(id).map(|c| c.reply()) {
            Ok(Ok(g)) => (u32::from(g.width), u32::from(g.height)),
            Ok(Err(x)) => return Err(e(x.to_string())),
            Err(x) => return Err(e(x.to_string())),
        };
        self.pixmap = Some((id, size));
        Ok(())
    }

    fn read(&mut self) -> Result<Frame, CaptureError> {
        let Some((pixmap, size)) = self.pixmap else {
            return Err(CaptureError::Unsupported("the window has no pixmap".into()));
        };
        let asked = Instant::now();
        let conn = &self.watch.conn.conn;
        let mut image = self.reader.read(conn, pixmap, size)?;
        self.reader
            .draw_cursor(conn, &mut image, self.watch.position);
        Ok(Frame {
            image,
            captured_at: asked,
        })
    }

    /// True when an event says the window changed (resized, shown, hidden, closed).
    fn window_changed(&mut self) -> bool {
        let mut changed = false;
        while let Ok(Some(event)) = self.conn().poll_for_event() {
            changed |= match event {
                Event::ConfigureNotify(e) => {
                    e.window == self.watch.id
                        && self
                            .pixmap
                            .is_some_and(|(_, s)| s != (u32::from(e.width), u32::from(e.height)))
                }
                Event::DestroyNotify(_) => {
                    self.redirected = false;
                    true
                }
                Event::MapNotify(_) | Event::UnmapNotify(_) => true,
                _ => false,
            };
        }
        changed
    }

    /// Checks the window; returns `Some(result)` when `next` should return it right away.
    fn check_window(&mut self, force: bool) -> Option<Result<Grabbed, CaptureError>> {
        if !force && !self.window_changed() && !self.watch.due() {
            return None;
        }
        match self.watch.state() {
            WindowState::Same => {
                if self.hidden {
                    tracing::info!("window {:#x} is shown again", self.watch.id);
                    self.hidden = false;
                }
                None
            }
            WindowState::Resized(size) => {
                tracing::info!(
                    "window {:#x} resized to {}x{}",
                    self.watch.id,
                    size.0,
                    size.1
                );
                self.watch.size = size;
                self.hidden = false;
                self.free_pixmap();
                None
            }
            WindowState::Hidden => {
                if !self.hidden {
                    tracing::info!(
                        "window {:#x} is hidden: repeating its last picture",
                        self.watch.id
                    );
                }
                self.hidden = true;
                self.free_pixmap();
                None
            }
            WindowState::Gone if self.watch.reacquire => {
                self.free_pixmap();
                self.redirected = false;
                let Some(target) = self.watch.find_again() else {
                    std::thread::sleep(self.interval);
                    return Some(Ok(Grabbed::Idle));
                };
                if let Err(e) = self.watch.follow(&target) {
                    return Some(Err(e));
                }
                tracing::info!(
                    "window \"{}\" is back as {:#x}",
                    self.watch.title,
                    self.watch.id
                );
                self.hidden = !self.watch.viewable();
                None
            }
            WindowState::Gone => {
                self.free_pixmap();
                Some(Ok(Grabbed::Ended(format!(
                    "the window \"{}\" closed",
                    self.watch.title
                ))))
            }
        }
    }

    /// Waits a frame's time: nothing new to show (hidden, or between two states).
    fn wait(&self) -> Result<Grabbed, CaptureError> {
        std::thread::sleep(self.interval);
        Ok(if self.hidden {
            Grabbed::Hidden
        } else {
            Grabbed::Idle
        })
    }
}

impl FrameSource for CompositeSource {
    fn next(&mut self) -> Result<Grabbed, CaptureError> {
        if let Some(r) = self.check_window(false) {
            return r;
        }
        if self.hidden {
            return self.wait();
        }
        if !self.redirected {
            if let Err(e) = redirect(self.conn(), self.watch.id) {
                tracing::debug!("cannot redirect the window now: {e}");
                return self.check_window(true).unwrap_or_else(|| self.wait());
            }
            self.redirected = true;
        }
        if self.pixmap.is_none() {
            if let Err(e) = self.name_pixmap() {
                // Unmapped between the check and now: the next check says so.
                tracing::debug!("cannot name the window's pixmap now: {e}");
                return self.check_window(true).unwrap_or_else(|| self.wait());
            }
        }
        let now = Instant::now();
        let due = self.due.unwrap_or(now);
        if due > now {
            std::thread::sleep(due - now);
        }
        self.due = Some(next_due(due, Instant::now(), self.interval));
        match self.read() {
            Ok(frame) => Ok(Grabbed::Frame(frame)),
            Err(e) => {
                tracing::debug!("reading the window failed, checking it: {e}");
                self.free_pixmap();
                self.watch.flush();
                self.check_window(true).unwrap_or_else(|| self.wait())
            }
        }
    }
}
