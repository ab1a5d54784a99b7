//! The subtitle document every format is read into and written from. It is
//! lossless for ASS/SSA (script info, styles, events, unknown sections and the order
//! of it all are kept) and keeps what SRT and WebVTT carry (cue ids, cue settings,
//! NOTE/STYLE/REGION blocks). Cue text stays in the markup of the format it came
//! from; conversion between markups lives in `text.rs` and `convert.rs`. Times are
//! integer milliseconds. Parsing and writing live in the per-format files.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::decode::LineEnding;
use super::style::AssStyle;
use super::{text, Format};

/// A whole subtitle file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubtitleDoc {
    /// The format this document was read from; cue text is in its markup.
    pub format: Format,
    /// ASS/SSA `[Script Info]`, in file order (empty for SRT and WebVTT).
    pub script_info: ScriptInfo,
    /// ASS/SSA styles, in file order.
    pub styles: Vec<AssStyle>,
    /// Column names of the styles `Format:` line as read; empty means the standard
    /// columns of the format being written.
    pub style_format: Vec<String>,
    /// Cues (ASS events), in file order for ASS, sorted by start for SRT/WebVTT.
    pub events: Vec<Cue>,
    /// Column names of the events `Format:` line as read; empty means standard.
    pub event_format: Vec<String>,
    /// ASS sections this crate does not interpret (`[Fonts]`, `[Graphics]`,
    /// `[Aegisub Project Garbage]`...), kept verbatim.
    pub extra_sections: Vec<RawSection>,
    /// The order ASS sections appeared in; sections not listed are written after
    /// these in the usual order.
    pub section_order: Vec<SectionId>,
    /// Lines and blocks kept verbatim between cues or styles: WebVTT NOTE, STYLE and
    /// REGION blocks, ASS comment lines and event lines that could not be read.
    pub raw_blocks: Vec<RawBlock>,
    /// WebVTT header block, line by line (`WEBVTT` line first); empty means a bare
    /// `WEBVTT`.
    pub vtt_header: Vec<String>,
    /// Line ending used when writing.
    pub line_ending: LineEnding,
    /// Whether to start the written text with a byte-order mark (kept from a UTF-8
    /// file that had one).
    pub utf8_bom: bool,
    /// The encoding the file was read from (WHATWG name), for display. Files are
    /// always written as UTF-8.
    pub source_encoding: String,
}

impl SubtitleDoc {
    /// An empty document of `format`.
    pub fn new(format: Format) -> Self {
        Self {
            format,
            script_info: ScriptInfo::default(),
            styles: Vec::new(),
            style_format: Vec::new(),
            events: Vec::new(),
            event_format: Vec::new(),
            extra_sections: Vec::new(),
            section_order: Vec::new(),
            raw_blocks: Vec::new(),
            vtt_header: Vec::new(),
            line_ending: LineEnding::default(),
            utf8_bom: false,
            source_encoding: "UTF-8".to_owned(),
        }
    }

    /// An empty document of `format`; an ASS or SSA one has a script sized for a
    /// 1920×1080 picture.
    pub fn new_1080p(format: Format) -> Self {
        let mut doc = Self::new(format);
        if format.is_ass_family() {
            doc.script_info.set("ScriptType", format.script_type());
            doc.script_info.set("PlayResX", "1920");
            doc.script_info.set("PlayResY", "1080");
        }
        doc
    }

    /// The style named `name` (ASS matches style names case-sensitively, but a
    /// leading `*` is ignored, as VSFilter does).
    pub fn style(&self, name: &str) -> Option<&AssStyle> {
        let name = name.trim_start_matches('*');
        self.styles
            .iter()
            .find(|s| s.name.trim_start_matches('*') == name)
    }

    /// The cues that are shown (ASS `Comment:` lines and other event kinds are not).
    pub fn dialogue(&self) -> impl Iterator<Item = &Cue> {
        self.events.iter().filter(|c| c.is_dialogue())
    }

    /// Kept blocks whose kind passes `keep`, grouped by the index they precede, so
    /// writers place them without a scan per cue.
    pub(crate) fn raw_blocks_by_place(
        &self,
        keep: impl Fn(RawKind) -> bool,
    ) -> BTreeMap<usize, Vec<&RawBlock>> {
        let mut map: BTreeMap<usize, Vec<&RawBlock>> = BTreeMap::new();
        for block in self.raw_blocks.iter().filter(|b| keep(b.kind)) {
            map.entry(block.before).or_default().push(block);
        }
        map
    }

    /// A cue's text without markup, with real newlines.
    pub fn plain_text(&self, cue: &Cue) -> String {
        text::to_plain(&cue.text, self.format)
    }
}

/// What an ASS event line is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CueKind {
    /// `Dialogue:` — shown. Every SRT and WebVTT cue is one.
    Dialogue,
    /// `Comment:` — kept in the file, never shown.
    Comment,
    /// Another event kind (`Picture`, `Sound`, `Movie`, `Command`), by its name.
    Other(String),
}

