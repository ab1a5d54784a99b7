//! The X11 backend (Linux, and XWayland windows): lists top-level windows from the
//! window manager's `_NET_CLIENT_LIST` with their title (`_NET_WM_NAME`), program
//! (`WM_CLASS`), geometry and process id, takes thumbnails with `GetImage`, and records
//! a window's own content through Composite (see [`super::composite`]), or a screen, a
//! region — and a window where Composite cannot be used — through FFmpeg's `x11grab`
//! (see [`super::x11_source`]).
//!
//! Window listing needs a running window manager (EWMH); without one the list is empty.

use x11rb::connection::Connection;
use x11rb::properties::WmClass;
use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, ImageFormat, Window};
use x11rb::rust_connection::RustConnection;

use super::composite::CompositeSource;
use super::x11_source::X11Source;
use super::{
    resolve_window, BgraFrame, CaptureBackend, CaptureError, FrameSource, SourceSettings, Target,
    TargetKind, TargetSpec,
};
use crate::media::GrabSpec;

/// Records X11 windows, screens and regions.
#[derive(Clone, Debug)]
pub struct X11Backend {
    display: String,
    window_capture: WindowCapture,
}

/// How a window is recorded on X11.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum WindowCapture {
    /// The window's own pixels through Composite, covered parts included; its screen area
    /// (x11grab) only where Composite cannot be used, with a notice saying so.
    #[default]
    Content,
    /// The window's area of the screen through x11grab: whatever covers it is recorded.
    ScreenArea,
}

impl std::str::FromStr for WindowCapture {
    type Err = CaptureError;

    /// `content` (or `composite`) and `area` (or `x11grab`).
    fn from_str(s: &str) -> Result<WindowCapture, CaptureError> {
        match s.trim().to_lowercase().as_str() {
            "content" | "composite" => Ok(WindowCapture::Content),
            "area" | "screen-area" | "x11grab" => Ok(WindowCapture::ScreenArea),
            other => Err(CaptureError::Invalid(format!(
                "\"{other}\" is not a window capture: use content or area"
            ))),
        }
    }
}

fn x11_err(what: &'static str) -> impl Fn(String) -> CaptureError {
    move |detail| CaptureError::X11 { what, detail }
}

/// A connection with the atoms we ask about.
pub(crate) struct X11Conn {
    pub(crate) conn: RustConnection,
    pub(crate) root: Window,
    root_size: (u32, u32),
    client_list: u32,
    net_wm_name: u32,
    utf8: u32,
    net_wm_pid: u32,
}

impl X11Conn {
    pub(crate) fn connect(display: &str) -> Result<X11Conn, CaptureError> {
        let (conn, screen) =
            x11rb::connect(Some(display)).map_err(|e| CaptureError::NoDisplay {
                display: display.to_owned(),
                detail: e.to_string(),
            })?;
        let Some(s) = conn.setup().roots.get(screen) else {
            return Err(CaptureError::NoDisplay {
                display: display.to_owned(),
                detail: format!("it has no screen {screen}"),
            });
        };
        let (root, root_size) = (
            s.root,
            (u32::from(s.width_in_pixels), u32::from(s.height_in_pixels)),
        );
        let atom = |name: &[u8]| -> Result<u32, CaptureError> {
            let e = x11_err("interning an atom");
            Ok(conn
                .intern_atom(false, name)
                .map_err(|x| e(x.to_string()))?
                .reply()
                .map_err(|x| e(x.to_string()))?
                .atom)
        };
        let client_list = atom(b"_NET_CLIENT_LIST")?;
        let net_wm_name = atom(b"_NET_WM_NAME")?;
        let utf8 = atom(b"UTF8_STRING")?;
        let net_wm_pid = atom(b"_NET_WM_PID")?;
        Ok(X11Conn {
            conn,
            root,
            root_size,
            client_list,
            net_wm_name,
            utf8,
            net_wm_pid,
        })
    }

