//! The [`Recorder`]: starts the threads of one recording (grab, pace and scale, encode,
//! one per sound track, write), lets the caller pause, resume and stop it, and reports
//! live [`Stats`] and a [`RecordingSummary`] at the end.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::audio::{self, AudioShared, AudioTrack};
use super::clock::Clock;
use super::live_markers::{self, LiveMarker};
use super::options::{check_fps, RecordOptions};
use super::output::{self, Opened};
use super::replay::{self, ReplayRing, ReplayTarget, SavedReplay};
use super::sound::{self, SoundInput, SoundKind};
use super::stats::{Stats, StatsSnapshot};
use super::workers::{self, Shared, VideoOut, ENCODE_QUEUE, GRAB_QUEUE, MUX_QUEUE};
use super::{CaptureError, Frame, FrameSource, Grabbed};
use crate::media::{AudioEncoder, RecordingFile, TrackSetup, VideoEncoder};

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
    /// Replays saved while it ran and not yet collected by [`Recorder::replay_results`]
    /// (replay-buffer recordings only).
    pub replays: Vec<SavedReplay>,
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
    /// What the source says about how it captures (see [`FrameSource::notice`]).
    notice: Option<String>,
    /// The file written, finished (moved over the file it replaces) at [`Recorder::stop`];
    /// none for a replay buffer.
    output: Option<Opened>,
    replay: Option<ReplayHandle>,
    /// Markers dropped so far (also kept in the file beside the recording).
    marks: Mutex<Vec<LiveMarker>>,
    /// To the thread that writes the markers file, so marking never waits for the disk.
    marks_tx: Option<SyncSender<Vec<LiveMarker>>>,
}

/// How a replay-buffer recording is asked to save and reports back.
struct ReplayHandle {
    save: Arc<AtomicBool>,
    results: Receiver<Result<SavedReplay, CaptureError>>,
}

