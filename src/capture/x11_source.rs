//! A running X11 capture through FFmpeg's `x11grab`. For a window it watches the window
//! a few times a second: a resize reopens the grab at the new size (the recorder scales
//! every size into the output); a minimised window gives no new pictures (the recorder
//! repeats the last one); a closed window ends the source — or, with `reacquire`, waits
//! for a window of the same program and title and goes on with it.
//!
//! The source paces itself: x11grab's own pacing hands over every frame it "owes" back to
//! back after a stall (a busy machine), each a full-size copy that the recorder can only
//! drop. So x11grab is opened at a rate it never has to wait for, and this source waits
//! for each frame's moment itself, skipping ahead after a stall: one fresh frame, no burst.

use std::time::{Duration, Instant};

use super::window_watch::{Watch, WindowState};
use super::x11::X11Conn;
use super::{CaptureError, Frame, FrameSource, Grabbed, Target};
use crate::media::{GrabSpec, X11Grab};

/// The rate x11grab is opened at: far above any recording rate, so it never waits and the
/// source does the pacing.
const UNPACED_FPS: u32 = 1000;

/// `spec` for x11grab without its own pacing.
fn unpaced(spec: &GrabSpec) -> GrabSpec {
    GrabSpec {
        fps: UNPACED_FPS,
        ..spec.clone()
    }
}

/// When the frame after one due at `due` is due, given that it is `now`: one interval
/// later, or, if that has passed already (a stall), one interval from now.
pub(crate) fn next_due(due: Instant, now: Instant, interval: Duration) -> Instant {
    let next = due + interval;
    if next <= now {
        now + interval
    } else {
        next
    }
}

/// An `x11grab` source on a window, a screen or a region.
pub(crate) struct X11Source {
    spec: GrabSpec,
    grab: Option<X11Grab>,
    watch: Option<Watch>,
    interval: Duration,
    /// When the next frame should be grabbed.
    due: Option<Instant>,
    /// Why the window is recorded this way, for the person to see.
    notice: Option<String>,
}

impl X11Source {
    /// A source on one window's area of the screen; `notice` says why it is recorded
    /// this way rather than through Composite.
    pub(crate) fn window(
        conn: X11Conn,
        target: &Target,
        mut spec: GrabSpec,
        reacquire: bool,
        notice: String,
    ) -> Result<X11Source, CaptureError> {
        let mut watch = Watch::new(conn, target, reacquire)?;
        spec.window_id = Some(watch.id);
        let grab = X11Grab::open(&unpaced(&spec))?;
        watch.size = grab.size();
        Ok(X11Source {
            interval: frame_interval(spec.fps),
            spec,
            grab: Some(grab),
            due: None,
            watch: Some(watch),
            notice: Some(notice),
        })
    }

    /// A source on a screen or a fixed region.
    pub(crate) fn fixed(spec: GrabSpec) -> Result<X11Source, CaptureError> {
        let grab = X11Grab::open(&unpaced(&spec))?;
        Ok(X11Source {
            interval: frame_interval(spec.fps),
            spec,
            grab: Some(grab),
            due: None,
            watch: None,
            notice: None,
        })
    }

    fn idle(&self) -> Result<Grabbed, CaptureError> {
        std::thread::sleep(self.interval);
        Ok(Grabbed::Idle)
    }

    /// Checks the window; returns `Some(result)` when `next` should return it right away.
    fn check_window(&mut self, force: bool) -> Option<Result<Grabbed, CaptureError>> {
        let watch = self.watch.as_mut()?;
        if !force && !watch.due() {
            return None;
        }
        match watch.state() {
            WindowState::Same => None,
            WindowState::Resized(size) => {
                tracing::info!("window {:#x} resized to {}x{}", watch.id, size.0, size.1);
                watch.size = size;
                self.grab = None;
                None
            }
            WindowState::Hidden => {
                self.grab = None;
                std::thread::sleep(self.interval);
                Some(Ok(Grabbed::Hidden))
            }
            WindowState::Gone if watch.reacquire => {
                self.grab = None;
                match watch.find_again().map(|t| watch.follow(&t)) {
                    Some(Ok(())) => {
                        tracing::info!("window \"{}\" is back as {:#x}", watch.title, watch.id);
                        self.spec.window_id = Some(watch.id);
                        None
                    }
                    Some(Err(e)) => Some(Err(e)),
                    None => Some(self.idle()),
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

pub(crate) fn frame_interval(fps: u32) -> Duration {
    Duration::from_micros(1_000_000 / u64::from(fps.max(1)))
}

impl FrameSource for X11Source {
    fn notice(&self) -> Option<String> {
        self.notice.clone()
    }

    fn next(&mut self) -> Result<Grabbed, CaptureError> {
        if let Some(r) = self.check_window(false) {
            return r;
        }
        if self.grab.is_none() {
            match X11Grab::open(&unpaced(&self.spec)) {
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
        let now = Instant::now();
        let due = self.due.unwrap_or(now);
        if due > now {
            std::thread::sleep(due - now);
        }
        // The picture is taken when the X server handles the request, at the start of
        // `read`; the rest of it is moving and copying 8 MB at 1080p, which under load
        // takes tens of milliseconds and would make the picture look later than its sound.
        let asked = Instant::now();
        self.due = Some(next_due(due, asked, self.interval));
        match grab.read() {
            Ok(image) => Ok(Grabbed::Frame(Frame {
                image,
                captured_at: asked,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_on_time_stay_on_their_grid() {
        let t0 = Instant::now();
        let i = Duration::from_millis(33);
        assert_eq!(next_due(t0, t0 + Duration::from_millis(5), i), t0 + i);
    }

    #[test]
    fn after_a_stall_the_next_frame_is_one_interval_from_now_not_a_burst() {
        let t0 = Instant::now();
        let i = Duration::from_millis(33);
        let late = t0 + Duration::from_millis(500);
        assert_eq!(next_due(t0, late, i), late + i);
    }
}
