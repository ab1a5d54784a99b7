//! The device's side of the preview's sound: the default output device, its stream, and
//! the callback that takes mixed blocks from the worker's queue without ever blocking and
//! reports what it handed over and when that is heard (see `sound` for the whole design).

use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait};

use crate::media::{MIX_CHANNELS, MIX_RATE};

use super::output::OutputError;
use super::sound::{Block, Report, Shared};

/// Frames the device takes per callback (about 43 ms; PulseAudio buffers two of them).
/// Asked for explicitly: left to its default, PulseAudio hands over two seconds at a time
/// and the sound could not follow the playhead.
const DEVICE_BUFFER: u32 = 2048;

/// How long opening the device may take before playback goes on without it.
const OPEN_TIMEOUT: Duration = Duration::from_secs(2);

/// The device's side: takes blocks from the queue into the device's buffers. A
/// [`super::SoundOutput`] calls it for each buffer it plays.
#[derive(Debug)]
pub struct DeviceFeed {
    queue: Receiver<Block>,
    current: Option<Block>,
    /// Frames of `current` already handed over.
    at: usize,
    /// The epoch whose sound has begun: running dry before then is a jump, not lateness.
    begun: Option<u64>,
    /// Timeline samples per frame of the blocks last taken.
    rate: i64,
    shared: Arc<Shared>,
}

impl DeviceFeed {
    /// A feed taking blocks from `queue`, reporting into `shared`.
    pub(super) fn new(queue: Receiver<Block>, shared: Arc<Shared>) -> DeviceFeed {
        DeviceFeed {
            queue,
            current: None,
            at: 0,
            begun: None,
            rate: 1,
            shared,
        }
    }

    /// Fills `out` (interleaved stereo) with the mix, silence where none is ready; returns
    /// the first mix frame's offset in `out` and timeline position, and how many timeline
    /// samples the mix that followed it without a gap stands for.
    pub(super) fn fill(&mut self, out: &mut [f32]) -> Option<(usize, i64, usize)> {
        let epoch = self.shared.epoch.load(Ordering::Acquire);
        let frames = out.len() / MIX_CHANNELS;
        let mut run: Option<(usize, i64, usize)> = None;
        let mut gap = false;
        let mut i = 0;
        while i < frames {
            if self
                .current
                .as_ref()
                .is_none_or(|b| b.epoch != epoch || self.at * MIX_CHANNELS >= b.samples.len())
            {
                self.current = None;
                match self.queue.try_recv() {
                    Ok(block) if block.epoch == epoch => {
                        self.current = Some(block);
                        self.at = 0;
                        self.begun = Some(epoch);
                    }
                    // A block from before a jump: dropped unheard.
                    Ok(_) => continue,
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                }
            }
            let Some(block) = &self.current else { break };
            let take = (block.samples.len() / MIX_CHANNELS - self.at).min(frames - i);
            let (src0, dst0) = (self.at * MIX_CHANNELS, i * MIX_CHANNELS);
            let n = take * MIX_CHANNELS;
            if let (Some(dst), Some(src)) = (
                out.get_mut(dst0..dst0 + n),
                block.samples.get(src0..src0 + n),
            ) {
                dst.copy_from_slice(src);
            }
            let start = block.start + self.at as i64 * block.rate;
            let span = take * block.rate as usize;
            match &mut run {
                None => run = Some((i, start, span)),
                Some((_, s, count)) if !gap && *s + *count as i64 == start => *count += span,
                Some(_) => gap = true,
            }
            self.rate = block.rate;
            self.at += take;
            i += take;
        }
        if let Some(rest) = out.get_mut(i * MIX_CHANNELS..) {
            rest.fill(0.0);
        }
        let running = self.begun == Some(epoch);
        if i < frames && running && !self.shared.finished.load(Ordering::Acquire) {
            self.shared
                .late
                .fetch_add((frames - i) as u64, Ordering::Relaxed);
        }
        run
    }

    /// The device callback: fills `out` (interleaved stereo at the mix rate) and reports
    /// what it handed over and when that is heard (`latency` from now). Never blocks.
    pub fn callback(&mut self, out: &mut [f32], latency: Duration) {
        let called = Instant::now();
        let Some((offset, start, frames)) = self.fill(out) else {
            return;
        };
        let ahead = Duration::from_secs_f64(offset as f64 / f64::from(MIX_RATE));
        let report = Report {
            start,
            frames,
            rate: self.rate,
            when: called + latency + ahead,
            latency,
        };
        // Never wait on the device's thread: a report the UI is reading is skipped.
        if let Ok(mut slot) = self.shared.report.try_lock() {
            *slot = Some(report);
        }
    }
}

/// The default output device; see the module documentation.
fn output_device() -> Result<cpal::Device, String> {
    #[cfg(target_os = "linux")]
    {
        let mut why = Vec::new();
        for id in [cpal::HostId::PulseAudio, cpal::HostId::Alsa] {
            match cpal::host_from_id(id) {
                Ok(host) => match host.default_output_device() {
                    Some(device) => return Ok(device),
                    None => why.push(format!("{} has no output", id.name())),
                },
                Err(e) => why.push(format!("{}: {e}", id.name())),
            }
        }
        Err(why.join("; "))
    }
    #[cfg(not(target_os = "linux"))]
    {
        cpal::default_host()
            .default_output_device()
            .ok_or_else(|| "no audio output device".to_owned())
    }
}

/// Opens the device's stream with `feed` as its callback: a buffer of [`DEVICE_BUFFER`]
/// frames where the device takes one, its own choice otherwise.
pub(super) fn open_stream(feed: DeviceFeed) -> Result<cpal::Stream, OutputError> {
    let device = output_device().map_err(OutputError::NoDevice)?;
    let feed = Arc::new(Mutex::new(feed));
    let mut last = String::new();
    for buffer_size in [
        cpal::BufferSize::Fixed(DEVICE_BUFFER),
        cpal::BufferSize::Default,
    ] {
        let config = cpal::StreamConfig {
            channels: MIX_CHANNELS as u16,
            sample_rate: MIX_RATE,
            buffer_size,
        };
        let feed = Arc::clone(&feed);
        let stream = device.build_output_stream(
            config,
            move |out: &mut [f32], info: &cpal::OutputCallbackInfo| {
                let t = info.timestamp();
                let latency = t.playback.saturating_duration_since(t.callback);
                // Only this callback takes the lock, so it never waits.
                if let Ok(mut feed) = feed.try_lock() {
                    feed.callback(out, latency);
                } else {
                    out.fill(0.0);
                }
            },
            |e| tracing::warn!("audio output: {e}"),
            Some(OPEN_TIMEOUT),
        );
        match stream {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e.to_string(),
        }
    }
    Err(OutputError::Open(last))
}
