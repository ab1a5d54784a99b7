//! A source whose file is still being recorded: as the file grows, the source's facts
//! (its length above all) are brought up to date and the clips that reach its end so far
//! grow with it, so what was cut from the recorded part stays as it was while the clip
//! at the live edge keeps up with the recording.
//!
//! Growing is not an undo step: nobody asked for it, and undoing it would only shrink
//! the clip back until the next fragment arrives. It goes through [`crate::timeline::apply`]
//! like every edit, straight onto the project, and marks it changed.
//!
//! The history keeps clips as they were when a step was taken, so undoing a split made
//! while recording would bring the whole clip back with the end the recording had then,
//! and it would grow no more. The editor remembers every end a growing source has had:
//! a clip that undo or redo puts back ending at one of them was at the live edge then,
//! and is taken to the live edge now (unless the next clip on its track is in the way).
//! A clip trimmed on purpose to exactly where an earlier look found the recording's end
//! is taken for one at the live edge too.

use crate::timeline::{apply, Clip, ClipContent, Edit, EditError, SourceId, SourceInfo};

use super::Editor;

impl Editor {
    /// Sets the facts of the growing source `id` to `info` and lengthens each of its
    /// clips that ended at the source's end so far to the new end (a clip that would run
    /// into the next one on its track stays as it is). Returns whether anything changed;
    /// an error when the source is no longer in the project.
    pub fn grow_source(&mut self, id: SourceId, info: SourceInfo) -> Result<bool, EditError> {
        let Some(source) = self.project.source(id) else {
            return Err(EditError::NoSuchSource(id));
        };
        let old_end = source.info.usable_end();
        if source.info == info {
            return Ok(false);
        }
        let mut updated = source.clone();
        updated.info = info;
        let new_end = updated.info.usable_end();
        apply(&mut self.project, Edit::UpdateSource { source: updated })?;
        self.live_ends.entry(id).or_default().insert(old_end);
        if new_end > old_end {
            let growing: Vec<_> = self
                .project
                .clips()
                .map(|(_, c)| c)
                .filter(|c| {
                    matches!(c.content, ClipContent::Media { source } if source == id)
                        && c.source_out == old_end
                        && c.source_in < c.source_out
                })
                .cloned()
                .collect();
            for mut clip in growing {
                clip.source_out = new_end;
                // Blocked by the next clip on the track: this one keeps its length.
                let _ = apply(&mut self.project, Edit::UpdateClip { clip });
            }
        }
        self.dirty = true;
        self.revision += 1;
        Ok(true)
    }

    /// The clips of growing sources, as they are now: what undo and redo are compared
    /// with by [`Editor::regrow_live_edges`].
    pub(super) fn live_clips(&self) -> Vec<Clip> {
        if self.live_ends.is_empty() {
            return Vec::new();
        }
        self.project
            .clips()
            .map(|(_, c)| c)
            .filter(|c| self.live_source(c).is_some())
            .cloned()
            .collect()
    }

    fn live_source(&self, clip: &Clip) -> Option<SourceId> {
        match clip.content {
            ClipContent::Media { source } if self.live_ends.contains_key(&source) => Some(source),
            _ => None,
        }
    }

