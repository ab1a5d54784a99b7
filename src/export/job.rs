//! [`ExportJob`]: turns a project into a file on three threads joined by bounded channels.
//!
//! ```text
//!  render thread ──frames (4)──▶ ┐
//!                                ├─▶ this thread: encode + mux ──▶ OutputFile
//!  mix thread ────sound (32)───▶ ┘        │
//!                                         └─progress (8, latest wins)──▶ caller
//! ```
//!
//! The render thread decodes and composes frame after frame; the mix thread produces the
//! sound; the calling thread encodes both (the encoders run their own threads) and
//! interleaves them by time. When a channel is full its producer waits, so memory stays
//! flat however long the export. Progress is sent with `try_send`: a slow reader misses
//! updates, it never slows the export. The cancel flag is checked once a frame everywhere;
//! a cancelled or failed export deletes its temporary file and leaves nothing behind.
//!
//! A GIF with one palette for the whole clip is encoded only once its last frame is in
//! (the palette needs them all): its progress counts each frame twice, once when drawn and
//! once when encoded ([`ExportStage::EncodingGif`]), so the bar keeps moving to the end.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::media::{
    Container, EncodeSettings, MediaError, OutputFile, PaletteMode, VideoCodec, MIX_CHANNELS,
    MIX_RATE,
};
use crate::render::{Compositor, RenderError, Rendered};
use crate::timeline::{OutputId, Project, Rational, Rounding, Time};

use super::mix::Mixer;

/// What to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportSettings {
    /// Output frame size (the canvas size unless a preset says otherwise).
    pub size: (u32, u32),
    /// Output frame rate.
    pub frame_rate: Rational,
    /// Constant rate factor; `None` for the codec's default (23 for H.264).
    pub crf: Option<u8>,
    /// Use exactly this encoder.
    pub encoder: Option<String>,
    /// The codec; `None` for the container's default.
    pub codec: Option<VideoCodec>,
    /// Try hardware encoders first (when no encoder is named).
    pub hardware: bool,
    /// Write subtitles as a stream players can switch (instead of burning them in).
    pub soft_subtitles: bool,
    /// Which of the project's outputs to draw: the canvas or an extra one (its clips'
    /// own reframing); see [`ExportSettings::for_output`].
    pub output: OutputId,
    /// Only this span of the timeline, `[start, end)` (a highlight, a marker's range);
    /// `None` for all of it. An end past the last clip stops there.
    pub range: Option<(Time, Time)>,
    /// Analyse a portrait effect's next frames on a thread of their own (see
    /// [`crate::render::Compositor::set_portrait_look_ahead`]); off by default.
    pub portrait_look_ahead: bool,
}

impl ExportSettings {
    /// The project's own canvas and frame rate, default quality, hardware allowed.
    pub fn for_project(project: &Project) -> ExportSettings {
        ExportSettings {
            size: (project.canvas.width, project.canvas.height),
            frame_rate: project.canvas.frame_rate,
            crf: None,
            encoder: None,
            codec: None,
            hardware: true,
            soft_subtitles: false,
            output: OutputId::MAIN,
            range: None,
            portrait_look_ahead: false,
        }
    }

    /// The span exported, `[start, end)`, within `project`'s clips; empty when the range
    /// lies past them.
    pub fn span(&self, project: &Project) -> (Time, Time) {
        let all = project.clips_duration();
        match self.range {
            Some((start, end)) => {
                let end = end.min(all);
                (start.max(Time::ZERO).min(end), end)
            }
            None => (Time::ZERO, all),
        }
    }

    /// The project's output `output` (size and reframing), else `None` when the project
    /// has no such output.
    pub fn for_output(project: &Project, output: OutputId) -> Option<ExportSettings> {
        let format = project.output(output)?;
        Some(ExportSettings {
            size: (format.width, format.height),
            output,
            ..ExportSettings::for_project(project)
        })
    }
}

/// Where an export is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Frames done so far. A GIF with one palette for the whole clip counts each frame
    /// twice: once drawn, once encoded (see [`ExportStage`]).
    pub frames_done: u64,
    /// Frames in the whole export (twice the frame count for such a GIF).
    pub frames_total: u64,
    /// `frames_done` per second since the start.
    pub fps: f64,
    /// Time since the start.
    pub elapsed: Duration,
    /// Estimated time left.
    pub eta: Duration,
    /// What the export is doing.
    pub stage: ExportStage,
}

/// The part of an export under way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportStage {
    /// Drawing and encoding frames.
    Frames,
    /// Encoding a GIF's pictures after its last frame, with the palette chosen from all
    /// of them: `done` of `total`.
    EncodingGif { done: u64, total: u64 },
}

