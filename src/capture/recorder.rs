//! The [`Recorder`]: starts the threads of one recording (grab, pace and scale, encode,
//! one per sound track, write), lets the caller pause, resume and stop it, and reports
//! live [`Stats`] and a [`RecordingSummary`] at the end.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::audio::{self, AudioShared, AudioTrack};
use super::clock::Clock;
use super::options::{check_fps, RecordOptions};
use super::output::{self, Opened};
use super::sound::{self, SoundKind};
use super::stats::{Stats, StatsSnapshot};
use super::workers::{self, Shared, VideoOut, ENCODE_QUEUE, GRAB_QUEUE, MUX_QUEUE};
use super::{CaptureError, Frame, FrameSource, Grabbed};
use crate::media::{AudioEncoder, RecordingFile, VideoEncoder};

/// Why a recording ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// [`Recorder::stop`] was called.
    Stopped,
    /// The requested duration was reached.
    DurationReached,
    /// The source went away (its window closed), with what happened.
    SourceEnded(String),
    /// Something failed; the file keeps what was written before.
    Failed(String),
}

/// State shared by the recorder and its threads.
#[derive(Debug)]
pub(crate) struct Control {
    pub(crate) stop: Arc<AtomicBool>,
    pub(crate) final_us: Arc<AtomicI64>,
    end: Mutex<Option<EndReason>>,
}

