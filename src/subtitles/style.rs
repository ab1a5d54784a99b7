//! ASS/SSA styles: [`AssStyle`] with every V4+ field (and SSA V4's, mapped onto
//! them), [`AssColor`], and reading/writing a `Style:` line in whatever column order
//! the section's `Format:` line gives. Knows nothing of events or sections.

use serde::{Deserialize, Serialize};

use super::ass_write::field;
use super::error::{WarningKind, Warnings};

/// An ASS colour: `&HAABBGGRR`, alpha first and 0 = opaque.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AssColor(pub u32);

impl AssColor {
    /// Opaque white, the usual primary colour.
    pub const WHITE: Self = Self(0x00FF_FFFF);
    /// Opaque black.
    pub const BLACK: Self = Self(0);

    /// A colour from red, green, blue and ASS alpha (0 = opaque, 255 = invisible).
    pub fn from_rgba(r: u8, g: u8, b: u8, alpha: u8) -> Self {
        Self(u32::from_be_bytes([alpha, b, g, r]))
    }

    /// Red, green, blue and ASS alpha (0 = opaque).
    pub fn rgba(self) -> (u8, u8, u8, u8) {
        let [alpha, b, g, r] = self.0.to_be_bytes();
        (r, g, b, alpha)
    }

    /// Reads `&HAABBGGRR`, `&HBBGGRR&`, `H00FF00` or a decimal number (as SSA
    /// files often hold).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let hex = t
            .strip_prefix("&H")
            .or_else(|| t.strip_prefix("&h"))
            .or_else(|| t.strip_prefix('H'))
            .or_else(|| t.strip_prefix('h'));
        if let Some(hex) = hex {
            let hex = hex.trim_end_matches('&');
            if hex.is_empty() || hex.len() > 8 {
                return None;
            }
            return u32::from_str_radix(hex, 16).ok().map(Self);
        }
        let value: i64 = t.parse().ok()?;
        // Negative decimals occur in old SSA files; they are the same 32 bits.
        Some(Self((value & 0xFFFF_FFFF) as u32))
    }

    /// `&HAABBGGRR`, as ASS styles write it.
    pub fn to_ass(self) -> String {
        format!("&H{:08X}", self.0)
    }
}

/// One ASS style: every V4+ field, plus any columns this crate does not know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssStyle {
    /// Style name, referenced by events.
    pub name: String,
    /// Font family.
    pub fontname: String,
    /// Font size in script pixels.
    pub fontsize: f64,
    /// Fill colour.
    pub primary_colour: AssColor,
    /// Karaoke "not yet sung" colour.
    pub secondary_colour: AssColor,
    /// Outline colour (SSA's `TertiaryColour`).
    pub outline_colour: AssColor,
    /// Shadow / opaque box colour.
    pub back_colour: AssColor,
    /// 0 = regular, -1 (or 1) = bold, other values a font weight (700...).
    pub bold: i32,
    /// Italic.
    pub italic: bool,
    /// Underline.
    pub underline: bool,
    /// Strike-through.
    pub strikeout: bool,
    /// Horizontal scale in percent.
    pub scale_x: f64,
    /// Vertical scale in percent.
    pub scale_y: f64,
    /// Extra letter spacing in pixels.
    pub spacing: f64,
    /// Rotation in degrees.
    pub angle: f64,
    /// 1 = outline and shadow, 3 = opaque box.
    pub border_style: i32,
    /// Outline width in pixels.
    pub outline: f64,
    /// Shadow depth in pixels.
    pub shadow: f64,
    /// Numpad alignment: 1–3 bottom, 4–6 middle, 7–9 top (SSA's numbering is
    /// converted on read and write).
    pub alignment: u8,
    /// Left margin in pixels.
    pub margin_l: i32,
    /// Right margin in pixels.
    pub margin_r: i32,
    /// Vertical margin in pixels.
    pub margin_v: i32,
    /// Font character set (1 = default).
    pub encoding: i32,
    /// Columns this crate does not interpret (SSA `AlphaLevel`...), as (name, value).
    pub extra: Vec<(String, String)>,
    /// The `Style:` line as read; written back verbatim while the fields above still
    /// read the same from it.
    pub source: Option<String>,
    /// 1-based line this style was read from (0 if not read from a file).
    pub line: usize,
}

