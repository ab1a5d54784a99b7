//! The Windows and macOS backend, through `scap` 0.0.8 (Windows Graphics Capture,
//! ScreenCaptureKit). scap's capturer is driven on a thread of its own, which hands BGRA
//! pictures over a small channel; the source reports `Idle` when nothing new came in a
//! frame's time (these APIs deliver frames only when the picture changes).
//!
//! A chosen window is recorded by its own content, not its area of the screen: scap hands
//! a window target to Windows Graphics Capture as the window's own capture item and to
//! ScreenCaptureKit as a desktop-independent window filter, so windows covering it are
//! not recorded. The options below say so explicitly (no crop, no display, no exclusions),
//! read from scap 0.0.8's engines; a crop would cut the window's picture to a fixed size
//! taken at the start.
//!
//! This file is compiled only on Windows and macOS and cannot be exercised by the Linux
//! test suite, so it stays small: listing, starting, converting.

use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, TrySendError};
use std::time::{Duration, Instant};

use super::{
    resolve_window, BgraFrame, CaptureBackend, CaptureError, Frame, FrameSource, Grabbed,
    SourceSettings, Target, TargetKind, TargetSpec,
};

/// Captures windows and displays with scap.
#[derive(Clone, Debug)]
pub struct ScapBackend;

impl ScapBackend {
    /// Checks the platform supports capture and permission is granted (asking for it on
    /// macOS).
    pub fn new() -> Result<ScapBackend, CaptureError> {
        if !scap::is_supported() {
            return Err(CaptureError::Unsupported(
                "screen capture is not supported on this system version".into(),
            ));
        }
        if !scap::has_permission() && !scap::request_permission() {
            return Err(CaptureError::Unsupported(
                "permission to record the screen was not granted".into(),
            ));
        }
        Ok(ScapBackend)
    }
}

fn describe(t: &scap::Target) -> Target {
    let (id, kind, title, pid) = match t {
        scap::Target::Window(w) => {
            #[cfg(windows)]
            let pid = window_pid(w.raw_handle.0);
            #[cfg(target_os = "macos")]
            let pid = super::process_tap::window_pid(w.raw_handle);
            (w.id, TargetKind::Window, w.title.clone(), pid)
        }
        scap::Target::Display(d) => (d.id, TargetKind::Display, d.title.clone(), None),
    };
    // scap 0.0.8 does not export target sizes; the picker shows titles.
    Target {
        id: u64::from(id),
        kind,
        title,
        app: String::new(),
        x: 0,
        y: 0,
        width: 0,
        height: 0,
        pid,
    }
}

/// The process that owns window `hwnd`, so `--audio window` can record its program's sound.
#[cfg(windows)]
#[allow(unsafe_code)]
fn window_pid(hwnd: *mut std::ffi::c_void) -> Option<u32> {
    let mut pid: u32 = 0;
    // SAFETY: GetWindowThreadProcessId only reads the handle (a stale one gives 0) and
    // writes the id into `pid`, which lives through the call.
    let thread = unsafe {
        windows_sys::Win32::UI::WindowsAndMessaging::GetWindowThreadProcessId(hwnd, &mut pid)
    };
    (thread != 0 && pid != 0).then_some(pid)
}

impl CaptureBackend for ScapBackend {
    fn targets(&self) -> Result<Vec<Target>, CaptureError> {
        Ok(scap::get_all_targets().iter().map(describe).collect())
    }

    fn thumbnail(&self, _target: &Target, _max_side: u32) -> Result<BgraFrame, CaptureError> {
        Err(CaptureError::Unsupported(
            "thumbnails are not available with scap yet".into(),
        ))
    }

