//! Sound for the preview: the project's mix — the export's own [`Mixer`], started at the
//! playhead — played on the default output device through `cpal`, and [`SoundPlayback`],
//! which lets that sound drive the picture through a [`PlayClock`].
//!
//! One worker thread opens the device, owns the stream (some platforms' streams must stay
//! on the thread that made them) and feeds mixed blocks, each tagged with its place on the
//! timeline, into a small bounded channel. The device's callback takes them without ever
//! blocking (a late block is heard as silence) and reports which timeline sample it handed
//! over and when that reaches the speaker (the callback's time plus the output latency cpal
//! reports). That report, not a count of frames, is the audio clock: frames given to the
//! device are heard a buffer later, and silence filled in for a late block is not mix.
//!
//! Asking the sound to start again elsewhere ([`AudioPlayback::resync`]) bumps an epoch:
//! the callback drops queued blocks of older epochs, so nothing stale is heard. Stopping
//! drops the stream, which discards what the server still holds.
//!
//! On Linux the device is PulseAudio's default sink (cpal's native PulseAudio client, also
//! what PipeWire desktops serve), else ALSA's default device. Without either (a headless
//! machine) the worker reports why once and the preview plays silently on the wall clock.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::export::Mixer;
use crate::media::{MIX_CHANNELS, MIX_RATE};
use crate::timeline::{Project, Rational, Rounding, Time};

use super::clock::{Heard, PlayClock, Sound, Source};
use super::device::DeviceFeed;
use super::output::{DeviceOutput, SoundOutput};

/// Mixed blocks (1024 frames each, about 21 ms) waiting for the device: enough to ride
/// out a slow read, few enough that the sound follows a jump quickly.
const QUEUED_BLOCKS: usize = 8;

/// The shortest time between two edits taken into the sound while playing (each rebuilds
/// the mix and reopens its files).
const SWAP_INTERVAL: Duration = Duration::from_millis(100);

const OPENING: u8 = 0;
const PLAYING: u8 = 1;
const ABSENT: u8 = 2;

/// A mixed block with its place on the timeline.
#[derive(Debug)]
pub(super) struct Block {
    /// The resync it belongs to; older ones are dropped unheard.
    pub(super) epoch: u64,
    /// Timeline position of its first frame, in mix samples.
    pub(super) start: i64,
    /// Timeline samples each of its frames stands for (shuttling faster: 2, 4, 8).
    pub(super) rate: i64,
    /// Interleaved stereo.
    pub(super) samples: Vec<f32>,
}

/// What the callback last handed to the device.
#[derive(Debug, Clone, Copy)]
pub(super) struct Report {
    /// Timeline position (mix samples) of the first mix frame of the callback.
    pub(super) start: i64,
    /// Timeline samples the mix frames that followed it without a gap stand for.
    pub(super) frames: usize,
    /// Timeline samples per frame heard.
    pub(super) rate: i64,
    /// When the first of them reaches the speaker.
    pub(super) when: Instant,
    pub(super) latency: Duration,
}

/// State shared by the UI side, the worker and the device callback.
#[derive(Debug, Default)]
pub(super) struct Shared {
    pub(super) stop: AtomicBool,
    pub(super) state: AtomicU8,
    pub(super) epoch: AtomicU64,
    pub(super) report: Mutex<Option<Report>>,
    pub(super) seek: Mutex<Option<Time>>,
    /// Set once the mix has reached the end of the project.
    pub(super) finished: AtomicBool,
    /// Frames of silence the device got because the next block was late.
    pub(super) late: AtomicU64,
    /// The project as edited while playing, waiting for the worker (latest only).
    pub(super) edited: Mutex<Option<Arc<Project>>>,
}

fn mix_rate() -> Rational {
    Rational::new(1, MIX_RATE).unwrap_or(Rational::FPS_30)
}

fn to_samples(t: Time) -> i64 {
    t.to_timebase(mix_rate(), Rounding::Nearest)
}

fn from_samples(samples: i64) -> Time {
    Time::from_timebase(samples, mix_rate(), Rounding::Nearest)
}

/// Sound playing from a point of the project; stops when dropped.
#[derive(Debug)]
pub struct AudioPlayback {
    shared: Arc<Shared>,
    errors: Receiver<String>,
}

