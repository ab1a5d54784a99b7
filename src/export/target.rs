//! Checks made on an export's output name before anything is written: it must not be one
//! of the export's own inputs (writing it would destroy what is being read), and it must be
//! somewhere a file can be put. [`check_output`] is what the CLI and the export dialog call
//! before starting; [`super::ExportJob::run`] calls it again, so no path skips it.

use std::path::{Path, PathBuf};

use crate::timeline::Project;

use super::ExportError;

/// Every file the export of `project` reads: its media sources, resolved against
/// `base_dir` (the project file's folder) as the export resolves them.
pub fn project_inputs(project: &Project, base_dir: &Path) -> Vec<PathBuf> {
    project
        .sources
        .iter()
        .map(|s| s.resolved_path(base_dir))
        .collect()
}

/// Refuses an `output` that is the same file (same device and inode, so also through
/// symbolic or hard links) as any of `inputs`, naming both.
pub fn check_not_an_input<'a>(
    output: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), ExportError> {
    for input in inputs {
        if crate::files::same_file(output, input) {
            return Err(ExportError::OutputIsInput {
                output: output.to_owned(),
                input: input.to_owned(),
            });
        }
    }
    Ok(())
}

/// Everything to check about an export's output before it starts: not one of the
/// project's sources, and not an existing folder, pipe or device. The app's export dialog
/// calls this before starting the job, to show the reason beside the file name.
pub fn check_output(project: &Project, base_dir: &Path, output: &Path) -> Result<(), ExportError> {
    let inputs = project_inputs(project, base_dir);
    check_not_an_input(output, inputs.iter().map(PathBuf::as_path))?;
    crate::files::output_target(output).map_err(|reason| ExportError::BadOutput {
        path: output.to_owned(),
        reason,
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Canvas, MediaSource, SourceId, SourceInfo, Time};

    #[test]
    fn an_output_that_is_a_source_is_refused_even_through_links() {
        let (dir, src) = crate::timeline::tests::fixtures::temp_file("rec.mp4", b"recording");
        let mut project = Project::new("p", Canvas::default());
        // A relative source, resolved against the project's folder.
        project.sources.push(MediaSource::new(
            SourceId(1),
            "rec.mp4",
            SourceInfo {
                duration: Time::from_secs(3),
                video: None,
                audio: None,
                is_still_image: false,
            },
        ));
        let err = check_output(&project, dir.path(), &src).unwrap_err();
        assert!(matches!(err, ExportError::OutputIsInput { .. }), "{err}");
        assert!(err.to_string().contains("rec.mp4"), "{err}");
        let hard = dir.path().join("hard.mp4");
        std::fs::hard_link(&src, &hard).unwrap();
        assert!(check_output(&project, dir.path(), &hard).is_err());
        #[cfg(unix)]
        {
            let soft = dir.path().join("soft.mp4");
            std::os::unix::fs::symlink(&src, &soft).unwrap();
            assert!(check_output(&project, dir.path(), &soft).is_err());
        }
        check_output(&project, dir.path(), &dir.path().join("new.mp4")).unwrap();
        assert_eq!(std::fs::read(&src).unwrap(), b"recording");
    }
}
