//! Subtitle files brought into a project for export: `--subtitles FILE` puts the file's
//! cues on a new subtitle track, at timeline times.

use std::path::Path;

use crate::subtitles::{self, SubtitleError};
use crate::timeline::{CueId, Project, SubtitleCue, Time, Track, TrackKind};

/// Reads a subtitle file (SRT, WebVTT, ASS) onto a new subtitle track of `project`, its
/// times taken as timeline times.
pub fn add_subtitle_file(project: &mut Project, path: &Path) -> Result<(), SubtitleError> {
    let (doc, _warnings) = subtitles::read_file(path)?;
    let mut track = Track::new(project.next_track_id(), TrackKind::Subtitle, "Subtitles");
    let mut next = project.next_cue_id().0;
    for cue in doc.dialogue() {
        let text = doc.plain_text(cue);
        if text.trim().is_empty() || cue.end_ms <= cue.start_ms {
            continue;
        }
        track.cues.push(SubtitleCue::new(
            CueId(next),
            Time::from_millis(cue.start_ms),
            Time::from_millis(cue.end_ms),
            text,
        ));
        next += 1;
    }
    track.cues.sort_by_key(|c| c.start);
    project.tracks.push(track);
    Ok(())
}
