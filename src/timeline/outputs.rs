//! The project's outputs as a person edits them: add one from a preset shape, rename it,
//! resize it, choose where its subtitles sit ([`SafeArea`]), remove it — each an [`Edit`]
//! applied like any other, so undoable and saved with the project.
//!
//! The canvas is the main output ([`OutputId::MAIN`]); its name and subtitle area live in
//! [`MainOutput`], its size in the canvas. It cannot be removed, so a project always keeps
//! one output. Removing an extra output leaves its clips' crop windows in the clips (undo
//! brings the output back with them); [`Project::next_output_id`] never hands that id out
//! again, so a new output starts uncropped.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::edit::Edit;
use super::project::Project;
use super::reframe::{OutputFormat, OutputId};
use super::style::{Alignment, TextStyle};

/// Where an output's bottom subtitles sit: the style's own margin, or clear of the
/// buttons and captions a platform's player draws over the bottom of the picture.
///
/// The margins are the usual guidance for each platform (a fraction of the frame's
/// height kept free at the bottom), rounded; they place the text, they do not crop it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SafeArea {
    /// The subtitle style's own bottom margin.
    #[default]
    Style,
    /// YouTube's player: clear of the progress bar and controls.
    YouTube,
    /// TikTok: clear of the caption, sound and the bottom bar.
    TikTok,
    /// Instagram Reels: clear of the caption and the like/comment row.
    Reels,
    /// YouTube Shorts: clear of the title and subscribe row.
    Shorts,
}

impl SafeArea {
    /// Every choice, in menu order.
    pub const ALL: [SafeArea; 5] = [
        SafeArea::Style,
        SafeArea::YouTube,
        SafeArea::TikTok,
        SafeArea::Reels,
        SafeArea::Shorts,
    ];

    /// Name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            SafeArea::Style => "Style's margin",
            SafeArea::YouTube => "YouTube",
            SafeArea::TikTok => "TikTok",
            SafeArea::Reels => "Instagram Reels",
            SafeArea::Shorts => "YouTube Shorts",
        }
    }

    /// `style` with its bottom margin kept clear of this area (margins are pixels of a
    /// 1080-high frame, as styles count them); top and middle text is left as it is.
    pub fn keep_clear(self, style: TextStyle) -> TextStyle {
        let bottom = matches!(
            style.alignment,
            Alignment::BottomLeft | Alignment::BottomCenter | Alignment::BottomRight
        );
        match self.bottom_fraction() {
            Some(fraction) if bottom => TextStyle {
                margin_vertical: fraction * 1080.0,
                ..style
            },
            _ => style,
        }
    }

    /// The part of the frame's height kept free below bottom subtitles; `None` keeps the
    /// style's margin.
    pub fn bottom_fraction(self) -> Option<f64> {
        match self {
            SafeArea::Style => None,
            SafeArea::YouTube => Some(0.10),
            SafeArea::TikTok => Some(0.20),
            SafeArea::Reels => Some(0.22),
            SafeArea::Shorts => Some(0.17),
        }
    }
}

/// The main output's own settings (its size is the canvas's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MainOutput {
    /// Name shown to users; empty for "Main".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Where its subtitles sit.
    #[serde(default)]
    pub safe_area: SafeArea,
}

impl MainOutput {
    /// True when nothing differs from a new project's.
    pub fn is_default(&self) -> bool {
        *self == MainOutput::default()
    }
}

/// Why an output could not be changed as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OutputEditError {
    /// No output has that id.
    #[error("the project has no output {0}")]
    Unknown(u32),
    /// The main output is the canvas; a project keeps at least one output.
    #[error("the main output is the project's canvas and cannot be removed")]
    MainCannotGo,
    /// An empty name.
    #[error("an output needs a name")]
    EmptyName,
}

/// The edit adding an output called `name` of `size` pixels, and the id it gets.
pub fn add_output(project: &Project, name: &str, size: (u32, u32)) -> (OutputId, Edit) {
    let id = project.next_output_id();
    let mut outputs = project.outputs.clone();
    outputs.push(OutputFormat {
        id,
        name: name.trim().to_owned(),
        width: size.0,
        height: size.1,
        safe_area: SafeArea::default(),
    });
    (id, Edit::SetOutputs { outputs })
}

/// The edit removing extra output `id`.
pub fn remove_output(project: &Project, id: OutputId) -> Result<Edit, OutputEditError> {
    if id == OutputId::MAIN {
        return Err(OutputEditError::MainCannotGo);
    }
    let mut outputs = project.outputs.clone();
    let before = outputs.len();
    outputs.retain(|o| o.id != id);
    if outputs.len() == before {
        return Err(OutputEditError::Unknown(id.0));
    }
    Ok(Edit::SetOutputs { outputs })
}

/// The edit renaming output `id` to `name`.
pub fn rename_output(project: &Project, id: OutputId, name: &str) -> Result<Edit, OutputEditError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(OutputEditError::EmptyName);
    }
    change(project, id, |o| o.name = name.to_owned())
}