impl Default for AssStyle {
    /// Aegisub's `Default` style: white Arial 20 with a 2 px outline and shadow.
    fn default() -> Self {
        Self {
            name: "Default".to_owned(),
            fontname: "Arial".to_owned(),
            fontsize: 20.0,
            primary_colour: AssColor::WHITE,
            secondary_colour: AssColor(0x0000_00FF),
            outline_colour: AssColor::BLACK,
            back_colour: AssColor::BLACK,
            bold: 0,
            italic: false,
            underline: false,
            strikeout: false,
            scale_x: 100.0,
            scale_y: 100.0,
            spacing: 0.0,
            angle: 0.0,
            border_style: 1,
            outline: 2.0,
            shadow: 2.0,
            alignment: 2,
            margin_l: 10,
            margin_r: 10,
            margin_v: 10,
            encoding: 1,
            extra: Vec::new(),
            source: None,
            line: 0,
        }
    }
}

impl AssStyle {
    /// Whether the style is bold (any value but 0 or a weight under 600).
    pub fn is_bold(&self) -> bool {
        self.bold == -1 || self.bold == 1 || self.bold >= 600
    }
}

/// The `[V4+ Styles]` columns, in their standard order.
pub(crate) const ASS_COLUMNS: &[&str] = &[
    "Name",
    "Fontname",
    "Fontsize",
    "PrimaryColour",
    "SecondaryColour",
    "OutlineColour",
    "BackColour",
    "Bold",
    "Italic",
    "Underline",
    "StrikeOut",
    "ScaleX",
    "ScaleY",
    "Spacing",
    "Angle",
    "BorderStyle",
    "Outline",
    "Shadow",
    "Alignment",
    "MarginL",
    "MarginR",
    "MarginV",
    "Encoding",
];

/// The SSA `[V4 Styles]` columns, in their standard order.
pub(crate) const SSA_COLUMNS: &[&str] = &[
    "Name",
    "Fontname",
    "Fontsize",
    "PrimaryColour",
    "SecondaryColour",
    "TertiaryColour",
    "BackColour",
    "Bold",
    "Italic",
    "BorderStyle",
    "Outline",
    "Shadow",
    "Alignment",
    "MarginL",
    "MarginR",
    "MarginV",
    "AlphaLevel",
    "Encoding",
];

/// Lower-cases a column name and accepts American spelling.
pub(crate) fn column_key(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace("color", "colour")
}

/// SSA alignment (1–3 bottom, 9–11 middle, 5–7 top) to numpad.
fn from_legacy_alignment(a: i64) -> u8 {
    match a {
        5..=7 => (a + 2) as u8,
        9..=11 => (a - 5) as u8,
        1..=3 => a as u8,
        _ => 2,
    }
}

/// Numpad alignment to SSA's numbering.
fn to_legacy_alignment(a: u8) -> u8 {
    match a {
        4..=6 => a + 5,
        7..=9 => a - 2,
        1..=3 => a,
        _ => 2,
    }
}

/// A finite decimal number (`inf` and `NaN` are not numbers in a subtitle file).
fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    if !t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn integer(text: &str) -> Option<i64> {
    let t = text.trim();
    t.parse::<i64>()
        .ok()
        .or_else(|| number(t).map(|v| v.round().clamp(-1e15, 1e15) as i64))
}

/// Writes a number the shortest way (`20`, `2.5`, never `-0`).
pub(crate) fn format_number(v: f64) -> String {
    if v == 0.0 {
        "0".to_owned()
    } else {
        v.to_string()
    }
}

