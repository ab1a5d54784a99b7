//! Bringing media into a project: a probe result becomes a pool source, a recording
//! lands on the timeline as a linked video + audio pair, and sources whose files have
//! gone are marked missing (and relinked later).
//!
//! These helpers only *build* edits; the caller applies them through `History`, so an
//! import is one undo step. Checking whether a file exists is left to the caller, which
//! keeps this module free of file-system access.

use std::path::PathBuf;

use super::clip::{Clip, ClipId};
use super::edit::{Edit, EditError};
use super::project::{Canvas, Project};
use super::source::{MediaSource, SourceId, SourceInfo};
use super::time::Time;
use super::track::{Track, TrackId, TrackKind};

impl Project {
    /// The edit adding a file to the media pool, with the id it will have.
    pub fn add_source_edit(&self, path: impl Into<PathBuf>, info: SourceInfo) -> (SourceId, Edit) {
        let id = self.next_source_id();
        let source = MediaSource::new(id, path, info);
        (id, Edit::AddSource { source })
    }

    /// The edit placing all of `source` at `at`: its picture on `video_track` and its
    /// sound on `audio_track` (either may be `None`), linked when both are placed.
    pub fn place_source_edit(
        &self,
        source: SourceId,
        at: Time,
        video_track: Option<TrackId>,
        audio_track: Option<TrackId>,
    ) -> Result<Edit, EditError> {
        let src = self.source(source).ok_or(EditError::NoSuchSource(source))?;
        let has_picture = src.info.video.is_some() || src.info.is_still_image;
        let length = src.info.duration.max(Time::TICK);
        let mut clips = Vec::new();
        if let (true, Some(track)) = (has_picture, video_track) {
            clips.push((
                track,
                Clip::media(self.next_clip_id(), source, at, Time::ZERO, length),
            ));
        }
        if let (true, Some(track)) = (src.info.audio.is_some(), audio_track) {
            let id = ClipId(self.next_clip_id().0.saturating_add(clips.len() as u64));
            clips.push((track, Clip::media(id, source, at, Time::ZERO, length)));
        }
        if clips.is_empty() {
            return Err(EditError::Invalid(format!(
                "{} has nothing to place on the given tracks",
                src.display_name()
            )));
        }
        if clips.len() == 2 {
            let link = self.next_link_id();
            for (_, c) in &mut clips {
                c.link = Some(link);
            }
        }
        Ok(Edit::Batch {
            edits: clips
                .into_iter()
                .map(|(track, clip)| Edit::InsertClip { track, clip })
                .collect(),
        })
    }

    /// A new project for a fresh recording: canvas sized and timed like the video, a
    /// video, an audio and a subtitle track, and the recording placed at zero.
    pub fn from_recording(
        name: impl Into<String>,
        path: impl Into<PathBuf>,
        info: SourceInfo,
    ) -> Project {
        let mut canvas = Canvas::default();
        if let Some(v) = &info.video {
            let (w, h) = v.display_size();
            if w > 0 && h > 0 {
                (canvas.width, canvas.height) = (w.min(16384), h.min(16384));
            }
            canvas.frame_rate = v.frame_rate;
        }
        let mut project = Project::new(name, canvas);
        project.tracks = vec![
            Track::new(TrackId(1), TrackKind::Video, "Video"),
            Track::new(TrackId(2), TrackKind::Audio, "Audio"),
            Track::new(TrackId(3), TrackKind::Subtitle, "Subtitles"),
        ];
        let (id, add) = project.add_source_edit(path, info);
        // Both edits only add to an empty project, so they cannot fail; if they somehow
        // did, the project would simply stay empty.
        let _ = super::edit::apply(&mut project, add);
        if let Ok(place) =
            project.place_source_edit(id, Time::ZERO, Some(TrackId(1)), Some(TrackId(2)))
        {
            let _ = super::edit::apply(&mut project, place);
        }
        project
    }

    /// The edit updating every source's `missing` flag from `exists` (which the caller
    /// answers from the file system), or `None` if nothing changed.
    pub fn refresh_missing_edit(&self, exists: impl Fn(&MediaSource) -> bool) -> Option<Edit> {
        let edits: Vec<Edit> = self
            .sources
            .iter()
            .filter_map(|s| {
                let missing = !exists(s);
                (missing != s.missing).then(|| Edit::UpdateSource {
                    source: MediaSource {
                        missing,
                        ..s.clone()
                    },
                })
            })
            .collect();
        (!edits.is_empty()).then_some(Edit::Batch { edits })
    }

    /// The edit pointing `source` at a new file with freshly probed facts.
    pub fn relink_edit(
        &self,
        source: SourceId,
        path: impl Into<PathBuf>,
        info: SourceInfo,
    ) -> Result<Edit, EditError> {
        let old = self.source(source).ok_or(EditError::NoSuchSource(source))?;
        Ok(Edit::UpdateSource {
            source: MediaSource {
                id: old.id,
                path: path.into(),
                info,
                missing: false,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::tests::fixtures::{project, recording_info, run, RECORDING};

    #[test]
    fn a_recording_lands_as_a_linked_video_and_audio_pair() {
        let p = Project::from_recording("Stream", "/rec/stream.mp4", recording_info());
        assert_eq!(crate::timeline::validate::validate(&p), Ok(()));
        assert_eq!((p.canvas.width, p.canvas.height), (1920, 1080));
        let video = &p.tracks[0].clips;
        let audio = &p.tracks[1].clips;
        assert_eq!((video.len(), audio.len()), (1, 1));
        assert!(video[0].link.is_some() && video[0].link == audio[0].link);
        assert_eq!(video[0].duration(), Time::from_secs(60));
    }

    #[test]
    fn missing_files_are_flagged_and_relinking_clears_the_flag() {
        let mut p = project();
        let edit = p.refresh_missing_edit(|s| s.id != RECORDING);
        run(&mut p, edit.unwrap_or(Edit::Batch { edits: vec![] }));
        assert!(p.source(RECORDING).is_some_and(|s| s.missing));
        assert!(p.refresh_missing_edit(|s| s.id != RECORDING).is_none());
        let relink = p.relink_edit(RECORDING, "/found/recording.mp4", recording_info());
        run(&mut p, relink.unwrap_or(Edit::Batch { edits: vec![] }));
        let s = p.source(RECORDING);
        assert!(
            s.is_some_and(|s| !s.missing && s.path == std::path::Path::new("/found/recording.mp4"))
        );
    }
}
