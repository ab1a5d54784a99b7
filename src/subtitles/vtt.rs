//! WebVTT (`.vtt`): the `WEBVTT` header block, cues with optional identifiers and
//! settings (`line:0 position:20% align:start` kept verbatim), and NOTE, STYLE and
//! REGION blocks kept in place. Read tolerantly (missing header or blank lines,
//! comma decimals, cues out of order), written strictly with hours in every
//! timestamp.

use super::decode::split_lines;
use super::error::{SubtitleError, WarningKind, Warnings};
use super::model::{Cue, CueKind, RawBlock, RawKind, SubtitleDoc};
use super::srt::{
    check_clock_spelling, clip, cue_text, parse_timing, payload_lines, push_timing_line,
    sort_by_start,
};
use super::timecode;
use super::Format;

/// Whether `line` starts with `word` followed by nothing or whitespace.
fn starts_block(line: &str, word: &str) -> bool {
    line.strip_prefix(word)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// Reads WebVTT text.
pub(crate) fn parse(text: &str, w: &mut Warnings) -> Result<SubtitleDoc, SubtitleError> {
    let lines = split_lines(text);
    let mut doc = SubtitleDoc::new(Format::Vtt);
    let mut i = 0;
    while lines.get(i).is_some_and(|l| l.trim().is_empty()) {
        i += 1;
    }
    if lines.get(i).is_some_and(|l| starts_block(l, "WEBVTT")) {
        while let Some(l) = lines.get(i) {
            if l.trim().is_empty() {
                break;
            }
            if l.contains("-->") {
                w.at(
                    i + 1,
                    WarningKind::MissingBlankLine,
                    "no blank line between the header and the first cue",
                );
                break;
            }
            doc.vtt_header.push((*l).to_owned());
            i += 1;
        }
    } else if !text.trim().is_empty() {
        w.at(
            i + 1,
            WarningKind::MissingHeader,
            "the file does not start with WEBVTT; read anyway",
        );
    }

    while let Some(line) = lines.get(i) {
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        let block_kind = [
            ("NOTE", RawKind::VttNote),
            ("STYLE", RawKind::VttStyle),
            ("REGION", RawKind::VttRegion),
        ]
        .into_iter()
        .find(|(word, _)| starts_block(line, word))
        .map(|(_, kind)| kind);
        if let Some(kind) = block_kind {
            let start = i;
            while lines
                .get(i)
                .is_some_and(|l| !l.trim().is_empty() && (i == start || !l.contains("-->")))
            {
                i += 1;
            }
            let text = lines.get(start..i).unwrap_or_default().join("\n");
            doc.raw_blocks.push(RawBlock {
                kind,
                before: doc.events.len(),
                text,
            });
            continue;
        }
        let (identifier, timing_line) = if line.contains("-->") {
            (None, i)
        } else {
            (Some((*line).to_owned()), i + 1)
        };
        let Some(timing) = lines.get(timing_line).and_then(|l| parse_timing(l)) else {
            w.at(
                timing_line.min(lines.len().saturating_sub(1)) + 1,
                WarningKind::UnreadableLine,
                format!(
                    "expected a cue timing line; skipped the block starting {:?}",
                    clip(line)
                ),
            );
            while lines.get(i).is_some_and(|l| !l.trim().is_empty()) {
                i += 1;
            }
            continue;
        };
        check_clock_spelling(&timing, Format::Vtt, timing_line + 1, w);
        let next_cue_at = |j: usize| lines.get(j).is_some_and(|l| parse_timing(l).is_some());
        let (payload, j) = cue_text(&lines, timing_line, next_cue_at, w);
        let mut cue = Cue::new(timing.start.ms, timing.end.ms, payload.join("\n"));
        cue.identifier = identifier;
        cue.settings = timing.settings.to_owned();
        cue.line = i + 1;
        doc.events.push(cue);
        i = j;
    }
    if doc.events.is_empty()
        && doc.vtt_header.is_empty()
        && doc.raw_blocks.is_empty()
        && !text.trim().is_empty()
    {
        return Err(SubtitleError::NoCues {
            format: Format::Vtt,
        });
    }
    sort_by_start(&mut doc.events, w);
    Ok(doc)
}

/// Writes WebVTT. Payload text has `-->` escaped and blank lines removed, which
/// would otherwise end the cue.
pub(crate) fn write(doc: &SubtitleDoc) -> String {
    let nl = doc.line_ending.as_str();
    let mut out = String::new();
    if doc
        .vtt_header
        .first()
        .is_some_and(|l| starts_block(l, "WEBVTT"))
    {
        for line in &doc.vtt_header {
            out.push_str(line);
            out.push_str(nl);
        }
    } else {
        out.push_str("WEBVTT");
        out.push_str(nl);
    }
    out.push_str(nl);
    let blocks = doc.raw_blocks_by_place(|k| {
        matches!(k, RawKind::VttNote | RawKind::VttStyle | RawKind::VttRegion)
    });
    let write_block = |block: &RawBlock, out: &mut String| {
        for line in payload_lines(&block.text) {
            out.push_str(line);
            out.push_str(nl);
        }
        out.push_str(nl);
    };
    for (index, cue) in doc.events.iter().enumerate() {
        for block in blocks.get(&index).into_iter().flatten() {
            write_block(block, &mut out);
        }
        if cue.kind != CueKind::Dialogue {
            continue;
        }
        if let Some(id) = cue
            .identifier
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            out.push_str(&id.replace("-->", "->"));
            out.push_str(nl);
        }
        push_timing_line(&mut out, cue, timecode::format_vtt, nl);
        for line in payload_lines(&cue.text) {
            out.push_str(&line.replace("-->", "--&gt;"));
            out.push_str(nl);
        }
        out.push_str(nl);
    }
    for block in blocks.range(doc.events.len()..).flat_map(|(_, b)| b) {
        write_block(block, &mut out);
    }
    out
}

/// A cue's WebVTT settings as (name, value) pairs: `line:0 align:start` gives
/// `[("line", "0"), ("align", "start")]`.
pub fn cue_settings(settings: &str) -> Vec<(&str, &str)> {
    settings
        .split_whitespace()
        .filter_map(|s| s.split_once(':'))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::srt::tests::parse_cleanly;
    use super::*;

    #[test]
    fn settings_split_into_pairs() {
        assert_eq!(
            cue_settings("line:0 position:20% align:start"),
            vec![("line", "0"), ("position", "20%"), ("align", "start")]
        );
    }

    #[test]
    fn a_normalised_file_with_notes_and_ids_writes_back_identically() {
        let text = "WEBVTT - demo\nKind: captions\n\nSTYLE\n::cue { color: yellow }\n\nNOTE first\n\nintro\n00:00:01.000 --> 00:00:02.000 line:0 align:start\n<v Ann>Hi &amp; bye\n\nNOTE tail\n\n";
        let doc = parse_cleanly(parse, text);
        assert_eq!(doc.events[0].identifier.as_deref(), Some("intro"));
        assert_eq!(doc.raw_blocks.len(), 3);
        assert_eq!(write(&doc), text);
    }
}