impl Progress {
    fn at(done: u64, total: u64, started: Instant, stage: ExportStage) -> Progress {
        let elapsed = started.elapsed();
        let fps = done as f64 / elapsed.as_secs_f64().max(1e-6);
        let left = total.saturating_sub(done) as f64 / fps.max(1e-6);
        Progress {
            frames_done: done,
            frames_total: total,
            fps,
            elapsed,
            eta: Duration::from_secs_f64(left.min(1e7)),
            stage,
        }
    }
}

/// What a finished export did.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportSummary {
    /// The file written.
    pub path: PathBuf,
    /// Frames written.
    pub frames: u64,
    /// The video encoder used, e.g. `libx264`.
    pub encoder: String,
    /// Wall time.
    pub elapsed: Duration,
    /// Frames where a clip's portrait effect found no face and left the picture as it
    /// was (worth telling the person: the effect did not show there).
    pub portrait_frames_without_face: u64,
    /// Frames where a sticker pinned to a face had no face near that time and held still
    /// where the face was last seen (or stood at its own place before any was seen).
    pub sticker_frames_without_face: u64,
}

/// Why an export failed. Nothing is left on disk in any case.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Reading, converting or writing media failed.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// Drawing a frame failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The output name has no extension Clipwright writes.
    #[error("{}: unknown output format; use .mp4, .mov, .mkv, .webm or .gif", path.display())]
    UnknownFormat { path: PathBuf },
    /// The output is one of the export's own inputs: writing it would destroy what is read.
    #[error("{}: this is the same file as the input {}; writing it would destroy the input — choose another output name", output.display(), input.display())]
    OutputIsInput { output: PathBuf, input: PathBuf },
    /// The output name cannot take a file (a folder, a pipe, a device, a dangling link).
    #[error("{}: cannot write the export there: {reason}", path.display())]
    BadOutput {
        path: PathBuf,
        reason: std::io::Error,
    },
    /// The project has nothing to export.
    #[error("the project is empty: nothing to export")]
    Empty,
    /// The export was cancelled.
    #[error("{}: export cancelled; nothing was written", path.display())]
    Cancelled { path: PathBuf },
    /// The subtitle script could not be written to a temporary file.
    #[error("cannot write the subtitle script for {}: {source}", path.display())]
    Subtitles {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A worker thread stopped unexpectedly.
    #[error("{}: export worker stopped: {what}", path.display())]
    Worker { path: PathBuf, what: String },
}

/// One export: a project, where to write it, and how.
#[derive(Debug)]
pub struct ExportJob {
    /// The project (shared with the worker threads).
    pub project: Arc<Project>,
    /// Folder that relative source paths are relative to.
    pub base_dir: PathBuf,
    /// The file to write.
    pub output: PathBuf,
    /// How to write it.
    pub settings: ExportSettings,
}

/// Frames waiting between the render thread and the encoder.
const FRAME_QUEUE: usize = 4;
/// Sound blocks waiting between the mixer and the encoder.
const AUDIO_QUEUE: usize = 32;

/// The frames an export draws: how many, at what size, of which output, with or without
/// the subtitles burned in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct FramePlan {
    /// Frames in the export.
    pub total: u64,
    /// Where on the timeline its first frame is (the start of its range).
    pub from: Time,
    /// Their size (even for 4:2:0).
    pub size: (u32, u32),
    /// The output drawn.
    pub output: OutputId,
    /// Subtitles burned into the picture (not a stream of their own).
    pub burn: bool,
}

impl ExportJob {
    /// Runs the export to completion (or failure, or cancel), sending progress as it goes.
    pub fn run(
        &self,
        progress: Option<SyncSender<Progress>>,
        cancel: &Arc<AtomicBool>,
    ) -> Result<ExportSummary, ExportError> {
        self.run_fed(None, progress, cancel)
    }

    /// What frames this export draws; checks the output name first.
    pub(super) fn plan(&self) -> Result<FramePlan, ExportError> {
        let out = &self.output;
        super::check_output(&self.project, &self.base_dir, out)?;
        let container = Container::from_path(out)
            .ok_or_else(|| ExportError::UnknownFormat { path: out.clone() })?;
        // Subtitles never lengthen an export: cues past the last clip are cut at its end.
        let (from, to) = self.settings.span(&self.project);
        let rate = self.settings.frame_rate;
        let total = Time::frames(to - from, rate, Rounding::Ceil).max(0) as u64;
        if total == 0 {
            return Err(ExportError::Empty);
        }
        let soft = crate::render::has_subtitles(&self.project) && self.settings.soft_subtitles;
        Ok(FramePlan {
            total,
            from,
            size: even_size(self.settings.size, container),
            output: self.settings.output,
            burn: !soft,
        })
    }