    fn property(
        &self,
        window: Window,
        prop: u32,
        ty: u32,
    ) -> Option<x11rb::protocol::xproto::GetPropertyReply> {
        self.conn
            .get_property(false, window, prop, ty, 0, 1 << 16)
            .ok()?
            .reply()
            .ok()
    }

    /// Top-level windows the window manager manages, in its order.
    pub(crate) fn client_ids(&self) -> Result<Vec<Window>, CaptureError> {
        let Some(reply) = self.property(self.root, self.client_list, AtomEnum::WINDOW.into())
        else {
            return Err(CaptureError::X11 {
                what: "reading _NET_CLIENT_LIST",
                detail: "no reply".into(),
            });
        };
        Ok(reply.value32().map(Iterator::collect).unwrap_or_default())
    }

    /// The window's title: `_NET_WM_NAME` (UTF-8), else `WM_NAME`.
    pub(crate) fn title(&self, w: Window) -> String {
        let utf8 = self
            .property(w, self.net_wm_name, self.utf8)
            .map(|r| String::from_utf8_lossy(&r.value).into_owned())
            .unwrap_or_default();
        if !utf8.is_empty() {
            return utf8;
        }
        self.property(w, AtomEnum::WM_NAME.into(), AtomEnum::ANY.into())
            .map(|r| String::from_utf8_lossy(&r.value).into_owned())
            .unwrap_or_default()
    }

    /// The class part of `WM_CLASS`, e.g. `XTerm`.
    pub(crate) fn app(&self, w: Window) -> String {
        WmClass::get(&self.conn, w)
            .ok()
            .and_then(|c| c.reply().ok().flatten())
            .map(|c| String::from_utf8_lossy(c.class()).into_owned())
            .unwrap_or_default()
    }

    /// Position on the root window and size, or `None` if the window is gone.
    pub(crate) fn geometry(&self, w: Window) -> Option<(i32, i32, u32, u32)> {
        let g = self.conn.get_geometry(w).ok()?.reply().ok()?;
        let t = self
            .conn
            .translate_coordinates(w, self.root, 0, 0)
            .ok()?
            .reply()
            .ok()?;
        Some((
            i32::from(t.dst_x),
            i32::from(t.dst_y),
            u32::from(g.width),
            u32::from(g.height),
        ))
    }

    fn pid(&self, w: Window) -> Option<u32> {
        self.property(w, self.net_wm_pid, AtomEnum::CARDINAL.into())?
            .value32()?
            .next()
    }

    /// Every managed window with its facts (windows that vanish meanwhile are skipped).
    pub(crate) fn windows(&self) -> Result<Vec<Target>, CaptureError> {
        let mut out = Vec::new();
        for w in self.client_ids()? {
            let Some((x, y, width, height)) = self.geometry(w) else {
                continue;
            };
            out.push(Target {
                id: u64::from(w),
                kind: TargetKind::Window,
                title: self.title(w),
                app: self.app(w),
                x,
                y,
                width,
                height,
                pid: self.pid(w),
            });
        }
        Ok(out)
    }

    fn screen_target(&self) -> Target {
        Target {
            id: 0,
            kind: TargetKind::Display,
            title: "Screen 0".into(),
            app: String::new(),
            x: 0,
            y: 0,
            width: self.root_size.0,
            height: self.root_size.1,
            pid: None,
        }
    }
}

impl X11Backend {
    /// A backend for `display`, or `$DISPLAY` (else `:0`) when `None`.
    pub fn new(display: Option<&str>) -> X11Backend {
        let display = display
            .map(str::to_owned)
            .or_else(|| std::env::var("DISPLAY").ok())
            .unwrap_or_else(|| ":0".into());
        X11Backend {
            display,
            window_capture: WindowCapture::default(),
        }
    }

    /// The same backend recording windows the way `how` says.
    pub fn with_window_capture(mut self, how: WindowCapture) -> X11Backend {
        self.window_capture = how;
        self
    }

