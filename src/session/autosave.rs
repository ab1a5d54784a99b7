//! Autosave and crash recovery for the app.
//!
//! Every few seconds of unsaved changes, a copy of the project (with its undo history) is
//! written on a worker thread to a sidecar next to the project file — or, for a project
//! never saved, to `Untitled.clipwright.autosave` in the app's data folder. On start, an
//! autosave newer than its project is offered back to the person.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::timeline::file::{self, ProjectFileError, Recovery};
use crate::timeline::{History, Project};

/// How long changes may stay unsaved before an autosave.
pub const AUTOSAVE_AFTER: Duration = Duration::from_secs(10);

/// Where the app keeps its own files (autosaves of unsaved projects).
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("app", "Clipwright", "Clipwright")
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| std::env::temp_dir().join("clipwright"))
}

/// The project path used for autosaves of a project that was never saved.
pub fn untitled_path(data_dir: &Path) -> PathBuf {
    data_dir.join(format!("Untitled.{}", file::EXTENSION))
}

/// The autosave state of the open project.
#[derive(Debug)]
pub struct Autosave {
    data_dir: PathBuf,
    /// UI time (seconds) of the first change not yet autosaved.
    dirty_since: Option<f64>,
    /// An autosave is being written.
    pub in_flight: bool,
    /// What the last autosave did, for the status bar.
    pub last_result: Option<Result<String, AutosaveError>>,
}

impl Autosave {
    /// Autosaves of unsaved projects go to `data_dir`.
    pub fn new(data_dir: PathBuf) -> Autosave {
        Autosave {
            data_dir,
            dirty_since: None,
            in_flight: false,
            last_result: None,
        }
    }

    /// The folder holding autosaves of never-saved projects.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The project path whose sidecar receives autosaves.
    pub fn target(&self, project_path: Option<&Path>) -> PathBuf {
        project_path
            .map(Path::to_owned)
            .unwrap_or_else(|| untitled_path(&self.data_dir))
    }

    /// Notes the project's dirty state at UI time `now`; true when an autosave is due.
    pub fn due(&mut self, dirty: bool, now: f64) -> bool {
        if !dirty {
            self.dirty_since = None;
            return false;
        }
        let since = *self.dirty_since.get_or_insert(now);
        !self.in_flight && now - since >= AUTOSAVE_AFTER.as_secs_f64()
    }

    /// Marks an autosave as started (the caller writes it on a worker).
    pub fn started(&mut self) {
        self.in_flight = true;
        self.dirty_since = None;
    }

    /// Records the outcome of a finished autosave.
    pub fn finished(&mut self, result: Result<String, AutosaveError>) {
        self.in_flight = false;
        self.last_result = Some(result);
    }

    /// Unsaved work left by an earlier run: of the untitled project, or of `recent`.
    pub fn find_recovery(&self, recent: Option<&Path>) -> Option<Recovery> {
        recent
            .and_then(file::find_recovery)
            .or_else(|| file::find_recovery(&untitled_path(&self.data_dir)))
    }

    /// Removes the autosave of `project_path` (or of the untitled project): called once
    /// the work is safely in a saved file.
    pub fn discard(&self, project_path: Option<&Path>) {
        let sidecar = file::autosave_path(&self.target(project_path));
        let _ = std::fs::remove_file(sidecar);
    }
}

/// Why an autosave was not written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AutosaveError {
    /// The folder the autosave goes in could not be made.
    #[error("{}: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The autosave itself could not be written.
    #[error("Autosave failed: {0}")]
    Write(#[from] ProjectFileError),
}

/// Writes an autosave; runs on a worker thread. Returns a line for the status bar.
pub fn write(target: &Path, project: &Project, history: &History) -> Result<String, AutosaveError> {
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|source| AutosaveError::Folder {
            path: dir.to_owned(),
            source,
        })?;
    }
    file::autosave(target, project, history)?;
    Ok("Autosaved".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_autosave_is_due_only_after_changes_sat_unsaved_for_a_while() {
        let mut a = Autosave::new(std::env::temp_dir());
        assert!(!a.due(false, 0.0));
        assert!(!a.due(true, 1.0));
        assert!(!a.due(true, 5.0));
        assert!(a.due(true, 11.5));
        a.started();
        assert!(!a.due(true, 30.0), "not while one is being written");
        a.finished(Ok("Autosaved".into()));
        assert!(!a.due(true, 31.0), "the clock restarts after an autosave");
        assert!(a.due(true, 42.0));
        assert!(!a.due(false, 43.0), "saving clears it");
    }

    #[test]
    fn unsaved_untitled_work_is_found_after_a_crash_and_gone_once_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let a = Autosave::new(dir.path().to_owned());
        assert!(a.find_recovery(None).is_none());
        let target = a.target(None);
        write(
            &target,
            &Project::new("Stream", Default::default()),
            &History::default(),
        )
        .unwrap();
        let recovery = a.find_recovery(None).unwrap();
        assert_eq!(recovery.load().unwrap().project.name, "Stream");
        a.discard(None);
        assert!(a.find_recovery(None).is_none());
    }
}
