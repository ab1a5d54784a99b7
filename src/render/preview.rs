//! [`PreviewWorker`]: the project's picture at a time, drawn on a worker thread by the
//! same compositor the export uses, at the size the preview shows it.
//!
//! A worker thread owns the compositor (and its open decoders). The UI puts only the
//! *latest* request in a one-slot mailbox: while the worker is busy, newer requests
//! overwrite older ones, so scrubbing never queues up stale frames. Finished frames come
//! back in a one-slot mailbox too (the newest replaces one not yet taken, so the last
//! frame is never lost) and wake the UI.
//!
//! Scrubbing an original before its proxy is ready, the worker first draws each clip's
//! keyframe at or before the playhead (one seek, one decoded frame: a picture at once,
//! marked not [`PreviewFrame::exact`]) and then, unless a newer request is already
//! waiting, the exact frame, decoding on from that keyframe. A request arriving while the
//! exact frame is decoded raises a flag the decoders check before each frame, so the worker
//! gives it up and turns to the newest playhead position: while the pointer moves, only
//! keyframes are shown; once it rests, the exact frame follows.
//!
//! The worker's compositor is a preview one ([`Compositor::for_preview`]): sources are
//! indexed in the background and, once their preview proxies are ready, decoded from them.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use super::{Compositor, Frame, RenderError};
use crate::media::MediaError;
use crate::timeline::{OutputId, Project, Time};

/// What the worker should draw.
#[derive(Debug, Clone)]
struct Request {
    project: Arc<Project>,
    base_dir: PathBuf,
    time: Time,
    size: (u32, u32),
    output: OutputId,
    /// Show a keyframe first if the worker does (not while playing).
    keyframe_first: bool,
}

/// What makes a request the same as the last one: the project (by address and revision),
/// time, size and output.
type RequestKey = (usize, u64, Time, (u32, u32), OutputId);

/// A finished preview frame.
#[derive(Debug)]
pub struct PreviewFrame {
    /// The time it shows.
    pub time: Time,
    /// The picture, or why it could not be drawn.
    pub frame: Result<Frame, String>,
    /// How long the compositor took.
    pub took_ms: u32,
    /// True for the frame at `time` itself; false for a stand-in drawn from the keyframes
    /// before it, which the exact frame follows unless a newer request comes first.
    pub exact: bool,
}

/// How a [`PreviewWorker`] draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviewOptions {
    /// Decode sources' preview proxies once they are ready.
    pub proxies: bool,
    /// Show an original's keyframe before its exact frame (see the module notes).
    pub keyframe_first: bool,
}

impl Default for PreviewOptions {
    fn default() -> Self {
        PreviewOptions {
            proxies: true,
            keyframe_first: true,
        }
    }
}

/// The one-slot mailbox between the UI and the worker.
#[derive(Debug, Default)]
struct Slot {
    request: Option<Request>,
    closed: bool,
}

/// What the UI and the worker share.
#[derive(Debug, Default)]
struct Shared {
    slot: Mutex<Slot>,
    wake: Condvar,
    /// The newest finished frame, not yet taken by the UI.
    done: Mutex<Option<PreviewFrame>>,
    /// Raised with each new request, lowered when the worker takes it: the decoders give
    /// up an exact frame while it is up.
    newer: Arc<AtomicBool>,
    /// Exact frames given up for a newer request.
    given_up: AtomicU64,
}

/// The preview worker's handle, owned by the UI.
#[derive(Debug)]
pub struct PreviewWorker {
    shared: Arc<Shared>,
    /// The last request sent, so an unchanged one is not sent again.
    last: Option<RequestKey>,
    /// Which of the project's outputs is drawn.
    output: OutputId,
    /// Whether the next requests may be answered with a keyframe first.
    keyframe_first: bool,
    /// Requests overwritten before the worker took them (scrubbing faster than drawing).
    pub dropped: u64,
}

impl PreviewWorker {
    /// Starts the worker; `wake` is called after each finished frame. Sources' preview
    /// proxies are used once ready.
    pub fn start(wake: impl Fn() + Send + 'static) -> PreviewWorker {
        PreviewWorker::start_with_proxies(true, wake)
    }

    /// Starts the worker, decoding preview proxies or (`proxies` false) only originals.
    pub fn start_with_proxies(proxies: bool, wake: impl Fn() + Send + 'static) -> PreviewWorker {
        let options = PreviewOptions {
            proxies,
            ..PreviewOptions::default()
        };
        PreviewWorker::start_with(options, wake)
    }

    /// Starts the worker drawing as `options` say.
    pub fn start_with(options: PreviewOptions, wake: impl Fn() + Send + 'static) -> PreviewWorker {
        let shared = Arc::new(Shared::default());
        let worker_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("clipwright-preview".into())
            .spawn(move || run(&worker_shared, &wake, options));
        if let Err(e) = spawned {
            tracing::error!("could not start the preview worker: {e}");
        }
        PreviewWorker {
            shared,
            last: None,
            output: OutputId::MAIN,
            keyframe_first: true,
            dropped: 0,
        }
    }

    /// Draws the project's output `output` (its clips' own reframing and subtitle area)
    /// from the next request on; the main output by default.
    pub fn set_output(&mut self, output: OutputId) {
        self.output = output;
    }