    /// [`ExportJob::run`], its frames drawn by a render thread of its own — or, with
    /// `fed`, taken from that channel (the frames of [`FramePlan`], drawn elsewhere).
    pub(super) fn run_fed(
        &self,
        fed: Option<Receiver<Rendered>>,
        progress: Option<SyncSender<Progress>>,
        cancel: &Arc<AtomicBool>,
    ) -> Result<ExportSummary, ExportError> {
        let started = Instant::now();
        let out = &self.output;
        let plan = self.plan()?;
        let container = Container::from_path(out)
            .ok_or_else(|| ExportError::UnknownFormat { path: out.clone() })?;
        let (rate, total, (w, h), from) =
            (self.settings.frame_rate, plan.total, plan.size, plan.from);
        let mut enc = self.encode_settings(container, (w, h), total);
        let mixer = Mixer::between(
            &self.project,
            &self.base_dir,
            from,
            from + Time::from_frame(total as i64, rate),
        );
        enc.audio &= !mixer.is_silent();
        enc.soft_subtitles =
            crate::render::has_subtitles(&self.project) && self.settings.soft_subtitles;
        let soft_cues = if enc.soft_subtitles {
            let end = from + Time::from_frame(total as i64, rate);
            let soft = super::soft_subtitles(&self.project, end, self.settings.output, (w, h));
            enc.subtitle_header = Some(soft.header);
            shift_cues(soft.cues, from)
        } else {
            Vec::new()
        };
        let mut file = OutputFile::create(out, &enc)?;
        // A whole-clip GIF palette holds every picture until the end, then encodes them.
        let held_to_end = file.palette_mode() == Some(PaletteMode::WholeClip);
        let steps = if held_to_end { total * 2 } else { total };

        let (audio_tx, audio_rx) = sync_channel(AUDIO_QUEUE);
        let (frame_rx, render) = match fed {
            Some(rx) => (rx, None),
            None => {
                let (frame_tx, frame_rx) = sync_channel(FRAME_QUEUE);
                let (project, base, cancel) =
                    (self.project.clone(), self.base_dir.clone(), cancel.clone());
                let ahead = self.settings.portrait_look_ahead;
                let spawned = std::thread::Builder::new()
                    .name("export-render".to_owned())
                    .spawn(move || {
                        let plans = [(plan, frame_tx)];
                        render_thread(&project, &base, rate, ahead, &plans, &cancel)
                    });
                (frame_rx, Some(spawned))
            }
        };
        let mix = {
            let cancel = cancel.clone();
            let with_audio = enc.audio;
            std::thread::Builder::new()
                .name("export-mix".to_owned())
                .spawn(move || mix_thread(mixer, with_audio, &audio_tx, &cancel))
        };
        let worker_err = |what: &str| ExportError::Worker {
            path: out.clone(),
            what: what.to_owned(),
        };
        let (render, mix) = match (render.transpose(), mix) {
            (Ok(r), Ok(m)) => (r, m),
            _ => return Err(worker_err("could not start a thread")),
        };
        let result = self.encode_loop(
            &mut file,
            &frame_rx,
            &audio_rx,
            enc.audio,
            &soft_cues,
            (total, steps),
            started,
            progress.as_ref(),
            cancel,
        );
        // Unblock and stop the workers before joining them.
        drop(frame_rx);
        drop(audio_rx);
        let render_result = match render {
            Some(r) => r
                .join()
                .map_err(|_| worker_err("the render thread panicked"))?,
            None => Ok((0, 0)),
        };
        let mix_result = mix
            .join()
            .map_err(|_| worker_err("the mix thread panicked"))?;
        if cancel.load(Ordering::Relaxed) {
            return Err(ExportError::Cancelled { path: out.clone() });
        }
        // A worker's own error explains a closed channel better than the channel does.
        let (portrait_frames_without_face, sticker_frames_without_face) = render_result?;
        mix_result?;
        let frames = result?;
        let encoder = file.video_encoder().to_owned();
        let path = file.finish_with_progress(&mut |done, held| {
            if let Some(tx) = &progress {
                let stage = ExportStage::EncodingGif { done, total: held };
                let _ = tx.try_send(Progress::at(frames + done, steps, started, stage));
            }
        })?;
        Ok(ExportSummary {
            path,
            frames,
            encoder,
            elapsed: started.elapsed(),
            portrait_frames_without_face,
            sticker_frames_without_face,
        })
    }

    /// The encoder's settings for `container` at `size`, from the export's own.
    fn encode_settings(
        &self,
        container: Container,
        size: (u32, u32),
        total: u64,
    ) -> EncodeSettings {
        let rate = self.settings.frame_rate;
        let mut enc =
            EncodeSettings::for_container(container, size.0, size.1, (rate.num(), rate.den()));
        enc.crf = self.settings.crf;
        enc.encoder = self.settings.encoder.clone();
        enc.hardware = self.settings.hardware;
        enc.expected_frames = Some(total);
        if let Some(codec) = self.settings.codec {
            enc.codec = codec;
        }
        enc
    }

