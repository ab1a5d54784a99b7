//! Subtitles in an export: `--subtitles FILE` puts the file's cues on a new subtitle
//! track, at timeline times, with the file's styles, word timings and (for ASS) override
//! tags; [`soft_subtitles`] turns the project's visible subtitle tracks into the ASS
//! script a soft subtitle stream carries.
//!
//! Only MKV keeps such a script whole; MP4 (`mov_text`) and WebM (WebVTT) keep the words
//! and drop styles, which [`soft_subtitle_note`] says in words a person can act on.

use std::collections::BTreeMap;
use std::path::Path;

use crate::media::{soft_subtitle_codec, Container};
use crate::subtitles::timeline_map::{doc_to_track, track_to_doc};
use crate::subtitles::{self, Format, KaraokeTag, SubtitleError};
use crate::timeline::{CueId, OutputId, Project, SubtitleCue, TextStyle, Time, Track, TrackKind};

/// Reads a subtitle file (SRT, WebVTT, ASS) onto a new subtitle track of `project`, its
/// times taken as timeline times. The file's styles join the project's; one whose name
/// the project already uses for another look is renamed after the file.
pub fn add_subtitle_file(project: &mut Project, path: &Path) -> Result<(), SubtitleError> {
    let (doc, _warnings) = subtitles::read_file(path)?;
    let mut track = Track::new(project.next_track_id(), TrackKind::Subtitle, "Subtitles");
    let content = doc_to_track(&doc, CueId(project.next_cue_id().0));
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut renamed = std::collections::BTreeMap::new();
    for (name, style) in content.styles {
        let free = project
            .subtitle_styles
            .get(&name)
            .is_none_or(|s| *s == style);
        let new_name = if free {
            name.clone()
        } else {
            format!("{name} ({stem})")
        };
        project.subtitle_styles.insert(new_name.clone(), style);
        renamed.insert(name, new_name);
    }
    for mut cue in content.cues {
        if cue.text.trim().is_empty() || cue.end <= cue.start {
            continue;
        }
        cue.style = cue.style.map(|s| renamed.get(&s).cloned().unwrap_or(s));
        track.cues.push(cue);
    }
    track.cues.sort_by_key(|c| c.start);
    project.tracks.push(track);
    Ok(())
}

/// A soft subtitle stream as ASS: the script header and the events in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct SoftSubtitles {
    /// `[Script Info]` and `[V4+ Styles]` with every project style, ending with the
    /// `[Events]` section's `Format:` line.
    pub header: String,
    /// The cues, sorted by start.
    pub cues: Vec<SoftCue>,
}

/// One event of a [`SoftSubtitles`] stream.
#[derive(Clone, Debug, PartialEq)]
pub struct SoftCue {
    /// First instant shown.
    pub start: Time,
    /// First instant no longer shown.
    pub end: Time,
    /// Its ASS style's name.
    pub style: String,
    /// Its text as ASS: override tags kept from the file it came from, `\k` karaoke for
    /// word timings, `\N` line breaks.
    pub text: String,
}

/// The project's visible subtitle cues starting before `end` (each cut off there) as an
/// ASS script for a soft subtitle stream of output `output`: its bottom subtitles sit
/// above the output's safe area, as burned-in ones do. The script is 1080 high and as wide
/// as the exported `frame` (width, height) is in proportion, as the burned-in one is, so a
/// player draws its letters unstretched in a 9:16 file too.
pub fn soft_subtitles(
    project: &Project,
    end: Time,
    output: OutputId,
    frame: (u32, u32),
) -> SoftSubtitles {
    let area = project
        .output(output)
        .map(|o| o.safe_area)
        .unwrap_or_default();
    let mut styles = project.subtitle_styles.clone();
    if area.bottom_fraction().is_some() {
        // Cues naming no style use the default one, which must keep clear too.
        styles.entry("Default".to_owned()).or_default();
    }
    let styles: BTreeMap<String, TextStyle> = styles
        .into_iter()
        .map(|(name, style)| (name, area.keep_clear(style)))
        .collect();
    let mut cues: Vec<SubtitleCue> = project
        .tracks
        .iter()
        .filter(|t| t.kind == TrackKind::Subtitle && !t.hidden)
        .flat_map(|t| &t.cues)
        .filter(|c| c.start < end && c.start < c.end)
        .map(|c| SubtitleCue {
            end: c.end.min(end),
            ..c.clone()
        })
        .collect();
    cues.sort_by_key(|c| c.start);
    let mut doc = track_to_doc(&cues, &styles, Format::Ass, Some(KaraokeTag::K));
    let (play_x, play_y) = crate::render::play_res(frame);
    doc.script_info.set("PlayResX", play_x.to_string());
    doc.script_info.set("PlayResY", play_y.to_string());
    let events = std::mem::take(&mut doc.events);
    let header = doc.write(Format::Ass);
    let cues = cues
        .iter()
        .zip(events)
        .map(|(cue, event)| SoftCue {
            start: cue.start,
            end: cue.end,
            style: event.style,
            text: event.text,
        })
        .collect();
    SoftSubtitles { header, cues }
}