    /// Whether the next requests may be answered with a keyframe first (when the worker
    /// was started so): yes for a playhead moved by hand, no while playing, where every
    /// frame follows the last and a stand-in would only cost time.
    pub fn set_keyframe_first(&mut self, on: bool) {
        self.keyframe_first = on;
    }

    /// Asks for the project's picture at `time`, replacing any request not yet started.
    /// `revision` changes whenever the project does.
    pub fn request(
        &mut self,
        project: &Arc<Project>,
        revision: u64,
        base_dir: PathBuf,
        time: Time,
        size: (u32, u32),
    ) {
        let key = (
            Arc::as_ptr(project) as usize,
            revision,
            time,
            size,
            self.output,
        );
        if self.last == Some(key) {
            return;
        }
        self.last = Some(key);
        let Ok(mut slot) = self.shared.slot.lock() else {
            return;
        };
        if slot.request.is_some() {
            self.dropped += 1;
        }
        slot.request = Some(Request {
            project: Arc::clone(project),
            base_dir,
            time,
            size,
            output: self.output,
            keyframe_first: self.keyframe_first,
        });
        self.shared.newer.store(true, Ordering::Release);
        self.shared.wake.notify_one();
    }

    /// The newest finished frame, if any arrived since the last call.
    pub fn latest(&self) -> Option<PreviewFrame> {
        self.shared.done.lock().ok()?.take()
    }

    /// How many exact frames the worker gave up half-way because a newer request came.
    pub fn given_up(&self) -> u64 {
        self.shared.given_up.load(Ordering::Relaxed)
    }
}

impl Drop for PreviewWorker {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.shared.slot.lock() {
            slot.closed = true;
        }
        self.shared.newer.store(true, Ordering::Release);
        self.shared.wake.notify_all();
    }
}

/// Takes the next request, waiting for one; `None` once the handle is dropped.
fn next_request(shared: &Shared) -> Option<Request> {
    let mut guard = shared.slot.lock().ok()?;
    loop {
        if guard.closed {
            return None;
        }
        if let Some(r) = guard.request.take() {
            shared.newer.store(false, Ordering::Release);
            return Some(r);
        }
        guard = shared.wake.wait(guard).ok()?;
    }
}

fn run(shared: &Shared, wake: &dyn Fn(), options: PreviewOptions) {
    let mut compositor: Option<(PathBuf, Compositor)> = None;
    while let Some(request) = next_request(shared) {
        // One compositor per project folder, so relative paths resolve; it keeps its
        // decoders open between frames, which is what makes playback and scrubbing cheap.
        let compositor = match &mut compositor {
            Some((dir, c)) if *dir == request.base_dir => c,
            other => {
                let c = Compositor::for_preview(&request.base_dir, options.proxies);
                &mut other.insert((request.base_dir.clone(), c)).1
            }
        };
        compositor.set_output(request.output);
        let quick = options.keyframe_first && request.keyframe_first;
        // Only a scrub gives exact frames up: playback wants every frame it asks for.
        compositor.set_interrupt(quick.then(|| Arc::clone(&shared.newer)));
        if quick {
            compositor.set_keyframe_first(true);
            let (frame, took_ms) = draw(compositor, &request);
            let exact = frame.is_err() || !compositor.stopped_short();
            deliver(shared, wake, &request, frame, took_ms, exact);
            // The exact frame only for the newest request: the keyframe stays on screen
            // while the pointer moves on.
            if exact || shared.newer.load(Ordering::Acquire) {
                continue;
            }
        }
        compositor.set_keyframe_first(false);
        let (frame, took_ms) = draw(compositor, &request);
        if let Err(RenderError::Media(MediaError::Superseded { .. })) = frame {
            shared.given_up.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        deliver(shared, wake, &request, frame, took_ms, true);
    }
}

/// Draws the request's frame; with the milliseconds that took.
fn draw(compositor: &mut Compositor, request: &Request) -> (Result<Frame, RenderError>, u32) {
    let started = Instant::now();
    let frame = compositor.frame_at(&request.project, request.time, request.size);
    let took_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
    (frame, took_ms)
}

/// Puts a finished frame in the UI's mailbox (replacing one it has not taken) and wakes it.
fn deliver(
    shared: &Shared,
    wake: &dyn Fn(),
    request: &Request,
    frame: Result<Frame, RenderError>,
    took_ms: u32,
    exact: bool,
) {
    let rendered = PreviewFrame {
        time: request.time,
        frame: frame.map_err(|e| e.to_string()),
        took_ms,
        exact,
    };
    if let Ok(mut done) = shared.done.lock() {
        *done = Some(rendered);
    }
    wake();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_project_renders_the_background_through_the_worker() {
        // One wake is enough to know a frame is ready; later ones find the slot full.
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let mut worker = PreviewWorker::start(move || {
            let _ = tx.try_send(());
        });
        let project = Arc::new(Project::new("p", Default::default()));
        worker.request(&project, 0, PathBuf::from("."), Time::ZERO, (64, 36));
        rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        let rendered = worker.latest().unwrap();
        let frame = rendered.frame.unwrap();
        assert_eq!((frame.width, frame.height), (64, 36));
        assert_eq!(frame.pixel(10, 10), Some([0, 0, 0, 255]));
    }
}
