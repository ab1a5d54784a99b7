//! Reads ASS (`[V4+ Styles]`) and SSA (`[V4 Styles]`) scripts into a
//! [`SubtitleDoc`] without losing anything: script info lines in order, every style
//! field, events by the section's own `Format:` column order with override tags
//! left in the text, unreadable lines kept verbatim where they stood, and unknown
//! sections (`[Fonts]`, `[Graphics]`, `[Aegisub Project Garbage]`) kept as lines.
//! Writing is in `ass_write.rs`.

use super::decode::split_lines;
use super::error::{SubtitleError, WarningKind, Warnings};
use super::model::{Cue, CueKind, InfoLine, RawBlock, RawKind, RawSection, SectionId, SubtitleDoc};
use super::srt::clip;
use super::style::{column_key, parse_style, ASS_COLUMNS, SSA_COLUMNS};
use super::timecode::parse_clock;
use super::Format;

/// The `[Events]` columns of ASS, in their standard order.
pub(crate) const ASS_EVENT_COLUMNS: &[&str] = &[
    "Layer", "Start", "End", "Style", "Name", "MarginL", "MarginR", "MarginV", "Effect", "Text",
];

/// The `[Events]` columns of SSA, in their standard order.
pub(crate) const SSA_EVENT_COLUMNS: &[&str] = &[
    "Marked", "Start", "End", "Style", "Name", "MarginL", "MarginR", "MarginV", "Effect", "Text",
];

/// Event line kinds besides `Dialogue` and `Comment`, from the SSA specification.
const OTHER_EVENTS: &[&str] = &["Picture", "Sound", "Movie", "Command"];

/// Owned column names from a constant list.
pub(crate) fn columns(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    Info,
    Styles,
    Events,
    Extra(usize),
}

/// Reads an ASS or SSA script; `requested` decides between the two only when the
/// script itself does not say.
pub(crate) fn parse(
    text: &str,
    requested: Format,
    w: &mut Warnings,
) -> Result<SubtitleDoc, SubtitleError> {
    let mut doc = SubtitleDoc::new(requested);
    let mut section = Section::None;
    let mut ssa_styles: Option<bool> = None;
    let mut found_section = false;
    for (index, raw) in split_lines(text).into_iter().enumerate() {
        let line_no = index + 1;
        let trimmed = raw.trim();
        if let Some(next) = section_header(trimmed, section, &doc) {
            found_section = true;
            section = open_section(next, raw, &mut doc, &mut ssa_styles, line_no, w);
            continue;
        }
        match section {
            Section::Extra(i) => {
                if let Some(s) = doc.extra_sections.get_mut(i) {
                    s.lines.push(raw.to_owned());
                }
            }
            _ if trimmed.is_empty() => {}
            Section::None => w.once(
                "outside",
                line_no,
                WarningKind::UnreadableLine,
                "text before the first [section] header; skipped",
            ),
            Section::Info => doc.script_info.lines.push(info_line(raw)),
            Section::Styles => style_line(raw, ssa_styles == Some(true), line_no, &mut doc, w),
            Section::Events => event_line(raw, line_no, &mut doc, w),
        }
    }
    for s in &mut doc.extra_sections {
        while s.lines.last().is_some_and(|l| l.trim().is_empty()) {
            s.lines.pop();
        }
    }
    if !found_section {
        if text.trim().is_empty() {
            return Ok(doc);
        }
        return Err(SubtitleError::NoCues { format: requested });
    }
    doc.format = match ssa_styles {
        Some(true) => Format::Ssa,
        Some(false) => Format::Ass,
        None => match doc
            .script_info
            .get("ScriptType")
            .map(|v| v.trim().to_ascii_lowercase())
        {
            Some(v) if v == "v4.00" => Format::Ssa,
            Some(v) if v == "v4.00+" => Format::Ass,
            _ => requested,
        },
    };
    if doc.section_order.first() != Some(&SectionId::ScriptInfo) {
        w.file(
            WarningKind::MissingHeader,
            "the script does not start with [Script Info]",
        );
    }
    Ok(doc)
}

