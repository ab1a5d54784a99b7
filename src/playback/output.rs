//! Where the preview's sound goes, behind one trait: [`DeviceOutput`] is the default output
//! device (cpal, see `device`), and [`FakeOutput`] stands in for it in tests. The fake takes
//! the sound at a device's pace, a buffer at a time on a thread of its own, and keeps all it
//! was given, so a test that only needs "the mix plays" runs without PulseAudio and waits on
//! what arrived instead of the wall clock. The real device stays covered by
//! `tests/preview_audio.rs`, which records a PulseAudio sink.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cpal::traits::StreamTrait;

use crate::media::{MIX_CHANNELS, MIX_RATE};

use super::device::{open_stream, DeviceFeed};

/// Why the sound has no output.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("no audio output device ({0})")]
    NoDevice(String),
    #[error("cannot open the audio output: {0}")]
    Open(String),
    #[error("cannot start the audio output: {0}")]
    Start(String),
}

/// Something that plays the preview's sound.
pub trait SoundOutput: Send + Sync {
    /// Starts handing the output's buffers to `feed` (on the output's own thread, through
    /// [`DeviceFeed::callback`]) until the returned stream is dropped.
    fn start(&self, feed: DeviceFeed) -> Result<OutputStream, OutputError>;
}

/// A running output; stops when dropped. Dropped on the thread that started it.
pub struct OutputStream {
    _held: Box<dyn std::any::Any>,
}

impl std::fmt::Debug for OutputStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutputStream")
    }
}

/// The default output device: PulseAudio's default sink on Linux, else ALSA's.
#[derive(Debug, Default, Clone, Copy)]
pub struct DeviceOutput;

impl SoundOutput for DeviceOutput {
    fn start(&self, feed: DeviceFeed) -> Result<OutputStream, OutputError> {
        let stream = open_stream(feed)?;
        stream
            .play()
            .map_err(|e| OutputError::Start(e.to_string()))?;
        Ok(OutputStream {
            _held: Box::new(stream),
        })
    }
}

/// An output a test reads: clones share what it was given.
#[derive(Debug, Clone)]
pub struct FakeOutput {
    inner: Arc<Fake>,
}

#[derive(Debug)]
struct Fake {
    /// Frames per buffer.
    buffer: usize,
    latency: Duration,
    /// Why it cannot start, for a machine without a device.
    missing: Option<String>,
    /// Interleaved stereo at the mix rate: every buffer handed over, silence included.
    taken: Mutex<Vec<f32>>,
    more: Condvar,
}

impl Default for FakeOutput {
    fn default() -> Self {
        FakeOutput::new()
    }
}

impl FakeOutput {
    /// An output taking 1024 frames (about 21 ms) at a time, heard 40 ms later.
    pub fn new() -> FakeOutput {
        FakeOutput::with(None)
    }

    /// An output that fails to start, saying `why`, as on a machine without a device.
    pub fn missing(why: &str) -> FakeOutput {
        FakeOutput::with(Some(why.to_owned()))
    }

    fn with(missing: Option<String>) -> FakeOutput {
        FakeOutput {
            inner: Arc::new(Fake {
                buffer: 1024,
                latency: Duration::from_millis(40),
                missing,
                taken: Mutex::new(Vec::new()),
                more: Condvar::new(),
            }),
        }
    }

    fn taken_now(&self) -> MutexGuard<'_, Vec<f32>> {
        self.inner
            .taken
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// All the output was given so far: interleaved stereo at the mix rate, from its start.
    pub fn taken(&self) -> Vec<f32> {
        self.taken_now().clone()
    }

    /// Waits until what was given satisfies `done`, for `timeout` at the most; returns
    /// whether it did.
    pub fn wait_until(&self, timeout: Duration, done: impl Fn(&[f32]) -> bool) -> bool {
        let (taken, _) = self
            .inner
            .more
            .wait_timeout_while(self.taken_now(), timeout, |t| !done(t))
            .unwrap_or_else(PoisonError::into_inner);
        done(&taken)
    }
}

/// Stops the fake's thread when dropped.
struct Running {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl SoundOutput for FakeOutput {
    fn start(&self, mut feed: DeviceFeed) -> Result<OutputStream, OutputError> {
        if let Some(why) = &self.inner.missing {
            return Err(OutputError::NoDevice(why.clone()));
        }
        let (fake, stop) = (Arc::clone(&self.inner), Arc::new(AtomicBool::new(false)));
        let stopped = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("clipwright-fake-output".into())
            .spawn(move || {
                let started = Instant::now();
                let mut out = vec![0.0; fake.buffer * MIX_CHANNELS];
                let mut buffers = 0u32;
                while !stopped.load(Ordering::Acquire) {
                    feed.callback(&mut out, fake.latency);
                    fake.taken
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .extend_from_slice(&out);
                    fake.more.notify_all();
                    // The next buffer is due when a device would have played this one.
                    buffers += 1;
                    let due = Duration::from_secs_f64(
                        f64::from(buffers) * fake.buffer as f64 / f64::from(MIX_RATE),
                    );
                    std::thread::sleep(due.saturating_sub(started.elapsed()));
                }
            })
            .map_err(|e| OutputError::Open(e.to_string()))?;
        Ok(OutputStream {
            _held: Box::new(Running {
                stop,
                thread: Some(thread),
            }),
        })
    }
}
