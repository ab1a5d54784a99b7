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
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

use crate::export::Mixer;
use crate::media::{MIX_CHANNELS, MIX_RATE};
use crate::timeline::{Project, Rational, Rounding, Time};

use crate::playback::clock::{Heard, PlayClock, Sound, Source};

/// Mixed blocks (1024 frames each, about 21 ms) waiting for the device: enough to ride
/// out a slow read, few enough that the sound follows a jump quickly.
const QUEUED_BLOCKS: usize = 8;

/// Frames the device takes per callback (about 43 ms; PulseAudio buffers two of them).
/// Asked for explicitly: left to its default, PulseAudio hands over two seconds at a time
/// and the sound could not follow the playhead.
const DEVICE_BUFFER: u32 = 2048;

/// The shortest time between two edits taken into the sound while playing (each rebuilds
/// the mix and reopens its files).
const SWAP_INTERVAL: Duration = Duration::from_millis(100);

/// How long opening the device may take before playback goes on without it.
const OPEN_TIMEOUT: Duration = Duration::from_secs(2);

const OPENING: u8 = 0;
const PLAYING: u8 = 1;
const ABSENT: u8 = 2;

/// A mixed block with its place on the timeline.
#[derive(Debug)]
struct Block {
    /// The resync it belongs to; older ones are dropped unheard.
    epoch: u64,
    /// Timeline position of its first frame, in mix samples.
    start: i64,
    /// Timeline samples each of its frames stands for (shuttling faster: 2, 4, 8).
    rate: i64,
    /// Interleaved stereo.
    samples: Vec<f32>,
}

/// What the callback last handed to the device.
#[derive(Debug, Clone, Copy)]
struct Report {
    /// Timeline position (mix samples) of the first mix frame of the callback.
    start: i64,
    /// Timeline samples the mix frames that followed it without a gap stand for.
    frames: usize,
    /// Timeline samples per frame heard.
    rate: i64,
    /// When the first of them reaches the speaker.
    when: Instant,
    latency: Duration,
}

