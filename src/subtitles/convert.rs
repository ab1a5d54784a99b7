//! Conversion of a [`SubtitleDoc`] from one format to another, and the
//! [`SubtitleDoc::write`] entry point. Styles are carried where the target can hold
//! them: an ASS style's bold/italic/underline/colour become SRT or WebVTT tags and
//! its alignment becomes `{\anN}` (SRT) or `line:`/`align:` settings (WebVTT); going
//! to ASS, cues use a `Default` style with override tags for what the text said.
//! Writing the same format keeps everything; the markup itself is in `text.rs`.

use super::model::{Cue, SubtitleDoc};
use super::style::{AssColor, AssStyle};
use super::text::{parse_rich, render_rich, SpanStyle};
use super::vtt::cue_settings;
use super::{ass_write, srt, vtt, Format};

impl SubtitleDoc {
    /// The document as `format` text. Writing the format it was read from keeps
    /// everything it held; another format gets a converted copy (see
    /// [`SubtitleDoc::to_format`]).
    pub fn write(&self, format: Format) -> String {
        if self.format != format && !(self.format.is_ass_family() && format.is_ass_family()) {
            return self.to_format(format).write(format);
        }
        match format {
            Format::Srt => srt::write(self),
            Format::Vtt => vtt::write(self),
            Format::Ass | Format::Ssa => ass_write::write(self, format),
        }
    }

    /// A copy of the document in `format`: cue text rewritten in its markup, styles
    /// carried as far as the target allows, and what the target cannot hold (ASS
    /// comments and drawings, WebVTT notes, SRT coordinates) left out. SRT and WebVTT cues come
    /// out sorted by start time.
    pub fn to_format(&self, format: Format) -> SubtitleDoc {
        if self.format == format {
            return self.clone();
        }
        if self.format.is_ass_family() && format.is_ass_family() {
            return self.ass_to_ass(format);
        }
        let mut out = SubtitleDoc::new(format);
        out.line_ending = self.line_ending;
        if format.is_ass_family() {
            out.styles.push(AssStyle::default());
        }
        let mut cues: Vec<&Cue> = self.dialogue().collect();
        if !format.is_ass_family() {
            cues.sort_by_key(|c| c.start_ms);
        }
        for cue in cues {
            let converted = self.convert_cue(cue, format);
            // A cue that was only a drawing or tags has nothing to show in SRT/WebVTT.
            if format.is_ass_family() || !converted.text.trim().is_empty() {
                out.events.push(converted);
            }
        }
        out
    }

    /// ASS ↔ SSA: the same data under the other header; lines are rewritten from
    /// the fields since the column layouts differ.
    fn ass_to_ass(&self, format: Format) -> SubtitleDoc {
        let mut out = self.clone();
        out.format = format;
        out.style_format.clear();
        out.event_format.clear();
        for style in &mut out.styles {
            style.source = None;
        }
        for cue in &mut out.events {
            cue.source = None;
        }
        out.script_info.set("ScriptType", format.script_type());
        out
    }

    fn convert_cue(&self, cue: &Cue, format: Format) -> Cue {
        let style = self
            .format
            .is_ass_family()
            .then(|| self.style(cue.style_name()))
            .flatten();
        let base = style.map(span_style).unwrap_or_default();
        let mut rich = parse_rich(&cue.text, self.format, base);
        let align = rich
            .align
            .or_else(|| style.map(|s| s.alignment))
            .or_else(|| {
                (self.format == Format::Vtt)
                    .then(|| vtt_alignment(&cue.settings))
                    .flatten()
            })
            .filter(|a| *a != 2);
        let mut out = Cue::new(cue.start_ms, cue.end_ms, String::new());
        out.line = cue.line;
        let speaker = match self.format {
            Format::Vtt => vtt_voice(&cue.text).unwrap_or_default(),
            _ => cue.name.clone(),
        };
        match format {
            Format::Ass | Format::Ssa => {
                rich.align = align;
                out.text = render_rich(&rich, format, SpanStyle::default());
                out.style = "Default".to_owned();
                out.name = speaker;
            }
            Format::Srt => {
                rich.align = align;
                out.text = render_rich(&rich, format, SpanStyle::default());
            }
            Format::Vtt => {
                rich.align = None;
                out.text = render_rich(&rich, format, SpanStyle::default());
                let speaker = speaker.replace(['<', '>', '&', '\n'], "");
                if !speaker.trim().is_empty() && !out.text.is_empty() {
                    out.text = format!("<v {}>{}</v>", speaker.trim(), out.text);
                }
                out.settings = align.map(vtt_settings_for).unwrap_or_default();
            }
        }
        out
    }
}