    /// After an undo or redo: each clip it put back (differing from `before`) that ends
    /// where a growing source ended at an earlier look is lengthened to the source's end
    /// now, outside the history like [`Editor::grow_source`].
    pub(super) fn regrow_live_edges(&mut self, before: &[Clip]) {
        let stale: Vec<Clip> = self
            .project
            .clips()
            .map(|(_, c)| c)
            .filter(|c| !before.contains(c))
            .filter_map(|c| {
                let source = self.project.source(self.live_source(c)?)?;
                let end = source.info.usable_end();
                let was_edge = self.live_ends.get(&source.id)?.contains(&c.source_out);
                (was_edge && c.source_out < end && c.source_in < c.source_out).then(|| {
                    let mut grown = c.clone();
                    grown.source_out = end;
                    grown
                })
            })
            .collect();
        for clip in stale {
            // Blocked by the next clip on the track: this one keeps its length.
            let _ = apply(&mut self.project, Edit::UpdateClip { clip });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::capture::into_project::AddedRecording;
    use crate::timeline::{SourceInfo, Time};

    use super::*;

    fn info(secs: i64) -> SourceInfo {
        crate::timeline::tests::fixtures::recording_info_of(640, 360, secs)
    }

    /// A new editor with `live.mp4`, `secs` long so far, recorded onto the timeline at 0.
    fn live_recording(secs: i64) -> (Editor, AddedRecording) {
        let mut editor = Editor::new();
        let added = editor
            .add_recording(Path::new("live.mp4"), info(secs), Time::ZERO)
            .unwrap();
        (editor, added)
    }

    /// Where every clip ends, earliest first.
    fn clip_ends(editor: &Editor) -> Vec<Time> {
        let mut ends: Vec<Time> = editor.project.clips().map(|(_, c)| c.end()).collect();
        ends.sort();
        ends
    }

    #[test]
    fn the_live_edge_grows_and_what_was_split_off_before_stays() {
        let (mut editor, added) = live_recording(2);
        let video = added.video_clip.unwrap();
        let source = added.source;
        editor.playhead = Time::from_secs(1);
        editor.selection = [video].into();
        editor.split_at_playhead().unwrap();
        let steps = editor.history.undo_len();

        assert!(editor.grow_source(source, info(5)).unwrap());
        assert_eq!(
            editor.project.source(source).unwrap().info.duration,
            Time::from_secs(5)
        );
        let first = editor.project.clip(video).unwrap();
        assert_eq!(first.end(), Time::from_secs(1), "the part split off stays");
        assert_eq!(
            clip_ends(&editor),
            vec![
                Time::from_secs(1),
                Time::from_secs(1),
                Time::from_secs(5),
                Time::from_secs(5)
            ],
            "picture and sound at the live edge grow together"
        );
        assert_eq!(editor.history.undo_len(), steps, "growing is no undo step");
        assert!(!editor.grow_source(source, info(5)).unwrap(), "nothing new");
    }

    #[test]
    fn a_clip_blocked_by_the_next_one_keeps_its_length() {
        let (mut editor, live) = live_recording(2);
        editor
            .add_recording(Path::new("other.mp4"), info(3), Time::from_secs(2))
            .unwrap();
        editor.grow_source(live.source, info(6)).unwrap();
        let v = editor.project.clip(live.video_clip.unwrap()).unwrap();
        assert_eq!(v.end(), Time::from_secs(2));
    }

    #[test]
    fn undoing_and_redoing_a_split_made_while_recording_keeps_the_live_edge_growing() {
        let (mut editor, added) = live_recording(2);
        let (source, video) = (added.source, added.video_clip.unwrap());
        editor.grow_source(source, info(3)).unwrap();
        editor.playhead = Time::from_secs(1);
        editor.selection = [video].into();
        editor.split_at_playhead().unwrap();
        editor.grow_source(source, info(4)).unwrap();

        assert!(editor.undo().unwrap());
        assert_eq!(editor.project.clips().count(), 2, "one clip each track");
        assert_eq!(
            clip_ends(&editor),
            vec![Time::from_secs(4); 2],
            "whole again"
        );
        editor.grow_source(source, info(5)).unwrap();
        assert_eq!(
            clip_ends(&editor),
            vec![Time::from_secs(5); 2],
            "the restored clip grows on"
        );

        assert!(editor.redo().unwrap());
        let s = Time::from_secs;
        assert_eq!(
            clip_ends(&editor),
            vec![s(1), s(1), s(5), s(5)],
            "split again"
        );
        editor.grow_source(source, info(6)).unwrap();
        assert_eq!(
            clip_ends(&editor),
            vec![s(1), s(1), s(6), s(6)],
            "and growing"
        );
        assert_eq!(
            editor.project.clip(video).unwrap().end(),
            s(1),
            "what was cut off stays cut"
        );
    }

    #[test]
    fn a_source_gone_from_the_project_is_an_error() {
        let mut editor = Editor::new();
        assert!(editor.grow_source(SourceId(9), info(1)).is_err());
    }
}
