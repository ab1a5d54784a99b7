//! The project file: JSON with a `format_version`, loaded with clear errors, migrated
//! from older versions, saved atomically, autosaved to a sidecar with crash recovery.
//!
//! This is the only part of the timeline that touches the file system. Loading never
//! panics: malformed JSON reports path, line and column; a newer format is refused; an
//! older one is migrated; a well-formed file that breaks the model's invariants is
//! refused with the first problem found. The layout is documented in
//! `docs/project-format.md`, and `docs/project.schema.json` is generated from these types.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::edit::EditError;
use super::history::History;
use super::project::Project;
use super::validate::validate;

/// The format version this build writes. Files with a larger number are refused.
pub const FORMAT_VERSION: u32 = 2;

/// The usual extension of a project file.
pub const EXTENSION: &str = "clipwright";

/// What a project file holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProjectFile {
    /// Version of the layout; see `docs/project-format.md`.
    pub format_version: u32,
    /// The project.
    pub project: Project,
    /// Undo and redo history, so it survives a restart.
    #[serde(default)]
    pub history: History,
}

impl ProjectFile {
    /// A file of the current version holding `project` and `history`.
    pub fn new(project: Project, history: History) -> ProjectFile {
        ProjectFile {
            format_version: FORMAT_VERSION,
            project,
            history,
        }
    }
}

/// Why a project file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectFileError {
    /// Reading or writing failed.
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        /// "read", "write" …
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The file is not valid JSON, or a value has the wrong shape.
    #[error("{}{}: {message}", path.display(), position(*line, *column))]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line, if known (0 if not).
        line: usize,
        /// 1-based column, if known (0 if not).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The JSON has no `format_version`: it is not a project file.
    #[error("{} is not a Clipwright project (it has no format_version)", path.display())]
    NotAProject {
        /// The file.
        path: PathBuf,
    },
    /// `format_version` is there but not a version number (a string, 0, a fraction).
    #[error("{} has a bad format_version {found}: it must be a whole number from 1 to {supported}", path.display())]
    BadVersion {
        /// The file.
        path: PathBuf,
        /// What the file holds, as JSON.
        found: String,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The file was written by a newer Clipwright.
    #[error("{} uses project format {found}, but this version of Clipwright reads up to {supported}; please update Clipwright", path.display())]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u64,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The file is well-formed but describes an impossible project.
    #[error("{} is damaged: {problem}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The first problem found.
        problem: EditError,
    },
    /// The project could not be turned into JSON (a non-finite number slipped in).
    #[error("could not encode the project for {}: {source}", path.display())]
    Encode {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
}

fn position(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{column}")
    }
}

fn syntax(path: &Path, e: &serde_json::Error, prefix: &str) -> ProjectFileError {
    ProjectFileError::Syntax {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: format!("{prefix}{e}"),
    }
}

/// Just the version, read first so the right parser can be chosen.
#[derive(Deserialize)]
struct VersionProbe {
    format_version: Option<serde_json::Value>,
}

/// Reads a project file from `path`.
pub fn load(path: &Path) -> Result<ProjectFile, ProjectFileError> {
    // A pipe or device is refused before it is opened: reading a FIFO blocks forever.
    match fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            return Err(ProjectFileError::Io {
                action: "read",
                path: path.to_owned(),
                source: std::io::Error::other("not a regular file"),
            })
        }
        _ => {}
    }
    let bytes = fs::read(path).map_err(|source| ProjectFileError::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })?;
    parse(&bytes, path)
}