/// One cue: an ASS event, an SRT entry or a WebVTT cue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    /// Dialogue, comment or another ASS event kind.
    pub kind: CueKind,
    /// Start, in milliseconds from the start of the media.
    pub start_ms: i64,
    /// End, in milliseconds from the start of the media.
    pub end_ms: i64,
    /// The text in the document format's markup: ASS override tags and `\N` for
    /// ASS/SSA, HTML-like tags and real newlines for SRT and WebVTT.
    pub text: String,
    /// WebVTT cue identifier.
    pub identifier: Option<String>,
    /// WebVTT cue settings (`line:0 align:start`) or the rest of an SRT timing line
    /// (`X1:… Y1:…`), verbatim.
    pub settings: String,
    /// ASS layer; higher layers are drawn on top.
    pub layer: i32,
    /// ASS style name; empty means `Default`.
    pub style: String,
    /// ASS actor/name field.
    pub name: String,
    /// ASS left margin override in pixels (0 = the style's).
    pub margin_l: i32,
    /// ASS right margin override in pixels (0 = the style's).
    pub margin_r: i32,
    /// ASS vertical margin override in pixels (0 = the style's).
    pub margin_v: i32,
    /// ASS effect field (`Banner;…`, `Scroll up;…`, karaoke templates...).
    pub effect: String,
    /// Event columns this crate does not interpret (SSA `Marked`, `MarginB`...), as
    /// (column name, value).
    pub extra: Vec<(String, String)>,
    /// The ASS/SSA line as read. It is written back verbatim while the fields above
    /// still read the same from it, which makes an unedited round trip exact.
    pub source: Option<String>,
    /// 1-based line in the file this cue started on (0 if it was not read from one).
    pub line: usize,
}

impl Cue {
    /// A dialogue cue from `start_ms` to `end_ms` with text in the document's markup.
    pub fn new(start_ms: i64, end_ms: i64, text: impl Into<String>) -> Self {
        Self {
            kind: CueKind::Dialogue,
            start_ms,
            end_ms,
            text: text.into(),
            identifier: None,
            settings: String::new(),
            layer: 0,
            style: String::new(),
            name: String::new(),
            margin_l: 0,
            margin_r: 0,
            margin_v: 0,
            effect: String::new(),
            extra: Vec::new(),
            source: None,
            line: 0,
        }
    }

    /// Whether this cue is shown (a `Dialogue`), as opposed to an ASS comment.
    pub fn is_dialogue(&self) -> bool {
        self.kind == CueKind::Dialogue
    }

    /// The style name, with an empty one read as `Default`.
    pub fn style_name(&self) -> &str {
        if self.style.is_empty() {
            "Default"
        } else {
            &self.style
        }
    }
}

/// ASS/SSA `[Script Info]`: ordered lines, so comments and unknown keys survive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptInfo {
    /// The lines of the section, in order.
    pub lines: Vec<InfoLine>,
}

/// One line of `[Script Info]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InfoLine {
    /// `Key: Value`.
    Field {
        /// The key as written (`PlayResX`).
        key: String,
        /// The value, without the separating `: `.
        value: String,
    },
    /// A comment (`; Script generated by…`) or any other line, verbatim.
    Raw(String),
}

impl ScriptInfo {
    /// The value of `key` (compared case-insensitively, as renderers do).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.lines.iter().find_map(|line| match line {
            InfoLine::Field { key: k, value } if k.eq_ignore_ascii_case(key) => {
                Some(value.as_str())
            }
            _ => None,
        })
    }

    /// Sets `key` to `value`, in place if the key exists, else at the end.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        for line in &mut self.lines {
            if let InfoLine::Field { key: k, value: v } = line {
                if k.eq_ignore_ascii_case(key) {
                    *v = value;
                    return;
                }
            }
        }
        self.lines.push(InfoLine::Field {
            key: key.to_owned(),
            value,
        });
    }

    /// `PlayResX` × `PlayResY`, the coordinate space of styles and `\pos` tags.
    pub fn play_res(&self) -> Option<(u32, u32)> {
        let x = self.get("PlayResX")?.trim().parse().ok()?;
        let y = self.get("PlayResY")?.trim().parse().ok()?;
        Some((x, y))
    }
}

/// An ASS section kept as lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawSection {
    /// The header line, brackets included (`[Fonts]`).
    pub header: String,
    /// The lines after the header, trailing blank lines removed.
    pub lines: Vec<String>,
}

/// Which ASS section, for [`SubtitleDoc::section_order`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SectionId {
    /// `[Script Info]`.
    ScriptInfo,
    /// `[V4+ Styles]` or `[V4 Styles]`.
    Styles,
    /// `[Events]`.
    Events,
    /// `extra_sections[i]`.
    Extra(usize),
}

/// What a [`RawBlock`] is, which decides where and in which formats it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RawKind {
    /// A WebVTT `NOTE` block.
    VttNote,
    /// A WebVTT `STYLE` block.
    VttStyle,
    /// A WebVTT `REGION` block.
    VttRegion,
    /// A line of an ASS styles section that is not a style (a `;` comment...).
    AssStyleLine,
    /// A line of an ASS events section that is not a readable event.
    AssEventLine,
}

/// Text kept verbatim at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawBlock {
    /// What it is.
    pub kind: RawKind,
    /// Written just before `events[before]` (or `styles[before]` for
    /// [`RawKind::AssStyleLine`]); at the end if past the last one.
    pub before: usize,
    /// The text, lines joined with `\n`.
    pub text: String,
}
