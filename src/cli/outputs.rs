//! `clipwright export --project-output NAME`: which of a project's outputs (its canvas,
//! "Main", and extra ones such as a 9:16 version) to draw. Where each file of an
//! `--all-outputs` or `--markers` run goes is [`crate::export::batch`]'s to say.

use anyhow::bail;

use crate::export::project_outputs;
use crate::timeline::{OutputId, Project};

/// The output called `name` (case-insensitive), or an error listing the names there are.
pub(super) fn output_named(project: &Project, name: &str) -> anyhow::Result<OutputId> {
    let all = project_outputs(project);
    if let Some((id, _)) = all
        .iter()
        .find(|(_, n)| n.trim().eq_ignore_ascii_case(name.trim()))
    {
        return Ok(*id);
    }
    let names: Vec<&str> = all.iter().map(|(_, n)| n.as_str()).collect();
    bail!(
        "the project has no output called {name:?}; it has: {}",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Canvas, OutputFormat};

    #[test]
    fn outputs_are_found_by_name_and_a_wrong_name_lists_the_right_ones() {
        let mut p = Project::new("My edit", Canvas::default());
        p.outputs.push(OutputFormat {
            id: OutputId(1),
            name: "TikTok 9:16".into(),
            width: 1080,
            height: 1920,
        });
        assert_eq!(output_named(&p, "tiktok 9:16").ok(), Some(OutputId(1)));
        assert_eq!(output_named(&p, "Main").ok(), Some(OutputId::MAIN));
        let err = output_named(&p, "Reels").map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("the project has no output called \"Reels\"; it has: Main, TikTok 9:16".into())
        );
    }
}