    #[allow(clippy::too_many_arguments)]
    fn encode_loop(
        &self,
        file: &mut OutputFile,
        frames: &Receiver<Rendered>,
        audio: &Receiver<Vec<f32>>,
        with_audio: bool,
        cues: &[super::SoftCue],
        (_, steps): (u64, u64),
        started: Instant,
        progress: Option<&SyncSender<Progress>>,
        cancel: &AtomicBool,
    ) -> Result<u64, ExportError> {
        let rate = self.settings.frame_rate;
        let mut samples_written: i64 = 0;
        let mut done = 0u64;
        let mut next_cue = 0;
        while let Ok(frame) = frames.recv() {
            if cancel.load(Ordering::Relaxed) {
                return Err(ExportError::Cancelled {
                    path: self.output.clone(),
                });
            }
            let frame_end = Time::from_frame(done as i64 + 1, rate);
            while let Some(cue) = cues.get(next_cue).filter(|c| c.start < frame_end) {
                file.push_cue(cue.start.flicks(), cue.end.flicks(), &cue.style, &cue.text)?;
                next_cue += 1;
            }
            match frame {
                Rendered::Yuv(p) => file.push_picture(p)?,
                Rendered::Rgba(f) => file.push_rgba(&f)?,
            }
            done += 1;
            // Keep the sound up to the end of this frame, so the muxer interleaves evenly.
            let until = Time::from_frame(done as i64, rate)
                .to_timebase(Rational::new(1, MIX_RATE).unwrap_or(rate), Rounding::Ceil);
            while with_audio && samples_written < until {
                let Ok(block) = audio.recv() else { break };
                samples_written += (block.len() / MIX_CHANNELS) as i64;
                file.push_audio(&block)?;
            }
            if let Some(tx) = progress {
                let _ = tx.try_send(Progress::at(done, steps, started, ExportStage::Frames));
            }
        }
        // Whatever sound is left (the last frame's tail).
        if with_audio {
            while let Ok(block) = audio.recv() {
                file.push_audio(&block)?;
            }
        }
        Ok(done)
    }
}

/// The cues of an export starting at `from`, timed from its start: those ending before it
/// are left out, one running across it starts at 0.
fn shift_cues(cues: Vec<super::SoftCue>, from: Time) -> Vec<super::SoftCue> {
    cues.into_iter()
        .filter(|c| c.end > from)
        .map(|c| super::SoftCue {
            start: (c.start - from).max(Time::ZERO),
            end: c.end - from,
            ..c
        })
        .collect()
}

/// Encoders want even sizes for 4:2:0; round odd sizes down (GIF takes any size).
fn even_size((w, h): (u32, u32), container: Container) -> (u32, u32) {
    if container == Container::Gif {
        (w.max(1), h.max(1))
    } else {
        ((w & !1).max(2), (h & !1).max(2))
    }
}

/// Draws every frame of each plan, in step: for each instant, each plan's output in turn
/// from the same decoded source frames, sent to that plan's channel. Returns how many clip
/// frames a portrait effect left alone for want of a face. `look_ahead`: see
/// [`ExportSettings::portrait_look_ahead`].
pub(super) fn render_thread(
    project: &Project,
    base: &Path,
    rate: Rational,
    look_ahead: bool,
    plans: &[(FramePlan, SyncSender<Rendered>)],
    cancel: &AtomicBool,
) -> Result<(u64, u64), ExportError> {
    let mut compositor = Compositor::new(base);
    compositor.set_portrait_look_ahead(look_ahead);
    let total = plans.iter().map(|(p, _)| p.total).max().unwrap_or(0);
    'frames: for i in 0..total {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        for (plan, tx) in plans.iter().filter(|(p, _)| i < p.total) {
            let t = plan.from + Time::from_frame(i as i64, rate);
            compositor.set_burn_subtitles(plan.burn);
            compositor.set_output(plan.output);
            let frame = compositor.render(project, t, plan.size)?;
            if tx.send(frame).is_err() {
                // An encoder stopped (error or cancel); it reports why.
                break 'frames;
            }
        }
    }
    Ok((
        compositor.portrait_frames_without_face(),
        compositor.sticker_frames_without_face(),
    ))
}

fn mix_thread(
    mut mixer: Mixer,
    with_audio: bool,
    tx: &SyncSender<Vec<f32>>,
    cancel: &AtomicBool,
) -> Result<(), ExportError> {
    if !with_audio {
        return Ok(());
    }
    while let Some(block) = mixer.next_block()? {
        if cancel.load(Ordering::Relaxed) || tx.send(block).is_err() {
            return Ok(());
        }
    }
    Ok(())
}