/// The speaker of a WebVTT cue that opens with a voice span: `<v.loud Ann>Hi` is
/// `Ann`.
fn vtt_voice(text: &str) -> Option<String> {
    let tag = text.trim_start().strip_prefix("<v")?;
    let tag = tag.get(..tag.find('>')?)?;
    if !tag.starts_with([' ', '\t', '.']) {
        return None;
    }
    let (_classes, name) = tag.split_once([' ', '\t'])?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// The look a style gives its text, as far as other formats can say it.
fn span_style(style: &AssStyle) -> SpanStyle {
    let (r, g, b, _) = style.primary_colour.rgba();
    SpanStyle {
        bold: style.is_bold(),
        italic: style.italic,
        underline: style.underline,
        strike: style.strikeout,
        color: (style.primary_colour.0 & 0x00FF_FFFF != AssColor::WHITE.0).then_some([r, g, b]),
        drawing: false,
    }
}

/// A numpad alignment from WebVTT `line:` and `align:` settings, if they move the
/// cue from the bottom centre.
fn vtt_alignment(settings: &str) -> Option<u8> {
    let mut row = 0u8; // 0 bottom, 1 middle, 2 top
    let mut column = 2u8; // 1 left, 2 centre, 3 right
    for (name, value) in cue_settings(settings) {
        match name {
            "line" => {
                let value = value.split(',').next().unwrap_or_default();
                if let Some(percent) = value
                    .strip_suffix('%')
                    .and_then(|p| p.trim().parse::<f64>().ok())
                {
                    row = if percent < 30.0 {
                        2
                    } else if percent < 70.0 {
                        1
                    } else {
                        0
                    };
                } else if let Ok(line) = value.trim().parse::<i64>() {
                    // Non-negative line numbers count from the top, negative ones from the bottom.
                    row = if (0..4).contains(&line) { 2 } else { 0 };
                }
            }
            "align" => {
                column = match value {
                    "start" | "left" => 1,
                    "end" | "right" => 3,
                    _ => 2,
                }
            }
            _ => {}
        }
    }
    let numpad = row * 3 + column;
    (numpad != 2).then_some(numpad)
}

/// WebVTT settings that place a cue at numpad alignment `align`.
fn vtt_settings_for(align: u8) -> String {
    let mut parts = Vec::new();
    match align {
        7..=9 => parts.push("line:0"),
        4..=6 => parts.push("line:50%"),
        _ => {}
    }
    match align % 3 {
        1 => parts.push("align:left"),
        0 => parts.push("align:right"),
        _ => {}
    }
    parts.join(" ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn vtt_settings_and_numpad_alignment_map_both_ways() {
        for align in [1, 3, 4, 5, 6, 7, 8, 9] {
            assert_eq!(
                vtt_alignment(&vtt_settings_for(align)),
                Some(align),
                "{align}"
            );
        }
        assert_eq!(vtt_alignment("line:85% align:center"), None);
        assert_eq!(vtt_alignment("line:-1"), None);
    }

    #[test]
    fn the_vtt_voice_names_the_speaker() {
        assert_eq!(vtt_voice("<v Ann>Hi</v>").as_deref(), Some("Ann"));
        assert_eq!(
            vtt_voice("<v.loud Bob Smith>Hey").as_deref(),
            Some("Bob Smith")
        );
        assert_eq!(vtt_voice("<vx>no"), None);
        assert_eq!(vtt_voice("plain <v Ann>"), None);
    }
}