/// The edit giving output `id` another size (for the main output, the canvas's).
pub fn resize_output(
    project: &Project,
    id: OutputId,
    size: (u32, u32),
) -> Result<Edit, OutputEditError> {
    change(project, id, |o| (o.width, o.height) = size)
}

/// The edit placing output `id`'s subtitles for `area`.
pub fn set_safe_area(
    project: &Project,
    id: OutputId,
    area: SafeArea,
) -> Result<Edit, OutputEditError> {
    change(project, id, |o| o.safe_area = area)
}

/// The edit that changes output `id` as `f` changes its description.
fn change(
    project: &Project,
    id: OutputId,
    f: impl FnOnce(&mut OutputFormat),
) -> Result<Edit, OutputEditError> {
    let mut format = project.output(id).ok_or(OutputEditError::Unknown(id.0))?;
    f(&mut format);
    if id == OutputId::MAIN {
        let main = MainOutput {
            name: format.name,
            safe_area: format.safe_area,
        };
        let canvas = super::project::Canvas {
            width: format.width,
            height: format.height,
            ..project.canvas.clone()
        };
        return Ok(Edit::Batch {
            edits: vec![Edit::SetCanvas { canvas }, Edit::SetMainOutput { main }],
        });
    }
    let outputs = project
        .outputs
        .iter()
        .map(|o| {
            if o.id == id {
                format.clone()
            } else {
                o.clone()
            }
        })
        .collect();
    Ok(Edit::SetOutputs { outputs })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{apply, Canvas, CanvasPreset};

    #[test]
    fn outputs_are_added_renamed_placed_and_removed_each_undoable() {
        let mut p = Project::new("p", Canvas::default());
        let start = p.clone();
        let (id, add) = add_output(&p, " TikTok ", CanvasPreset::Portrait9x16.size());
        let undo_add = apply(&mut p, add).unwrap();
        assert_eq!(p.output(id).unwrap().name, "TikTok");
        assert_eq!(p.output(id).unwrap().width, 1080);

        let rename = rename_output(&p, id, "Reels").unwrap();
        let undo_rename = apply(&mut p, rename).unwrap();
        assert_eq!(p.output(id).unwrap().name, "Reels");
        let area = set_safe_area(&p, id, SafeArea::Reels).unwrap();
        apply(&mut p, area).unwrap();
        assert_eq!(p.output(id).unwrap().safe_area, SafeArea::Reels);
        let main = set_safe_area(&p, OutputId::MAIN, SafeArea::YouTube).unwrap();
        let undo_main = apply(&mut p, main).unwrap();
        assert_eq!(
            p.output(OutputId::MAIN).unwrap().safe_area,
            SafeArea::YouTube
        );
        apply(&mut p, undo_main).unwrap();
        assert_eq!(p.output(OutputId::MAIN).unwrap().safe_area, SafeArea::Style);

        assert_eq!(
            remove_output(&p, OutputId::MAIN),
            Err(OutputEditError::MainCannotGo)
        );
        assert_eq!(rename_output(&p, id, "  "), Err(OutputEditError::EmptyName));
        let remove = remove_output(&p, id).unwrap();
        let undo_remove = apply(&mut p, remove).unwrap();
        assert!(p.output(id).is_none());
        apply(&mut p, undo_remove).unwrap();
        assert_eq!(p.output(id).unwrap().safe_area, SafeArea::Reels);
        apply(&mut p, undo_rename).unwrap();
        apply(&mut p, undo_add).unwrap();
        assert_eq!(p, start);
    }

    #[test]
    fn the_main_output_is_renamed_and_resized_through_the_canvas() {
        let mut p = Project::new("p", Canvas::default());
        let rename = rename_output(&p, OutputId::MAIN, "YouTube").unwrap();
        apply(&mut p, rename).unwrap();
        let resize = resize_output(&p, OutputId::MAIN, CanvasPreset::Square1x1.size()).unwrap();
        apply(&mut p, resize).unwrap();
        let main = p.output(OutputId::MAIN).unwrap();
        assert_eq!(
            (main.name.as_str(), main.width, main.height),
            ("YouTube", 1080, 1080)
        );
        assert_eq!((p.canvas.width, p.canvas.height), (1080, 1080));
    }

    #[test]
    fn a_removed_outputs_id_is_not_given_again_so_its_old_crops_stay_its_own() {
        use crate::timeline::{Clip, ClipId, Reframe, SourceId, Time, Track, TrackId, TrackKind};
        let mut p = Project::new("p", Canvas::default());
        let (id, add) = add_output(&p, "Tall", (1080, 1920));
        apply(&mut p, add).unwrap();
        let mut t = Track::new(TrackId(1), TrackKind::Video, "V1");
        let mut clip = Clip::media(
            ClipId(1),
            SourceId(1),
            Time::ZERO,
            Time::ZERO,
            Time::from_secs(1),
        );
        clip.reframes.insert(id, Reframe::default());
        t.clips.push(clip);
        p.tracks.push(t);
        {
            let edit = remove_output(&p, id).unwrap();
            apply(&mut p, edit).unwrap();
        }
        assert_ne!(add_output(&p, "Again", (1080, 1080)).0, id);
    }
}