impl AudioPlayback {
    /// Starts playing `project`'s mix from `from` on a worker thread; never waits.
    pub fn start(project: Arc<Project>, base_dir: PathBuf, from: Time) -> AudioPlayback {
        AudioPlayback::start_at_rate(project, base_dir, from, 1)
    }

    /// Like [`AudioPlayback::start`], `rate` times faster (shuttle): each frame heard is
    /// the mean of `rate` frames of the mix, so the sound is sped up and its pitch rises.
    pub fn start_at_rate(
        project: Arc<Project>,
        base_dir: PathBuf,
        from: Time,
        rate: u32,
    ) -> AudioPlayback {
        AudioPlayback::start_on(Arc::new(DeviceOutput), project, base_dir, from, rate)
    }

    /// Like [`AudioPlayback::start_at_rate`], played on `output` instead of the device.
    pub fn start_on(
        output: Arc<dyn SoundOutput>,
        project: Arc<Project>,
        base_dir: PathBuf,
        from: Time,
        rate: u32,
    ) -> AudioPlayback {
        let rate = i64::from(rate.max(1));
        let shared = Arc::new(Shared::default());
        let (report, errors) = sync_channel(1);
        let worker = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("clipwright-audio".into())
            .spawn(move || {
                let result = play(&*output, project, base_dir, from, rate, &worker);
                worker.state.store(ABSENT, Ordering::Release);
                if let Err(e) = result {
                    let _ = report.try_send(e);
                }
            });
        if let Err(e) = spawned {
            shared.state.store(ABSENT, Ordering::Release);
            tracing::error!("could not start the audio worker: {e}");
        }
        AudioPlayback { shared, errors }
    }

    /// Why the sound could not play, once, if it could not.
    pub fn error(&self) -> Option<String> {
        self.errors.try_recv().ok()
    }

    /// What the device reports, with times on the caller's clock, which reads `now` at
    /// this instant.
    pub fn sound(&self, now: f64) -> Sound {
        match self.shared.state.load(Ordering::Acquire) {
            ABSENT => return Sound::Absent,
            OPENING => return Sound::Opening,
            _ => {}
        }
        let report = *self.shared.report.lock().unwrap_or_else(|e| e.into_inner());
        let Some(r) = report else {
            return Sound::Opening;
        };
        let instant = Instant::now();
        let when = if r.when >= instant {
            now + (r.when - instant).as_secs_f64()
        } else {
            now - (instant - r.when).as_secs_f64()
        };
        Sound::Heard(Heard {
            at: from_samples(r.start),
            span: from_samples(i64::try_from(r.frames).unwrap_or(i64::MAX)),
            when,
            latency: r.latency.as_secs_f64(),
            rate: r.rate as f64,
        })
    }

    /// Seconds of silence the device played because the mix was late (a starved worker);
    /// the sound, and so the picture, fell behind by that much.
    pub fn late(&self) -> f64 {
        self.shared.late.load(Ordering::Relaxed) as f64 / f64::from(MIX_RATE)
    }

    /// Plays on with `project`, an edited version of what plays, from the first sound the
    /// device has not yet been given; edits in quick succession are taken at most ten
    /// times a second, the latest each time.
    pub fn replace_project(&self, project: Arc<Project>) {
        *self.shared.edited.lock().unwrap_or_else(|e| e.into_inner()) = Some(project);
    }

    /// Drops the sound still queued and plays on from `at` instead.
    pub fn resync(&self, at: Time) {
        *self.shared.seek.lock().unwrap_or_else(|e| e.into_inner()) = Some(at);
    }
}

impl Drop for AudioPlayback {
    fn drop(&mut self) {
        let late = self.late();
        if late > 0.0 {
            tracing::debug!("the preview's sound was late for {late:.3} s in all");
        }
        self.shared.stop.store(true, Ordering::Release);
    }
}

/// Playback at normal speed with sound: the device's sound and the clock it drives.
#[derive(Debug)]
pub struct SoundPlayback {
    audio: AudioPlayback,
    clock: PlayClock,
}

