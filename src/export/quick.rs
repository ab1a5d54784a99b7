//! Quick mode: a one-clip project made from a single file and a few options, so
//! `clipwright export --input SRC` runs exactly the same pipeline as a saved project.

use std::path::Path;

use crate::media::{self, MediaError, ProbeReport};
use crate::timeline::{
    Canvas, Clip, ClipId, LinkId, MediaSource, OutputId, Portrait, Project, Rational, Reframe,
    ReframeMode, Rounding, SourceId, SourceInfo, Speed, SpeedFactor, Time, Track, TrackId,
    TrackKind,
};

/// The options of quick mode.
#[derive(Clone, Debug, PartialEq)]
pub struct QuickOptions {
    /// Part of the source to use, as `(start, end)`; the whole file if `None`.
    pub trim: Option<(Time, Time)>,
    /// Playback speed.
    pub speed: SpeedFactor,
    /// Play backwards.
    pub reverse: bool,
    /// Frame size; the source's displayed size if `None`.
    pub canvas: Option<(u32, u32)>,
    /// Frame rate; the source's if `None`.
    pub frame_rate: Option<Rational>,
    /// How the picture fits a frame of another shape.
    pub fit: ReframeMode,
    /// Blur, remove or replace the background behind the person.
    pub portrait: Option<Portrait>,
}

impl Default for QuickOptions {
    fn default() -> Self {
        QuickOptions {
            trim: None,
            speed: SpeedFactor::NORMAL,
            reverse: false,
            canvas: None,
            frame_rate: None,
            fit: ReframeMode::Fit,
            portrait: None,
        }
    }
}

/// Why a quick project could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QuickError {
    /// The input could not be read.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// The input has no picture.
    #[error("{}: the file holds no video or image to export", path.display())]
    NoPicture { path: std::path::PathBuf },
    /// The trim leaves nothing.
    #[error("{}: the trim {start}..{end} leaves nothing of a file {length} long", path.display())]
    EmptyTrim {
        path: std::path::PathBuf,
        start: Time,
        end: Time,
        length: Time,
    },
}

/// Probes `input` and builds a project showing it (trimmed, at a speed, reframed).
pub fn quick_project(input: &Path, options: &QuickOptions) -> Result<Project, QuickError> {
    quick_project_and_probe(input, options).map(|(project, _)| project)
}

/// [`quick_project`], also returning the probe of `input` (to warn about a file that
/// was cut off, see [`ProbeReport::cut_off_from_us`]).
pub fn quick_project_and_probe(
    input: &Path,
    options: &QuickOptions,
) -> Result<(Project, ProbeReport), QuickError> {
    let report = media::probe(input)?;
    let info = source_info(&report);
    let Some(video) = info.video.clone() else {
        return Err(QuickError::NoPicture {
            path: input.to_owned(),
        });
    };
    let length = info.usable_end();
    let (start, end) = options.trim.unwrap_or((Time::ZERO, info.duration));
    let end = end.min(length);
    if end <= start {
        return Err(QuickError::EmptyTrim {
            path: input.to_owned(),
            start,
            end,
            length: info.duration,
        });
    }
    let canvas_size = options.canvas.unwrap_or_else(|| video.display_size());
    let frame_rate = options.frame_rate.unwrap_or(
        if video.frame_rate.num() == 0 || video.frame_rate.as_f64() > 240.0 {
            Rational::FPS_30
        } else {
            video.frame_rate
        },
    );
    let canvas = Canvas {
        width: canvas_size.0,
        height: canvas_size.1,
        frame_rate,
        ..Canvas::default()
    };
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut project = Project::new(name, canvas);
    let source = SourceId(1);
    let has_audio = info.audio.is_some();
    project.sources.push(MediaSource::new(source, input, info));

    let mut speed = Speed::constant(options.speed);
    speed.reverse = options.reverse;
    let mut clip = Clip::media(ClipId(1), source, Time::ZERO, start, end);
    clip.speed = speed;
    clip.effects.portrait = options.portrait.clone();
    clip.reframes.insert(
        OutputId::MAIN,
        Reframe {
            mode: options.fit,
            crop: Default::default(),
        },
    );
    let mut video_track = Track::new(TrackId(1), TrackKind::Video, "Video");
    if has_audio {
        clip.link = Some(LinkId(1));
        let mut sound = clip.clone();
        sound.id = ClipId(2);
        sound.reframes.clear();
        let mut audio_track = Track::new(TrackId(2), TrackKind::Audio, "Audio");
        audio_track.clips.push(sound);
        video_track.clips.push(clip);
        project.tracks.push(video_track);
        project.tracks.push(audio_track);
    } else {
        video_track.clips.push(clip);
        project.tracks.push(video_track);
    }
    Ok((project, report))
}

/// The timeline's view of a probe, with the clip length taken from the picture's own
/// stream: a sound track running a little longer must not stretch the last frame.
pub fn source_info(report: &ProbeReport) -> SourceInfo {
    let mut info = report.source_info();
    if !info.is_still_image {
        if let Some(us) = report.video().and_then(|(s, _)| s.duration_us) {
            let micro = Rational::new(1, 1_000_000).unwrap_or(Rational::FPS_30);
            info.duration = Time::from_timebase(us, micro, Rounding::Nearest);
        }
    }
    info
}