/// Reads a project file from `bytes`; `path` is only used in error messages.
pub fn parse(bytes: &[u8], path: &Path) -> Result<ProjectFile, ProjectFileError> {
    let probe: VersionProbe = serde_json::from_slice(bytes).map_err(|e| syntax(path, &e, ""))?;
    let version = match probe.format_version {
        Some(v) => v
            .as_u64()
            .filter(|&n| n >= 1)
            .ok_or_else(|| ProjectFileError::BadVersion {
                path: path.to_owned(),
                found: v.to_string(),
                supported: FORMAT_VERSION,
            })?,
        None => {
            return Err(ProjectFileError::NotAProject {
                path: path.to_owned(),
            })
        }
    };
    if version > u64::from(FORMAT_VERSION) {
        return Err(ProjectFileError::TooNew {
            path: path.to_owned(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let mut file: ProjectFile = if version == u64::from(FORMAT_VERSION) {
        serde_json::from_slice(bytes).map_err(|e| syntax(path, &e, ""))?
    } else {
        let mut value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| syntax(path, &e, ""))?;
        migrate(&mut value, version);
        let prefix = format!("after upgrading from format {version}: ");
        serde_json::from_value(value).map_err(|e| syntax(path, &e, &prefix))?
    };
    file.format_version = FORMAT_VERSION;
    validate(&file.project).map_err(|problem| ProjectFileError::Invalid {
        path: path.to_owned(),
        problem,
    })?;
    Ok(file)
}

/// Upgrades a parsed file of `version` to the current layout, one version at a time.
fn migrate(value: &mut serde_json::Value, version: u64) {
    if version <= 1 {
        migrate_1_to_2(value);
    }
    if let Some(v) = value.get_mut("format_version") {
        *v = serde_json::Value::from(FORMAT_VERSION);
    }
}

/// Format 1 (the development draft) had one `reframe` per clip, for the main canvas;
/// format 2 keys them by output id in `reframes`, so a project can hold several formats.
/// Format 1 had no undo history in the file, so there are no stored edits to upgrade.
fn migrate_1_to_2(value: &mut serde_json::Value) {
    let Some(tracks) = value
        .get_mut("project")
        .and_then(|p| p.get_mut("tracks"))
        .and_then(|t| t.as_array_mut())
    else {
        return;
    };
    for track in tracks {
        let Some(clips) = track.get_mut("clips").and_then(|c| c.as_array_mut()) else {
            continue;
        };
        for clip in clips {
            let Some(obj) = clip.as_object_mut() else {
                continue;
            };
            if let Some(reframe) = obj.remove("reframe") {
                let mut map = serde_json::Map::new();
                map.insert("0".to_owned(), reframe);
                obj.insert("reframes".to_owned(), serde_json::Value::Object(map));
            }
        }
    }
    if let Some(obj) = value.as_object_mut() {
        obj.remove("history");
    }
}

/// The project as the JSON text a file holds (current format version).
pub fn to_json(
    project: &Project,
    history: &History,
    path: &Path,
) -> Result<String, ProjectFileError> {
    #[derive(Serialize)]
    struct FileRef<'a> {
        format_version: u32,
        project: &'a Project,
        history: &'a History,
    }
    let file = FileRef {
        format_version: FORMAT_VERSION,
        project,
        history,
    };
    let mut text =
        serde_json::to_string_pretty(&file).map_err(|source| ProjectFileError::Encode {
            path: path.to_owned(),
            source,
        })?;
    text.push('\n');
    Ok(text)
}

/// Saves atomically to `path`: writes a temporary file in the same folder, flushes it to
/// disk, then renames it over `path`, so a crash leaves either the old or the new file.
/// Removes the autosave sidecar afterwards, since it is now older than the file.
pub fn save(path: &Path, project: &Project, history: &History) -> Result<(), ProjectFileError> {
    let text = to_json(project, history, path)?;
    write_atomic(path, text.as_bytes())?;
    match fs::remove_file(autosave_path(path)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(ProjectFileError::Io {
            action: "remove the autosave of",
            path: path.to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically (temp file in the same folder, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ProjectFileError> {
    let io_err = |source| ProjectFileError::Io {
        action: "write",
        path: path.to_owned(),
        source,
    };
    // A link is followed to its target, which is replaced by rename; the file keeps its
    // mode (a new one gets 0666 less the umask, not the temporary file's 0600).
    let target = crate::files::output_target(path).map_err(io_err)?;
    let mut tmp = target.temp_file().map_err(io_err)?;
    tmp.write_all(bytes).map_err(io_err)?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(&target.destination)
        .map_err(|e| io_err(e.error))?;
    // Make the rename itself durable where directories can be synced (not on Windows).
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(target.folder()) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The autosave sidecar of a project file: `name.clipwright` → `name.clipwright.autosave`.
pub fn autosave_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_owned()).unwrap_or_default();
    name.push(".autosave");
    path.with_file_name(name)
}

/// Writes the autosave sidecar of `path` (atomically, like a save).
pub fn autosave(path: &Path, project: &Project, history: &History) -> Result<(), ProjectFileError> {
    let sidecar = autosave_path(path);
    let text = to_json(project, history, &sidecar)?;
    write_atomic(&sidecar, text.as_bytes())
}

/// An autosave newer than its project file, left by a crash: offer to restore it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovery {
    /// The project file.
    pub project_path: PathBuf,
    /// The autosave sidecar.
    pub autosave_path: PathBuf,
    /// When the autosave was written.
    pub autosaved_at: Option<SystemTime>,
}

/// Looks for an autosave of `path` that holds unsaved work: one that exists, differs
/// from the project file and is newer than it (or the project file is gone).
pub fn find_recovery(path: &Path) -> Option<Recovery> {
    let sidecar = autosave_path(path);
    let auto_meta = fs::metadata(&sidecar).ok()?;
    let autosaved_at = auto_meta.modified().ok();
    if let Ok(meta) = fs::metadata(path) {
        let newer = match (autosaved_at, meta.modified().ok()) {
            (Some(a), Some(p)) => a >= p,
            _ => true,
        };
        if !newer {
            return None;
        }
        if let (Ok(a), Ok(p)) = (fs::read(&sidecar), fs::read(path)) {
            if a == p {
                return None;
            }
        }
    }
    Some(Recovery {
        project_path: path.to_owned(),
        autosave_path: sidecar,
        autosaved_at,
    })
}

impl Recovery {
    /// Loads the autosaved project (the caller saves it to keep it).
    pub fn load(&self) -> Result<ProjectFile, ProjectFileError> {
        load(&self.autosave_path)
    }

    /// Deletes the autosave: the user chose the saved file.
    pub fn discard(&self) -> Result<(), ProjectFileError> {
        fs::remove_file(&self.autosave_path).map_err(|source| ProjectFileError::Io {
            action: "remove",
            path: self.autosave_path.clone(),
            source,
        })
    }
}

/// The JSON Schema of the project file, as kept in `docs/project.schema.json`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ProjectFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