/// Which section a header line opens, if it is one. Inside `[Fonts]` and
/// `[Graphics]` only known headers count, since uuencoded data may look like one.
fn section_header(trimmed: &str, current: Section, doc: &SubtitleDoc) -> Option<SectionKey> {
    let name = trimmed
        .strip_prefix('[')?
        .strip_suffix(']')?
        .trim()
        .to_ascii_lowercase();
    let key = match name.as_str() {
        "script info" => SectionKey::Info,
        "v4+ styles" | "v4 styles+" => SectionKey::Styles { ssa: false },
        "v4 styles" => SectionKey::Styles { ssa: true },
        "events" => SectionKey::Events,
        _ => SectionKey::Other,
    };
    if let Section::Extra(i) = current {
        let binary = doc.extra_sections.get(i).is_some_and(|s| {
            matches!(
                s.header.trim().to_ascii_lowercase().as_str(),
                "[fonts]" | "[graphics]"
            )
        });
        if binary && key == SectionKey::Other && !name.starts_with("aegisub") {
            return None;
        }
    }
    Some(key)
}

#[derive(Clone, Copy, PartialEq)]
enum SectionKey {
    Info,
    Styles { ssa: bool },
    Events,
    Other,
}

fn open_section(
    key: SectionKey,
    raw: &str,
    doc: &mut SubtitleDoc,
    ssa_styles: &mut Option<bool>,
    line_no: usize,
    w: &mut Warnings,
) -> Section {
    let (id, section) = match key {
        SectionKey::Info => (SectionId::ScriptInfo, Section::Info),
        SectionKey::Styles { ssa } => {
            *ssa_styles = Some(ssa);
            (SectionId::Styles, Section::Styles)
        }
        SectionKey::Events => (SectionId::Events, Section::Events),
        SectionKey::Other => {
            doc.extra_sections.push(RawSection {
                header: raw.trim().to_owned(),
                lines: Vec::new(),
            });
            let i = doc.extra_sections.len() - 1;
            (SectionId::Extra(i), Section::Extra(i))
        }
    };
    if doc.section_order.contains(&id) {
        w.at(
            line_no,
            WarningKind::UnreadableLine,
            format!("{} appears twice; the two are merged", raw.trim()),
        );
    } else {
        doc.section_order.push(id);
    }
    section
}

fn info_line(raw: &str) -> InfoLine {
    let trimmed = raw.trim_start();
    if trimmed.starts_with(';') {
        return InfoLine::Raw(raw.to_owned());
    }
    match raw.split_once(':') {
        Some((key, value)) if !key.trim().is_empty() => InfoLine::Field {
            key: key.trim().to_owned(),
            value: value.trim_start().to_owned(),
        },
        _ => InfoLine::Raw(raw.to_owned()),
    }
}

/// `Format: a, b, c` as column names.
fn format_columns(body: &str) -> Vec<String> {
    body.split(',').map(|c| c.trim().to_owned()).collect()
}

/// Splits `Kind: body` into the kind and the body after the colon.
fn descriptor(raw: &str) -> Option<(&str, &str)> {
    let (kind, body) = raw.split_once(':')?;
    Some((kind.trim(), body))
}

fn style_line(raw: &str, ssa: bool, line_no: usize, doc: &mut SubtitleDoc, w: &mut Warnings) {
    match descriptor(raw) {
        Some((kind, body)) if kind.eq_ignore_ascii_case("Format") => {
            doc.style_format = format_columns(body)
        }
        Some((kind, body)) if kind.eq_ignore_ascii_case("Style") => {
            if doc.style_format.is_empty() {
                w.at(
                    line_no,
                    WarningKind::MissingHeader,
                    "style before any Format line; standard columns assumed",
                );
                doc.style_format = columns(if ssa { SSA_COLUMNS } else { ASS_COLUMNS });
            }
            let mut style = parse_style(body.trim_start(), &doc.style_format, ssa, line_no, w);
            style.source = Some(raw.to_owned());
            doc.styles.push(style);
        }
        _ => {
            if !raw.trim_start().starts_with(';') {
                w.at(
                    line_no,
                    WarningKind::UnreadableLine,
                    format!("not a style line; kept as is: {:?}", clip(raw)),
                );
            }
            doc.raw_blocks.push(RawBlock {
                kind: RawKind::AssStyleLine,
                before: doc.styles.len(),
                text: raw.to_owned(),
            });
        }
    }
}

