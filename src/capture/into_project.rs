//! A finished recording joins a project: its file goes into the media pool and, when the
//! recording was started from the editor, onto the timeline as a video clip and a linked
//! audio clip. This is expressed as one [`Edit`], so the UI applies it through `History`
//! and a single undo takes the whole recording back out.

use std::path::Path;

use crate::media::{self, MediaError};
use crate::timeline::{
    apply, Clip, ClipId, Edit, EditError, MediaSource, Project, SourceId, SourceInfo, Time, Track,
    TrackId, TrackKind,
};

/// What the edit adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedRecording {
    /// The new media-pool entry.
    pub source: SourceId,
    /// The video clip, when placed on the timeline and the file has video.
    pub video_clip: Option<ClipId>,
    /// The audio clip (linked to the video clip), when placed and the file has sound.
    pub audio_clip: Option<ClipId>,
}

/// Why a recording could not be added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntoProjectError {
    /// The file could not be probed.
    #[error(transparent)]
    Probe(#[from] MediaError),
    /// The project refused the edit.
    #[error("adding the recording to the project failed: {0}")]
    Edit(#[from] EditError),
}

/// Where on the timeline a recording made in the editor lands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Landing {
    /// After everything already on the timeline.
    #[default]
    End,
    /// At the playhead.
    Playhead,
}

impl Landing {
    /// Every choice, in the order a menu shows them.
    pub const ALL: [Landing; 2] = [Landing::End, Landing::Playhead];

    /// The words a person reads for this choice.
    pub fn label(self) -> &'static str {
        match self {
            Landing::End => "At the end of the timeline",
            Landing::Playhead => "At the playhead",
        }
    }

    /// When the recording starts on the timeline of `project`.
    pub fn start(self, project: &Project, playhead: Time) -> Time {
        match self {
            Landing::End => project.clips_duration(),
            Landing::Playhead => playhead.max(Time::ZERO),
        }
    }
}

/// The track a new clip of `kind` spanning `[start, end)` goes on, or a new track's id and
/// the edit adding it (on top of the stack).
///
/// Sound goes on the first audio track with room. A picture must be seen: it goes on the
/// lowest free video track *above* every track showing something in that span, so a
/// recording placed over existing clips is never hidden under them.
fn track_for(
    project: &Project,
    kind: TrackKind,
    start: Time,
    end: Time,
    taken: &mut Vec<TrackId>,
    edits: &mut Vec<Edit>,
) -> TrackId {
    let overlaps = |t: &Track| t.clips.iter().any(|c| c.start < end && start < c.end());
    let lowest = match kind {
        TrackKind::Audio => 0,
        _ => project
            .tracks
            .iter()
            .rposition(|t| {
                t.kind != TrackKind::Audio && t.kind != TrackKind::Subtitle && overlaps(t)
            })
            .map_or(0, |i| i + 1),
    };
    if let Some(t) = project.tracks.iter().skip(lowest).find(|t| {
        t.kind == kind && !t.locked && !taken.contains(&t.id) && t.free_slot(start, end).is_some()
    }) {
        return t.id;
    }
    let base = project.next_track_id().0;
    let id = TrackId(base + taken.len() as u64);
    taken.push(id);
    let name = match kind {
        TrackKind::Audio => "Recorded sound",
        _ => "Recording",
    };
    edits.push(Edit::AddTrack {
        index: project.tracks.len() + edits.len(),
        track: Track::new(id, kind, name),
    });
    id
}

/// The edit that adds the recording at `path` (with the probed facts `info`) to the
/// media pool and, if `place_at` is given, puts it on the timeline there: video on the
/// first video track with room (a new one otherwise), sound on an audio track, linked;
/// with it the live markers saved beside the file (see [`super::live_markers`]).
pub fn recording_edit(
    project: &Project,
    path: &Path,
    info: SourceInfo,
    place_at: Option<Time>,
) -> (Edit, AddedRecording) {
    let source = project.next_source_id();
    let (has_video, has_audio, duration) =
        (info.video.is_some(), info.audio.is_some(), info.duration);
    let mut edits = vec![Edit::AddSource {
        source: MediaSource::new(source, path, info),
    }];
    let mut added = AddedRecording {
        source,
        video_clip: None,
        audio_clip: None,
    };
    if let Some(start) = place_at {
        let end = start + duration;
        let link = (has_video && has_audio).then(|| project.next_link_id());
        let mut taken = Vec::new();
        let mut next_clip = project.next_clip_id().0;
        for (wanted, kind) in [(has_video, TrackKind::Video), (has_audio, TrackKind::Audio)] {
            if !wanted {
                continue;
            }
            let track = track_for(project, kind, start, end, &mut taken, &mut edits);
            let id = ClipId(next_clip);
            next_clip += 1;
            let mut clip = Clip::media(id, source, start, Time::ZERO, duration);
            clip.name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            clip.link = link;
            edits.push(Edit::InsertClip { track, clip });
            match kind {
                TrackKind::Audio => added.audio_clip = Some(id),
                _ => added.video_clip = Some(id),
            }
        }
    }
    // Markers dropped while it was recorded land with it (in the same undo step).
    let marks = super::live_markers::read(path);
    let start = place_at.unwrap_or(Time::ZERO);
    edits.extend(super::live_markers::marker_edits(
        project, &marks, start, duration,
    ));
    (Edit::Batch { edits }, added)
}

