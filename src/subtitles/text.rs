//! Cue text markup: ASS override tags (`{\b1}`, `\N`), SRT's HTML-like tags
//! (`<i>`, `<font color>`, and the `{\an8}` many SRT files carry) and WebVTT's tags
//! and entities. Text is converted through a small span model ([`Rich`]) holding
//! only what every format can say: bold, italic, underline, strike-out, colour and
//! an alignment. Other tags are kept only when the text stays in its own format
//! (they are never run through here then).

use super::style::AssColor;
use super::Format;

/// The character properties carried between formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SpanStyle {
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub strike: bool,
    /// Fill colour as red, green, blue; `None` is the style's own.
    pub color: Option<[u8; 3]>,
    /// Inside an ASS drawing (`\p1`): the text is vector commands, not words.
    pub drawing: bool,
}

/// Text as styled runs plus a numpad alignment (ASS `\an`), if one was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Rich {
    pub spans: Vec<(SpanStyle, String)>,
    pub align: Option<u8>,
}

impl Rich {
    fn push(&mut self, style: SpanStyle, text: &mut String) {
        if text.is_empty() {
            return;
        }
        match self.spans.last_mut() {
            Some((last, t)) if *last == style => {
                t.push_str(text);
                text.clear();
            }
            _ => self.spans.push((style, std::mem::take(text))),
        }
    }

    /// The text without styling.
    pub fn plain(&self) -> String {
        self.spans.iter().map(|(_, t)| t.as_str()).collect()
    }
}

