//! Builders the export, preview and subtitle tests share: an export job on the software
//! encoders, a project holding a media file, a subtitle track of cues, and a decoded
//! picture as RGBA. Each test used to spell these out by hand.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use clipwright::export::{quick_project, ExportJob, ExportSettings, ExportSummary, QuickOptions};
use clipwright::media::{
    AudioRange, PixelRect, Quality, RgbaFrame, Scaler, VideoDecoder, VideoFrame,
};
use clipwright::timeline::{
    Canvas, Clip, ClipId, CueId, MediaSource, Project, SourceId, SubtitleCue, Time, Track, TrackId,
    TrackKind,
};

/// An export of `project` to `output` with the settings it asks for, on the software
/// encoders: what it writes must not depend on the machine's GPU.
pub fn export_job(project: Project, output: &Path) -> ExportJob {
    let mut settings = ExportSettings::for_project(&project);
    settings.hardware = false;
    ExportJob {
        project: Arc::new(project),
        base_dir: ".".into(),
        output: output.to_owned(),
        settings,
    }
}

/// The quick project (one clip, canvas and rate from the file) of the first `length` of
/// the generated file `fixture`.
pub fn opening_of(fixture: &super::Fixture, length: Time) -> Project {
    let options = QuickOptions {
        trim: Some((Time::ZERO, length)),
        ..QuickOptions::default()
    };
    quick_project(&super::fixture(fixture), &options).unwrap()
}

/// A cancel flag that nobody sets.
pub fn never() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}

/// Runs `job` to its end, nobody cancelling and nobody listening to its progress; fails
/// the test when it fails.
pub fn finish(job: &ExportJob) -> ExportSummary {
    job.run(None, &never()).unwrap()
}

/// Exports `project` to `output` as [`export_job`] makes it; fails the test when it fails.
pub fn export(project: Project, output: &Path) -> ExportSummary {
    finish(&export_job(project, output))
}

/// Adds the file `path` to `project` as source `id`, with what a probe says of it.
pub fn add_source(project: &mut Project, id: SourceId, path: &Path) {
    let info = clipwright::media::probe(path).unwrap().source_info();
    project.sources.push(MediaSource::new(id, path, info));
}

/// A project called `name` on the default canvas, holding `path` as source 1 and no track.
pub fn project_with_source(name: &str, path: &Path) -> Project {
    let mut project = Project::new(name, Canvas::default());
    add_source(&mut project, SourceId(1), path);
    project
}

/// A project called `name` holding `file` as source 1 and `clip` (of it) alone on an
/// audio track.
pub fn sound_project(name: &str, file: &Path, clip: Clip) -> Project {
    let mut project = project_with_source(name, file);
    let mut sound = Track::new(TrackId(1), TrackKind::Audio, "sound");
    sound.clips.push(clip);
    project.tracks.push(sound);
    project
}

/// A clip of `source` from the source's start, placed at the start of the timeline.
pub fn clip_from_start(id: ClipId, source: SourceId, length: Time) -> Clip {
    Clip::media(id, source, Time::ZERO, Time::ZERO, length)
}

/// A subtitle track `id` called "en" holding one cue per `(start ms, end ms, text)`.
pub fn subtitle_track(id: TrackId, cues: &[(i64, i64, &str)]) -> Track {
    let mut track = Track::new(id, TrackKind::Subtitle, "en");
    for (n, &(start, end, text)) in (1..).zip(cues) {
        let (start, end) = (Time::from_millis(start), Time::from_millis(end));
        track
            .cues
            .push(SubtitleCue::new(CueId(n), start, end, text));
    }
    track
}

/// The sound of a file from `start` to `end` (ticks of its own timeline), forwards at
/// normal speed.
pub fn audio_range(start: i64, end: i64) -> AudioRange {
    AudioRange {
        start,
        end,
        speed_micro: 1_000_000,
        keep_pitch: true,
        reverse: false,
    }
}

/// All of `frame` as RGBA at `size`.
pub fn rgba(frame: &VideoFrame, (width, height): (u32, u32), quality: Quality) -> RgbaFrame {
    let whole = PixelRect::full(width, height);
    frame
        .to_rgba(whole, width, height, quality, &mut Scaler::new())
        .unwrap()
}

/// The picture a fresh decoder of `path` shows at `time` (ticks), as RGBA at its display
/// size and export quality.
pub fn decoded_frame(path: &Path, time: i64) -> RgbaFrame {
    let mut decoder = VideoDecoder::open(path).unwrap();
    let size = decoder.display_size();
    rgba(decoder.frame_at(time).unwrap(), size, Quality::Export)
}