    fn start(
        &self,
        spec: &TargetSpec,
        settings: &SourceSettings,
    ) -> Result<Box<dyn FrameSource>, CaptureError> {
        let described: Vec<Target> = scap::get_all_targets().iter().map(describe).collect();
        let wanted = match spec {
            TargetSpec::WindowTitle(_) | TargetSpec::WindowId(_) => {
                resolve_window(&described, spec)?.clone()
            }
            TargetSpec::Display(n) => described
                .iter()
                .filter(|t| t.kind == TargetKind::Display)
                .nth(*n as usize)
                .cloned()
                .ok_or_else(|| CaptureError::Invalid(format!("there is no display {n}")))?,
            TargetSpec::Region(..) => {
                return Err(CaptureError::Unsupported(
                    "regions are not supported with scap yet; record the display and crop".into(),
                ))
            }
        };
        let (fps, cursor) = (settings.fps, settings.cursor);
        let (tx, rx) = sync_channel(2);
        let (ready_tx, ready_rx) = sync_channel::<Result<(), String>>(1);
        // scap's targets and capturer hold platform handles that may not move between
        // threads, so the capture thread looks the target up and builds the capturer
        // itself. It ends at the first frame after the source is dropped.
        std::thread::Builder::new()
            .name("scap".into())
            .spawn(move || {
                let target = scap::get_all_targets().into_iter().find(|t| {
                    let d = describe(t);
                    d.kind == wanted.kind && d.id == wanted.id
                });
                if target.is_none() {
                    let _ = ready_tx.send(Err(format!("\"{}\" is gone", wanted.title)));
                    return;
                }
                // A window target alone means its content: WGC's window item, or
                // ScreenCaptureKit's desktop-independent window (see the module notes).
                let options = scap::capturer::Options {
                    fps,
                    show_cursor: cursor,
                    show_highlight: false,
                    target,
                    crop_area: None,
                    output_type: scap::frame::FrameType::BGRAFrame,
                    output_resolution: scap::capturer::Resolution::Captured,
                    excluded_targets: None,
                };
                let mut capturer = match scap::capturer::Capturer::build(options) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                capturer.start_capture();
                let _ = ready_tx.send(Ok(()));
                while let Ok(frame) = capturer.get_next_frame() {
                    let Some(image) = to_bgra(frame) else {
                        continue;
                    };
                    let item = Frame {
                        image,
                        captured_at: Instant::now(),
                    };
                    if let Err(TrySendError::Disconnected(_)) = tx.try_send(item) {
                        break;
                    }
                }
                capturer.stop_capture();
            })
            .map_err(|_| CaptureError::Thread("scap"))?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(why)) => return Err(CaptureError::Unsupported(why)),
            Err(_) => return Err(CaptureError::Thread("scap")),
        }
        Ok(Box::new(ScapSource {
            rx,
            interval: Duration::from_micros(1_000_000 / u64::from(fps.max(1))),
        }))
    }
}

/// BGRA (or BGRx) pictures as they are; other layouts are skipped.
fn to_bgra(frame: scap::frame::Frame) -> Option<BgraFrame> {
    let (w, h, data) = match frame {
        scap::frame::Frame::BGRA(f) => (f.width, f.height, f.data),
        scap::frame::Frame::BGRx(f) => (f.width, f.height, f.data),
        _ => return None,
    };
    let (width, height) = (u32::try_from(w).ok()?, u32::try_from(h).ok()?);
    let stride = if height == 0 {
        0
    } else {
        data.len() / height as usize
    };
    let image = BgraFrame {
        width,
        height,
        stride,
        data,
    };
    image.is_consistent().then_some(image)
}

struct ScapSource {
    rx: Receiver<Frame>,
    interval: Duration,
}

impl FrameSource for ScapSource {
    fn next(&mut self) -> Result<Grabbed, CaptureError> {
        match self.rx.recv_timeout(self.interval) {
            Ok(f) => Ok(Grabbed::Frame(f)),
            Err(RecvTimeoutError::Timeout) => Ok(Grabbed::Idle),
            Err(RecvTimeoutError::Disconnected) => Ok(Grabbed::Ended("the capture stopped".into())),
        }
    }
}