impl SoundPlayback {
    /// Starts the sound of `project` from `from` at the caller's clock time `now`.
    pub fn start(project: Arc<Project>, base_dir: PathBuf, from: Time, now: f64) -> Self {
        SoundPlayback::start_at_rate(project, base_dir, from, now, 1)
    }

    /// Like [`SoundPlayback::start`], `rate` times faster (shuttle forward).
    pub fn start_at_rate(
        project: Arc<Project>,
        base_dir: PathBuf,
        from: Time,
        now: f64,
        rate: u32,
    ) -> Self {
        SoundPlayback::start_on(Arc::new(DeviceOutput), project, base_dir, from, now, rate)
    }

    /// Like [`SoundPlayback::start_at_rate`], played on `output` instead of the device.
    pub fn start_on(
        output: Arc<dyn SoundOutput>,
        project: Arc<Project>,
        base_dir: PathBuf,
        from: Time,
        now: f64,
        rate: u32,
    ) -> Self {
        let rate = rate.max(1);
        SoundPlayback {
            audio: AudioPlayback::start_on(output, project, base_dir, from, rate),
            clock: PlayClock::with_rate(from, now, f64::from(rate)),
        }
    }

    /// The playhead at the caller's clock time `now`.
    pub fn position(&mut self, now: f64) -> Time {
        let tick = self.clock.tick(now, self.audio.sound(now));
        if let Some(at) = tick.resync {
            self.audio.resync(at);
        }
        tick.position
    }

    /// Why the sound could not play, once, if it could not.
    pub fn error(&self) -> Option<String> {
        self.audio.error()
    }

    /// Plays on with the edited `project`; see [`AudioPlayback::replace_project`].
    pub fn replace_project(&self, project: Arc<Project>) {
        self.audio.replace_project(project);
    }

    /// What drives the picture now.
    pub fn source(&self) -> Source {
        self.clock.source()
    }

    /// Seconds of silence played because the mix was late; see [`AudioPlayback::late`].
    pub fn late(&self) -> f64 {
        self.audio.late()
    }

    /// How often the sound had to jump to catch up with the picture in this play.
    pub fn resyncs(&self) -> u32 {
        self.clock.resyncs()
    }
}

/// The worker's side: mixes blocks for the queue from the play point, and again from
/// wherever a resync asks, or with an edited project from where the device has got to.
struct Feeder {
    project: Arc<Project>,
    base_dir: PathBuf,
    end: Time,
    mixer: Mixer,
    /// Timeline position (mix samples) of the next block, and of the epoch's first.
    next: i64,
    epoch_start: i64,
    epoch: u64,
    /// Mix frames per frame fed (shuttle speed).
    rate: i64,
}

impl Feeder {
    fn new(project: Arc<Project>, base_dir: PathBuf, from: Time) -> Self {
        let end = project.duration();
        let from = from.clamp_to(Time::ZERO, end);
        Feeder {
            mixer: Mixer::between(&project, &base_dir, from, end),
            project,
            base_dir,
            end,
            next: to_samples(from),
            epoch_start: to_samples(from),
            epoch: 0,
            rate: 1,
        }
    }

    /// Starts the mix again at `at`, in a new epoch.
    fn seek(&mut self, at: Time) {
        self.epoch += 1;
        self.mix_from(at);
    }

    /// Mixes from `at` on, in the current epoch.
    fn mix_from(&mut self, at: Time) {
        let at = at.clamp_to(Time::ZERO, self.end);
        self.mixer = Mixer::between(&self.project, &self.base_dir, at, self.end);
        self.next = to_samples(at);
        self.epoch_start = self.next;
    }

    /// The next block, `None` at the end of the project.
    fn next_block(&mut self) -> Result<Option<Block>, String> {
        let samples = self
            .mixer
            .next_block()
            .map_err(|e| format!("cannot mix the sound: {e}"))?;
        Ok(samples.map(|samples| {
            let start = self.next;
            self.next += (samples.len() / MIX_CHANNELS) as i64;
            Block {
                epoch: self.epoch,
                start,
                rate: self.rate,
                samples: decimate(samples, self.rate),
            }
        }))
    }
}