    /// The display this backend talks to.
    pub fn display(&self) -> &str {
        &self.display
    }
}

impl CaptureBackend for X11Backend {
    fn targets(&self) -> Result<Vec<Target>, CaptureError> {
        let c = X11Conn::connect(&self.display)?;
        let mut all = vec![c.screen_target()];
        all.extend(c.windows()?);
        Ok(all)
    }

    fn thumbnail(&self, target: &Target, max_side: u32) -> Result<BgraFrame, CaptureError> {
        let c = X11Conn::connect(&self.display)?;
        let (drawable, (w, h)) = match target.kind {
            TargetKind::Display => (c.root, c.root_size),
            TargetKind::Window => {
                let id = u32::try_from(target.id).map_err(|_| {
                    CaptureError::Invalid(format!("{:#x} is not an X11 window id", target.id))
                })?;
                let g = c.geometry(id).ok_or_else(|| CaptureError::NoSuchWindow {
                    wanted: format!("id {id:#x}"),
                    available: "(it closed)".into(),
                })?;
                (id, (g.2, g.3))
            }
        };
        let e = x11_err("reading the window's pixels (is it minimised?)");
        let (w16, h16) = (
            u16::try_from(w).unwrap_or(u16::MAX),
            u16::try_from(h).unwrap_or(u16::MAX),
        );
        let reply = c
            .conn
            .get_image(ImageFormat::Z_PIXMAP, drawable, 0, 0, w16, h16, !0)
            .map_err(|x| e(x.to_string()))?
            .reply()
            .map_err(|x| e(x.to_string()))?;
        let frame = BgraFrame {
            width: u32::from(w16),
            height: u32::from(h16),
            stride: usize::from(w16) * 4,
            data: reply.data,
        };
        if reply.depth < 24 || !frame.is_consistent() {
            return Err(CaptureError::Unsupported(format!(
                "window pixels of depth {} are not supported",
                reply.depth
            )));
        }
        Ok(frame.thumbnail(max_side))
    }

    fn start(
        &self,
        spec: &TargetSpec,
        settings: &SourceSettings,
    ) -> Result<Box<dyn FrameSource>, CaptureError> {
        let grab = |window_id, region| GrabSpec {
            display: self.display.clone(),
            window_id,
            region,
            fps: settings.fps,
            draw_mouse: settings.cursor,
        };
        match spec {
            TargetSpec::WindowTitle(_) | TargetSpec::WindowId(_) => {
                let c = X11Conn::connect(&self.display)?;
                let windows = c.windows()?;
                let t = resolve_window(&windows, spec)?.clone();
                let notice = match self.window_capture {
                    WindowCapture::Content => match CompositeSource::window(c, &t, settings) {
                        Ok(source) => return Ok(Box::new(source)),
                        Err(e) => {
                            let notice = format!(
                                "recording the window's screen area: its own content cannot \
                                 be read ({e}), so windows covering it are recorded too"
                            );
                            tracing::warn!("window {:#x}: {notice}", t.id);
                            notice
                        }
                    },
                    WindowCapture::ScreenArea => {
                        "recording the window's screen area, as asked: windows covering it \
                         are recorded too"
                            .to_owned()
                    }
                };
                Ok(Box::new(X11Source::window(
                    X11Conn::connect(&self.display)?,
                    &t,
                    grab(None, None),
                    settings.reacquire,
                    notice,
                )?))
            }
            TargetSpec::Display(n) => {
                let mut g = grab(None, None);
                if *n != 0 {
                    g.display = format!("{}.{n}", self.display);
                }
                Ok(Box::new(X11Source::fixed(g)?))
            }
            TargetSpec::Region(x, y, w, h) => Ok(Box::new(X11Source::fixed(grab(
                None,
                Some((*x, *y, *w, *h)),
            ))?)),
        }
    }
}