/// Where the packets go: a file, or a replay buffer saving into a folder.
enum Sink {
    File(RecordingFile, Opened),
    Replay(Duration, ReplayTarget),
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
        let planned = match opts.replay {
            None => Some(output::plan(opts)?),
            Some(_) => {
                output::check_replay_folder(&opts.output)?;
                None
            }
        };
        let (inputs, sound_notice) = open_sound(opts)?;
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
        let sink = open_sink(planned, opts, setups)?;

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
        let (output, replay, marks_tx) =
            spawn_sink(sink, opts, &control, &stats, mux_rx, &mut threads)?;
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
            output,
            notice,
            replay,
            marks: Mutex::new(Vec::new()),
            marks_tx,
        })
    }

    /// Why the sound recorded is not the sound asked for (a window's sound asked for where
    /// only the whole system sound can be recorded), or `None`.
    pub fn sound_notice(&self) -> Option<&str> {
        self.sound_notice.as_deref()
    }

    /// Drops a marker named `name` at the moment recorded so far, its range starting
    /// `pre_roll` earlier, and has the markers file beside the recording rewritten on a
    /// worker (never waits). A replay buffer has no recording to mark.
    pub fn mark(&self, name: &str, pre_roll: Duration) -> Result<LiveMarker, CaptureError> {
        if self.is_replay() {
            return Err(CaptureError::Invalid(
                "a replay buffer has no recording to mark; save a replay instead".to_owned(),
            ));
        }
        let mut marks = self.marks.lock().unwrap_or_else(PoisonError::into_inner);
        let marker = LiveMarker {
            at_us: self.stats.snapshot().recorded_us,
            pre_roll_us: i64::try_from(pre_roll.as_micros()).unwrap_or(i64::MAX),
            name: if name.trim().is_empty() {
                format!("Marker {}", marks.len() + 1)
            } else {
                name.trim().to_owned()
            },
        };
        marks.push(marker.clone());
        if let Some(tx) = &self.marks_tx {
            match tx.try_send(marks.clone()) {
                // A full queue holds older lists; the next marker writes them all.
                Ok(()) | Err(TrySendError::Full(_)) => {}
                Err(TrySendError::Disconnected(_)) => {
                    return Err(CaptureError::Thread("markers file writer"))
                }
            }
        }
        Ok(marker)
    }

    /// The file being written, which grows fragment by fragment and can be read while it
    /// does, when it is the recording's own name (not a replay buffer, nor a temporary
    /// file that replaces an older recording at the end).
    pub fn growing_file(&self) -> Option<&Path> {
        let opened = self.output.as_ref()?;
        (opened.write_to == self.path).then_some(self.path.as_path())
    }

    /// True for a replay-buffer recording.
    pub fn is_replay(&self) -> bool {
        self.replay.is_some()
    }

    /// Asks a replay-buffer recording to save what it holds as a new file (on a worker;
    /// the outcome comes through [`Recorder::replay_results`]). False when this recording
    /// has no replay buffer.
    pub fn save_replay(&self) -> bool {
        match &self.replay {
            Some(r) => {
                r.save.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// The flag [`Recorder::save_replay`] sets, for a signal handler or a hotkey thread.
    pub fn replay_trigger(&self) -> Option<Arc<AtomicBool>> {
        self.replay.as_ref().map(|r| r.save.clone())
    }

    /// Replays saved (or failed) since last asked; never waits.
    pub fn replay_results(&self) -> Vec<Result<SavedReplay, CaptureError>> {
        match &self.replay {
            Some(r) => r.results.try_iter().collect(),
            None => Vec::new(),
        }
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
    pub fn stop(mut self) -> Result<RecordingSummary, CaptureError> {
        self.control.end(EndReason::Stopped);
        // The markers' writer ends once it has written what it was sent; the full list
        // goes last, in case a full queue left the newest behind.
        if let Some(tx) = self.marks_tx.take() {
            let marks = self
                .marks
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            if !marks.is_empty() {
                let _ = tx.send(marks);
            }
        }
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
        let finished = match self.output {
            Some(output) => output.finish(first_error.is_none()),
            None => Ok(None),
        };
        let mut replays = Vec::new();
        for r in self.replay.iter().flat_map(|r| r.results.try_iter()) {
            match r {
                Ok(saved) => replays.push(saved),
                Err(e) => tracing::warn!("a replay was not saved: {e}"),
            }
        }
        match finished {
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
            replays,
        })
    }
}

/// Creates the file (removed again if it cannot be started), or sets up the replay buffer.
fn open_sink(
    planned: Option<output::Planned>,
    opts: &RecordOptions,
    setups: Vec<TrackSetup>,
) -> Result<Sink, CaptureError> {
    let Some(planned) = planned else {
        let keep = opts.replay.unwrap_or(Duration::from_secs(30));
        let target = ReplayTarget {
            dir: opts.output.clone(),
            tracks: setups,
        };
        return Ok(Sink::Replay(keep, target));
    };
    let muxer = planned.muxer;
    let opened = planned.open(&opts.output)?;
    match RecordingFile::create(&opened.write_to, muxer, setups) {
        Ok(f) => Ok(Sink::File(f, opened)),
        Err(e) => {
            opened.abandon();
            Err(e.into())
        }
    }
}

/// Opens the sound inputs `opts` asks for, each with the slot of its track (0 the
/// window's sound, 1 the system's, 2 the microphone), and why the window's sound
/// falls back to the system's, if it does.
#[allow(clippy::type_complexity)]
fn open_sound(
    opts: &RecordOptions,
) -> Result<(Vec<(usize, Box<dyn SoundInput>)>, Option<String>), CaptureError> {
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
    Ok((inputs, sound_notice))
}

/// Starts the threads that take the encoded packets: the file's writer (and the live
/// markers' writer beside it), or the replay ring.
#[allow(clippy::type_complexity)]
fn spawn_sink(
    sink: Sink,
    opts: &RecordOptions,
    control: &Control,
    stats: &Arc<Stats>,
    mux_rx: Receiver<crate::media::EncodedPacket>,
    threads: &mut Vec<Worker>,
) -> Result<
    (
        Option<Opened>,
        Option<ReplayHandle>,
        Option<SyncSender<Vec<LiveMarker>>>,
    ),
    CaptureError,
> {
    Ok(match sink {
        Sink::File(file, opened) => {
            let (tx, rx) = sync_channel::<Vec<LiveMarker>>(4);
            let path = opts.output.clone();
            threads.push(spawn("marks", move || {
                for marks in rx {
                    if let Err(e) = live_markers::write(&path, &marks) {
                        tracing::warn!("live markers not saved: {e}");
                    }
                }
                Ok(())
            })?);
            let (st, stop) = (stats.clone(), control.stop.clone());
            threads.push(spawn("write", move || {
                workers::write(file, &mux_rx, &stop, &st)
            })?);
            (Some(opened), None, Some(tx))
        }
        Sink::Replay(keep, target) => {
            let handle = spawn_replay(threads, keep, target, mux_rx, stats.clone())?;
            (None, Some(handle), None)
        }
    })
}

/// Starts the replay buffer's two threads: one keeps the packets, one saves them.
fn spawn_replay(
    threads: &mut Vec<Worker>,
    keep: Duration,
    target: ReplayTarget,
    packets: Receiver<crate::media::EncodedPacket>,
    stats: Arc<Stats>,
) -> Result<ReplayHandle, CaptureError> {
    let save = Arc::new(AtomicBool::new(false));
    // One snapshot waiting while another is written; results wait for the caller.
    let (job_tx, job_rx) = sync_channel(1);
    let (res_tx, res_rx) = sync_channel(16);
    let cap = replay::replay_cap_bytes(keep.as_secs());
    let ring = ReplayRing::new(keep, cap);
    let (flag, results) = (save.clone(), res_tx.clone());
    threads.push(spawn("replay", move || {
        replay::buffer(ring, &packets, &flag, &job_tx, &results, &stats);
        Ok(())
    })?);
    threads.push(spawn("replay-save", move || {
        replay::saver(&target, &job_rx, &res_tx);
        Ok(())
    })?);
    Ok(ReplayHandle {
        save,
        results: res_rx,
    })
}