/// Speeds `samples` (interleaved stereo) up `rate` times: each frame out is the mean of
/// `rate` frames in (a crude low-pass against aliasing, enough for shuttling); a partial
/// group at the end is dropped.
fn decimate(samples: Vec<f32>, rate: i64) -> Vec<f32> {
    let Ok(rate @ 2..) = usize::try_from(rate) else {
        return samples;
    };
    let group = rate * MIX_CHANNELS;
    samples
        .chunks_exact(group)
        .flat_map(|g| {
            (0..MIX_CHANNELS)
                .map(move |c| g.iter().skip(c).step_by(MIX_CHANNELS).sum::<f32>() / rate as f32)
        })
        .collect()
}

/// Goes on with `project` (an edit made while playing) from the first sample the device has
/// not been given yet, so the change is heard a device buffer later, without a jump: the
/// old mix still queued is dropped by a new epoch first, then the mix is rebuilt from
/// where the device's last callback ended.
fn swap_project(feeder: &mut Feeder, shared: &Shared, project: Arc<Project>) {
    feeder.epoch += 1;
    shared.epoch.store(feeder.epoch, Ordering::Release);
    let report = *shared.report.lock().unwrap_or_else(|e| e.into_inner());
    let given = match report {
        Some(r) => r.start + r.frames as i64,
        // Nothing handed over yet: the current epoch's mix is all still to come.
        None => feeder.epoch_start,
    };
    feeder.end = project.duration();
    feeder.project = project;
    feeder.mix_from(from_samples(given));
}

/// The worker: mixes the first blocks, opens the device, then keeps the queue full until
/// stopped, following resyncs.
fn play(
    output: &dyn SoundOutput,
    project: Arc<Project>,
    base_dir: PathBuf,
    from: Time,
    rate: i64,
    shared: &Arc<Shared>,
) -> Result<(), String> {
    let mut feeder = Feeder::new(project, base_dir, from);
    feeder.rate = rate;
    if feeder.mixer.is_silent() {
        // Nothing to hear: the device is left alone and the picture keeps the wall clock.
        return Ok(());
    }
    let (blocks, queue) = sync_channel::<Block>(QUEUED_BLOCKS);
    let mut pending = feeder.next_block()?;
    // The first blocks go in before the device asks, so its first buffer is sound.
    while let Some(block) = pending.take() {
        match blocks.try_send(block) {
            Ok(()) => pending = feeder.next_block()?,
            Err(TrySendError::Full(block) | TrySendError::Disconnected(block)) => {
                pending = Some(block);
                break;
            }
        }
    }
    let stream = output
        .start(DeviceFeed::new(queue, Arc::clone(shared)))
        .map_err(|e| e.to_string())?;
    shared.state.store(PLAYING, Ordering::Release);
    feed_until_stopped(&mut feeder, &blocks, pending, shared)?;
    drop(stream);
    Ok(())
}

/// Keeps the device's queue full until stopped.
fn feed_until_stopped(
    feeder: &mut Feeder,
    blocks: &SyncSender<Block>,
    mut pending: Option<Block>,
    shared: &Shared,
) -> Result<(), String> {
    let mut swapped = Instant::now();
    while !shared.stop.load(Ordering::Acquire) {
        if swapped.elapsed() >= SWAP_INTERVAL {
            let edited = shared
                .edited
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take();
            if let Some(project) = edited {
                shared.finished.store(false, Ordering::Release);
                swap_project(feeder, shared, project);
                pending = None;
                swapped = Instant::now();
            }
        }
        let seek = shared.seek.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(at) = seek {
            shared.finished.store(false, Ordering::Release);
            feeder.seek(at);
            shared.epoch.store(feeder.epoch, Ordering::Release);
            pending = None;
        }
        if pending.is_none() {
            pending = feeder.next_block()?;
        }
        match pending.take() {
            // The end of the project: the device plays silence until playback stops.
            None => {
                shared.finished.store(true, Ordering::Release);
                std::thread::sleep(Duration::from_millis(20));
            }
            Some(block) => match blocks.try_send(block) {
                Ok(()) => {}
                Err(TrySendError::Full(block)) => {
                    pending = Some(block);
                    // The device drains a block every 21 ms.
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TrySendError::Disconnected(_)) => return Ok(()),
            },
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "sound_tests.rs"]
mod tests;