/// State shared by the UI side, the worker and the device callback.
#[derive(Debug, Default)]
struct Shared {
    stop: AtomicBool,
    state: AtomicU8,
    epoch: AtomicU64,
    report: Mutex<Option<Report>>,
    seek: Mutex<Option<Time>>,
    /// Set once the mix has reached the end of the project.
    finished: AtomicBool,
    /// Frames of silence the device got because the next block was late.
    late: AtomicU64,
    /// The project as edited while playing, waiting for the worker (latest only).
    edited: Mutex<Option<Arc<Project>>>,
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
        let rate = i64::from(rate.max(1));
        let shared = Arc::new(Shared::default());
        let (report, errors) = sync_channel(1);
        let worker = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("clipwright-audio".into())
            .spawn(move || {
                let result = play(project, base_dir, from, rate, &worker);
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
        let rate = rate.max(1);
        SoundPlayback {
            audio: AudioPlayback::start_at_rate(project, base_dir, from, rate),
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

/// The device's side: takes blocks from the queue into the device's buffers.
struct DeviceFeed {
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
    /// Fills `out` (interleaved stereo) with the mix, silence where none is ready; returns
    /// the first mix frame's offset in `out` and timeline position, and how many timeline
    /// samples the mix that followed it without a gap stands for.
    fn fill(&mut self, out: &mut [f32]) -> Option<(usize, i64, usize)> {
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

    /// The device callback: fills `out` and reports what it handed over.
    fn callback(&mut self, out: &mut [f32], latency: Duration) {
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
fn open_stream(feed: DeviceFeed) -> Result<cpal::Stream, String> {
    let device = output_device().map_err(|e| format!("no audio output device ({e})"))?;
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
    Err(format!("cannot open the audio output: {last}"))
}

/// The worker: mixes the first blocks, opens the device, then keeps the queue full until
/// stopped, following resyncs.
fn play(
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
    let feed = DeviceFeed {
        queue,
        current: None,
        at: 0,
        begun: None,
        rate: 1,
        shared: Arc::clone(shared),
    };
    let stream = open_stream(feed)?;
    stream
        .play()
        .map_err(|e| format!("cannot start the audio output: {e}"))?;
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
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::timeline::{Canvas, Clip, ClipId, MediaSource, SourceId, Track, TrackId, TrackKind};

    /// A project whose sound is 3 s of noise (so any slip shows) placed at 0.5 s, from
    /// 0.25 s into its file.
    fn noise_project(dir: &Path) -> Project {
        let noise = dir.join("noise.wav");
        let status = std::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"])
            .args(["-i", "anoisesrc=d=3.5:c=pink:r=48000:a=0.5"])
            .arg(&noise)
            .status()
            .expect("the ffmpeg command line makes test media");
        assert!(status.success());
        let info = crate::media::probe(&noise).unwrap().source_info();
        let mut project = Project::new("noise", Canvas::default());
        project
            .sources
            .push(MediaSource::new(SourceId(1), &noise, info));
        let mut sound = Track::new(TrackId(1), TrackKind::Audio, "sound");
        sound.clips.push(Clip::media(
            ClipId(1),
            SourceId(1),
            Time::from_millis(500),
            Time::from_millis(250),
            Time::from_millis(3250),
        ));
        project.tracks.push(sound);
        project
    }

    /// The export's mix of the whole project.
    fn export_mix(project: &Project, dir: &Path) -> Vec<f32> {
        let mut mixer = Mixer::new(project, dir, project.duration());
        let mut all = Vec::new();
        while let Some(block) = mixer.next_block().unwrap() {
            all.extend(block);
        }
        all
    }

    /// Keeps the queue full and lets the device take `frames`, as the worker and the
    /// callback would; returns what the device got and what the callback reported.
    fn device_takes(
        feeder: &mut Feeder,
        blocks: &SyncSender<Block>,
        pending: &mut Option<Block>,
        feed: &mut DeviceFeed,
        frames: usize,
    ) -> (Vec<f32>, Option<(usize, i64, usize)>) {
        loop {
            if pending.is_none() {
                *pending = feeder.next_block().unwrap();
            }
            let Some(block) = pending.take() else { break };
            if let Err(TrySendError::Full(block)) = blocks.try_send(block) {
                *pending = Some(block);
                break;
            }
        }
        let mut out = vec![1.0; frames * MIX_CHANNELS];
        let run = feed.fill(&mut out);
        (out, run)
    }

    fn feed_pair(shared: &Arc<Shared>) -> (SyncSender<Block>, DeviceFeed) {
        let (blocks, queue) = sync_channel(QUEUED_BLOCKS);
        let feed = DeviceFeed {
            queue,
            current: None,
            at: 0,
            begun: None,
            rate: 1,
            shared: Arc::clone(shared),
        };
        (blocks, feed)
    }

    #[test]
    fn the_samples_fed_to_the_device_from_a_point_are_the_export_mix_of_that_span() {
        let dir = tempfile::tempdir().unwrap();
        let project = noise_project(dir.path());
        let export = export_mix(&project, dir.path());
        let from = Time::from_millis(1300);
        let shared = Arc::new(Shared::default());
        let mut feeder = Feeder::new(Arc::new(project.clone()), dir.path().to_owned(), from);
        let (blocks, mut feed) = feed_pair(&shared);
        let mut pending = None;

        // Half a second in device buffers of an odd size, so they straddle mix blocks.
        let mut heard = Vec::new();
        let mut expected_start = to_samples(from);
        while heard.len() < 24_000 * MIX_CHANNELS {
            let (out, run) = device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 733);
            assert_eq!(
                run,
                Some((0, expected_start, 733)),
                "each buffer is whole mix, reported where it sits on the timeline"
            );
            expected_start += 733;
            heard.extend(out);
        }
        let start = 1300 * 48 * MIX_CHANNELS;
        let span = &export[start..start + heard.len()];
        assert!(span.iter().any(|s| s.abs() > 0.05), "the span holds sound");
        assert_eq!(heard, span);
    }

    #[test]
    fn a_resync_drops_the_queued_sound_and_feeds_the_export_mix_from_the_new_point() {
        let dir = tempfile::tempdir().unwrap();
        let project = noise_project(dir.path());
        let export = export_mix(&project, dir.path());
        let shared = Arc::new(Shared::default());
        let mut feeder = Feeder::new(
            Arc::new(project.clone()),
            dir.path().to_owned(),
            Time::from_millis(600),
        );
        let (blocks, mut feed) = feed_pair(&shared);
        let mut pending = None;
        for _ in 0..3 {
            device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 1000);
        }

        // What the worker does on a resync request, with the queue full of older sound.
        let to = Time::from_millis(2100);
        feeder.seek(to);
        shared.epoch.store(feeder.epoch, Ordering::Release);
        pending = None;

        let mut heard = Vec::new();
        for k in 0..8 {
            let (out, run) = device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 500);
            assert_eq!(run, Some((0, to_samples(to) + k * 500, 500)));
            heard.extend(out);
        }
        let start = 2100 * 48 * MIX_CHANNELS;
        assert_eq!(heard, &export[start..start + heard.len()]);
    }

    #[test]
    fn a_late_block_is_heard_as_silence_and_not_counted_as_mix() {
        let shared = Arc::new(Shared::default());
        let (blocks, mut feed) = feed_pair(&shared);
        blocks
            .try_send(Block {
                epoch: 0,
                start: 4800,
                rate: 1,
                samples: vec![0.5; 100 * MIX_CHANNELS],
            })
            .unwrap();
        let mut out = vec![1.0; 300 * MIX_CHANNELS];
        assert_eq!(feed.fill(&mut out), Some((0, 4800, 100)));
        assert!(out[..200].iter().all(|&s| s == 0.5));
        assert!(
            out[200..].iter().all(|&s| s == 0.0),
            "silence after the mix"
        );
        assert_eq!(feed.fill(&mut out), None, "nothing queued: all silence");
        assert!(out.iter().all(|&s| s == 0.0));
        assert_eq!(shared.late.load(Ordering::Relaxed), 200 + 300);

        // After a jump, the wait for the new position's first block is not lateness.
        shared.epoch.store(1, Ordering::Release);
        feed.fill(&mut out);
        assert_eq!(shared.late.load(Ordering::Relaxed), 500);
    }

    #[test]
    fn a_project_without_sound_leaves_the_device_alone() {
        let project = Arc::new(Project::new("quiet", Canvas::default()));
        let playback = AudioPlayback::start(project, PathBuf::from("."), Time::ZERO);
        let started = Instant::now();
        while playback.sound(0.0) != Sound::Absent {
            assert!(started.elapsed() < Duration::from_secs(5), "never settled");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(
            playback.error(),
            None,
            "nothing went wrong: there is nothing to hear"
        );
    }

    #[test]
    fn an_edit_while_playing_is_heard_from_the_first_sample_the_device_has_not_been_given() {
        let dir = tempfile::tempdir().unwrap();
        let project = noise_project(dir.path());
        // The edit: the clip moved 100 ms later.
        let mut moved = project.clone();
        moved.tracks[0].clips[0].start = Time::from_millis(600);
        let export = export_mix(&moved, dir.path());
        let shared = Arc::new(Shared::default());
        let mut feeder = Feeder::new(
            Arc::new(project.clone()),
            dir.path().to_owned(),
            Time::from_millis(700),
        );
        let (blocks, mut feed) = feed_pair(&shared);
        let mut pending = None;
        for _ in 0..3 {
            // As the device's callback does: take the mix and report it.
            device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 0);
            let mut out = vec![0.0; 1000 * MIX_CHANNELS];
            feed.callback(&mut out, Duration::ZERO);
        }
        let given = to_samples(Time::from_millis(700)) + 3000;

        swap_project(&mut feeder, &shared, Arc::new(moved));
        pending = None;

        let mut heard = Vec::new();
        for k in 0..8 {
            let (out, run) = device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 500);
            assert_eq!(run, Some((0, given + k * 500, 500)), "no jump, no repeat");
            heard.extend(out);
        }
        let start = given as usize * MIX_CHANNELS;
        assert_eq!(heard, &export[start..start + heard.len()]);
    }

    #[test]
    fn shuttling_at_twice_the_speed_feeds_the_export_mix_averaged_in_pairs() {
        let dir = tempfile::tempdir().unwrap();
        let project = noise_project(dir.path());
        let export = export_mix(&project, dir.path());
        let from = Time::from_millis(1000);
        let shared = Arc::new(Shared::default());
        let mut feeder = Feeder::new(Arc::new(project.clone()), dir.path().to_owned(), from);
        feeder.rate = 2;
        let (blocks, mut feed) = feed_pair(&shared);
        let mut pending = None;
        let mut heard = Vec::new();
        let mut expected_start = to_samples(from);
        for _ in 0..20 {
            let (out, run) = device_takes(&mut feeder, &blocks, &mut pending, &mut feed, 733);
            assert_eq!(
                run,
                Some((0, expected_start, 2 * 733)),
                "each frame heard stands for two of the timeline"
            );
            expected_start += 2 * 733;
            heard.extend(out);
        }
        let start = 1000 * 48 * MIX_CHANNELS;
        let span = export[start..start + 2 * heard.len()].to_vec();
        let want = decimate(span, 2);
        let worst = heard
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 1e-6, "differs by {worst}");
        assert_eq!(heard.len(), want.len());
    }

    #[test]
    fn decimating_averages_each_channel_over_the_group() {
        let samples = vec![1.0, 10.0, 3.0, 30.0, 5.0, 50.0, 7.0, 70.0, 9.0, 90.0];
        assert_eq!(decimate(samples.clone(), 2), vec![2.0, 20.0, 6.0, 60.0]);
        assert_eq!(decimate(samples.clone(), 1), samples);
    }
}