impl Control {
    /// Records why the recording ends (the first reason wins) and stops it.
    pub(crate) fn end(&self, why: EndReason) {
        let mut end = self.end.lock().unwrap_or_else(PoisonError::into_inner);
        if end.is_none() {
            *end = Some(why);
        }
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What a finished recording holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordingSummary {
    /// The file.
    pub path: PathBuf,
    /// Output size.
    pub size: (u32, u32),
    /// Output frame rate.
    pub fps: u32,
    /// Length of the picture, µs.
    pub duration_us: i64,
    /// The encoder used.
    pub encoder: String,
    /// Number of sound tracks.
    pub audio_tracks: usize,
    /// Final counters.
    pub stats: StatsSnapshot,
    /// Why it ended.
    pub end: EndReason,
}

/// A recording in progress.
pub struct Recorder {
    control: Arc<Control>,
    clock: Arc<Clock>,
    stats: Arc<Stats>,
    threads: Vec<Worker>,
    path: PathBuf,
    size: (u32, u32),
    fps: u32,
    encoder: String,
    audio_tracks: usize,
    /// Why the sound asked for is not what is recorded (the whole system sound instead of
    /// one window's), for the person to see.
    sound_notice: Option<String>,
    /// The file written, finished (moved over the file it replaces) at [`Recorder::stop`].
    output: Opened,
    /// What the source says about how it captures (see [`FrameSource::notice`]).
    notice: Option<String>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recorder({})", self.path.display())
    }
}

/// A worker thread and its name.
type Worker = (&'static str, JoinHandle<Result<(), CaptureError>>);

fn spawn(
    name: &'static str,
    body: impl FnOnce() -> Result<(), CaptureError> + Send + 'static,
) -> Result<Worker, CaptureError> {
    std::thread::Builder::new()
        .name(format!("rec-{name}"))
        .spawn(body)
        .map(|h| (name, h))
        .map_err(|_| CaptureError::Thread(name))
}

/// Waits up to `timeout` for the source's first picture.
fn first_frame(source: &mut dyn FrameSource, timeout: Duration) -> Result<Frame, CaptureError> {
    let start = Instant::now();
    loop {
        match source.next()? {
            Grabbed::Frame(f) => return Ok(f),
            Grabbed::Ended(why) => return Err(CaptureError::Unsupported(why)),
            Grabbed::Idle | Grabbed::Hidden if start.elapsed() > timeout => {
                return Err(CaptureError::Unsupported(format!(
                    "the source gave no picture in {} s",
                    timeout.as_secs()
                )))
            }
            Grabbed::Idle | Grabbed::Hidden => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

impl Recorder {
    /// Opens the sound devices, waits for the first picture (its moment is time zero and
    /// its size the size of `OutputSize::Source`), creates the file and starts recording.
    pub fn start(
        mut source: Box<dyn FrameSource>,
        opts: &RecordOptions,
    ) -> Result<Recorder, CaptureError> {
        let fps = check_fps(opts.fps)?;
        let notice = source.notice();
        // Refuse an existing file (or a bad name) before any device is opened.
        let planned = output::plan(opts)?;
        let planned_muxer = planned.muxer;
        let mut inputs = Vec::new();
        let mut sound_notice = None;
        if opts.audio.window {
            let (input, notice) = sound::open_window(opts.window_pid)?;
            inputs.push((0, input));
            sound_notice = notice;
        }
        for (slot, (kind, device)) in [
            (SoundKind::System, &opts.audio.system),
            (SoundKind::Microphone, &opts.audio.mic),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(device) = device {
                inputs.push((slot, sound::open(kind, device)?));
            }
        }
        let first = first_frame(source.as_mut(), Duration::from_secs(10))?;
        let size = opts.size.resolve((first.image.width, first.image.height));
        let video = VideoEncoder::open(size, fps, opts.quality, &opts.encoder, 0)?;
        let mut tracks = Vec::new();
        for (i, (slot, input)) in inputs.into_iter().enumerate() {
            let encoder = AudioEncoder::open(input.rate(), 2, i + 1)?;
            tracks.push(AudioTrack {
                input,
                encoder,
                slot,
            });
        }
        let mut setups = vec![video.setup()];
        setups.extend(tracks.iter().map(|t| t.encoder.setup()));
        let opened = planned.open(&opts.output)?;
        let file = match RecordingFile::create(&opened.write_to, planned_muxer, setups) {
            Ok(f) => f,
            Err(e) => {
                opened.abandon();
                return Err(e.into());
            }
        };

        let control = Arc::new(Control {
            stop: Arc::new(AtomicBool::new(false)),
            final_us: Arc::new(AtomicI64::new(-1)),
            end: Mutex::new(None),
        });
        let clock = Arc::new(Clock::new());
        let stats = Arc::new(Stats::new());
        let shared = || Shared {
            control: control.clone(),
            clock: clock.clone(),
            stats: stats.clone(),
        };
        let limit_us = opts
            .duration
            .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
        let limit_frames = limit_us.map(|us| us * i64::from(fps) / 1_000_000);

        let (grab_tx, grab_rx) = sync_channel(GRAB_QUEUE);
        let (enc_tx, enc_rx) = sync_channel(ENCODE_QUEUE);
        let (mux_tx, mux_rx) = sync_channel(MUX_QUEUE);
        let encoder_name = video.name().to_owned();
        let format = video.picture_format();
        let audio_tracks = tracks.len();
        let mut threads = Vec::new();
        let sh = shared();
        threads.push(spawn("grab", move || {
            let interval = Duration::from_micros(1_000_000 / u64::from(fps));
            let r = workers::grab(source, first, &sh, &grab_tx, interval);
            if let Err(e) = &r {
                sh.control.end(EndReason::Failed(e.to_string()));
            }
            r
        })?);
        let sh = shared();
        let out = VideoOut {
            size,
            fit: opts.fit,
            format,
            fps,
            limit_frames,
        };
        threads.push(spawn("scale", move || {
            workers::pace_and_scale(&grab_rx, &enc_tx, &sh, &out)
        })?);
        let (st, tx) = (stats.clone(), mux_tx.clone());
        threads.push(spawn("encode", move || {
            workers::encode(video, &enc_rx, &tx, &st)
        })?);
        for track in tracks {
            let tx = mux_tx.clone();
            let ash = AudioShared {
                clock: clock.clone(),
                stop: control.stop.clone(),
                stats: stats.clone(),
                final_us: control.final_us.clone(),
                limit_us,
            };
            threads.push(spawn("audio", move || audio::run(track, &ash, &tx))?);
        }
        drop(mux_tx);
        let (st, stop) = (stats.clone(), control.stop.clone());
        threads.push(spawn("write", move || {
            workers::write(file, &mux_rx, &stop, &st)
        })?);
        Ok(Recorder {
            control,
            clock,
            stats,
            threads,
            path: opts.output.clone(),
            size,
            fps,
            encoder: encoder_name,
            audio_tracks,
            sound_notice,
            output: opened,
            notice,
        })
    }

    /// Why the sound recorded is not the sound asked for (a window's sound asked for where
    /// only the whole system sound can be recorded), or `None`.
    pub fn sound_notice(&self) -> Option<&str> {
        self.sound_notice.as_deref()
    }

    /// Live counters.
    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// Output size in pixels.
    pub fn size(&self) -> (u32, u32) {
        self.size
    }

    /// How the source captures, when the person should know (e.g. a window recorded by
    /// its screen area because its own content cannot be read).
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The video encoder in use.
    pub fn encoder(&self) -> &str {
        &self.encoder
    }

    /// Pauses: nothing is recorded until [`Recorder::resume`], and the file has no gap.
    pub fn pause(&self) {
        self.clock.pause();
    }

    /// Resumes after [`Recorder::pause`].
    pub fn resume(&self) {
        self.clock.resume();
    }

    /// True once the recording is ending by itself (duration reached, window closed, an
    /// error); call [`Recorder::stop`] to collect it.
    pub fn is_ending(&self) -> bool {
        self.control.stop.load(Ordering::Relaxed)
    }

    /// Stops (if still running), waits for every thread, finishes the file and returns
    /// what was recorded. An error (a full disk, a failing device) is returned after the
    /// file was finished as far as possible.
    pub fn stop(self) -> Result<RecordingSummary, CaptureError> {
        self.control.end(EndReason::Stopped);
        let mut first_error = None;
        for (name, handle) in self.threads {
            let result = handle.join().unwrap_or(Err(CaptureError::Thread(name)));
            if let Err(e) = result {
                tracing::warn!("recording thread {name} failed: {e}");
                // A thread that only saw its neighbour go is not the cause.
                let secondary = matches!(e, CaptureError::Thread(_));
                if first_error.is_none()
                    || (!secondary
                        && first_error
                            .as_ref()
                            .is_some_and(|f| matches!(f, CaptureError::Thread(_))))
                {
                    first_error = Some(e);
                }
            }
        }
        // Only a complete recording replaces the file it overwrites; a broken one is kept
        // under its temporary name and the old file is left as it was.
        match self.output.finish(first_error.is_none()) {
            Ok(Some(kept)) => tracing::warn!(
                "{} was left as it was; the broken-off recording is kept as {}",
                self.path.display(),
                kept.display()
            ),
            Ok(None) => {}
            Err(e) if first_error.is_none() => {
                first_error = Some(CaptureError::Invalid(format!(
                    "{}: cannot move the finished recording into place: {e}",
                    self.path.display()
                )));
            }
            Err(_) => {}
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        let end = self
            .control
            .end
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .unwrap_or(EndReason::Stopped);
        let stats = self.stats.snapshot();
        Ok(RecordingSummary {
            path: self.path,
            size: self.size,
            fps: self.fps,
            duration_us: stats.recorded_us,
            encoder: self.encoder,
            audio_tracks: self.audio_tracks,
            stats,
            end,
        })
    }
}
