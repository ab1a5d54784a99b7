//! Subtitles and text clips on the composed picture: the project's cues and text clips as
//! one ASS script, burned in by libass, the script kept in a temporary file while it is
//! unchanged.

use crate::media::SubtitleBurner;
use crate::timeline::{ClipContent, Project, Time};

use super::{Compositor, RenderError, Rendered};

/// How the names of the temporary subtitle scripts (`clipwright-text~PID~XXXXXX.ass`, in
/// the system's temporary folder) begin.
pub(super) const TEXT_SCRIPT: &str = "clipwright-text";

/// Scripts kept ready at once: one per output when several are exported together.
const TEXT_LAYERS: usize = 4;

/// libass ready for the current script and size.
#[derive(Debug)]
pub(super) struct TextLayer {
    script: String,
    size: (u32, u32),
    burner: SubtitleBurner,
    /// The script on disk, deleted when the layer goes.
    _file: tempfile::TempPath,
}

impl Compositor {
    /// Draws subtitles and text clips shown at `t` with libass.
    pub(super) fn draw_text(
        &mut self,
        project: &Project,
        t: Time,
        size: (u32, u32),
        picture: Rendered,
    ) -> Result<Rendered, RenderError> {
        let cue_shown = self.burn_subtitles && !project.subtitles_at(t).is_empty();
        let text_shown = project
            .active_clips_at(t)
            .iter()
            .any(|a| matches!(a.clip.content, ClipContent::Text { .. }));
        if !cue_shown && !text_shown {
            return Ok(picture);
        }
        let Some(script) =
            crate::render::text::ass_script_for(project, self.output, size, self.burn_subtitles)
        else {
            return Ok(picture);
        };
        let cached = self
            .text
            .iter()
            .position(|l| l.script == script && l.size == size);
        let layer = match cached {
            Some(i) => i,
            None => {
                self.text.push(new_layer(script, size)?);
                if self.text.len() > TEXT_LAYERS {
                    self.text.remove(0);
                }
                self.text.len() - 1
            }
        };
        let Some(layer) = self.text.get_mut(layer) else {
            return Ok(picture);
        };
        Ok(match picture {
            Rendered::Yuv(p) => Rendered::Yuv(layer.burner.burn(p, t.flicks())?),
            Rendered::Rgba(f) => Rendered::Rgba(layer.burner.burn_rgba(&f, t.flicks())?),
        })
    }
}

/// libass ready for `script` at `size`, the script written to a temporary file.
fn new_layer(script: String, size: (u32, u32)) -> Result<TextLayer, RenderError> {
    let io = |source| RenderError::TextScript { source };
    // Scripts a killed run left behind go first, once a process.
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(|| {
        crate::files::remove_leftovers(&std::env::temp_dir(), TEXT_SCRIPT, ".ass");
    });
    let prefix = format!("{TEXT_SCRIPT}{}", crate::files::pid_marker());
    let mut file = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".ass")
        .tempfile()
        .map_err(io)?;
    std::io::Write::write_all(&mut file, script.as_bytes()).map_err(io)?;
    let path = file.into_temp_path();
    let burner = SubtitleBurner::new(&path, size.0, size.1)?;
    Ok(TextLayer {
        script,
        size,
        burner,
        _file: path,
    })
}
