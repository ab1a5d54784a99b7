//! Reading the pixels of an X11 drawable (a window's Composite pixmap) into a
//! [`BgraFrame`]: through an MIT-SHM segment the X server creates and hands over as a file
//! descriptor (MIT-SHM 1.2), so a 1080p picture is one copy out of shared memory rather
//! than 8 MB through the socket; with plain `GetImage` where MIT-SHM is missing (a remote
//! display, an old server). Also draws the mouse pointer (XFixes) into a picture.
//!
//! It owns no window and knows nothing of pacing; the one `unsafe` block of capture maps
//! the shared segment (see [`map_segment`]).

use std::os::fd::OwnedFd;

use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::shm::{self, ConnectionExt as _};
use x11rb::protocol::xfixes::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{ConnectionExt as _, Drawable, ImageFormat};
use x11rb::rust_connection::RustConnection;

use super::{BgraFrame, CaptureError};

fn x11_err(what: &'static str) -> impl Fn(String) -> CaptureError {
    move |detail| CaptureError::X11 { what, detail }
}

/// A shared memory segment attached on the server and mapped here.
struct Segment {
    id: shm::Seg,
    map: memmap2::Mmap,
}

/// Maps `len` bytes of the segment `fd` read-only.
#[allow(unsafe_code)]
fn map_segment(fd: &OwnedFd, len: usize) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the mapping is of a memfd the X server created for this one segment and
    // that no one else knows; it is never truncated (only the server holds the other end,
    // and it does not resize segments). The server writes into it only while it handles a
    // ShmGetImage we sent, and [`PixelReader::read`] waits for that request's reply before
    // it reads the bytes and sends no other request on the segment meanwhile, so the
    // slice is never read while it changes.
    unsafe { memmap2::MmapOptions::new().len(len).map(fd) }
}

/// How pictures are read: MIT-SHM when the server offers it (1.2, with fd passing).
pub(crate) struct PixelReader {
    shm: bool,
    segment: Option<Segment>,
    cursor: bool,
}

impl PixelReader {
    /// A reader on `conn`; `cursor`: draw the pointer into pictures (needs XFixes 4+).
    pub(crate) fn new(conn: &RustConnection, cursor: bool) -> PixelReader {
        let shm = conn
            .extension_information(shm::X11_EXTENSION_NAME)
            .ok()
            .flatten()
            .is_some()
            && conn
                .shm_query_version()
                .ok()
                .and_then(|c| c.reply().ok())
                .is_some_and(|v| (v.major_version, v.minor_version) >= (1, 2));
        if !shm {
            tracing::info!(
                "MIT-SHM 1.2 is not offered by the X server: reading pixels with GetImage"
            );
        }
        let cursor = cursor
            && conn
                .xfixes_query_version(4, 0)
                .ok()
                .and_then(|c| c.reply().ok())
                .is_some_and(|v| v.major_version >= 4);
        PixelReader {
            shm,
            segment: None,
            cursor,
        }
    }

    /// True when pictures come through shared memory.
    pub(crate) fn uses_shm(&self) -> bool {
        self.shm
    }

    /// A segment of at least `len` bytes, made (or remade larger) on demand.
    fn segment(&mut self, conn: &RustConnection, len: usize) -> Result<&Segment, CaptureError> {
        if self.segment.as_ref().is_some_and(|s| s.map.len() < len) {
            if let Some(old) = self.segment.take() {
                let _ = conn.shm_detach(old.id);
            }
        }
        if self.segment.is_none() {
            let e = x11_err("creating a shared memory segment");
            let size = u32::try_from(len).map_err(|_| e(format!("{len} bytes is too large")))?;
            let id = conn.generate_id().map_err(|x| e(x.to_string()))?;
            let reply = conn
                // Not read-only: the server writes the pictures we ask for into it.
                .shm_create_segment(id, size, false)
                .map_err(|x| e(x.to_string()))?
                .reply()
                .map_err(|x| e(x.to_string()))?;
            let map = map_segment(&reply.shm_fd, len).map_err(|x| e(x.to_string()))?;
            self.segment = Some(Segment { id, map });
        }
        self.segment
            .as_ref()
            .ok_or_else(|| x11_err("creating a shared memory segment")("none".into()))
    }

    /// Reads the whole `drawable` of `size` pixels (its depth must be 24 or 32). Should
    /// shared memory fail, it is given up for `GetImage` from then on.
    pub(crate) fn read(
        &mut self,
        conn: &RustConnection,
        drawable: Drawable,
        size: (u32, u32),
    ) -> Result<BgraFrame, CaptureError> {
        let e = x11_err("reading the window's pixels");
        let (w, h) = (
            u16::try_from(size.0).map_err(|_| e(format!("a width of {}", size.0)))?,
            u16::try_from(size.1).map_err(|_| e(format!("a height of {}", size.1)))?,
        );
        let (depth, data) = if self.shm {
            match self.read_shm(conn, drawable, (w, h)) {
                Ok(got) => got,
                Err(x) => {
                    tracing::warn!("shared memory failed, reading pixels with GetImage: {x}");
                    self.shm = false;
                    self.segment = None;
                    read_socket(conn, drawable, (w, h))?
                }
            }
        } else {
            read_socket(conn, drawable, (w, h))?
        };
        let frame = BgraFrame {
            width: u32::from(w),
            height: u32::from(h),
            stride: usize::from(w) * 4,
            data,
        };
        if depth < 24 || !frame.is_consistent() {
            return Err(CaptureError::Unsupported(format!(
                "window pixels of depth {depth} are not supported"
            )));
        }
        Ok(frame)
    }

