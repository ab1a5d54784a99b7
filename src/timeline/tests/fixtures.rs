//! A small, realistic project used by the tests: one screen recording (video + linked
//! audio), a still image, a text overlay and an English subtitle track.

use std::path::PathBuf;

use crate::timeline::*;

pub(crate) fn s(secs: i64) -> Time {
    Time::from_secs(secs)
}

pub(crate) fn ms(millis: i64) -> Time {
    Time::from_millis(millis)
}

pub(crate) const VIDEO: TrackId = TrackId(1);
pub(crate) const OVERLAY: TrackId = TrackId(2);
pub(crate) const AUDIO: TrackId = TrackId(3);
pub(crate) const SUBS: TrackId = TrackId(4);
pub(crate) const RECORDING: SourceId = SourceId(1);
pub(crate) const STILL: SourceId = SourceId(2);

/// The 60 s, 1080p screen recording of [`project`].
pub(crate) fn recording_info() -> SourceInfo {
    recording_info_of(1920, 1080, 60)
}

/// A screen recording as the recorder writes it: `width`×`height` H.264 at 30 fps with
/// 48 kHz stereo AAC, `seconds` long.
pub(crate) fn recording_info_of(width: u32, height: u32, seconds: i64) -> SourceInfo {
    SourceInfo {
        duration: s(seconds),
        video: Some(VideoInfo {
            width,
            height,
            frame_rate: Rational::FPS_30,
            rotation_degrees: 0,
            codec: "h264".into(),
        }),
        audio: Some(AudioInfo {
            sample_rate: 48_000,
            channels: 2,
            codec: "aac".into(),
        }),
        is_still_image: false,
    }
}

/// Video track: clip 1 at 0–10 s (source 0–10, linked to audio clip 11), clip 2 at
/// 10–20 s (source 20–30), clip 3 at 25–30 s (source 40–45). Overlay: text clip 21 at
/// 2–5 s. Audio: clip 11 at 0–10 s. Subtitles: two cues. One marker at 22 s.
pub(crate) fn project() -> Project {
    let mut p = Project::new("Test", Canvas::default());
    p.sources.push(MediaSource::new(
        RECORDING,
        "/media/recording.mp4",
        recording_info(),
    ));
    p.sources.push(MediaSource::new(
        STILL,
        "/media/logo.png",
        SourceInfo {
            duration: s(5),
            video: None,
            audio: None,
            is_still_image: true,
        },
    ));
    let mut video = Track::new(VIDEO, TrackKind::Video, "Video");
    let mut a = Clip::media(ClipId(1), RECORDING, s(0), s(0), s(10));
    a.link = Some(LinkId(1));
    video.clips = vec![
        a,
        Clip::media(ClipId(2), RECORDING, s(10), s(20), s(30)),
        Clip::media(ClipId(3), RECORDING, s(25), s(40), s(45)),
    ];
    let mut overlay = Track::new(OVERLAY, TrackKind::Overlay, "Titles");
    overlay.clips = vec![Clip::text(
        ClipId(21),
        "Hello",
        TextStyle::default(),
        s(2),
        s(3),
    )];
    let mut audio = Track::new(AUDIO, TrackKind::Audio, "Audio");
    let mut a_audio = Clip::media(ClipId(11), RECORDING, s(0), s(0), s(10));
    a_audio.link = Some(LinkId(1));
    audio.clips = vec![a_audio];
    let mut subs = Track::new(SUBS, TrackKind::Subtitle, "English");
    subs.language = Some("en".into());
    subs.cues = vec![
        SubtitleCue::new(CueId(1), s(1), s(3), "Welcome to the stream"),
        SubtitleCue::new(CueId(2), s(4), s(6), "Let's go"),
    ];
    p.tracks = vec![video, overlay, audio, subs];
    p.markers
        .push(Marker::point(MarkerId(1), s(22), "Highlight"));
    p
}

/// Trims the `edge` of `clip` to `to`, moving the clips after it along if `ripple`.
pub(crate) fn trim(clip: ClipId, edge: Edge, to: Time, ripple: bool) -> Edit {
    Edit::TrimClip {
        clip,
        edge,
        to,
        ripple,
    }
}

/// Moves `clip` (and its linked partners along) to `start` on `track`.
pub(crate) fn move_clip(clip: ClipId, track: TrackId, start: Time) -> Edit {
    Edit::MoveClip { clip, track, start }
}

/// Cuts `clip` (and its linked partners) in two at `at`.
pub(crate) fn split_clip(clip: ClipId, at: Time) -> Edit {
    Edit::SplitClip { clip, at }
}

/// Moves the cut between `clip` and the clip right after it to `to`.
pub(crate) fn roll_edit(clip: ClipId, to: Time) -> Edit {
    Edit::RollEdit { clip, to }
}

/// Closes the gap on `track` at `at`, pulling the later clips left.
pub(crate) fn close_gap(track: TrackId, at: Time) -> Edit {
    Edit::CloseGap { track, at }
}

/// A new temporary folder (deleted when dropped) and the path of `name` in it.
pub(crate) fn temp_path(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}

/// A new temporary folder holding one file, `name`, of `contents`; and the file's path.
pub(crate) fn temp_file(name: &str, contents: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = temp_path(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

/// Applies `edit`, panicking with the error if it fails.
pub(crate) fn run(p: &mut Project, edit: Edit) -> Edit {
    match apply(p, edit.clone()) {
        Ok(inverse) => inverse,
        Err(e) => panic!("{edit:?} failed: {e}"),
    }
}

/// The (start, end, source_in, source_out) of a clip, in milliseconds, for compact asserts.
pub(crate) fn span(p: &Project, id: u64) -> (i64, i64, i64, i64) {
    let c = p.clip(ClipId(id)).unwrap_or_else(|| panic!("no clip {id}"));
    let m = |t: Time| t.0 / (FLICKS_PER_SECOND / 1000);
    (m(c.start), m(c.end()), m(c.source_in), m(c.source_out))
}

/// The output [`tall_output_project`] adds: 1080×1920 with TikTok's safe area.
pub(crate) const TALL: OutputId = OutputId(1);

/// An empty-canvas project with one English subtitle track (cue "Hi" at 0–1 s) and, beside
/// the main output, the tall output [`TALL`].
pub(crate) fn tall_output_project() -> Project {
    let mut p = Project::new("p", Canvas::default());
    let mut track = Track::new(TrackId(1), TrackKind::Subtitle, "en");
    track
        .cues
        .push(SubtitleCue::new(CueId(1), Time::ZERO, s(1), "Hi"));
    p.tracks.push(track);
    p.outputs.push(OutputFormat {
        id: TALL,
        name: "TikTok".into(),
        width: 1080,
        height: 1920,
        safe_area: SafeArea::TikTok,
    });
    p
}