/// Stores `value` in `slot` if there is one; says whether there was.
fn set<T>(slot: &mut T, value: Option<T>) -> bool {
    match value {
        Some(v) => {
            *slot = v;
            true
        }
        None => false,
    }
}

fn clamp_i32(v: i64) -> i32 {
    v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// Reads the part of a `Style:` line after the colon, by `columns`. Values that
/// cannot be read keep the default and add a warning naming `line`.
pub(crate) fn parse_style(
    body: &str,
    columns: &[String],
    ssa: bool,
    line: usize,
    warnings: &mut Warnings,
) -> AssStyle {
    let mut style = AssStyle {
        line,
        ..AssStyle::default()
    };
    let values: Vec<&str> = body.splitn(columns.len().max(1), ',').collect();
    if values.len() < columns.len() {
        warnings.at(
            line,
            WarningKind::BadField,
            format!(
                "style has {} fields, the Format line names {}; the rest use defaults",
                values.len(),
                columns.len()
            ),
        );
    }
    for (column, raw) in columns.iter().zip(values) {
        let s = &mut style;
        let read = match column_key(column).as_str() {
            "name" => set(&mut s.name, Some(raw.trim().to_owned())),
            "fontname" => set(&mut s.fontname, Some(raw.trim().to_owned())),
            "fontsize" => set(&mut s.fontsize, number(raw)),
            "primarycolour" => set(&mut s.primary_colour, AssColor::parse(raw)),
            "secondarycolour" => set(&mut s.secondary_colour, AssColor::parse(raw)),
            "outlinecolour" | "tertiarycolour" => set(&mut s.outline_colour, AssColor::parse(raw)),
            "backcolour" => set(&mut s.back_colour, AssColor::parse(raw)),
            "bold" => set(&mut s.bold, integer(raw).map(clamp_i32)),
            "italic" => set(&mut s.italic, integer(raw).map(|v| v != 0)),
            "underline" => set(&mut s.underline, integer(raw).map(|v| v != 0)),
            "strikeout" => set(&mut s.strikeout, integer(raw).map(|v| v != 0)),
            "scalex" => set(&mut s.scale_x, number(raw)),
            "scaley" => set(&mut s.scale_y, number(raw)),
            "spacing" => set(&mut s.spacing, number(raw)),
            "angle" => set(&mut s.angle, number(raw)),
            "borderstyle" => set(&mut s.border_style, integer(raw).map(clamp_i32)),
            "outline" => set(&mut s.outline, number(raw)),
            "shadow" => set(&mut s.shadow, number(raw)),
            "alignment" if ssa => set(&mut s.alignment, integer(raw).map(from_legacy_alignment)),
            "alignment" => set(
                &mut s.alignment,
                integer(raw)
                    .filter(|v| (1..=9).contains(v))
                    .map(|v| v as u8),
            ),
            "marginl" => set(&mut s.margin_l, integer(raw).map(clamp_i32)),
            "marginr" => set(&mut s.margin_r, integer(raw).map(clamp_i32)),
            "marginv" => set(&mut s.margin_v, integer(raw).map(clamp_i32)),
            "encoding" => set(&mut s.encoding, integer(raw).map(clamp_i32)),
            _ => {
                s.extra.push((column.trim().to_owned(), raw.to_owned()));
                true
            }
        };
        if !read {
            warnings.at(
                line,
                WarningKind::BadField,
                format!(
                    "style {:?}: {} value {:?} cannot be read; using the default",
                    style.name,
                    column.trim(),
                    raw.trim()
                ),
            );
        }
    }
    style
}

/// The part of a `Style:` line after `Style: `, by `columns`.
pub(crate) fn format_style(style: &AssStyle, columns: &[String], ssa: bool) -> String {
    let bool_text = |b: bool| if b { "-1" } else { "0" }.to_owned();
    let colour = |c: AssColor| {
        if ssa {
            // SSA has no alpha in its colours; VSFilter reads the decimal BGR.
            (c.0 & 0x00FF_FFFF).to_string()
        } else {
            c.to_ass()
        }
    };
    let fields: Vec<String> = columns
        .iter()
        .map(|column| match column_key(column).as_str() {
            "name" => field(&style.name),
            "fontname" => field(&style.fontname),
            "fontsize" => format_number(style.fontsize),
            "primarycolour" => colour(style.primary_colour),
            "secondarycolour" => colour(style.secondary_colour),
            "outlinecolour" | "tertiarycolour" => colour(style.outline_colour),
            "backcolour" => colour(style.back_colour),
            "bold" => style.bold.to_string(),
            "italic" => bool_text(style.italic),
            "underline" => bool_text(style.underline),
            "strikeout" => bool_text(style.strikeout),
            "scalex" => format_number(style.scale_x),
            "scaley" => format_number(style.scale_y),
            "spacing" => format_number(style.spacing),
            "angle" => format_number(style.angle),
            "borderstyle" => style.border_style.to_string(),
            "outline" => format_number(style.outline),
            "shadow" => format_number(style.shadow),
            "alignment" if ssa => to_legacy_alignment(style.alignment).to_string(),
            "alignment" => style.alignment.to_string(),
            "marginl" => style.margin_l.to_string(),
            "marginr" => style.margin_r.to_string(),
            "marginv" => style.margin_v.to_string(),
            "encoding" => style.encoding.to_string(),
            "alphalevel" => extra_value(&style.extra, column).unwrap_or("0").to_owned(),
            _ => field(extra_value(&style.extra, column).unwrap_or_default()),
        })
        .collect();
    fields.join(",")
}

/// The value of an extra column, matched case-insensitively.
pub(crate) fn extra_value<'a>(extra: &'a [(String, String)], column: &str) -> Option<&'a str> {
    let key = column_key(column);
    extra
        .iter()
        .find(|(name, _)| column_key(name) == key)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn cols(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn colours_read_in_every_spelling() {
        assert_eq!(AssColor::parse("&H00FFFFFF"), Some(AssColor::WHITE));
        assert_eq!(AssColor::parse("&HFFFFFF&"), Some(AssColor::WHITE));
        assert_eq!(AssColor::parse("16777215"), Some(AssColor::WHITE));
        assert_eq!(
            AssColor::parse("&H80000000").map(|c| c.rgba()),
            Some((0, 0, 0, 0x80))
        );
        assert_eq!(AssColor::parse("&Hzz"), None);
        assert_eq!(AssColor::from_rgba(1, 2, 3, 4).to_ass(), "&H04030201");
    }

    #[test]
    fn aegisub_default_style_reads_and_writes_back_identically() {
        let line = "Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1";
        let columns = cols(ASS_COLUMNS);
        let mut w = Warnings::default();
        let style = parse_style(line, &columns, false, 7, &mut w);
        assert!(w.finish().is_empty());
        assert_eq!(
            style,
            AssStyle {
                line: 7,
                ..AssStyle::default()
            }
        );
        assert_eq!(format_style(&style, &columns, false), line);
    }

    #[test]
    fn ssa_alignment_and_alpha_level_survive_a_round_trip() {
        let line = "Top,Tahoma,24,16777215,65535,0,0,-1,0,1,2,0,6,30,30,12,0,0";
        let columns = cols(SSA_COLUMNS);
        let mut w = Warnings::default();
        let style = parse_style(line, &columns, true, 1, &mut w);
        assert_eq!(style.alignment, 8);
        assert!(style.is_bold());
        assert_eq!(format_style(&style, &columns, true), line);
    }

    #[test]
    fn an_unreadable_field_warns_with_its_line_and_keeps_the_default() {
        let mut w = Warnings::default();
        let style = parse_style(
            "S,Arial,big,&H00FFFFFF",
            &cols(ASS_COLUMNS),
            false,
            12,
            &mut w,
        );
        assert_eq!(style.fontsize, 20.0);
        let warnings = w.finish();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings.iter().all(|w| w.line == Some(12)));
    }
}
