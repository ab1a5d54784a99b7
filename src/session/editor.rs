//! The open project as the app holds it: the model, its undo history, the playhead and
//! the selection. Every change goes through [`Editor::apply`], which records it in the
//! history, so the UI only ever emits `Edit` values and never mutates the project itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::capture::into_project::{recording_edit, AddedRecording};
use crate::timeline::{
    file, ClipId, Edit, EditError, History, OutputFormat, OutputId, Project, ProjectFile,
    ProjectFileError, SourceId, SourceInfo, Time, Track, TrackId, TrackKind,
};

/// How long a sticker added from the gallery lasts.
pub const STICKER_LENGTH: Time = Time::from_secs(3);

/// The project being edited and everything the editor knows about it.
#[derive(Debug)]
pub struct Editor {
    /// The model.
    pub project: Project,
    /// Undo and redo.
    pub history: History,
    /// Where the project was last saved or opened from.
    pub path: Option<PathBuf>,
    /// Changed since the last save.
    pub dirty: bool,
    /// The time shown in the preview.
    pub playhead: Time,
    /// Selected clips.
    pub selection: BTreeSet<ClipId>,
    /// Counts changes to the project, so views can tell when to redraw from it.
    pub revision: u64,
    /// The output the preview shows and the crop window edits (see [`Editor::output`]).
    pub output: OutputId,
    /// Each growing source's ends so far (see [`Editor::grow_source`]).
    pub(super) live_ends: BTreeMap<SourceId, BTreeSet<Time>>,
}

impl Default for Editor {
    fn default() -> Self {
        Editor::new()
    }
}

impl Editor {
    /// The output being worked on: the one chosen, or the main output once the chosen one
    /// is gone (removed, or its adding undone).
    pub fn output(&self) -> OutputFormat {
        self.project
            .output(self.output)
            .or_else(|| self.project.output(OutputId::MAIN))
            .unwrap_or_else(|| OutputFormat {
                id: OutputId::MAIN,
                name: String::new(),
                width: self.project.canvas.width,
                height: self.project.canvas.height,
                safe_area: Default::default(),
            })
    }

    /// A new, empty project with one video and one audio track.
    pub fn new() -> Editor {
        let mut project = Project::new("Untitled", Default::default());
        project
            .tracks
            .push(Track::new(TrackId(1), TrackKind::Video, "Video 1"));
        project
            .tracks
            .push(Track::new(TrackId(2), TrackKind::Audio, "Audio 1"));
        Editor::of(project, History::default(), None)
    }

    /// An editor on `project` as it was opened from `path` (none for a new one): clean,
    /// playhead at the start, nothing selected.
    fn of(project: Project, history: History, path: Option<PathBuf>) -> Editor {
        Editor {
            project,
            history,
            path,
            dirty: false,
            playhead: Time::ZERO,
            selection: BTreeSet::new(),
            revision: 0,
            output: OutputId::MAIN,
            live_ends: BTreeMap::new(),
        }
    }

