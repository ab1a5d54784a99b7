//! [`export_together`]: several outputs of one project (a 16:9 and a 9:16 version) written
//! in one pass. One render thread decodes each source frame once and draws every output
//! from it in turn, each with its own reframing, size and subtitle area; each output has its
//! own encoder and mixer thread, fed over its own bounded channel.
//!
//! ```text
//!                      ┌─frames (4)─▶ encode + mux ──▶ cut-Main.mp4
//!  render (decode once)┤
//!                      └─frames (4)─▶ encode + mux ──▶ cut-9-16.mp4
//! ```
//!
//! Jobs that do not share the project and frame rate cannot share frames; they are run one
//! after the other instead, as [`ExportJob::run`] runs them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;

use super::job::{render_thread, FramePlan};
use super::{ExportError, ExportJob, ExportSummary, Progress};

/// Frames waiting between the shared render thread and each encoder.
const FRAME_QUEUE: usize = 4;

/// Writes every job's file, decoding the sources once for all of them when they share the
/// project and frame rate; `progress` follows the first. When one output fails, `cancel`
/// is set so the others stop too (a cancelled output leaves no file).
pub fn export_together(
    jobs: &[ExportJob],
    progress: Option<SyncSender<Progress>>,
    cancel: &Arc<AtomicBool>,
) -> Result<Vec<ExportSummary>, ExportError> {
    let Some(first) = jobs.first() else {
        return Ok(Vec::new());
    };
    let shared = jobs.iter().all(|j| {
        (Arc::ptr_eq(&j.project, &first.project) || j.project == first.project)
            && j.base_dir == first.base_dir
            && j.settings.frame_rate == first.settings.frame_rate
    });
    if !shared || jobs.len() == 1 {
        return jobs
            .iter()
            .map(|j| j.run(progress.clone(), cancel))
            .collect();
    }
    let plans = jobs
        .iter()
        .map(ExportJob::plan)
        .collect::<Result<Vec<FramePlan>, _>>()?;
    let (txs, rxs): (Vec<_>, Vec<_>) = plans.iter().map(|_| sync_channel(FRAME_QUEUE)).unzip();
    let feeds: Vec<_> = plans.into_iter().zip(txs).collect();
    std::thread::scope(|scope| {
        let render = scope.spawn(|| {
            let result = render_thread(
                &first.project,
                &first.base_dir,
                first.settings.frame_rate,
                first.settings.portrait_look_ahead,
                &feeds,
                cancel,
            );
            if result.is_err() {
                cancel.store(true, Ordering::Relaxed);
            }
            // Closing the channels ends the encoders' loops.
            drop(feeds);
            result
        });
        let encoders: Vec<_> = jobs
            .iter()
            .zip(rxs)
            .enumerate()
            .map(|(i, (job, rx))| {
                let progress = progress.clone().filter(|_| i == 0);
                scope.spawn(move || {
                    let result = job.run_fed(Some(rx), progress, cancel);
                    if result.is_err() {
                        // One output failing stops the others: none is left half made.
                        cancel.store(true, Ordering::Relaxed);
                    }
                    result
                })
            })
            .collect();
        let results: Vec<_> = encoders.into_iter().map(join).collect();
        let rendered = join(render);
        finish(rendered, results)
    })
}

/// A scoped thread's result, its panic as a worker error.
fn join<T>(
    handle: std::thread::ScopedJoinHandle<'_, Result<T, ExportError>>,
) -> Result<T, ExportError> {
    handle.join().unwrap_or_else(|_| {
        Err(ExportError::Worker {
            path: Default::default(),
            what: "an export thread panicked".to_owned(),
        })
    })
}

/// The summaries, or the error that explains the failure best: the render thread's own
/// (a broken source) over an encoder's, an encoder's over the cancel it caused.
fn finish(
    rendered: Result<(u64, u64), ExportError>,
    results: Vec<Result<ExportSummary, ExportError>>,
) -> Result<Vec<ExportSummary>, ExportError> {
    let (portrait_without_face, sticker_without_face) = rendered?;
    let mut summaries = Vec::with_capacity(results.len());
    let mut cancelled = None;
    for result in results {
        match result {
            Ok(mut s) => {
                s.portrait_frames_without_face = portrait_without_face;
                s.sticker_frames_without_face = sticker_without_face;
                summaries.push(s);
            }
            Err(e @ ExportError::Cancelled { .. }) => {
                cancelled.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    match cancelled {
        Some(e) => Err(e),
        None => Ok(summaries),
    }
}
