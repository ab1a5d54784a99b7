//! Which of a project's outputs (its canvas, "Main", and extra ones such as a 9:16
//! version) to export, and where each goes when all are written in one run — for
//! `clipwright export --project-output NAME` / `--all-outputs` and the export dialog alike.

use std::path::{Path, PathBuf};

use crate::timeline::{OutputId, Project};

/// No output has the name asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the project has no output called {name:?}; it has: {}", known.join(", "))]
pub struct UnknownOutput {
    /// The name asked for.
    pub name: String,
    /// The names there are.
    pub known: Vec<String>,
}

/// Every output of `project`: the canvas first, then the extra ones.
pub fn outputs(project: &Project) -> Vec<(OutputId, String)> {
    let main = project
        .output(OutputId::MAIN)
        .map(|o| (o.id, o.name))
        .into_iter();
    main.chain(project.outputs.iter().map(|o| (o.id, o.name.clone())))
        .collect()
}

/// The output called `name` (case-insensitive), or an error listing the names there are.
pub fn output_named(project: &Project, name: &str) -> Result<OutputId, UnknownOutput> {
    let all = outputs(project);
    if let Some((id, _)) = all
        .iter()
        .find(|(_, n)| n.trim().eq_ignore_ascii_case(name.trim()))
    {
        return Ok(*id);
    }
    Err(UnknownOutput {
        name: name.to_owned(),
        known: all.into_iter().map(|(_, n)| n).collect(),
    })
}

/// Where each output is written when all are: beside `dest` as `STEM-NAME.EXT` when
/// `dest` names a file of a known format, else inside the folder `dest` as
/// `PROJECT-NAME.mp4`.
pub fn output_paths(project: &Project, dest: &Path) -> Vec<(OutputId, PathBuf)> {
    outputs(project)
        .into_iter()
        .map(|(id, name)| (id, super::batch::named_path(project, dest, &[&name])))
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::timeline::{Canvas, OutputFormat};

    /// A project with a 9:16 output named "TikTok 9:16" beside its main one.
    pub(in crate::export) fn two_outputs() -> Project {
        let mut p = Project::new("My edit", Canvas::default());
        p.outputs.push(OutputFormat {
            id: OutputId(1),
            name: "TikTok 9:16".into(),
            width: 1080,
            height: 1920,
            safe_area: Default::default(),
        });
        p
    }

    #[test]
    fn outputs_are_found_by_name_and_a_wrong_name_lists_the_right_ones() {
        let p = two_outputs();
        assert_eq!(output_named(&p, "tiktok 9:16").ok(), Some(OutputId(1)));
        assert_eq!(output_named(&p, "Main").ok(), Some(OutputId::MAIN));
        let err = output_named(&p, "Reels").map_err(|e| e.to_string());
        // (Read as a sentence by the CLI.)
        assert_eq!(
            err,
            Err("the project has no output called \"Reels\"; it has: Main, TikTok 9:16".into())
        );
    }

    /// Checks that `paths` (the files to write for [`two_outputs`] to a destination) puts
    /// every output beside a named file, and into a folder named after the project.
    pub(in crate::export) fn check_outputs_go_into_a_folder_or_beside_a_named_file(
        paths: impl Fn(&Project, &Path) -> Vec<PathBuf>,
    ) {
        let p = two_outputs();
        assert_eq!(
            paths(&p, Path::new("/tmp/out/cut.mkv")),
            vec![
                PathBuf::from("/tmp/out/cut-Main.mkv"),
                PathBuf::from("/tmp/out/cut-TikTok-9-16.mkv")
            ]
        );
        let in_folder = paths(&p, Path::new("/nonexistent/renders"));
        assert_eq!(
            in_folder[1],
            PathBuf::from("/nonexistent/renders/My-edit-TikTok-9-16.mp4")
        );
    }

    #[test]
    fn all_outputs_go_into_a_folder_or_beside_a_named_file() {
        check_outputs_go_into_a_folder_or_beside_a_named_file(|p, dest| {
            output_paths(p, dest)
                .into_iter()
                .map(|(_, path)| path)
                .collect()
        });
    }
}
