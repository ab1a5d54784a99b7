//! [`PreviewWorker`]: the project's picture at a time, drawn on a worker thread by the
//! same compositor the export uses, at the size the preview shows it.
//!
//! A worker thread owns the compositor (and its open decoders). The UI puts only the
//! *latest* request in a one-slot mailbox: while the worker is busy, newer requests
//! overwrite older ones, so scrubbing never queues up stale frames. Finished frames come
//! back over a small bounded channel and wake the UI.
//!
//! The worker's compositor is a preview one ([`Compositor::for_preview`]): sources are
//! indexed in the background and, once their preview proxies are ready, decoded from them.

use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use super::{Compositor, Frame};
use crate::timeline::{OutputId, Project, Time};

/// What the worker should draw.
#[derive(Debug, Clone)]
struct Request {
    project: Arc<Project>,
    base_dir: PathBuf,
    time: Time,
    size: (u32, u32),
    output: OutputId,
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
}

/// The one-slot mailbox between the UI and the worker.
#[derive(Debug, Default)]
struct Slot {
    request: Option<Request>,
    closed: bool,
}

/// The preview worker's handle, owned by the UI.
#[derive(Debug)]
pub struct PreviewWorker {
    slot: Arc<(Mutex<Slot>, Condvar)>,
    frames: Receiver<PreviewFrame>,
    /// The last request sent, so an unchanged one is not sent again.
    last: Option<RequestKey>,
    /// Which of the project's outputs is drawn.
    output: OutputId,
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
        let slot = Arc::new((Mutex::new(Slot::default()), Condvar::new()));
        let (tx, frames) = sync_channel(2);
        let worker_slot = Arc::clone(&slot);
        let spawned = std::thread::Builder::new()
            .name("clipwright-preview".into())
            .spawn(move || run(&worker_slot, &tx, &wake, proxies));
        if let Err(e) = spawned {
            tracing::error!("could not start the preview worker: {e}");
        }
        PreviewWorker {
            slot,
            frames,
            last: None,
            output: OutputId::MAIN,
            dropped: 0,
        }
    }

    /// Draws the project's output `output` (its clips' own reframing and subtitle area)
    /// from the next request on; the main output by default.
    pub fn set_output(&mut self, output: OutputId) {
        self.output = output;
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
        let (lock, wake) = &*self.slot;
        let Ok(mut slot) = lock.lock() else {
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
        });
        wake.notify_one();
    }

    /// The newest finished frame, if any arrived since the last call.
    pub fn latest(&self) -> Option<PreviewFrame> {
        let mut newest = None;
        while let Ok(r) = self.frames.try_recv() {
            newest = Some(r);
        }
        newest
    }
}

impl Drop for PreviewWorker {
    fn drop(&mut self) {
        let (lock, wake) = &*self.slot;
        if let Ok(mut slot) = lock.lock() {
            slot.closed = true;
        }
        wake.notify_all();
    }
}

fn run(
    slot: &(Mutex<Slot>, Condvar),
    frames: &SyncSender<PreviewFrame>,
    wake: &dyn Fn(),
    proxies: bool,
) {
    let (lock, signal) = slot;
    let mut compositor: Option<(PathBuf, Compositor)> = None;
    loop {
        let request = {
            let Ok(mut guard) = lock.lock() else { return };
            loop {
                if guard.closed {
                    return;
                }
                if let Some(r) = guard.request.take() {
                    break r;
                }
                guard = match signal.wait(guard) {
                    Ok(g) => g,
                    Err(_) => return,
                };
            }
        };
        // One compositor per project folder, so relative paths resolve; it keeps its
        // decoders open between frames, which is what makes playback and scrubbing cheap.
        let compositor = match &mut compositor {
            Some((dir, c)) if *dir == request.base_dir => c,
            other => {
                let c = Compositor::for_preview(&request.base_dir, proxies);
                &mut other.insert((request.base_dir.clone(), c)).1
            }
        };
        compositor.set_output(request.output);
        let started = Instant::now();
        let frame = compositor
            .frame_at(&request.project, request.time, request.size)
            .map_err(|e| e.to_string());
        let took_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        let rendered = PreviewFrame {
            time: request.time,
            frame,
            took_ms,
        };
        match frames.try_send(rendered) {
            // The UI has not drained the last two frames yet: this one is dropped, and the
            // next request brings a fresh one.
            Ok(()) | Err(TrySendError::Full(_)) => wake(),
            Err(TrySendError::Disconnected(_)) => return,
        }
    }
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
