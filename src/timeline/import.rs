//! Bringing media into a project: a probe result becomes a pool source, a recording
//! lands on the timeline as a linked video + audio pair, and sources whose files have
//! gone are marked missing (and relinked later). Before relinking, [`Project::relink_problems`]
//! says what the new file lacks or how much its length differs, so a wrong pick is caught
//! before every clip of the source silently changes.
//!
//! These helpers only *build* edits; the caller applies them through `History`, so an
//! import is one undo step. Checking whether a file exists is left to the caller, which
//! keeps this module free of file-system access.

use std::path::PathBuf;

use super::clip::{Clip, ClipId};
use super::edit::{Edit, EditError};
use super::project::{Canvas, Project};
use super::source::{MediaSource, SourceId, SourceInfo};
use super::speed::SpeedCurve;
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

/// Why a file may not stand in for a missing source. The blocking ones
/// ([`RelinkProblem::blocks`]) are refused; the others are put to the person to confirm.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RelinkProblem {
    /// The missing file had a picture and this one has none.
    #[error("it has no picture, and the missing file had one")]
    NoPicture,
    /// A still image for a video.
    #[error("it is a still image, and the missing file was a video")]
    StillForVideo,
    /// A video for a still image.
    #[error("it is a video, and the missing file was a still image")]
    VideoForStill,
    /// Clips on sound tracks play the source, and this file has no sound.
    #[error("it has no sound, and {clips} clip(s) play the missing file's sound")]
    NoSound {
        /// How many clips on sound tracks use the source.
        clips: usize,
    },
    /// The clips use more of the source than this file holds.
    #[error(
        "it is {:.1} s long, but the clips use the first {:.1} s of the missing file",
        .has.as_secs_f64(),
        .needed.as_secs_f64()
    )]
    TooShort {
        /// Where the last clip's range ends in the source.
        needed: Time,
        /// The new file's length.
        has: Time,
    },
    /// The lengths differ by more than [`LENGTH_TOLERANCE_PERCENT`] (and a second).
    #[error(
        "it is {:.1} s long, and the missing file was {:.1} s",
        .is.as_secs_f64(),
        .was.as_secs_f64()
    )]
    LengthDiffers {
        /// The missing file's length.
        was: Time,
        /// The new file's length.
        is: Time,
    },
}

/// How much, in percent, a relinked file's length may differ from the missing one's
/// before the person is asked; a re-encode or a remux changes it by far less.
pub const LENGTH_TOLERANCE_PERCENT: i64 = 10;

impl RelinkProblem {
    /// True when the file cannot stand in at all: clips would lose what they show.
    pub fn blocks(&self) -> bool {
        matches!(
            self,
            RelinkProblem::NoPicture | RelinkProblem::StillForVideo | RelinkProblem::VideoForStill
        )
    }
}

impl Project {
    /// What makes a file with facts `info` a doubtful or impossible stand-in for
    /// `source`: a missing picture or sound its clips use, another kind of media, or a
    /// length that does not match. Empty when it fits.
    pub fn relink_problems(
        &self,
        source: SourceId,
        info: &SourceInfo,
    ) -> Result<Vec<RelinkProblem>, EditError> {
        let old = &self
            .source(source)
            .ok_or(EditError::NoSuchSource(source))?
            .info;
        let mut problems = Vec::new();
        if old.video.is_some() && info.video.is_none() {
            problems.push(RelinkProblem::NoPicture);
        } else if old.video.is_some() && old.is_still_image != info.is_still_image {
            problems.push(if info.is_still_image {
                RelinkProblem::StillForVideo
            } else {
                RelinkProblem::VideoForStill
            });
        }
        let uses: Vec<(TrackKind, &Clip)> = self
            .clips()
            .filter(|(_, c)| c.source() == Some(source))
            .map(|(t, c)| (t.kind, c))
            .collect();
        let sound_clips = uses.iter().filter(|(k, _)| *k == TrackKind::Audio).count();
        if sound_clips > 0 && info.audio.is_none() {
            problems.push(RelinkProblem::NoSound { clips: sound_clips });
        }
        if info.is_still_image {
            // A still has no length of its own: any range of it shows the same picture.
            return Ok(problems);
        }
        let needed = uses
            .iter()
            .map(|(_, c)| match c.speed.curve {
                SpeedCurve::Freeze { .. } => c.source_in + Time::TICK,
                _ => c.source_out,
            })
            .max()
            .unwrap_or(Time::ZERO);
        if needed > info.duration {
            problems.push(RelinkProblem::TooShort {
                needed,
                has: info.duration,
            });
        } else if !old.is_still_image {
            let (was, is) = (old.duration, info.duration);
            let off = (was - is).0.unsigned_abs();
            let tolerance = (was.0.unsigned_abs() / 100) * LENGTH_TOLERANCE_PERCENT.unsigned_abs();
            if off > tolerance && off > Time::from_secs(1).0.unsigned_abs() {
                problems.push(RelinkProblem::LengthDiffers { was, is });
            }
        }
        Ok(problems)
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

    #[test]
    fn a_file_like_the_missing_one_relinks_without_questions() {
        let p = project();
        let mut info = recording_info();
        info.duration = Time::from_millis(60_400);
        assert_eq!(p.relink_problems(RECORDING, &info), Ok(vec![]));
    }

    #[test]
    fn a_still_image_or_a_sound_file_cannot_stand_in_for_a_video() {
        let p = project();
        let still = SourceInfo {
            duration: Time::from_secs(5),
            is_still_image: true,
            audio: None,
            ..recording_info()
        };
        let problems = p.relink_problems(RECORDING, &still).unwrap_or_default();
        assert_eq!(
            problems,
            vec![
                RelinkProblem::StillForVideo,
                RelinkProblem::NoSound { clips: 1 }
            ]
        );
        assert!(problems[0].blocks() && !problems[1].blocks());
        let sound = SourceInfo {
            video: None,
            ..recording_info()
        };
        let problems = p.relink_problems(RECORDING, &sound).unwrap_or_default();
        assert_eq!(problems, vec![RelinkProblem::NoPicture]);
    }

    #[test]
    fn a_file_shorter_than_the_clips_need_or_of_another_length_is_doubtful() {
        let p = project();
        // Clip 3 plays 40–45 s of the recording.
        let short = SourceInfo {
            duration: Time::from_secs(30),
            ..recording_info()
        };
        let problems = p.relink_problems(RECORDING, &short).unwrap_or_default();
        assert_eq!(
            problems,
            vec![RelinkProblem::TooShort {
                needed: Time::from_secs(45),
                has: Time::from_secs(30)
            }]
        );
        assert!(!problems[0].blocks());
        assert_eq!(
            problems[0].to_string(),
            "it is 30.0 s long, but the clips use the first 45.0 s of the missing file"
        );
        let long = SourceInfo {
            duration: Time::from_secs(600),
            ..recording_info()
        };
        assert_eq!(
            p.relink_problems(RECORDING, &long),
            Ok(vec![RelinkProblem::LengthDiffers {
                was: Time::from_secs(60),
                is: Time::from_secs(600)
            }])
        );
        assert_eq!(
            p.relink_problems(SourceId(99), &long),
            Err(EditError::NoSuchSource(SourceId(99)))
        );
    }
}
