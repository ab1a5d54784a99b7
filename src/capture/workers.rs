//! The video threads of a recording: grab → pace and scale → encode → write. Queues
//! between them are bounded: the grab queue drops (and counts) when full so the grabber
//! never falls behind the screen; later queues block, pushing back onto it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::clock::Clock;
use super::pacer::Pacer;
use super::recorder::{Control, EndReason};
use super::stats::{add, drop_for_full_pipeline, drop_frame, queue, repeat_frame, Cause, Stats};
use super::{BgraFrame, CaptureError, Frame, FrameSource, Grabbed};
use crate::media::{
    EncodedPacket, EncoderFrame, Fit, PictureConverter, PictureFormat, RecordingFile, VideoEncoder,
};

/// Frames waiting for the scaler (small: a late frame is better dropped than queued).
pub(crate) const GRAB_QUEUE: usize = 3;
/// Frames waiting for the encoder.
pub(crate) const ENCODE_QUEUE: usize = 4;
/// Packets waiting to be written (audio and video together).
pub(crate) const MUX_QUEUE: usize = 256;

pub(crate) struct Shared {
    pub(crate) control: Arc<Control>,
    pub(crate) clock: Arc<Clock>,
    pub(crate) stats: Arc<Stats>,
}

impl Shared {
    fn stopping(&self) -> bool {
        self.control.stop.load(Ordering::Relaxed)
    }
}

/// Lets a source catch up after the recorder's setup and returns the frame that starts
/// the recording. Sources that pace themselves (x11grab, the test pattern) deliver the
/// frames they "owe" back to back after a pause in reading; those all carry the same
/// moment and would only be dropped, so they are skipped until a frame takes at least
/// half a frame's time to come.
fn settle(
    source: &mut dyn FrameSource,
    first: Frame,
    interval: Duration,
) -> Result<Result<Frame, String>, CaptureError> {
    let started = Instant::now();
    let mut latest = first;
    while started.elapsed() < Duration::from_secs(1) {
        let asked = Instant::now();
        match source.next()? {
            Grabbed::Frame(f) if asked.elapsed() >= interval / 2 => return Ok(Ok(f)),
            Grabbed::Frame(f) => latest = f,
            Grabbed::Idle | Grabbed::Hidden => {}
            Grabbed::Ended(why) => return Ok(Err(why)),
        }
    }
    latest.captured_at = Instant::now();
    Ok(Ok(latest))
}

/// Grabs frames until stopped or the source ends; the first frame it passes on starts
/// the clock.
pub(crate) fn grab(
    mut source: Box<dyn FrameSource>,
    first: Frame,
    sh: &Shared,
    tx: &SyncSender<(i64, BgraFrame)>,
    interval: Duration,
) -> Result<(), CaptureError> {
    let first = match settle(source.as_mut(), first, interval)? {
        Ok(f) => f,
        Err(why) => {
            sh.control.end(EndReason::SourceEnded(why));
            return Ok(());
        }
    };
    sh.clock.start(first.captured_at);
    let mut pending = Some(first);
    while !sh.stopping() {
        if pending.is_none() && sh.stats.grab_queue.load(Ordering::Relaxed) >= GRAB_QUEUE {
            // The scaler is behind and the queue is full: a frame grabbed now could only
            // be let go, after paying for its copy (8 MB at 1080p). Skip its moment
            // instead; the source's pacing gives one fresh frame afterwards, not a burst.
            std::thread::sleep(interval);
            drop_for_full_pipeline(&sh.stats);
            continue;
        }
        let got = match pending.take() {
            Some(f) => Grabbed::Frame(f),
            None => source.next()?,
        };
        match got {
            Grabbed::Frame(f) => {
                sh.stats.window_hidden.store(false, Ordering::Relaxed);
                add(&sh.stats.captured, 1);
                let Some(t) = sh.clock.media_time(f.captured_at) else {
                    continue; // paused
                };
                queue(&sh.stats.grab_queue, true);
                match tx.try_send((t, f.image)) {
                    Ok(()) => {}
                    Err(TrySendError::Full(_)) => {
                        queue(&sh.stats.grab_queue, false);
                        drop_for_full_pipeline(&sh.stats);
                    }
                    Err(TrySendError::Disconnected(_)) => break,
                }
            }
            Grabbed::Idle => {}
            Grabbed::Hidden => sh.stats.window_hidden.store(true, Ordering::Relaxed),
            Grabbed::Ended(why) => {
                sh.control.end(EndReason::SourceEnded(why));
                break;
            }
        }
    }
    Ok(())
}