fn event_kind(name: &str) -> Option<CueKind> {
    if name.eq_ignore_ascii_case("Dialogue") {
        Some(CueKind::Dialogue)
    } else if name.eq_ignore_ascii_case("Comment") {
        Some(CueKind::Comment)
    } else {
        OTHER_EVENTS
            .iter()
            .find(|k| k.eq_ignore_ascii_case(name))
            .map(|k| CueKind::Other((*k).to_owned()))
    }
}

fn event_line(raw: &str, line_no: usize, doc: &mut SubtitleDoc, w: &mut Warnings) {
    let keep_raw = |doc: &mut SubtitleDoc| {
        doc.raw_blocks.push(RawBlock {
            kind: RawKind::AssEventLine,
            before: doc.events.len(),
            text: raw.to_owned(),
        });
    };
    let Some((name, body)) = descriptor(raw).filter(|_| !raw.trim_start().starts_with(';')) else {
        if !raw.trim_start().starts_with(';') {
            w.at(
                line_no,
                WarningKind::UnreadableLine,
                format!("not an event line; kept as is: {:?}", clip(raw)),
            );
        }
        keep_raw(doc);
        return;
    };
    if name.eq_ignore_ascii_case("Format") {
        doc.event_format = format_columns(body);
        return;
    }
    let Some(kind) = event_kind(name) else {
        w.at(
            line_no,
            WarningKind::UnreadableLine,
            format!("unknown event kind {name:?}; kept as is"),
        );
        keep_raw(doc);
        return;
    };
    if doc.event_format.is_empty() {
        w.at(
            line_no,
            WarningKind::MissingHeader,
            "event before any Format line; standard columns assumed",
        );
        let ssa = doc.section_order.contains(&SectionId::Styles)
            && doc
                .style_format
                .iter()
                .any(|c| column_key(c) == "tertiarycolour");
        doc.event_format = columns(if ssa {
            SSA_EVENT_COLUMNS
        } else {
            ASS_EVENT_COLUMNS
        });
    }
    match parse_event(kind, body, &doc.event_format, line_no, w) {
        Some(mut cue) => {
            cue.source = Some(raw.to_owned());
            doc.events.push(cue);
        }
        None => {
            w.at(
                line_no,
                WarningKind::UnreadableLine,
                "event has no readable start and end time; kept as is",
            );
            keep_raw(doc);
        }
    }
}

/// Reads the part of an event line after `Kind:`, by `columns`. `None` when the
/// start or end time is missing or unreadable.
pub(crate) fn parse_event(
    kind: CueKind,
    body: &str,
    columns: &[String],
    line_no: usize,
    w: &mut Warnings,
) -> Option<Cue> {
    let mut cue = Cue::new(0, 0, "");
    cue.kind = kind;
    cue.line = line_no;
    let (mut start, mut end) = (None, None);
    let values = body.trim_start().splitn(columns.len().max(1), ',');
    for (column, raw) in columns.iter().zip(values) {
        let key = column_key(column);
        let mut int_field = |slot: &mut i32| match raw.trim().parse::<i32>() {
            Ok(v) => *slot = v,
            Err(_) if raw.trim().is_empty() => {}
            Err(_) => w.at(
                line_no,
                WarningKind::BadField,
                format!(
                    "{} value {:?} is not a number; using 0",
                    column.trim(),
                    clip(raw.trim())
                ),
            ),
        };
        match key.as_str() {
            "layer" => int_field(&mut cue.layer),
            "marginl" => int_field(&mut cue.margin_l),
            "marginr" => int_field(&mut cue.margin_r),
            "marginv" => int_field(&mut cue.margin_v),
            "start" => start = parse_clock(raw),
            "end" => end = parse_clock(raw),
            "style" => cue.style = raw.trim().to_owned(),
            "name" | "actor" => cue.name = raw.trim().to_owned(),
            "effect" => cue.effect = raw.trim().to_owned(),
            "text" => cue.text = raw.to_owned(),
            _ => cue
                .extra
                .push((column.trim().to_owned(), raw.trim().to_owned())),
        }
    }
    cue.start_ms = start?.ms;
    cue.end_ms = end?.ms;
    if cue.end_ms < cue.start_ms {
        w.at(
            line_no,
            WarningKind::EndBeforeStart,
            "event ends before it starts",
        );
    }
    Some(cue)
}