/// Removes ASS override blocks (`{...}`), keeping `\N` and the rest as they are.
pub fn strip_ass_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest.get(open..).and_then(|r| r.find('}')) else {
            break;
        };
        out.push_str(rest.get(..open).unwrap_or_default());
        rest = rest.get(open + close + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// ASS text to plain text: override blocks removed, `\N` a newline, `\h` a
/// no-break space, `\n` (a soft break) a space.
pub fn ass_to_plain(text: &str) -> String {
    from_ass(text, SpanStyle::default()).plain()
}

/// Plain text to ASS: newlines become `\N`; a `{`, which ASS cannot escape, becomes
/// a full-width `｛` so it is not taken for an override block.
pub fn plain_to_ass(text: &str) -> String {
    let rich = Rich {
        spans: vec![(SpanStyle::default(), text.to_owned())],
        align: None,
    };
    to_ass(&rich, SpanStyle::default())
}

/// SRT/WebVTT markup (`<b>`, `<i>`, `<u>`, `<font color>`, `{\an8}`) to ASS
/// override tags.
pub fn html_to_ass(text: &str) -> String {
    to_ass(
        &from_html(text, false, SpanStyle::default()),
        SpanStyle::default(),
    )
}

/// ASS override tags to SRT markup (`<b>`, `<i>`, `<u>`, `<s>`, `<font color>`, and
/// `{\anN}` for a position other than bottom centre).
pub fn ass_to_html(text: &str) -> String {
    to_html(&from_ass(text, SpanStyle::default()), false)
}

/// Text in `format`'s markup as plain text with real newlines.
pub fn to_plain(text: &str, format: Format) -> String {
    match format {
        Format::Ass | Format::Ssa => ass_to_plain(text),
        Format::Srt => from_html(text, false, SpanStyle::default()).plain(),
        Format::Vtt => from_html(text, true, SpanStyle::default()).plain(),
    }
}

/// Rewrites cue text from one format's markup to another's, keeping bold, italic,
/// underline, strike-out, colour and alignment where the target can hold them.
pub fn convert_markup(text: &str, from: Format, to: Format) -> String {
    let rich = parse_rich(text, from, SpanStyle::default());
    render_rich(&rich, to, SpanStyle::default())
}

/// Reads text in `format`'s markup, starting from `base` (a style's own look).
pub(crate) fn parse_rich(text: &str, format: Format, base: SpanStyle) -> Rich {
    match format {
        Format::Ass | Format::Ssa => from_ass(text, base),
        Format::Srt => from_html(text, false, base),
        Format::Vtt => from_html(text, true, base),
    }
}

/// Writes rich text in `format`'s markup, relative to `base`. For WebVTT the
/// alignment is not written (it belongs in the cue settings).
pub(crate) fn render_rich(rich: &Rich, format: Format, base: SpanStyle) -> String {
    match format {
        Format::Ass | Format::Ssa => to_ass(rich, base),
        Format::Srt => to_html(rich, false),
        Format::Vtt => to_html(rich, true),
    }
}

/// Finds the next closing character (`>`, `}`) at or after a position that only moves
/// forward, remembering the answer: a cue full of `<` or `{` that never close is read in
/// one pass instead of one search to its end per opening character.
struct Closer {
    c: char,
    found: Option<Option<usize>>,
}

impl Closer {
    fn new(c: char) -> Closer {
        Closer { c, found: None }
    }

    /// The byte offset in `text` of the first `c` at or after `from`.
    fn find(&mut self, text: &str, from: usize) -> Option<usize> {
        match self.found {
            Some(Some(at)) if at >= from => return Some(at),
            Some(None) => return None,
            _ => {}
        }
        let at = text
            .get(from..)
            .and_then(|r| r.find(self.c))
            .map(|p| from + p);
        self.found = Some(at);
        at
    }
}

/// Parses ASS text, applying override tags to `base`.
fn from_ass(text: &str, base: SpanStyle) -> Rich {
    let mut rich = Rich::default();
    let mut cur = base;
    let mut buf = String::new();
    let mut chars = text.char_indices().peekable();
    let mut brace = Closer::new('}');
    while let Some((i, c)) = chars.next() {
        match c {
            '{' => {
                let Some(len) = brace.find(text, i).map(|e| e - i) else {
                    buf.push(c);
                    continue;
                };
                rich.push(cur, &mut buf);
                let block = text.get(i + 1..i + len).unwrap_or_default();
                apply_ass_block(block, base, &mut cur, &mut rich.align);
                while chars.peek().is_some_and(|&(j, _)| j <= i + len) {
                    chars.next();
                }
            }
            '\\' => match chars.peek().map(|&(_, n)| n) {
                Some('N') => {
                    buf.push('\n');
                    chars.next();
                }
                Some('n') => {
                    buf.push(' ');
                    chars.next();
                }
                Some('h') => {
                    buf.push('\u{a0}');
                    chars.next();
                }
                _ => buf.push('\\'),
            },
            _ if cur.drawing => {}
            _ => buf.push(c),
        }
    }
    rich.push(cur, &mut buf);
    rich
}

/// Splits an override block into tags (`b1`, `t(0,50,\i1)`), respecting parentheses.
fn ass_tags(block: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    let mut depth = 0i32;
    let mut start = None;
    for (i, c) in block.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            '\\' if depth == 0 => {
                if let Some(s) = start {
                    tags.push(block.get(s..i).unwrap_or_default());
                }
                start = Some(i + 1);
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        tags.push(block.get(s..).unwrap_or_default());
    }
    tags
}

/// Applies the tags this model knows; all others (positioning, fades, transforms)
/// do not exist outside ASS and are dropped in conversion.
fn apply_ass_block(block: &str, base: SpanStyle, cur: &mut SpanStyle, align: &mut Option<u8>) {
    for tag in ass_tags(block) {
        let tag = tag.trim();
        let flag = |rest: &str, default: bool| -> bool {
            match rest.trim().parse::<i64>() {
                Ok(0) => false,
                Ok(v) => v == 1 || v == -1 || v >= 600,
                Err(_) => default,
            }
        };
        if let Some(rest) = tag.strip_prefix("an") {
            if let Ok(a @ 1..=9) = rest.trim().parse::<u8>() {
                *align = Some(a);
            }
        } else if tag.starts_with("alpha") {
        } else if let Some(rest) = tag.strip_prefix('a') {
            *align = match rest.trim().parse::<u8>() {
                Ok(a @ 1..=3) => Some(a),
                Ok(a @ 5..=7) => Some(a + 2),
                Ok(a @ 9..=11) => Some(a - 5),
                _ => *align,
            };
        } else if ["bord", "blur", "be"].iter().any(|p| tag.starts_with(p)) {
        } else if let Some(rest) = tag.strip_prefix('b') {
            cur.bold = flag(rest, base.bold);
        } else if tag.starts_with("iclip") {
        } else if let Some(rest) = tag.strip_prefix('i') {
            cur.italic = flag(rest, base.italic);
        } else if let Some(rest) = tag.strip_prefix('u') {
            cur.underline = flag(rest, base.underline);
        } else if tag.starts_with("shad") {
        } else if let Some(rest) = tag
            .strip_prefix('s')
            .filter(|r| r.chars().all(|c| c.is_ascii_digit()))
        {
            cur.strike = flag(rest, base.strike);
        } else if tag.starts_with("clip") {
        } else if let Some(rest) = tag.strip_prefix("1c").or_else(|| tag.strip_prefix('c')) {
            cur.color = match AssColor::parse(rest) {
                Some(c) => {
                    let (r, g, b, _) = c.rgba();
                    Some([r, g, b])
                }
                None => base.color,
            };
        } else if tag.starts_with('r') {
            *cur = base;
        } else if let Some(rest) = tag
            .strip_prefix('p')
            .filter(|r| r.chars().all(|c| c.is_ascii_digit()))
        {
            cur.drawing = rest.parse::<u32>().is_ok_and(|scale| scale > 0);
        }
    }
}

/// Parses SRT or WebVTT text. `{\...}` blocks (common in SRT) are read as ASS tags.
fn from_html(text: &str, vtt: bool, base: SpanStyle) -> Rich {
    let mut rich = Rich::default();
    let mut cur = base;
    let mut stack: Vec<OpenTag> = Vec::new();
    let mut buf = String::new();
    let mut rest = text;
    let (mut gt, mut brace) = (Closer::new('>'), Closer::new('}'));
    while let Some(c) = rest.chars().next() {
        let after = rest.get(c.len_utf8()..).unwrap_or_default();
        let pos = text.len() - rest.len();
        if c == '<' {
            if let Some(end) = gt.find(text, pos).map(|e| e - pos) {
                let tag = rest.get(1..end).unwrap_or_default();
                if vtt || looks_like_tag(tag) {
                    rich.push(cur, &mut buf);
                    apply_html_tag(tag, &mut cur, &mut stack);
                    rest = rest.get(end + 1..).unwrap_or_default();
                    continue;
                }
            }
        } else if c == '{' && !vtt && after.starts_with('\\') {
            if let Some(end) = brace.find(text, pos).map(|e| e - pos) {
                rich.push(cur, &mut buf);
                let block = rest.get(1..end).unwrap_or_default();
                apply_ass_block(block, base, &mut cur, &mut rich.align);
                rest = rest.get(end + 1..).unwrap_or_default();
                continue;
            }
        } else if c == '&' && vtt {
            if let Some((decoded, len)) = entity(rest) {
                buf.push(decoded);
                rest = rest.get(len..).unwrap_or_default();
                continue;
            }
        }
        buf.push(c);
        rest = after;
    }
    rich.push(cur, &mut buf);
    rich
}

/// `b`, `/i`, `font color="red"`: a letter or slash first, so `a < b` stays text.
fn looks_like_tag(tag: &str) -> bool {
    let t = tag.strip_prefix('/').unwrap_or(tag);
    t.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// One open SRT/WebVTT tag: its name, its attributes, and the style before it.
type OpenTag = (String, String, SpanStyle);

fn apply_html_tag(tag: &str, cur: &mut SpanStyle, stack: &mut Vec<OpenTag>) {
    let tag = tag.trim();
    if let Some(name) = tag.strip_prefix('/') {
        let name = name.trim().to_ascii_lowercase();
        let Some(pos) = stack.iter().rposition(|(n, _, _)| *n == name) else {
            return;
        };
        // Close `name` even if tags opened after it are still open, then reopen those.
        let mut closed = stack.drain(pos..);
        if let Some((_, _, before)) = closed.next() {
            *cur = before;
        }
        let reopen: Vec<OpenTag> = closed.collect();
        for (n, attrs, _) in reopen {
            open_tag(&n, &attrs, cur, stack);
        }
        return;
    }
    let (name, attrs) = match tag.find(|c: char| c.is_whitespace() || c == '.') {
        Some(p) => (
            tag.get(..p).unwrap_or_default(),
            tag.get(p..).unwrap_or_default(),
        ),
        None => (tag, ""),
    };
    open_tag(&name.to_ascii_lowercase(), attrs, cur, stack);
}

fn open_tag(name: &str, attrs: &str, cur: &mut SpanStyle, stack: &mut Vec<OpenTag>) {
    let before = *cur;
    match name {
        "b" => cur.bold = true,
        "i" => cur.italic = true,
        "u" => cur.underline = true,
        "s" => cur.strike = true,
        "font" => {
            if let Some(rgb) = font_color(attrs) {
                cur.color = Some(rgb);
            }
        }
        // WebVTT classes, voices, languages, ruby and karaoke timestamps carry no
        // style this model holds; tracked so their closing tag is understood.
        _ => {}
    }
    stack.push((name.to_owned(), attrs.to_owned(), before));
}

/// Reads `color="#rrggbb"`, `color=#rgb` or a few colour names from `<font>`.
fn font_color(attrs: &str) -> Option<[u8; 3]> {
    let lower = attrs.to_ascii_lowercase();
    let value = lower
        .split("color")
        .nth(1)?
        .trim_start()
        .strip_prefix('=')?;
    let value = value.trim().trim_start_matches(['"', '\'']);
    let value: String = value
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '#')
        .collect();
    let named = match value.as_str() {
        "white" => Some([255, 255, 255]),
        "black" => Some([0, 0, 0]),
        "red" => Some([255, 0, 0]),
        "green" => Some([0, 128, 0]),
        "lime" => Some([0, 255, 0]),
        "blue" => Some([0, 0, 255]),
        "yellow" => Some([255, 255, 0]),
        "cyan" | "aqua" => Some([0, 255, 255]),
        "magenta" | "fuchsia" => Some([255, 0, 255]),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    let hex = value.trim_start_matches('#');
    let byte = |s: &str| u8::from_str_radix(s, 16).ok();
    match hex.len() {
        6 => Some([
            byte(hex.get(0..2)?)?,
            byte(hex.get(2..4)?)?,
            byte(hex.get(4..6)?)?,
        ]),
        3 => {
            let d = |i: usize| byte(hex.get(i..=i)?).map(|v| v * 17);
            Some([d(0)?, d(1)?, d(2)?])
        }
        _ => None,
    }
}

/// Decodes a WebVTT character reference at the start of `text`, returning the
/// character and the bytes it used.
fn entity(text: &str) -> Option<(char, usize)> {
    let end = text.get(..text.len().min(12))?.find(';')?;
    let name = text.get(1..end)?;
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "nbsp" => '\u{a0}',
        "lrm" => '\u{200e}',
        "rlm" => '\u{200f}',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

/// Writes ASS text: override tags only where the style changes from `base`.
fn to_ass(rich: &Rich, base: SpanStyle) -> String {
    let mut out = String::new();
    if let Some(a) = rich.align {
        out.push_str(&format!("{{\\an{a}}}"));
    }
    let mut cur = base;
    for (style, text) in &rich.spans {
        let mut tags = String::new();
        let mut flag = |name: &str, was: bool, now: bool| {
            if was != now {
                tags.push_str(&format!("\\{name}{}", u8::from(now)));
            }
        };
        flag("b", cur.bold, style.bold);
        flag("i", cur.italic, style.italic);
        flag("u", cur.underline, style.underline);
        flag("s", cur.strike, style.strike);
        if cur.color != style.color {
            match style.color {
                Some([r, g, b]) => tags.push_str(&format!("\\c&H{b:02X}{g:02X}{r:02X}&")),
                None => tags.push_str("\\c"),
            }
        }
        if !tags.is_empty() {
            out.push('{');
            out.push_str(&tags);
            out.push('}');
        }
        cur = *style;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\n' => out.push_str("\\N"),
                '\u{a0}' => out.push_str("\\h"),
                '{' => out.push('\u{ff5b}'),
                '\\' if chars.peek().is_some_and(|n| matches!(n, 'N' | 'n' | 'h')) => {
                    out.push_str("\\\u{2060}");
                }
                _ => out.push(c),
            }
        }
    }
    out
}

/// Writes SRT or WebVTT text with properly nested tags.
fn to_html(rich: &Rich, vtt: bool) -> String {
    let mut out = String::new();
    if !vtt {
        if let Some(a) = rich.align.filter(|a| *a != 2) {
            out.push_str(&format!("{{\\an{a}}}"));
        }
    }
    let mut open: Vec<&'static str> = Vec::new();
    let mut open_color: Option<[u8; 3]> = None;
    for (style, text) in &rich.spans {
        let wanted = |t: &str| match t {
            "b" => style.bold,
            "i" => style.italic,
            "u" => style.underline,
            "s" => style.strike && !vtt,
            "font" => !vtt && style.color.is_some() && style.color == open_color,
            _ => false,
        };
        // Close from the innermost tag outwards down to the first one no longer wanted.
        if let Some(first_unwanted) = open.iter().position(|t| !wanted(t)) {
            while open.len() > first_unwanted {
                if let Some(t) = open.pop() {
                    out.push_str(&format!("</{t}>"));
                }
            }
        }
        if !open.contains(&"font") {
            open_color = None;
        }
        for (name, on) in [
            ("b", style.bold),
            ("i", style.italic),
            ("u", style.underline),
            ("s", style.strike && !vtt),
        ] {
            if on && !open.contains(&name) {
                out.push_str(&format!("<{name}>"));
                open.push(name);
            }
        }
        if let (Some([r, g, b]), false, false) = (style.color, vtt, open.contains(&"font")) {
            out.push_str(&format!("<font color=\"#{r:02x}{g:02x}{b:02x}\">"));
            open.push("font");
            open_color = style.color;
        }
        for c in text.chars() {
            match c {
                '&' if vtt => out.push_str("&amp;"),
                '<' if vtt => out.push_str("&lt;"),
                '>' if vtt => out.push_str("&gt;"),
                '\u{a0}' if vtt => out.push_str("&nbsp;"),
                _ => out.push(c),
            }
        }
    }
    while let Some(t) = open.pop() {
        out.push_str(&format!("</{t}>"));
    }
    out
}