/// The picture the file gets.
#[derive(Clone, Copy, Debug)]
pub(crate) struct VideoOut {
    pub(crate) size: (u32, u32),
    pub(crate) fit: Fit,
    pub(crate) format: PictureFormat,
    pub(crate) fps: u32,
    pub(crate) limit_frames: Option<i64>,
}

/// Paces frames to the output rate and scales them for the encoder.
pub(crate) fn pace_and_scale(
    rx: &Receiver<(i64, BgraFrame)>,
    tx: &SyncSender<(EncoderFrame, i64)>,
    sh: &Shared,
    output: &VideoOut,
) -> Result<(), CaptureError> {
    let VideoOut {
        size,
        fit,
        format,
        fps,
        limit_frames,
    } = *output;
    let mut pacer = Pacer::new(fps, limit_frames);
    let mut converter = PictureConverter::new(size, fit, format);
    let mut last: Option<EncoderFrame> = None;
    let interval = Duration::from_micros(1_000_000 / u64::from(fps.max(1)));
    let mut index = 0_i64;
    let send = |f: EncoderFrame, index: &mut i64| -> Result<(), CaptureError> {
        queue(&sh.stats.encode_queue, true);
        tx.send((f, *index))
            .map_err(|_| CaptureError::Thread("encoder"))?;
        *index += 1;
        sh.stats
            .recorded_us
            .store(*index * 1_000_000 / i64::from(fps), Ordering::Relaxed);
        Ok(())
    };
    loop {
        let (step, image) = match rx.recv_timeout(interval) {
            Ok((t, image)) => {
                queue(&sh.stats.grab_queue, false);
                (pacer.frame(t), Some(image))
            }
            Err(RecvTimeoutError::Timeout) => match sh.clock.now() {
                Some(now) => (pacer.tick(now), None),
                None => continue,
            },
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if let Some(prev) = &last {
            for _ in 0..step.duplicates {
                repeat_frame(&sh.stats);
                send(prev.share()?, &mut index)?;
            }
        }
        match (step.emit, image) {
            (true, Some(image)) => {
                let f = converter.convert(&image)?;
                last = Some(f.share()?);
                send(f, &mut index)?;
            }
            // Too late for its moment: it waited behind others for the scaler (the
            // encoder is slow), or it was late from the source.
            (false, Some(_)) => {
                let queued = sh.stats.grab_queue.load(Ordering::Relaxed) > 0;
                let cause = if queued {
                    Cause::EncoderSlow
                } else {
                    Cause::SourceSlow
                };
                drop_frame(&sh.stats, cause);
            }
            _ => {}
        }
        if pacer.done() {
            sh.control.end(EndReason::DurationReached);
            break;
        }
    }
    let final_us = index * 1_000_000 / i64::from(fps);
    sh.control.final_us.store(final_us, Ordering::Release);
    Ok(())
}

/// Encodes frames and passes the packets on to the writer.
pub(crate) fn encode(
    mut encoder: VideoEncoder,
    rx: &Receiver<(EncoderFrame, i64)>,
    tx: &SyncSender<EncodedPacket>,
    stats: &Stats,
) -> Result<(), CaptureError> {
    let send = |packets: Vec<EncodedPacket>| -> Result<(), CaptureError> {
        for p in packets {
            queue(&stats.mux_queue, true);
            tx.send(p)
                .map_err(|_| CaptureError::Thread("file writer"))?;
        }
        Ok(())
    };
    for (frame, index) in rx {
        queue(&stats.encode_queue, false);
        send(encoder.encode(frame, index)?)?;
        add(&stats.written, 1);
    }
    send(encoder.finish()?)
}

/// Writes packets to the file until every sender is gone, then finishes the file. After
/// a write error (a full disk) it stops the recording and drains the queue so no other
/// thread blocks, keeping what was written.
pub(crate) fn write(
    mut file: RecordingFile,
    rx: &Receiver<EncodedPacket>,
    stop: &AtomicBool,
    stats: &Stats,
) -> Result<(), CaptureError> {
    let mut failed = None;
    let path = file.path().to_owned();
    for p in rx {
        queue(&stats.mux_queue, false);
        if failed.is_some() {
            continue;
        }
        if let Err(e) = file.write(p) {
            stop.store(true, Ordering::Relaxed);
            failed = Some(e);
            continue;
        }
        if file.packets().is_multiple_of(32) {
            if let Ok(m) = std::fs::metadata(&path) {
                stats.bytes.store(m.len(), Ordering::Relaxed);
            }
        }
    }
    let finished = file.finish();
    if let Ok(m) = std::fs::metadata(&path) {
        stats.bytes.store(m.len(), Ordering::Relaxed);
    }
    match failed {
        Some(e) => Err(e.into()),
        None => finished.map_err(CaptureError::from),
    }
}