    /// Applies one edit through the history (merged into the open gesture, if any). An
    /// edit that changes nothing leaves the project clean and takes no undo step.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        if self.history.apply(&mut self.project, edit)? {
            self.changed();
        }
        Ok(())
    }

    /// Undoes the last step; false when there is none.
    pub fn undo(&mut self) -> Result<bool, EditError> {
        self.step_through_history(History::undo)
    }

    /// Redoes the last undone step; false when there is none.
    pub fn redo(&mut self) -> Result<bool, EditError> {
        self.step_through_history(History::redo)
    }

    /// Undoes or redoes (`step`) one step, keeping growing clips' edges as they were.
    fn step_through_history(
        &mut self,
        step: fn(&mut History, &mut Project) -> Result<bool, EditError>,
    ) -> Result<bool, EditError> {
        let before = self.live_clips();
        let done = step(&mut self.history, &mut self.project)?;
        if done {
            self.regrow_live_edges(&before);
            self.changed();
        }
        Ok(done)
    }

    /// The project changed: unsaved, views redraw, the selection loses clips now gone.
    fn changed(&mut self) {
        self.dirty = true;
        self.revision += 1;
        self.forget_missing_selection();
    }

    fn forget_missing_selection(&mut self) {
        let project = &self.project;
        self.selection.retain(|id| project.clip(*id).is_some());
    }

    /// Adds a probed file to the media pool and puts it at the end of the first video
    /// track (and its sound, linked, on the first audio track) as one undo step.
    /// Returns the new video (or audio-only) clip.
    pub fn add_media(&mut self, path: &Path, info: SourceInfo) -> Result<ClipId, EditError> {
        let has_picture = info.video.is_some() || info.is_still_image;
        let video_track = has_picture
            .then(|| self.first_track(TrackKind::Video))
            .flatten();
        let audio_track = info
            .audio
            .is_some()
            .then(|| self.first_track(TrackKind::Audio))
            .flatten();
        let start = [video_track, audio_track]
            .into_iter()
            .flatten()
            .filter_map(|t| self.project.track(t).map(Track::end))
            .max()
            .unwrap_or(Time::ZERO);
        let first_clip = self.project.next_clip_id();

        let label = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let was_dirty = self.dirty;
        self.history.begin_gesture(format!("Add {label}"));
        let result = self.add_and_place(path, info, start, video_track, audio_track);
        if result.is_err() {
            // Leave nothing half-added behind, and no undo step: the person's last step
            // stays the one the next undo reverts.
            let _ = self.history.abandon_gesture(&mut self.project);
            self.dirty = was_dirty;
            self.revision += 1;
            self.forget_missing_selection();
        } else {
            self.history.end_gesture();
        }
        result.map(|()| {
            self.selection = BTreeSet::from([first_clip]);
            first_clip
        })
    }

    /// Adds a finished recording to the media pool and puts it on the timeline at `at`,
    /// the way every recording lands ([`recording_edit`]): picture and sound linked, the
    /// picture on a track above anything shown there, new tracks where none has room. One
    /// undo step.
    pub fn add_recording(
        &mut self,
        path: &Path,
        info: SourceInfo,
        at: Time,
    ) -> Result<AddedRecording, EditError> {
        let (edit, added) = recording_edit(&self.project, path, info, Some(at));
        self.apply(edit)?;
        self.selection = added.video_clip.or(added.audio_clip).into_iter().collect();
        Ok(added)
    }

    fn add_and_place(
        &mut self,
        path: &Path,
        info: SourceInfo,
        start: Time,
        video_track: Option<TrackId>,
        audio_track: Option<TrackId>,
    ) -> Result<(), EditError> {
        let existing = self.project.sources.iter().find(|s| s.path == path);
        let source = match existing {
            Some(s) => s.id,
            None => {
                let (id, add) = self.project.add_source_edit(path, info);
                self.apply(add)?;
                id
            }
        };
        let place = self
            .project
            .place_source_edit(source, start, video_track, audio_track)?;
        self.apply(place)
    }

    /// Puts the sticker `name` at the playhead for [`STICKER_LENGTH`], on the topmost
    /// overlay track with room there (a new one on top when none has), and selects it. One
    /// undo step.
    pub fn add_sticker(&mut self, name: &str) -> Result<ClipId, EditError> {
        let (start, end) = (self.playhead, self.playhead + STICKER_LENGTH);
        let free = self.project.tracks.iter().rev().find(|t| {
            t.kind == TrackKind::Overlay
                && t.clips.iter().all(|c| c.end() <= start || c.start >= end)
        });
        let mut edits = Vec::new();
        let track = match free {
            Some(t) => t.id,
            None => {
                let id = self.project.next_track_id();
                edits.push(Edit::AddTrack {
                    index: self.project.tracks.len(),
                    track: Track::new(id, TrackKind::Overlay, "Stickers"),
                });
                id
            }
        };
        let id = self.project.next_clip_id();
        let clip = crate::timeline::Clip::sticker(id, name, start, STICKER_LENGTH);
        edits.push(Edit::InsertClip { track, clip });
        self.apply(Edit::Batch { edits })?;
        self.selection = BTreeSet::from([id]);
        Ok(id)
    }

    /// The lowest track of `kind`, if any.
    pub fn first_track(&self, kind: TrackKind) -> Option<TrackId> {
        self.project
            .tracks
            .iter()
            .find(|t| t.kind == kind)
            .map(|t| t.id)
    }

    /// Splits every selected clip under the playhead (or, with no selection, every clip
    /// under it) as one undo step. Returns how many clips were split.
    pub fn split_at_playhead(&mut self) -> Result<usize, EditError> {
        let at = self.playhead;
        let mut targets: Vec<ClipId> = self
            .project
            .clips()
            .filter(|(track, clip)| {
                !track.locked
                    && clip.start < at
                    && at < clip.end()
                    && (self.selection.is_empty() || self.selection.contains(&clip.id))
            })
            .map(|(_, clip)| clip.id)
            .collect();
        // Linked partners split with their clip; don't split them twice.
        let mut done = BTreeSet::new();
        targets.retain(|id| {
            let fresh = !done.contains(id);
            done.extend(self.project.linked_clips(*id));
            done.insert(*id);
            fresh
        });
        if targets.is_empty() {
            return Ok(0);
        }
        let edits = targets
            .iter()
            .map(|&clip| Edit::SplitClip { clip, at })
            .collect();
        self.apply(Edit::Batch { edits })?;
        Ok(targets.len())
    }

    /// Removes the selected clips and closes the gaps they leave, as one undo step.
    pub fn ripple_delete_selection(&mut self) -> Result<usize, EditError> {
        let mut done = BTreeSet::new();
        let mut edits = Vec::new();
        for &id in &self.selection {
            if done.contains(&id) {
                continue;
            }
            done.extend(self.project.linked_clips(id));
            done.insert(id);
            edits.push(Edit::RippleDelete { clip: id });
        }
        let count = edits.len();
        if count > 0 {
            self.apply(Edit::Batch { edits })?;
        }
        self.selection.clear();
        Ok(count)
    }

    /// Saves to `path` atomically, with the undo history.
    pub fn save_as(&mut self, path: &Path) -> Result<(), ProjectFileError> {
        file::save(path, &self.project, &self.history)?;
        self.path = Some(path.to_owned());
        self.dirty = false;
        Ok(())
    }

    /// Records that the project as it was at `revision` now is in the file at `path`
    /// (saved on a worker): it is unsaved again only if it changed since.
    pub fn saved_as(&mut self, path: &Path, revision: u64) {
        self.path = Some(path.to_owned());
        if self.revision == revision {
            self.dirty = false;
        }
    }

    /// Opens a project file, replacing the current one.
    pub fn open(path: &Path) -> Result<Editor, ProjectFileError> {
        let ProjectFile {
            mut project,
            history,
            ..
        } = file::load(path)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        mark_missing_sources(&mut project, dir);
        Ok(Editor::of(project, history, Some(path.to_owned())))
    }

    /// The window title: plain "Clipwright" for an untouched new project, else the
    /// project name with a dot when unsaved.
    pub fn title(&self) -> String {
        if self.path.is_none() && !self.dirty {
            return super::APP_NAME.to_owned();
        }
        let name = self
            .path
            .as_deref()
            .and_then(Path::file_stem)
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.project.name.clone());
        format!("{}{name} — Clipwright", if self.dirty { "● " } else { "" })
    }
}