    /// The picture's depth and bytes, through the shared segment.
    fn read_shm(
        &mut self,
        conn: &RustConnection,
        drawable: Drawable,
        (w, h): (u16, u16),
    ) -> Result<(u8, Vec<u8>), CaptureError> {
        let e = x11_err("reading the window's pixels through shared memory");
        let len = usize::from(w) * 4 * usize::from(h);
        let format = u8::from(ImageFormat::Z_PIXMAP);
        let seg = self.segment(conn, len)?.id;
        let reply = conn
            .shm_get_image(drawable, 0, 0, w, h, !0, format, seg, 0)
            .map_err(|x| e(x.to_string()))?
            .reply()
            .map_err(|x| e(x.to_string()))?;
        let map = &self.segment(conn, len)?.map;
        let data = map
            .get(..len)
            .ok_or_else(|| e(format!("a segment smaller than {len} bytes")))?;
        Ok((reply.depth, data.to_vec()))
    }

    /// Draws the pointer into `frame`, which shows the window whose top-left corner is at
    /// `origin` on the screen. Does nothing when the pointer is not wanted or unreadable.
    pub(crate) fn draw_cursor(
        &self,
        conn: &RustConnection,
        frame: &mut BgraFrame,
        origin: (i32, i32),
    ) {
        if !self.cursor {
            return;
        }
        let Some(c) = conn
            .xfixes_get_cursor_image()
            .ok()
            .and_then(|c| c.reply().ok())
        else {
            return;
        };
        let left = i32::from(c.x) - i32::from(c.xhot) - origin.0;
        let top = i32::from(c.y) - i32::from(c.yhot) - origin.1;
        blend_cursor(frame, &c, left, top);
    }
}

/// The picture's depth and bytes, through the X connection's socket.
fn read_socket(
    conn: &RustConnection,
    drawable: Drawable,
    (w, h): (u16, u16),
) -> Result<(u8, Vec<u8>), CaptureError> {
    let e = x11_err("reading the window's pixels");
    let reply = conn
        .get_image(ImageFormat::Z_PIXMAP, drawable, 0, 0, w, h, !0)
        .map_err(|x| e(x.to_string()))?
        .reply()
        .map_err(|x| e(x.to_string()))?;
    Ok((reply.depth, reply.data))
}

/// Blends the cursor's premultiplied ARGB pixels over `frame` with their top-left at
/// (`left`, `top`) in the frame.
fn blend_cursor(frame: &mut BgraFrame, c: &xfixes::GetCursorImageReply, left: i32, top: i32) {
    let (cw, ch) = (usize::from(c.width), usize::from(c.height));
    for row in 0..ch {
        let y = top + row as i32;
        if y < 0 || y >= frame.height as i32 {
            continue;
        }
        for col in 0..cw {
            let x = left + col as i32;
            if x < 0 || x >= frame.width as i32 {
                continue;
            }
            let Some(&argb) = c.cursor_image.get(row * cw + col) else {
                continue;
            };
            let alpha = argb >> 24;
            if alpha == 0 {
                continue;
            }
            let at = y as usize * frame.stride + x as usize * 4;
            let Some(px) = frame.data.get_mut(at..at + 3) else {
                continue;
            };
            // Premultiplied: out = src + dst * (1 - alpha).
            for (i, p) in px.iter_mut().enumerate() {
                let src = (argb >> (8 * i)) & 0xff;
                let dst = u32::from(*p) * (255 - alpha) / 255;
                *p = u8::try_from((src + dst).min(255)).unwrap_or(u8::MAX);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(width: u16, height: u16, argb: u32) -> xfixes::GetCursorImageReply {
        xfixes::GetCursorImageReply {
            sequence: 0,
            length: 0,
            x: 0,
            y: 0,
            width,
            height,
            xhot: 0,
            yhot: 0,
            cursor_serial: 0,
            cursor_image: vec![argb; usize::from(width) * usize::from(height)],
        }
    }

    #[test]
    fn an_opaque_cursor_replaces_the_pixels_under_it_and_no_others() {
        let mut f = BgraFrame::black(8, 8);
        blend_cursor(&mut f, &cursor(2, 2, 0xff_ff_00_00), 3, 3);
        // B, G, R of opaque red.
        assert_eq!(f.pixel(3, 3), Some([0, 0, 255]));
        assert_eq!(f.pixel(4, 4), Some([0, 0, 255]));
        assert_eq!(f.pixel(5, 5), Some([0, 0, 0]));
        assert_eq!(f.pixel(2, 3), Some([0, 0, 0]));
    }

    #[test]
    fn a_cursor_partly_outside_the_window_is_clipped() {
        let mut f = BgraFrame::black(4, 4);
        blend_cursor(&mut f, &cursor(3, 3, 0xff_00_ff_00), -2, 2);
        assert_eq!(f.pixel(0, 2), Some([0, 255, 0]));
        assert_eq!(f.pixel(1, 2), Some([0, 0, 0]));
    }
}