/// What a person should know before writing soft subtitles into `container`: `None`
/// when the container keeps them whole.
pub fn soft_subtitle_note(container: Container) -> Option<String> {
    match soft_subtitle_codec(container)? {
        "ass" => None,
        "mov_text" => Some(
            "MP4 and MOV carry soft subtitles as mov_text: the words and line breaks stay, \
             but styles, positions, colours and word highlights are lost. Export to .mkv to \
             keep them."
                .to_owned(),
        ),
        codec => Some(format!(
            "WebM carries soft subtitles as {} only: the words stay, styles, positions, \
             colours and word highlights are lost. Export to .mkv to keep them.",
            if codec == "webvtt" { "WebVTT" } else { codec }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Canvas, TrackId, WordTiming};

    #[test]
    fn soft_subtitles_carry_the_project_styles_and_word_timings_as_karaoke() {
        let mut p = Project::new("p", Canvas::default());
        let big = TextStyle {
            font_size: 80.0,
            ..TextStyle::default()
        };
        p.subtitle_styles.insert("Big".into(), big);
        let mut track = Track::new(TrackId(1), TrackKind::Subtitle, "en");
        let mut cue = SubtitleCue::new(CueId(1), Time::ZERO, Time::from_secs(2), "Hi there");
        cue.style = Some("Big".into());
        cue.words = vec![
            WordTiming {
                start: Time::ZERO,
                end: Time::from_millis(500),
                text: "Hi".into(),
            },
            WordTiming {
                start: Time::from_millis(500),
                end: Time::from_secs(2),
                text: "there".into(),
            },
        ];
        track.cues.push(cue);
        p.tracks.push(track);
        let soft = soft_subtitles(&p, Time::from_secs(1), OutputId::MAIN, (1920, 1080));
        assert!(soft.header.contains("\nStyle: Big,"), "{}", soft.header);
        assert!(
            soft.header.trim_end().ends_with("Effect, Text"),
            "{}",
            soft.header
        );
        assert_eq!(soft.cues.len(), 1);
        assert_eq!(soft.cues[0].style, "Big");
        assert_eq!(soft.cues[0].end, Time::from_secs(1), "cut at the end");
        assert!(
            soft.cues[0].text.contains("{\\k50}Hi"),
            "{:?}",
            soft.cues[0]
        );
    }

    #[test]
    fn soft_subtitles_of_a_tall_output_sit_above_its_safe_area() {
        use crate::timeline::tests::fixtures::{tall_output_project, TALL};
        let p = tall_output_project();
        let margin = |output| {
            let soft = soft_subtitles(&p, Time::from_secs(1), output, (1080, 1920));
            let style = soft
                .header
                .lines()
                .find(|l| l.starts_with("Style: Default,"))
                .map(str::to_owned);
            style.and_then(|s| s.rsplit(',').nth(1).map(str::to_owned))
        };
        assert_eq!(margin(OutputId::MAIN).as_deref(), Some("80"), "the style's");
        // A 9:16 file's script is 9:16 too, or players would squash the letters.
        let tall = soft_subtitles(&p, Time::from_secs(1), TALL, (1080, 1920));
        assert!(
            tall.header.contains("PlayResX: 607") && tall.header.contains("PlayResY: 1080"),
            "{}",
            tall.header
        );
        let wide = soft_subtitles(&p, Time::from_secs(1), OutputId::MAIN, (1920, 1080));
        assert!(wide.header.contains("PlayResX: 1920") && wide.header.contains("PlayResY: 1080"));
        assert_eq!(margin(TALL).as_deref(), Some("216"), "a fifth of 1080");
    }

    #[test]
    fn only_mkv_keeps_styles() {
        assert_eq!(soft_subtitle_note(Container::Mkv), None);
        for c in [Container::Mp4, Container::Mov, Container::WebM] {
            assert!(soft_subtitle_note(c).is_some_and(|n| n.contains(".mkv")));
        }
    }
}