/// Flags the sources whose files are gone (and clears the flag of those back), so the
/// media bin can offer to relink them. This states what is on disk rather than making an
/// edit, so it is not an undo step.
fn mark_missing_sources(project: &mut Project, dir: &Path) {
    if let Some(edit) = project.refresh_missing_edit(|s| s.resolved_path(dir).exists()) {
        if let Err(e) = crate::timeline::apply(project, edit) {
            tracing::warn!("could not mark missing media: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::tests::fixtures::{recording_info_of, temp_file};

    fn recording_info(seconds: i64) -> SourceInfo {
        recording_info_of(1920, 1080, seconds)
    }

    /// A new editor with each `(path, seconds)` recording added in turn.
    fn editor_with(files: &[(&str, i64)]) -> Editor {
        let mut editor = Editor::new();
        for &(path, seconds) in files {
            editor
                .add_media(Path::new(path), recording_info(seconds))
                .unwrap();
        }
        editor
    }

    /// A project holding a stand-in, four-second `a.mp4`, saved as `p.clipwright` beside
    /// it in a new temporary folder: the folder, the editor, the media and project paths.
    fn saved_with_media() -> (tempfile::TempDir, Editor, PathBuf, PathBuf) {
        let (dir, media) = temp_file("a.mp4", b"stand-in");
        let path = dir.path().join("p.clipwright");
        let mut editor = Editor::new();
        editor.add_media(&media, recording_info(4)).unwrap();
        editor.save_as(&path).unwrap();
        (dir, editor, media, path)
    }

    #[test]
    fn a_failed_add_of_a_pooled_file_takes_no_undo_step() {
        let mut editor = editor_with(&[("/a.mp4", 4)]);
        let video = editor.first_track(TrackKind::Video).unwrap();
        editor
            .apply(Edit::SetTrackFlags {
                id: video,
                muted: None,
                locked: Some(true),
                hidden: None,
            })
            .unwrap();
        let before = editor.project.clone();
        let steps = editor.history.undo_len();

        let again = editor.add_media(Path::new("/a.mp4"), recording_info(4));

        assert!(again.is_err(), "a locked track takes no clip");
        assert_eq!(editor.project, before, "nothing half-added stays");
        assert_eq!(editor.history.undo_len(), steps, "no undo step for nothing");
        assert!(editor.undo().unwrap());
        let track = editor.project.track(video).unwrap();
        assert!(
            !track.locked,
            "undo reverts the person's last step: the lock"
        );
        assert_eq!(editor.project.clips().count(), 2, "the first add stays");
    }

    #[test]
    fn an_edit_that_changes_nothing_leaves_the_project_clean() {
        let mut editor = Editor::new();
        let canvas = editor.project.canvas.clone();
        editor.apply(Edit::SetCanvas { canvas }).unwrap();
        assert!(!editor.dirty);
        assert!(!editor.history.can_undo());
    }

    #[test]
    fn a_recording_lands_at_the_playhead_and_on_new_tracks_where_the_first_are_taken() {
        let mut editor = editor_with(&[("/a.mp4", 4)]);
        editor.playhead = Time::from_secs(2);
        let added = editor
            .add_recording(Path::new("/rec.mp4"), recording_info(3), editor.playhead)
            .unwrap();
        let project = &editor.project;
        let video = project.clip(added.video_clip.unwrap()).unwrap();
        assert_eq!(video.start, Time::from_secs(2));
        assert_eq!(project.linked_clips(video.id).len(), 2, "sound linked");
        // 2–5 s overlaps the first file on Video 1 and Audio 1: two new tracks.
        assert_eq!(project.tracks.len(), 4);
        assert_eq!(editor.selection, BTreeSet::from([video.id]));
        // One undo takes the whole recording back out.
        assert!(editor.undo().unwrap());
        assert_eq!(editor.project.sources.len(), 1);
        assert_eq!(editor.project.clips().count(), 2);
    }

    #[test]
    fn adding_a_recording_puts_linked_video_and_audio_at_the_end() {
        let editor = editor_with(&[("/a.mp4", 4), ("/b.mp4", 3)]);
        let video = &editor.project.tracks[0];
        let audio = &editor.project.tracks[1];
        assert_eq!(video.clips.len(), 2);
        assert_eq!(audio.clips.len(), 2);
        assert_eq!(video.clips[1].start, Time::from_secs(4));
        assert_eq!(editor.project.duration(), Time::from_secs(7));
        assert_eq!(
            editor.project.linked_clips(video.clips[1].id).len(),
            2,
            "video and audio of one file move together"
        );
        assert_eq!(editor.project.sources.len(), 2);
    }

    #[test]
    fn adding_media_is_one_undo_step() {
        let mut editor = editor_with(&[("/a.mp4", 4)]);
        assert!(editor.undo().unwrap());
        assert!(editor.project.sources.is_empty());
        assert!(editor.project.tracks.iter().all(|t| t.clips.is_empty()));
        assert!(!editor.undo().unwrap());
    }

    #[test]
    fn split_at_playhead_cuts_video_and_its_sound_once() {
        let mut editor = editor_with(&[("/a.mp4", 4)]);
        editor.selection.clear();
        editor.playhead = Time::from_secs(1);
        assert_eq!(editor.split_at_playhead().unwrap(), 1);
        assert_eq!(editor.project.tracks[0].clips.len(), 2);
        assert_eq!(editor.project.tracks[1].clips.len(), 2);
        assert_eq!(editor.project.tracks[0].clips[1].start, Time::from_secs(1));
    }

    #[test]
    fn ripple_delete_closes_the_gap() {
        let mut editor = editor_with(&[("/a.mp4", 4), ("/b.mp4", 3)]);
        let first = editor.project.tracks[0].clips[0].id;
        editor.selection = BTreeSet::from([first]);
        assert_eq!(editor.ripple_delete_selection().unwrap(), 1);
        assert_eq!(editor.project.tracks[0].clips[0].start, Time::ZERO);
        assert_eq!(editor.project.duration(), Time::from_secs(3));
    }

    #[test]
    fn a_source_whose_file_is_gone_opens_marked_missing() {
        let (_dir, _, media, path) = saved_with_media();
        assert!(!Editor::open(&path).unwrap().project.sources[0].missing);

        std::fs::remove_file(&media).unwrap();
        let opened = Editor::open(&path).unwrap();
        assert!(opened.project.sources[0].missing);
        assert!(!opened.dirty, "finding a file gone is not a change");
        assert!(!opened.history.can_redo());
    }

    #[test]
    fn save_then_open_gives_the_same_project_and_history() {
        let (_dir, editor, _, path) = saved_with_media();
        assert!(!editor.dirty);
        let mut opened = Editor::open(&path).unwrap();
        assert_eq!(opened.project, editor.project);
        assert!(opened.undo().unwrap(), "history survives the round trip");
        assert!(opened.project.sources.is_empty());
    }
}