/// Probes the finished recording at `path` and applies [`recording_edit`] to `project`,
/// returning what was added and the edit that undoes it.
pub fn add_recording(
    project: &mut Project,
    path: &Path,
    place_at: Option<Time>,
) -> Result<(AddedRecording, Edit), IntoProjectError> {
    let info = media::probe(path)?.source_info();
    let (edit, added) = recording_edit(project, path, info, place_at);
    let undo = apply(project, edit)?;
    Ok((added, undo))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{AudioInfo, Canvas, Rational, VideoInfo};

    fn info(secs: i64, audio: bool) -> SourceInfo {
        SourceInfo {
            duration: Time::from_secs(secs),
            video: Some(VideoInfo {
                width: 1280,
                height: 720,
                frame_rate: Rational::FPS_30,
                rotation_degrees: 0,
                codec: "h264".into(),
            }),
            audio: audio.then(|| AudioInfo {
                sample_rate: 48_000,
                channels: 2,
                codec: "aac".into(),
            }),
            is_still_image: false,
        }
    }

    /// Adds the recording `file` to `p` as one edit; what it added, and the edit undoing it.
    fn record_into(
        p: &mut Project,
        file: &str,
        info: SourceInfo,
        place_at: Option<Time>,
    ) -> (AddedRecording, Edit) {
        let (edit, added) = recording_edit(p, Path::new(file), info, place_at);
        (added, apply(p, edit).unwrap())
    }

    #[test]
    fn a_recording_with_sound_lands_as_linked_video_and_audio_clips() {
        let mut p = Project::new("test", Canvas::default());
        let (added, _) = record_into(&mut p, "rec.mp4", info(4, true), Some(Time::ZERO));
        assert_eq!(p.sources.len(), 1);
        let v = p.clip(added.video_clip.unwrap()).unwrap();
        let a = p.clip(added.audio_clip.unwrap()).unwrap();
        assert_eq!(v.duration(), Time::from_secs(4));
        assert_eq!(a.duration(), Time::from_secs(4));
        assert!(v.link.is_some() && v.link == a.link, "linked");
        assert_eq!(p.linked_clips(v.id).len(), 2);
    }

    #[test]
    fn a_recording_only_for_the_pool_adds_no_clips() {
        let mut p = Project::new("test", Canvas::default());
        let (added, _) = record_into(&mut p, "rec.mp4", info(4, true), None);
        assert_eq!(p.sources.len(), 1);
        assert_eq!(added.video_clip, None);
        assert_eq!(p.clips().count(), 0);
    }

    #[test]
    fn a_second_recording_at_the_same_time_goes_on_new_tracks() {
        let mut p = Project::new("test", Canvas::default());
        record_into(&mut p, "a.mp4", info(4, true), Some(Time::ZERO));
        let (added, undo) = record_into(&mut p, "b.mp4", info(2, false), Some(Time::ZERO));
        assert!(added.audio_clip.is_none());
        let tracks_with_clips = p.tracks.iter().filter(|t| !t.clips.is_empty()).count();
        assert_eq!(tracks_with_clips, 3);
        // One undo takes the whole second recording back out.
        apply(&mut p, undo).unwrap();
        assert_eq!(p.sources.len(), 1);
        assert_eq!(p.clips().count(), 2);
    }

    #[test]
    fn a_recording_at_the_playhead_over_clips_goes_on_a_track_above_them() {
        let mut p = Project::new("test", Canvas::default());
        let (first, _) = record_into(&mut p, "a.mp4", info(4, true), Some(Time::ZERO));
        // An empty video track under the first recording's: free, but hidden under it.
        apply(
            &mut p,
            Edit::AddTrack {
                index: 0,
                track: Track::new(TrackId(90), TrackKind::Video, "Empty"),
            },
        )
        .unwrap();
        let at = Landing::Playhead.start(&p, Time::from_secs(1));
        let (second, _) = record_into(&mut p, "b.mp4", info(2, true), Some(at));
        let index_of = |id| {
            p.tracks
                .iter()
                .position(|t| t.clips.iter().any(|c| c.id == id))
                .unwrap()
        };
        let below = index_of(first.video_clip.unwrap());
        let new = index_of(second.video_clip.unwrap());
        assert!(new > below, "the new picture is drawn over the old one");
        assert_eq!(
            p.clip(second.video_clip.unwrap()).unwrap().start,
            Time::from_secs(1)
        );
        let v = p.clip(second.video_clip.unwrap()).unwrap();
        assert_eq!(p.linked_clips(v.id).len(), 2, "sound linked");
    }

    #[test]
    fn a_second_recording_lands_after_the_first_on_the_same_tracks() {
        let mut p = Project::new("test", Canvas::default());
        let (first, _) = record_into(&mut p, "a.mp4", info(4, true), Some(Time::ZERO));
        let tracks = p.tracks.len();
        // The playhead is back at 0:00, but the recording goes after what is there.
        let at = Landing::End.start(&p, Time::ZERO);
        assert_eq!(at, Time::from_secs(4));
        let (second, _) = record_into(&mut p, "b.mp4", info(2, true), Some(at));
        assert_eq!(p.tracks.len(), tracks, "no new tracks needed");
        let track_of = |id| {
            p.tracks
                .iter()
                .find(|t| t.clips.iter().any(|c| c.id == id))
                .unwrap()
                .id
        };
        assert_eq!(
            track_of(first.video_clip.unwrap()),
            track_of(second.video_clip.unwrap())
        );
        assert_eq!(
            p.clip(second.audio_clip.unwrap()).unwrap().start,
            Time::from_secs(4)
        );
    }

    #[test]
    fn the_first_recording_in_an_empty_project_starts_at_zero() {
        let p = Project::new("test", Canvas::default());
        assert_eq!(Landing::End.start(&p, Time::from_secs(3)), Time::ZERO);
        assert_eq!(
            Landing::Playhead.start(&p, Time::from_secs(3)),
            Time::from_secs(3)
        );
    }
}
